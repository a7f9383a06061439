// Sign-in, sessions, CSRF, lockout and API tokens over HTTP, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, session, signIn } from '../support/http.js';

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
    const out = await s.call('POST', '/api/v1/auth/logout');
    expect(out.status).toBe(200);
    // A password session has no identity provider to sign out of.
    expect(out.body).toEqual({ endSessionUrl: null });
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

describe.each(dialects)('password changes on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  const publicUrl = 'https://desk.example.test';

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_PUBLIC_URL: publicUrl, OPSDESK_PASSWORD_RESET_TTL_MINUTES: '30' });
    await createUser(t.ctx, null, {
      email: 'root@example.test',
      name: 'Root',
      role: 'admin',
      password: 'root-password-1',
    });
    admin = await signIn(t.app, 'root@example.test', 'root-password-1');
  });
  afterAll(async () => t?.close());

  let counter = 0;
  async function person(password = 'first-password-1') {
    counter += 1;
    const email = `person${counter}@example.test`;
    const user = await createUser(t.ctx, null, {
      email,
      name: `Person ${counter}`,
      role: 'technician',
      password,
    });
    const s = await signIn(t.app, email, password);
    const token = (await s.call('POST', '/api/v1/tokens', { name: 'script' })).body.token as string;
    return { user, email, s, api: session(t.app, token, user.id) };
  }

  it("changing one's own password needs the current one", async () => {
    const p = await person();
    const none = await p.s.call('PATCH', `/api/v1/users/${p.user.id}`, { password: 'second-password-2' });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('current_password_required');
    const wrong = await p.s.call('PATCH', `/api/v1/users/${p.user.id}`, {
      password: 'second-password-2',
      currentPassword: 'not-the-password',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('wrong_current_password');
    const right = await p.s.call('PATCH', `/api/v1/users/${p.user.id}`, {
      password: 'second-password-2',
      currentPassword: 'first-password-1',
    });
    expect(right.status).toBe(200);
    await signIn(t.app, p.email, 'second-password-2');
  });

  it('a password change ends every session and revokes the API tokens, unless told to keep them', async () => {
    const p = await person();
    const other = await signIn(t.app, p.email, 'first-password-1');
    const changed = await p.s.call('PATCH', `/api/v1/users/${p.user.id}`, {
      password: 'second-password-2',
      currentPassword: 'first-password-1',
    });
    expect(changed.status).toBe(200);
    expect((await p.s.call('GET', '/api/v1/tickets')).status).toBe(401);
    expect((await other.call('GET', '/api/v1/tickets')).status).toBe(401);
    expect((await p.api.call('GET', '/api/v1/tickets')).status).toBe(401);

    const q = await person();
    const kept = await q.s.call('PATCH', `/api/v1/users/${q.user.id}`, {
      password: 'second-password-2',
      currentPassword: 'first-password-1',
      keepApiTokens: true,
    });
    expect(kept.status).toBe(200);
    expect((await q.s.call('GET', '/api/v1/tickets')).status).toBe(401);
    expect((await q.api.call('GET', '/api/v1/tickets')).status).toBe(200);
  });

  it('an API token alone can neither change the password nor mint more tokens', async () => {
    const p = await person();
    const change = await p.api.call('PATCH', `/api/v1/users/${p.user.id}`, {
      password: 'second-password-2',
      currentPassword: 'first-password-1',
    });
    expect(change.status).toBe(403);
    expect(change.body.code).toBe('session_required');
    const mint = await p.api.call('POST', '/api/v1/tokens', { name: 'another' });
    expect(mint.status).toBe(403);
    expect(mint.body.code).toBe('session_required');
    await signIn(t.app, p.email, 'first-password-1');
  });

  it("an admin's new password for someone ends their sessions and revokes their tokens", async () => {
    const p = await person();
    const set = await admin.call('PATCH', `/api/v1/users/${p.user.id}`, { password: 'admin-chosen-pw' });
    expect(set.status).toBe(200);
    expect((await p.s.call('GET', '/api/v1/tickets')).status).toBe(401);
    expect((await p.api.call('GET', '/api/v1/tickets')).status).toBe(401);
    await signIn(t.app, p.email, 'admin-chosen-pw');
  });

  it("an admin's reset mails a one-time link that sets a new password once, before it expires", async () => {
    const p = await person();
    const notAdmin = await p.s.call('POST', `/api/v1/users/${admin.userId}/password-reset`, {});
    expect(notAdmin.status).toBe(403);

    const reset = await admin.call('POST', `/api/v1/users/${p.user.id}/password-reset`, {});
    expect(reset.status).toBe(202);
    expect(Date.parse(reset.body.expiresAt)).toBe(t.clock.now() + 30 * 60_000);
    // The reset ends the account's sessions and tokens at once, and the old password no longer signs in.
    expect((await p.s.call('GET', '/api/v1/tickets')).status).toBe(401);
    expect((await p.api.call('GET', '/api/v1/tickets')).status).toBe(401);
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: p.email, password: 'first-password-1' },
    });
    expect(old.statusCode).toBe(401);

    // The link goes through the outbound mail queue, to the user, on OPSDESK_PUBLIC_URL.
    const mail = await t.ctx.db
      .selectFrom('mail_deliveries')
      .selectAll()
      .where('to_address', '=', p.email)
      .executeTakeFirstOrThrow();
    const link = /https:\/\/desk\.example\.test\/reset-password#(\S+)/.exec(mail.text_body);
    expect(link).not.toBeNull();
    const token = (link as RegExpExecArray)[1];
    expect(mail.html_body).toContain(`${publicUrl}/reset-password#${token}`);
    // Only a digest of the token is stored.
    const stored = await t.ctx.db.selectFrom('password_resets').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    // Two submissions at once: the link works for exactly one of them.
    const [one, other] = await Promise.all(
      ['brand-new-password', 'rival-new-password'].map((password) =>
        t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, password } }),
      ),
    );
    expect([one.statusCode, other.statusCode].sort()).toEqual([204, 400]);
    const winner = one.statusCode === 204 ? 'brand-new-password' : 'rival-new-password';
    await signIn(t.app, p.email, winner);

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token, password: 'yet-another-password' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('reset_link_used');

    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: 'opr_made-up', password: 'yet-another-password' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('reset_link_invalid');

    await admin.call('POST', `/api/v1/users/${p.user.id}/password-reset`, {});
    const second = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select('text_body')
      .where('to_address', '=', p.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token2 = (/reset-password#(\S+)/.exec(second.text_body) as RegExpExecArray)[1];
    t.clock.advance(30 * 60_000 + 1);
    const late = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: token2, password: 'too-late-password' },
    });
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('reset_link_expired');
  });
});
