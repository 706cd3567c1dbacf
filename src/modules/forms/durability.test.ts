import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../platform/db/database.js';
import { testAnswersKey } from '../../test-support/app.js';
import { freePort, startServerProcess } from '../../test-support/server-process.js';

const complaint = {
  answers: {
    anliegen: { art: 'frage', betreff: 'Durability', nachricht: 'x'.repeat(2000) },
    kontakt: { email: 'durable@example.org', antwortErwuenscht: false },
  },
};

describe('durability', () => {
  it('keeps every acknowledged submission complete (submission, case, audit entry, mail job) when the process is killed under load', { timeout: 60_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-kill-'));
    const port = await freePort();
    // The test master key: on PostgreSQL the server opens the data keys of the other test files' towns too.
    const env = {
      ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', DEMO_DATA: 'true', SUBMISSION_RATE_LIMIT: '100000', NODE_ENV: 'test',
      ANSWERS_KEY: testAnswersKey,
    };
    const { child: server, exited } = await startServerProcess(env, port);
    const base = `http://127.0.0.1:${port}`;

    const acknowledged: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const response = await fetch(`${base}/api/v1/services/kontakt-beschwerde/submissions`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(complaint),
        }).catch(() => null);
        if (!response) return;
        if (response.status === 201) acknowledged.push((await response.json()).reference);
        else assert.fail(`unexpected status ${response.status}`);
      }
    };
    const clients = Array.from({ length: 16 }, client);
    // Kill once a good number of submissions has been acknowledged, mid-stream.
    while (acknowledged.length < 40) {
      assert.equal(server.exitCode, null, 'the server stopped before it was killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    server.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await exited;

    const { db, close } = await openDatabase({ dataDir, databaseUrl: process.env.DATABASE_URL });
    try {
      const rows = await sql<{ reference: string; cases: number; audits: number }>`
        select s.reference,
               (select count(*)::int from cases c where c.tenant_id = s.tenant_id and c.submission_id = s.id) as cases,
               (select count(*)::int from audit_log a where a.tenant_id = s.tenant_id and a.subject = 'submission:' || s.id) as audits
        from submissions s join tenants t on t.id = s.tenant_id
        where t.slug = 'musterstadt'`.execute(db);
      // A sent mail's job keeps no payload, so jobs are matched by number: one per submission.
      const jobs = await sql<{ n: number }>`
        select count(*)::int as n from jobs j join tenants t on t.id = j.tenant_id
        where t.slug = 'musterstadt' and j.kind = 'mail.submission-received'`.execute(db);
      assert.equal(jobs.rows[0]!.n, rows.rows.length, 'one mail job per submission');
      const stored = new Set(rows.rows.map((r) => r.reference));
      for (const reference of acknowledged) assert.ok(stored.has(reference), `acknowledged ${reference} is missing`);
      for (const row of rows.rows) {
        assert.equal(row.cases, 1, `${row.reference} has no case`);
        assert.equal(row.audits, 1, `${row.reference} has no audit entry`);
      }
    } finally {
      await close();
    }
  });
});
