import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { townUrl } from '../../platform/http/town-url.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { createGroupCommit } from '../../platform/db/group-commit.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import { t } from './status.i18n.js';

/** Whether a path segment can be a status-link token (32 random bytes, base64url). */
export function isStatusToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

type LinkWriter = (tenantId: string, link: { tokenHash: string; reference: string }) => Promise<void>;
const linkWriters = new WeakMap<Db, LinkWriter>();

// The job worker sends a batch of confirmation mails side by side; their links are stored in one
// transaction per town (group commit, ADR 0007). One commit per mail had cost the submission path
// ~15 % of its throughput under load (docs/performance.md).
function linkWriter(db: Db): LinkWriter {
  let writer = linkWriters.get(db);
  if (!writer) {
    writer = createGroupCommit<{ tokenHash: string; reference: string }, void>({
      maxInFlight: 1,
      maxBatch: 100,
      write: async (tenantId, links) => {
        await inTransaction(db, { tenantId }, (trx) =>
          trx.insertInto('status_links').values(links.map((l) => ({ token_hash: l.tokenHash, tenant_id: tenantId, reference: l.reference }))).execute());
        return links.map(() => undefined);
      },
    });
    linkWriters.set(db, writer);
  }
  return writer;
}

/** Creates a status link for an application and returns its token; only the token's SHA-256 is stored. */
export async function createStatusLink(db: Db, tenantId: string, reference: string): Promise<string> {
  const token = newToken();
  await linkWriter(db)(tenantId, { tokenHash: hashToken(token), reference });
  return token;
}

/** The absolute URL of a status page for a mail (see townUrl). */
export function statusUrl(config: Pick<Config, 'baseUrl' | 'port'>, town: { hosts: string[] }, token: string): string {
  return townUrl(config, town, `/status/${token}`);
}

/** The paragraph of a mail that gives the status link. */
export function statusLinkMailText(lang: Lang, url: string): string {
  return t(lang, 'statusLinkMail', { url });
}
