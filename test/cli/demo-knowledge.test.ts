// The demo organisation's knowledge base on both databases: the categories and the FAQs, guides, runbooks
// and policies it promises, the right audiences and statuses, reviews due, tickets solved and requests
// answered — and a requester typing "vpn keeps disconnecting" sees the VPN FAQ first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/core/auth/index.js';
import { demoAccounts, demoPassword, loadDemoOrganisation } from '../../src/demo/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const day = 86_400_000;

const promised = [
  'Reset a forgotten password or unlock your account',
  'Set up multi-factor sign-in (MFA), or move it to a new phone',
  'VPN keeps disconnecting',
  'Install and connect the VPN client',
  'Printer shows offline',
  'Add a printer',
  'Print jobs stuck in the queue',
  'Set up work email on your phone',
  'Mailbox full: free up space',
  'Get access to a shared mailbox',
  'Share your calendar or open a colleague’s',
  'Wi-Fi in the offices: staff and guest networks',
  'Request a new laptop or replace a broken one',
  'Request or install software',
  'Teams calls: no sound, echo or the microphone does not work',
  'Your first day: IT onboarding guide',
  'Employee IT manual',
];

describe.each(dialects)('the demo knowledge base on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let requester: Session;
  let now: number;

  const article = (title: string) =>
    t.ctx.db.selectFrom('articles').selectAll().where('title', '=', title).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await makeApp(dialect);
    now = t.clock.now();
    // A smaller story than the real demo's (the knowledge base is the same): fast enough for a test.
    await loadDemoOrganisation(t.ctx, {
      ticketCount: 160,
      requesterCount: 20,
      passwordHash: await hashPassword(demoPassword),
    });
    const email = (role: string) => demoAccounts.find((a) => a.role === role)?.email as string;
    manager = await signIn(t.app, email('manager'), demoPassword);
    requester = await signIn(t.app, email('requester'), demoPassword);
  }, 240_000);
  afterAll(async () => t?.close());

  it('has the nine categories and the promised public FAQs, guides and manuals, published', async () => {
    const cats = await manager.call('GET', '/api/v1/knowledge/categories');
    expect(cats.status).toBe(200);
    expect(cats.body.items.map((c: { name: string }) => c.name)).toEqual([
      'Accounts and passwords',
      'Network and VPN',
      'Email and calendar',
      'Printing',
      'Hardware',
      'Software',
      'Security',
      'Operations',
      'Policies',
    ]);
    for (const title of promised) {
      const a = await article(title);
      expect([a.audience, a.status], title).toEqual(['public', 'published']);
      expect(a.category_id, title).not.toBeNull();
    }
  });

  it('keeps runbooks internal and vendor contacts for managers; one draft and one in review', async () => {
    for (const title of ['On-call runbook', 'Disk full on a Linux server', 'Renew a TLS certificate'])
      expect((await article(title)).audience).toBe('internal');
    expect((await article('Change procedure')).audience).toBe('internal');
    expect((await article('Vendor escalation contacts')).audience).toBe('managers');
    const statuses = await t.ctx.db.selectFrom('articles').select('status').execute();
    expect(statuses.filter((s) => s.status === 'draft')).toHaveLength(1);
    expect(statuses.filter((s) => s.status === 'in_review')).toHaveLength(1);
    // Requesters never see what is not theirs.
    const seen = await requester.call('GET', '/api/v1/articles?limit=100');
    expect(seen.status).toBe(200);
    const audiences = new Set(seen.body.items.map((i: { audience: string }) => i.audience));
    expect([...audiences]).toEqual(['public']);
    expect(seen.body.items.every((i: { status: string }) => i.status === 'published')).toBe(true);
  });

  it('has policies owned by the manager, to acknowledge, one review overdue and one due within two weeks', async () => {
    const policies = await t.ctx.db
      .selectFrom('articles as a')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .select(['a.title', 'a.next_review_at', 'a.requires_ack', 'a.review_interval_days', 'u.role'])
      .where('a.kind', '=', 'policy')
      .execute();
    expect(policies.map((p) => p.title).sort()).toEqual([
      'Acceptable use policy',
      'Password policy',
      'Remote work security policy',
    ]);
    for (const p of policies) {
      expect(p.role).toBe('manager');
      expect(p.requires_ack).toBe(1);
      expect(p.review_interval_days).toBe(365);
    }
    const reviews = policies.map((p) => Number(p.next_review_at));
    expect(reviews.filter((r) => r < now)).toHaveLength(1);
    expect(reviews.filter((r) => r >= now && r <= now + 14 * day)).toHaveLength(1);
  });

  it('puts the VPN FAQ first for a requester typing "vpn keeps disconnecting"', async () => {
    const r = await requester.call('GET', '/api/v1/articles/suggest?text=vpn%20keeps%20disconnecting');
    expect(r.status).toBe(200);
    expect(r.body.items[0].title).toBe('VPN keeps disconnecting');
    expect(r.body.items.every((i: { audience: string }) => i.audience === 'public')).toBe(true);
  });

  it('shows tickets solved by articles and a non-zero deflection rate over the last 30 days', async () => {
    const vpn = await manager.call(
      'GET',
      `/api/v1/articles/${(await article('VPN keeps disconnecting')).id}`,
    );
    expect(vpn.status).toBe(200);
    expect(vpn.body.solvedCount).toBeGreaterThan(0);
    expect(vpn.body.helpedCount).toBeGreaterThan(0);
    const report = await manager.call('GET', '/api/v1/knowledge/deflections');
    expect(report.status).toBe(200);
    expect(report.body.deflected).toBeGreaterThan(0);
    expect(report.body.rate).toBeGreaterThan(0);
    expect(report.body.top.length).toBeGreaterThan(0);
  });
});
