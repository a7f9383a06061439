// The demo's story, planned before anything is written: who files which ticket when, and every step it
// takes afterwards (triage, pick-up, questions, notes, escalation, resolution, rating, closing). Planning is
// pure — a seed and "now" in, a sorted list of steps out — so the same seed gives the same organisation.
import type { TicketStatus, TicketType } from '../core/db/index.js';
import type { Level } from '../helpdesk/index.js';
import { type DemoGroupKey, demoGroups, demoTechnicians } from './people.js';
import { SeededRandom } from './seeded-random.js';
import {
  acknowledgements,
  type CategoryScript,
  categoryScripts,
  escalationNotes,
  fillPlaceholders,
  nudges,
  pickPlaceholders,
  ratingComments,
  reopenNotes,
  thanks,
} from './ticket-catalogue.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export type PersonRef =
  | { kind: 'requester'; index: number }
  | { kind: 'technician'; index: number }
  | { kind: 'manager' };

/** One thing a person does to a ticket, at a moment. Ids are resolved when the step runs. */
export type StepAction =
  | {
      kind: 'create';
      title: string;
      description: string;
      type: TicketType;
      impact: Level;
      urgency: Level;
      category: string;
      requester: number;
      group: DemoGroupKey | null;
      assignee: number | null;
    }
  | {
      kind: 'update';
      status?: TicketStatus;
      group?: DemoGroupKey;
      assignee?: number;
      tags?: string[];
      watchManager?: boolean;
      impact?: Level;
      urgency?: Level;
    }
  | { kind: 'comment'; body: string; internal: boolean }
  | { kind: 'rate'; score: number; comment: string | undefined }
  | { kind: 'time'; minutes: number; billable: boolean; note: string };

export interface Step {
  at: number;
  ticket: number;
  order: number;
  actor: PersonRef;
  action: StepAction;
}

export interface TimelineOptions {
  now: number;
  days: number;
  ticketCount: number;
  requesterCount: number;
}

/** The final state a ticket of a given age is in: young tickets are open, old ones mostly closed. */
function finalStatus(random: SeededRandom, ageMs: number): TicketStatus {
  if (ageMs < 1 * day)
    return random.weighted<TicketStatus>([
      ['new', 35],
      ['assigned', 30],
      ['in_progress', 25],
      ['pending', 10],
    ]);
  if (ageMs < 5 * day) {
    return random.weighted<TicketStatus>([
      ['new', 8],
      ['assigned', 15],
      ['in_progress', 30],
      ['pending', 17],
      ['resolved', 30],
    ]);
  }
  if (ageMs < 21 * day) {
    return random.weighted<TicketStatus>([
      ['assigned', 4],
      ['in_progress', 12],
      ['pending', 10],
      ['resolved', 30],
      ['closed', 44],
    ]);
  }
  // A few old tickets are still open: forgotten, waiting on a vendor, or waiting on a requester who left.
  return random.weighted<TicketStatus>([
    ['new', 0.3],
    ['assigned', 0.7],
    ['in_progress', 1.5],
    ['pending', 2],
    ['resolved', 3],
    ['closed', 92.5],
  ]);
}

/** When tickets are filed: over `days`, mostly on weekdays in office hours (UTC), oldest first. */
function creationTimes(random: SeededRandom, options: TimelineOptions): number[] {
  const start = options.now - options.days * day;
  const latest = options.now - 10 * minute;
  const times: number[] = [];
  while (times.length < options.ticketCount) {
    const t = start + Math.floor(random.next() * (latest - start));
    const d = new Date(t);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const office = d.getUTCHours() >= 7 && d.getUTCHours() < 18;
    if (random.next() < (weekend ? 0.12 : 1) * (office ? 1 : 0.08)) times.push(t);
  }
  return times.sort((a, b) => a - b);
}

function techniciansOf(group: DemoGroupKey): number[] {
  return demoTechnicians.flatMap((t, i) => (t.groups.includes(group) ? [i] : []));
}

function groupName(key: DemoGroupKey): string {
  return demoGroups.find((g) => g.key === key)?.name ?? key;
}

/** Requesters are not equally busy: a few file many tickets (user1@ among them), most file a handful. */
function requesterWeights(count: number): (readonly [number, number])[] {
  return Array.from({ length: count }, (_, i) => [i, 1 / (1 + 0.05 * i)] as const);
}

export function planTimeline(random: SeededRandom, options: TimelineOptions): Step[] {
  const steps: Step[] = [];
  const weights = requesterWeights(options.requesterCount);
  const categoryWeights = categoryScripts.map((c) => [c, c.weight] as const);
  const times = creationTimes(random, options);
  times.forEach((createdAt, ticket) => {
    // The documented requester (user1@) always has a few recent tickets to look at when signing in.
    const recent = options.now - createdAt < 5 * day;
    const requester = recent && random.chance(0.2) ? 0 : random.weighted(weights);
    steps.push(
      ...planTicket(random, ticket, createdAt, options.now, requester, random.weighted(categoryWeights)),
    );
  });
  return steps.sort((a, b) => a.at - b.at || a.ticket - b.ticket || a.order - b.order);
}

function planTicket(
  random: SeededRandom,
  ticket: number,
  createdAt: number,
  now: number,
  requester: number,
  script: CategoryScript,
): Step[] {
  const template = random.pick(script.tickets);
  const values = pickPlaceholders(random);
  const fill = (text: string) => fillPlaceholders(text, values);
  const target = finalStatus(random, now - createdAt);
  const planned: { delay: number; actor: PersonRef; action: StepAction }[] = [];
  const add = (delay: number, actor: PersonRef, action: StepAction) => planned.push({ delay, actor, action });
  const req: PersonRef = { kind: 'requester', index: requester };
  const tech = (index: number): PersonRef => ({ kind: 'technician', index });

  let group: DemoGroupKey = script.group;
  let assignee = random.pick(techniciansOf(group));
  const firstLine = random.pick(techniciansOf('l1'));
  const impact = template.impact ?? 3;
  const urgency = template.urgency ?? 3;

  // Filed by the requester on the portal, or by the service desk taking a phone call (already routed).
  const byPhone = target !== 'new' && random.chance(0.2);
  add(0, byPhone ? tech(firstLine) : req, {
    kind: 'create',
    title: fill(template.title),
    description: fill(template.description),
    type: template.type ?? 'incident',
    impact,
    urgency,
    category: script.name,
    requester,
    group: byPhone ? group : null,
    assignee: null,
  });
  if (target === 'new') return timed(planned, ticket, createdAt, now);

  // Triage: route to the category's group, tag it, sometimes correct the impact, watch the big ones.
  const tags = [...(template.tags ?? [])];
  if (random.chance(0.05)) tags.push('vip');
  if (impact >= 4 && !tags.includes('major')) tags.push('major');
  add(
    byPhone ? 2 * minute : random.delay(5 * minute, 3 * hour),
    random.chance(0.12) ? { kind: 'manager' } : tech(firstLine),
    {
      kind: 'update',
      ...(byPhone ? {} : { group }),
      tags,
      ...(impact >= 4 ? { watchManager: true } : {}),
      ...(random.chance(0.1) ? { urgency: Math.min(5, urgency + 1) as Level } : {}),
    },
  );
  if (target === 'assigned') return timed(planned, ticket, createdAt, now);

  // A technician of the group picks it up.
  add(random.delay(10 * minute, 20 * hour), tech(assignee), {
    kind: 'update',
    assignee,
    status: 'in_progress',
  });
  if (random.chance(0.5))
    add(random.delay(minute, 30 * minute), tech(assignee), {
      kind: 'comment',
      body: random.pick(acknowledgements),
      internal: false,
    });
  if (random.chance(0.45))
    add(random.delay(10 * minute, 4 * hour), tech(assignee), {
      kind: 'comment',
      body: fill(template.note),
      internal: true,
    });

  if (script.escalateTo && random.chance(script.escalateChance * 3)) {
    const to = script.escalateTo;
    add(random.delay(30 * minute, 8 * hour), tech(assignee), {
      kind: 'comment',
      body: random.pick(escalationNotes).replace('{group}', groupName(to)),
      internal: true,
    });
    group = to;
    assignee = random.pick(techniciansOf(to));
    add(random.delay(minute, 5 * minute), tech(assignee), { kind: 'update', group, assignee });
  }

  // A question for the requester: the ticket waits on them.
  const asks = target === 'pending' || random.chance(0.35);
  if (asks) {
    const q = random.int(0, script.questions.length - 1);
    add(random.delay(20 * minute, 6 * hour), tech(assignee), {
      kind: 'comment',
      body: fill(script.questions[q]),
      internal: false,
    });
    add(random.delay(minute, 3 * minute), tech(assignee), { kind: 'update', status: 'pending' });
    if (target === 'pending') return timed(planned, ticket, createdAt, now);
    // The requester's answer brings it back to work by itself (addComment revives a pending ticket).
    add(random.delay(30 * minute, 2 * day), req, {
      kind: 'comment',
      body: fill(script.answers[Math.min(q, script.answers.length - 1)]),
      internal: false,
    });
  }
  if (target === 'in_progress') {
    if (random.chance(0.3))
      add(random.delay(4 * hour, 2 * day), req, {
        kind: 'comment',
        body: random.pick(nudges),
        internal: false,
      });
    return timed(planned, ticket, createdAt, now);
  }

  // Resolution, sometimes confirmed by the requester first, sometimes reopened when it was not fixed. The
  // technician logs the time it took just before resolving (its own seeded stream, so the rest of the story is
  // the one it was before time tracking).
  const resolution = fill(template.resolution);
  const effort = new SeededRandom(0x7e11 + ticket * 7919);
  const logTime = () =>
    add(0, tech(assignee), {
      kind: 'time',
      minutes: effort.weighted([
        [effort.int(5, 25), 40],
        [effort.int(30, 90), 45],
        [effort.int(120, 240), 15],
      ] as const),
      billable: effort.chance(0.75),
      note: effort.pick(effortNotes),
    });
  if (random.chance(0.3)) {
    add(random.delay(hour, 2 * day), tech(assignee), {
      kind: 'comment',
      body: `${resolution} Could you confirm it works for you?`,
      internal: false,
    });
    add(random.delay(minute, 3 * minute), tech(assignee), { kind: 'update', status: 'pending' });
    add(random.delay(20 * minute, day), req, { kind: 'comment', body: random.pick(thanks), internal: false });
    logTime();
    add(random.delay(5 * minute, 2 * hour), tech(assignee), { kind: 'update', status: 'resolved' });
  } else {
    add(random.delay(hour, 3 * day), tech(assignee), { kind: 'comment', body: resolution, internal: false });
    logTime();
    add(random.delay(minute, 3 * minute), tech(assignee), { kind: 'update', status: 'resolved' });
    if (random.chance(0.06)) {
      add(random.delay(2 * hour, 2 * day), req, {
        kind: 'comment',
        body: 'Sorry, it is happening again since this morning.',
        internal: false,
      });
      add(random.delay(30 * minute, 6 * hour), tech(assignee), {
        kind: 'comment',
        body: random.pick(reopenNotes),
        internal: true,
      });
      add(random.delay(hour, day), tech(assignee), {
        kind: 'comment',
        body: 'Fixed properly this time - the root cause is addressed, not just the symptom.',
        internal: false,
      });
      logTime();
      add(random.delay(minute, 3 * minute), tech(assignee), { kind: 'update', status: 'resolved' });
    }
  }

  if (random.chance(0.35)) {
    const score = random.weighted([
      [5, 45],
      [4, 30],
      [3, 12],
      [2, 8],
      [1, 5],
    ] as const);
    add(random.delay(10 * minute, 2 * day), req, {
      kind: 'rate',
      score,
      comment: random.chance(0.6) ? random.pick(ratingComments[score]) : undefined,
    });
  }
  if (target === 'closed') {
    // Closed by the requester, or after a few quiet days by the technician (as the auto-close would).
    const byRequester = random.chance(0.35);
    add(
      byRequester ? random.delay(hour, 2 * day) : random.delay(3 * day, 7 * day),
      byRequester ? req : tech(assignee),
      {
        kind: 'update',
        status: 'closed',
      },
    );
  }
  return timed(planned, ticket, createdAt, now);
}

/**
 * Give each step its moment. A story that would run past now is squeezed into the time since the ticket
 * was filed, keeping its order, so every action happened in the past.
 */
/** What a technician writes against the time they log. */
const effortNotes = [
  'Diagnosis and fix',
  'Remote session with the user',
  'On site',
  'Testing after the change',
  'Research and vendor documentation',
  'Phone call and follow-up',
] as const;

function timed(
  planned: { delay: number; actor: PersonRef; action: StepAction }[],
  ticket: number,
  createdAt: number,
  now: number,
): Step[] {
  const offsets: number[] = [];
  let total = 0;
  for (const p of planned) {
    total += p.delay;
    offsets.push(total);
  }
  const room = now - minute - createdAt;
  const scale = total > room ? room / total : 1;
  let previous = createdAt - 1000;
  return planned.map((p, order) => {
    const at = Math.max(createdAt + Math.floor(offsets[order] * scale), previous + 1000);
    previous = at;
    return { at, ticket, order, actor: p.actor, action: p.action };
  });
}
