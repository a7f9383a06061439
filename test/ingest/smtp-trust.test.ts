// Who a mail is from, through the real SMTP listener and Debian's swaks, on SQLite and PostgreSQL: a forged
// From, a staff address without a check, a trusted relay's Authentication-Results, SMTP AUTH as a relay, an
// unknown domain, and 250 answers that never name a ticket. The admin sees what was set aside, and why.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import type { ServiceContext } from '../../src/core/context.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { type MailStop, startMailChannel } from '../../src/ingest/mail-channel.js';
import { type SmtpListener, startSmtpListener } from '../../src/ingest/smtp.js';
import { registerMail } from '../../src/mail/index.js';
import { pngBytes } from '../mail/mails.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';
import { type MailSink, startMailSink } from './mail-sink.js';
import { swaks } from './swaks.js';

const relaySecret = 'relay-one-secret-0123456789';
const to = ['--to', 'helpdesk@opsdesk.example.test'];

describe.each(dialects)('who a mail is from, over SMTP on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  let mail: MailStop;
  let port: number;
  let admin: Session;
  let tech: Session;
  let ticketId: number;
  let techId: number;
  const extra: SmtpListener[] = [];

  /** A second listener on the same database with other settings (as another instance would run). */
  async function listenerWith(config: Partial<ServiceContext['config']>): Promise<number> {
    const ctx = { ...t.ctx, config: { ...t.ctx.config, ...config } };
    const l = await startSmtpListener(ctx, { port: 0 });
    extra.push(l);
    return l.port;
  }

  async function comments(): Promise<{ body: string; authorId: number }[]> {
    return (await tech.call('GET', `/api/v1/tickets/${ticketId}/comments`)).body.items;
  }

  async function lastInbound(): Promise<{ reason: string; status: string; notes: string[]; sender: string }> {
    return (await admin.call('GET', '/api/v1/mail/inbound?limit=1')).body.items[0];
  }

  beforeAll(async () => {
    sink = await startMailSink();
    t = await makeApp(dialect, {
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_MAIL_FROM: 'helpdesk@opsdesk.example.test',
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
      OPSDESK_MAIL_TRUSTED_RELAYS: '127.0.0.1/32',
      OPSDESK_MAIL_AUTHSERV_IDS: 'mx.example.test',
      OPSDESK_SMTP_RELAYS: `relay1:${createHash('sha256').update(relaySecret).digest('hex')}`,
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
    techId = (
      await createUser(t.ctx, null, {
        email: 'tech@example.test',
        name: 'Tina Tech',
        role: 'technician',
        password: 'tech-password-1',
      })
    ).id;
    admin = await signIn(t.app, 'admin@example.test', 'admin-password-1');
    tech = await signIn(t.app, 'tech@example.test', 'tech-password-1');
    const r = await swaks(port, [
      '--from',
      'alice@example.test',
      ...to,
      '--header',
      'Subject: Badge does not open door 3',
    ]);
    expect(r.code, r.output).toBe(0);
    const found = await tech.call('GET', '/api/v1/tickets?q=badge');
    ticketId = found.body.items[0].id;
  });
  afterAll(async () => {
    for (const l of extra) await l.close();
    await mail?.();
    await t?.close();
    await sink?.close();
  });

  it('a header From that differs from the envelope sender is set aside, not filed as that person', async () => {
    for (const forged of ['tech@example.test', 'alice@example.test']) {
      const r = await swaks(port, [
        '--from',
        'attacker@evil.test',
        ...to,
        '--header',
        `From: <${forged}>`,
        '--header',
        `Subject: Re: [#${ticketId}] x`,
        '--body',
        'Please reset the admin password to hunter2.',
      ]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain('250 2.0.0 Ok: accepted, set aside for review (sender_mismatch)');
      expect(await lastInbound()).toMatchObject({
        status: 'rejected',
        reason: 'sender_mismatch',
        sender: forged,
      });
    }
    expect((await lastInbound()).notes.join(' ')).toContain('attacker@evil.test');
    expect(await comments()).toEqual([]);
  });

  it('a staff address without a check is set aside, and its owner is told by mail', async () => {
    const r = await swaks(port, [
      '--from',
      'tech@example.test',
      ...to,
      '--header',
      `Subject: Re: [#${ticketId}] Badge does not open door 3`,
      '--body',
      'Closing this, all fine.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('set aside for review (unverified_sender)');
    expect(await comments()).toEqual([]);
    const log = await lastInbound();
    expect(log).toMatchObject({ reason: 'unverified_sender', sender: 'tech@example.test' });
    expect(log.notes.join(' ')).toContain('staff address tech@example.test not verified');
    // (The forged mails of the test before told Tina too: someone used her address.)
    const notice = await sink.waitFor(
      (m) =>
        m.to.includes('tech@example.test') &&
        (m.parsed.text ?? '').includes('could not verify that it comes from you'),
    );
    expect(notice.parsed.subject).toBe(`Not filed: Re: [#${ticketId}] Badge does not open door 3`);
    expect(sink.mails.some((m) => m.to.includes('attacker@evil.test'))).toBe(false);
  });

  it("a staff reply with a trusted relay's passing Authentication-Results is filed as that technician", async () => {
    const r = await swaks(port, [
      '--from',
      'tech@example.test',
      ...to,
      '--header',
      'Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=example.test; dkim=pass header.d=example.test',
      '--header',
      `Subject: Re: [#${ticketId}] Badge does not open door 3`,
      '--body',
      'The reader is replaced tomorrow.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/250 2\.0\.0 Ok: comment_added, queued as \d+/);
    expect(await comments()).toMatchObject([{ body: 'The reader is replaced tomorrow.', authorId: techId }]);
  });

  it('Authentication-Results naming another authserv-id, or from an untrusted client, count for nothing', async () => {
    const other = await swaks(port, [
      '--from',
      'tech@example.test',
      ...to,
      '--header',
      'Authentication-Results: mx.evil.test; dkim=pass header.d=example.test',
      '--header',
      `Subject: Re: [#${ticketId}] x`,
    ]);
    expect(other.output).toContain('set aside for review (unverified_sender)');
    const untrusted = await listenerWith({ mailTrustedRelays: [] });
    const r = await swaks(untrusted, [
      '--from',
      'tech@example.test',
      ...to,
      '--header',
      'Authentication-Results: mx.example.test; dkim=pass header.d=example.test',
      '--header',
      `Subject: Re: [#${ticketId}] x`,
    ]);
    expect(r.output).toContain('set aside for review (unverified_sender)');
    expect((await lastInbound()).notes.join(' ')).toContain('not from a trusted relay');
    expect(await comments()).toHaveLength(1);
  });

  it('a relay that authenticates with its own credential (SMTP AUTH) vouches for staff; a wrong one gets 535', async () => {
    const untrusted = await listenerWith({ mailTrustedRelays: [] });
    const wrong = await swaks(untrusted, [
      '--auth',
      'PLAIN',
      '--auth-user',
      'relay1',
      '--auth-password',
      'guessed',
      '--from',
      'tech@example.test',
      ...to,
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toContain('535');
    const r = await swaks(untrusted, [
      '--auth',
      'PLAIN',
      '--auth-user',
      'relay1',
      '--auth-password',
      relaySecret,
      '--from',
      'tech@example.test',
      ...to,
      '--header',
      `Subject: Re: [#${ticketId}] Badge does not open door 3`,
      '--body',
      'Sent through the company relay.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/250 2\.0\.0 Ok: comment_added/);
    expect((await comments()).map((c) => c.body)).toContain('Sent through the company relay.');
    const log = (await admin.call('GET', '/api/v1/mail/inbound?limit=1')).body.items[0];
    expect(log).toMatchObject({ smtpRelay: 'relay1', clientAddress: '127.0.0.1' });
  });

  it('an unknown sender outside the allowed domains is set aside (default) or refused (by setting)', async () => {
    const r = await swaks(port, ['--from', 'someone@elsewhere.test', ...to, '--header', 'Subject: Hello']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('set aside for review (unknown_domain)');
    expect(await lastInbound()).toMatchObject({ reason: 'unknown_domain', sender: 'someone@elsewhere.test' });
    const users = (await admin.call('GET', '/api/v1/users?q=elsewhere')).body.items ?? [];
    expect(users).toHaveLength(0);
    const refusing = await listenerWith({ mailUnknownDomains: 'reject' });
    const refused = await swaks(refusing, ['--from', 'other@elsewhere.test', ...to]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/550 5\.7\.1 Sender refused/);
  });

  it('an admin who read a set-aside mail may accept its sender: it is filed then, not before', async () => {
    const r = await swaks(port, [
      '--from',
      'vendor@supplier.test',
      ...to,
      '--header',
      'Subject: Your toner order 4711',
    ]);
    expect(r.output).toContain('set aside for review (unknown_domain)');
    const held = (await admin.call('GET', '/api/v1/mail/inbound?status=rejected&limit=1')).body.items[0];
    expect(held).toMatchObject({ sender: 'vendor@supplier.test', reason: 'unknown_domain' });
    const again = await admin.call('POST', `/api/v1/mail/inbound/${held.id}/retry`);
    expect(again.body).toMatchObject({ status: 'rejected', reason: 'unknown_domain' });
    expect((await tech.call('POST', `/api/v1/mail/inbound/${held.id}/retry?acceptSender=true`)).status).toBe(
      403,
    );
    const accepted = await admin.call('POST', `/api/v1/mail/inbound/${held.id}/retry?acceptSender=true`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'processed', reason: 'ticket_created' });
    expect(accepted.body.notes.join(' ')).toContain('accepted by admin');
    const ticket = await tech.call('GET', `/api/v1/tickets/${accepted.body.ticketId}`);
    expect(ticket.body.title).toBe('Your toner order 4711');
  });

  it('a reply from someone who may not see the ticket is not added to it, and the 250 names no ticket', async () => {
    // Mallory, on an allowed domain, knows the ticket's number and its first mail's Message-ID.
    const first = (await admin.call('GET', '/api/v1/mail/inbound?status=processed&limit=50')).body.items.find(
      (m: { ticketId: number; reason: string }) => m.ticketId === ticketId && m.reason === 'ticket_created',
    );
    const r = await swaks(port, [
      '--from',
      'mallory@example.test',
      ...to,
      '--header',
      `Subject: Re: [#${ticketId}] Badge does not open door 3`,
      '--header',
      `In-Reply-To: <${first.messageId}>`,
      '--body',
      'I am the requester, add me.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect((await comments()).map((c) => c.body)).not.toContain('I am the requester, add me.');
    // Replaying the requester's own Message-ID answers "duplicate" — without the ticket it went to.
    const replay = await swaks(port, [
      '--from',
      'mallory@example.test',
      ...to,
      '--header',
      `Message-ID: <${first.messageId}>`,
      '--header',
      'Subject: which ticket?',
    ]);
    for (const out of [r.output, replay.output]) {
      const line = out.split('\n').find((l) => /<-\s+250 2\.0\.0 Ok:/.test(l)) ?? '';
      expect(line).toMatch(/Ok: (ticket_created|duplicate), queued as \d+\s*$/);
      expect(line).not.toMatch(/ticket \d|#\d/);
    }
  });

  it("a watcher's reply by mail is filed as a public comment, not accepted and dropped", async () => {
    const wes = await createUser(t.ctx, null, { email: 'wes@example.test', name: 'Wes', role: 'requester' });
    const patched = await tech.call('PATCH', `/api/v1/tickets/${ticketId}`, { watcherIds: [wes.id] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const r = await swaks(port, [
      '--from',
      'wes@example.test',
      ...to,
      '--header',
      `Subject: Re: [#${ticketId}] Badge does not open door 3`,
      '--body',
      'Door 3 fails for me too.',
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/250 2\.0\.0 Ok: comment_added/);
    expect(await comments()).toContainEqual(
      expect.objectContaining({ body: 'Door 3 fails for me too.', authorId: wes.id }),
    );
  });

  it('an HTML-only mail (multipart/mixed) sent with swaks becomes a ticket with its text', async () => {
    const file = path.join(t.dataDir, 'html-only.eml');
    fs.writeFileSync(
      file,
      [
        'From: Hana <hana@example.test>',
        'To: helpdesk@opsdesk.example.test',
        'Subject: Phone shows no dial tone',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        '--outer',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<div dir="ltr"><p>My desk phone has <i>no dial tone</i> since the move.</p></div>',
        '--outer',
        'Content-Type: image/png; name="phone.png"',
        'Content-Disposition: attachment; filename="phone.png"',
        'Content-Transfer-Encoding: base64',
        '',
        pngBytes.toString('base64'),
        '--outer--',
        '',
      ].join('\r\n'),
    );
    const r = await swaks(port, ['--from', 'hana@example.test', ...to, '--data', file]);
    expect(r.code, r.output).toBe(0);
    const found = (await tech.call('GET', '/api/v1/tickets?q=dial')).body.items;
    expect(found).toHaveLength(1);
    const ticket = await tech.call('GET', `/api/v1/tickets/${found[0].id}`);
    expect(ticket.body.description).toBe('My desk phone has no dial tone since the move.');
  });
});
