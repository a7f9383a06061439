// Importing from an osTicket database export (a mysqldump file made in the test) on SQLite and PostgreSQL: staff,
// users, departments and tickets with their thread and files at their original times; a fresh dump of the same
// osTicket updates instead of duplicating; a stopped import continues; an unreadable or malformed file stops it
// naming the file, line and what was wrong.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { listAttachments, listComments } from '../../src/helpdesk/index.js';
import { ImportFailed, OsTicketSource, runImport } from '../../src/import/index.js';
import { parseInsertValues } from '../../src/import/osticket-source.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { type DumpTables, osTicketTables, writeDump } from '../support/osticket-dump.js';
import { pngBytes } from '../support/zammad-server.js';

async function count(t: TestContext, table: 'tickets' | 'comments' | 'attachments' | 'users' | 'groups') {
  return Number(
    (
      await t.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

async function ticketByRef(t: TestContext, ref: string) {
  return t.ctx.db.selectFrom('tickets').selectAll().where('external_ref', '=', ref).executeTakeFirstOrThrow();
}

describe('reading mysqldump values', () => {
  const fail = (what: string): never => {
    throw new Error(what);
  };
  it('reads strings with their escapes, numbers, NULL and hex blobs', () => {
    expect(
      parseInsertValues(
        `(1,'it\\'s a \\"test\\"\\nline\\\\','',NULL,-2.5,0x0A0B),(2,'x''y',_binary 'z',0x,3);`,
        fail,
      ),
    ).toEqual([
      [1, 'it\'s a "test"\nline\\', '', null, -2.5, Buffer.from([10, 11])],
      [2, "x'y", 'z', Buffer.alloc(0), 3],
    ]);
  });
  it('says where a row stops making sense', () => {
    expect(() => parseInsertValues("(1,'a' 'b')", fail)).toThrow('expected , or ) at column 8');
    expect(() => parseInsertValues("(1,'open", fail)).toThrow('a string is not closed');
  });
});

for (const dialect of dialects) {
  describe(`import from an osTicket dump (${dialect})`, () => {
    let t: TestContext;
    let admin: Actor;
    let dir: string;
    let tables: DumpTables;
    let file: string;

    beforeAll(async () => {
      t = await makeContext(dialect);
      admin = actorForUser(
        await createUser(t.ctx, null, { email: 'admin@opsdesk.example', name: 'Admin', role: 'admin' }),
      );
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-osticket-'));
      file = path.join(dir, 'osticket.sql');
      tables = osTicketTables();
      writeDump(file, tables);
    });

    afterAll(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await t.close();
    });

    const source = (perPage = 2) => new OsTicketSource({ file, perPage });

    it('a file that is not there, or not an osTicket dump, stops the import saying so', async () => {
      const missing = await runImport(
        t.ctx,
        new OsTicketSource({ file: path.join(dir, 'nope.sql') }),
        admin,
      ).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ImportFailed);
      expect((missing as Error).message).toBe(`cannot read ${path.join(dir, 'nope.sql')} (ENOENT)`);
      const other = path.join(dir, 'other.sql');
      fs.writeFileSync(other, 'INSERT INTO `wp_posts` (`ID`) VALUES (1);\n');
      const empty = await runImport(t.ctx, new OsTicketSource({ file: other }), admin).catch(
        (e: unknown) => e,
      );
      expect((empty as ImportFailed).reason).toBe('malformed');
      expect((empty as Error).message).toMatch(
        /has no INSERT INTO ost_ticket or ost_user: is it a mysqldump/,
      );
      fs.writeFileSync(other, "-- dump\nINSERT INTO `ost_user` VALUES (1,0,1,0,'Carl');\n");
      const bare = await runImport(t.ctx, new OsTicketSource({ file: other }), admin).catch(
        (e: unknown) => e,
      );
      expect((bare as Error).message).toBe(
        `${other} line 2: INSERT INTO ost_user names no columns: dump with --complete-insert`,
      );
      fs.writeFileSync(other, "INSERT INTO `ost_user` (`id`, `name`) VALUES (1,'Carl'),(2 'Dora');\n");
      const broken = await runImport(t.ctx, new OsTicketSource({ file: other }), admin).catch(
        (e: unknown) => e,
      );
      expect((broken as Error).message).toBe(`${other} line 1: expected , or ) at column 15`);
      expect(await count(t, 'tickets')).toBe(0);
    });

    it('a stopped import continues after the last whole page', async () => {
      const controller = new AbortController();
      const err = await runImport(t.ctx, source(), admin, {
        signal: controller.signal,
        progress: ({ resource }) => {
          if (resource === 'tickets') controller.abort();
        },
      }).catch((e: unknown) => e);
      expect((err as ImportFailed).reason).toBe('stopped');
      expect(await count(t, 'tickets')).toBe(2);
      const report = await runImport(t.ctx, source(), admin);
      // Five people (two staff, three users), two a page; two departments; tickets page 1 of 3.
      expect(report.resumedFrom).toEqual({ people: '3', groups: '1', tickets: '1' });
      expect(report.tickets).toEqual({ created: 3, updated: 0 });
    });

    it('brings tickets in with their number, subject, thread, note, file and original times', async () => {
      expect(await count(t, 'tickets')).toBe(5);
      // One response per ticket (the first message is the description) and a note on ticket 2.
      expect(await count(t, 'comments')).toBe(6);
      expect(await count(t, 'users')).toBe(1 + 5);
      expect(await count(t, 'groups')).toBe(2);

      const vpn = await ticketByRef(t, 'osticket 100002');
      expect(vpn.title).toBe('VPN drops every hour');
      expect(vpn.description).toBe('Hello,\nIt\'s broken & "stuck"\nsince 2.');
      expect(vpn.created_at).toBe(Date.parse('2024-03-02T09:00:00Z'));
      expect(vpn.status).toBe('assigned');
      expect([vpn.impact, vpn.urgency]).toEqual([4, 4]);
      const ada = await t.ctx.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'ada@desk.example')
        .executeTakeFirstOrThrow();
      expect(ada.role).toBe('technician');
      expect(vpn.assignee_id).toBe(ada.id);
      const comments = await listComments(t.ctx, admin, vpn.id);
      expect(comments.map((c) => [c.body, c.internal, c.createdAt])).toEqual([
        ['Looking into it.', false, Date.parse('2024-03-02T10:00:00Z')],
        ['Logs checked\nNothing in the logs yet.', true, Date.parse('2024-03-02T11:00:00Z')],
      ]);
      const files = await listAttachments(t.ctx, admin, vpn.id);
      expect(files.map((f) => [f.filename, f.contentType, f.sizeBytes, f.commentId])).toEqual([
        ['screenshot.png', 'image/png', pngBytes.length, null],
      ]);

      expect((await ticketByRef(t, 'osticket 100001')).status).toBe('new');
      const resolved = await ticketByRef(t, 'osticket 100003');
      expect([resolved.status, resolved.resolved_at, resolved.closed_at]).toEqual([
        'resolved',
        Date.parse('2024-03-03T13:00:00Z'),
        null,
      ]);
      const closed = await ticketByRef(t, 'osticket 100004');
      expect([closed.status, closed.closed_at]).toEqual(['closed', Date.parse('2024-03-04T13:00:00Z')]);
      const dora = await t.ctx.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'dora@acme.example')
        .executeTakeFirstOrThrow();
      expect([dora.name, dora.department, dora.role]).toEqual(["Dora O'Dunn", 'Acme Ltd', 'requester']);
      // No address there: a placeholder that cannot be mailed, still the requester of their ticket.
      const kiosk = await t.ctx.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'osticket-user-3@import.invalid')
        .executeTakeFirstOrThrow();
      expect((await ticketByRef(t, 'osticket 100004')).requester_id).toBe(kiosk.id);
    });

    it('a fresh dump of the same osTicket updates, duplicates nothing, and reports what it could not carry', async () => {
      tables.ticket__cdata[0].subject = 'Cannot print on floor 2';
      writeDump(file, tables);
      const report = await runImport(t.ctx, source(), admin);
      expect(report.tickets).toEqual({ created: 0, updated: 5 });
      expect(report.comments).toBe(0);
      expect(await count(t, 'tickets')).toBe(5);
      expect((await ticketByRef(t, 'osticket 100001')).title).toBe('Cannot print on floor 2');
      expect(report.notCarried).toEqual(
        expect.arrayContaining([
          'ticket 100005: status "On hold" has no equivalent here: imported as assigned',
          'ticket 100002: file "big.pdf" is kept outside the database (storage "F"): not in the dump',
        ]),
      );
    });
  });
}
