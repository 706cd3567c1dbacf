import type { Db } from '../../platform/db/database.js';
import { serviceDefinition, type Service } from '../catalog/index.js';
import { findDefinitionSnapshot, insertDefinitionSnapshot } from './forms.repository.js';

const older = new Map<string, Service>();

/** Records every loaded definition version, so drafts and submissions can always find theirs. */
export async function registerDefinitionSnapshots(db: Db, services: Map<string, Service>): Promise<void> {
  for (const s of services.values()) {
    await insertDefinitionSnapshot(db, { hash: s.hash, serviceId: s.definition.id, version: s.definition.version, body: s.definition });
  }
}

/**
 * The definition a draft or submission was made with: the current one if unchanged, else the
 * stored snapshot (a definition updated mid-application must not change the form under the user).
 */
export async function resolveDefinition(db: Db, services: Map<string, Service>, hash: string): Promise<Service> {
  for (const s of services.values()) if (s.hash === hash) return s;
  let service = older.get(hash);
  if (!service) {
    const body = await findDefinitionSnapshot(db, hash);
    if (!body) throw new Error(`definition snapshot ${hash} is missing`);
    service = { definition: serviceDefinition.parse(body), hash };
    older.set(hash, service);
  }
  return service;
}
