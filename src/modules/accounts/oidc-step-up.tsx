import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.js';
import type { TrustLevel } from '../../platform/db/schema.js';
import { findSession } from '../../platform/http/session.js';
import { localize, type Localized } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { meetsTrustLevel } from './account.js';
import { findAccountIdpName } from './oidc-login.js';
import { StepUpPage } from './views/oidc-pages.js';

/** What the guard needs of a service definition. */
interface GuardedService {
  id: string;
  title: Localized;
  minimumTrustLevel?: TrustLevel;
}

/** The trust level of the request's account session; null without one. */
async function sessionTrustLevel(db: Db, request: FastifyRequest) {
  const session = await findSession(db, request);
  return { session, current: session?.accountId ? session.trustLevel : null };
}

/**
 * For the pages of an application: true when the service requires no trust level
 * (`minimumTrustLevel` in service.yaml) or the request's session is an account signed in at that
 * level or higher. Otherwise answers with the page that explains why and leads to the town's IdP
 * (asking for the level, then back to `returnTo`), and returns false: 200 for a page asked for, 403
 * for a form sent.
 */
export async function ensureTrustLevel(db: Db, request: FastifyRequest, reply: FastifyReply, service: GuardedService, returnTo: string): Promise<boolean> {
  const required = service.minimumTrustLevel;
  if (!required) return true;
  const { session, current } = await sessionTrustLevel(db, request);
  if (meetsTrustLevel(current, required)) return true;
  const idpName = await findAccountIdpName(db, request.tenant.id);
  const ctx = { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session?.csrfToken };
  reply.header('cache-control', 'no-store');
  sendPage(
    reply,
    <StepUpPage ctx={ctx} serviceTitle={localize(service.title, request.lang)} serviceHref={`/leistungen/${service.id}`} required={required} current={current} idpName={idpName} returnTo={returnTo} />,
    request.method === 'GET' ? 200 : 403,
  );
  return false;
}

/** The problem type (RFC 9457) of an API request refused for its trust level. */
export const trustLevelProblemType = 'urn:rathaus:problem:trust-level-required';

/** The JSON Schema of that problem, for the OpenAPI description and the response serializer. */
export const trustLevelProblemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requiredTrustLevel: { type: 'string', enum: ['low', 'substantial', 'high'] },
    currentTrustLevel: { type: ['string', 'null'], enum: ['low', 'substantial', 'high', null] },
  },
} as const;

/**
 * For the JSON API: true when the trust level is met, as in ensureTrustLevel (the account's
 * session cookie is the only way to prove one); otherwise answers 403 with an
 * application/problem+json that names the required and the current level, and returns false.
 */
export async function ensureTrustLevelForApi(db: Db, request: FastifyRequest, reply: FastifyReply, required: TrustLevel | undefined): Promise<boolean> {
  if (!required) return true;
  const { current } = await sessionTrustLevel(db, request);
  if (meetsTrustLevel(current, required)) return true;
  const host = request.headers.host ?? '';
  reply.code(403).type('application/problem+json').send({
    type: trustLevelProblemType,
    title: current ? 'The sign-in does not reach the level of assurance this service requires' : 'This service requires a signed-in account',
    status: 403,
    detail: `Applications for this service need a citizen account signed in with the eIDAS level of assurance "${required}" or higher`
      + `${current ? ` (this session has "${current}")` : ''}. Sign in through the town's identity provider at ${request.protocol}://${host}/konto/anmelden and send the session cookie with the request.`,
    requiredTrustLevel: required,
    currentTrustLevel: current,
  });
  return false;
}
