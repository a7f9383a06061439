// Importing from GLPI against a local server that answers its legacy REST API in the shapes apirest.md gives, on
// SQLite and PostgreSQL: people, entities and groups, tickets with their followups, tasks, solutions and documents
// at their original times; a second run updates instead of duplicating; a stopped import continues where it
// stopped; a wrong token or a malformed answer stops it with a clear reason and leaves no ticket half written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { listAttachments, listComments, listHistory, listTickets } from '../../src/helpdesk/index.js';
import { GlpiSource, ImportFailed, runImport } from '../../src/import/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { type GlpiData, type GlpiServer, glpiFixture, startGlpi } from '../support/glpi-server.js';

async function counts(t: TestContext) {
  const count = async (table: 'tickets' | 'comments' | 'attachments' | 'users' | 'groups') =>
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

async function userByEmail(t: TestContext, email: string) {
  return t.ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
}

for (const dialect of dialects) {
  describe(`import from GLPI (${dialect})`, () => {
    let t: TestContext;
    let glpi: GlpiServer;
    let fixture: GlpiData;
    let admin: Actor;

    beforeAll(async () => {
      t = await makeContext(dialect);
      fixture = glpiFixture();
      glpi = await startGlpi(fixture);
      const user = await createUser(t.ctx, null, {
        email: 'admin@opsdesk.example',
        name: 'Admin',
        role: 'admin',
        password: 'correct horse battery',
      });
      admin = actorForUser(user);
    });

    afterAll(async () => {
      await glpi.close();
      await t.close();
    });

    const source = (perPage = 3) =>
      new GlpiSource({
        url: `${glpi.url}/apirest.php`,
        appToken: glpi.appToken,
        userToken: glpi.userToken,
        perPage,
      });

    it('a wrong user token or app token stops the import before anything is written, saying which', async () => {
      const before = await counts(t);
      const user = await runImport(
        t.ctx,
        new GlpiSource({ url: glpi.url, appToken: glpi.appToken, userToken: 'wrong' }),
        admin,
      ).catch((e: unknown) => e);
      expect(user).toBeInstanceOf(ImportFailed);
      expect((user as ImportFailed).reason).toBe('refused');
      expect((user as Error).message).toMatch(/refused the credentials \(HTTP 401\)/);
      const app = await runImport(
        t.ctx,
        new GlpiSource({ url: glpi.url, appToken: 'wrong', userToken: glpi.userToken }),
        admin,
      ).catch((e: unknown) => e);
      expect((app as ImportFailed).reason).toBe('refused');
      expect((app as Error).message).toBe(
        `${glpi.url} refused the app token (ERROR_WRONG_APP_TOKEN_PARAMETER: parameter app_token seems wrong): check --app-token`,
      );
      expect(await counts(t)).toEqual(before);
    });

    it('an address where nothing listens is unreachable', async () => {
      const err = await runImport(
        t.ctx,
        new GlpiSource({ url: 'http://127.0.0.1:9', userToken: 'x' }),
        admin,
      ).catch((e: unknown) => e);
      expect((err as ImportFailed).reason).toBe('unreachable');
      expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    });

    it('a stopped import continues after the last whole page, without duplicates, and closes its sessions', async () => {
      const controller = new AbortController();
      const err = await runImport(t.ctx, source(), admin, {
        signal: controller.signal,
        progress: ({ resource }) => {
          if (resource === 'tickets') controller.abort();
        },
      }).catch((e: unknown) => e);
      expect((err as ImportFailed).reason).toBe('stopped');
      // One page of three tickets is in, whole: each with its followups.
      expect((await counts(t)).tickets).toBe(3);
      const first = await ticketByRef(t, 'glpi 101');
      expect((await listComments(t.ctx, admin, first.id)).length).toBe(1);

      glpi.requests.length = 0;
      const report = await runImport(t.ctx, source(), admin);
      // People (7, three a page), entities and groups were read whole before the tickets began.
      expect(report.resumedFrom).toEqual({ people: '3', groups: 'group:1', tickets: '1' });
      expect(report.tickets).toEqual({ created: 4, updated: 0 });
      // The pages already written are not read again; the next ones are, by range.
      expect(glpi.requests).not.toContain('Ticket/101/ITILFollowup');
      expect(glpi.requests).toContain('Ticket/104/ITILFollowup');
      expect(glpi.sessions.killed).toBe(glpi.sessions.opened);
    });

    it('brings every ticket in with its number, original times, followups, tasks, solutions and documents', async () => {
      const c = await counts(t);
      expect(c.tickets).toBe(7);
      // One followup per ticket, a private one and a task on 102, solutions on 105 and 106.
      expect(c.comments).toBe(7 + 1 + 1 + 2);
      expect(c.users).toBe(1 + 7);
      // Two entities and one group.
      expect(c.groups).toBe(3);

      const vpn = await ticketByRef(t, 'glpi 102');
      expect(vpn.title).toBe('VPN drops every hour');
      expect(vpn.description).toBe('Hello,\nVPN drops every hour & more.');
      expect(vpn.created_at).toBe(Date.parse('2024-03-02T09:00:00Z'));
      expect(vpn.updated_at).toBe(Date.parse('2024-03-02T16:00:00Z'));
      expect(vpn.status).toBe('assigned');
      expect([vpn.urgency, vpn.impact]).toEqual([4, 3]);
      const tom = await userByEmail(t, 'tom@glpi.example');
      expect(tom.role).toBe('technician');
      expect(vpn.assignee_id).toBe(tom.id);
      const team = await t.ctx.db
        .selectFrom('groups')
        .selectAll()
        .where('name', '=', 'Network team')
        .executeTakeFirstOrThrow();
      expect(vpn.group_id).toBe(team.id);

      const comments = await listComments(t.ctx, admin, vpn.id);
      expect(comments.map((x) => [x.body, x.internal, x.createdAt])).toEqual([
        ['Looking into it.', false, Date.parse('2024-03-02T10:00:00Z')],
        ['Checked the logs; nothing yet.', true, Date.parse('2024-03-02T11:00:00Z')],
        ['Task (done, 1 h 30 min):\nReplace the VPN client.', true, Date.parse('2024-03-02T12:00:00Z')],
      ]);
      // The ticket's documents, its private followup's, and its PDF again on its task (one document, two places).
      const files = await listAttachments(t.ctx, admin, vpn.id);
      const bodyOf = new Map(comments.map((x) => [x.id, x.body]));
      expect(
        files
          .map((f) => [f.filename, f.contentType, f.commentId === null ? null : bodyOf.get(f.commentId)])
          .sort(),
      ).toEqual([
        ['followup-shot.png', 'image/png', 'Checked the logs; nothing yet.'],
        ['screenshot.png', 'image/png', null],
        ['vpn-log.pdf', 'application/pdf', null],
        ['vpn-log.pdf', 'application/pdf', 'Task (done, 1 h 30 min):\nReplace the VPN client.'],
      ]);
      // Its second requester and its observer follow it as watchers.
      const watchers = await t.ctx.db
        .selectFrom('ticket_watchers')
        .innerJoin('users', 'users.id', 'ticket_watchers.user_id')
        .select('users.email')
        .where('ticket_id', '=', vpn.id)
        .orderBy('users.email')
        .execute();
      expect(watchers.map((w) => w.email)).toEqual(['carl@acme.example', 'tina@glpi.example']);
      const history = await listHistory(t.ctx, admin, vpn.id);
      expect(history[0]).toMatchObject({ field: 'created', at: Date.parse('2024-03-02T09:00:00Z') });
      expect(history.find((h) => h.field === 'imported')?.to).toBe('glpi 102');

      const solved = await ticketByRef(t, 'glpi 105');
      expect(solved.status).toBe('resolved');
      expect(solved.resolved_at).toBe(Date.parse('2024-03-05T13:00:00Z'));
      expect(solved.closed_at).toBeNull();
      const closed = await ticketByRef(t, 'glpi 106');
      expect(closed.status).toBe('closed');
      expect(closed.resolved_at).toBe(Date.parse('2024-03-06T13:00:00Z'));
      expect(closed.closed_at).toBe(Date.parse('2024-03-06T15:00:00Z'));
      const solution = (await listComments(t.ctx, admin, closed.id)).at(-1);
      expect(solution).toMatchObject({ body: 'Solution (accepted):\nFixed it.', internal: false });
      const solutionFiles = await listAttachments(t.ctx, admin, closed.id);
      expect(solutionFiles.map((f) => [f.filename, f.commentId])).toEqual([['solution.pdf', solution?.id]]);
      expect((await ticketByRef(t, 'glpi 101')).status).toBe('new');
      expect((await ticketByRef(t, 'glpi 103')).status).toBe('in_progress');
      expect((await ticketByRef(t, 'glpi 104')).status).toBe('pending');
      expect((await ticketByRef(t, 'glpi 107')).status).toBe('in_progress');

      const tags = await t.ctx.db
        .selectFrom('ticket_tags')
        .select('tag')
        .where('ticket_id', '=', solved.id)
        .execute();
      expect(tags.map((r) => r.tag)).toEqual(['hardware/printers']);

      // The entity is the department; self-service users are requesters; no address, a placeholder.
      const carl = await userByEmail(t, 'carl@acme.example');
      expect(carl.department).toBe('Root entity > Acme');
      expect(carl.role).toBe('requester');
      expect((await ticketByRef(t, 'glpi 101')).requester_id).toBe(carl.id);
      const kiosk = await userByEmail(t, 'glpi-9@import.invalid');
      expect((await ticketByRef(t, 'glpi 104')).requester_id).toBe(kiosk.id);
      expect((await userByEmail(t, 'emil@acme.example')).name).toBe('Emil Ek');
    });

    it('finds an imported ticket by its original number in the ticket list', async () => {
      const page = await listTickets(t.ctx, admin, { q: '105', limit: 20 });
      expect(page.items.map((x) => x.title)).toContain('Printer on floor 2 jams');
    });

    it('a second run updates what changed there and duplicates nothing, and reports what it could not carry', async () => {
      const before = await counts(t);
      const monitor = fixture.Ticket.find((x) => x.id === 103);
      if (monitor) monitor.name = 'New monitor for Dora (27 inch)';
      // On 102, Emil now observes and Tina no longer does.
      const tina = fixture.Ticket_User.findIndex((a) => a.tickets_id === 102 && a.users_id === 5);
      fixture.Ticket_User.splice(tina, 1, { ...fixture.Ticket_User[tina], users_id: 10 });
      const report = await runImport(t.ctx, source(), admin);
      expect(await counts(t)).toEqual(before);
      expect(report.tickets).toEqual({ created: 0, updated: 7 });
      expect(report.comments).toBe(0);
      expect(report.attachments).toBe(0);
      // A new observer is added; one gone there stays a watcher here (removing is a person's decision here).
      const vpn = await ticketByRef(t, 'glpi 102');
      const watchers = await t.ctx.db
        .selectFrom('ticket_watchers')
        .innerJoin('users', 'users.id', 'ticket_watchers.user_id')
        .select('users.email')
        .where('ticket_id', '=', vpn.id)
        .orderBy('users.email')
        .execute();
      expect(watchers.map((w) => w.email)).toEqual([
        'carl@acme.example',
        'emil@acme.example',
        'tina@glpi.example',
      ]);
      const updated = await ticketByRef(t, 'glpi 103');
      expect(updated.title).toBe('New monitor for Dora (27 inch)');
      expect((await listHistory(t.ctx, admin, updated.id)).at(-1)).toMatchObject({
        field: 'title',
        from: 'New monitor for Dora',
        to: 'New monitor for Dora (27 inch)',
      });
      expect(report.notCarried).toEqual(
        expect.arrayContaining([
          'ticket 107: status 13 has no equivalent here: imported as in_progress',
          'ticket 105: priority 6 (major) has no equivalent here: the priority follows impact and urgency',
          'ticket 102: requester "walk-in@acme.example" (an e-mail address without a GLPI user) not carried',
          'ticket 102: observer group 1 not carried (watchers here are people)',
          expect.stringMatching(/^ticket 105: attachment "page\.html" not carried: Files of type text\/html/),
          expect.stringMatching(/^ITIL categories are carried as tags .*: 3 tickets$/),
          '2 tickets of type "request" were imported as incidents (the import files incidents only)',
        ]),
      );
    });

    it('a malformed answer stops the import naming the path, and leaves no ticket of that page written', async () => {
      const fresh = await makeContext(dialect);
      try {
        const root = actorForUser(
          await createUser(fresh.ctx, null, { email: 'root@opsdesk.example', name: 'Root', role: 'admin' }),
        );
        glpi.intercept = (path) =>
          path === 'Ticket/105/ITILFollowup' ? { body: '[{"id": "five", "content": "x"}]' } : undefined;
        const err = await runImport(fresh.ctx, source(), root).catch((e: unknown) => e);
        expect((err as ImportFailed).reason).toBe('malformed');
        expect((err as Error).message).toBe('/apirest.php/Ticket/105/ITILFollowup: id is not an id ("five")');
        // Page 1 (101–103) is whole; nothing of page 2 (104–106), though 104 was read well.
        const refs = await fresh.ctx.db.selectFrom('tickets').select('external_ref').orderBy('id').execute();
        expect(refs.map((r) => r.external_ref)).toEqual(['glpi 101', 'glpi 102', 'glpi 103']);

        glpi.intercept = (path) =>
          path === 'Ticket' ? { body: '[]', headers: { 'content-range': 'lots' } } : undefined;
        const range = await runImport(fresh.ctx, source(), root).catch((e: unknown) => e);
        expect((range as Error).message).toBe(
          '/apirest.php/Ticket range 3-5: Content-Range "lots" is not offset-limit/count',
        );

        glpi.intercept = (path) => (path === 'Ticket' ? { body: '[{"id": 1' } : undefined);
        const notJson = await runImport(fresh.ctx, source(), root).catch((e: unknown) => e);
        expect((notJson as Error).message).toBe(
          '/apirest.php/Ticket did not answer JSON (HTTP 200, 9 bytes)',
        );
        expect(glpi.sessions.killed).toBe(glpi.sessions.opened);
      } finally {
        glpi.intercept = null;
        await fresh.close();
      }
    }, 120_000);
  });
}
