import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clickAndLoad, fillDate, open } from './pages.js';

/** Opens the case with this reference from the clerk's inbox and starts working on it; returns the case URL. */
export async function openAndStartCase(clerk: Page, reference: string): Promise<string> {
  await clickAndLoad(clerk, clerk.getByRole('link', { name: reference, exact: true }));
  const caseUrl = clerk.url();
  await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bearbeitung beginnen' }));
  return caseUrl;
}

/** Sends a Nachforderung from the open case page: a question and, if any, the documents that are missing. */
export async function askApplicant(clerk: Page, request: { question: string; missing?: string }): Promise<void> {
  await clerk.getByLabel('Frage an die antragstellende Person').fill(request.question);
  if (request.missing) await clerk.getByLabel('Fehlende Unterlagen').fill(request.missing);
  await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Nachforderung senden' }));
  assert.match(await clerk.getByRole('main').innerText(), /Antwort ausstehend/, 'the case waits for the answer');
}

/** Decides the open case as approved ("Bewilligt"). */
export async function approveCase(clerk: Page): Promise<void> {
  await clerk.getByRole('group', { name: 'Entscheidung' }).getByLabel('Bewilligt', { exact: true }).check();
  await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Entscheiden' }));
}

/**
 * Issues a letter of the case from a template as the signed-in clerk: chooses the template (then
 * calls `preview` on the form with its preview, if given), fills its gaps by label (fields of type
 * date as TT.MM.JJJJ) and issues it; returns the text of the filled-in form as it stood before issuing.
 */
export async function issueLetter(clerk: Page, caseUrl: string, template: string, values: Record<string, string>, preview?: (page: Page) => Promise<void>): Promise<string> {
  await open(clerk, `${caseUrl}/bescheide`);
  await clerk.getByLabel(template).check();
  await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Vorlage wählen' }));
  await preview?.(clerk);
  for (const [label, value] of Object.entries(values)) {
    const field = clerk.getByLabel(label, { exact: true });
    if ((await field.getAttribute('type')) === 'date') await fillDate(field, value);
    else await field.fill(value);
  }
  const form = await clerk.getByRole('main').innerText();
  await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bescheid erstellen und zustellen' }));
  assert.match(await clerk.getByRole('main').innerText(), /[0-9a-f]{64}/, 'the letter is listed with its fingerprint');
  return form;
}

/** Issues the reply letter ("Antwort auf Ihr Anliegen") of a "Kontakt und Beschwerde" case; see issueLetter. */
export function issueReplyLetter(clerk: Page, caseUrl: string, values: { recipient: string; reply: string }): Promise<string> {
  return issueLetter(clerk, caseUrl, 'Antwort auf Ihr Anliegen', { 'Empfänger (Name)': values.recipient, Antwort: values.reply });
}
