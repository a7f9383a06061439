// The knowledge base over HTTP on both databases: writing and publishing articles, versions with authors,
// the diff and restore, search (stemming, phrases, filters, snippets) within the reader's audience,
// suggestions and "this solved my problem", ticket links, a resolved ticket's draft, and gaps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('knowledge base on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let vpnId: number;
  let internalId: number;

  const publish = async (body: Record<string, unknown>) => {
    const r = await manager.call('POST', '/api/v1/articles', { status: 'published', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    const cat = await manager.call('POST', '/api/v1/knowledge/categories', { name: 'Network and VPN' });
    expect(cat.status).toBe(201);
    vpnId = (
      await publish({
        title: 'VPN keeps disconnecting',
        body: '# VPN drops\n\nIf the VPN client disconnects every few minutes, switch the protocol to **IKEv2** and turn off Wi-Fi power saving.\n\n## Still dropping?\n\nReinstall the client.',
        kind: 'faq',
        audience: 'public',
        categoryId: cat.body.id,
        tags: ['vpn', 'network'],
      })
    ).id;
    await publish({
      title: 'Reset your password',
      body: 'Open the self-service portal and choose **Forgot password**. The reset link is valid for one hour.',
      kind: 'faq',
      audience: 'public',
      tags: ['password'],
    });
    await publish({
      title: 'Printer shows offline',
      body: 'Check that the printer is on the office network, then remove and add it again.',
      kind: 'guide',
      audience: 'public',
      tags: ['printer'],
    });
    internalId = (
      await publish({
        title: 'VPN concentrator failover runbook',
        body: 'When the primary VPN concentrator fails, promote the standby: `vpnctl promote standby`.',
        kind: 'runbook',
        audience: 'internal',
        tags: ['vpn'],
      })
    ).id;
  });
  afterAll(() => t?.close());

  it('a requester finds the public VPN FAQ by a stemmed word and never the internal runbook', async () => {
    const r = await requester.call('GET', '/api/v1/articles?q=disconnected');
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { id: number }) => i.id)).toEqual([vpnId]);
    const vpn = await requester.call('GET', '/api/v1/articles?q=vpn');
    expect(vpn.body.items.map((i: { id: number }) => i.id)).toEqual([vpnId]);
    const staff = await technician.call('GET', '/api/v1/articles?q=vpn');
    expect(staff.body.items.map((i: { id: number }) => i.id).sort()).toEqual([vpnId, internalId].sort());
    expect((await requester.call('GET', `/api/v1/articles/${internalId}`)).status).toBe(404);
  });

  it('a search marks its matches in a snippet, and a phrase must match in order', async () => {
    const r = await technician.call('GET', '/api/v1/articles?q=power%20saving');
    const hit = r.body.items.find((i: { id: number }) => i.id === vpnId);
    expect(
      hit.snippet.filter((p: { hit: boolean }) => p.hit).map((p: { text: string }) => p.text.toLowerCase()),
    ).toEqual(['power', 'saving']);
    const inOrder = await technician.call(
      'GET',
      `/api/v1/articles?q=${encodeURIComponent('"power saving"')}`,
    );
    expect(inOrder.body.items.map((i: { id: number }) => i.id)).toEqual([vpnId]);
    const reversed = await technician.call(
      'GET',
      `/api/v1/articles?q=${encodeURIComponent('"saving power"')}`,
    );
    expect(reversed.body.items).toEqual([]);
  });

  it('filters by kind and audience', async () => {
    const runbooks = await technician.call('GET', '/api/v1/articles?q=vpn&kind=runbook');
    expect(runbooks.body.items.map((i: { id: number }) => i.id)).toEqual([internalId]);
    const internal = await requester.call('GET', '/api/v1/articles?audience=internal');
    expect(internal.body.items).toEqual([]);
  });

  it('suggests the VPN FAQ first for "vpn keeps disconnecting", and counts the deflection', async () => {
    const text = 'vpn keeps disconnecting';
    const s = await requester.call('GET', `/api/v1/articles/suggest?text=${encodeURIComponent(text)}`);
    expect(s.status).toBe(200);
    expect(s.body.items[0].id).toBe(vpnId);
    expect(s.body.items.map((i: { id: number }) => i.id)).not.toContain(internalId);
    const d = await requester.call('POST', `/api/v1/articles/${vpnId}/deflections`, { text });
    expect(d.status).toBe(201);
    expect(d.body.helpedCount).toBe(1);
    const report = await manager.call('GET', '/api/v1/knowledge/deflections');
    expect(report.body.deflected).toBe(1);
    expect(report.body.top[0]).toMatchObject({ id: vpnId, deflected: 1 });
    expect((await requester.call('GET', '/api/v1/knowledge/deflections')).status).toBe(403);
    expect(
      (await requester.call('POST', `/api/v1/articles/${internalId}/deflections`, { text })).status,
    ).toBe(404);
  });

  it('keeps every version with its author, diffs two and restores one', async () => {
    const draft = await technician.call('POST', '/api/v1/articles', {
      title: 'Map a network drive',
      body: 'Open Explorer.\nChoose Map network drive.\n',
      kind: 'guide',
      audience: 'public',
    });
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');
    const id = draft.body.id;
    expect((await manager.call('GET', `/api/v1/articles/${id}`)).body.html).toContain(
      'Choose Map network drive.',
    );
    const edited = await manager.call('PATCH', `/api/v1/articles/${id}`, {
      baseVersion: 1,
      body: 'Open Explorer.\nChoose This PC, then Map network drive.\n',
      note: 'clearer',
    });
    expect(edited.body.version).toBe(2);
    // The reader gets the new version's HTML, not a rendering kept from the first.
    const read = await manager.call('GET', `/api/v1/articles/${id}`);
    expect(read.body.html).toContain('Choose This PC, then Map network drive.');
    const stale = await technician.call('PATCH', `/api/v1/articles/${id}`, { baseVersion: 1, title: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('article_edit_conflict');
    const versions = await technician.call('GET', `/api/v1/articles/${id}/versions`);
    expect(
      versions.body.items.map((v: { version: number; author: { id: number } }) => [v.version, v.author.id]),
    ).toEqual([
      [2, manager.userId],
      [1, technician.userId],
    ]);
    const diff = await technician.call('GET', `/api/v1/articles/${id}/diff?from=1&to=2`);
    expect(
      diff.body.body.filter((p: { op: string }) => p.op === 'remove').map((p: { text: string }) => p.text),
    ).toEqual(['Choose Map network drive.\n']);
    const restored = await technician.call('POST', `/api/v1/articles/${id}/versions/1/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ version: 3, body: 'Open Explorer.\nChoose Map network drive.\n' });
    const inVersions = await technician.call('GET', `/api/v1/articles/${id}/versions/search?q=this%20pc`);
    expect(inVersions.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    // A requester sees neither the draft nor its versions.
    expect((await requester.call('GET', `/api/v1/articles/${id}`)).status).toBe(404);
    expect((await requester.call('GET', `/api/v1/articles/${id}/versions`)).status).toBe(404);
  });

  it('moves through draft → in review → published, publishing being the manager’s', async () => {
    const a = await technician.call('POST', '/api/v1/articles', {
      title: 'Connect to the guest Wi-Fi',
      body: 'Choose the network opsdesk-guest.',
      kind: 'faq',
      audience: 'public',
    });
    const id = a.body.id;
    expect(
      (await technician.call('PUT', `/api/v1/articles/${id}/status`, { status: 'in_review' })).body.status,
    ).toBe('in_review');
    expect(
      (await technician.call('PUT', `/api/v1/articles/${id}/status`, { status: 'published' })).status,
    ).toBe(403);
    expect(
      (await manager.call('PUT', `/api/v1/articles/${id}/status`, { status: 'published' })).body.status,
    ).toBe('published');
    expect((await requester.call('GET', `/api/v1/articles/${id}`)).status).toBe(200);
    const archived = await manager.call('PUT', `/api/v1/articles/${id}/status`, { status: 'archived' });
    expect(archived.body.status).toBe('archived');
    expect((await requester.call('GET', `/api/v1/articles/${id}`)).status).toBe(404);
    const back = await manager.call('PUT', `/api/v1/articles/${id}/status`, { status: 'in_review' });
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('article_transition_not_allowed');
  });

  it('links articles to tickets, drafts one from a resolved ticket, and counts what it solved', async () => {
    const ticket = await requester.call('POST', '/api/v1/tickets', {
      title: 'VPN disconnects at home',
      description: 'It drops every five minutes.',
    });
    const tid = ticket.body.id;
    const sug = await technician.call('GET', `/api/v1/tickets/${tid}/article-suggestions`);
    expect(sug.body.items[0].id).toBe(vpnId);
    expect(
      (await technician.call('POST', `/api/v1/tickets/${tid}/articles`, { articleId: vpnId })).status,
    ).toBe(200);
    expect(
      (await requester.call('POST', `/api/v1/tickets/${tid}/articles`, { articleId: vpnId })).status,
    ).toBe(403);
    // The requester sees the public article linked, never an internal one.
    await technician.call('POST', `/api/v1/tickets/${tid}/articles`, { articleId: internalId });
    const seen = await requester.call('GET', `/api/v1/tickets/${tid}/articles`);
    expect(seen.body.items.map((i: { id: number }) => i.id)).toEqual([vpnId]);
    expect((await technician.call('POST', `/api/v1/tickets/${tid}/article-draft`)).status).toBe(409);
    await technician.call('POST', `/api/v1/tickets/${tid}/comments`, {
      body: 'Switched the client to IKEv2; stable since.',
      internal: false,
    });
    await technician.call('PATCH', `/api/v1/tickets/${tid}`, { status: 'resolved' });
    const draft = await technician.call('POST', `/api/v1/tickets/${tid}/article-draft`);
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', audience: 'internal', sourceTicketId: tid });
    expect(draft.body.body).toContain('Switched the client to IKEv2');
    const vpn = await requester.call('GET', `/api/v1/articles/${vpnId}`);
    expect(vpn.body.solvedCount).toBe(1);
  });

  it('lists a search that found nothing as a gap for the manager', async () => {
    await requester.call('GET', '/api/v1/articles?q=teleporter%20calibration');
    await requester.call('GET', '/api/v1/articles?q=Teleporter%20calibration');
    // Typed on from an earlier unanswered search: one gap, not one per pause.
    await requester.call('GET', '/api/v1/articles?q=hoverbo');
    await requester.call('GET', '/api/v1/articles?q=hoverboard%20char');
    await requester.call('GET', '/api/v1/articles?q=hoverboard%20charger');
    const gaps = await manager.call('GET', '/api/v1/knowledge/gaps');
    const hoverboard = gaps.body.items.filter((g: { query: string }) => g.query.startsWith('hoverbo'));
    expect(hoverboard.map((g: { query: string }) => g.query)).toEqual(['hoverboard charger']);
    expect(gaps.body.items).toContainEqual(
      expect.objectContaining({ query: 'teleporter calibration', searches: 2 }),
    );
    expect((await technician.call('GET', '/api/v1/knowledge/gaps')).status).toBe(403);
  });

  it('renaming a category without a description keeps the description', async () => {
    const c = await manager.call('POST', '/api/v1/knowledge/categories', {
      name: 'Printing',
      description: 'Printers, scanners and print queues',
    });
    const renamed = await manager.call('PUT', `/api/v1/knowledge/categories/${c.body.id}`, {
      name: 'Printing and scanning',
    });
    expect(renamed.body).toMatchObject({
      name: 'Printing and scanning',
      description: 'Printers, scanners and print queues',
    });
  });

  it('renders Markdown without letting script through', async () => {
    const r = await manager.call('POST', '/api/v1/articles/preview', {
      body: '<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>',
    });
    expect(r.status).toBe(200);
    expect(r.body.html).not.toMatch(/<script|<img[^>]*onerror|href="javascript/i);
  });
});
