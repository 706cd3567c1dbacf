import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { berlinDay } from '../platform/i18n/i18n.js';
import type { TestApp } from './app.js';
import type { TestBrowser, UploadFile } from './browser.js';

/** Answers of a complete "Hund anmelden" application through the API (a breed that needs no permit). */
export function dogAnswers(overrides: { email?: string; dogName?: string } = {}) {
  return {
    halter: {
      vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1984-08-12',
      anschrift: { street: 'Hauptstraße', houseNumber: '12a', postcode: '45657', city: 'Musterstadt' },
      email: overrides.email ?? 'erika@example.org',
    },
    hund: { name: overrides.dogName ?? 'Bella', rasse: 'beagle', geburtsdatum: '2021-03-01', chipnummer: '276098106123456', haltungSeit: berlinDay(new Date()), zweitHund: false },
    bankverbindung: { iban: 'DE02120300000000202051', kontoinhaber: 'Erika Mustermann' },
  };
}

/** Answers of a complete Wohngeld application (rent subsidy, no documents) through the API. */
export function housingBenefitAnswers(email = 'wohngeld@example.org') {
  return {
    antragsteller: {
      vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1984-08-12',
      anschrift: { street: 'Hauptstraße', houseNumber: '12a', postcode: '45657', city: 'Musterstadt' }, email,
    },
    wohnung: { art: 'miete', wohnflaeche: 62, miete: 540 },
    haushalt: { personen: 2, einkommen: 1850, transferleistungen: false },
    nachweise: {},
    konto: { iban: 'DE02120300000000202051', kontoinhaber: 'Erika Mustermann' },
  };
}

/** Answers of a "Kontakt und Beschwerde" message. */
export function complaintAnswers(message: string, email = 'anliegen@example.org') {
  return { anliegen: { art: 'beschwerde', betreff: 'Gehweg', nachricht: message }, kontakt: { name: 'Greta Quandt', email, antwortErwuenscht: true } };
}

/**
 * Sends a Meldebescheinigung (paid before handling) through the JSON API; returns the id of the
 * payment its answer names (`paymentPath`).
 */
export async function submitPayFirstViaApi(app: TestApp, host: string): Promise<string> {
  const response = await app.app.inject({
    method: 'POST', url: '/api/v1/services/meldebescheinigung/submissions', headers: { host },
    payload: { answers: {
      person: { vorname: 'Api', nachname: 'Antrag', geburtsdatum: '1980-01-02', anschrift: { street: 'Lindenweg', houseNumber: '3', postcode: '45657', city: 'Musterstadt' } },
      art: { art: 'erweitert' }, zustellung: { zustellung: 'abholung' }, kontakt: { email: 'api@example.org' },
    } },
  });
  assert.equal(response.statusCode, 201, response.body);
  const { paymentPath } = response.json() as { paymentPath: string };
  const paymentId = paymentPath.match(/^\/zahlung\/([0-9a-f-]{36})$/)?.[1];
  assert.ok(paymentId, response.body);
  return paymentId;
}

/** Submits an application through the JSON API; returns its ids, reference and receipt token. */
export async function submitViaApi(app: TestApp, host: string, serviceId: string, answers: unknown): Promise<{ submissionId: string; caseId: string; reference: string; receiptToken: string }> {
  const response = await app.app.inject({ method: 'POST', url: `/api/v1/services/${serviceId}/submissions`, headers: { host }, payload: { answers } as object });
  assert.equal(response.statusCode, 201, response.body);
  const { id, reference, receiptToken } = response.json() as { id: string; reference: string; receiptToken: string };
  const row = await sql<{ id: string }>`select id from cases where reference = ${reference}`.execute(app.database.db);
  return { submissionId: id, caseId: row.rows[0]!.id, reference, receiptToken };
}

/** Makes a staff member team lead of a department (set-up as the database owner). */
export async function makeTeamLead(app: TestApp, tenantId: string, staffId: string): Promise<void> {
  await app.database.db.transaction().execute(async (trx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    await sql`update staff_departments set role = 'team_lead' where tenant_id = ${tenantId} and staff_id = ${staffId}`.execute(trx);
  });
}

/** Sends a complaint through the browser journey; returns the new submission's id. */
export async function complainInBrowser(browser: TestBrowser, subject: string, attachments: UploadFile[] = []): Promise<string> {
  await browser.get('/leistungen/kontakt-beschwerde/antrag');
  const first = await browser.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: subject, nachricht: 'Wann ist geöffnet?', _action: 'continue' }, { anhang: attachments });
  assert.equal(first.statusCode, 303, first.body.slice(0, 500));
  const base = String(first.headers.location).replace(/\/[a-z]+$/, '');
  await browser.get(`${base}/kontakt`);
  const contact = await browser.post(`${base}/kontakt`, { name: '', email: 'fragende@example.org', antwortErwuenscht: 'no', _action: 'continue' });
  assert.equal(contact.headers.location, `${base}/pruefen`, contact.body.slice(0, 500));
  await browser.get(`${base}/pruefen`);
  const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
  return String(sent.headers.location).split('/').pop()!;
}
