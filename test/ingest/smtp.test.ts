// The mail channel end to end, on SQLite and PostgreSQL: Debian's swaks talks SMTP to the real listener,
// the API shows what the mails became, and outbound notifications land in an SMTP sink the test starts.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { type MailStop, startMailChannel } from '../../src/ingest/mail-channel.js';
import { deliverMailDue, registerMail } from '../../src/mail/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';
import { type MailSink, startMailSink } from './mail-sink.js';
import { swaks } from './swaks.js';

const maxBytes = 200_000;

describe.each(dialects)('mail channel over SMTP on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  let mail: MailStop;
  let port: number;
  let admin: Session;
  let tech: Session;
  let ticketId: number;
  let ackMessageId: string;

  beforeAll(async () => {
    sink = await startMailSink();
    t = await makeApp(dialect, {
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_MAIL_FROM: 'helpdesk@opsdesk.example.test',
      OPSDESK_MAIL_MAX_BYTES: String(maxBytes),
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
    });
    registerMail(t.ctx, new JobScheduler(pino({ level: 'silent' }))); // mail out; the jobs are not started
    mail = await startMailChannel(t.ctx, new JobScheduler(pino({ level: 'silent' })));
    port = mail.smtp!.port;
    await createUser(t.ctx, null, {
      email: 'admin@example.test',
      name: 'Admin',
      role: 'admin',
      password: 'admin-password-1',
    });
    await createUser(t.ctx, null, {
      email: 'tech@example.test',
      name: 'Tina Tech',
      role: 'technician',
      password: 'tech-password-1',
    });
    admin = await signIn(t.app, 'admin@example.test', 'admin-password-1');
    tech = await signIn(t.app, 'tech@example.test', 'tech-password-1');
  });
  afterAll(async () => {
    await mail?.();
    await t?.close();
    await sink?.close();
  });

  it('a mail sent with swaks opens a ticket, found by a word of its subject', async () => {
    const r = await swaks(port, [
      '--from',
      'alice@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      'Subject: Projector in room 4 shows no picture',
      '--body',
      'The projector stays blue since this morning.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/250 2\.0\.0 Ok: ticket_created, queued as \d+/);
    const found = await tech.call('GET', '/api/v1/tickets?q=projector');
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({
      title: 'Projector in room 4 shows no picture',
      status: 'new',
    });
    ticketId = found.body.items[0].id;
  });

  it('the requester receives an acknowledgement that threads and names the ticket', async () => {
    const ack = await sink.waitFor(
      (m) => m.to.includes('alice@example.test') && m.parsed.subject?.includes(`[#${ticketId}]`) === true,
    );
    expect(ack.parsed.from?.value[0].address).toBe('helpdesk@opsdesk.example.test');
    const inbound = await admin.call('GET', '/api/v1/mail/inbound?limit=1');
    const original = inbound.body.items[0].messageId;
    expect(ack.parsed.inReplyTo).toBe(`<${original}>`);
    expect(ack.parsed.messageId).toMatch(/@opsdesk\.example\.test>$/);
    expect(ack.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    ackMessageId = ack.parsed.messageId!;
  });

  it('a reply whose subject holds [#id] lands in the ticket comments, not in a new ticket', async () => {
    const r = await swaks(port, [
      '--from',
      'alice@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      `Subject: Re: [#${ticketId}] Projector in room 4 shows no picture`,
      '--body',
      'It also smells of burnt dust.\n\nOn Mon, 2 Mar 2026, helpdesk wrote:\n> We received your request',
    ]);
    expect(r.code, r.output).toBe(0);
    const comments = await tech.call('GET', `/api/v1/tickets/${ticketId}/comments`);
    expect(comments.status).toBe(200);
    expect(comments.body.items.map((c: { body: string }) => c.body)).toEqual([
      'It also smells of burnt dust.',
    ]);
    const again = await tech.call('GET', '/api/v1/tickets?q=projector');
    expect(again.body.items).toHaveLength(1);
  });

  it('a reply by In-Reply-To alone (no [#id]) lands on the ticket too', async () => {
    const r = await swaks(port, [
      '--from',
      'alice@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      'Subject: Re: that projector',
      '--header',
      `In-Reply-To: ${ackMessageId}`,
      '--header',
      `References: ${ackMessageId}`,
      '--body',
      'Any news?',
    ]);
    expect(r.code, r.output).toBe(0);
    const comments = await tech.call('GET', `/api/v1/tickets/${ticketId}/comments`);
    expect(comments.body.items.map((c: { body: string }) => c.body)).toContain('Any news?');
  });

  it("the requester receives the technician's answer by mail, and never an internal note", async () => {
    const note = await tech.call('POST', `/api/v1/tickets/${ticketId}/comments`, {
      body: 'Lamp hours at 4000: internal',
      internal: true,
    });
    expect(note.status).toBe(201);
    const answer = await tech.call('POST', `/api/v1/tickets/${ticketId}/comments`, {
      body: 'A new lamp is fitted this afternoon.',
    });
    expect(answer.status).toBe(201);
    const got = await sink.waitFor(
      (m) => m.to.includes('alice@example.test') && (m.parsed.text ?? '').includes('A new lamp is fitted'),
    );
    expect(got.parsed.subject).toContain(`[#${ticketId}]`);
    expect(got.parsed.inReplyTo).toBeTruthy();
    expect([got.parsed.references].flat()).toContain(ackMessageId);
    expect(got.parsed.html).toContain('A new lamp is fitted');
    expect(sink.mails.some((m) => (m.parsed.text ?? '').includes('Lamp hours'))).toBe(false);

    // The requester answers that mail from their client: threaded by In-Reply-To, quote stripped.
    const r = await swaks(port, [
      '--from',
      'alice@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      `Subject: Re: ${got.parsed.subject}`,
      '--header',
      `In-Reply-To: ${got.parsed.messageId}`,
      '--body',
      `Thank you!\n\n${'##- Please type your reply above this line -##'}\n> quoted`,
    ]);
    expect(r.code, r.output).toBe(0);
    const comments = await tech.call('GET', `/api/v1/tickets/${ticketId}/comments`);
    expect(comments.body.items.at(-1).body).toBe('Thank you!');
  });

  it('an auto-reply is accepted and set aside: no ticket, no answer', async () => {
    const before = sink.mails.length;
    const r = await swaks(port, [
      '--from',
      'bob@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      'Subject: Out of office: Projector',
      '--header',
      'Auto-Submitted: auto-replied',
      '--body',
      'I am away until Monday.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('not filed (auto_reply)');
    expect((await tech.call('GET', '/api/v1/tickets?q=office')).body.items).toHaveLength(0);
    const log = await admin.call('GET', '/api/v1/mail/inbound?status=rejected&limit=1');
    expect(log.body.items[0]).toMatchObject({ reason: 'auto_reply', sender: 'bob@example.test' });
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.mails.length).toBe(before);
  });

  it('malformed MIME gets 554 with the reason, and the listener keeps serving', async () => {
    const r = await swaks(port, [
      '--from',
      'carl@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--data',
      'this is not a mail at all\n',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/554 5\.6\.0 Malformed message: the message does not start with a header field/);
    const ok = await swaks(port, [
      '--from',
      'carl@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      'Subject: Scanner offline',
    ]);
    expect(ok.code, ok.output).toBe(0);
    expect(mail.smtp!.counts.get('malformed')).toBe(1);
  });

  it('a message over the size limit gets 552 and is logged', async () => {
    const bodyFile = path.join(t.dataDir, 'huge-body.txt');
    fs.writeFileSync(bodyFile, `${'x'.repeat(76)}\n`.repeat(Math.ceil((maxBytes + 10_000) / 77)));
    const r = await swaks(port, [
      '--from',
      'dora@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      'Subject: Huge',
      '--body',
      bodyFile,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/552/);
    const log = await admin.call('GET', '/api/v1/mail/inbound?status=rejected&limit=1');
    expect(log.body.items[0]).toMatchObject({ reason: 'too_large' });
  });

  it('a delivery the sink refuses for now is retried with backoff and then sent', async () => {
    const phil = await createUser(t.ctx, null, {
      email: 'phil@example.test',
      name: 'Phil',
      role: 'requester',
    });
    sink.failNextTo = 'phil@example.test';
    const created = await tech.call('POST', '/api/v1/tickets', {
      title: 'Phone line dead',
      description: 'Desk 12',
      requesterId: phil.id,
    });
    expect(created.status).toBe(201);
    let row: { status: string; attempts: number; lastError: string | null } | undefined;
    for (let i = 0; i < 100 && !row?.attempts; i++) {
      await new Promise((r) => setTimeout(r, 25));
      row = (await admin.call('GET', `/api/v1/mail/deliveries?ticketId=${created.body.id}`)).body.items[0];
    }
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.lastError).toContain('451');
    t.clock.advance(61_000);
    expect(await deliverMailDue(t.ctx)).toMatchObject({ sent: 1 });
    const after = (await admin.call('GET', `/api/v1/mail/deliveries?ticketId=${created.body.id}`)).body
      .items[0];
    expect(after).toMatchObject({ status: 'sent', attempts: 2 });
    await sink.waitFor((m) => m.parsed.subject?.includes(`[#${created.body.id}]`) === true);
  });

  it('admins edit a template; values are escaped in the html part', async () => {
    const put = await admin.call('PUT', '/api/v1/mail/templates/ticket_created', {
      subject: 'Got it: {{ticket.title}}',
      text: 'Hi {{recipient.name}}, ticket {{ticket.id}}: {{ticket.title}}',
      html: '<p>Hi {{recipient.name}}, <b>{{ticket.title}}</b></p>',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ isDefault: false });
    const bad = await admin.call('PUT', '/api/v1/mail/templates/ticket_created', {
      subject: 'x {{ticket.secret}}',
      text: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_mail_template');
    expect((await tech.call('GET', '/api/v1/mail/templates')).status).toBe(403);
    const r = await swaks(port, [
      '--from',
      'erik@example.test',
      '--to',
      'helpdesk@opsdesk.example.test',
      '--header',
      'Subject: <script>x</script> Wifi',
    ]);
    expect(r.code, r.output).toBe(0);
    const ack = await sink.waitFor((m) => m.to.includes('erik@example.test'));
    expect(ack.parsed.subject).toMatch(/^\[#\d+\] Got it: <script>x<\/script> Wifi$/);
    expect(ack.parsed.html).toContain('<b>&lt;script&gt;x&lt;/script&gt; Wifi</b>');
    const reset = await admin.call('DELETE', '/api/v1/mail/templates/ticket_created');
    expect(reset.body.isDefault).toBe(true);
  });
});

describe.each(dialects)('outbound mail without OPSDESK_SMTP_OUT_URL on %s', (dialect) => {
  let t: TestApp;
  let mail: MailStop;
  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SMTP_PORT: '0', OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test' });
    registerMail(t.ctx, new JobScheduler(pino({ level: 'silent' }))); // mail out; the jobs are not started
    mail = await startMailChannel(t.ctx, new JobScheduler(pino({ level: 'silent' })));
    await createUser(t.ctx, null, {
      email: 'admin@example.test',
      name: 'Admin',
      role: 'admin',
      password: 'admin-password-1',
    });
  });
  afterAll(async () => {
    await mail?.();
    await t?.close();
  });

  it('mail still comes in, and the delivery log says outbound mail is disabled', async () => {
    const r = await swaks(mail.smtp!.port, [
      '--from',
      'zoe@example.test',
      '--to',
      'helpdesk@opsdesk.local',
      '--header',
      'Subject: Badge reader broken',
    ]);
    expect(r.code, r.output).toBe(0);
    const admin = await signIn(t.app, 'admin@example.test', 'admin-password-1');
    let items: { status: string; lastError: string }[] = [];
    for (let i = 0; i < 100 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      items = (await admin.call('GET', '/api/v1/mail/deliveries')).body.items;
    }
    expect(items[0]).toMatchObject({ status: 'disabled' });
    expect(items[0].lastError).toContain('OPSDESK_SMTP_OUT_URL');
  });
});
