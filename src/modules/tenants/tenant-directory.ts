import type { Db } from '../../platform/db/database.js';
import { listTenants } from './tenants.repository.js';
import type { Tenant } from './tenant.js';

/**
 * Resolves the town of a request from its host name. Towns change rarely; the directory is read
 * at start and reloaded periodically, so a request never waits for the database to learn its town.
 */
export class TenantDirectory {
  #byHost = new Map<string, Tenant>();
  #byId = new Map<string, Tenant>();

  constructor(private readonly db: Db) {}

  /** Re-reads all towns from the database. */
  async reload(): Promise<void> {
    const tenants = await listTenants(this.db);
    this.#byHost = new Map(tenants.flatMap((t) => t.hosts.map((h) => [h.toLowerCase(), t] as const)));
    this.#byId = new Map(tenants.map((t) => [t.id, t]));
  }

  /** The town served on a Host header value (port ignored), if any. */
  findByHost(hostHeader: string | undefined): Tenant | undefined {
    if (!hostHeader) return undefined;
    const host = hostHeader.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    return this.#byHost.get(host);
  }

  /** The town with this id. */
  findById(id: string): Tenant | undefined {
    return this.#byId.get(id);
  }

  /** All towns. */
  all(): Tenant[] {
    return [...this.#byId.values()];
  }
}
