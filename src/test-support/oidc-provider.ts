import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type JWK } from 'oidc-provider';

/** An account at the test IdP: its subject and the e-mail claims it releases. */
export interface TestIdpAccount {
  sub: string;
  email?: string;
  emailVerified?: boolean;
}

/**
 * How the next person signs in at the IdP's login step, or the error the IdP answers instead.
 * `acr: 'requested'` signs in at the first acr value the relying party asked for (acr_values), as
 * an IdP does that leads the person to the method of that level.
 */
export type TestIdpSignIn = { accountId: string; amr?: string[]; acr?: string } | { error: string };

/** What the relying party asked for in an authorization request that reached the login step. */
export interface TestIdpRequest {
  scope: string;
  /** The acr_values asked for, in order; empty when none. */
  acrValues: string[];
}

/** A client registered at the test IdP (one per town). */
export interface TestIdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/**
 * A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1 at a random port. Its login step
 * signs in whoever `nextSignIn` names (with the amr/acr given) instead of showing a form; consent
 * is given for the requested scopes. Everything else (codes, PKCE, ID tokens, iss response
 * parameter) is the provider's own.
 */
export interface TestIdp {
  issuer: string;
  accounts: Map<string, TestIdpAccount>;
  nextSignIn: TestIdpSignIn;
  /** Every authorization request that reached the login step, the latest last. */
  requests: TestIdpRequest[];
  /**
   * Follows an authorization URL through the IdP like a browser with a fresh cookie jar, and
   * returns where the IdP finally sends the browser (the relying party's redirect URI).
   */
  authorize(url: string | URL): Promise<URL>;
  close(): Promise<void>;
}

/** Starts a test IdP with the given clients. */
export async function startTestIdp(clients: TestIdpClient[], options: { acrValues?: string[] } = {}): Promise<TestIdp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestIdpAccount>();
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...signingKey, kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // acr and amr with the openid scope, so every ID token carries them (as Keycloak's does).
    claims: { acr: null, amr: null, auth_time: null, iss: null, sid: null, openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'] },
    acrValues: options.acrValues ?? [],
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: account.sub, ...(account.email ? { email: account.email, email_verified: account.emailVerified ?? false } : {}) }),
      };
    },
    // Consent for a first-party client: the requested scopes are granted without a page.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params!.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
  });

  const idp: TestIdp = {
    issuer,
    accounts,
    nextSignIn: { error: 'access_denied' },
    requests: [],
    async authorize(url) {
      const jar = new Map<string, string>();
      let next = new URL(url);
      for (let hops = 0; next.origin === issuer; hops++) {
        if (hops > 10) throw new Error('too many redirects at the test IdP');
        const response = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const cookie of response.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const [name, value] = pair!.split('=') as [string, string];
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
          else jar.set(name, value);
        }
        const location = response.headers.get('location');
        if (!location) throw new Error(`the test IdP answered ${response.status} without a redirect: ${(await response.text()).slice(0, 300)}`);
        next = new URL(location, next);
      }
      return next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  /** The login step: signs in the account of `nextSignIn`, or answers with its error. */
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const acrValues = typeof details.params.acr_values === 'string' ? details.params.acr_values.split(' ') : [];
    idp.requests.push({ scope: String(details.params.scope ?? ''), acrValues });
    const signIn = idp.nextSignIn;
    if ('error' in signIn) {
      await provider.interactionFinished(req, res, { error: signIn.error, error_description: 'The person cancelled the sign-in' }, { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
    const acr = signIn.acr === 'requested' ? acrValues[0] : signIn.acr;
    await provider.interactionFinished(req, res, { login: { accountId: signIn.accountId, amr: signIn.amr, acr } }, { mergeWithLastSubmission: false });
  }

  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: Error) => {
        res.statusCode = 500;
        res.end(error.message);
      });
    } else {
      handle(req, res);
    }
  });
  return idp;
}
