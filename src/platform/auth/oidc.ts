import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import { inTransaction, type Db } from '../db/database.js';
import { hashToken } from '../crypto/tokens.js';

/**
 * OpenID Connect relying party (authorization code flow with PKCE, state and nonce), shared by
 * every sign-in through an external identity provider (the staff IdP, the citizens' IdP).
 * The flow's secrets are kept server-side in `oidc_flows`, bound to the browser session that
 * started the flow, and used at most once.
 */

/** What a relying party needs to know about one identity provider. */
export interface OidcProviderSettings {
  /** The issuer identifier; its discovery document is at <issuer>/.well-known/openid-configuration. */
  issuer: string;
  clientId: string;
  /** Null for a public client (PKCE only). */
  clientSecret: string | null;
}

/** Which sign-in a flow belongs to (a closed set, also in the CHECK constraint of oidc_flows). */
export type OidcPurpose = 'staff_sign_in' | 'account_sign_in';

/** The browser session a flow is bound to, and its town (row-level security sees both). */
export interface OidcFlowOwner {
  tenantId: string;
  sessionHash: string;
}

/** Who the identity provider says signed in, from the validated ID token. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /** True only when the IdP asserts `email_verified: true` (a boolean, not a string). */
  emailVerified: boolean;
  /** Authentication methods (RFC 8176), e.g. ['pwd', 'otp']; empty when the IdP sends none. */
  amr: string[];
  /** Authentication context class (trust level), when the IdP sends one. */
  acr: string | null;
}

/** A finished sign-in: who signed in, and where the flow was to lead afterwards (if it said). */
export interface OidcSignIn extends OidcIdentity {
  returnTo: string | null;
}

/** Why a sign-in through an IdP failed; each reason has its own message for the person. */
export type OidcFailure =
  /** No flow under way for this session (never started, already used, or the session ended). */
  | 'no_flow'
  | 'expired'
  | 'state_mismatch'
  /** The IdP answered with an error parameter (e.g. the person cancelled). */
  | 'idp_error'
  /** The response or its ID token came from another issuer than the configured one. */
  | 'wrong_issuer'
  /** The response did not pass validation (code refused, signature, nonce, audience ...). */
  | 'invalid_response'
  /** The IdP could not be reached or answered nonsense at discovery. */
  | 'unavailable';

/** The four messages a person gets for the failures (which one exactly goes to the log only). */
export type OidcFailureMessage = 'flow' | 'cancelled' | 'invalid' | 'unavailable';

/** Which message each failure gets. */
export const oidcFailureMessages: Readonly<Record<OidcFailure, OidcFailureMessage>> = {
  no_flow: 'flow',
  expired: 'flow',
  state_mismatch: 'flow',
  idp_error: 'cancelled',
  wrong_issuer: 'invalid',
  invalid_response: 'invalid',
  unavailable: 'unavailable',
};

/** A failed sign-in through an IdP; `idpError` is the IdP's error code, if it sent one. */
export class OidcSignInError extends Error {
  constructor(readonly reason: OidcFailure, readonly idpError?: string, options?: { cause?: unknown }) {
    super(`OpenID Connect sign-in failed: ${reason}`, options);
  }
}

/** How long a started sign-in may take at the IdP (typing password and second factor). */
export const flowMinutes = 10;
// Discovery documents and keys change rarely; re-reading them every 10 minutes picks up changes.
const discoveryMinutes = 10;
const discoveryCache = new Map<string, { configuration: Promise<client.Configuration>; until: number }>();

/** Whether a URL points at this machine (http is allowed only there: tests and a laptop's IdP). */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The redirect URI registered at the IdP for a path on the request's host. Always https (sessions
 * live in a Secure cookie), except on this machine, where a laptop and the tests speak plain http.
 */
export function redirectUriFor(request: { protocol: string; headers: { host?: string } }, path: string): string {
  const host = request.headers.host ?? '';
  const scheme = isLoopbackUrl(new URL(`http://${host}`)) ? request.protocol : 'https';
  return `${scheme}://${host}${path}`;
}

/**
 * Checks an issuer identifier as a town admin types it: https (http only on this machine), no
 * query or fragment, and not the discovery document's URL (which would skip the issuer check).
 * Returns the message for what is wrong, or null.
 */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) return 'must use https (http only for localhost)';
  if (url.search || url.hash || url.username || url.password) return 'must not have a query, fragment or credentials';
  if (url.pathname.includes('/.well-known/')) return 'give the issuer identifier, not the URL of its discovery document';
  return null;
}

/** The IdP's metadata and the client configuration, discovered once and kept for a while. */
function configurationFor(settings: OidcProviderSettings): Promise<client.Configuration> {
  const key = [settings.issuer, settings.clientId, hashToken(settings.clientSecret ?? '')].join('\n');
  const cached = discoveryCache.get(key);
  if (cached && cached.until > Date.now()) return cached.configuration;
  const issuer = new URL(settings.issuer);
  const configuration = client
    .discovery(
      issuer,
      settings.clientId,
      settings.clientSecret ?? undefined,
      // Basic is the OpenID Connect default method; every common IdP (Keycloak, Entra ID, ADFS) supports it.
      settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
      { execute: isLoopbackUrl(issuer) ? [client.allowInsecureRequests] : [], timeout: 10 },
    )
    .catch((error: unknown) => {
      discoveryCache.delete(key);
      throw new OidcSignInError('unavailable', undefined, { cause: error });
    });
  discoveryCache.set(key, { configuration, until: Date.now() + discoveryMinutes * 60_000 });
  return configuration;
}

/**
 * Starts a sign-in: stores a new flow (replacing any earlier one of the session for the same
 * purpose) and returns the IdP's authorization URL to redirect the browser to. The URL carries
 * only the client id, scopes, the redirect URI, the acr values asked for and random values, no
 * personal data; `returnTo` (a path of the portal) stays with the flow.
 */
export async function beginOidcSignIn(
  db: Db,
  owner: OidcFlowOwner,
  purpose: OidcPurpose,
  settings: OidcProviderSettings,
  request: { redirectUri: string; scope: string; acrValues?: string[]; returnTo?: string },
): Promise<URL> {
  const configuration = await configurationFor(settings);
  const flow = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: request.redirectUri,
    scope: request.scope,
    response_type: 'code',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: 'S256',
    ...(request.acrValues?.length ? { acr_values: request.acrValues.join(' ') } : {}),
  });
  const row = {
    tenant_id: owner.tenantId,
    session_hash: owner.sessionHash,
    purpose,
    issuer: settings.issuer,
    redirect_uri: request.redirectUri,
    state: flow.state,
    nonce: flow.nonce,
    code_verifier: flow.codeVerifier,
    return_to: request.returnTo ?? null,
    expires_at: new Date(Date.now() + flowMinutes * 60_000),
  };
  await inTransaction(db, owner, (trx) =>
    trx
      .insertInto('oidc_flows')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'session_hash', 'purpose']).doUpdateSet(row))
      .execute());
  return url;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Finishes a sign-in at the redirect URI: takes the session's flow (it is deleted whatever the
 * outcome, so a response cannot be replayed), checks state, issuer and error parameters, redeems
 * the code with the PKCE verifier and validates the ID token (signature, issuer, audience, expiry,
 * nonce). `query` is the callback's raw query string. With `emailFromUserInfo`, an e-mail
 * address missing from the ID token is read from the UserInfo endpoint (IdPs that follow the
 * specification to the letter put scope claims only there).
 */
export async function finishOidcSignIn(
  db: Db,
  owner: OidcFlowOwner,
  purpose: OidcPurpose,
  settings: OidcProviderSettings,
  query: string,
  options: { emailFromUserInfo?: boolean } = {},
): Promise<OidcSignIn> {
  const flow = await inTransaction(db, owner, (trx) =>
    trx
      .deleteFrom('oidc_flows')
      .where('tenant_id', '=', owner.tenantId)
      .where('session_hash', '=', owner.sessionHash)
      .where('purpose', '=', purpose)
      .returningAll()
      .executeTakeFirst());
  if (!flow) throw new OidcSignInError('no_flow');
  if (flow.expires_at <= new Date()) throw new OidcSignInError('expired');
  const params = new URLSearchParams(query);
  // Checked here before the library checks them again, so each failure gets its own message.
  if (!sameString(params.get('state') ?? '', flow.state)) throw new OidcSignInError('state_mismatch');
  // The town may have changed its IdP while the flow was under way.
  if (flow.issuer !== settings.issuer) throw new OidcSignInError('wrong_issuer');
  const configuration = await configurationFor(settings);
  const iss = params.get('iss');
  // RFC 9207: a response carrying another issuer's name comes from another IdP (mix-up attack).
  if (iss !== null && iss !== configuration.serverMetadata().issuer) throw new OidcSignInError('wrong_issuer');
  const idpError = params.get('error');
  if (idpError !== null) throw new OidcSignInError('idp_error', idpError.slice(0, 64));

  const currentUrl = new URL(flow.redirect_uri);
  currentUrl.search = params.toString();
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw new OidcSignInError(classifyGrantError(error), undefined, { cause: error });
  }
  const claims = tokens.claims();
  if (!claims) throw new OidcSignInError('invalid_response');
  if (claims.iss !== configuration.serverMetadata().issuer) throw new OidcSignInError('wrong_issuer');
  let emailClaims: Record<string, unknown> = claims;
  if (options.emailFromUserInfo && claims.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
    try {
      // The subject must be the ID token's (the library checks it).
      emailClaims = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
    } catch (error) {
      throw new OidcSignInError(classifyGrantError(error), undefined, { cause: error });
    }
  }
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: typeof emailClaims.email === 'string' ? emailClaims.email : null,
    emailVerified: emailClaims.email_verified === true,
    // Bounded: the values end up in the audit log.
    amr: Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string').slice(0, 16).map((m) => m.slice(0, 64)) : [],
    acr: typeof claims.acr === 'string' ? claims.acr.slice(0, 255) : null,
    returnTo: flow.return_to,
  };
}

/** The reason for an error of the code exchange or ID token validation. */
function classifyGrantError(error: unknown): OidcFailure {
  if (error instanceof client.AuthorizationResponseError) return 'idp_error';
  // fetch failed, or the request timed out.
  if (error instanceof TypeError || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))) return 'unavailable';
  const text = error instanceof Error ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}` : '';
  if (/"iss"/.test(text)) return 'wrong_issuer';
  return 'invalid_response';
}
