// Loads the demo organisation into a database through the same domain functions people use, so tickets
// carry real history, comments, ratings and events. A manual clock is moved to each step's moment, so the
// 90 days of activity end at "now". The SLAs are in place from the start and the escalation engine runs
// through the story (replaySla), so its warnings, breaches and escalations happened at their own moments
// and a fresh install does not fire a backlog at once. One argon2 hash is shared by every demo account to
// keep loading fast.
import {
  type Actor,
  actorForUser,
  createGroup,
  createUser,
  hashPassword,
  isStaff,
} from '../core/auth/index.js';
import { ManualClock } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type { Role } from '../core/db/index.js';
import { Conflict } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import {
  addComment,
  createCategory,
  createTicket,
  listCategories,
  logTime,
  rateTicket,
  updateTicket,
} from '../helpdesk/index.js';
import { installDemoSla, replaySla } from '../sla/index.js';
import { installDemoAssets } from './demo-assets.js';
import { installDemoAutomation } from './demo-automation.js';
import { installDemoCapacity } from './demo-capacity.js';
import { installDemoCatalog } from './demo-catalog.js';
import { installDemoChanges } from './demo-changes.js';
import { installDemoKnowledge } from './demo-knowledge.js';
import { installDemoLogs } from './demo-logs.js';
import { installDemoMacros } from './demo-macros.js';
import { installDemoMonitoring, selfUrlOf } from './demo-monitoring.js';
import { installDemoOnCall } from './demo-oncall.js';
import { installDemoProblems } from './demo-problems.js';
import { installDemoProposals } from './demo-proposals.js';
import { type PersonRef, planTimeline, type Step } from './demo-timeline.js';
import { installDemoVendors } from './demo-vendors.js';
import {
  type DemoGroupKey,
  type DemoPerson,
  demoGroups,
  demoManager,
  demoPassword,
  demoRequester,
  demoTechnicians,
  makeRequesters,
} from './people.js';
import { SeededRandom } from './seeded-random.js';
import { categoryScripts } from './ticket-catalogue.js';

export interface DemoOptions {
  /** Same seed (and same now) → the same organisation. */
  seed?: number;
  /** The end of the demo's 90 days; the real now by default. */
  now?: number;
  days?: number;
  ticketCount?: number;
  requesterCount?: number;
  /** Reuse a hash of demoPassword (tests load the demo twice and skip the second hashing). */
  passwordHash?: string;
  /** Where the service answers itself, for the checks and the scrape that monitor it (default: HOST and PORT). */
  selfUrl?: string;
}

export interface DemoSummary {
  users: number;
  groups: number;
  categories: number;
  tickets: number;
  comments: number;
  steps: number;
  elapsedMs: number;
}

export const demoDefaults = { seed: 20_261_124, days: 90, ticketCount: 500, requesterCount: 50 } as const;

/** The sign-ins the README documents; all share demoPassword. */
export const demoAccounts: readonly { role: Role; email: string; name: string }[] = [
  { role: 'manager', ...demoManager },
  { role: 'technician', email: demoTechnicians[0].email, name: demoTechnicians[0].name },
  { role: 'requester', ...demoRequester },
];

/** True when the database already holds tickets: the demo command then refuses without --force. */
export async function hasTickets(ctx: ServiceContext): Promise<boolean> {
  return (await ctx.db.selectFrom('tickets').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** True when the demo's accounts exist (serve then prints their sign-ins). */
export async function isDemoLoaded(ctx: ServiceContext): Promise<boolean> {
  return (
    (await ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', demoManager.email)
      .executeTakeFirst()) !== undefined
  );
}

/** True when nothing but administrators exists: a fresh install that `serve` may fill with the demo. */
export async function isFreshInstall(ctx: ServiceContext): Promise<boolean> {
  if (await hasTickets(ctx)) return false;
  const other = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('role', '!=', 'admin')
    .limit(1)
    .executeTakeFirst();
  return other === undefined;
}

export async function loadDemoOrganisation(
  ctx: ServiceContext,
  options: DemoOptions = {},
): Promise<DemoSummary> {
  const started = performance.now();
  const seed = options.seed ?? demoDefaults.seed;
  const now = options.now ?? ctx.clock.now();
  const days = options.days ?? demoDefaults.days;
  const random = new SeededRandom(seed);
  const requesters = makeRequesters(random, options.requesterCount ?? demoDefaults.requesterCount);
  const steps = planTimeline(random, {
    now,
    days,
    ticketCount: options.ticketCount ?? demoDefaults.ticketCount,
    requesterCount: requesters.length,
  });

  if (await isDemoLoaded(ctx))
    throw new Conflict(
      'email_taken',
      `The demo organisation is already loaded (${demoManager.email} exists).`,
    );

  // The demo's own clock and event bus: events are stamped with the moment they happened in the story.
  const clock = new ManualClock(now - (days + 30) * 86_400_000);
  const events = new EventBus(ctx.db, ctx.caps, clock, ctx.log);
  const demo: ServiceContext = { ...ctx, clock, events };
  const firstEvent = await ctx.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();

  const passwordHash = options.passwordHash ?? (await hashPassword(demoPassword));
  const categoryIds = new Map<string, number>(
    (await listCategories(demo)).map((c) => [c.name.toLowerCase(), c.id]),
  );
  for (const script of categoryScripts) {
    if (categoryIds.has(script.name.toLowerCase())) continue;
    const c = await createCategory(demo, null, { name: script.name, description: script.description });
    categoryIds.set(c.name.toLowerCase(), c.id);
  }

  const newUser = async (person: DemoPerson, role: Role) =>
    actorForUser(
      await createUser(demo, null, { email: person.email, name: person.name, role }, { passwordHash }),
    );
  const manager = await newUser(demoManager, 'manager');
  const technicians: Actor[] = [];
  for (const t of demoTechnicians) technicians.push(await newUser(t, 'technician'));
  const groupIds = new Map<DemoGroupKey, number>();
  for (const g of demoGroups) {
    const memberIds = demoTechnicians.flatMap((t, i) =>
      t.groups.includes(g.key) ? [technicians[i].id] : [],
    );
    const group = await createGroup(demo, null, { name: g.name, description: g.description, memberIds });
    groupIds.set(g.key, group.id);
  }
  for (const [i, t] of demoTechnicians.entries())
    technicians[i].groupIds = t.groups.map((k) => groupIds.get(k) as number).sort((a, b) => a - b);
  const requesterActors: Actor[] = [];
  for (const p of requesters) requesterActors.push(await newUser(p, 'requester'));
  // Who approves for whom (issue 14, approvals): the first requester heads the department the others work
  // in (a plain requester approving from the portal), and reports to the IT manager.
  if (requesterActors.length > 0) {
    await ctx.db
      .updateTable('users')
      .set({ manager_id: requesterActors[0].id })
      .where(
        'id',
        'in',
        requesterActors
          .slice(1)
          .map((a) => a.id)
          .concat([-1]),
      )
      .execute();
    await ctx.db
      .updateTable('users')
      .set({ manager_id: manager.id })
      .where('id', '=', requesterActors[0].id)
      .execute();
  }

  const who = (ref: PersonRef): Actor =>
    ref.kind === 'manager'
      ? manager
      : ref.kind === 'technician'
        ? technicians[ref.index]
        : requesterActors[ref.index];
  const ticketIds: number[] = [];
  const refs: StepRefs = {
    ticketIds,
    groupId: (key) => groupIds.get(key) as number,
    technicianId: (index) => technicians[index].id,
    requesterId: (index) => requesterActors[index].id,
    managerId: manager.id,
  };
  // Business calendars, SLA policies per priority and escalations, from the story's first day on.
  await installDemoSla(demo, now);
  const sla = await replaySla(demo);
  // Loaded beside other tickets (--force), the engine is not run in the story's past: it would judge those
  // tickets at moments before they existed. The clocks are still kept; the service's engine does the rest.
  const replayEngine = !(await hasTickets(ctx));

  // A database that serves several connections (PostgreSQL) replays different tickets side by side; each
  // step gets a clock stopped at its moment, and its own event bus reading that clock. Between the steps
  // the SLA engine fires what fell due: steps run side by side only within a window that ends before the
  // next due moment (and within a few minutes, less than any target's first warning).
  const lanes = ctx.caps.multiInstance ? 8 : 1;
  const window = 5 * 60_000;
  let comments = 0;
  for (let i = 0; i < steps.length; ) {
    if (replayEngine) await sla.catchUp(steps[i].at);
    const due = replayEngine ? await sla.nextDue() : null;
    const end = Math.min(due ?? Number.POSITIVE_INFINITY, steps[i].at + window);
    let j = i + 1;
    while (j < steps.length && steps[j].at < end) j++;
    await runInOrder(steps.slice(i, j), lanes, async (step) => {
      const clockAtStep = new ManualClock(step.at);
      const stepCtx: ServiceContext = {
        ...demo,
        clock: clockAtStep,
        events: new EventBus(ctx.db, ctx.caps, clockAtStep, ctx.log),
      };
      const added = await runStep(stepCtx, step, who(step.actor), refs);
      comments += added;
      await sla.touched(refs.ticketIds[step.ticket], step.at);
    });
    i = j;
  }
  if (replayEngine) await sla.catchUp(now);

  // Technicians' skills and the on-call setup, as a manager makes them today.
  const clockNow = new ManualClock(now);
  const today = { ...ctx, clock: clockNow, events: new EventBus(ctx.db, ctx.caps, clockNow, ctx.log) };
  await installDemoOnCall(today, {
    manager,
    technicians,
    groupId: (key) => groupIds.get(key) as number,
    categoryId: (name) => categoryIds.get(name.toLowerCase()),
  });
  // The service catalogue: request types with their forms, routed to the groups.
  await installDemoCatalog(today, {
    manager,
    groupId: (key) => groupIds.get(key) as number,
    categoryId: (name) => categoryIds.get(name.toLowerCase()),
  });
  // Monitoring of the service itself: live charts and a working rule within a minute of starting.
  await installDemoMonitoring(today, {
    manager,
    selfUrl: options.selfUrl ?? selfUrlOf(ctx.config),
    groupId: groupIds.get('l2') as number,
  });
  // A file server with two weeks of history: a filesystem filling, and an anomaly rule on its load and memory.
  const fileServer = await installDemoCapacity(today, { manager, groupId: groupIds.get('l2') as number });
  // A day of the servers' logs, mined into patterns.
  await installDemoLogs(today, random);
  // The knowledge base its people wrote, the tickets it solved and the requests it answered.
  await installDemoKnowledge(today, { manager, technicians, requesters: requesterActors, now }, random);
  // The service desk's canned responses, macros and ticket templates.
  await installDemoMacros(today, {
    manager,
    technician: technicians[0],
    groupId: (key) => groupIds.get(key) as number,
    categoryId: (name) => categoryIds.get(name.toLowerCase()),
    articleId: async (title) =>
      (await ctx.db.selectFrom('articles').select('id').where('title', '=', title).executeTakeFirst())?.id,
  });
  // Two problems behind the VPN and printer tickets, with those tickets linked as their incidents.
  await installDemoProblems(today, {
    manager,
    technician:
      technicians.find((t) => t.groupIds.includes(groupIds.get('network') as number)) ?? technicians[0],
    groupId: (key) => groupIds.get(key) as number,
    categoryId: (name) => categoryIds.get(name.toLowerCase()),
  });
  // The change calendar: the CAB, templates of standard changes, a blackout period and a week of changes.
  const networkTicket = await ctx.db
    .selectFrom('tickets')
    .select('id')
    .where('category_id', '=', categoryIds.get('network') ?? -1)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  await installDemoChanges(today, { manager, technicians, now, networkTicketId: networkTicket?.id });
  // Upgrade proposals: a filling share volume, a problem recurring on the print server, an approved memory upgrade.
  await installDemoProposals(today, {
    manager,
    technician: technicians[0],
    now,
    groupId: groupIds.get('l2') as number,
    fileServerId: fileServer.targetId,
  });
  // The inventory: laptops, servers behind the monitored hosts, printers, network, licences, repairs from tickets.
  await installDemoAssets(today, {
    manager,
    technician: technicians[0],
    requesters: requesterActors,
    now,
  });
  // Suppliers: vendors, contracts renewing soon, this year's budget lines, and three quotes for the memory upgrade.
  await installDemoVendors(today, { manager, now, memoryProposalTitle: 'More memory for files-01' });
  // A few automation rules (they act on new tickets only: the story's events are marked delivered below).
  await installDemoAutomation(today, {
    manager,
    groupId: (key) => groupIds.get(key) as number,
    requesters: requesterActors,
  });

  // The story's events are history, not news: mark them delivered so a webhook added later, or the
  // notifications of a running service, do not replay three months of tickets.
  await ctx.db
    .updateTable('outbox')
    .set({ dispatched_at: now })
    .where('dispatched_at', 'is', null)
    .where('id', '>', Number(firstEvent?.id ?? 0))
    .execute();

  return {
    users: 1 + technicians.length + requesterActors.length,
    groups: groupIds.size,
    categories: categoryIds.size,
    tickets: ticketIds.length,
    comments,
    steps: steps.length,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Run steps with up to `lanes` at once, keeping what matters in order: the steps of one ticket follow each
 * other, and tickets are created in the order they were filed (so ticket numbers follow time).
 */
async function runInOrder(steps: Step[], lanes: number, run: (step: Step) => Promise<void>): Promise<void> {
  const lastOfTicket = new Map<number, Promise<void>>();
  let lastCreate: Promise<void> = Promise.resolve();
  let next = 0;
  const lane = async () => {
    while (next < steps.length) {
      const step = steps[next++];
      const after = [lastOfTicket.get(step.ticket) ?? Promise.resolve()];
      if (step.action.kind === 'create') after.push(lastCreate);
      const done = Promise.all(after).then(() => run(step));
      lastOfTicket.set(step.ticket, done);
      if (step.action.kind === 'create') lastCreate = done;
      await done;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

interface StepRefs {
  ticketIds: number[];
  groupId(key: DemoGroupKey): number;
  technicianId(index: number): number;
  requesterId(index: number): number;
  managerId: number;
}

/** Run one step as its person; returns 1 when it added a comment. */
async function runStep(ctx: ServiceContext, step: Step, actor: Actor, refs: StepRefs): Promise<number> {
  const a = step.action;
  switch (a.kind) {
    case 'create': {
      const t = await createTicket(ctx, actor, {
        title: a.title,
        description: a.description,
        type: a.type,
        impact: a.impact,
        urgency: a.urgency,
        categoryName: a.category,
        ...(isStaff(actor) ? { requesterId: refs.requesterId(a.requester) } : {}),
        ...(a.group ? { groupId: refs.groupId(a.group) } : {}),
        ...(a.assignee !== null ? { assigneeId: refs.technicianId(a.assignee) } : {}),
      });
      refs.ticketIds[step.ticket] = t.id;
      return 0;
    }
    case 'update':
      await updateTicket(ctx, actor, refs.ticketIds[step.ticket], {
        ...(a.status ? { status: a.status } : {}),
        ...(a.group ? { groupId: refs.groupId(a.group) } : {}),
        ...(a.assignee !== undefined ? { assigneeId: refs.technicianId(a.assignee) } : {}),
        ...(a.tags ? { tags: a.tags } : {}),
        ...(a.watchManager ? { watcherIds: [refs.managerId] } : {}),
        ...(a.impact ? { impact: a.impact } : {}),
        ...(a.urgency ? { urgency: a.urgency } : {}),
      });
      return 0;
    case 'comment':
      await addComment(ctx, actor, refs.ticketIds[step.ticket], { body: a.body, internal: a.internal });
      return 1;
    case 'rate':
      await rateTicket(ctx, actor, refs.ticketIds[step.ticket], {
        score: a.score,
        ...(a.comment ? { comment: a.comment } : {}),
      });
      return 0;
    case 'time':
      await logTime(ctx, actor, refs.ticketIds[step.ticket], {
        minutes: a.minutes,
        billable: a.billable,
        note: a.note,
      });
      return 0;
  }
}
