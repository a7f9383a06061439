// The IMAP poller against a real IMAP server (dovecot, started by the test), on SQLite and PostgreSQL: unseen
// mail becomes tickets through the same ingestion as SMTP and is then marked \Seen; a message fetched again,
// or one that also came by SMTP, is processed once.
import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';
import { pollImapOnce } from '../../src/ingest/imap.js';
import { type MailStop, startMailChannel } from '../../src/ingest/mail-channel.js';
import { registerMail } from '../../src/mail/index.js';
import { rawMail, uniqueId } from '../mail/mails.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { type Dovecot, startDovecot } from './dovecot.js';
import { swaks } from './swaks.js';

describe.each(dialects)('IMAP polling on %s', (dialect) => {
  let t: TestContext;
  let imap: Dovecot;
  let client: ImapFlow;
  let mail: MailStop;

  beforeAll(async () => {
    imap = await startDovecot();
    t = await makeContext(dialect, {
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_IMAP_URL: imap.url,
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
    });
    registerMail(t.ctx, new JobScheduler(pino({ level: 'silent' }))); // mail out; the jobs are not started
    mail = await startMailChannel(t.ctx, new JobScheduler(pino({ level: 'silent' })));
    client = new ImapFlow({
      host: '127.0.0.1',
      port: imap.port,
      secure: false,
      auth: { user: imap.user, pass: imap.pass },
      logger: false,
    });
    await client.connect();
  });
  afterAll(async () => {
    await client?.logout().catch(() => undefined);
    await mail?.();
    await t?.close();
    await imap?.stop();
  });

  // A fresh session each time: what the server holds now, not a cached view.
  async function unseen(): Promise<number[]> {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: imap.port,
      secure: false,
      auth: { user: imap.user, pass: imap.pass },
      logger: false,
    });
    await c.connect();
    try {
      const lock = await c.getMailboxLock('INBOX');
      try {
        return (await c.search({ seen: false }, { uid: true })) || [];
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  }

  it('an unseen message becomes a ticket and is then marked \\Seen', async () => {
    await client.append('INBOX', rawMail({ from: 'ines@example.test', subject: 'Docking station dead' }));
    expect(await unseen()).toHaveLength(1);
    const result = await pollImapOnce(t.ctx, imap.url);
    expect(result).toEqual({ fetched: 1, stored: 1, failed: 0 });
    expect(await unseen()).toHaveLength(0);
    const rows = await t.ctx.db
      .selectFrom('tickets')
      .select(['id', 'title'])
      .where('title', '=', 'Docking station dead')
      .execute();
    expect(rows).toHaveLength(1);
    const log = await t.ctx.db
      .selectFrom('mail_inbound')
      .select(['source', 'status', 'reason'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(log).toEqual({ source: 'imap', status: 'processed', reason: 'ticket_created' });
  });

  it('the same mail by SMTP and then by IMAP (and fetched twice) is one ticket', async () => {
    const id = uniqueId('both');
    const raw = rawMail({ from: 'jon@example.test', subject: 'Badge does not open door 7', messageId: id });
    const r = await swaks(mail.smtp!.port, [
      '--from',
      'jon@example.test',
      '--to',
      'helpdesk@opsdesk.local',
      '--data',
      raw.toString(),
    ]);
    expect(r.code, r.output).toBe(0);
    await client.append('INBOX', raw);
    await client.append('INBOX', raw);
    const result = await pollImapOnce(t.ctx, imap.url);
    expect(result).toMatchObject({ fetched: 2, stored: 2 });
    const rows = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'Badge does not open door 7')
      .execute();
    expect(rows).toHaveLength(1);
    const imapRows = await t.ctx.db
      .selectFrom('mail_inbound')
      .select(['reason', 'ticket_id'])
      .where('source', '=', 'imap')
      .where('message_id', '=', id)
      .execute();
    expect(imapRows).toEqual([
      { reason: 'duplicate', ticket_id: rows[0].id },
      { reason: 'duplicate', ticket_id: rows[0].id },
    ]);
  });

  it('a reply in the mailbox becomes a comment; an auto-reply is set aside; both are marked seen', async () => {
    const [ticket] = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'Docking station dead')
      .execute();
    await client.append(
      'INBOX',
      rawMail({
        from: 'ines@example.test',
        subject: `Re: [#${ticket.id}] Docking station dead`,
        body: 'Tried another cable, same.',
      }),
    );
    await client.append(
      'INBOX',
      rawMail({
        from: 'ines@example.test',
        subject: 'Automatic reply',
        headers: { 'Auto-Submitted': 'auto-replied' },
      }),
    );
    expect(await pollImapOnce(t.ctx, imap.url)).toMatchObject({ fetched: 2, stored: 2, failed: 0 });
    expect(await unseen()).toHaveLength(0);
    const comments = await t.ctx.db
      .selectFrom('comments')
      .select('body')
      .where('ticket_id', '=', ticket.id)
      .execute();
    expect(comments.map((c) => c.body)).toEqual(['Tried another cable, same.']);
  });
});
