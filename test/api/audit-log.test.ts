// The audit log over HTTP on both databases: sign-ins (and failures), admin changes, API tokens and role
// changes appear; filters and paging; the CSV export; the retention sweep; who may read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, sweepAuditRetention } from '../../src/core/audit.js';
import { createUser } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn, userSession } from '../support/http.js';

describe.each(dialects)('the audit log on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let requester: Session;
  let targetId: number;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_AUDIT_RETENTION: 'P30D' });
    await createUser(t.ctx, null, {
      email: 'boss@example.test',
      name: 'Boss',
      role: 'admin',
      password: 'password-boss',
    });
    admin = await signIn(t.app, 'boss@example.test', 'password-boss');
    manager = await userSession(t.app, t.ctx, 'manager');
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    targetId = tech.userId;
  });
  afterAll(async () => t?.close());

  it('records sign-ins and failed sign-ins, without the password', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'boss@example.test', password: 'wrong-password' },
    });
    expect(bad.statusCode).toBe(401);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.test', password: 'whatever-1' },
    });
    const ok = await admin.call('GET', '/api/v1/audit-log?action=auth.');
    expect(ok.status).toBe(200);
    const items = ok.body.items as Array<Record<string, any>>;
    const success = items.find((i) => i.action === 'auth.sign_in' && i.subjectId === String(admin.userId));
    expect(success).toMatchObject({ actorId: admin.userId, actorName: 'Boss', subjectType: 'user' });
    const failed = items.filter((i) => i.action === 'auth.sign_in_failed');
    expect(failed.map((f) => f.details.reason).sort()).toEqual(['unknown_email', 'wrong_password']);
    expect(failed.find((f) => f.subjectType === 'email')?.subjectId).toBe('nobody@example.test');
    expect(failed.every((f) => f.actorId === null)).toBe(true);
    expect(JSON.stringify(items)).not.toContain('wrong-password');
  });

  it('records admin changes, role changes and API tokens, found by actor, action, subject and time', async () => {
    t.clock.advance(60_000);
    const from = new Date(t.clock.now()).toISOString();
    expect((await admin.call('PATCH', `/api/v1/users/${targetId}`, { role: 'manager' })).status).toBe(200);
    const token = await admin.call('POST', '/api/v1/tokens', { name: 'ci' });
    expect(token.status).toBe(201);
    expect((await admin.call('DELETE', `/api/v1/tokens/${token.body.id}`)).status).toBe(204);
    const group = await admin.call('POST', '/api/v1/groups', { name: 'Network' });
    expect(group.status).toBe(201);

    const roles = await admin.call(
      'GET',
      `/api/v1/audit-log?action=user.role_changed&subjectType=user&subjectId=${targetId}`,
    );
    expect(roles.body.items).toHaveLength(1);
    expect(roles.body.items[0]).toMatchObject({
      actorId: admin.userId,
      details: { from: 'technician', to: 'manager' },
    });
    const tokens = await admin.call('GET', '/api/v1/audit-log?action=api_token.');
    expect(tokens.body.items.map((i: { action: string }) => i.action)).toEqual([
      'api_token.revoked',
      'api_token.created',
    ]);
    const byActor = await admin.call(
      'GET',
      `/api/v1/audit-log?actorId=${admin.userId}&from=${encodeURIComponent(from)}`,
    );
    expect(byActor.body.items.map((i: { action: string }) => i.action)).toEqual([
      'group.created',
      'api_token.revoked',
      'api_token.created',
      'user.role_changed',
      'user.updated',
    ]);
    const before = await admin.call('GET', `/api/v1/audit-log?to=${encodeURIComponent(from)}&action=group.`);
    expect(before.body.items).toHaveLength(0);
    // A prefix is exact: `_` is no wildcard and case matters.
    expect((await admin.call('GET', '/api/v1/audit-log?action=user_')).body.items).toHaveLength(0);
    expect((await admin.call('GET', '/api/v1/audit-log?action=USER.')).body.items).toHaveLength(0);
    expect((await admin.call('GET', '/api/v1/audit-log?from=yesterday')).status).toBe(400);
  });

  it('pages newest first with an opaque cursor, every row once', async () => {
    const all = await admin.call('GET', '/api/v1/audit-log?limit=200');
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await admin.call(
        'GET',
        `/api/v1/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(all.body.items.map((i: { id: number }) => i.id));
    expect(ids.length).toBeGreaterThan(6);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect((await admin.call('GET', '/api/v1/audit-log?cursor=bm9wZQ')).status).toBe(400);
  });

  it('exports the same selection as CSV', async () => {
    const res = await admin.call('GET', '/api/v1/audit-log/export.csv?action=api_token.');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/csv');
    const lines = (res.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('ID,Time,Actor ID,Actor,Action,Subject type,Subject ID,Details');
    expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual(['api_token.revoked', 'api_token.created']);
  });

  it('managers and admins read it; technicians and requesters may not', async () => {
    expect((await manager.call('GET', '/api/v1/audit-log')).status).toBe(200);
    expect((await requester.call('GET', '/api/v1/audit-log')).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/audit-log/export.csv')).status).toBe(403);
    const other = await userSession(t.app, t.ctx, 'technician');
    expect((await other.call('GET', '/api/v1/audit-log')).status).toBe(403);
  });

  it('the retention sweep deletes rows older than the retention, in batches, and only those', async () => {
    const now = t.clock.now();
    const old = now - 31 * 86_400_000;
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      actor_id: null,
      at: old - i,
      action: 'test.old',
      subject_type: 'test',
      subject_id: String(i),
      details: '{}',
    }));
    for (let i = 0; i < rows.length; i += 1000)
      await t.ctx.db
        .insertInto('audit_log')
        .values(rows.slice(i, i + 1000))
        .execute();
    await recordAudit(t.ctx.db, {
      actorId: null,
      at: now - 29 * 86_400_000,
      action: 'test.recent',
      subjectType: 'test',
      subjectId: 'r',
    });
    const deleted = await sweepAuditRetention(t.ctx);
    expect(deleted).toBe(12_000);
    expect((await admin.call('GET', '/api/v1/audit-log?action=test.old')).body.items).toHaveLength(0);
    expect((await admin.call('GET', '/api/v1/audit-log?action=test.recent')).body.items).toHaveLength(1);
    expect(
      (await admin.call('GET', '/api/v1/audit-log?action=auth.sign_in')).body.items.length,
    ).toBeGreaterThan(0);
    // Two sweeps at once (two instances) delete each row once and fail neither.
    await t.ctx.db.insertInto('audit_log').values(rows.slice(0, 1000)).execute();
    const [a, b] = await Promise.all([sweepAuditRetention(t.ctx), sweepAuditRetention(t.ctx)]);
    expect(a + b).toBe(1000);
  });
});
