// The workspace's conveniences over HTTP, on SQLite and PostgreSQL: saved views belong to their owner, and a
// bulk change succeeds or fails per ticket, with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('saved views and bulk changes on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let other: Session;
  let requester: Session;

  beforeAll(async () => {
    t = await makeApp(dialect);
    tech = await userSession(t.app, t.ctx, 'technician');
    other = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(async () => t?.close());

  it('a saved view is listed and deleted only by its owner', async () => {
    const created = await tech.call('POST', '/api/v1/saved-views', {
      name: 'Mail',
      query: '?queue=open&tag=mail',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Mail', query: 'queue=open&tag=mail' });
    expect((await tech.call('GET', '/api/v1/saved-views')).body.items).toHaveLength(1);
    expect((await other.call('GET', '/api/v1/saved-views')).body.items).toEqual([]);
    expect((await other.call('DELETE', `/api/v1/saved-views/${created.body.id}`)).status).toBe(404);
    expect((await tech.call('POST', '/api/v1/saved-views', { name: '  ', query: 'a=1' })).status).toBe(400);
    expect((await tech.call('DELETE', `/api/v1/saved-views/${created.body.id}`)).status).toBe(204);
    expect((await tech.call('GET', '/api/v1/saved-views')).body.items).toEqual([]);
  });

  it('the inventory list keeps its own views (scope assets), apart from the queue’s', async () => {
    const queue = await tech.call('POST', '/api/v1/saved-views', { name: 'Open mail', query: 'tag=mail' });
    const assets = await tech.call('POST', '/api/v1/saved-views', {
      scope: 'assets',
      name: 'Laptops in repair',
      query: 'type=computer&status=in_repair',
    });
    expect(assets.status).toBe(201);
    expect(assets.body).toMatchObject({ scope: 'assets', name: 'Laptops in repair' });
    expect(queue.body.scope).toBe('tickets');
    const names = async (url: string) =>
      ((await tech.call('GET', url)).body.items as { name: string }[]).map((v) => v.name);
    expect(await names('/api/v1/saved-views')).toEqual(['Open mail']);
    expect(await names('/api/v1/saved-views?scope=tickets')).toEqual(['Open mail']);
    expect(await names('/api/v1/saved-views?scope=assets')).toEqual(['Laptops in repair']);
    expect((await tech.call('GET', '/api/v1/saved-views?scope=problems')).status).toBe(400);
    expect((await other.call('DELETE', `/api/v1/saved-views/${assets.body.id}`)).status).toBe(404);
    expect((await tech.call('DELETE', `/api/v1/saved-views/${assets.body.id}`)).status).toBe(204);
    expect((await tech.call('DELETE', `/api/v1/saved-views/${queue.body.id}`)).status).toBe(204);
  });

  it('a bulk change applies to each ticket on its own and reports every refusal', async () => {
    const a = (await requester.call('POST', '/api/v1/tickets', { title: 'A', description: '' })).body.id;
    const b = (await requester.call('POST', '/api/v1/tickets', { title: 'B', description: '' })).body.id;
    const r = await tech.call('POST', '/api/v1/tickets/bulk', {
      ids: [a, b, 999_999],
      changes: { assigneeId: tech.userId, priority: 'high' },
    });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      expect.objectContaining({
        id: a,
        ok: true,
        ticket: expect.objectContaining({ assigneeId: tech.userId, priority: 'high', status: 'assigned' }),
      }),
      expect.objectContaining({ id: b, ok: true }),
      { id: 999_999, ok: false, error: expect.objectContaining({ status: 404, code: 'ticket_not_found' }) },
    ]);
    const closed = await tech.call('POST', '/api/v1/tickets/bulk', {
      ids: [a],
      changes: { status: 'closed' },
    });
    expect(closed.body.results[0]).toMatchObject({
      ok: false,
      error: { status: 409, code: 'transition_not_allowed' },
    });
    const refused = await requester.call('POST', '/api/v1/tickets/bulk', {
      ids: [a],
      changes: { priority: 'low' },
    });
    expect(refused.body.results[0]).toMatchObject({ ok: false, error: { status: 403 } });
    expect(
      (await tech.call('POST', '/api/v1/tickets/bulk', { ids: [a], changes: { title: 'x' } })).status,
    ).toBe(400);
  });
});
