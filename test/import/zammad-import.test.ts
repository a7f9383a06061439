// Importing from Zammad against a local server that answers in Zammad's documented shapes, on SQLite and
// PostgreSQL: the whole organisation comes in with its history and attachments at the original times; a second
// run updates instead of duplicating; a stopped import continues where it stopped; a wrong token or a malformed
// answer stops it with a clear reason and leaves no ticket half written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { listAttachments, listComments, listHistory, listTickets } from '../../src/helpdesk/index.js';
import { ImportFailed, runImport, ZammadSource } from '../../src/import/index.js';
import { dialects, makeApp, makeContext, type TestApp, type TestContext } from '../support/context.js';
import { signIn } from '../support/http.js';
import { startZammad, type ZammadServer, zammadFixture } from '../support/zammad-server.js';

async function counts(t: TestContext) {
  const count = async (
    table: 'tickets' | 'comments' | 'attachments' | 'users' | 'groups' | 'ticket_history',
  ) =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    tickets: await count('tickets'),
    comments: await count('comments'),
    attachments: await count('attachments'),
    users: await count('users'),
    groups: await count('groups'),
  };
}

async function ticketByRef(t: TestContext, ref: string) {
  return t.ctx.db.selectFrom('tickets').selectAll().where('external_ref', '=', ref).executeTakeFirstOrThrow();
}

for (const dialect of dialects) {
  describe(`import from Zammad (${dialect})`, () => {
    let t: TestApp;
    let zammad: ZammadServer;
    let fixture: ReturnType<typeof zammadFixture>;
    let admin: Actor;

    beforeAll(async () => {
      t = await makeApp(dialect);
      fixture = zammadFixture();
      zammad = await startZammad(fixture);
      const user = await createUser(t.ctx, null, {
        email: 'admin@opsdesk.example',
        name: 'Admin',
        role: 'admin',
        password: 'correct horse battery',
      });
      admin = actorForUser(user);
    });

    afterAll(async () => {
      await zammad.close();
      await t.close();
    });

    const source = (perPage = 3) => new ZammadSource({ url: zammad.url, token: zammad.token, perPage });

    it('a wrong token stops the import before anything is written, saying the token was refused', async () => {
      const before = await counts(t);
      const err = await runImport(t.ctx, new ZammadSource({ url: zammad.url, token: 'wrong' }), admin).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ImportFailed);
      expect((err as ImportFailed).reason).toBe('refused');
      expect((err as Error).message).toMatch(/refused the credentials \(HTTP 401\)/);
      expect(await counts(t)).toEqual(before);
    });

    it('an address where nothing listens is unreachable', async () => {
      const err = await runImport(
        t.ctx,
        new ZammadSource({ url: 'http://127.0.0.1:9', token: 'x' }),
        admin,
      ).catch((e: unknown) => e);
      expect((err as ImportFailed).reason).toBe('unreachable');
      expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    });

    it('a stopped import continues after the last whole page, without duplicates', async () => {
      const controller = new AbortController();
      const err = await runImport(t.ctx, source(), admin, {
        signal: controller.signal,
        progress: ({ resource }) => {
          if (resource === 'tickets') controller.abort();
        },
      }).catch((e: unknown) => e);
      expect((err as ImportFailed).reason).toBe('stopped');
      // One page of three tickets is in, whole: each with its comments.
      expect((await counts(t)).tickets).toBe(3);
      const first = await ticketByRef(t, 'zammad 31001');
      expect((await listComments(t.ctx, admin, first.id)).length).toBe(2);

      zammad.requests.length = 0;
      const report = await runImport(t.ctx, source(), admin);
      // People (9, three a page) and groups were read whole before the tickets began.
      expect(report.resumedFrom).toEqual({ people: '3', groups: '1', tickets: '1' });
      expect(report.tickets).toEqual({ created: 4, updated: 0 });
      // The pages already written are not read again.
      expect(zammad.requests).not.toContain('/api/v1/ticket_articles/by_ticket/1');
      expect(zammad.requests).toContain('/api/v1/ticket_articles/by_ticket/4');
    });

    it('brings every ticket in with its number, original times, comments, history and attachments', async () => {
      const c = await counts(t);
      expect(c.tickets).toBe(7);
      // Three articles per ticket, the first becoming the description; ticket 2 has a fourth.
      expect(c.comments).toBe(7 * 2 + 1);
      // Nine people there: the system user is nobody here; our admin was here before.
      expect(c.users).toBe(1 + 8);
      expect(c.groups).toBe(2);

      const vpn = await ticketByRef(t, 'zammad 31002');
      expect(vpn.title).toBe('VPN drops every hour');
      expect(vpn.description).toBe('Hello,\n\nVPN drops every hour & more.');
      expect(vpn.created_at).toBe(Date.parse('2024-03-02T09:00:00Z'));
      expect(vpn.updated_at).toBe(Date.parse('2024-03-02T14:00:00Z'));
      expect(vpn.status).toBe('in_progress');
      expect(vpn.priority).toBeGreaterThan((await ticketByRef(t, 'zammad 31003')).priority);
      const agent = await t.ctx.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'agent.one@desk.example')
        .executeTakeFirstOrThrow();
      expect(agent.role).toBe('technician');
      expect(vpn.assignee_id).toBe(agent.id);
      const tags = await t.ctx.db
        .selectFrom('ticket_tags')
        .select('tag')
        .where('ticket_id', '=', vpn.id)
        .execute();
      expect(tags.map((r) => r.tag).sort()).toEqual(['network', 'vpn']);

      const comments = await listComments(t.ctx, admin, vpn.id);
      expect(comments.map((x) => [x.body, x.internal, x.createdAt])).toEqual([
        ['Looking into it.', false, Date.parse('2024-03-02T10:00:00Z')],
        ['Checked the logs; nothing yet.', true, Date.parse('2024-03-02T11:00:00Z')],
        ['Here is the error:\n[image: screenshot.png]', false, Date.parse('2024-03-02T12:00:00Z')],
      ]);
      const files = await listAttachments(t.ctx, admin, vpn.id);
      expect(files.map((f) => [f.filename, f.contentType, f.commentId]).sort()).toEqual([
        ['screenshot.png', 'image/png', comments[2].id],
        ['vpn-log.pdf', 'application/pdf', comments[2].id],
      ]);

      const history = await listHistory(t.ctx, admin, vpn.id);
      expect(history[0]).toMatchObject({ field: 'created', at: Date.parse('2024-03-02T09:00:00Z') });
      expect(history.find((h) => h.field === 'imported')?.to).toBe('zammad 31002');
      expect(history.filter((h) => h.field === 'comment').map((h) => h.at)).toEqual([
        Date.parse('2024-03-02T10:00:00Z'),
        Date.parse('2024-03-02T12:00:00Z'),
      ]);

      const closed = await ticketByRef(t, 'zammad 31004');
      expect(closed.status).toBe('closed');
      expect(closed.closed_at).toBe(Date.parse('2024-03-04T13:00:00Z'));

      // The customer's organisation is their department; the one without an address got a placeholder.
      const carl = await t.ctx.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'carl@acme.example')
        .executeTakeFirstOrThrow();
      expect(carl.department).toBe('Acme Ltd');
      expect(carl.role).toBe('requester');
      expect((await ticketByRef(t, 'zammad 31006')).requester_id).not.toBe(admin.id);
    });

    it('finds an imported ticket by its original number in the ticket list', async () => {
      const page = await listTickets(t.ctx, admin, { q: '31005', limit: 20 });
      expect(page.items.map((x) => x.title)).toContain('VPN broken (duplicate)');
    });

    it('the ticket API shows the original number of an imported ticket, in the list and on the ticket', async () => {
      const api = await signIn(t.app, 'admin@opsdesk.example', 'correct horse battery');
      const vpn = await ticketByRef(t, 'zammad 31002');
      const one = await api.call('GET', `/api/v1/tickets/${vpn.id}`);
      expect(one.status).toBe(200);
      expect(one.body.externalRef).toBe('zammad 31002');
      const list = await api.call('GET', '/api/v1/tickets?q=31002');
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: { externalRef: string | null }) => x.externalRef)).toContain(
        'zammad 31002',
      );
      const mine = await api.call('POST', '/api/v1/tickets', {
        title: 'Filed here',
        description: 'not imported',
      });
      expect(mine.status).toBe(201);
      expect(mine.body.externalRef).toBeNull();
    });

    it('a second run updates what changed there and duplicates nothing, and reports what it could not carry', async () => {
      const before = await counts(t);
      fixture.titles.set(3, 'New monitor for Dora (27 inch)');
      const report = await runImport(t.ctx, source(), admin);
      expect(await counts(t)).toEqual(before);
      expect(report.tickets).toEqual({ created: 0, updated: 7 });
      expect(report.comments).toBe(0);
      expect(report.attachments).toBe(0);
      const monitor = await ticketByRef(t, 'zammad 31003');
      expect(monitor.title).toBe('New monitor for Dora (27 inch)');
      const history = await listHistory(t.ctx, admin, monitor.id);
      expect(history.at(-1)).toMatchObject({
        field: 'title',
        from: 'New monitor for Dora',
        to: 'New monitor for Dora (27 inch)',
      });
      expect(report.notCarried).toEqual(
        expect.arrayContaining([
          'ticket 31006: state "waiting for vendor" has no equivalent here: imported as in_progress',
          'ticket 31005: was merged in Zammad: imported as closed, without the merge link',
          expect.stringMatching(
            /^ticket 31004: attachment "page\.html" not carried: Files of type text\/html/,
          ),
        ]),
      );
    });

    it('a later run follows people and comments that changed there: names, departments, who is active, texts', async () => {
      const dora = fixture.users.find((u) => u.id === 6);
      const emil = fixture.users.find((u) => u.id === 8);
      if (!dora || !emil) throw new Error('fixture people missing');
      dora.lastname = 'Dunn-Smith';
      dora.organization_id = 1;
      emil.active = false;
      const [, reply, note] = fixture.articles(3);
      reply.body = 'Looking into it: a 27 inch monitor is on order.';
      note.internal = false;
      const before = await counts(t);

      const report = await runImport(t.ctx, source(), admin);
      expect(await counts(t)).toEqual(before);
      expect(report.people.created).toBe(0);
      expect(report.comments).toBe(0);
      const person = (email: string) =>
        t.ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
      expect(await person('dora@acme.example')).toMatchObject({
        name: 'Dora Dunn-Smith',
        department: 'Zammad Foundation',
        active: 1,
      });
      expect((await person('emil@acme.example')).active).toBe(0);

      const monitor = await ticketByRef(t, 'zammad 31003');
      const comments = await listComments(t.ctx, admin, monitor.id);
      expect(comments.map((c) => [c.body, c.internal])).toEqual([
        ['Looking into it: a 27 inch monitor is on order.', false],
        ['Checked the logs; nothing yet.', false],
      ]);
      // The new words are searchable, and the history says the comments changed.
      const found = await listTickets(t.ctx, admin, { q: 'order', limit: 20 });
      expect(found.items.map((x) => x.id)).toContain(monitor.id);
      const history = await listHistory(t.ctx, admin, monitor.id);
      expect(history.filter((h) => h.field === 'comment_updated').map((h) => h.to)).toEqual(
        comments.map((c) => String(c.id)),
      );

      // Active there again: active here again.
      emil.active = true;
      await runImport(t.ctx, source(), admin);
      expect((await person('emil@acme.example')).active).toBe(1);
    });

    it('a malformed answer stops the import naming the path, and leaves no ticket of that page written', async () => {
      const fresh = await makeContext(dialect);
      try {
        await createUser(fresh.ctx, null, { email: 'root@opsdesk.example', name: 'Root', role: 'admin' });
        const root = actorForUser(
          await fresh.ctx.db
            .selectFrom('users')
            .selectAll()
            .executeTakeFirstOrThrow()
            .then((u) => ({ ...u, groupIds: [] })),
        );
        zammad.intercept = (path) =>
          path === '/api/v1/ticket_articles/by_ticket/5' ? '[{"id": "five", "body": "x"}]' : undefined;
        const err = await runImport(fresh.ctx, source(), root).catch((e: unknown) => e);
        expect((err as ImportFailed).reason).toBe('malformed');
        expect((err as Error).message).toBe('/api/v1/ticket_articles/by_ticket/5: id is not an id ("five")');
        // Page 1 (tickets 1–3) is whole; nothing of page 2 (tickets 4–6), though 4 was read well.
        const refs = await fresh.ctx.db.selectFrom('tickets').select('external_ref').orderBy('id').execute();
        expect(refs.map((r) => r.external_ref)).toEqual(['zammad 31001', 'zammad 31002', 'zammad 31003']);
        const orphans = await fresh.ctx.db
          .selectFrom('comments')
          .select('id')
          .where('ticket_id', 'not in', fresh.ctx.db.selectFrom('tickets').select('id'))
          .execute();
        expect(orphans).toEqual([]);

        zammad.intercept = (path) => (path === '/api/v1/tickets' ? '{"tickets": ' : undefined);
        const notJson = await runImport(fresh.ctx, source(), root).catch((e: unknown) => e);
        expect((notJson as Error).message).toMatch(/^\/api\/v1\/tickets did not answer JSON/);
      } finally {
        zammad.intercept = null;
        await fresh.close();
      }
    });
  });
}
