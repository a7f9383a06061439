// Status pages on both databases, through the domain functions: a component shows its target's state unless an
// active announcement's impact overrides it; maintenance and uptime bars; sign-in pages hidden from anonymous
// readers; mail subscriptions need their confirmation link before any notice; webhook subscribers get signed
// notices and anonymous ones may not name an internal address; every notice carries an unsubscribe link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, createUser } from '../../src/core/auth/index.js';
import {
  announceMaintenance,
  confirmSubscription,
  createStatusPage,
  portalBanner,
  postStatusIncident,
  type StatusPagePorts,
  subscribe,
  unsubscribe,
  updateStatusIncident,
  updateStatusPage,
  viewStatusPage,
} from '../../src/monitoring/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

/** Monitoring targets as the targets part would leave them (its functions are not on this branch). */
async function insertTarget(t: TestContext, name: string, state: 'up' | 'down' | 'pending' | 'paused') {
  const now = t.clock.now();
  const row = await t.ctx.db
    .insertInto('monitoring_targets')
    .values({
      name,
      kind: 'service',
      description: '',
      tags: '[]',
      state,
      state_since: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Uptime served by a port: every day 1, except the target named fails half of yesterday. */
function uptimePort(halfDownTarget: number): StatusPagePorts {
  return {
    dailyUptime: async (_ctx, ids, _to, days) =>
      new Map(
        ids.map((id) => [
          id,
          Array.from({ length: days }, (_, d) =>
            d === days - 2 && id === halfDownTarget ? 0.5 : d < 10 ? null : 1,
          ),
        ]),
      ),
  };
}

async function deliveries(t: TestContext) {
  return t.ctx.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
}

describe.each(dialects)('status pages on %s', (dialect) => {
  let t: TestContext;
  let manager: Actor;
  let requester: Actor;
  let vpn: number;
  let mail: number;
  let pageId: number;
  const components: Record<string, number> = {};

  beforeAll(async () => {
    t = await makeContext(dialect, { OPSDESK_SMTP_OUT_URL: 'smtp://127.0.0.1:9' });
    const actor = async (role: 'manager' | 'requester') => {
      const u = await createUser(t.ctx, null, {
        email: `${role}@example.test`,
        name: role,
        role,
        password: 'status-page-pw',
      });
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        role,
        groupIds: [],
        via: 'bearer',
        csrfToken: null,
      } as Actor;
    };
    manager = await actor('manager');
    requester = await actor('requester');
    vpn = await insertTarget(t, 'vpn-gw', 'up');
    mail = await insertTarget(t, 'mail-relay', 'down');
    const page = await createStatusPage(t.ctx, manager, {
      slug: 'it',
      title: 'IT services',
      audience: 'public',
      components: [
        { targetId: vpn, displayName: 'VPN', section: 'Remote work' },
        { targetId: mail, displayName: 'Mail', section: 'Collaboration' },
      ],
    });
    pageId = page.id;
    for (const c of page.components) components[c.displayName] = c.id;
  });
  afterAll(async () => t?.close());

  it("shows each component's target state, the worst as the page's, and uptime bars from the targets part", async () => {
    const view = await viewStatusPage(t.ctx, null, 'it', uptimePort(vpn));
    expect(view.sections.map((s) => s.name)).toEqual(['Remote work', 'Collaboration']);
    const [vpnView] = view.sections[0].components;
    expect(vpnView).toMatchObject({ name: 'VPN', state: 'operational' });
    expect(vpnView.uptime).toHaveLength(90);
    expect(vpnView.uptimePercent).toBeCloseTo(((79 + 0.5) / 80) * 100, 5);
    expect(view.sections[1].components[0].state).toBe('major_outage');
    expect(view.overall).toBe('major_outage');
  });

  it('when uptime cannot be read the page still answers, its bars unavailable', async () => {
    const failing: StatusPagePorts = {
      dailyUptime: async () => {
        throw new Error('not built yet');
      },
    };
    const view = await viewStatusPage(t.ctx, null, 'it', failing);
    expect(view.sections[0].components[0].uptime).toBeNull();
  });

  it("an active announcement's impact overrides its components' states until it is resolved", async () => {
    t.clock.set(Date.parse('2026-03-02T09:12:00Z'));
    const posted = await postStatusIncident(t.ctx, manager, pageId, {
      title: 'VPN degraded',
      impact: 'minor',
      message: 'Connections drop after a few minutes; we are on it.',
      componentIds: [components.VPN],
    });
    expect(posted.state).toBe('investigating');
    let view = await viewStatusPage(t.ctx, null, 'it', uptimePort(vpn));
    expect(view.sections[0].components[0].state).toBe('degraded');
    expect(view.activeIncidents.map((i) => i.title)).toEqual(['VPN degraded']);
    expect(view.activeIncidents[0].updates[0].message).toMatch(/drop/);

    const banner = await portalBanner(t.ctx, requester);
    expect(banner).toEqual([
      expect.objectContaining({
        title: 'VPN degraded',
        pageSlug: 'it',
        components: ['VPN'],
        impact: 'minor',
      }),
    ]);

    t.clock.advance(20 * 60_000);
    await updateStatusIncident(t.ctx, manager, pageId, posted.id, {
      message: 'A faulty line card; swapping it.',
      state: 'identified',
      impact: 'major',
    });
    view = await viewStatusPage(t.ctx, null, 'it', uptimePort(vpn));
    expect(view.sections[0].components[0].state).toBe('partial_outage');
    expect(view.activeIncidents[0].updates.map((u) => u.state)).toEqual(['identified', 'investigating']);

    t.clock.advance(20 * 60_000);
    await updateStatusIncident(t.ctx, manager, pageId, posted.id, { message: 'Fixed.', state: 'resolved' });
    view = await viewStatusPage(t.ctx, null, 'it', uptimePort(vpn));
    expect(view.sections[0].components[0].state).toBe('operational');
    expect(view.activeIncidents).toEqual([]);
    expect(view.history.map((i) => i.title)).toEqual(['VPN degraded']);
    expect(await portalBanner(t.ctx, requester)).toEqual([]);
    await expect(
      updateStatusIncident(t.ctx, manager, pageId, posted.id, { message: 'again' }),
    ).rejects.toMatchObject({ code: 'status_incident_resolved' });
  });

  it('scheduled maintenance covering a component is listed, and marks it while current', async () => {
    const now = t.clock.now();
    await t.ctx.db
      .insertInto('monitoring_maintenance_windows')
      .values([
        {
          name: 'Mail relay patching',
          description: '',
          time_zone: 'UTC',
          target_ids: JSON.stringify([mail]),
          starts_at: now - 60_000,
          ends_at: now + 3_600_000,
          created_at: now,
          updated_at: now,
        },
        {
          name: 'VPN firmware',
          description: '',
          time_zone: 'UTC',
          target_ids: JSON.stringify([vpn]),
          starts_at: now + 86_400_000,
          ends_at: now + 90_000_000,
          created_at: now,
          updated_at: now,
        },
        {
          name: 'Over already',
          description: '',
          time_zone: 'UTC',
          target_ids: '[]',
          starts_at: now - 7_200_000,
          ends_at: now - 3_600_000,
          created_at: now,
          updated_at: now,
        },
      ])
      .execute();
    const view = await viewStatusPage(t.ctx, null, 'it', uptimePort(vpn));
    expect(view.maintenance.map((m) => [m.name, m.current, m.componentIds])).toEqual([
      ['Mail relay patching', true, [components.Mail]],
      ['VPN firmware', false, [components.VPN]],
    ]);
    expect(view.sections[1].components[0].state).toBe('maintenance');
  });

  it('a sign-in page is hidden from anonymous readers as if it did not exist', async () => {
    await updateStatusPage(t.ctx, manager, pageId, { audience: 'signed_in' });
    await expect(viewStatusPage(t.ctx, null, 'it', uptimePort(vpn))).rejects.toMatchObject({
      code: 'status_page_not_found',
    });
    expect((await viewStatusPage(t.ctx, requester, 'it', uptimePort(vpn))).title).toBe('IT services');
    await expect(
      subscribe(t.ctx, null, 'it', { kind: 'mail', email: 'a@example.org' }),
    ).rejects.toMatchObject({ code: 'status_page_not_found' });
    await updateStatusPage(t.ctx, manager, pageId, { audience: 'public' });
  });

  it('mail subscribers confirm first; notices then carry an unsubscribe link, which ends them', async () => {
    const before = (await deliveries(t)).length;
    const s = await subscribe(t.ctx, null, 'it', { kind: 'mail', email: 'Reader@Example.org' });
    expect(s.confirmed).toBe(false);
    const confirmMail = (await deliveries(t)).slice(before);
    expect(confirmMail).toHaveLength(1);
    expect(confirmMail[0]).toMatchObject({
      channel: 'mail',
      target: 'reader@example.org',
      kind: 'status_page.confirm',
    });
    const token = /\?confirm=([A-Za-z0-9_-]+)/.exec(JSON.parse(confirmMail[0].payload).text)?.[1] as string;

    // Not confirmed yet: an announcement sends it nothing.
    const first = await postStatusIncident(t.ctx, manager, pageId, {
      title: 'Mail slow',
      impact: 'minor',
      message: 'Queues are long.',
      componentIds: [components.Mail],
    });
    expect((await deliveries(t)).slice(before + 1)).toEqual([]);

    expect(await confirmSubscription(t.ctx, token)).toEqual({ slug: 'it' });
    await expect(confirmSubscription(t.ctx, token)).rejects.toMatchObject({
      code: 'subscription_link_invalid',
    });
    await updateStatusIncident(t.ctx, manager, pageId, first.id, {
      message: 'Queues drained.',
      state: 'resolved',
    });
    const notices = (await deliveries(t)).slice(before + 1);
    expect(notices.map((d) => [d.channel, d.kind, d.target])).toEqual([
      ['mail', 'status_page.incident.resolved', 'reader@example.org'],
    ]);
    const text = JSON.parse(notices[0].payload).text as string;
    expect(text).toContain('Queues drained.');
    const unsub = /\?unsubscribe=([A-Za-z0-9_-]+)/.exec(text)?.[1] as string;
    expect(await unsubscribe(t.ctx, unsub)).toEqual({ slug: 'it' });
    await postStatusIncident(t.ctx, manager, pageId, {
      title: 'Again',
      impact: 'none',
      message: 'Heads-up.',
      componentIds: [],
    });
    expect((await deliveries(t)).slice(before + 2)).toEqual([]);
  });

  it('webhook subscribers get signed notices on the delivery pipeline; anonymous ones may not name internal addresses', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://10.0.0.5/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest',
    ])
      await expect(subscribe(t.ctx, null, 'it', { kind: 'webhook', url })).rejects.toMatchObject({
        kind: 'invalid',
      });
    await expect(
      subscribe(t.ctx, null, 'it', { kind: 'webhook', url: 'ftp://93.184.215.14/x' }),
    ).rejects.toMatchObject({ kind: 'invalid' });
    const s = await subscribe(t.ctx, null, 'it', { kind: 'webhook', url: 'http://93.184.215.14/hook' });
    expect(s.secret).toMatch(/^[0-9a-f]{48}$/);
    await expect(
      subscribe(t.ctx, null, 'it', { kind: 'webhook', url: 'http://93.184.215.14/hook' }),
    ).rejects.toMatchObject({ code: 'invalid_subscription_target' });
    const before = (await deliveries(t)).length;
    await postStatusIncident(t.ctx, manager, pageId, {
      title: 'Printing down',
      impact: 'critical',
      message: 'All printers offline.',
      componentIds: [components.Mail],
    });
    const queued = (await deliveries(t)).slice(before);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      channel: 'page',
      target: 'http://93.184.215.14/hook',
      kind: 'status_page.incident.posted',
      state: 'pending',
    });
    const payload = JSON.parse(queued[0].payload);
    expect(payload).toMatchObject({ format: 'webhook', secret: s.secret });
    expect(payload.body).toMatchObject({
      type: 'status_page.incident.posted',
      page: { slug: 'it' },
      incident: { title: 'Printing down', impact: 'critical', components: ['Mail'] },
    });
  });

  it('announcing maintenance tells subscribers once per version of the window; a window not covering the page is refused', async () => {
    const now = t.clock.now();
    const inserted = await t.ctx.db
      .insertInto('monitoring_maintenance_windows')
      .values([
        {
          name: 'VPN concentrator swap',
          description: 'Remote access is down for 15 minutes.',
          time_zone: 'UTC',
          target_ids: JSON.stringify([vpn]),
          starts_at: now + 3_600_000,
          ends_at: now + 4_500_000,
          created_at: now,
          updated_at: now,
        },
        {
          name: 'Elsewhere',
          description: '',
          time_zone: 'UTC',
          target_ids: JSON.stringify([999_999]),
          starts_at: now + 3_600_000,
          ends_at: now + 4_500_000,
          created_at: now,
          updated_at: now,
        },
      ])
      .returning('id')
      .execute();
    const before = (await deliveries(t)).length;
    expect(await announceMaintenance(t.ctx, manager, pageId, inserted[0].id)).toEqual({ queued: 1 });
    expect(await announceMaintenance(t.ctx, manager, pageId, inserted[0].id)).toEqual({ queued: 0 });
    const queued = (await deliveries(t)).slice(before);
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0].payload).body).toMatchObject({
      type: 'status_page.maintenance.announced',
      maintenance: { name: 'VPN concentrator swap', components: ['VPN'] },
    });
    // Made sign-in only, the page tells nobody who subscribed anonymously.
    await updateStatusPage(t.ctx, manager, pageId, { audience: 'signed_in' });
    await t.ctx.db
      .updateTable('monitoring_maintenance_windows')
      .set({ updated_at: now + 1 })
      .where('id', '=', inserted[0].id)
      .execute();
    expect(await announceMaintenance(t.ctx, manager, pageId, inserted[0].id)).toEqual({ queued: 0 });
    await updateStatusPage(t.ctx, manager, pageId, { audience: 'public' });
    await expect(announceMaintenance(t.ctx, manager, pageId, inserted[1].id)).rejects.toMatchObject({
      code: 'status_maintenance_not_found',
    });
    await expect(announceMaintenance(t.ctx, requester, pageId, inserted[0].id)).rejects.toMatchObject({
      kind: 'forbidden',
    });
  });
});
