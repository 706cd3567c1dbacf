import MiniSearch from 'minisearch';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { Department } from '../tenants/tenant.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import { indexTerms, stemGerman } from './german-stemmer.js';
import type { Service } from './service-registry.js';
import type { LifeSituation } from './service-definition.js';

/** A service as one town offers it: the shared definition plus the town's responsible department. */
export interface CatalogEntry {
  service: Service;
  department: Department;
}

interface TenantCatalog {
  entries: Map<string, CatalogEntry>;
  index: MiniSearch<{ id: string }>;
}

const tokenize = (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);

/**
 * The service catalog of each town with its search index. Built on first use and kept in memory:
 * a catalog has tens to hundreds of entries, and a search must not cost a database round trip.
 */
export class Catalog {
  #byTenant = new Map<string, Promise<TenantCatalog>>();

  constructor(
    private readonly db: Db,
    private readonly services: Map<string, Service>,
    private readonly tenants: TenantDirectory,
  ) {}

  /** All services of the town, in title order. */
  async list(tenantId: string, lang: Lang, lifeSituation?: LifeSituation): Promise<CatalogEntry[]> {
    const { entries } = await this.#forTenant(tenantId);
    return [...entries.values()]
      .filter((e) => !lifeSituation || e.service.definition.lifeSituations.includes(lifeSituation))
      .sort((a, b) => titleOf(a, lang).localeCompare(titleOf(b, lang), lang));
  }

  /** One service of the town, if the town offers it. */
  async find(tenantId: string, serviceId: string): Promise<CatalogEntry | undefined> {
    return (await this.#forTenant(tenantId)).entries.get(serviceId);
  }

  /** Services matching a free-text query: German stems, compound tails, typos and prefixes. */
  async search(tenantId: string, query: string): Promise<CatalogEntry[]> {
    const catalog = await this.#forTenant(tenantId);
    const hits = catalog.index.search(query.slice(0, 200), {
      prefix: (term) => term.length >= 3,
      fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      maxFuzzy: 2,
      combineWith: 'AND',
      processTerm: (term) => stemGerman(term),
      boost: { title: 3, keywords: 2 },
    });
    return hits.map((h) => catalog.entries.get(h.id as string)).filter((e): e is CatalogEntry => e !== undefined);
  }

  #forTenant(tenantId: string): Promise<TenantCatalog> {
    let catalog = this.#byTenant.get(tenantId);
    if (!catalog) {
      catalog = this.#build(tenantId);
      catalog.catch(() => this.#byTenant.delete(tenantId));
      this.#byTenant.set(tenantId, catalog);
    }
    return catalog;
  }

  async #build(tenantId: string): Promise<TenantCatalog> {
    if (!this.tenants.findById(tenantId)) throw new Error('unknown town');
    const { adopted, departments } = await inTransaction(this.db, { tenantId }, async (trx) => ({
      adopted: await trx.selectFrom('tenant_services').select(['service_id', 'department_id']).execute(),
      departments: await listDepartments(trx),
    }));
    const entries = new Map<string, CatalogEntry>();
    for (const row of adopted) {
      const service = this.services.get(row.service_id);
      const department = departments.find((d) => d.id === row.department_id);
      if (service && department) entries.set(service.definition.id, { service, department });
    }
    const index = new MiniSearch<{ id: string }>({
      fields: ['title', 'keywords', 'summary', 'description'],
      tokenize,
      processTerm: (term) => indexTerms(term),
      extractField: (doc, field) => {
        const d = entries.get(doc.id)!.service.definition;
        if (field === 'id') return doc.id;
        if (field === 'keywords') return d.keywords.join(' ');
        const text = d[field as 'title' | 'summary' | 'description'];
        return `${text.de} ${text.en ?? ''}`;
      },
      searchOptions: { tokenize },
    });
    index.addAll([...entries.keys()].map((id) => ({ id })));
    return { entries, index };
  }
}

function titleOf(entry: CatalogEntry, lang: Lang): string {
  const title = entry.service.definition.title;
  return (lang === 'en' ? title.en : undefined) ?? title.de;
}
