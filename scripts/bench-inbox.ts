/**
 * `npm run bench:inbox` — how the clerk's inbox holds up at 100,000 cases in one department.
 *
 *   npm run bench:inbox                    PostgreSQL from DATABASE_URL (default postgres://postgres@127.0.0.1:5432)
 *   npm run bench:inbox -- --cases 20000   another size
 *
 * Creates the scratch database `rathaus_bench_inbox` (dropped again at the end; never an existing
 * one), migrates it, adds a town whose Steueramt gets the given number of Hund-anmelden cases with
 * made-up owners (names from short lists, no real people) plus a small department with 100 cases
 * as the baseline, and then times the inbox queries exactly as the clerk's page runs them
 * (listInbox under the clerk's row-level security): each query repeated, median and p95 in ms, and
 * the ratio to the same query in the 100-case department.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { asClerk } from '../src/modules/cases/cases.service.js';
import { listInbox, type InboxFilter } from '../src/modules/cases/cases.repository.js';
import { insertTenant, referenceSequenceName } from '../src/modules/tenants/tenants.repository.js';
import type { StaffMember } from '../src/modules/staff/index.js';

const { values: options } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, repeat: { type: 'string', default: '30' }, keep: { type: 'boolean' }, help: { type: 'boolean' } } });
if (options.help) {
  console.log('npm run bench:inbox -- [--cases 100000] [--repeat 30] [--keep]   (--keep leaves the scratch database for EXPLAIN; see scripts/bench-inbox.ts)');
  process.exit(0);
}
const caseCount = Number(options.cases);
const repeat = Number(options.repeat);
const scratch = 'rathaus_bench_inbox';
const server = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');

const admin = new pg.Client({ connectionString: new URL('/postgres', server).href });
await admin.connect();
await admin.query(`drop database if exists ${scratch} with (force)`);
await admin.query(`create database ${scratch}`);
const handle = await openDatabase({ databaseUrl: new URL(`/${scratch}`, server).href, dataDir: '' });
try {
  const db = handle.db;
  await migrate(db);
  const tenant = await db.transaction().execute((trx) =>
    insertTenant(trx, {
      slug: 'bench', name: 'Benchstadt', hosts: ['bench.localhost'], referencePrefix: 'BEN',
      profile: { address: { street: 'Markt 1', postcode: '12345', city: 'Benchstadt' }, phone: '+49 1', email: 'info@bench.example', website: 'https://bench.example', legal: { impressum: { de: 'x' }, privacy: { de: 'x' }, accessibility: { de: 'x' } } },
      departments: [{ key: 'steueramt', name: { de: 'Steueramt' }, contact: { email: 'a@bench.example', phone: '+49 1' } }, { key: 'klein', name: { de: 'Kleines Amt' }, contact: { email: 'b@bench.example', phone: '+49 1' } }],
    }));
  const departments = (await sql<{ id: string; key: string }>`select id, key from departments where tenant_id = ${tenant.id}`.execute(db)).rows;
  const big = departments.find((d) => d.key === 'steueramt')!.id;
  const small = departments.find((d) => d.key === 'klein')!.id;
  await sql`insert into definition_snapshots (hash, service_id, version, body) values ('bench', 'hund-anmelden', 1, '{}') on conflict do nothing`.execute(db);

  const seeded = performance.now();
  await seed(db, tenant.id, big, caseCount);
  await seed(db, tenant.id, small, 100);
  await sql`analyze`.execute(db);
  console.log(`seeded ${caseCount} + 100 cases in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const clerk = (departmentId: string): StaffMember => ({ id: randomUUID(), email: 'bench@bench.example', name: 'Bench', townAdmin: false, departments: [{ id: departmentId, key: 'x', role: 'clerk' }] });
  const sample = (await sql<{ reference: string }>`select reference from cases where department_id = ${big} order by created_at limit 1 offset ${Math.floor(caseCount / 2)}`.execute(db)).rows[0]!.reference;
  const lastPage = Math.floor((caseCount - 1) / 25);
  const queries: Array<{ name: string; filter: InboxFilter; page?: number }> = [
    { name: 'team view, page 1', filter: { view: 'team', sort: 'neueste' } },
    { name: 'team view, page 100', filter: { view: 'team', sort: 'neueste' }, page: 100 },
    { name: `team view, last page (${lastPage + 1})`, filter: { view: 'team', sort: 'neueste' }, page: lastPage + 1 },
    { name: 'new cases', filter: { view: 'neu', sort: 'neueste' } },
    { name: 'overdue, next deadline first', filter: { view: 'ueberfaellig', sort: 'frist' } },
    { name: 'search a surname', filter: { view: 'team', sort: 'neueste', q: 'Brandtner' } },
    { name: 'search two words', filter: { view: 'team', sort: 'neueste', q: 'Luna Rottweiler' } },
    { name: 'whole reference', filter: { view: 'team', sort: 'neueste', q: sample } },
    { name: 'status + received range', filter: { view: 'team', sort: 'neueste', status: 'in_progress', receivedFrom: new Date(Date.now() - 30 * 86_400_000) } },
  ];
  console.log(`\n${'query'.padEnd(34)} ${'100 cases'.padStart(18)} ${`${caseCount} cases`.padStart(22)} ${'ratio'.padStart(7)}`);
  for (const q of queries) {
    const time = async (departmentId: string) => {
      const ms: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const started = performance.now();
        await asClerk(db, tenant.id, clerk(departmentId), (trx) => listInbox(trx, { filter: q.filter, staffId: randomUUID(), departmentIds: [departmentId], limit: 25, offset: ((q.page ?? 1) - 1) * 25 }));
        ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      return { median: ms[Math.floor(ms.length / 2)]!, p95: ms[Math.floor(ms.length * 0.95)]! };
    };
    const base = await time(small);
    const full = await time(big);
    const fmt = (r: { median: number; p95: number }) => `${r.median.toFixed(1)} / ${r.p95.toFixed(1)} ms`;
    console.log(`${q.name.padEnd(34)} ${fmt(base).padStart(18)} ${fmt(full).padStart(22)} ${(full.median / base.median).toFixed(1).padStart(6)}×`);
  }
  console.log('\n(median / p95 of', repeat, 'runs each, page size 25, including the count of all matches)');
} finally {
  await handle.close();
  if (!options.keep) await admin.query(`drop database if exists ${scratch} with (force)`);
  await admin.end();
}

/** Inserts `count` made-up Hund-anmelden cases into a department, spread over the last two years. */
async function seed(db: typeof handle.db, tenantId: string, departmentId: string, count: number): Promise<void> {
  await sql`
    with names as (
      select n,
             (array['Anna','Ben','Clara','David','Emma','Felix','Greta','Hannes','Ida','Jonas','Klara','Lukas','Mia','Noah','Paula','Rafael','Sophie','Tim','Vera','Yusuf'])[1 + n % 20] as first,
             (array['Albers','Brandtner','Cordes','Dreher','Engels','Falk','Gerlach','Hoppe','Iske','Jansen','Kowalski','Lindner','Möller','Nowak','Ostrowski','Peters','Quandt','Rieger','Sommer','Thiel','Ullrich','Vogt','Wendt','Yilmaz','Zander'])[1 + (n / 20) % 25] as last,
             (array['Bello','Luna','Rex','Nala','Balu','Kira','Sammy','Emma'])[1 + n % 8] as dog,
             (array['Mischling','Labrador','Dackel','Schäferhund','Pudel','Rottweiler','Beagle'])[1 + (n / 7) % 7] as breed,
             now() - make_interval(mins => (n * 1051) % (730 * 24 * 60)) as received
      from generate_series(1, ${count}) n
    ), rows as (
      select n, received, gen_random_uuid() as submission_id,
             'BEN-' || extract(year from received)::int || '-' || lpad(nextval(${referenceSequenceName(tenantId)}::regclass)::text, 6, '0') as reference,
             jsonb_build_object('halter', jsonb_build_object('vorname', first, 'nachname', last, 'strasse', 'Lindenweg ' || (n % 90 + 1), 'plz', '12345', 'ort', 'Benchstadt'),
                                'hund', jsonb_build_object('name', dog, 'rasse', breed, 'chip', lpad((n * 7919 % 1000000000)::text, 15, '276')) ) as answers
      from names
    ), submission as (
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at)
      select ${tenantId}, submission_id, reference, 'hund-anmelden', 'bench', ${departmentId}, answers, 'de', md5(reference), received from rows
      returning id
    )
    insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, status, created_at, updated_at, due_at, search)
    select ${tenantId}, gen_random_uuid(), submission_id, ${departmentId}, reference, 'hund-anmelden',
           (array['received','in_progress','waiting_for_applicant','decided','closed'])[1 + n % 5], received, received, received + interval '14 days',
           to_tsvector('simple', reference) || jsonb_to_tsvector('german', answers, '["string"]')
    from rows`.execute(db);
}
