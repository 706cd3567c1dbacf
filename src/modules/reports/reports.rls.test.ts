import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Actor, type DatabaseHandle } from '../../platform/db/database.js';
import { asTownOwner, buildTenant, openTestDatabase } from '../../test-support/database.js';
import { inside, setUpReports } from '../../test-support/reports.js';
import { findPublicReport, findReportDetails, findStaffReport, insertReport, insertReportEvent, listCategories, listReportEvents, setReleasedPhotos } from './reports.repository.js';

describe('defect reports in the database: what is public and what is not', () => {
  let database: DatabaseHandle;
  let town: string;
  let otherTown: string;
  let departments: Record<string, string>;
  before(async () => {
    database = await openTestDatabase();
    town = (await buildTenant(database.db)).id;
    otherTown = (await buildTenant(database.db)).id;
    await setUpReports(database.db, town);
    const rows = await asTownOwner(database.db, town, (trx) => trx.selectFrom('departments').select(['key', 'id']).where('tenant_id', '=', town).execute());
    departments = Object.fromEntries(rows.map((r) => [r.key, r.id]));
  });
  after(() => database.close());

  async function fileReport(receiptTokenHash: string, photos = 0): Promise<string> {
    const id = randomUUID();
    await inTransaction(database.db, { tenantId: town }, async (trx) => {
      const category = (await listCategories(trx)).find((c) => c.code === 'schlagloch')!;
      await insertReport(trx, {
        tenantId: town, id, categoryId: category.id, departmentId: category.departmentId, ...inside, locationLabel: 'Hauptstraße',
        description: 'Tiefes Loch vor Hausnummer 12, Herr Meier ist gestürzt', address: 'Hauptstraße 12', reporterEmail: 'melder@example.org', receiptTokenHash,
        photos: Array.from({ length: photos }, () => ({ sha256: 'a'.repeat(64), thumbnailSha256: 'b'.repeat(64), width: 10, height: 10 })),
      });
    });
    return id;
  }
  const as = <T>(actor: Omit<Actor, 'tenantId'>, fn: Parameters<typeof inTransaction<T>>[2], tenantId = town) => inTransaction(database.db, { tenantId, ...actor }, fn);

  it('shows the public part of a report to everyone in the town and nothing of it to another town', async () => {
    const id = await fileReport(hashToken(newToken()));
    const seen = await as({}, (trx) => findPublicReport(trx, id));
    assert.equal(seen?.status, 'received');
    assert.equal(seen?.publicDescription, null, 'no description is public before a clerk released it');
    assert.equal(await as({}, (trx) => findPublicReport(trx, id), otherTown), undefined);
  });

  it('shows what the citizen typed only to the receipt holder and the routed department', async () => {
    const receipt = hashToken(newToken());
    const id = await fileReport(receipt, 1);
    assert.equal(await as({}, (trx) => findReportDetails(trx, id)), undefined, 'the public');
    assert.equal(await as({ receiptTokenHashes: [hashToken(newToken())] }, (trx) => findReportDetails(trx, id)), undefined, 'another receipt');
    assert.equal(await as({ departmentIds: [departments.abfallwirtschaft!] }, (trx) => findReportDetails(trx, id)), undefined, 'another department');
    assert.equal((await as({ receiptTokenHashes: [receipt] }, (trx) => findReportDetails(trx, id)))?.reporterEmail, 'melder@example.org');
    assert.equal((await as({ departmentIds: [departments.bauamt!] }, (trx) => findReportDetails(trx, id)))?.photos, 1);
    const publicPhotos = await as({}, (trx) => trx.selectFrom('report_photos').select('sha256').where('report_id', '=', id).execute());
    assert.deepEqual(publicPhotos, [], 'photos are not public before a clerk released them');
  });

  it('lets only the routed department change a report, and nobody file one that is already decided or released', async () => {
    const id = await fileReport(hashToken(newToken()));
    const markDone = (departmentIds: string[]) => as({ departmentIds }, (trx) => trx.updateTable('reports').set({ status: 'done' }).where('id', '=', id).executeTakeFirst());
    assert.equal(Number((await markDone([departments.abfallwirtschaft!])).numUpdatedRows), 0);
    assert.equal(Number((await markDone([departments.bauamt!])).numUpdatedRows), 1);
    const category = await as({}, async (trx) => (await listCategories(trx))[0]!);
    await assert.rejects(as({}, (trx) => trx.insertInto('reports').values({
      tenant_id: town, id: randomUUID(), category_id: category.id, department_id: category.departmentId, ...inside, location_label: null, public_description: 'veröffentlicht',
    }).execute()), /row-level security/);
    await assert.rejects(as({ departmentIds: [departments.bauamt!] }, (trx) => trx.updateTable('reports').set({ lat: 51.56 }).where('id', '=', id).execute()), /permission denied/, 'nor where it was reported');
    await assert.rejects(as({}, (trx) => trx.updateTable('report_details').set({ description: 'geändert' }).where('report_id', '=', id).execute()), /permission denied/, 'what was typed is never changed');
  });

  it('keeps the back office history and photo release to the routed department, and lets it pass a report on', async () => {
    const id = await fileReport(hashToken(newToken()), 2);
    const bauamt = { departmentIds: [departments.bauamt!] };
    const abfall = { departmentIds: [departments.abfallwirtschaft!] };
    const staffId = await asTownOwner(database.db, town, async (trx) => (await trx.insertInto('staff').values({ tenant_id: town, email: `rls-${id}@example.org`, name: 'RLS', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id);
    await as(bauamt, (trx) => insertReportEvent(trx, { tenantId: town, reportId: id, staffId, kind: 'note', details: { text: 'intern' } }));
    await assert.rejects(as(abfall, (trx) => insertReportEvent(trx, { tenantId: town, reportId: id, staffId, kind: 'note', details: { text: 'fremd' } })), /row-level security/);
    assert.deepEqual(await as(abfall, (trx) => listReportEvents(trx, id)), [], 'another department reads no history');
    assert.deepEqual(await as({}, (trx) => listReportEvents(trx, id)), [], 'nor does the public');
    assert.equal(await as(abfall, (trx) => findStaffReport(trx, id)), undefined);

    await as(abfall, (trx) => setReleasedPhotos(trx, id, [1, 2]));
    assert.deepEqual(await as({}, (trx) => trx.selectFrom('report_photos').select('position').where('report_id', '=', id).execute()), [], 'another department cannot release photos');
    await as(bauamt, (trx) => setReleasedPhotos(trx, id, [2]));
    assert.deepEqual(await as({}, (trx) => trx.selectFrom('report_photos').select('position').where('report_id', '=', id).execute()), [{ position: 2 }]);

    await as(bauamt, (trx) => trx.updateTable('reports').set({ department_id: departments.abfallwirtschaft! }).where('id', '=', id).execute());
    assert.equal((await as(abfall, (trx) => listReportEvents(trx, id))).length, 1, 'the history moves with the report');
    assert.deepEqual(await as(bauamt, (trx) => listReportEvents(trx, id)), []);
    await assert.rejects(as({}, (trx) => trx.insertInto('report_mail_stops').values({ tenant_id: otherTown, report_id: id }).execute()), /row-level security/);
  });

  it('lets nobody file a report as spam or as a duplicate, and only the routed department decide on moderation', async () => {
    const id = await fileReport(hashToken(newToken()));
    const category = await as({}, async (trx) => (await listCategories(trx)).find((c) => c.code === 'schlagloch')!);
    for (const values of [{ moderation: 'spam' }, { duplicate_of: id }]) {
      await assert.rejects(as({}, (trx) => trx.insertInto('reports').values({
        tenant_id: town, id: randomUUID(), category_id: category.id, department_id: category.departmentId, ...inside, location_label: null, ...values,
      } as never).execute()), /row-level security/, JSON.stringify(values));
    }
    const moderate = (departmentIds: string[]) => as({ departmentIds }, async (trx) =>
      (await trx.updateTable('reports').set({ moderation: 'spam' }).where('id', '=', id).returning('id').execute()).length);
    assert.equal(await moderate([departments.abfallwirtschaft!]), 0, 'another department changes nothing');
    assert.equal(await moderate([departments.bauamt!]), 1);
    await assert.rejects(as({ departmentIds: [departments.bauamt!] }, (trx) => trx.updateTable('reports').set({ lat: 51.56 } as never).where('id', '=', id).execute()), /permission denied/);
  });
});
