// Notification preferences end to end on SQLite and PostgreSQL, through the real mail path (the fan-out
// stage, the delivery worker, an SMTP sink): a kind set off sends nothing, immediate sends at once, digest
// collects and sends one mail per person per day at their local time (two instances, a fake clock, a DST
// day), nothing is lost when the mail queue fails, @mentions in internal notes reach only staff who may read
// them, and bad input answers a precise problem+json.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ServiceContext } from '../../src/core/context.js';
import {
  type DigestPassResult,
  deliverMailDue,
  handlesOf,
  mentionHandles,
  mentionsPerNoteMax,
  nextDigestAt,
  resolveMentions,
  sendDueDigests,
  subscribeMail,
} from '../../src/mail/index.js';
import { type MailSink, startMailSink } from '../ingest/mail-sink.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const publicUrl = 'https://desk.example.test';
const password = 'correct horse battery';
const iso = (s: string) => Date.parse(s);

describe('mention handles', () => {
  it('reads @local-part and @name handles, not addresses, without sentence punctuation', () => {
    expect(mentionHandles('Hi @Ada.Lovelace, see mail from bob@example.org and @grace. (@ada)')).toEqual([
      'ada.lovelace',
      'grace',
      'ada',
    ]);
    expect(mentionHandles('no mention: a@b, x@@y, @-dash, @')).toEqual([]);
    expect(handlesOf({ email: 'Ada.L@example.org', name: 'Ada  Lovelace' })).toEqual([
      'ada.l',
      'adalovelace',
      'ada.lovelace',
      'ada_lovelace',
    ]);
  });

  it('never mentions a requester, nor the author, whatever the note says', () => {
    const people = [
      { id: 1, email: 'ada@x.test', name: 'Ada', role: 'technician' as const },
      { id: 2, email: 'ada@y.test', name: 'Ada Two', role: 'requester' as const },
      { id: 3, email: 'max@x.test', name: 'Max', role: 'manager' as const },
    ];
    const ticket = { requester_id: 2, watcherIds: [2] };
    expect(resolveMentions('@ada @max', ticket, 3, people)).toEqual([1]);
  });

  it('any text: handles are lower-case, well-formed, bounded and found after an @ in the text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.array(fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/)),
        (noise, names) => {
          const body = [noise, ...names.map((n) => `@${n}`)].join(' ');
          const handles = mentionHandles(body);
          expect(handles.length).toBeLessThanOrEqual(mentionsPerNoteMax);
          expect(new Set(handles).size).toBe(handles.length);
          for (const h of handles) {
            expect(h).toMatch(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/);
            expect(body.toLowerCase()).toContain(`@${h}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the digest time', () => {
  const ny = 'America/New_York';
  it('is the local time on the next day not yet served, across DST changes', () => {
    // 08:00 in New York: 13:00Z in winter, 12:00Z from the spring-forward Sunday 2026-03-08.
    expect(nextDigestAt(iso('2026-03-07T10:00:00Z'), 480, ny, null)).toBe(iso('2026-03-07T13:00:00Z'));
    expect(nextDigestAt(iso('2026-03-07T13:00:00Z'), 480, ny, '2026-03-07')).toBe(
      iso('2026-03-08T12:00:00Z'),
    );
    // Today's digest went out at 08:00; moved to 17:00 the same day, the next is tomorrow's.
    expect(nextDigestAt(iso('2026-03-07T14:00:00Z'), 17 * 60, ny, '2026-03-07')).toBe(
      iso('2026-03-08T21:00:00Z'),
    );
    // 02:30 does not exist on 2026-03-08 in New York: the first instant after the gap, 03:30 EDT.
    expect(nextDigestAt(iso('2026-03-08T05:00:00Z'), 150, ny, null)).toBe(iso('2026-03-08T07:30:00Z'));
    // 01:30 happens twice on 2026-11-01: the first one (EDT).
    expect(nextDigestAt(iso('2026-11-01T04:00:00Z'), 90, ny, null)).toBe(iso('2026-11-01T05:30:00Z'));
  });
});

describe.each(dialects)('notification preferences on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  const s: Record<string, Session> = {};
  const ids: Record<string, number> = {};
  let groupId: number;
  let clock2: ManualClock;
  let other: { ctx: ServiceContext; close(): Promise<void> };

  async function person(key: string, name: string, role: 'requester' | 'technician' | 'manager' | 'admin') {
    const email = `${key}@example.test`;
    ids[key] = (await createUser(t.ctx, null, { email, name, role, password })).id;
    s[key] = await signIn(t.app, email, password);
  }

  beforeAll(async () => {
    sink = await startMailSink();
    t = await makeApp(dialect, {
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_PUBLIC_URL: publicUrl,
      OPSDESK_SESSION_TTL_HOURS: '2160',
    });
    subscribeMail(t.ctx);
    await person('admin', 'Alma Admin', 'admin');
    await person('ada', 'Ada Lovelace', 'technician');
    await person('tess', 'Tess Tech', 'technician');
    await person('max', 'Max Manager', 'manager');
    await person('req', 'Rita Requester', 'requester');
    await person('other', 'Otto Other', 'requester');
    groupId = (await createGroup(t.ctx, null, { name: 'Network', memberIds: [ids.ada, ids.tess] })).id;
    clock2 = new ManualClock(t.clock.now());
    other = await t.openAnother(clock2);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await sink?.close();
  });

  /** Relay the events (the fan-out stage writes deliveries and digest items) and send what is due. */
  async function settle(): Promise<void> {
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await deliverMailDue(t.ctx);
  }
  /**
   * A digest pass on each instance. On PostgreSQL the two race for real (the conditional UPDATE decides); two
   * SQLite connections in one process cannot (a write waiting on the other blocks the thread holding it), so
   * there the second instance's pass follows the first's — as a second process would, after the first's
   * COMMIT, since SQLite takes one writer at a time.
   */
  async function bothInstances(): Promise<DigestPassResult[]> {
    if (dialect === 'postgres') return Promise.all([sendDueDigests(t.ctx), sendDueDigests(other.ctx)]);
    return [await sendDueDigests(t.ctx), await sendDueDigests(other.ctx)];
  }
  /** The first instance's work has settled (its relay and delivery passes): the other may take the file. */
  async function quiet(): Promise<void> {
    await t.ctx.events.idle();
    await deliverMailDue(t.ctx);
  }
  const mailsTo = (key: string) => sink.mails.filter((m) => m.to.includes(`${key}@example.test`));
  const setTime = (at: string) => {
    t.clock.set(iso(at));
    clock2.set(iso(at));
  };

  async function fileTicket(title: string, by = 'req'): Promise<number> {
    const res = await s[by].call('POST', '/api/v1/tickets', { title, description: 'x' });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  async function assign(ticketId: number, change: Record<string, unknown>): Promise<void> {
    const res = await s.max.call('PATCH', `/api/v1/tickets/${ticketId}`, change);
    expect(res.status).toBe(200);
  }
  async function prefs(key: string, body: unknown) {
    const res = await s[key].call('PUT', '/api/v1/me/notification-preferences', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  it("shows each person the kinds they may receive, with today's behaviour as the default", async () => {
    const tech = (await s.ada.call('GET', '/api/v1/me/notification-preferences')).body;
    const modes = Object.fromEntries(tech.kinds.map((k: { kind: string; mode: string }) => [k.kind, k.mode]));
    expect(modes).toMatchObject({
      ticket_assigned: 'immediate',
      group_ticket: 'off',
      mentioned: 'immediate',
      sla_warning: 'immediate',
      escalated: 'immediate',
      approval_waiting: 'immediate',
      comment_added: 'immediate',
    });
    expect(tech.kinds.find((k: { kind: string }) => k.kind === 'approval_waiting').note).toBeNull();
    expect(tech.digest).toMatchObject({ time: '08:00', timeZone: 'UTC', timeZoneSaved: false, pending: 0 });
    const requester = (await s.req.call('GET', '/api/v1/me/notification-preferences')).body;
    // A requester may be asked to approve (a manager of their reports), so approvals reach them too.
    expect(requester.kinds.map((k: { kind: string }) => k.kind)).toEqual([
      'approval_waiting',
      'ticket_created',
      'comment_added',
      'ticket_resolved',
    ]);
  });

  it('a kind set off sends no mail; immediate (the default) sends at once', async () => {
    await prefs('ada', { preferences: [{ kind: 'ticket_assigned', mode: 'off' }] });
    const a = await fileTicket('Printer jams');
    const b = await fileTicket('Scanner jams');
    await assign(a, { assigneeId: ids.ada });
    await assign(b, { assigneeId: ids.tess });
    await settle();
    await sink.waitFor(
      (m) => m.to.includes('tess@example.test') && m.parsed.subject?.includes('Scanner jams') === true,
    );
    expect(mailsTo('ada').filter((m) => m.parsed.subject?.includes('Printer jams'))).toEqual([]);
    // The requester's acknowledgement still went: their default is immediate.
    expect(mailsTo('req').some((m) => m.parsed.subject?.includes('Printer jams'))).toBe(true);
    await prefs('ada', { preferences: [{ kind: 'ticket_assigned', mode: 'immediate' }] });
  });

  it("a ticket coming into a group mails the members who chose it, not the assignee or the default 'off'", async () => {
    await prefs('tess', { preferences: [{ kind: 'group_ticket', mode: 'immediate' }] });
    const id = await fileTicket('VPN down');
    await assign(id, { groupId });
    await settle();
    const mail = await sink.waitFor(
      (m) => m.to.includes('tess@example.test') && m.parsed.subject?.includes('VPN down') === true,
    );
    expect(mail.parsed.subject).toBe(`[#${id}] New in Network: VPN down`);
    expect(mailsTo('ada').some((m) => m.parsed.subject?.includes('VPN down'))).toBe(false);
    await prefs('tess', { preferences: [{ kind: 'group_ticket', mode: 'off' }] });
  });

  it('an @mention in an internal note mails the staff it names who may read it, never a requester', async () => {
    const id = await fileTicket('Mail quota');
    // A requester watching the ticket may read it, but never its internal notes.
    await s.max.call('PATCH', `/api/v1/tickets/${id}`, { watcherIds: [ids.other] });
    const note = await s.tess.call('POST', `/api/v1/tickets/${id}/comments`, {
      body: 'Over quota. @ada.lovelace and @MaxManager please check; not @req, @otto.other or @tess.',
      internal: true,
    });
    expect(note.status).toBe(201);
    // A public reply's @mention is no internal-note mention: no mention mail.
    await s.tess.call('POST', `/api/v1/tickets/${id}/comments`, { body: 'Thanks @ada', internal: false });
    await settle();
    const toAda = await sink.waitFor(
      (m) => m.to.includes('ada@example.test') && m.parsed.subject?.includes('mentioned you') === true,
    );
    expect(toAda.parsed.subject).toBe(`[#${id}] Tess Tech mentioned you: Mail quota`);
    expect(toAda.parsed.text).toContain('Over quota.');
    await sink.waitFor(
      (m) => m.to.includes('max@example.test') && m.parsed.subject?.includes('mentioned you') === true,
    );
    const mentionMails = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select('to_address')
      .where('template', '=', 'mentioned')
      .where('ticket_id', '=', id)
      .orderBy('to_address')
      .execute();
    expect(mentionMails.map((m) => m.to_address)).toEqual(['ada@example.test', 'max@example.test']);
    // The requester and the watching requester got no word of the note (their public-reply mail says nothing of it).
    for (const key of ['req', 'other'])
      for (const m of mailsTo(key)) expect(m.parsed.text ?? '').not.toContain('Over quota');
  });

  it('digest collects, and two instances send one mail per person per day at the local time, DST included', async () => {
    setTime('2026-03-07T10:00:00Z'); // 05:00 in New York
    const set = await prefs('ada', {
      preferences: [
        { kind: 'ticket_assigned', mode: 'digest' },
        { kind: 'mentioned', mode: 'digest' },
      ],
      digest: { time: '08:00', timeZone: 'America/New_York' },
    });
    expect(set.digest).toMatchObject({ nextAt: '2026-03-07T13:00:00.000Z', timeZoneSaved: true });
    const before = mailsTo('ada').length;
    const x = await fileTicket('Laptop fan loud');
    const y = await fileTicket('Badge reader offline');
    await assign(x, { assigneeId: ids.ada });
    await assign(y, { assigneeId: ids.ada });
    await s.tess.call('POST', `/api/v1/tickets/${y}/comments`, { body: '@ada see logs', internal: true });
    await settle();
    expect(mailsTo('ada')).toHaveLength(before); // nothing at once
    expect((await s.ada.call('GET', '/api/v1/me/notification-preferences')).body.digest.pending).toBe(3);

    setTime('2026-03-07T12:59:59Z');
    expect(await sendDueDigests(t.ctx)).toMatchObject({ claimed: 0 });
    setTime('2026-03-07T13:00:20Z');
    const [one, two] = await bothInstances();
    expect(one.queued + two.queued).toBe(1);
    expect(one.claimed + two.claimed).toBe(1);
    expect(one.failed + two.failed).toBe(0);
    await deliverMailDue(t.ctx);
    const digest = await sink.waitFor(
      (m) =>
        m.to.includes('ada@example.test') && m.parsed.subject?.startsWith('Your help desk digest') === true,
    );
    expect(digest.parsed.subject).toBe('Your help desk digest: 3 updates on 2 tickets');
    const text = digest.parsed.text ?? '';
    expect(text).toContain(`#${x} Laptop fan loud\n${publicUrl}/tickets/${x}`);
    expect(text).toContain(`#${y} Badge reader offline\n${publicUrl}/tickets/${y}`);
    expect(text).toContain('Tess Tech mentioned you: Badge reader offline');
    // Times are local: 05:00 in New York, the moment of the assignment.
    expect(text).toMatch(/- 05:00 Assigned to you: Laptop fan loud/);
    expect(digest.parsed.html).toContain(`<a href="${publicUrl}/tickets/${y}">`);
    // A second pass of either instance, later the same day, sends nothing more.
    setTime('2026-03-07T18:00:00Z');
    expect((await bothInstances()).map((r) => r.claimed)).toEqual([0, 0]);
    await deliverMailDue(t.ctx);
    const digests = () => mailsTo('ada').filter((m) => m.parsed.subject?.startsWith('Your help desk digest'));
    expect(digests()).toHaveLength(1);
    const after = (await s.ada.call('GET', '/api/v1/me/notification-preferences')).body.digest;
    // Sunday 2026-03-08 is the spring-forward day: 08:00 EDT is 12:00Z.
    expect(after).toMatchObject({ pending: 0, nextAt: '2026-03-08T12:00:00.000Z' });

    setTime('2026-03-08T09:00:00Z');
    await assign(await fileTicket('Projector flickers'), { assigneeId: ids.ada });
    await settle();
    setTime('2026-03-08T11:59:59Z');
    await quiet();
    expect((await sendDueDigests(other.ctx)).claimed).toBe(0);
    setTime('2026-03-08T12:00:05Z');
    expect(await sendDueDigests(other.ctx)).toMatchObject({ queued: 1, failed: 0 });
    await deliverMailDue(t.ctx);
    await sink.waitFor(
      (m) =>
        m.to.includes('ada@example.test') &&
        m.parsed.subject === 'Your help desk digest: 1 update on 1 ticket',
    );
    expect(digests()).toHaveLength(2);
  });

  it('when the mail queue fails the items and the digest stay, and go out on the next pass', async () => {
    setTime('2026-03-08T20:00:00Z');
    await assign(await fileTicket('Wi-Fi drops'), { assigneeId: ids.ada });
    await settle();
    setTime('2026-03-09T12:00:10Z'); // Monday 08:00 EDT
    const refuse =
      dialect === 'sqlite'
        ? [
            sql`CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'queue down'); END`,
          ]
        : [
            sql`CREATE FUNCTION refuse_delivery() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'queue down'; END $$ LANGUAGE plpgsql`,
            sql`CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse_delivery()`,
          ];
    for (const q of refuse) await q.execute(t.ctx.db);
    try {
      expect(await sendDueDigests(t.ctx)).toMatchObject({ queued: 0, failed: 1 });
    } finally {
      await sql`DROP TRIGGER refuse_deliveries${sql.raw(dialect === 'sqlite' ? '' : ' ON deliveries')}`.execute(
        t.ctx.db,
      );
      if (dialect === 'postgres') await sql`DROP FUNCTION refuse_delivery()`.execute(t.ctx.db);
    }
    const waiting = (await s.ada.call('GET', '/api/v1/me/notification-preferences')).body.digest;
    expect(waiting).toMatchObject({ pending: 1, nextAt: '2026-03-09T12:00:00.000Z' });
    // Saving preferences while that digest is due keeps it due (not put off to tomorrow).
    const resaved = await prefs('ada', { digest: { time: '08:00', timeZone: 'America/New_York' } });
    expect(resaved.digest.nextAt).toBe('2026-03-09T12:00:00.000Z');
    await quiet();
    expect(await sendDueDigests(other.ctx)).toMatchObject({ queued: 1, failed: 0 });
    await deliverMailDue(t.ctx);
    const mail = await sink.waitFor(
      (m) => m.to.includes('ada@example.test') && (m.parsed.text ?? '').includes('Wi-Fi drops'),
    );
    expect(mail.parsed.subject).toBe('Your help desk digest: 1 update on 1 ticket');
  });

  it("an admin reads and sets another person's preferences; others may not", async () => {
    const path = `/api/v1/users/${ids.tess}/notification-preferences`;
    expect((await s.ada.call('GET', path)).status).toBe(403);
    expect((await s.max.call('PUT', path, { preferences: [] })).status).toBe(403);
    const set = await s.admin.call('PUT', path, { preferences: [{ kind: 'escalated', mode: 'digest' }] });
    expect(set.status).toBe(200);
    expect(set.body.kinds.find((k: { kind: string }) => k.kind === 'escalated').mode).toBe('digest');
    expect((await s.tess.call('GET', '/api/v1/me/notification-preferences')).body.kinds).toContainEqual(
      expect.objectContaining({ kind: 'escalated', mode: 'digest' }),
    );
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor_id', 'subject_id'])
      .where('action', '=', 'notification_preferences.updated')
      .where('subject_id', '=', String(ids.tess))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(ids.admin);
    const missing = await s.admin.call('GET', '/api/v1/users/999999/notification-preferences');
    expect(missing).toMatchObject({ status: 404, body: { code: 'user_not_found' } });
  });

  it('bad input answers a precise problem+json', async () => {
    const put = (key: string, body: unknown) =>
      s[key].call('PUT', '/api/v1/me/notification-preferences', body);
    const cases: [string, unknown, string, string][] = [
      [
        'ada',
        {
          preferences: [
            { kind: 'mentioned', mode: 'off' },
            { kind: 'pager', mode: 'off' },
          ],
        },
        'invalid_notification_preferences',
        '/preferences/1/kind',
      ],
      [
        'ada',
        {
          preferences: [
            { kind: 'mentioned', mode: 'off' },
            { kind: 'mentioned', mode: 'digest' },
          ],
        },
        'invalid_notification_preferences',
        '/preferences/1/kind',
      ],
      [
        'req',
        { preferences: [{ kind: 'ticket_assigned', mode: 'off' }] },
        'invalid_notification_preferences',
        '/preferences/0/kind',
      ],
      [
        'ada',
        { digest: { time: '24:00', timeZone: 'UTC' } },
        'invalid_notification_preferences',
        '/digest/time',
      ],
      [
        'ada',
        { digest: { time: '7:5', timeZone: 'UTC' } },
        'invalid_notification_preferences',
        '/digest/time',
      ],
      [
        'ada',
        { digest: { time: '07:30', timeZone: 'Mars/Olympus' } },
        'invalid_notification_preferences',
        '/digest/timeZone',
      ],
      [
        'ada',
        { preferences: [{ kind: 'mentioned', mode: 'sometimes' }] },
        'validation_failed',
        '/preferences/0/mode',
      ],
    ];
    for (const [key, body, code, field] of cases) {
      const res = await put(key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
      expect(res.body.errors?.map((e: { field: string }) => e.field).join(' ')).toContain(field);
    }
    // Nothing of a refused request was kept.
    const kinds = (await s.ada.call('GET', '/api/v1/me/notification-preferences')).body.kinds;
    expect(kinds.find((k: { kind: string }) => k.kind === 'mentioned').mode).toBe('digest');
  });

  it('any body: a 200 or a 400 problem+json, never a failure', async () => {
    const kind = fc.oneof(
      fc.constantFrom('mentioned', 'group_ticket', 'ticket_assigned'),
      fc.string({ maxLength: 70 }),
    );
    const body = fc.oneof(
      fc.record(
        {
          preferences: fc.array(
            fc.record({ kind, mode: fc.oneof(fc.constantFrom('off', 'immediate', 'digest'), fc.string()) }),
            { maxLength: 45 },
          ),
          digest: fc.record({
            time: fc.oneof(fc.constant('06:15'), fc.string({ maxLength: 12 })),
            timeZone: fc.oneof(fc.constantFrom('Europe/Berlin', 'UTC'), fc.string({ maxLength: 70 })),
          }),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (b, asRequester) => {
        const res = await t.app.inject({
          method: 'PUT',
          url: '/api/v1/me/notification-preferences',
          headers: {
            authorization: `Bearer ${s[asRequester ? 'other' : 'tess'].token}`,
            'content-type': 'application/json',
          },
          payload: JSON.stringify(b) ?? 'null',
        });
        expect([200, 400]).toContain(res.statusCode);
        if (res.statusCode !== 200) expect(res.headers['content-type']).toContain('application/problem+json');
      }),
      { numRuns: 40 },
    );
  });
});
