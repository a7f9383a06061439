// The readiness report on SQLite and PostgreSQL: on-call people without a working contact method, with the
// reasons — none at all, none verified, only a channel that cannot send (sms without a gateway), a last delivery
// that failed. The domain function is fed a list of upcoming on-call people; the route reads real schedules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser } from '../../src/core/auth/index.js';
import { deliveryWorker } from '../../src/notify/index.js';
import { readinessReport, type UpcomingOnCall } from '../../src/oncall/index.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const day = 86_400_000;

describe.each(dialects)('the readiness report on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let ok: Receiver;
  let refusing: Receiver;

  beforeAll(async () => {
    ok = await startReceiver(200);
    refusing = await startReceiver(404);
    t = await makeApp(dialect, {
      OPSDESK_SESSION_TTL_HOURS: '2160',
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      OPSDESK_WEBHOOK_TIMEOUT_MS: '2000',
    });
    manager = await userSession(t.app, t.ctx, 'manager');
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([ok?.close(), refusing?.close()]);
  });

  const managerActor = async () =>
    actorForUser(
      await t.ctx.db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'role'])
        .where('id', '=', manager.userId)
        .executeTakeFirstOrThrow()
        .then((u) => ({ ...u, groupIds: [] })),
    );

  async function chatMethod(who: Session, url: string, test: boolean) {
    const m = await who.call('POST', `/api/v1/users/${who.userId}/contact-methods`, {
      kind: 'chat',
      target: url,
    });
    if (test) {
      await who.call('POST', `/api/v1/users/${who.userId}/contact-methods/${m.body.id}/test`);
      await deliveryWorker(t.ctx).runDue();
    }
    return m.body.id as number;
  }

  it('lists the on-call people who could not be reached, with the reasons, soonest first', async () => {
    const none = await userSession(t.app, t.ctx, 'technician');
    const ready = await userSession(t.app, t.ctx, 'technician');
    const unverified = await userSession(t.app, t.ctx, 'technician');
    const smsOnly = await userSession(t.app, t.ctx, 'technician');
    const failing = await userSession(t.app, t.ctx, 'technician');
    const offDuty = await userSession(t.app, t.ctx, 'technician');
    const gone = await userSession(t.app, t.ctx, 'technician');
    await chatMethod(gone, ok.url, true);
    await t.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', gone.userId).execute();
    await chatMethod(ready, ok.url, true);
    await chatMethod(unverified, ok.url, false);
    await smsOnly.call('POST', `/api/v1/users/${smsOnly.userId}/contact-methods`, {
      kind: 'sms',
      target: '+4915112345678',
    });
    const failed = await chatMethod(failing, refusing.url, true);
    // offDuty has nothing either, but is not on call: not listed.
    const now = t.clock.now();
    const upcoming: UpcomingOnCall = async (_ctx, from, to) => {
      expect([from, to]).toEqual([now, now + 7 * day]);
      return [
        { userId: failing.userId, scheduleId: 2, start: now + 3 * day },
        { userId: none.userId, scheduleId: 1, start: now - day }, // on call now
        { userId: none.userId, scheduleId: 2, start: now + 5 * day },
        { userId: ready.userId, scheduleId: 1, start: now + day },
        { userId: unverified.userId, scheduleId: 1, start: now + 2 * day },
        { userId: smsOnly.userId, scheduleId: 3, start: now + 4 * day },
        { userId: gone.userId, scheduleId: 3, start: now + 6 * day },
      ];
    };
    const report = await readinessReport(t.ctx, await managerActor(), { days: 7 }, upcoming);
    expect(report.onCallPeople).toBe(6);
    expect(
      report.unreachable.map((e) => [
        e.userId,
        e.firstOnCallAt - now,
        e.scheduleIds,
        e.reasons.map((r) => r.code),
      ]),
    ).toEqual([
      [none.userId, 0, [1, 2], ['no_contact_methods']],
      [unverified.userId, 2 * day, [1], ['not_verified']],
      [failing.userId, 3 * day, [2], ['not_verified', 'last_delivery_failed']],
      [smsOnly.userId, 4 * day, [3], ['not_verified', 'channel_disabled']],
      // A working chat method, but a deactivated account is never paged.
      [gone.userId, 6 * day, [3], ['account_inactive']],
    ]);
    expect(report.unreachable.find((e) => e.userId === failing.userId)?.reasons[1].contactMethodIds).toEqual([
      failed,
    ]);
    expect(report.unreachable.some((e) => e.userId === offDuty.userId)).toBe(false);
  });

  it('asks only managers, and for 1 to 90 days', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const upcoming: UpcomingOnCall = async () => [];
    const techActor = actorForUser({
      id: tech.userId,
      email: 'x@example.test',
      name: 'x',
      role: 'technician',
      groupIds: [],
    });
    await expect(readinessReport(t.ctx, techActor, { days: 7 }, upcoming)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(readinessReport(t.ctx, await managerActor(), { days: 0 }, upcoming)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect((await tech.call('GET', '/api/v1/oncall/readiness')).status).toBe(403);
    expect((await manager.call('GET', '/api/v1/oncall/readiness?days=91')).status).toBe(400);
    expect((await manager.call('GET', '/api/v1/oncall/readiness?days=abc')).status).toBe(400);
  });

  it('the route reads real schedules: an on-call person with no contact method is listed', async () => {
    const alice = await userSession(t.app, t.ctx, 'technician');
    const bob = await userSession(t.app, t.ctx, 'technician');
    await chatMethod(alice, ok.url, true);
    const created = await manager.call('POST', '/api/v1/schedules', {
      name: 'Readiness weekly',
      timeZone: 'Europe/Berlin',
      layers: [
        {
          kind: 'rotation',
          name: 'Weekly',
          start: '2026-03-02T09:00',
          end: null,
          turn: { unit: 'week', count: 1 },
          participants: [alice.userId, bob.userId],
          restrictions: [],
        },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // Alice is on call this week, Bob from next Monday: 3 days see only Alice, 10 days both.
    const short = await manager.call('GET', '/api/v1/oncall/readiness?days=3');
    expect(short.status, JSON.stringify(short.body)).toBe(200);
    expect(short.body.items.some((e: { userId: number }) => e.userId === bob.userId)).toBe(false);
    expect(short.body.items.some((e: { userId: number }) => e.userId === alice.userId)).toBe(false);
    const long = await manager.call('GET', '/api/v1/oncall/readiness?days=10');
    const entry = long.body.items.find((e: { userId: number }) => e.userId === bob.userId);
    expect(entry).toMatchObject({
      scheduleIds: [created.body.id],
      firstOnCallAt: '2026-03-09T08:00:00.000Z',
      reasons: [{ code: 'no_contact_methods', contactMethodIds: [] }],
    });
    expect(long.body.items.some((e: { userId: number }) => e.userId === alice.userId)).toBe(false);
  });
});
