// A reply to a merged ticket's thread, sent with Debian's swaks to the real SMTP listener, lands on the
// ticket it was merged into (on SQLite and PostgreSQL): by In-Reply-To, and by the [#id] subject tag.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';
import { type MailStop, startMailChannel } from '../../src/ingest/mail-channel.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { swaks } from './swaks.js';

describe.each(dialects)('replies to a merged ticket over SMTP on %s', (dialect) => {
  let t: TestApp;
  let mail: MailStop;
  let port: number;
  let tech: Session;

  beforeAll(async () => {
    t = await makeApp(dialect, {
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_MAIL_FROM: 'helpdesk@opsdesk.example.test',
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
    });
    mail = await startMailChannel(t.ctx, new JobScheduler(pino({ level: 'silent' })));
    port = mail.smtp!.port;
    tech = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => {
    await mail?.();
    await t?.close();
  });

  const send = async (from: string, headers: string[], body: string) => {
    const r = await swaks(port, [
      '--from',
      from,
      '--to',
      'helpdesk@opsdesk.example.test',
      ...headers.flatMap((h) => ['--header', h]),
      '--body',
      body,
    ]);
    expect(r.code, r.output).toBe(0);
    return r.output;
  };
  const ticketByWord = async (word: string): Promise<number> => {
    const found = await tech.call('GET', `/api/v1/tickets?q=${word}`);
    expect(found.body.items).toHaveLength(1);
    return found.body.items[0].id;
  };

  it("a reply to the merged ticket's mail lands on the survivor, from the merged ticket's requester", async () => {
    await send('carol@example.test', ['Subject: Wifi drops in the canteen'], 'Every few minutes.');
    await send(
      'dave@example.test',
      ['Subject: Canteen wireless unusable', 'Message-Id: <dave-1@example.test>'],
      'Cannot load anything.',
    );
    const survivor = await ticketByWord('wifi');
    const merged = await ticketByWord('wireless');
    const r = await tech.call('POST', `/api/v1/tickets/${merged}/merge`, { intoId: survivor });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const byThread = await send(
      'dave@example.test',
      ['Subject: Re: Canteen wireless unusable', 'In-Reply-To: <dave-1@example.test>'],
      'Still down after lunch.',
    );
    expect(byThread).toMatch(/250 2\.0\.0 Ok: comment_added/);
    const byTag = await send(
      'dave@example.test',
      [`Subject: Re: [#${merged}] Canteen wireless unusable`],
      'And now the tills too.',
    );
    expect(byTag).toMatch(/250 2\.0\.0 Ok: comment_added/);

    const comments = await tech.call('GET', `/api/v1/tickets/${survivor}/comments`);
    expect(comments.body.items.map((c: { body: string }) => c.body)).toEqual([
      'Still down after lunch.',
      'And now the tills too.',
    ]);
    // No new ticket was opened, and the merged one stays as it was merged.
    const all = await tech.call('GET', '/api/v1/tickets?q=canteen');
    expect(all.body.items.map((x: { id: number }) => x.id).sort()).toEqual([survivor, merged].sort());
    expect((await tech.call('GET', `/api/v1/tickets/${merged}/comments`)).body.items).toEqual([]);
  });
});
