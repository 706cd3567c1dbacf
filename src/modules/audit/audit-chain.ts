import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';

const genesis = '0'.repeat(64);
const maxBlockSize = 5000;

function blockHash(previousHash: string, entryHashes: string[]): string {
  return createHash('sha256').update(`${previousHash}\n${entryHashes.join('\n')}`).digest('hex');
}

async function lastBlock(trx: Trx): Promise<{ blockNo: number; hash: string }> {
  const row = await trx.selectFrom('audit_blocks').select(['block_no', 'hash']).orderBy('block_no', 'desc').limit(1).executeTakeFirst();
  return row ? { blockNo: Number(row.block_no), hash: row.hash } : { blockNo: 0, hash: genesis };
}

/**
 * Seals the town's unsealed audit entries into the next block; returns how many entries it sealed.
 * A transaction-level advisory lock keeps two sealers of one town from forking the chain.
 */
export async function sealAuditLog(db: Db, tenantId: string): Promise<number> {
  return inTransaction(db, { tenantId }, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`audit-seal:${tenantId}`}))`.execute(trx);
    const entries = await sql<{ id: string; hash: string }>`
      select e.id, audit_entry_hash(e) as hash from audit_log e
      where not exists (select 1 from audit_sealed s where s.entry_id = e.id)
      order by e.id limit ${maxBlockSize}`.execute(trx);
    if (entries.rows.length === 0) return 0;
    const previous = await lastBlock(trx);
    const blockNo = previous.blockNo + 1;
    await trx.insertInto('audit_blocks').values({
      tenant_id: tenantId,
      block_no: blockNo,
      entry_count: entries.rows.length,
      previous_hash: previous.hash,
      hash: blockHash(previous.hash, entries.rows.map((e) => e.hash)),
    }).execute();
    await trx.insertInto('audit_sealed').values(entries.rows.map((e) => ({ tenant_id: tenantId, entry_id: e.id, block_no: blockNo }))).execute();
    return entries.rows.length;
  });
}

/** Recomputes the town's chain; returns the first block that does not match, or null when intact. */
export async function verifyAuditChain(db: Db, tenantId: string): Promise<{ blockNo: number } | null> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const blocks = await trx.selectFrom('audit_blocks').select(['block_no', 'previous_hash', 'hash', 'entry_count']).orderBy('block_no').execute();
    let previous = genesis;
    for (const block of blocks) {
      const entries = await sql<{ hash: string }>`
        select audit_entry_hash(e) as hash from audit_sealed s join audit_log e on e.id = s.entry_id
        where s.block_no = ${block.block_no} order by e.id`.execute(trx);
      const ok = block.previous_hash === previous && entries.rows.length === block.entry_count && blockHash(previous, entries.rows.map((e) => e.hash)) === block.hash;
      if (!ok) return { blockNo: Number(block.block_no) };
      previous = block.hash;
    }
    return null;
  });
}
