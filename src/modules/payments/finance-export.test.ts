import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { berlinDay, berlinMidnight } from '../../platform/i18n/i18n.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { csvCell, exportSettledPayments, germanAmount } from './finance-export.js';
import { createPayment, readPayment, receiveNotification, refundPayment, startPayment } from './payments.service.js';

describe('CSV cells and amounts', () => {
  it('quotes every cell, doubles quotes, and defuses what a spreadsheet would run as a formula', () => {
    assert.equal(csvCell('Meldebescheinigung'), '"Meldebescheinigung"');
    assert.equal(csvCell('Sag "Hallo"; tschüss'), '"Sag ""Hallo""; tschüss"');
    for (const formula of ['=HYPERLINK("http://evil.example")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const cell = csvCell(formula);
      assert.ok(cell.startsWith(`"'`), `${JSON.stringify(formula)} → ${cell}`);
    }
    assert.equal(csvCell(''), '""');
  });

  it('writes cents as a German decimal from integers only', () => {
    assert.equal(germanAmount(1000), '10,00');
    assert.equal(germanAmount(5), '0,05');
    assert.equal(germanAmount(123456789), '1234567,89');
    assert.throws(() => germanAmount(10.5));
    assert.equal(germanAmount(-2550), '-25,50');
    assert.equal(germanAmount(-1), '-0,01');
  });
});

describe('the finance export of a day', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  const today = berlinDay(new Date());
  const accounting = { kostenstelle: '1100', sachkonto: '431100', haushaltsstelle: '1.1100.431100' };
  const accountingOf = (serviceId: string) => (serviceId === 'meldebescheinigung' ? accounting : undefined);

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  /** A payment taken through the sandbox to the outcome chosen, and the provider's notification delivered. */
  async function settle(input: { purpose: string; amountCents: number; serviceId?: string }, outcome: 'pay' | 'fail') {
    const payment = await createPayment(app.database.db, tenant.id, { ...input, description: 'Gebühr', provider: 'sandbox', continuePath: '/' });
    await startPayment(app.payments, tenant.id, payment.id);
    const sandbox = app.payments.providers.sandbox!;
    const transactionId = (await readPayment(app.database.db, tenant.id, payment.id))!.providerTransactionId!;
    await sandbox.decide(tenant.id, transactionId, outcome);
    const notification = (await sandbox.signNotification(tenant.id, transactionId))!;
    await receiveNotification(app.payments, tenant.id, 'sandbox', notification.body, notification.headers);
    return (await readPayment(app.database.db, tenant.id, payment.id))!;
  }

  it('lists the day’s paid payments with their account assignment, and sums to the provider’s settlement report', async () => {
    const paid = [
      await settle({ purpose: 'MB-2026-000001', amountCents: 1000, serviceId: 'meldebescheinigung' }, 'pay'),
      await settle({ purpose: '-Gebuehr 1 2', amountCents: 12345 }, 'pay'),
      await settle({ purpose: 'MB-2026-000003', amountCents: 1, serviceId: 'meldebescheinigung' }, 'pay'),
    ];
    await settle({ purpose: 'MB-2026-000004', amountCents: 999, serviceId: 'meldebescheinigung' }, 'fail');
    assert.deepEqual(paid.map((p) => p.status), ['paid', 'paid', 'paid']);

    const exported = (await exportSettledPayments(app.database.db, tenant.id, today, accountingOf))!;
    assert.ok(exported.csv.startsWith('\ufeff"Buchungstag";"Bezahlt am";"Kassenzeichen"'));
    const lines = exported.csv.slice(1).split('\r\n');
    assert.equal(lines.at(-1), '', 'every line ends with CRLF');
    const rows = lines.slice(1, -1);
    assert.equal(rows.length, 3, 'the failed payment is not settled');
    const first = rows.find((r) => r.includes(paid[0]!.kassenzeichen!))!;
    assert.equal(first, [today, paid[0]!.paidAt!.toISOString(), paid[0]!.kassenzeichen!, paid[0]!.requestId, paid[0]!.providerTransactionId!, 'MB-2026-000001', 'meldebescheinigung', '10,00', 'EUR', '1100', '431100', '1.1100.431100', 'bezahlt'].map((c) => `"${c}"`).join(';'));
    assert.match(rows.find((r) => r.includes(paid[1]!.kassenzeichen!))!, /;"'-Gebuehr 1 2";"";"123,45";"EUR";"";"";"";"bezahlt"$/);

    const report = await app.payments.providers.sandbox!.settlementReport(tenant.id, berlinMidnight(today), berlinMidnight(new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)));
    assert.equal(exported.totalCents, 1000 + 12345 + 1);
    assert.equal(exported.totalCents, report.totalCents, 'the export sums to what the provider collected');
    assert.equal(exported.count, report.count);
    assert.deepEqual([...report.kassenzeichen].sort(), paid.map((p) => p.kassenzeichen!).sort());
    // The CSV's own amounts add up to the same sum.
    const csvCents = rows.map((r) => r.split(';')[7]!.replace(/"/g, '').split(',')).reduce((sum, [euro, cents]) => sum + Number(euro) * 100 + Number(cents), 0);
    assert.equal(csvCents, report.totalCents);
  });

  it('has nothing for another day, and no export for a day that does not exist', async () => {
    const empty = (await exportSettledPayments(app.database.db, tenant.id, '2020-01-01', accountingOf))!;
    assert.equal(empty.count, 0);
    assert.equal(empty.csv.slice(1).split('\r\n').length, 2);
    for (const bad of ['2026-02-30', '01.01.2020', '', '2026-1-1']) assert.equal(await exportSettledPayments(app.database.db, tenant.id, bad, accountingOf), undefined, bad);
  });

  it('is downloadable in the back office by town administrators only', async () => {
    const admin = new TestBrowser(app.app, host);
    await signInClerk(admin, await app.createClerk(tenant, 'buergerbuero', { townAdmin: true }));
    const page = await admin.get('/verwaltung/zahlungen');
    assert.equal(page.statusCode, 200);
    const german = today.split('-').reverse().join('.');
    const shown = await admin.get(`/verwaltung/zahlungen?tag=${german}`);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /133,46\s€/);
    assert.match(shown.body, new RegExp(`href="/verwaltung/zahlungen/${today}.csv"`));
    const bad = await admin.get('/verwaltung/zahlungen?tag=31.02.2026');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Bitte geben Sie einen gültigen Tag an/);
    assert.match(bad.body, /value="31.02.2026"/);
    const csv = await admin.get(`/verwaltung/zahlungen/${today}.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.equal(csv.headers['cache-control'], 'no-store');
    assert.equal(csv.body, (await exportSettledPayments(app.database.db, tenant.id, today, (id) => app.services.get(id)?.definition.payment?.accounting))!.csv);
    assert.equal((await admin.get('/verwaltung/zahlungen/2026-02-30.csv')).statusCode, 404);

    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'buergerbuero', { role: 'team_lead' }));
    assert.equal((await clerk.get('/verwaltung/zahlungen')).statusCode, 403);
    assert.equal((await clerk.get(`/verwaltung/zahlungen/${today}.csv`)).statusCode, 403);
    assert.equal((await new TestBrowser(app.app, host).get(`/verwaltung/zahlungen/${today}.csv`)).statusCode, 303, 'signed out: to the sign-in');
  });
  it('books a refund as a negative line of the day it was made, leaving the payment\'s own line and the collected sum as they were', async () => {
    const payment = await settle({ purpose: 'MB-2026-000005', amountCents: 2550, serviceId: 'meldebescheinigung' }, 'pay');
    const beforeRefund = (await exportSettledPayments(app.database.db, tenant.id, today, accountingOf))!;
    assert.equal(await refundPayment(app.payments, tenant.id, payment.id, 'Doppelt beantragt'), 'refunded');
    const refunded = (await readPayment(app.database.db, tenant.id, payment.id))!;

    const exported = (await exportSettledPayments(app.database.db, tenant.id, today, accountingOf))!;
    const lines = exported.csv.slice(1).split('\r\n').slice(1, -1).filter((r) => r.includes(payment.kassenzeichen!));
    assert.deepEqual(lines, [
      [today, payment.paidAt!.toISOString(), payment.kassenzeichen!, payment.requestId, payment.providerTransactionId!, 'MB-2026-000005', 'meldebescheinigung', '25,50', 'EUR', '1100', '431100', '1.1100.431100', 'bezahlt'],
      [today, payment.paidAt!.toISOString(), payment.kassenzeichen!, payment.requestId, payment.providerTransactionId!, 'MB-2026-000005', 'meldebescheinigung', '-25,50', 'EUR', '1100', '431100', '1.1100.431100', 'erstattet'],
    ].map((cells) => cells.map((c) => `"${c}"`).join(';')), 'the amount\'s minus is a sign, not defused like a formula');
    assert.ok(refunded.refundedAt);
    assert.equal(exported.totalCents, beforeRefund.totalCents, 'what was collected that day is unchanged');
    assert.equal(exported.count, beforeRefund.count);
    assert.deepEqual([exported.refundCount, exported.refundedCents], [1, 2550]);
    // Only the refund line is new: the day's paid lines read as before.
    assert.equal(exported.csv.replace(`${lines[1]}\r\n`, ''), beforeRefund.csv);

    const admin = new TestBrowser(app.app, host);
    await signInClerk(admin, await app.createClerk(tenant, 'buergerbuero', { townAdmin: true }));
    assert.match((await admin.get(`/verwaltung/zahlungen?tag=${today.split('-').reverse().join('.')}`)).body, /Erstattungen \(eigene Zeilen, negativ\)[\s\S]*1, zusammen 25,50\s€/);
  });
});
