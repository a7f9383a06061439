// Acknowledgements on both databases: a reader acknowledges the current version of a published policy that asks
// for it (idempotently); the manager sees who in the audience has and has not; a new version asks again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('policy acknowledgements on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let otherRequester: Session;

  const policy = async (body: Record<string, unknown> = {}) => {
    const r = await manager.call('POST', '/api/v1/articles', {
      title: `Acceptable use policy ${Math.random().toString(36).slice(2)}`,
      body: 'Company equipment is for company work.',
      kind: 'policy',
      audience: 'public',
      status: 'published',
      requiresAck: true,
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };
  const ids = (list: { userId: number }[]) => list.map((u) => u.userId);

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    otherRequester = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(() => t?.close());

  it('a reader acknowledges the current version once; asking again answers the first', async () => {
    const id = await policy();
    const before = await requester.call('GET', `/api/v1/articles/${id}/acknowledgement`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ required: true, version: 1, acknowledgedAt: null });
    const first = await requester.call('POST', `/api/v1/articles/${id}/acknowledgement`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ version: 1, acknowledgedAt: new Date(t.clock.now()).toISOString() });
    t.clock.advance(60_000);
    const again = await requester.call('POST', `/api/v1/articles/${id}/acknowledgement`);
    expect(again.body).toEqual(first.body);
    const own = await requester.call('GET', `/api/v1/articles/${id}/acknowledgement`);
    expect(own.body).toEqual({ required: true, ...first.body });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'article.acknowledged')
      .where('subject_id', '=', String(id))
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual([requester.userId]);
  });

  it('the manager sees who in the audience has and has not acknowledged; a new version asks everyone again', async () => {
    const id = await policy();
    await requester.call('POST', `/api/v1/articles/${id}/acknowledgement`);
    await technician.call('POST', `/api/v1/articles/${id}/acknowledgement`);
    const r = await manager.call('GET', `/api/v1/articles/${id}/acknowledgements`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.version).toBe(1);
    expect(ids(r.body.acknowledged).sort()).toEqual([requester.userId, technician.userId].sort());
    expect(ids(r.body.pending)).toEqual(expect.arrayContaining([otherRequester.userId, manager.userId]));
    expect(ids(r.body.pending)).not.toContain(requester.userId);
    const active = await t.ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('active', '=', 1)
      .executeTakeFirstOrThrow();
    expect(r.body.total.acknowledged).toBe(2);
    expect(r.body.total.acknowledged + r.body.total.pending).toBe(Number(active.n));

    // A page of one user at a time covers the same people, each once.
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        body: {
          acknowledged: { userId: number }[];
          pending: { userId: number }[];
          nextCursor: string | null;
        };
      } = await manager.call(
        'GET',
        `/api/v1/articles/${id}/acknowledgements?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...ids(page.body.acknowledged), ...ids(page.body.pending));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids(r.body.acknowledged), ...ids(r.body.pending)].sort());
    // The cursor is opaque: a bare id, or another list's cursor, is not one of this list's.
    for (const forged of [
      '3',
      Buffer.from(JSON.stringify({ k: [1700000000000, 3] })).toString('base64url'),
    ]) {
      const bad = await manager.call('GET', `/api/v1/articles/${id}/acknowledgements?cursor=${forged}`);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('invalid_cursor');
    }

    // A new version: everyone is asked again.
    const edited = await manager.call('PATCH', `/api/v1/articles/${id}`, {
      baseVersion: 1,
      body: 'Company equipment is for company work. No crypto mining.',
    });
    expect(edited.body.version).toBe(2);
    const own = await requester.call('GET', `/api/v1/articles/${id}/acknowledgement`);
    expect(own.body).toEqual({ required: true, version: 2, acknowledgedAt: null });
    const v2 = await manager.call('GET', `/api/v1/articles/${id}/acknowledgements`);
    expect(v2.body.version).toBe(2);
    expect(v2.body.acknowledged).toEqual([]);
    expect(ids(v2.body.pending)).toEqual(expect.arrayContaining([requester.userId, technician.userId]));
    const re = await requester.call('POST', `/api/v1/articles/${id}/acknowledgement`);
    expect(re.body.version).toBe(2);

    // Only managers and admins see the list.
    expect((await technician.call('GET', `/api/v1/articles/${id}/acknowledgements`)).status).toBe(403);
    expect((await requester.call('GET', `/api/v1/articles/${id}/acknowledgements`)).status).toBe(403);
  });

  it("an internal policy's audience is the staff; a requester cannot read it, so cannot acknowledge it", async () => {
    const id = await policy({ audience: 'internal' });
    expect((await requester.call('POST', `/api/v1/articles/${id}/acknowledgement`)).status).toBe(404);
    expect((await requester.call('GET', `/api/v1/articles/${id}/acknowledgement`)).status).toBe(404);
    const r = await manager.call('GET', `/api/v1/articles/${id}/acknowledgements`);
    const everyone = [...ids(r.body.acknowledged), ...ids(r.body.pending)];
    expect(everyone).toEqual(expect.arrayContaining([technician.userId, manager.userId]));
    expect(everyone).not.toContain(requester.userId);
    expect(everyone).not.toContain(otherRequester.userId);
  });

  it('refuses an acknowledgement where none is asked: no requires_ack, or not published', async () => {
    const plain = await policy({ requiresAck: false });
    const r = await requester.call('POST', `/api/v1/articles/${plain}/acknowledgement`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('article_ack_not_required');
    expect((await requester.call('GET', `/api/v1/articles/${plain}/acknowledgement`)).body.required).toBe(
      false,
    );
    const draft = await policy({ status: 'draft' });
    expect((await technician.call('POST', `/api/v1/articles/${draft}/acknowledgement`)).status).toBe(409);
    expect((await requester.call('POST', `/api/v1/articles/${draft}/acknowledgement`)).status).toBe(404);
  });
});
