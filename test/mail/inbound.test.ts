// Mail in, through the shared ingestion (the SMTP listener and the IMAP poller both call receiveMail), on
// SQLite and PostgreSQL: a new mail opens a ticket for its sender; a reply becomes a comment and never a
// second ticket, however it arrives; automated mail, loops and malformed MIME are refused with a reason.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { listAttachments, listComments } from '../../src/helpdesk/index.js';
import { processInbound, receiveMail } from '../../src/mail/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { pngBytes, rawMail, uniqueId } from './mails.js';

describe.each(dialects)('inbound mail on %s', (dialect) => {
  let t: TestContext;
  let adminId: number;
  const admin = () => systemActor(adminId);

  beforeAll(async () => {
    t = await makeContext(dialect, {
      OPSDESK_MAIL_SENDER_MAX_PER_HOUR: '8',
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
      OPSDESK_MAIL_AUTHSERV_IDS: 'imap.example.test',
    });
    adminId = (await createUser(t.ctx, null, { email: 'admin@example.test', name: 'Admin', role: 'admin' }))
      .id;
  });
  afterAll(async () => t?.close());

  it('a new mail from an unknown sender opens a ticket as that sender, a new requester', async () => {
    const out = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({
        from: 'Carol Example <carol@example.test>',
        subject: 'Laptop fan is loud',
        body: 'Very loud since Monday.',
      }),
    });
    expect(out).toMatchObject({ status: 'processed', reason: 'ticket_created' });
    const user = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'carol@example.test')
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ role: 'requester', name: 'Carol Example', password_hash: null });
    const ticket = await t.ctx.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', out.ticketId!)
      .executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ title: 'Laptop fan is loud', requester_id: user.id, created_by: user.id });
    expect(ticket.description).toContain('Very loud since Monday.');
  });

  it('a mail whose processing stopped after it filed its ticket is taken up again, not filed twice', async () => {
    // The attachments folder is a file for a moment: keeping the attachment fails after the ticket is in.
    const folder = path.join(t.config.dataDir, 'attachments');
    const away = `${folder}.away`;
    if (fs.existsSync(folder)) fs.renameSync(folder, away);
    fs.writeFileSync(folder, 'not a folder');
    const raw = rawMail({
      from: 'erin@example.test',
      subject: 'Scanner makes stripes',
      attachments: [{ filename: 'stripes.png', contentType: 'image/png', content: pngBytes }],
    });
    const first = await receiveMail(t.ctx, { source: 'smtp', raw });
    fs.rmSync(folder);
    if (fs.existsSync(away)) fs.renameSync(away, folder);
    expect(first).toMatchObject({ status: 'received', ticketId: null });
    const filed = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'Scanner makes stripes')
      .execute();
    expect(filed).toHaveLength(1);

    const again = await processInbound(t.ctx, first.inboundId);
    expect(again).toMatchObject({ status: 'processed', reason: 'ticket_created', ticketId: filed[0].id });
    const after = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'Scanner makes stripes')
      .execute();
    expect(after).toHaveLength(1);
    const files = await listAttachments(t.ctx, admin(), filed[0].id);
    expect(files.map((f) => f.filename)).toEqual(['stripes.png']);
    // Once more changes nothing.
    await processInbound(t.ctx, first.inboundId);
    expect(await listAttachments(t.ctx, admin(), filed[0].id)).toHaveLength(1);
  });

  it('the same Message-ID twice is one ticket, whichever path brings it', async () => {
    const raw = rawMail({ from: 'dave@example.test', subject: 'Monitor flickers' });
    const first = await receiveMail(t.ctx, { source: 'smtp', raw });
    const second = await receiveMail(t.ctx, { source: 'imap', raw });
    expect(first.reason).toBe('ticket_created');
    expect(second).toMatchObject({ status: 'processed', reason: 'duplicate', ticketId: first.ticketId });
    const same = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'Monitor flickers')
      .execute();
    expect(same).toHaveLength(1);
  });

  it('a mail without a Message-ID sent twice is one ticket too (its digest stands in)', async () => {
    const raw = rawMail({ from: 'dave@example.test', subject: 'Keyboard sticky', messageId: null });
    const a = await receiveMail(t.ctx, { source: 'smtp', raw });
    const b = await receiveMail(t.ctx, { source: 'smtp', raw });
    expect(b).toMatchObject({ reason: 'duplicate', ticketId: a.ticketId });
  });

  it('a reply by In-Reply-To becomes a comment without the quoted text', async () => {
    const rootId = uniqueId('root');
    const open = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'erin@example.test', subject: 'VPN drops', messageId: rootId }),
    });
    const reply = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({
        from: 'erin@example.test',
        subject: 'Re: VPN drops',
        inReplyTo: `<${rootId}>`,
        references: `<${rootId}>`,
        body: 'It happened again at 10:15.\n\nOn Mon, 2 Mar 2026 at 09:00, Erin <erin@example.test> wrote:\n> VPN drops\n> every hour',
      }),
    });
    expect(reply).toMatchObject({ status: 'processed', reason: 'comment_added', ticketId: open.ticketId });
    const comments = await listComments(t.ctx, admin(), open.ticketId!);
    expect(comments.map((c) => c.body)).toEqual(['It happened again at 10:15.']);
  });

  it('[#id] in the subject files a reply on that ticket for its requester, but not for a stranger', async () => {
    const open = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'frank@example.test', subject: 'Printer toner empty' }),
    });
    const id = open.ticketId!;
    const reply = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({
        from: 'frank@example.test',
        subject: `Re: [#${id}] Printer toner empty`,
        body: 'Still empty.',
      }),
    });
    expect(reply).toMatchObject({ reason: 'comment_added', ticketId: id });
    const stranger = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'mallory@example.test', subject: `[#${id}] give me access`, body: 'Let me in.' }),
    });
    expect(stranger.reason).toBe('ticket_created');
    expect(stranger.ticketId).not.toBe(id);
    expect((await listComments(t.ctx, admin(), id)).map((c) => c.body)).toEqual(['Still empty.']);
  });

  it('staff replying by mail (verified by the IMAP server) write a public staff comment', async () => {
    const tech = await createUser(t.ctx, null, {
      email: 'tina@example.test',
      name: 'Tina',
      role: 'technician',
    });
    const open = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'gina@example.test', subject: 'Mouse broken' }),
    });
    const reply = await receiveMail(t.ctx, {
      source: 'imap',
      raw: rawMail({
        from: 'tina@example.test',
        subject: `RE: [#${open.ticketId}] Mouse broken`,
        body: 'A new one is on its way.',
        headers: { 'Authentication-Results': 'imap.example.test; dkim=pass header.d=example.test' },
      }),
    });
    expect(reply.reason).toBe('comment_added');
    const [c] = await listComments(t.ctx, admin(), open.ticketId!);
    expect(c).toMatchObject({ authorId: tech.id, internal: false, body: 'A new one is on its way.' });
  });

  it("over IMAP, a staff address needs the IMAP server's passing Authentication-Results, else it is set aside", async () => {
    await createUser(t.ctx, null, { email: 'tom@example.test', name: 'Tom', role: 'technician' });
    const open = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'gwen@example.test', subject: 'Dock broken' }),
    });
    const tries: Record<string, string>[] = [
      {}, // no Authentication-Results at all
      { 'Authentication-Results': 'mx.evil.test; dkim=pass header.d=example.test' }, // not our authserv-id
      { 'Authentication-Results': 'imap.example.test; dkim=pass header.d=evil.test' }, // not aligned
      { 'Authentication-Results': 'imap.example.test; spf=fail smtp.mailfrom=example.test' },
    ];
    for (const headers of tries) {
      const out = await receiveMail(t.ctx, {
        source: 'imap',
        raw: rawMail({ from: 'tom@example.test', subject: `Re: [#${open.ticketId}] Dock broken`, headers }),
      });
      expect(out, JSON.stringify(headers)).toMatchObject({ status: 'rejected', reason: 'unverified_sender' });
    }
    expect(await listComments(t.ctx, admin(), open.ticketId!)).toHaveLength(0);
  });

  it('over IMAP, a Return-Path that differs from From sets the mail aside', async () => {
    const out = await receiveMail(t.ctx, {
      source: 'imap',
      raw: rawMail({
        from: 'gwen@example.test',
        subject: 'Forged?',
        headers: { 'Return-Path': '<attacker@evil.test>' },
      }),
    });
    expect(out).toMatchObject({ status: 'rejected', reason: 'sender_mismatch' });
    expect(out.detail).toContain('attacker@evil.test');
  });

  it('a watcher may answer a ticket by mail: the reply becomes a public comment', async () => {
    const open = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'hedy@example.test', subject: 'Beamer flickers' }),
    });
    const watcher = await createUser(t.ctx, null, {
      email: 'walt@example.test',
      name: 'Walt',
      role: 'requester',
    });
    await t.ctx.db
      .insertInto('ticket_watchers')
      .values({ ticket_id: open.ticketId!, user_id: watcher.id })
      .execute();
    const reply = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'walt@example.test', subject: `Re: [#${open.ticketId}] Beamer flickers` }),
    });
    expect(reply).toMatchObject({ status: 'processed', reason: 'comment_added', ticketId: open.ticketId });
    const [c] = await listComments(t.ctx, admin(), open.ticketId!);
    expect(c).toMatchObject({ authorId: watcher.id, internal: false });
  });

  it('an HTML-only mail inside multipart/mixed keeps its text', async () => {
    const raw = Buffer.from(
      [
        'From: ines@example.test',
        'To: helpdesk@opsdesk.local',
        'Subject: Outlook sends only HTML',
        `Message-ID: <${uniqueId('html')}>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="mix1"',
        '',
        '--mix1',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<html><body><p>The <b>printer</b> on floor&nbsp;2 prints blank pages.</p>',
        '<ul><li>since Monday</li><li>only in colour</li></ul><img src=3D"cid:logo"></body></html>',
        '--mix1',
        'Content-Type: image/png; name="logo.png"',
        'Content-Disposition: attachment; filename="logo.png"',
        'Content-Transfer-Encoding: base64',
        '',
        pngBytes.toString('base64'),
        '--mix1--',
        '',
      ].join('\r\n'),
    );
    const out = await receiveMail(t.ctx, { source: 'smtp', raw });
    expect(out.reason).toBe('ticket_created');
    const ticket = await t.ctx.db
      .selectFrom('tickets')
      .select('description')
      .where('id', '=', out.ticketId!)
      .executeTakeFirstOrThrow();
    expect(ticket.description).toContain('The printer on floor 2 prints blank pages.');
    expect(ticket.description).toMatch(/since Monday\s*\n\s*\* only in colour/);
    expect(ticket.description).not.toContain('<');
  });

  it('attachments are kept; a refused type is skipped and noted', async () => {
    const out = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({
        from: 'hank@example.test',
        subject: 'Screenshot of the error',
        attachments: [
          { filename: 'error.png', contentType: 'image/png', content: pngBytes },
          {
            filename: 'page.html',
            contentType: 'text/html',
            content: Buffer.from('<script>alert(1)</script>'),
          },
        ],
      }),
    });
    expect(out.reason).toBe('ticket_created');
    const files = await listAttachments(t.ctx, admin(), out.ticketId!);
    expect(files.map((f) => [f.filename, f.contentType])).toEqual([['error.png', 'image/png']]);
    const row = await t.ctx.db
      .selectFrom('mail_inbound')
      .select('notes')
      .where('id', '=', out.inboundId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.notes).join(' ')).toContain('page.html');
  });

  it.each([
    ['Auto-Submitted: auto-replied', { 'Auto-Submitted': 'auto-replied' }, 'auto_reply'],
    ['Precedence: bulk', { Precedence: 'bulk' }, 'bulk'],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }, 'auto_reply'],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }, 'auto_reply'],
    ['X-Auto-Response-Suppress', { 'X-Auto-Response-Suppress': 'All' }, 'auto_reply'],
  ])('an automated mail (%s) opens no ticket', async (_name, headers, reason) => {
    const before = await t.ctx.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const out = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'ivan@example.test', subject: 'Out of office', headers }),
    });
    expect(out).toMatchObject({ status: 'rejected', reason });
    const after = await t.ctx.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('mailer-daemon, noreply senders, bounces and our own mail come back open no ticket', async () => {
    for (const [from, reason] of [
      ['MAILER-DAEMON@mx.example.test', 'auto_reply'],
      ['no-reply@service.example.test', 'auto_reply'],
      ['opsdesk@opsdesk.local', 'loop'],
    ]) {
      expect((await receiveMail(t.ctx, { source: 'smtp', raw: rawMail({ from }) })).reason).toBe(reason);
    }
    const bounce = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'jack@example.test' }),
      envelopeFrom: '',
    });
    expect(bounce.reason).toBe('bounce');
    const ours = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'jack@example.test', messageId: 'opsdesk.5.abc.def@opsdesk.local' }),
    });
    expect(ours.reason).toBe('loop');
  });

  it('a sender over the hourly limit is held back as a probable loop', async () => {
    const outcomes: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      outcomes.push(
        (
          await receiveMail(t.ctx, {
            source: 'smtp',
            raw: rawMail({ from: 'loopy@example.test', subject: `Mail ${i}` }),
          })
        ).reason,
      );
    }
    expect(outcomes.slice(0, 8).every((r) => r === 'ticket_created')).toBe(true);
    expect(outcomes.slice(8)).toEqual(['rate_limited', 'rate_limited']);
    t.clock.advance(3_600_001);
    expect(
      (await receiveMail(t.ctx, { source: 'smtp', raw: rawMail({ from: 'loopy@example.test' }) })).reason,
    ).toBe('ticket_created');
  });

  it.each([
    ['no headers at all', 'just some words\r\nand more\r\n'],
    ['no From', 'Subject: hello\r\nMessage-ID: <x1@y>\r\n\r\nbody\r\n'],
    ['an invalid From', 'From: not an address\r\nSubject: hi\r\n\r\nbody\r\n'],
    ['multipart without boundary', 'From: a@example.test\r\nContent-Type: multipart/mixed\r\n\r\nbody\r\n'],
    ['a broken header line', 'From: a@example.test\r\nthis is not a header\r\n\r\nbody\r\n'],
    ['empty', ''],
  ])('malformed MIME (%s) is refused with a logged reason, never a crash', async (_name, raw) => {
    const out = await receiveMail(t.ctx, { source: 'smtp', raw: Buffer.from(raw) });
    expect(out).toMatchObject({ status: 'rejected', reason: 'malformed' });
    expect(out.detail).toBeTruthy();
    const row = await t.ctx.db
      .selectFrom('mail_inbound')
      .select(['status', 'reason', 'raw'])
      .where('id', '=', out.inboundId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('rejected');
    expect(Buffer.from(row.raw!).toString()).toBe(raw);
  });

  it('a reply to a closed ticket opens a new ticket that refers to it', async () => {
    const open = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'kim@example.test', subject: 'Old problem' }),
    });
    await t.ctx.db
      .updateTable('tickets')
      .set({ status: 'closed', closed_at: t.clock.now() })
      .where('id', '=', open.ticketId!)
      .execute();
    const reply = await receiveMail(t.ctx, {
      source: 'smtp',
      raw: rawMail({ from: 'kim@example.test', subject: `Re: [#${open.ticketId}] Old problem` }),
    });
    expect(reply.reason).toBe('ticket_created');
    const t2 = await t.ctx.db
      .selectFrom('tickets')
      .select('related_ticket_id')
      .where('id', '=', reply.ticketId!)
      .executeTakeFirstOrThrow();
    expect(t2.related_ticket_id).toBe(open.ticketId);
  });
});

describe.each(dialects)('unknown senders refused by setting on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect, { OPSDESK_MAIL_UNKNOWN_SENDERS: 'reject' });
  });
  afterAll(async () => t?.close());

  it('a mail from an address without an account is refused, and one with an account is filed', async () => {
    const out = await receiveMail(t.ctx, { source: 'smtp', raw: rawMail({ from: 'nobody@example.test' }) });
    expect(out).toMatchObject({ status: 'rejected', reason: 'unknown_sender' });
    expect(
      await t.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'nobody@example.test')
        .executeTakeFirst(),
    ).toBeUndefined();
    await createUser(t.ctx, null, { email: 'known@example.test', name: 'Known', role: 'requester' });
    expect(
      (await receiveMail(t.ctx, { source: 'smtp', raw: rawMail({ from: 'known@example.test' }) })).reason,
    ).toBe('ticket_created');
  });
});
