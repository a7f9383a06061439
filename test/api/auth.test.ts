// Sign-in, sessions, CSRF, lockout and API tokens over HTTP, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { session, signIn } from '../support/http.js';

describe.each(dialects)('authentication on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_LOGIN_MAX_FAILURES: '3', OPSDESK_LOGIN_LOCKOUT_MINUTES: '15' });
    await createUser(t.ctx, null, {
      email: 'ann@example.test',
      name: 'Ann',
      role: 'technician',
      password: 'ann-password-1',
    });
    await createUser(t.ctx, null, {
      email: 'locked@example.test',
      name: 'Lock',
      role: 'requester',
      password: 'locked-password',
    });
  });
  afterAll(async () => t?.close());

  it('login sets an httpOnly SameSite cookie and returns a bearer token; passwords are stored as argon2id', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ANN@example.test ', password: 'ann-password-1' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/opsdesk_session=ods_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(res.json().user).not.toHaveProperty('passwordHash');
    const row = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'ann@example.test')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const stored = await t.ctx.db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.some((s) => s.token_hash === res.json().token)).toBe(false);
  });

  it('a cookie-authenticated write needs the CSRF token; a bearer write does not', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ann@example.test', password: 'ann-password-1' },
    });
    const { token, csrfToken } = login.json();
    const cookie = `opsdesk_session=${token}`;
    const body = { title: 'Cookie ticket', description: 'x' };
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { cookie },
      payload: body,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('csrf_token_missing');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { cookie, 'x-csrf-token': 'nope' },
      payload: body,
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: body,
    });
    expect(ok.statusCode).toBe(201);
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const sessionInfo = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie },
    });
    expect(sessionInfo.json().csrfToken).toBe(csrfToken);
  });

  it('wrong passwords are refused the same way for known and unknown emails', async () => {
    const a = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ann@example.test', password: 'wrong-password' },
    });
    const b = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.test', password: 'wrong-password' },
    });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().detail).toBe(b.json().detail);
  });

  it('an account locks after repeated failures and unlocks when the lockout ends', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'locked@example.test', password: 'bad-password' },
      });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'locked@example.test', password: 'locked-password' },
    });
    // Locked: the right password is refused as a wrong one is (see the enumeration test below).
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe('bad_credentials');
    t.clock.advance(15 * 60_000 + 1000);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'locked@example.test', password: 'locked-password' },
    });
    expect(again.statusCode).toBe(200);
  });

  it('parallel wrong passwords each count: N at once lock the account as N in a row would', async () => {
    await createUser(t.ctx, null, {
      email: 'rushed@example.test',
      name: 'Rushed',
      role: 'requester',
      password: 'rushed-password',
    });
    // 15 guesses at once, each from its own address so the per-address throttle does not interfere.
    const guesses = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: `10.77.0.${i + 1}`,
          payload: { email: 'rushed@example.test', password: `guess-number-${i}` },
        }),
      ),
    );
    expect(guesses.map((g) => g.statusCode)).toEqual(Array(15).fill(401));
    // The account is locked now: even the right password is refused.
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.77.1.1',
      payload: { email: 'rushed@example.test', password: 'rushed-password' },
    });
    expect(right.statusCode).toBe(401);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('locked_until')
      .where('email', '=', 'rushed@example.test')
      .executeTakeFirstOrThrow();
    expect(row.locked_until).toBeGreaterThan(t.clock.now());
  });

  it('a locked account answers exactly as an unknown one does (no account enumeration)', async () => {
    await createUser(t.ctx, null, {
      email: 'probed@example.test',
      name: 'Probed',
      role: 'requester',
      password: 'probed-password',
    });
    for (let i = 0; i < 3; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.78.0.1',
        payload: { email: 'probed@example.test', password: 'not-it-at-all' },
      });
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.78.0.2',
      payload: { email: 'probed@example.test', password: 'not-it-either' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.78.0.3',
      payload: { email: 'never-was@example.test', password: 'not-it-either' },
    });
    expect(locked.statusCode).toBe(unknown.statusCode);
    expect(locked.json().code).toBe(unknown.json().code);
    expect(locked.json().detail).toBe(unknown.json().detail);
    expect(locked.headers['retry-after']).toBe(unknown.headers['retry-after']);
  });

  it('sign-in attempts from one address are rate-limited', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.9.8.7',
        payload: { email: `x${i}@example.test`, password: 'whatever-pw' },
      });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 20).every((c) => c === 401)).toBe(true);
    expect(codes.slice(20).every((c) => c === 429)).toBe(true);
  });

  it('logout ends the session', async () => {
    const s = await signIn(t.app, 'ann@example.test', 'ann-password-1');
    expect((await s.call('GET', '/api/v1/tickets')).status).toBe(200);
    expect((await s.call('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await s.call('GET', '/api/v1/tickets')).status).toBe(401);
  });

  it('a session expires after its time to live', async () => {
    const s = await signIn(t.app, 'ann@example.test', 'ann-password-1');
    t.clock.advance(t.config.sessionTtlMs + 1);
    expect((await s.call('GET', '/api/v1/tickets')).status).toBe(401);
  });

  it('API tokens are shown once, stored hashed, work as bearer tokens and stop working when revoked', async () => {
    const s = await signIn(t.app, 'ann@example.test', 'ann-password-1');
    const created = await s.call('POST', '/api/v1/tokens', { name: 'monitoring script' });
    expect(created.status).toBe(201);
    const { token, id, prefix } = created.body;
    expect(token).toMatch(/^odt_/);
    expect(token.startsWith(prefix)).toBe(true);
    const listed = await s.call('GET', '/api/v1/tokens');
    expect(listed.body.items[0]).not.toHaveProperty('token');
    const rows = await t.ctx.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    const api = session(t.app, token, s.userId);
    expect((await api.call('GET', '/api/v1/tickets')).status).toBe(200);
    const cookieUse = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets',
      headers: { cookie: `opsdesk_session=${token}` },
    });
    expect(cookieUse.statusCode).toBe(401);
    expect((await s.call('DELETE', `/api/v1/tokens/${id}`)).status).toBe(204);
    expect((await api.call('GET', '/api/v1/tickets')).status).toBe(401);
  });

  it('a deactivated user is signed out everywhere', async () => {
    const admin = await createUser(t.ctx, null, {
      email: 'boss@example.test',
      name: 'Boss',
      role: 'admin',
      password: 'boss-password-1',
    });
    const bossSession = await signIn(t.app, 'boss@example.test', 'boss-password-1');
    const victim = await createUser(t.ctx, null, {
      email: 'leaver@example.test',
      name: 'Leaver',
      role: 'technician',
      password: 'leaver-pass-1',
    });
    const vs = await signIn(t.app, 'leaver@example.test', 'leaver-pass-1');
    const r = await bossSession.call('PATCH', `/api/v1/users/${victim.id}`, { active: false });
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect((await vs.call('GET', '/api/v1/tickets')).status).toBe(401);
    const relogin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'leaver@example.test', password: 'leaver-pass-1' },
    });
    expect(relogin.statusCode).toBe(401);
    expect(admin.role).toBe('admin');
  });
});
