import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { townUrl } from '../../platform/http/town-url.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import { t } from './status.i18n.js';

/** Whether a path segment can be a status-link token (32 random bytes, base64url). */
export function isStatusToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** Creates a status link for an application and returns its token; only the token's SHA-256 is stored. */
export async function createStatusLink(db: Db, tenantId: string, reference: string): Promise<string> {
  const token = newToken();
  await inTransaction(db, { tenantId }, (trx) => trx.insertInto('status_links').values({ token_hash: hashToken(token), tenant_id: tenantId, reference }).execute());
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
