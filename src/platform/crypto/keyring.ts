import { randomBytes, randomUUID } from 'node:crypto';
import { inTransaction, type Db, type Trx } from '../db/database.js';
import { openSecret, sealSecret } from './secret-box.js';

/** A town's data key, unwrapped. */
interface DataKey {
  id: string;
  key: Buffer;
}

/** What seal() returns: the sealed text and the id of the data key it needs. */
export interface Sealed {
  dataKeyId: string;
  sealed: string;
}

/**
 * Envelope encryption of sensitive answers (ADR 0025): every town has random 32-byte data keys,
 * stored in the table data_keys only wrapped with the master key (ANSWERS_KEY), which never reaches
 * the database. Unwrapped keys are kept in memory, so after the first use sealing and opening cost
 * no query.
 */
export class Keyring {
  // Promises, so concurrent first uses share one query; a failed one is forgotten and tried again.
  private readonly current = new Map<string, Promise<DataKey>>();
  private readonly byId = new Map<string, Promise<Buffer>>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key of the keyring must be 32 bytes');
  }

  /**
   * Seals `plaintext` with the town's current data key, bound to `context` (what it belongs to).
   * Call it outside a transaction: the first use in a process may make the key in one of its own.
   */
  async seal(db: Db, tenantId: string, plaintext: string, context: string): Promise<Sealed> {
    const dataKey = await this.cached(this.current, tenantId, () => this.currentKey(db, tenantId));
    return { dataKeyId: dataKey.id, sealed: sealSecret(dataKey.key, plaintext, context) };
  }

  /** Seals `plaintext` with a given data key of the town (a copy of data sealed with it); `trx` acts for the town. */
  async sealWith(trx: Trx, tenantId: string, dataKeyId: string, plaintext: string, context: string): Promise<Sealed> {
    return { dataKeyId, sealed: sealSecret(await this.keyById(trx, tenantId, dataKeyId), plaintext, context) };
  }

  /**
   * Opens what seal() made. `trx` acts for the town (row-level security shows only its keys);
   * throws when the key, the town or the context differ from sealing time.
   */
  async open(trx: Trx, tenantId: string, sealed: Sealed, context: string): Promise<string> {
    return openSecret(await this.keyById(trx, tenantId, sealed.dataKeyId), sealed.sealed, context);
  }

  private keyById(trx: Trx, tenantId: string, id: string): Promise<Buffer> {
    return this.cached(this.byId, `${tenantId}/${id}`, () => this.unwrapStored(trx, tenantId, id));
  }

  /**
   * Opens each town's newest data key once (and keeps it as the current one), so a wrong
   * ANSWERS_KEY stops the start with a clear error instead of failing the first reader.
   */
  async verify(db: Db, tenantIds: string[]): Promise<void> {
    for (const tenantId of tenantIds) {
      const newest = await inTransaction(db, { tenantId }, (trx) => newestKey(trx, tenantId));
      if (newest) this.current.set(tenantId, Promise.resolve({ id: newest.id, key: this.unwrap(tenantId, newest.id, newest.wrapped_key) }));
    }
  }

  /**
   * Re-wraps every data key of the town with a new master key (rotating ANSWERS_KEY): the sealed
   * answers stay as they are. `trx` is the table owner's with the town set (the application role
   * may not change keys). Returns how many keys were re-wrapped.
   */
  async rewrap(trx: Trx, tenantId: string, newMasterKey: Buffer): Promise<number> {
    if (newMasterKey.length !== 32) throw new Error('the new master key must be 32 bytes');
    const rows = await trx.selectFrom('data_keys').select(['id', 'wrapped_key']).where('tenant_id', '=', tenantId).forUpdate().execute();
    for (const row of rows) {
      const key = this.unwrap(tenantId, row.id, row.wrapped_key);
      await trx.updateTable('data_keys').set({ wrapped_key: sealSecret(newMasterKey, key.toString('base64'), wrapContext(tenantId, row.id)) })
        .where('tenant_id', '=', tenantId).where('id', '=', row.id).execute();
    }
    return rows.length;
  }

  private cached<T>(cache: Map<string, Promise<T>>, id: string, load: () => Promise<T>): Promise<T> {
    let entry = cache.get(id);
    if (!entry) {
      entry = load();
      cache.set(id, entry);
      entry.catch(() => cache.delete(id));
    }
    return entry;
  }

  /**
   * The town's newest data key, made on first use. Committed in a transaction of its own before
   * anything is sealed with it: a key that a rolled-back transaction took along would leave
   * sealed answers nobody can open. Two processes starting at once may each make one; both work.
   */
  private async currentKey(db: Db, tenantId: string): Promise<DataKey> {
    return inTransaction(db, { tenantId }, async (trx) => {
      const row = await newestKey(trx, tenantId);
      if (row) return { id: row.id, key: this.unwrap(tenantId, row.id, row.wrapped_key) };
      const id = randomUUID();
      const key = randomBytes(32);
      await trx.insertInto('data_keys').values({ tenant_id: tenantId, id, wrapped_key: sealSecret(this.masterKey, key.toString('base64'), wrapContext(tenantId, id)) }).execute();
      return { id, key };
    });
  }

  private async unwrapStored(trx: Trx, tenantId: string, id: string): Promise<Buffer> {
    const row = await trx.selectFrom('data_keys').select('wrapped_key').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new Error(`data key ${id} of town ${tenantId} not found`);
    return this.unwrap(tenantId, id, row.wrapped_key);
  }

  private unwrap(tenantId: string, id: string, wrapped: string): Buffer {
    try {
      return Buffer.from(openSecret(this.masterKey, wrapped, wrapContext(tenantId, id)), 'base64');
    } catch {
      // The usual cause is an operator's: ANSWERS_KEY (or DATA_DIR/keys/answers.key) is not the one the keys were made with.
      throw new Error(`data key ${id} of town ${tenantId} does not open with ANSWERS_KEY: is it the key the data was sealed with?`);
    }
  }
}

function newestKey(trx: Trx, tenantId: string) {
  return trx.selectFrom('data_keys').select(['id', 'wrapped_key']).where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id').limit(1).executeTakeFirst();
}

/** A wrapped key opens only as the key of the town and id it was made for. */
function wrapContext(tenantId: string, keyId: string): string {
  return `data-key:${tenantId}:${keyId}`;
}
