// Each ticket's SLA clocks, kept current: read the ticket's own history, pick its policy, derive the clocks
// (sla-clock.ts) and store them with the next instant a warning, breach or escalation level may be due.
// An event subscriber refreshes a ticket after every change; the single-ticket read recomputes live; lists
// read the stored row (the queue's countdown); the escalation job finds due rows by the indexed column.
import { CompiledQuery, type DialectAdapter, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import { defineCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketStatus, TicketType } from '../core/db/index.js';
import { chunks as chunksOf } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import { isOpenStatus, recordTicketChange } from '../helpdesk/index.js';
import { alwaysOpenCalendar, type BusinessCalendar } from './business-calendar.js';
import { loadBusinessCalendars } from './calendars.js';
import { canSla, requireSla } from './permissions.js';
import {
  type EscalationLevel,
  type GroupOla,
  loadOlas,
  loadPolicies,
  matchPolicy,
  type SlaPolicy,
  type TargetDefinition,
} from './policies.js';
import { slaSetupCacheName } from './setup-generation.js';
import {
  type ClockPhase,
  type ClockSpecs,
  type ClockTarget,
  computeClocks,
  type SlaClock,
  type SlaTarget,
  type TargetSpec,
  type Threshold,
  type TicketTimeline,
  type TimelineEntry,
} from './sla-clock.js';

type Db = Kysely<Database> | Transaction<Database>;

const minuteMs = 60_000;
// Tickets per round trip: large enough that PostgreSQL's latency does not dominate, far below parameter limits.
const chunk = 2000;

/** Everything the clocks depend on besides the ticket: loaded once per batch. */
export interface SlaSetup {
  policies: SlaPolicy[];
  calendars: Map<number, BusinessCalendar>;
  olas: Map<number, GroupOla>;
}

export async function loadSlaSetup(db: Db): Promise<SlaSetup> {
  const [policies, calendars, olas] = [
    await loadPolicies(db),
    await loadBusinessCalendars(db),
    await loadOlas(db),
  ];
  return { policies, calendars, olas: new Map(olas.map((o) => [o.groupId, o])) };
}

/**
 * The SLA setup is read on every ticket event and every ticket read: cached per context, in step across
 * instances. Invalidation: every change to a calendar, policy or OLA calls markOpenClocksStale (calendars.ts)
 * in its transaction, which bumps this cache's version; every instance then loads it anew (this one at once,
 * others within a second).
 */
export const slaSetupCache = defineCache(slaSetupCacheName, loadSlaSetup);

/** The SLA setup, cached; `db` is the connection to read it with (the caller's transaction, if any). */
export function cachedSlaSetup(
  ctx: Pick<ServiceContext, 'db' | 'caches'>,
  db: Db = ctx.db,
): Promise<SlaSetup> {
  return ctx.caches.get(slaSetupCache).get(db);
}

export interface TicketFacts {
  id: number;
  title: string;
  status: TicketStatus;
  priority: number;
  type: TicketType;
  categoryId: number | null;
  groupId: number | null;
  assigneeId: number | null;
  requesterGroupIds: number[];
  pinnedPolicyId: number | null;
  timeline: TicketTimeline;
}

function chunks<T>(items: T[], size = chunk): T[][] {
  return chunksOf(items, size);
}

/**
 * The chunk's ids as one id range, when they fill at least half of it (a full recompute of ids in order):
 * a short statement, prepared once and planned cheaply (PostgreSQL plans a 2,000-item IN list slowly), and
 * one index range scan. The caller drops the rows of ids it did not ask for.
 */
function denseRange(ids: number[]): { low: number; high: number } | null {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const id of ids) {
    if (id < low) low = id;
    if (id > high) high = id;
  }
  return ids.length > 0 && high - low < 2 * ids.length ? { low, high } : null;
}

/** Load what the clocks of these tickets are derived from: the tickets, their history, their requesters. */
export async function loadTicketFacts(db: Db, ids: number[]): Promise<Map<number, TicketFacts>> {
  const out = new Map<number, TicketFacts>();
  for (const part of chunks([...new Set(ids)])) {
    const range = denseRange(part);
    const wanted = range ? new Set(part) : null;
    const rows = await db
      .selectFrom('tickets')
      .select([
        'id',
        'title',
        'status',
        'priority',
        'type',
        'category_id',
        'group_id',
        'assignee_id',
        'requester_id',
        'created_at',
      ])
      .$call((qb) =>
        range ? qb.where('id', '>=', range.low).where('id', '<=', range.high) : qb.where('id', 'in', part),
      )
      .execute();
    const tickets = wanted ? rows.filter((t) => wanted.has(t.id)) : rows;
    if (tickets.length === 0) continue;
    const found = tickets.map((t) => t.id);
    const history = await db
      .selectFrom('ticket_history as h')
      .leftJoin('users as u', 'u.id', 'h.actor_id')
      .select(['h.ticket_id', 'h.at', 'h.field', 'h.to_value', 'u.role'])
      .$call((qb) =>
        range
          ? qb.where('h.ticket_id', '>=', range.low).where('h.ticket_id', '<=', range.high)
          : qb.where('h.ticket_id', 'in', found),
      )
      .where('h.field', 'in', ['created', 'status', 'group', 'comment'])
      .orderBy('h.ticket_id')
      .orderBy('h.id')
      .execute();
    const requesterIds = [...new Set(tickets.map((t) => t.requester_id))];
    const memberships = await db
      .selectFrom('group_members')
      .select(['user_id', 'group_id'])
      .where('user_id', 'in', requesterIds)
      .execute();
    const pinned = await db
      .selectFrom('sla_ticket_clocks')
      .select(['ticket_id', 'pinned_policy_id'])
      .$call((qb) =>
        range
          ? qb.where('ticket_id', '>=', range.low).where('ticket_id', '<=', range.high)
          : qb.where('ticket_id', 'in', found),
      )
      .where('pinned_policy_id', 'is not', null)
      .execute();
    const pinnedOf = new Map(pinned.map((p) => [p.ticket_id, p.pinned_policy_id]));
    const groupsOf = new Map<number, number[]>();
    for (const m of memberships) {
      const list = groupsOf.get(m.user_id);
      if (list) list.push(m.group_id);
      else groupsOf.set(m.user_id, [m.group_id]);
    }
    // Each ticket's timeline, built straight from the history rows (a full recompute reads ~350,000).
    const timelines = new Map<number, { initialStatus: TicketStatus; entries: TimelineEntry[] }>();
    for (const h of history) {
      let tl = timelines.get(h.ticket_id);
      if (!tl) {
        tl = { initialStatus: 'new', entries: [] };
        timelines.set(h.ticket_id, tl);
      }
      if (h.field === 'created') tl.initialStatus = (h.to_value as TicketStatus | null) ?? 'new';
      else if (h.field === 'status' && h.to_value)
        tl.entries.push({ at: h.at, kind: 'status', to: h.to_value as TicketStatus });
      else if (h.field === 'group')
        tl.entries.push({ at: h.at, kind: 'group', groupId: h.to_value ? Number(h.to_value) : null });
      else if (h.field === 'comment') {
        tl.entries.push({ at: h.at, kind: h.role === 'requester' ? 'requester_reply' : 'staff_reply' });
      }
    }
    for (const t of tickets) {
      const tl = timelines.get(t.id);
      const initialStatus = tl?.initialStatus ?? 'new';
      const entries = tl?.entries ?? [];
      entries.sort((a, b) => a.at - b.at); // stable: same-instant entries keep their recorded order
      out.set(t.id, {
        id: t.id,
        title: t.title,
        status: t.status,
        priority: t.priority,
        type: t.type,
        categoryId: t.category_id,
        groupId: t.group_id,
        assigneeId: t.assignee_id,
        requesterGroupIds: groupsOf.get(t.requester_id) ?? [],
        pinnedPolicyId: pinnedOf.get(t.id) ?? null,
        timeline: { createdAt: t.created_at, initialStatus, initialGroupId: null, entries },
      });
    }
  }
  return out;
}

function targetSpec(setup: SlaSetup, t: TargetDefinition, levels: EscalationLevel[] = []): TargetSpec {
  return {
    durationMs: t.minutes * minuteMs,
    warnPercent: t.warnPercent,
    calendar: (t.calendarId !== null ? setup.calendars.get(t.calendarId) : undefined) ?? alwaysOpenCalendar,
    pauseStatuses: t.pauseStatuses,
    levelOffsetsMs: levels.map((l) => l.offsetMinutes * minuteMs),
  };
}

/** A policy's levels for one target, in the order their thresholds are given to the clock. */
export function levelsFor(policy: SlaPolicy | null, target: SlaTarget): EscalationLevel[] {
  return (policy?.levels ?? []).filter((l) => l.target === target);
}

export function policyFor(setup: SlaSetup, facts: TicketFacts): SlaPolicy | null {
  if (facts.pinnedPolicyId !== null) {
    const pinned = setup.policies.find((p) => p.id === facts.pinnedPolicyId);
    if (pinned) return pinned;
  }
  return matchPolicy(setup.policies, {
    priority: facts.priority,
    categoryId: facts.categoryId,
    type: facts.type,
    requesterGroupIds: facts.requesterGroupIds,
  });
}

export function deriveClocks(
  setup: SlaSetup,
  facts: TicketFacts,
  now: number,
): { policy: SlaPolicy | null; clocks: SlaClock[] } {
  const policy = policyFor(setup, facts);
  const specs: ClockSpecs = {};
  if (policy) {
    for (const target of ['first_response', 'next_response', 'resolution'] as const) {
      const t = policy.targets[target];
      if (t) specs[target] = targetSpec(setup, t, levelsFor(policy, target));
    }
  }
  if (setup.olas.size > 0) {
    specs.olaOf = (groupId) => {
      const ola = setup.olas.get(groupId);
      return ola ? targetSpec(setup, ola) : undefined;
    };
  }
  return { policy, clocks: computeClocks(facts.timeline, specs, now) };
}

// ---- what is shown and stored ---------------------------------------------------------------------------

export interface ClockSummary {
  target: ClockTarget;
  phase: ClockPhase;
  cycle: number;
  groupId: number | null;
  startedAt: number | null;
  dueAt: number | null;
  warnAt: number | null;
  targetMs: number;
  elapsedMs: number;
  remainingMs: number;
  pausedMs: number;
  warned: boolean;
  breached: boolean;
  achievedAt: number | null;
  achievedMs: number | null;
  marginMs: number | null;
}

export interface TicketSla {
  policyId: number | null;
  policyName: string | null;
  pinned: boolean;
  computedAt: number;
  clocks: ClockSummary[];
}

export function summarise(c: SlaClock): ClockSummary {
  return {
    target: c.target,
    phase: c.phase,
    cycle: c.cycle,
    groupId: c.groupId,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    warnAt: c.warning ? (c.warning.reachedAt ?? c.warning.expectedAt) : null,
    targetMs: c.targetMs,
    elapsedMs: c.elapsedMs,
    remainingMs: c.remainingMs,
    pausedMs: c.pausedMs,
    warned: c.warned,
    breached: c.breached,
    achievedAt: c.achievedAt,
    achievedMs: c.achievedMs,
    marginMs: c.marginMs,
  };
}

// A number as JSON.stringify writes it (non-finite: null).
const jsonNumber = (v: number | null): string => (v !== null && Number.isFinite(v) ? `${v}` : 'null');

/**
 * `JSON.stringify({ policyName, clocks: clocks.map(summarise) })`, character for character, without building
 * the summaries: a full recompute writes 100,000 of these. Targets and phases are fixed identifiers.
 */
export function storedClocksJson(policyName: string | null, clocks: SlaClock[]): string {
  let out = `{"policyName":${policyName === null ? 'null' : JSON.stringify(policyName)},"clocks":[`;
  for (let i = 0; i < clocks.length; i++) {
    const c = clocks[i];
    const warnAt = c.warning ? (c.warning.reachedAt ?? c.warning.expectedAt) : null;
    out +=
      `${i > 0 ? ',' : ''}{"target":"${c.target}","phase":"${c.phase}","cycle":${jsonNumber(c.cycle)}` +
      `,"groupId":${jsonNumber(c.groupId)},"startedAt":${jsonNumber(c.startedAt)},"dueAt":${jsonNumber(c.dueAt)}` +
      `,"warnAt":${jsonNumber(warnAt)},"targetMs":${jsonNumber(c.targetMs)},"elapsedMs":${jsonNumber(c.elapsedMs)}` +
      `,"remainingMs":${jsonNumber(c.remainingMs)},"pausedMs":${jsonNumber(c.pausedMs)},"warned":${c.warned}` +
      `,"breached":${c.breached},"achievedAt":${jsonNumber(c.achievedAt)},"achievedMs":${jsonNumber(c.achievedMs)}` +
      `,"marginMs":${jsonNumber(c.marginMs)}}`;
  }
  return `${out}]}`;
}

/** The key under which a threshold fires once: (ticket, target, level, cycle). */
export function targetKey(c: Pick<SlaClock, 'target' | 'groupId'>): string {
  return c.target === 'ola' ? `ola-${c.groupId}` : c.target;
}

export interface DueFiring {
  clock: SlaClock;
  kind: 'warning' | 'breach' | 'level';
  /** 'warning', 'breach' or 'level-N'. */
  level: string;
  escalation: EscalationLevel | null;
  reachedAt: number | null;
  expectedAt: number | null;
}

/** Every threshold of every clock that is still owed (not achieved): warnings, breaches, escalation levels. */
export function firingsOf(policy: SlaPolicy | null, clocks: SlaClock[]): DueFiring[] {
  const out: DueFiring[] = [];
  for (const c of clocks) {
    if (c.phase === 'achieved' || c.phase === 'inactive') continue;
    if (c.warning) out.push({ clock: c, kind: 'warning', level: 'warning', escalation: null, ...c.warning });
    out.push({ clock: c, kind: 'breach', level: 'breach', escalation: null, ...c.breach });
    if (c.target !== 'ola') {
      const levels = levelsFor(policy, c.target);
      c.levels.forEach((th, i) => {
        out.push({
          clock: c,
          kind: 'level',
          level: `level-${levels[i].level}`,
          escalation: levels[i],
          ...th,
        });
      });
    }
  }
  return out;
}

export function firedKey(ticketId: number, target: string, level: string, cycle: number): string {
  return `${ticketId}|${target}|${level}|${cycle}`;
}

export async function loadFired(db: Db, ids: number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(ids)) {
    const range = denseRange(part);
    const wanted = range ? new Set(part) : null;
    const rows = await db
      .selectFrom('sla_fired')
      .select(['ticket_id', 'target', 'level', 'cycle'])
      .$call((qb) =>
        range
          ? qb.where('ticket_id', '>=', range.low).where('ticket_id', '<=', range.high)
          : qb.where('ticket_id', 'in', part),
      )
      .execute();
    for (const r of rows) {
      if (!wanted || wanted.has(r.ticket_id)) out.add(firedKey(r.ticket_id, r.target, r.level, r.cycle));
    }
  }
  return out;
}

/**
 * The next instant the escalation job must look at this ticket: the earliest unfired threshold of those
 * firingsOf lists, walked without building them (a full recompute asks for 100,000 tickets).
 */
export function nextCheckAt(
  ticketId: number,
  policy: SlaPolicy | null,
  clocks: SlaClock[],
  fired: Set<string>,
): number | null {
  let next: number | null = null;
  const consider = (c: SlaClock, level: string, th: Threshold) => {
    if (fired.size > 0 && fired.has(firedKey(ticketId, targetKey(c), level, c.cycle))) return;
    const at = th.reachedAt ?? th.expectedAt;
    if (at !== null && (next === null || at < next)) next = at;
  };
  for (const c of clocks) {
    if (c.phase === 'achieved' || c.phase === 'inactive') continue;
    if (c.warning) consider(c, 'warning', c.warning);
    consider(c, 'breach', c.breach);
    if (c.target !== 'ola' && c.levels.length > 0) {
      const levels = levelsFor(policy, c.target);
      for (let i = 0; i < c.levels.length; i++) consider(c, `level-${levels[i].level}`, c.levels[i]);
    }
  }
  return next;
}

/** Recompute and store the clocks of these tickets (inside the caller's transaction, if any). */
export async function refreshTicketClocks(
  db: Db,
  ids: number[],
  now: number,
  setup?: SlaSetup,
): Promise<number> {
  if (ids.length === 0) return 0;
  const s = setup ?? (await loadSlaSetup(db));
  let count = 0;
  for (const part of chunks(ids)) {
    const facts = await loadTicketFacts(db, part);
    const fired = await loadFired(db, part);
    const rows = [...facts.values()].map((f) => clockRow(f, deriveClocks(s, f, now), fired, now));
    // One transaction per chunk: a commit per chunk rather than per statement, without holding the
    // (single, on SQLite) writer for the whole recompute.
    if (db.isTransaction) await storeClockRows(db, rows);
    else await db.transaction().execute((trx) => storeClockRows(trx, rows));
    count += rows.length;
  }
  return count;
}

export type ClockRow = Database['sla_ticket_clocks'];

export function clockRow(
  f: TicketFacts,
  d: { policy: SlaPolicy | null; clocks: SlaClock[] },
  fired: Set<string>,
  now: number,
): ClockRow {
  const fr = d.clocks.find((c) => c.target === 'first_response');
  const res = d.clocks.find((c) => c.target === 'resolution');
  const open = isOpenStatus(f.status);
  return {
    ticket_id: f.id,
    policy_id: d.policy?.id ?? null,
    pinned_policy_id: f.pinnedPolicyId,
    is_open: open ? 1 : 0,
    ticket_created_at: f.timeline.createdAt,
    group_id: f.groupId,
    assignee_id: f.assigneeId,
    computed_at: now,
    clocks: storedClocksJson(d.policy?.name ?? null, d.clocks),
    first_response_due_at: fr?.dueAt ?? null,
    first_response_achieved_at: fr?.achievedAt ?? null,
    first_response_margin_ms: fr?.marginMs ?? null,
    first_response_breached: fr?.breached ? 1 : 0,
    resolution_due_at: res?.dueAt ?? null,
    resolution_achieved_at: res?.achievedAt ?? null,
    resolution_margin_ms: res?.marginMs ?? null,
    resolution_breached: res?.breached ? 1 : 0,
    next_check_at: open ? nextCheckAt(f.id, d.policy, d.clocks, fired) : null,
  };
}

// The columns of a stored row, in the order the compiled upsert binds them.
const storedColumns = [
  'ticket_id',
  'policy_id',
  'pinned_policy_id',
  'is_open',
  'ticket_created_at',
  'group_id',
  'assignee_id',
  'computed_at',
  'clocks',
  'first_response_due_at',
  'first_response_achieved_at',
  'first_response_margin_ms',
  'first_response_breached',
  'resolution_due_at',
  'resolution_achieved_at',
  'resolution_margin_ms',
  'resolution_breached',
  'next_check_at',
] as const satisfies readonly (keyof ClockRow)[];
type MissingColumn = Exclude<keyof ClockRow, (typeof storedColumns)[number]>;
const everyColumnStored: [MissingColumn] extends [never] ? true : MissingColumn = true;
void everyColumnStored;

// Rows per upsert statement: always the same, so the SQL text repeats (SQLite keeps it prepared), and
// 1,000 × 18 parameters stay below SQLite's limit of 32,766.
const rowsPerUpsert = 1000;

function upsertClockRows(db: Db, rows: ClockRow[]) {
  return db
    .insertInto('sla_ticket_clocks')
    .values(rows)
    .onConflict((oc) =>
      oc.column('ticket_id').doUpdateSet((eb) => ({
        policy_id: eb.ref('excluded.policy_id'),
        is_open: eb.ref('excluded.is_open'),
        group_id: eb.ref('excluded.group_id'),
        assignee_id: eb.ref('excluded.assignee_id'),
        computed_at: eb.ref('excluded.computed_at'),
        clocks: eb.ref('excluded.clocks'),
        first_response_due_at: eb.ref('excluded.first_response_due_at'),
        first_response_achieved_at: eb.ref('excluded.first_response_achieved_at'),
        first_response_margin_ms: eb.ref('excluded.first_response_margin_ms'),
        first_response_breached: eb.ref('excluded.first_response_breached'),
        resolution_due_at: eb.ref('excluded.resolution_due_at'),
        resolution_achieved_at: eb.ref('excluded.resolution_achieved_at'),
        resolution_margin_ms: eb.ref('excluded.resolution_margin_ms'),
        resolution_breached: eb.ref('excluded.resolution_breached'),
        next_check_at: eb.ref('excluded.next_check_at'),
      })),
    );
}

/**
 * The full-size upsert, compiled once per SQL dialect: Kysely would otherwise build and compile 18,000 value
 * nodes for every statement. Compiled over marker rows (each value its own slot number), so `slots` says
 * which row and column each parameter takes, whatever order the dialect's compiler emits them in. Keyed by
 * the dialect's adapter class, not by a database or context: the text follows from the code alone (a
 * constant computed on first use, never invalidated), at most one per dialect.
 */
const compiledUpserts = new Map<DialectAdapter['constructor'], { sql: string; slots: number[] }>();

function compiledUpsert(db: Db): { sql: string; slots: number[] } {
  const adapter = db.getExecutor().adapter.constructor;
  let compiled = compiledUpserts.get(adapter);
  if (!compiled) {
    const n = storedColumns.length;
    const markers = Array.from(
      { length: rowsPerUpsert },
      (_, r) => Object.fromEntries(storedColumns.map((c, j) => [c, r * n + j])) as unknown as ClockRow,
    );
    const q = upsertClockRows(db, markers).compile();
    compiled = { sql: q.sql, slots: q.parameters as number[] };
    compiledUpserts.set(adapter, compiled);
  }
  return compiled;
}

export async function storeClockRows(db: Db, rows: ClockRow[]): Promise<void> {
  const n = storedColumns.length;
  for (let i = 0; i < rows.length; i += rowsPerUpsert) {
    const part = rows.slice(i, i + rowsPerUpsert);
    if (part.length < rowsPerUpsert) {
      await upsertClockRows(db, part).execute();
      continue;
    }
    const { sql, slots } = compiledUpsert(db);
    const params = new Array<unknown>(slots.length);
    for (let k = 0; k < slots.length; k++) {
      const m = slots[k];
      params[k] = part[Math.floor(m / n)][storedColumns[m % n]];
    }
    await db.executeQuery(CompiledQuery.raw(sql, params));
  }
}

// ---- reading ------------------------------------------------------------------------------------------

/** A ticket's clocks, computed now from its history (exact right after any change). */
export async function getTicketSla(ctx: ServiceContext, actor: Actor, ticketId: number): Promise<TicketSla> {
  requireSla(actor, 'sla.read');
  const setup = await cachedSlaSetup(ctx);
  const facts = (await loadTicketFacts(ctx.db, [ticketId])).get(ticketId);
  if (!facts) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  const now = ctx.clock.now();
  const d = deriveClocks(setup, facts, now);
  return {
    policyId: d.policy?.id ?? null,
    policyName: d.policy?.name ?? null,
    pinned: facts.pinnedPolicyId !== null && d.policy?.id === facts.pinnedPolicyId,
    computedAt: now,
    clocks: d.clocks.map(summarise),
  };
}

/** The SLA of a ticket for its JSON, or undefined for requesters (who do not see clocks). */
export async function ticketSlaFor(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<TicketSla | undefined> {
  if (!canSla(actor, 'sla.read')) return undefined;
  return getTicketSla(ctx, actor, ticketId);
}

/** The stored clocks of several tickets (for lists and the queue countdown): one indexed read. */
export async function storedTicketSlas(
  ctx: ServiceContext,
  actor: Actor,
  ids: number[],
): Promise<Map<number, TicketSla>> {
  const out = new Map<number, TicketSla>();
  if (!canSla(actor, 'sla.read') || ids.length === 0) return out;
  for (const part of chunks(ids)) {
    const rows = await ctx.db
      .selectFrom('sla_ticket_clocks')
      .select(['ticket_id', 'policy_id', 'pinned_policy_id', 'computed_at', 'clocks'])
      .where('ticket_id', 'in', part)
      .execute();
    for (const r of rows) {
      const stored = JSON.parse(r.clocks) as { policyName: string | null; clocks: ClockSummary[] };
      out.set(r.ticket_id, {
        policyId: r.policy_id,
        policyName: stored.policyName,
        pinned: r.pinned_policy_id !== null && r.pinned_policy_id === r.policy_id,
        computedAt: r.computed_at,
        clocks: stored.clocks,
      });
    }
  }
  return out;
}

/**
 * Pin a policy to a ticket being filed, in the filing transaction: the service catalogue's request type names
 * the SLA its tickets get. The filer's permission is the request type's, not the SLA's.
 */
export async function pinPolicyOnFiling(
  trx: Transaction<Database>,
  input: { ticketId: number; policyId: number; actorId: number; now: number },
): Promise<void> {
  const { ticketId, policyId, actorId, now } = input;
  await refreshTicketClocks(trx, [ticketId], now);
  await trx
    .updateTable('sla_ticket_clocks')
    .set({ pinned_policy_id: policyId })
    .where('ticket_id', '=', ticketId)
    .execute();
  await recordTicketChange(trx, ticketId, actorId, now, [
    { field: 'sla_policy', from: null, to: String(policyId), visibility: 'internal' },
  ]);
  await refreshTicketClocks(trx, [ticketId], now);
}

/**
 * Pin a policy to a ticket by hand (or unpin with null). The clocks are recomputed from the ticket's whole
 * history under the new policy: the pauses already served stay served.
 */
export async function setTicketPolicy(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  policyId: number | null,
): Promise<TicketSla> {
  requireSla(actor, 'escalation.create');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('tickets').select('id').where('id', '=', ticketId).executeTakeFirst();
    if (!t) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
    if (policyId !== null) {
      const p = await trx
        .selectFrom('sla_policies')
        .select('id')
        .where('id', '=', policyId)
        .executeTakeFirst();
      if (!p) throw new NotFound('sla_policy_not_found', `No SLA policy ${policyId}.`);
    }
    await refreshTicketClocks(trx, [ticketId], now);
    await trx
      .updateTable('sla_ticket_clocks')
      .set({ pinned_policy_id: policyId })
      .where('ticket_id', '=', ticketId)
      .execute();
    await recordTicketChange(trx, ticketId, actor.id, now, [
      {
        field: 'sla_policy',
        from: null,
        to: policyId === null ? null : String(policyId),
        visibility: 'internal',
      },
    ]);
    await refreshTicketClocks(trx, [ticketId], now);
  });
  return getTicketSla(ctx, actor, ticketId);
}
