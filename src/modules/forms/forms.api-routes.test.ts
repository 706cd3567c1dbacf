import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';

const complaint = {
  anliegen: { art: 'beschwerde', betreff: 'Laterne defekt', nachricht: 'Die Laterne vor Haus 3 ist seit einer Woche aus.' },
  kontakt: { email: 'api@example.org', antwortErwuenscht: true },
};

describe('JSON API', () => {
  let app: TestApp;
  let host: string;
  let tenantId: string;
  before(async () => {
    app = await buildTestApp();
    const town = await app.createTown();
    host = town.host;
    tenantId = town.tenant.id;
  });
  after(() => app.close());

  const post = (serviceId: string, payload: unknown) =>
    app.app.inject({ method: 'POST', url: `/api/v1/services/${serviceId}/submissions`, headers: { host }, payload: payload as object });

  it('lists and searches the catalog', async () => {
    const response = await app.app.inject({ url: '/api/v1/services?q=hund', headers: { host } });
    const ids = response.json().services.map((s: { id: string }) => s.id);
    assert.ok(ids.includes('hund-anmelden') && ids.includes('hundesteuer'));
  });

  it('publishes a service form as JSON Schema and the service definition schema', async () => {
    const form = await app.app.inject({ url: '/api/v1/services/kontakt-beschwerde/form', headers: { host } });
    assert.equal(form.statusCode, 200);
    assert.equal(form.json().properties.anliegen.properties.art.enum.length, 4);
    const definition = await app.app.inject({ url: '/schemas/service-definition.json', headers: { host } });
    assert.equal(definition.json().type, 'object');
    assert.ok(definition.json().properties.form);
  });

  it('accepts a valid submission once, with a reference and a receipt PDF for the token holder', async () => {
    const response = await post('kontakt-beschwerde', { answers: complaint });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json();
    assert.match(body.reference, /^[A-Z]{4}-\d{4}-\d{6}$/);
    const counts = await sql<{ s: number; c: number; a: number; j: number }>`
      select (select count(*)::int from submissions where tenant_id = ${tenantId} and id = ${body.id}) as s,
             (select count(*)::int from cases where tenant_id = ${tenantId} and submission_id = ${body.id}) as c,
             (select count(*)::int from audit_log where tenant_id = ${tenantId} and subject = ${`submission:${body.id}`}) as a,
             (select count(*)::int from jobs where tenant_id = ${tenantId} and kind = 'mail.submission-received') as j`.execute(app.database.db);
    assert.deepEqual(counts.rows[0], { s: 1, c: 1, a: 1, j: 1 });
    const pdf = await app.app.inject({ url: `/api/v1/submissions/${body.id}/receipt.pdf`, headers: { host, authorization: `Bearer ${body.receiptToken}` } });
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const wrongToken = await app.app.inject({ url: `/api/v1/submissions/${body.id}/receipt.pdf`, headers: { host, authorization: `Bearer ${'x'.repeat(43)}` } });
    assert.equal(wrongToken.statusCode, 404);
  });

  it('commits concurrent submissions together, each complete, with its own reference and receipt', async () => {
    const mailJobs = async () => (await sql<{ n: number }>`
      select count(*)::int as n from jobs where tenant_id = ${tenantId} and kind = 'mail.submission-received'`.execute(app.database.db)).rows[0]!.n;
    const mailJobsBefore = await mailJobs();
    const responses = await Promise.all(Array.from({ length: 40 }, () => post('kontakt-beschwerde', { answers: complaint })));
    assert.deepEqual(responses.map((r) => r.statusCode), Array(40).fill(201));
    const bodies = responses.map((r) => r.json() as { id: string; reference: string; receiptToken: string });
    assert.equal(new Set(bodies.map((b) => b.reference)).size, 40);
    const ids = bodies.map((b) => b.id);
    const rows = await sql<{ id: string; reference: string; cases: number; audits: number }>`
      select s.id, s.reference,
             (select count(*)::int from cases c where c.tenant_id = s.tenant_id and c.submission_id = s.id and c.reference = s.reference) as cases,
             (select count(*)::int from audit_log a where a.tenant_id = s.tenant_id and a.subject = 'submission:' || s.id) as audits
      from submissions s where s.tenant_id = ${tenantId} and s.id = any(${ids}::uuid[])`.execute(app.database.db);
    assert.equal(rows.rows.length, 40);
    for (const body of bodies) assert.deepEqual(rows.rows.find((r) => r.id === body.id), { id: body.id, reference: body.reference, cases: 1, audits: 1 });
    assert.equal(await mailJobs(), mailJobsBefore + 40);
    const last = bodies[39]!;
    const pdf = await app.app.inject({ url: `/api/v1/submissions/${last.id}/receipt.pdf`, headers: { host, authorization: `Bearer ${last.receiptToken}` } });
    assert.equal(pdf.statusCode, 200);
  });

  it('reports validation errors with field paths (422) using the form rules', async () => {
    const response = await post('kontakt-beschwerde', { answers: { ...complaint, kontakt: { email: 'kaputt', antwortErwuenscht: true } } });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().details.map((d: { path: string }) => d.path), ['kontakt.email']);
  });

  it('refuses unknown steps, unknown fields and wrong JSON types (400), storing nothing', async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from submissions where tenant_id = ${tenantId}`.execute(app.database.db);
    for (const answers of [
      { ...complaint, extra: {} },
      { ...complaint, kontakt: { ...complaint.kontakt, admin: true } },
      { ...complaint, kontakt: { ...complaint.kontakt, antwortErwuenscht: 'ja' } },
      'not an object',
    ]) {
      const response = await post('kontakt-beschwerde', { answers });
      assert.equal(response.statusCode, 400, JSON.stringify(answers));
    }
    assert.equal((await post('kontakt-beschwerde', { answers: complaint, sneaky: 1 })).statusCode, 400);
    assert.equal((await post('gibt-es-nicht', { answers: complaint })).statusCode, 404);
    const broken = await app.app.inject({ method: 'POST', url: '/api/v1/services/kontakt-beschwerde/submissions', headers: { host, 'content-type': 'application/json' }, payload: '{"answers": ' });
    assert.equal(broken.statusCode, 400);
    const after = await sql<{ n: number }>`select count(*)::int as n from submissions where tenant_id = ${tenantId}`.execute(app.database.db);
    assert.equal(after.rows[0]!.n, before.rows[0]!.n);
  });

  it('describes the API in OpenAPI', async () => {
    const spec = (await app.app.inject({ url: '/api/openapi.json', headers: { host } })).json();
    assert.ok(spec.openapi.startsWith('3.'));
    assert.ok(spec.paths['/api/v1/services/{serviceId}/submissions'].post);
    assert.ok(spec.paths['/api/v1/services'].get);
  });
});
