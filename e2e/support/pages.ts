import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { generate } from 'otplib';
import type { BrowserContext, Locator, Page, Response } from 'playwright-core';

/**
 * Clicks something that submits a form or follows a link and waits until the new document
 * has loaded. Works for POST → 303 → GET, for a 422 re-render at the same URL and without
 * JavaScript, where Playwright cannot observe anything but the navigation itself.
 */
export async function clickAndLoad(page: Page, target: Locator): Promise<Response | null> {
  const isDocument = (r: Response) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400);
  // Caught at once: when the click fails, nobody awaits this promise any more.
  const response = page.waitForEvent('response', { predicate: isDocument }).catch(() => null);
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await Promise.all([navigated, target.click()]);
  await page.waitForLoadState('load');
  return response;
}

/** Presses the primary "Weiter" button of a form step. */
export async function continueStep(page: Page): Promise<void> {
  await clickAndLoad(page, page.getByRole('button', { name: 'Weiter', exact: true }));
}

/** Goes to a URL and fails on anything but the expected status. */
export async function open(page: Page, url: string, expectedStatus = 200): Promise<Response> {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), expectedStatus, `${url} answered ${response.status()}`);
  return response;
}

/** Fills a date field the way a German user types it (TT.MM.JJJJ), whatever widget the portal uses. */
export async function fillDate(field: Locator, german: string): Promise<void> {
  if ((await field.getAttribute('type')) === 'date') {
    const [d, m, y] = german.split('.');
    await field.fill(`${y}-${m}-${d}`);
  } else {
    await field.fill(german);
  }
}

/** Today plus some days in Europe/Berlin, as TT.MM.JJJJ. */
export function germanDate(offsetDays = 0): string {
  const date = new Date(Date.now() + offsetDays * 86_400_000);
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(date).split('-');
  return `${d}.${m}.${y}`;
}

// What a clerk's authenticator app would hold, per portal and account: set up at the first sign-in.
const authenticators = new Map<string, { secret: string; lastStep: number }>();

/** The code the app shows for a time step (30 s, 6 digits, SHA-1). */
function codeAt(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * 30 });
}

/**
 * A code the portal accepts now: the current step's, or a later one than the last used (the portal
 * refuses a code of the same step again and accepts one step ahead); waits when both are used.
 */
async function nextCode(app: { secret: string; lastStep: number }): Promise<string> {
  const now = () => Math.floor(Date.now() / 30_000);
  const step = Math.max(now(), app.lastStep + 1);
  if (step > now() + 1) await new Promise((resolve) => setTimeout(resolve, (step - 1) * 30_000 - Date.now() + 50));
  app.lastStep = step;
  return codeAt(app.secret, step);
}

/** Six digits the portal refuses: no code of the secret from two steps before now to two after. */
async function wrongCode(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 30_000);
  const near = await Promise.all([-2, -1, 0, 1, 2].map((d) => codeAt(secret, now + d)));
  return ['000000', '111111', '222222', '333333', '444444', '555555'].find((c) => !near.includes(c))!;
}

/** Called on each page a step of a journey passes (axe, 320 px …), with a name for messages and screenshots. */
export type PageCheck = (page: Page, name: string) => Promise<void>;

/**
 * Signs a clerk in at /verwaltung/anmelden and lands on the inbox. The first sign-in of an account
 * sets up its authenticator app (the secret read from the page, as a person types it into an app);
 * later ones enter a code. With `check`, it also visits the error and recovery-code states and
 * calls `check` on every second-factor page.
 */
export async function signInAsStaff(context: BrowserContext, baseUrl: string, credentials: { email: string; password: string }, check?: PageCheck): Promise<Page> {
  const page = await context.newPage();
  await open(page, `${baseUrl}/verwaltung/anmelden`);
  await page.getByLabel('Dienstliche E-Mail-Adresse').fill(credentials.email);
  await page.getByLabel('Passwort', { exact: true }).fill(credentials.password);
  await clickAndLoad(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
  const key = `${baseUrl} ${credentials.email}`;
  /** Submits the current code; with `check`, first a wrong one, checking the page before and after. */
  const confirmWithCode = async (app: { secret: string; lastStep: number }, button: string, name: string) => {
    const codeField = page.getByLabel('6-stelliger Code aus der App');
    if (check) {
      await check(page, name);
      await codeField.fill(await wrongCode(app.secret));
      await clickAndLoad(page, page.getByRole('button', { name: button }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await check(page, `${name}-wrong-code`);
    }
    await codeField.fill(await nextCode(app));
    await clickAndLoad(page, page.getByRole('button', { name: button }));
  };
  if (new URL(page.url()).pathname === '/verwaltung/anmelden/einrichten') {
    assert.equal(await page.getByRole('img', { name: /^QR-Code zum Einrichten/ }).count(), 1);
    const app = { secret: (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, ''), lastStep: 0 };
    authenticators.set(key, app);
    await confirmWithCode(app, 'Einrichtung bestätigen', 'totp-enrol');
    assert.equal(await page.getByTestId('recovery-codes').locator('li').count(), 10, 'ten recovery codes after the set-up');
    if (check) await check(page, 'totp-recovery-codes');
    await clickAndLoad(page, page.getByRole('link', { name: 'Weiter zum Posteingang' }));
  } else {
    assert.equal(new URL(page.url()).pathname, '/verwaltung/anmelden/code', `after the password ${credentials.email} is asked for a code`);
    const app = authenticators.get(key);
    assert.ok(app, `${credentials.email} has an authenticator app set up, but not in this test run`);
    if (check) {
      await clickAndLoad(page, page.getByRole('link', { name: /Mit einem Wiederherstellungscode anmelden/ }));
      await check(page, 'totp-recovery-code');
      await clickAndLoad(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await check(page, 'totp-recovery-code-missing');
      await clickAndLoad(page, page.getByRole('link', { name: 'Zurück zur Eingabe des Codes aus der App' }));
    }
    await confirmWithCode(app, 'Code bestätigen', 'totp-code');
  }
  assert.equal(new URL(page.url()).pathname, '/verwaltung', `sign-in as ${credentials.email} did not reach the inbox`);
  return page;
}

/** Texts of all inputs inside a locator, by id, to compare what is kept after an error. */
export async function inputValues(scope: Locator, ids: string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const id of ids) result[id] = await scope.locator(`[id="${id}"]`).inputValue();
  return result;
}

/** A small but valid one-page PDF, as a scanner or word processor would produce (with xref table). */
export function samplePdf(text = 'Sachkundenachweis'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 18 Tf 72 770 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((content, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${content}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A valid 16×16 RGB PNG (a blue square), built byte by byte so the test needs no image files. */
export function samplePng(size = 16): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([0x1d, 0x4f, 0x8e]))]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Fills the "Angaben zum Hund" step of Hund anmelden: a dog of the breed (as labelled), kept since a week ago, no other dogs. */
export async function fillDogStep(page: Page, dogName: string, breedLabel: string): Promise<void> {
  await page.getByLabel('Name des Hundes').fill(dogName);
  await page.getByLabel('Rasse', { exact: true }).selectOption({ label: breedLabel });
  await fillDate(page.getByLabel('Geburtsdatum des Hundes'), '01.03.2021');
  await page.getByLabel('Chipnummer').fill('276098106123456');
  await fillDate(page.getByLabel('Beginn der Hundehaltung'), germanDate(-7));
  await page.getByRole('group', { name: 'Halten Sie bereits weitere Hunde?' }).getByLabel('Nein').check();
}

/** Fills the address fields (Straße, Hausnummer, Postleitzahl, Ort) of the current step with a demo address. */
export async function fillDemoAddress(scope: Page | Locator): Promise<void> {
  await scope.getByLabel('Straße').fill('Lindenweg');
  await scope.getByLabel('Hausnummer').fill('3');
  await scope.getByLabel('Postleitzahl').fill('45657');
  await scope.getByLabel('Ort').fill('Musterstadt');
}

/** Fills a first step's name, date of birth, address and e-mail address with Erika Mustermann's demo data. */
export async function fillDemoApplicant(page: Page, email: string): Promise<void> {
  await page.getByLabel('Vorname', { exact: true }).fill('Erika');
  await page.getByLabel('Nachname', { exact: true }).fill('Mustermann');
  await fillDate(page.getByLabel('Geburtsdatum', { exact: true }), '12.08.1984');
  await page.getByLabel('Straße').fill('Hauptstraße');
  await page.getByLabel('Hausnummer').fill('12a');
  await page.getByLabel('Postleitzahl').fill('45657');
  await page.getByLabel('Ort').fill('Musterstadt');
  await page.getByLabel('E-Mail-Adresse').fill(email);
}

/** Submits an application through the portal's JSON API; returns its reference. */
export async function submitViaApi(baseUrl: string, serviceId: string, answers: unknown): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/services/${serviceId}/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answers }) });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { reference: string }).reference;
}

/**
 * Sends an application of a service paid before handling (ADR 0027) through the JSON API and pays
 * its fee in the sandbox in `page`, as the applicant would on the payment page the API names;
 * returns the reference. Only then does the office see the application.
 */
export async function submitAndPayViaApi(page: Page, baseUrl: string, serviceId: string, answers: unknown): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/services/${serviceId}/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answers }) });
  assert.equal(response.status, 201, await response.clone().text());
  const { reference, paymentPath } = (await response.json()) as { reference: string; paymentPath?: string };
  assert.ok(paymentPath, `${serviceId} is paid before handling`);
  await open(page, `${baseUrl}${paymentPath}`);
  await clickAndLoad(page, page.getByRole('button', { name: 'Jetzt bezahlen' }));
  await clickAndLoad(page, page.getByRole('button', { name: 'Bezahlen', exact: true }));
  assert.match(await page.locator('main').innerText(), /Vielen Dank, die Zahlung ist eingegangen/);
  return reference;
}

/**
 * The first link to `pathPrefix` in the newest mail of the development outbox (/dev/postausgang)
 * whose text contains `containing`, waiting until the job worker has sent it.
 */
export async function mailedLinkFor(page: Page, baseUrl: string, containing: string, pathPrefix: string): Promise<string> {
  const link = (await waitForMail(page, baseUrl, [containing])).match(new RegExp(`http://\\S+${pathPrefix}/[A-Za-z0-9_-]{43}`));
  assert.ok(link, `the mail with "${containing}" gives a link to ${pathPrefix}`);
  return link[0];
}

/** The status link from the confirmation mail of an application. */
export function statusLinkFor(page: Page, baseUrl: string, reference: string): Promise<string> {
  return mailedLinkFor(page, baseUrl, `Eingangsbestätigung ${reference}`, '/status');
}

/** The mails in the development outbox (/dev/postausgang, newest first) that contain all the given texts (subject, recipient …). */
async function outboxMails(page: Page, baseUrl: string, texts: string[]): Promise<Locator> {
  await open(page, `${baseUrl}/dev/postausgang`);
  return texts.reduce((found, text) => found.filter({ hasText: text }), page.locator('article.outbox-mail'));
}

/**
 * The text of the newest mail in the development outbox that contains all the given texts,
 * waiting up to 30 s for the job worker to send it; with `moreThan`, only once there are more such
 * mails than that (a second notice to the same address).
 */
export async function waitForMail(page: Page, baseUrl: string, texts: string[], options: { moreThan?: number } = {}): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const mails = await outboxMails(page, baseUrl, texts);
    if ((await mails.count()) > (options.moreThan ?? 0)) return mails.first().innerText();
    await page.waitForTimeout(500);
  }
  throw new Error(`no mail with ${texts.join(', ')} in the outbox`);
}

/** Sends a "Kontakt und Beschwerde" message through the form (whoever the page is signed in as); returns its reference. */
export async function sendComplaint(page: Page, baseUrl: string, input: { subject: string; message: string; email: string }): Promise<string> {
  await open(page, `${baseUrl}/leistungen/kontakt-beschwerde/antrag`);
  await page.getByLabel('Ich möchte mich beschweren').check();
  await page.getByLabel('Betreff').fill(input.subject);
  await page.getByLabel('Ihre Nachricht').fill(input.message);
  await continueStep(page);
  await page.getByLabel('E-Mail-Adresse').fill(input.email);
  await page.getByRole('group', { name: 'Möchten Sie eine Antwort erhalten?' }).getByLabel('Ja').check();
  await continueStep(page);
  await page.getByLabel('Ich bestätige die Erklärung.').check();
  await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
  return (await page.getByTestId('reference').innerText()).trim();
}

/**
 * Sends a form with the appointments' friction (booking, waiting list) by its button. With
 * JavaScript the browser's proof of work goes with it; without, a form sent within 8 seconds of
 * opening it is asked again (booking-friction.ts), so this waits and sends it again (a slow
 * machine may have taken the 8 seconds already).
 */
export async function sendPastFriction(page: Page, button: string): Promise<void> {
  await clickAndLoad(page, page.getByRole('button', { name: button }));
  if ((await page.getByText('frühestens 8 Sekunden nach dem Öffnen').count()) === 0) return;
  await page.waitForTimeout(8_000);
  await clickAndLoad(page, page.getByRole('button', { name: button }));
}

/** Signs in as Musterstadt's town admin and opens an appointment location's settings (Administration → Terminvergabe). */
export async function openLocationSettings(context: BrowserContext, portal: { baseUrl: string; credentialsFor(email: string): { email: string; password: string } }, location: string): Promise<Page> {
  const page = await signInAsStaff(context, portal.baseUrl, portal.credentialsFor('admin@musterstadt.example'));
  await clickAndLoad(page, page.getByRole('link', { name: 'Administration', exact: true }));
  await clickAndLoad(page, page.getByRole('link', { name: 'Terminvergabe', exact: true }));
  await clickAndLoad(page, page.getByRole('link', { name: location }));
  return page;
}
