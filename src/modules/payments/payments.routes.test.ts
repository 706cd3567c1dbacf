import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../../platform/db/database.js';
import { loadPaymentSandboxSecret } from '../../platform/crypto/secret-box.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { asTownOwner } from '../../test-support/database.js';
import { TestBrowser } from '../../test-support/browser.js';
import { pdfText } from '../../test-support/pdf.js';
import type { Tenant } from '../tenants/tenant.js';
import { listPaymentEvents } from './payments.repository.js';
import { createPayment, readPayment } from './payments.service.js';

const fee = { purpose: 'Meldebescheinigung', description: 'Gebühr für eine einfache Meldebescheinigung', amountCents: 700, provider: 'sandbox', continuePath: '/eingang' } as const;

describe('the payment pages and the sandbox provider', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const newPayment = () => createPayment(app.database.db, tenant.id, fee);
  const payment = async (id: string) => (await readPayment(app.database.db, tenant.id, id))!;
  const paidEvents = async (id: string) =>
    (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => listPaymentEvents(trx, id))).filter((e) => e.newStatus === 'paid').length;

  /** Opens the payment page and presses "Jetzt bezahlen"; returns the sandbox's pay page address. */
  async function goToSandbox(browser: TestBrowser, paymentId: string): Promise<string> {
    const page = await browser.get(`/zahlung/${paymentId}`);
    assert.equal(page.statusCode, 200);
    const started = await browser.post(`/zahlung/${paymentId}`, {});
    assert.equal(started.statusCode, 303);
    return String(started.headers.location);
  }

  it('walks pay page → sandbox → return → paid without JavaScript, and never leaves the host', async () => {
    const { id } = await newPayment();
    const browser = new TestBrowser(app.app, host);
    const page = await browser.get(`/zahlung/${id}`);
    assert.match(page.body, /7,00\s€/);
    assert.match(page.body, /Jetzt bezahlen/);
    assert.equal(page.headers['cache-control'], 'no-store');
    const sandboxPage = await goToSandbox(browser, id);
    assert.match(sandboxPage, /^\/zahlung\/sandbox\/[0-9a-f-]{36}$/);
    const offer = await browser.get(sandboxPage);
    assert.equal(offer.statusCode, 200);
    const csrf = browser.csrf; // the session's token, for a post after pages without forms
    for (const label of ['Bezahlen', 'Zahlung scheitern lassen', 'Abbrechen']) assert.match(offer.body, new RegExp(`>${label}<`));
    // A return target smuggled into the form is ignored: the sandbox goes back where the payment said.
    const paid = await browser.post(sandboxPage, { ergebnis: 'bezahlt', zurueck: 'https://evil.example/' });
    assert.equal(paid.statusCode, 303);
    assert.equal(paid.headers.location, `/zahlung/${id}/zurueck`);
    // So does a status or target in the return address: the provider is asked instead.
    const back = await browser.get(`/zahlung/${id}/zurueck?status=PAYED&next=https://evil.example/`);
    assert.equal(back.statusCode, 303);
    assert.equal(back.headers.location, `/zahlung/${id}`);
    const result = await browser.get(`/zahlung/${id}`);
    assert.match(result.body, /Vielen Dank, die Zahlung ist eingegangen/);
    assert.match(result.body, /SBX-[0-9]{9}/);
    assert.match(result.body, /href="\/eingang"/);
    assert.doesNotMatch(result.body, /Jetzt bezahlen/);
    // The payment confirmation, linked from the page.
    assert.match(result.body, new RegExp(`href="/zahlung/${id}/zahlungsbestaetigung.pdf"`));
    const pdf = await browser.get(`/zahlung/${id}/zahlungsbestaetigung.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(String(pdf.headers['content-disposition']), /^attachment; filename="Zahlungsbestaetigung-SBX-[0-9]{9}\.pdf"$/);
    const text = await pdfText(pdf.rawPayload);
    for (const expected of ['Zahlungsbestätigung', tenant.name, 'Gebühr für eine einfache Meldebescheinigung', '7,00', (await payment(id)).kassenzeichen!, (await payment(id)).requestId]) {
      assert.ok(text.includes(expected), `${expected} missing in:\n${text}`);
    }
    // The notification arrives afterwards and changes nothing.
    await app.jobs.runDue();
    assert.equal(await paidEvents(id), 1);
    // The sandbox page now only leads back; deciding again changes nothing.
    assert.match((await browser.get(sandboxPage)).body, /schon entschieden/);
    assert.equal((await browser.post(sandboxPage, { ergebnis: 'gescheitert' }, { csrf })).headers.location, `/zahlung/${id}/zurueck`);
    assert.equal((await payment(id)).status, 'paid');
  });

  it('does not believe a browser that returns claiming success', async () => {
    const { id } = await newPayment();
    const browser = new TestBrowser(app.app, host);
    await goToSandbox(browser, id);
    await browser.get(`/zahlung/${id}/zurueck?status=PAYED`);
    assert.equal((await payment(id)).status, 'pending');
    assert.match((await browser.get(`/zahlung/${id}`)).body, /Ergebnis steht noch aus/);
    // No confirmation for a payment that is not paid.
    assert.equal((await browser.get(`/zahlung/${id}/zahlungsbestaetigung.pdf`)).statusCode, 404);
  });

  it('shows a cancelled payment as not completed', async () => {
    const { id } = await newPayment();
    const browser = new TestBrowser(app.app, host);
    const sandboxPage = await goToSandbox(browser, id);
    await browser.get(sandboxPage);
    await browser.post(sandboxPage, { ergebnis: 'abgebrochen' });
    await browser.get(`/zahlung/${id}/zurueck`);
    const page = await browser.get(`/zahlung/${id}`);
    assert.match(page.body, /Die Zahlung wurde nicht abgeschlossen/);
    assert.match(page.body, /Zahlung abgebrochen/);
  });

  it('refuses forged posts, unknown choices, unknown payments and other towns', async () => {
    const { id } = await newPayment();
    const browser = new TestBrowser(app.app, host);
    await browser.get(`/zahlung/${id}`);
    assert.equal((await browser.post(`/zahlung/${id}`, {}, { csrf: null })).statusCode, 403);
    assert.equal((await payment(id)).status, 'created');
    const sandboxPage = await goToSandbox(browser, id);
    await browser.get(sandboxPage);
    assert.equal((await browser.post(sandboxPage, { ergebnis: 'bezahlt' }, { csrf: 'forged' })).statusCode, 403);
    await browser.get(sandboxPage);
    assert.equal((await browser.post(sandboxPage, { ergebnis: 'verschenkt' })).statusCode, 400);
    for (const url of ['/zahlung/00000000-0000-4000-8000-000000000000', '/zahlung/nicht-da', '/zahlung/00000000-0000-4000-8000-000000000000/zurueck', '/zahlung/sandbox/00000000-0000-4000-8000-000000000000']) {
      assert.equal((await browser.get(url)).statusCode, 404, url);
    }
    const { host: otherHost } = await app.createTown();
    const stranger = new TestBrowser(app.app, otherHost);
    assert.equal((await stranger.get(`/zahlung/${id}`)).statusCode, 404);
    assert.equal((await stranger.get(sandboxPage)).statusCode, 404);
  });

  it('answers signed notifications over HTTP: applied once, tampered, unknown and mismatched refused', async () => {
    const { id } = await newPayment();
    const browser = new TestBrowser(app.app, host);
    const sandboxPage = await goToSandbox(browser, id);
    const transactionId = sandboxPage.split('/').pop()!;
    // Paid in the provider's books without its own notification job, so only the posts below deliver.
    await asTownOwner(app.database.db, tenant.id, (trx) =>
      trx.updateTable('payment_sandbox_transactions').set({ status: 'PAYED', decided_at: new Date(), kassenzeichen: 'K-42' }).where('id', '=', transactionId).execute());
    const secret = await loadPaymentSandboxSecret(app.config);
    const { requestId } = await payment(id);
    const post = (body: object, options: { tamper?: boolean } = {}) => {
      const raw = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
      return app.app.inject({
        method: 'POST', url: '/zahlung/sandbox/benachrichtigung', payload: options.tamper ? raw.replace('700', '70') : raw,
        headers: { host, 'content-type': 'application/json', 'x-sandbox-timestamp': timestamp, 'x-sandbox-signature': signature },
      });
    };
    const report = { transactionId, requestId, status: 'PAYED', amountCents: 700, currency: 'EUR', kassenzeichen: 'K-42' };
    assert.equal((await post(report, { tamper: true })).statusCode, 401);
    assert.equal((await post({ ...report, transactionId: '00000000-0000-4000-8000-000000000000', requestId: 'nobody' })).statusCode, 404);
    assert.equal((await post({ ...report, amountCents: 1 })).statusCode, 422);
    assert.equal((await post({ ...report, unexpected: true })).statusCode, 401);
    const first = await post(report);
    assert.equal(first.statusCode, 200);
    assert.deepEqual(first.json(), { outcome: 'applied' });
    assert.deepEqual((await post(report)).json(), { outcome: 'unchanged' });
    assert.equal((await payment(id)).kassenzeichen, 'K-42');
    assert.equal(await paidEvents(id), 1);
  });
});
