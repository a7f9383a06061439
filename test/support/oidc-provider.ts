// A real OpenID Connect provider for tests: npm's oidc-provider on loopback, behind a small proxy that can tamper
// with the ID tokens its token endpoint answers (re-signed with the provider's own key, so only the tampered
// claim is wrong). Users sign in through its development login and consent forms, driven by fetch with a cookie jar.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import Provider from 'oidc-provider';

export interface TestAccount {
  email: string;
  emailVerified?: boolean;
  name?: string;
  roles?: string[];
  groups?: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Changes the next ID tokens' claims (null: leave them). */
  tamper: ((claims: jose.JWTPayload) => jose.JWTPayload) | null;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startOidcProvider(
  redirectUris: string[],
  postLogoutUris: string[],
): Promise<TestOidcProvider> {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'test', alg: 'RS256', use: 'sig' };
  const proxy = http.createServer();
  const proxyPort = await listen(proxy);
  const issuer = `http://127.0.0.1:${proxyPort}`;
  const accounts = new Map<string, TestAccount>();
  const state: TestOidcProvider = {
    issuer,
    clientId: 'opsdesk',
    clientSecret: 'a-test-client-secret-of-some-length',
    accounts,
    tamper: null,
    close: async () => {
      await new Promise((r) => proxy.close(r));
      await new Promise((r) => inner.close(r));
    },
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutUris,
      },
    ],
    jwks: { keys: [jwk] },
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups', 'roles'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    cookies: { keys: ['test-cookie-key'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    findAccount: async (_ctx, id) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: a.email,
          email_verified: a.emailVerified ?? true,
          name: a.name ?? id,
          groups: a.groups ?? [],
          roles: a.roles ?? [],
        }),
      };
    },
  });
  provider.proxy = true;
  const inner = http.createServer(provider.callback());
  const innerPort = await listen(inner);
  // The proxy forwards every request as is; the token endpoint's ID token may be rewritten and re-signed.
  proxy.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const upstream = await fetch(`http://127.0.0.1:${innerPort}${req.url}`, {
        method: req.method,
        headers: {
          ...(Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length'),
          ) as Record<string, string>),
          'x-forwarded-host': `127.0.0.1:${proxyPort}`,
          'x-forwarded-proto': 'http',
        },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
        redirect: 'manual',
      });
      let body = Buffer.from(await upstream.arrayBuffer());
      if (req.url?.startsWith('/token') && state.tamper && upstream.ok) {
        const json = JSON.parse(body.toString('utf8')) as { id_token?: string };
        if (json.id_token) {
          const claims = state.tamper(jose.decodeJwt(json.id_token));
          json.id_token = await new jose.SignJWT(claims)
            .setProtectedHeader({ alg: 'RS256', kid: 'test' })
            .sign(privateKey);
          body = Buffer.from(JSON.stringify(json));
        }
      }
      const headers: Record<string, string | string[]> = {};
      upstream.headers.forEach((v, k) => {
        if (
          k !== 'set-cookie' &&
          k !== 'content-length' &&
          k !== 'content-encoding' &&
          k !== 'transfer-encoding'
        )
          headers[k] = v;
      });
      const cookies = upstream.headers.getSetCookie();
      if (cookies.length > 0) headers['set-cookie'] = cookies;
      res.writeHead(upstream.status, headers);
      res.end(body);
    });
  });
  return state;
}

/** A browser's cookie jar for one origin, enough for the provider's interaction cookies. */
export class CookieJar {
  private cookies = new Map<string, string>();
  take(response: Response): void {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Signs `accountId` in at the provider from its authorisation URL, through the login and consent forms, and
 * answers the URL the provider finally redirects the browser to (this service's callback).
 */
export async function signInAtProvider(authorizationUrl: string, accountId: string): Promise<string> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') ?? '', url).href;
      if (!next.startsWith(new URL(authorizationUrl).origin)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt)
      throw new Error(`unexpected provider page (${res.status}): ${html.slice(0, 300)}`);
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      form.set('login', accountId);
      form.set('password', 'any');
    }
    const posted = await fetch(new URL(action, url).href, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    jar.take(posted);
    url = new URL(posted.headers.get('location') ?? '', url).href;
  }
  throw new Error('the provider did not redirect back within 12 hops');
}
