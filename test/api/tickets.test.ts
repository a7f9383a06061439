// Ticket rules over HTTP on both databases: states and transitions, assignment, the priority matrix,
// tags and watchers, filters, deterministic cursor pagination, attachments.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser } from '../../src/core/auth/index.js';
import { createCategory } from '../../src/helpdesk/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

function multipart(
  filename: string,
  type: string,
  content: Buffer,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----opsdesk-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(dialects)('tickets on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let manager: Session;
  let admin: Session;
  let req: Session;
  let techId: number;
  let groupId: number;
  let categoryId: number;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_ATTACHMENT_MAX_BYTES: '2048' });
    const group = await createGroup(t.ctx, null, { name: 'Service Desk L1' });
    groupId = group.id;
    categoryId = (await createCategory(t.ctx, null, { name: 'Printer' })).id;
    techId = (
      await createUser(t.ctx, null, {
        email: 'tech@example.test',
        name: 'Tech',
        role: 'technician',
        password: 'password-tech',
        groupIds: [groupId],
      })
    ).id;
    await createUser(t.ctx, null, {
      email: 'mgr@example.test',
      name: 'Mgr',
      role: 'manager',
      password: 'password-mgr',
    });
    await createUser(t.ctx, null, {
      email: 'admin@example.test',
      name: 'Admin',
      role: 'admin',
      password: 'password-admin',
    });
    await createUser(t.ctx, null, {
      email: 'req@example.test',
      name: 'Req',
      role: 'requester',
      password: 'password-req',
    });
    tech = await signIn(t.app, 'tech@example.test', 'password-tech');
    manager = await signIn(t.app, 'mgr@example.test', 'password-mgr');
    admin = await signIn(t.app, 'admin@example.test', 'password-admin');
    req = await signIn(t.app, 'req@example.test', 'password-req');
  });
  afterAll(async () => t?.close());

  it('a category may be given by name; an unknown name is a 400 naming the field', async () => {
    const ok = await req.call('POST', '/api/v1/tickets', {
      title: 'Toner',
      description: 'empty',
      category: 'printer',
    });
    expect(ok.body.categoryId).toBe(categoryId);
    const bad = await req.call('POST', '/api/v1/tickets', {
      title: 'Toner',
      description: 'empty',
      category: 'Spaceship',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/category');
  });

  it('the priority follows the matrix, which an admin can change', async () => {
    const before = await req.call('POST', '/api/v1/tickets', {
      title: 'A',
      description: '',
      impact: 1,
      urgency: 5,
    });
    expect(before.body.priority).toBe('low');
    const matrix = [
      [5, 5, 5, 5, 5],
      [5, 5, 5, 5, 5],
      [5, 5, 5, 5, 5],
      [5, 5, 5, 5, 5],
      [5, 5, 5, 5, 5],
    ];
    expect((await manager.call('PUT', '/api/v1/settings/priority-matrix', { matrix })).status).toBe(403);
    expect((await admin.call('PUT', '/api/v1/settings/priority-matrix', { matrix: [[1]] })).status).toBe(400);
    expect((await admin.call('PUT', '/api/v1/settings/priority-matrix', { matrix })).status).toBe(200);
    const after = await req.call('POST', '/api/v1/tickets', {
      title: 'B',
      description: '',
      impact: 1,
      urgency: 5,
    });
    expect(after.body.priority).toBe('very_high');
    const reset = [
      [1, 1, 2, 2, 2],
      [1, 2, 2, 3, 3],
      [2, 2, 3, 4, 4],
      [2, 3, 4, 4, 5],
      [2, 3, 4, 5, 5],
    ];
    await admin.call('PUT', '/api/v1/settings/priority-matrix', { matrix: reset });
    const changed = await tech.call('PATCH', `/api/v1/tickets/${after.body.id}`, { urgency: 'very_low' });
    expect(changed.body.priority).toBe('very_low');
  });

  it('assigning a group moves a new ticket to assigned; removing every owner moves it back to new', async () => {
    const tk = (await req.call('POST', '/api/v1/tickets', { title: 'VPN', description: 'down' })).body;
    const g = await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { groupId });
    expect(g.body.status).toBe('assigned');
    const none = await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { groupId: null });
    expect(none.body.status).toBe('new');
    const noOwner = await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'in_progress' });
    expect(noOwner.status).toBe(409);
    const requesterAssignee = await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, {
      assigneeId: req.userId,
    });
    expect(requesterAssignee.status).toBe(400);
    expect(requesterAssignee.body.code).toBe('invalid_reference');
  });

  it('a requester can only reopen or close their resolved ticket, and their reply revives a pending one', async () => {
    const tk = (await req.call('POST', '/api/v1/tickets', { title: 'Email', description: 'bounce' })).body;
    expect((await req.call('PATCH', `/api/v1/tickets/${tk.id}`, { title: 'hacked' })).status).toBe(403);
    expect((await req.call('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'resolved' })).status).toBe(403);
    await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { assigneeId: techId, status: 'pending' });
    await req.call('POST', `/api/v1/tickets/${tk.id}/comments`, {
      body: 'Here is the screenshot you asked for',
    });
    expect((await tech.call('GET', `/api/v1/tickets/${tk.id}`)).body.status).toBe('in_progress');
    await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'resolved' });
    const reopened = await req.call('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'new' });
    expect(reopened.status).toBe(200);
    expect(reopened.body.status).toBe('in_progress');
    expect(reopened.body.resolvedAt).toBeNull();
    await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'resolved' });
    const closed = await req.call('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'closed' });
    expect(closed.body.status).toBe('closed');
    expect((await req.call('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'again' })).status).toBe(409);
  });

  it('tags and watchers replace their lists; a watching requester sees the ticket', async () => {
    const other = await createUser(t.ctx, null, {
      email: 'watcher@example.test',
      name: 'W',
      role: 'requester',
      password: 'password-watch',
    });
    const ws = await signIn(t.app, 'watcher@example.test', 'password-watch');
    const tk = (await req.call('POST', '/api/v1/tickets', { title: 'Laptop fan', description: 'loud' })).body;
    expect((await ws.call('GET', `/api/v1/tickets/${tk.id}`)).status).toBe(404);
    const r = await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, {
      tags: ['Hardware', 'noise', 'hardware'],
      watcherIds: [other.id],
    });
    expect(r.body.tags).toEqual(['hardware', 'noise']);
    expect(r.body.watcherIds).toEqual([other.id]);
    expect((await ws.call('GET', `/api/v1/tickets/${tk.id}`)).status).toBe(200);
    expect((await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { tags: ['bad tag!'] })).status).toBe(400);
    const byTag = await tech.call('GET', '/api/v1/tickets?tag=noise');
    expect(byTag.body.items.map((x: { id: number }) => x.id)).toEqual([tk.id]);
  });

  it('a watching requester may reply publicly but not write internal notes; staff watchers may', async () => {
    await createUser(t.ctx, null, {
      email: 'watcher2@example.test',
      name: 'W2',
      role: 'requester',
      password: 'password-watch2',
    });
    const ws = await signIn(t.app, 'watcher2@example.test', 'password-watch2');
    const tk = (await req.call('POST', '/api/v1/tickets', { title: 'Dock', description: 'flickers' })).body;
    const url = `/api/v1/tickets/${tk.id}/comments`;
    // Not yet a watcher: the ticket is not theirs to see.
    expect((await ws.call('POST', url, { body: 'me too' })).status).toBe(404);
    await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { watcherIds: [ws.userId, techId] });
    const reply = await ws.call('POST', url, { body: 'Same dock on my desk.' });
    expect(reply.status).toBe(201);
    expect(reply.body.internal).toBe(false);
    expect((await ws.call('POST', url, { body: 'psst', internal: true })).status).toBe(403);
    expect((await tech.call('POST', url, { body: 'staff note', internal: true })).status).toBe(201);
    // Everyone on the ticket reads the watcher's reply; the note stays with staff.
    const seen = await req.call('GET', url);
    expect(seen.body.items.map((c: { body: string }) => c.body)).toEqual(['Same dock on my desk.']);
    // A watcher's reply does not reopen or change the requester's ticket state.
    expect((await req.call('GET', `/api/v1/tickets/${tk.id}`)).body.status).toBe('new');
  });

  it('lists filter, sort deterministically and page with cursors without gaps or repeats', async () => {
    for (let i = 0; i < 23; i++) {
      t.clock.advance(1000);
      await req.call('POST', '/api/v1/tickets', {
        title: `Batch ${i}`,
        description: 'paging',
        impact: (i % 5) + 1,
        urgency: 3,
        tags: ['batch'],
      });
    }
    for (const sort of ['-created', 'created', 'priority', '-priority', 'updated', '-updated']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/tickets?tag=batch&limit=5&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await tech.call('GET', url);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((x: { id: number }) => x.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
      const full = await tech.call('GET', `/api/v1/tickets?tag=batch&limit=100&sort=${sort}`);
      expect(full.body.items.map((x: { id: number }) => x.id)).toEqual(seen);
    }
    const high = await tech.call('GET', '/api/v1/tickets?tag=batch&priority=high,very_high&limit=100');
    expect(
      high.body.items.every((x: { priority: string }) => ['high', 'very_high'].includes(x.priority)),
    ).toBe(true);
    expect(high.body.items.length).toBeGreaterThan(0);
    const openOnes = await tech.call('GET', '/api/v1/tickets?status=open&limit=200');
    expect(
      openOnes.body.items.every((x: { status: string }) =>
        ['new', 'assigned', 'in_progress', 'pending'].includes(x.status),
      ),
    ).toBe(true);
    const unassigned = await tech.call('GET', '/api/v1/tickets?assigneeId=none&groupId=none&limit=200');
    expect(
      unassigned.body.items.every(
        (x: { assigneeId: number | null; groupId: number | null }) =>
          x.assigneeId === null && x.groupId === null,
      ),
    ).toBe(true);
    const since = new Date(t.clock.now() - 4500).toISOString();
    const recent = await tech.call(
      'GET',
      `/api/v1/tickets?tag=batch&createdFrom=${encodeURIComponent(since)}&limit=100`,
    );
    expect(recent.body.items).toHaveLength(5);
    expect((await tech.call('GET', '/api/v1/tickets?cursor=bogus')).status).toBe(400);
    expect((await tech.call('GET', '/api/v1/tickets?status=sleeping')).status).toBe(400);
    expect((await tech.call('GET', '/api/v1/tickets?createdFrom=yesterday')).status).toBe(400);
  });

  it('"my groups" and "me" filters resolve to the signed-in technician', async () => {
    const tk = (await req.call('POST', '/api/v1/tickets', { title: 'Monitor', description: 'flicker' })).body;
    await tech.call('PATCH', `/api/v1/tickets/${tk.id}`, { groupId, assigneeId: techId });
    const mine = await tech.call('GET', '/api/v1/tickets?assigneeId=me&limit=200');
    expect(mine.body.items.map((x: { id: number }) => x.id)).toContain(tk.id);
    const groups = await tech.call('GET', '/api/v1/tickets?groupId=mine&limit=200');
    expect(groups.body.items.every((x: { groupId: number }) => x.groupId === groupId)).toBe(true);
    expect((await manager.call('GET', '/api/v1/tickets?groupId=mine')).body.items).toEqual([]);
  });

  it('search ranks a title match above a description match', async () => {
    const inDesc = (
      await req.call('POST', '/api/v1/tickets', {
        title: 'Something odd',
        description: 'the keyboard zorblax is sticky',
      })
    ).body;
    const inTitle = (
      await req.call('POST', '/api/v1/tickets', {
        title: 'Zorblax keyboard broken',
        description: 'keys stick',
      })
    ).body;
    const r = await tech.call('GET', '/api/v1/tickets?q=zorblax');
    expect(r.body.items.map((x: { id: number }) => x.id)).toEqual([inTitle.id, inDesc.id]);
    const prefix = await tech.call('GET', '/api/v1/tickets?q=zorbl');
    expect(prefix.body.items).toHaveLength(2);
    const edited = await tech.call('PATCH', `/api/v1/tickets/${inDesc.id}`, {
      description: 'nothing to see',
    });
    expect(edited.status).toBe(200);
    expect(
      (await tech.call('GET', '/api/v1/tickets?q=zorblax')).body.items.map((x: { id: number }) => x.id),
    ).toEqual([inTitle.id]);
    expect((await tech.call('GET', '/api/v1/tickets?q=%22%29%28*')).status).toBe(200);
  });

  it('attachments: checked types, size limit, download with safe headers, visibility', async () => {
    const tk = (
      await req.call('POST', '/api/v1/tickets', { title: 'Screenshot', description: 'see attached' })
    ).body;
    const up = async (s: Session, name: string, type: string, content: Buffer) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${tk.id}/attachments`,
        ...((m) => ({ payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${s.token}` } }))(
          multipart(name, type, content),
        ),
      });
    const ok = await up(req, '../../evil/screen.png', 'image/png', png);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      filename: 'screen.png',
      contentType: 'image/png',
      sizeBytes: png.length,
    });
    const html = await up(req, 'page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
    expect(html.statusCode).toBe(415);
    const fake = await up(req, 'fake.png', 'image/png', Buffer.from('<html>not a png</html>'));
    expect(fake.statusCode).toBe(415);
    expect(fake.json().code).toBe('attachment_type_refused');
    const big = await up(req, 'big.txt', 'text/plain', Buffer.alloc(5000, 'a'));
    expect(big.statusCode).toBe(413);
    const text = await up(tech, 'log.txt', 'text/plain', Buffer.from('error at line 3\n'));
    expect(text.statusCode).toBe(201);
    const list = await req.call('GET', `/api/v1/tickets/${tk.id}/attachments`);
    expect(list.body.items).toHaveLength(2);
    const dl = await t.app.inject({
      method: 'GET',
      url: ok.json().url,
      headers: { authorization: `Bearer ${req.token}` },
    });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(png)).toBe(true);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    const stranger = await createUser(t.ctx, null, {
      email: 'stranger@example.test',
      name: 'S',
      role: 'requester',
      password: 'password-strange',
    });
    const ss = await signIn(t.app, 'stranger@example.test', 'password-strange');
    expect(stranger.id).toBeGreaterThan(0);
    expect((await ss.call('GET', ok.json().url)).status).toBe(404);
    const history = await req.call('GET', `/api/v1/tickets/${tk.id}/history`);
    expect(
      history.body.items
        .filter((h: { field: string }) => h.field === 'attachment')
        .map((h: { to: string }) => h.to),
    ).toEqual(['screen.png', 'log.txt']);
    const json = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${tk.id}/attachments`,
      headers: { authorization: `Bearer ${req.token}` },
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(400);
  });

  it('a download whose stored file is gone is a 404; a disk read error is a logged 500, not a 404', async () => {
    const tk = (await req.call('POST', '/api/v1/tickets', { title: 'Logs', description: 'two' })).body;
    const upload = async (content: string) => {
      const m = multipart('app.log', 'text/plain', Buffer.from(content));
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${tk.id}/attachments`,
        payload: m.payload,
        headers: { ...m.headers, authorization: `Bearer ${req.token}` },
      });
      expect(res.statusCode).toBe(201);
      const a = res.json();
      return {
        url: a.url as string,
        file: path.join(t.dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256),
      };
    };
    const gone = await upload(`removed from disk ${dialect}`);
    fs.rmSync(gone.file);
    const missing = await req.call('GET', gone.url);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('attachment_not_found');
    const broken = await upload(`unreadable on disk ${dialect}`);
    // Where the file was, something that cannot be read as one: every read fails (EISDIR).
    fs.rmSync(broken.file);
    fs.mkdirSync(broken.file);
    const failed = await req.call('GET', broken.url);
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe('internal_error');
  });

  it('files are checked before the request is filed: a refused file files nothing; good files come with it', async () => {
    const upload = async (s: Session, name: string, type: string, content: Buffer) => {
      const m = multipart(name, type, content);
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        payload: m.payload,
        headers: { ...m.headers, authorization: `Bearer ${s.token}` },
      });
    };
    const mine = async () => (await req.call('GET', '/api/v1/tickets?limit=100')).body.items.length;
    const before = await mine();
    const good = await upload(req, 'screen.png', 'image/png', png);
    expect(good.statusCode).toBe(201);
    const refused = await upload(req, 'fake.png', 'image/png', Buffer.from('<html>not a png</html>'));
    expect(refused.statusCode).toBe(415);
    expect(refused.json().code).toBe('attachment_type_refused');
    // The portal stops at the refused file: no ticket exists.
    expect(await mine()).toBe(before);
    // Someone else's upload cannot be claimed, and a failed claim files nothing either.
    const techs = await upload(tech, 'tech.txt', 'text/plain', Buffer.from('tech only'));
    const stolen = await req.call('POST', '/api/v1/tickets', {
      title: 'With files',
      description: 'x',
      uploadIds: [good.json().id, techs.json().id],
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.code).toBe('invalid_reference');
    expect(await mine()).toBe(before);
    const filed = await req.call('POST', '/api/v1/tickets', {
      title: 'With files',
      description: 'x',
      uploadIds: [good.json().id],
    });
    expect(filed.status).toBe(201);
    const url = `/api/v1/tickets/${filed.body.id}`;
    const files = (await req.call('GET', `${url}/attachments`)).body.items;
    expect(files.map((f: { filename: string }) => f.filename)).toEqual(['screen.png']);
    // An upload becomes an attachment once.
    const again = await req.call('POST', '/api/v1/tickets', {
      title: 'Again',
      description: 'x',
      uploadIds: [good.json().id],
    });
    expect(again.status).toBe(400);

    // A reply with a file: the comment and its attachment together, or neither.
    const log = await upload(req, 'error.log', 'text/plain', Buffer.from('error 42 at boot\n'));
    const bad = await req.call('POST', `${url}/comments`, {
      body: 'log attached',
      uploadIds: [log.json().id, 999999],
    });
    expect(bad.status).toBe(400);
    expect((await req.call('GET', `${url}/comments`)).body.items).toHaveLength(0);
    const reply = await req.call('POST', `${url}/comments`, {
      body: 'log attached',
      uploadIds: [log.json().id],
    });
    expect(reply.status).toBe(201);
    const after = (await req.call('GET', `${url}/attachments`)).body.items;
    expect(
      after.map((f: { filename: string; commentId: number | null }) => [f.filename, f.commentId]),
    ).toEqual([
      ['screen.png', null],
      ['error.log', reply.body.id],
    ]);
  });
});
