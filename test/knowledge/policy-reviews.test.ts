// Policy reviews on both databases, on a fake clock: recording a review moves the next one an interval on;
// the manager's list of reviews due (and the owner's own); one reminder mail to the owner per due date, however
// often and from however many instances the job runs; a new due date after a review is reminded again.
// Also a fuzz of the policy routes' bodies and queries: bad input is refused, never a 5xx.
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor, updateUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Role } from '../../src/core/db/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import {
  queueReviewReminders,
  registerKnowledge,
  reviewReminderLeadDays,
  runKnowledgeCycle,
} from '../../src/knowledge/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const dayMs = 86_400_000;

describe.each(dialects)('policy reviews on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let owner: Session;
  let otherTech: Session;
  let requester: Session;

  const policy = async (body: Record<string, unknown> = {}) => {
    const r = await manager.call('POST', '/api/v1/articles', {
      title: `Acceptable use ${Math.random().toString(36).slice(2)}`,
      body: 'Use company equipment for company work.',
      kind: 'policy',
      audience: 'public',
      status: 'published',
      ownerId: owner.userId,
      effectiveAt: new Date(t.clock.now()).toISOString(),
      reviewIntervalDays: 90,
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: number; nextReviewAt: string };
  };
  /** The reminders queued for one article (one per due date is the promise). */
  const reminders = async (id: number) =>
    t.ctx.db
      .selectFrom('deliveries')
      .select(['target', 'user_id', 'state', 'last_reason', 'payload', 'idempotency_key'])
      .where('kind', '=', 'kb.review_reminder')
      .where('idempotency_key', 'like', `message:opsdesk.kb.review.${id}.%`)
      .orderBy('id')
      .execute();

  const password = 'correct horse battery';
  const people: Record<'manager' | 'owner' | 'otherTech' | 'requester', Role> = {
    manager: 'manager',
    owner: 'technician',
    otherTech: 'technician',
    requester: 'requester',
  };
  const email = (who: string) => `${who}@reviews.example.test`;
  /** Sessions end as the fake clock runs on (months here): everyone signs in again at the new time. */
  const signInAll = async () => {
    manager = await signIn(t.app, email('manager'), password);
    owner = await signIn(t.app, email('owner'), password);
    otherTech = await signIn(t.app, email('otherTech'), password);
    requester = await signIn(t.app, email('requester'), password);
  };
  const at = async (ms: number) => {
    t.clock.set(ms);
    await signInAll();
  };

  beforeAll(async () => {
    t = await makeApp(dialect);
    for (const [who, role] of Object.entries(people))
      await createUser(t.ctx, null, {
        email: email(who),
        name: `${role} ${who}`,
        role,
        password,
        groupIds: [],
      });
    await signInAll();
  });
  afterAll(() => t?.close());

  it('lists reviews due within N days, soonest first, for managers; the owner sees their own', async () => {
    const start = t.clock.now();
    const soon = await policy({ reviewIntervalDays: 20 });
    const later = await policy({ reviewIntervalDays: 60 });
    const mine = await manager.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=30');
    expect(mine.status).toBe(200);
    const ids = mine.body.items.map((i: { id: number }) => i.id);
    expect(ids).toContain(soon.id);
    expect(ids).not.toContain(later.id);
    const item = mine.body.items.find((i: { id: number }) => i.id === soon.id);
    expect(item).toMatchObject({
      kind: 'policy',
      status: 'published',
      ownerId: owner.userId,
      overdue: false,
      lastReviewedAt: null,
      nextReviewAt: new Date(start + 20 * dayMs).toISOString(),
    });
    expect(item.ownerName).toMatch(/technician/);
    const wide = await manager.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=90');
    const order = wide.body.items.map((i: { id: number }) => i.id);
    expect(order.indexOf(soon.id)).toBeLessThan(order.indexOf(later.id));

    expect((await owner.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=90')).status).toBe(403);
    const own = await owner.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=90&mine=true');
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { id: number }) => i.id)).toEqual(
      expect.arrayContaining([soon.id, later.id]),
    );
    const others = await otherTech.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=90&mine=true');
    expect(others.body.items).toEqual([]);
    expect((await requester.call('GET', '/api/v1/knowledge/reviews?mine=true')).status).toBe(403);

    // Past its date it is overdue, and pages of one walk the list in the same order.
    await at(t.clock.now() + 21 * dayMs);
    const overdue = await manager.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=0');
    expect(overdue.body.items.find((i: { id: number }) => i.id === soon.id)?.overdue).toBe(true);
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await manager.call(
        'GET',
        `/api/v1/knowledge/reviews?dueWithinDays=90&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      walked.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await manager.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=90&limit=200');
    expect(walked).toEqual(all.body.items.map((i: { id: number }) => i.id));
    // Reviewed, it leaves the list until its next date comes near.
    const reviewed = await owner.call('POST', `/api/v1/articles/${soon.id}/review`, { note: 'still right' });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    const after = await manager.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=0');
    expect(after.body.items.map((i: { id: number }) => i.id)).not.toContain(soon.id);
  });

  it('records a review: the owner or a manager, the next review one interval on, audited', async () => {
    const p = await policy({ reviewIntervalDays: 30 });
    await at(t.clock.now() + 10 * dayMs);
    const now = t.clock.now();
    expect((await otherTech.call('POST', `/api/v1/articles/${p.id}/review`, {})).status).toBe(403);
    expect((await requester.call('POST', `/api/v1/articles/${p.id}/review`, {})).status).toBe(403);
    const r = await owner.call('POST', `/api/v1/articles/${p.id}/review`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.lastReviewedAt).toBe(new Date(now).toISOString());
    expect(r.body.nextReviewAt).toBe(new Date(now + 30 * dayMs).toISOString());
    const byManager = await manager.call('POST', `/api/v1/articles/${p.id}/review`, { note: 'fine' });
    expect(byManager.status).toBe(200);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'article.reviewed')
      .where('subject_id', '=', String(p.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual([owner.userId, manager.userId]);
    expect(JSON.parse(String(audit[1]?.details)).note).toBe('fine');

    const faq = await manager.call('POST', '/api/v1/articles', {
      title: 'Printer FAQ',
      body: 'x',
      kind: 'faq',
      audience: 'public',
      status: 'published',
    });
    const notPolicy = await manager.call('POST', `/api/v1/articles/${faq.body.id}/review`, {});
    expect(notPolicy.status).toBe(409);
    expect(notPolicy.body.code).toBe('article_not_policy');
    expect((await manager.call('POST', '/api/v1/articles/999999/review', {})).status).toBe(404);
  });

  it('queues one reminder to the owner per due date, whichever instance runs and however often', async () => {
    const p = await policy({ reviewIntervalDays: 90 });
    const due = Date.parse(p.nextReviewAt);
    // Far from due: nothing.
    await runKnowledgeCycle(t.ctx);
    expect(await reminders(p.id)).toEqual([]);
    // Inside the lead time: one, even with the job run again and from a second instance at the same moment.
    await at(due - (reviewReminderLeadDays - 1) * dayMs);
    const other = await t.openAnother(new ManualClock(t.clock.now()));
    try {
      // PostgreSQL: at the same moment; SQLite is one process (one instance), so one after the other.
      if (t.ctx.caps.supportsSkipLocked)
        await Promise.all([queueReviewReminders(t.ctx), queueReviewReminders(other.ctx)]);
      else for (const c of [t.ctx, other.ctx]) await queueReviewReminders(c);
      await runKnowledgeCycle(t.ctx);
      await runKnowledgeCycle(other.ctx);
    } finally {
      await other.close();
    }
    const sent = await reminders(p.id);
    expect(sent).toHaveLength(1);
    const ownerRow = await t.ctx.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', owner.userId)
      .executeTakeFirstOrThrow();
    expect(sent[0]).toMatchObject({ target: ownerRow.email, user_id: owner.userId });
    // No outbound mail configured: recorded, with the reason, as other domains' mail is.
    expect(sent[0]?.state).toBe('disabled');
    expect(sent[0]?.last_reason).toBe('disabled');
    const payload = JSON.parse(String(sent[0]?.payload));
    expect(payload.subject).toContain('Review due on');
    // The due day as the owner reads it: no language or zone of their own, the organisation's (English, UTC).
    expect(payload.text).toContain(
      new Date(due).toLocaleDateString('en-US', {
        month: 'short',
        day: 'numeric',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    );

    // Overdue now, but that due date was reminded of: still one.
    await at(due + 3 * dayMs);
    await runKnowledgeCycle(t.ctx);
    expect(await reminders(p.id)).toHaveLength(1);

    // Reviewed: the next due date is reminded of again, once.
    const r = await owner.call('POST', `/api/v1/articles/${p.id}/review`, {});
    const nextDue = Date.parse(r.body.nextReviewAt);
    expect(nextDue).toBe(t.clock.now() + 90 * dayMs);
    await runKnowledgeCycle(t.ctx);
    expect(await reminders(p.id)).toHaveLength(1);
    await at(nextDue - dayMs);
    await runKnowledgeCycle(t.ctx);
    await runKnowledgeCycle(t.ctx);
    expect(await reminders(p.id)).toHaveLength(2);
  });

  it('an overdue policy never reminded gets one reminder, marked overdue; an archived one none', async () => {
    const p = await policy({
      effectiveAt: new Date(t.clock.now() - 400 * dayMs).toISOString(),
      reviewIntervalDays: 365,
    });
    const archived = await policy({
      effectiveAt: new Date(t.clock.now() - 400 * dayMs).toISOString(),
      reviewIntervalDays: 365,
    });
    expect(
      (await manager.call('PUT', `/api/v1/articles/${archived.id}/status`, { status: 'archived' })).status,
    ).toBe(200);
    await runKnowledgeCycle(t.ctx);
    await runKnowledgeCycle(t.ctx);
    const sent = await reminders(p.id);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(String(sent[0]?.payload)).subject).toMatch(/^Review overdue: /);
    expect(await reminders(archived.id)).toEqual([]);
  });

  it('does not mail an owner who has left; the policy stays on the list of reviews due', async () => {
    const leaver = await createUser(t.ctx, null, {
      email: `leaver-${dialect}@reviews.example.test`,
      name: 'Leaver',
      role: 'technician',
      password,
      groupIds: [],
    });
    const p = await policy({
      ownerId: leaver.id,
      effectiveAt: new Date(t.clock.now() - 100 * dayMs).toISOString(),
      reviewIntervalDays: 90,
    });
    await updateUser(t.ctx, systemActor(0), leaver.id, { active: false });
    await runKnowledgeCycle(t.ctx);
    expect(await reminders(p.id)).toEqual([]);
    const due = await manager.call('GET', '/api/v1/knowledge/reviews?dueWithinDays=0&limit=200');
    expect(due.body.items.find((i: { id: number }) => i.id === p.id)).toMatchObject({ overdue: true });
  });

  it('registers one periodic knowledge job', async () => {
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    registerKnowledge(t.ctx, jobs);
    expect(jobs.names()).toEqual(['knowledge.policies']);
    await jobs.stop();
  });

  it('never answers a bad body or query with a 5xx', async () => {
    const p = await policy();
    const json = fc.jsonValue({ maxDepth: 3 });
    const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constant(''));
    const query = fc
      .dictionary(fc.constantFrom('dueWithinDays', 'mine', 'limit', 'cursor', 'x'), queryValue, {
        maxKeys: 4,
      })
      .map((q) => new URLSearchParams(q).toString());
    await fc.assert(
      fc.asyncProperty(
        json,
        query,
        fc.constantFrom(String(p.id), '0', '-1', 'abc', '99999999999', '1.5'),
        async (body, q, id) => {
          const calls = [
            manager.call('POST', `/api/v1/articles/${id}/review`, body),
            owner.call('POST', `/api/v1/articles/${id}/acknowledgement`, body),
            manager.call('GET', `/api/v1/knowledge/reviews?${q}`),
            owner.call('GET', `/api/v1/knowledge/reviews?${q}`),
            manager.call('GET', `/api/v1/articles/${id}/acknowledgements?${q}`),
            requester.call('GET', `/api/v1/articles/${id}/acknowledgement?${q}`),
            requester.call('GET', `/api/v1/knowledge/service-agreement?${q}`),
          ];
          for (const r of await Promise.all(calls))
            expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
