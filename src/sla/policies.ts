// SLA policies: ordered conditions pick one per ticket; each sets targets (first response, next response,
// resolution) on a calendar, the states that pause each target, a warning threshold and escalation levels.
// Beside them, internal targets per group (OLAs) and the hierarchical escalation path.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketStatus, TicketType } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { ticketStatuses } from '../helpdesk/index.js';
import { markOpenClocksStale } from './calendars.js';
import { requireSla } from './permissions.js';
import { type SlaTarget, slaTargets } from './sla-clock.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface TargetDefinition {
  minutes: number;
  /** null: around the clock (24/7, UTC). */
  calendarId: number | null;
  /** Warn at this percentage of the target (1–99), or null for no warning. */
  warnPercent: number | null;
  pauseStatuses: TicketStatus[];
}

export interface PolicyConditions {
  priorities?: number[];
  categoryIds?: number[];
  types?: TicketType[];
  /** The requester belongs to one of these groups (their organisation or department). */
  requesterGroupIds?: number[];
}

export type EscalationAction =
  | { type: 'notify'; who: 'assignee' | 'group' | 'manager' }
  | { type: 'reassign'; groupId: number }
  | { type: 'raise_priority' };

export interface EscalationLevel {
  level: number;
  target: SlaTarget;
  /** Business minutes relative to the due time: negative before the breach, positive after. */
  offsetMinutes: number;
  actions: EscalationAction[];
}

export interface SlaPolicy {
  id: number;
  name: string;
  position: number;
  active: boolean;
  conditions: PolicyConditions;
  targets: Partial<Record<SlaTarget, TargetDefinition>>;
  levels: EscalationLevel[];
  createdAt: number;
  updatedAt: number;
}

export interface PolicyInput {
  name: string;
  active?: boolean;
  conditions?: PolicyConditions;
  targets: Partial<Record<SlaTarget, Partial<TargetDefinition> & { minutes: number }>>;
  levels?: EscalationLevel[];
}

/**
 * As GLPI: waiting on the customer and resolved pause resolution and update; first response never pauses.
 * Awaiting approval pauses every target without being listed (sla-clock.ts runClock).
 */
export const defaultPauseStatuses: Record<SlaTarget, TicketStatus[]> = {
  first_response: [],
  next_response: ['pending', 'resolved'],
  resolution: ['pending', 'resolved'],
};

type PolicyRow = Selectable<Database['sla_policies']>;

function policyOf(row: PolicyRow): SlaPolicy {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    active: row.active === 1,
    conditions: JSON.parse(row.conditions),
    targets: JSON.parse(row.targets),
    levels: JSON.parse(row.levels),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function bad(field: string, message: string): Invalid {
  return new Invalid('invalid_sla_policy', `${field.slice(1)}: ${message}`, [{ field, message }]);
}

async function checkPolicy(
  db: Db,
  input: PolicyInput,
): Promise<Omit<SlaPolicy, 'id' | 'position' | 'createdAt' | 'updatedAt'>> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw bad('/name', 'must be 1–100 characters');
  const calendarIds = new Set((await db.selectFrom('sla_calendars').select('id').execute()).map((r) => r.id));
  const groupIds = new Set((await db.selectFrom('groups').select('id').execute()).map((r) => r.id));
  const targets: Partial<Record<SlaTarget, TargetDefinition>> = {};
  for (const [key, t] of Object.entries(input.targets ?? {})) {
    const target = key as SlaTarget;
    if (!slaTargets.includes(target) || !t) throw bad(`/targets/${key}`, 'unknown target');
    if (!Number.isInteger(t.minutes) || t.minutes < 1 || t.minutes > 525_600) {
      throw bad(`/targets/${key}/minutes`, 'must be 1–525600 minutes');
    }
    const calendarId = t.calendarId ?? null;
    if (calendarId !== null && !calendarIds.has(calendarId))
      throw bad(`/targets/${key}/calendarId`, `no calendar ${calendarId}`);
    const warnPercent = t.warnPercent ?? null;
    if (warnPercent !== null && (!Number.isInteger(warnPercent) || warnPercent < 1 || warnPercent > 99)) {
      throw bad(`/targets/${key}/warnPercent`, 'must be 1–99');
    }
    const pauseStatuses = [...new Set(t.pauseStatuses ?? defaultPauseStatuses[target])];
    for (const s of pauseStatuses)
      if (!ticketStatuses.includes(s)) throw bad(`/targets/${key}/pauseStatuses`, `unknown state ${s}`);
    targets[target] = { minutes: t.minutes, calendarId, warnPercent, pauseStatuses };
  }
  if (Object.keys(targets).length === 0) throw bad('/targets', 'set at least one target');
  const c = input.conditions ?? {};
  const conditions: PolicyConditions = {};
  if (c.priorities?.length) {
    if (c.priorities.some((p) => !Number.isInteger(p) || p < 1 || p > 5))
      throw bad('/conditions/priorities', 'must be 1–5');
    conditions.priorities = [...new Set(c.priorities)].sort();
  }
  if (c.categoryIds?.length) conditions.categoryIds = [...new Set(c.categoryIds)];
  if (c.types?.length) conditions.types = [...new Set(c.types)];
  if (c.requesterGroupIds?.length) {
    for (const g of c.requesterGroupIds)
      if (!groupIds.has(g)) throw bad('/conditions/requesterGroupIds', `no group ${g}`);
    conditions.requesterGroupIds = [...new Set(c.requesterGroupIds)];
  }
  const levels = [...(input.levels ?? [])].sort((a, b) => a.level - b.level);
  const seen = new Set<string>();
  levels.forEach((l, i) => {
    if (!targets[l.target]) throw bad(`/levels/${i}/target`, `the policy sets no ${l.target} target`);
    if (seen.has(`${l.target}:${l.level}`)) throw bad(`/levels/${i}/level`, 'each level once per target');
    seen.add(`${l.target}:${l.level}`);
    for (const a of l.actions) {
      if (a.type === 'reassign' && !groupIds.has(a.groupId))
        throw bad(`/levels/${i}/actions`, `no group ${a.groupId}`);
    }
  });
  return { name, active: input.active ?? true, conditions, targets, levels };
}

async function nameFree(db: Db, name: string, exceptId?: number): Promise<void> {
  let q = db.selectFrom('sla_policies').select('id').where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict('sla_name_taken', `A policy named "${name}" exists.`);
}

/** Policies in the order they are tried. */
export async function loadPolicies(db: Db): Promise<SlaPolicy[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map(policyOf);
}

export async function listPolicies(ctx: ServiceContext, actor: Actor): Promise<SlaPolicy[]> {
  requireSla(actor, 'sla.read');
  return loadPolicies(ctx.db);
}

export async function getPolicy(ctx: ServiceContext, actor: Actor, id: number): Promise<SlaPolicy> {
  requireSla(actor, 'sla.read');
  const row = await ctx.db.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('sla_policy_not_found', `No SLA policy ${id}.`);
  return policyOf(row);
}

export async function createPolicy(
  ctx: ServiceContext,
  actor: Actor,
  input: PolicyInput,
): Promise<SlaPolicy> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const p = await checkPolicy(trx, input);
    await nameFree(trx, p.name);
    const last = await trx
      .selectFrom('sla_policies')
      .select((eb) => eb.fn.max('position').as('m'))
      .executeTakeFirst();
    const row = await trx
      .insertInto('sla_policies')
      .values({
        name: p.name,
        position: Number(last?.m ?? 0) + 1,
        active: p.active ? 1 : 0,
        conditions: JSON.stringify(p.conditions),
        targets: JSON.stringify(p.targets),
        levels: JSON.stringify(p.levels),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.policy.create',
      subjectType: 'sla_policy',
      subjectId: row.id,
      details: { name: p.name },
    });
    await markOpenClocksStale(ctx, trx, now);
    return row;
  });
  return policyOf(row);
}

export async function updatePolicy(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<PolicyInput>,
): Promise<SlaPolicy> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFound('sla_policy_not_found', `No SLA policy ${id}.`);
    const old = policyOf(before);
    const p = await checkPolicy(trx, {
      name: input.name ?? old.name,
      active: input.active ?? old.active,
      conditions: input.conditions ?? old.conditions,
      targets: input.targets ?? old.targets,
      levels: input.levels ?? old.levels,
    });
    await nameFree(trx, p.name, id);
    const row = await trx
      .updateTable('sla_policies')
      .set({
        name: p.name,
        active: p.active ? 1 : 0,
        conditions: JSON.stringify(p.conditions),
        targets: JSON.stringify(p.targets),
        levels: JSON.stringify(p.levels),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.policy.update',
      subjectType: 'sla_policy',
      subjectId: id,
      details: { name: p.name },
    });
    await markOpenClocksStale(ctx, trx, now);
    return row;
  });
  return policyOf(row);
}

export async function deletePolicy(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('sla_policies').where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new NotFound('sla_policy_not_found', `No SLA policy ${id}.`);
    await trx
      .updateTable('sla_ticket_clocks')
      .set({ pinned_policy_id: null })
      .where('pinned_policy_id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.policy.delete',
      subjectType: 'sla_policy',
      subjectId: id,
    });
    await markOpenClocksStale(ctx, trx, now);
  });
}

/** Set the order in which policies are tried: every policy id, first to last. */
export async function orderPolicies(ctx: ServiceContext, actor: Actor, ids: number[]): Promise<SlaPolicy[]> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const existing = (await trx.selectFrom('sla_policies').select('id').execute())
      .map((r) => r.id)
      .sort((a, b) => a - b);
    const given = [...new Set(ids)].sort((a, b) => a - b);
    if (given.length !== ids.length || given.join() !== existing.join()) {
      throw bad('/ids', 'must list every policy id exactly once');
    }
    for (const [i, id] of ids.entries()) {
      await trx
        .updateTable('sla_policies')
        .set({ position: i + 1, updated_at: now })
        .where('id', '=', id)
        .execute();
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.policy.order',
      subjectType: 'sla_policy',
      subjectId: ids.join(','),
      details: { ids },
    });
    await markOpenClocksStale(ctx, trx, now);
  });
  return loadPolicies(ctx.db);
}

export interface PolicySubject {
  priority: number;
  categoryId: number | null;
  type: TicketType;
  requesterGroupIds: readonly number[];
}

/** The first active policy whose every condition holds (an empty condition holds for every ticket). */
export function matchPolicy(policies: readonly SlaPolicy[], t: PolicySubject): SlaPolicy | null {
  for (const p of policies) {
    if (!p.active) continue;
    const c = p.conditions;
    if (c.priorities?.length && !c.priorities.includes(t.priority)) continue;
    if (c.categoryIds?.length && (t.categoryId === null || !c.categoryIds.includes(t.categoryId))) continue;
    if (c.types?.length && !c.types.includes(t.type)) continue;
    if (c.requesterGroupIds?.length && !c.requesterGroupIds.some((g) => t.requesterGroupIds.includes(g)))
      continue;
    return p;
  }
  return null;
}

// ---- OLAs: internal targets per group ------------------------------------------------------------------

export interface GroupOla {
  groupId: number;
  minutes: number;
  calendarId: number | null;
  warnPercent: number | null;
  pauseStatuses: TicketStatus[];
}

export async function loadOlas(db: Db): Promise<GroupOla[]> {
  const rows = await db.selectFrom('sla_olas').selectAll().orderBy('group_id').execute();
  return rows.map((r) => ({
    groupId: r.group_id,
    minutes: r.minutes,
    calendarId: r.calendar_id,
    warnPercent: r.warn_percent,
    pauseStatuses: JSON.parse(r.pause_statuses),
  }));
}

export async function listOlas(ctx: ServiceContext, actor: Actor): Promise<GroupOla[]> {
  requireSla(actor, 'sla.read');
  return loadOlas(ctx.db);
}

/** Set (or, with null, remove) a group's internal resolution target, counted from its assignment. */
export async function setGroupOla(
  ctx: ServiceContext,
  actor: Actor,
  groupId: number,
  input: (Omit<GroupOla, 'groupId' | 'pauseStatuses'> & { pauseStatuses?: TicketStatus[] }) | null,
): Promise<GroupOla | null> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const g = await trx.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst();
    if (!g) throw new NotFound('group_not_found', `No group ${groupId}.`);
    await trx.deleteFrom('sla_olas').where('group_id', '=', groupId).execute();
    if (input) {
      const checked = await checkPolicy(trx, {
        name: 'ola',
        targets: { resolution: { ...input, pauseStatuses: input.pauseStatuses } },
      });
      const t = checked.targets.resolution!;
      await trx
        .insertInto('sla_olas')
        .values({
          group_id: groupId,
          minutes: t.minutes,
          calendar_id: t.calendarId,
          warn_percent: t.warnPercent,
          pause_statuses: JSON.stringify(t.pauseStatuses),
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.ola.set',
      subjectType: 'group',
      subjectId: groupId,
      details: { ola: input },
    });
    await markOpenClocksStale(ctx, trx, now);
  });
  return (await loadOlas(ctx.db)).find((o) => o.groupId === groupId) ?? null;
}

// ---- the escalation path --------------------------------------------------------------------------------

const pathKey = 'sla_escalation_path';

/** The hierarchical path of groups a ticket climbs (Service Desk L1 → Infrastructure L2); then the manager. */
export async function getEscalationPath(db: Db): Promise<number[]> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', pathKey).executeTakeFirst();
  return row ? (JSON.parse(row.value) as number[]) : [];
}

export async function setEscalationPath(
  ctx: ServiceContext,
  actor: Actor,
  groupIds: number[],
): Promise<number[]> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  const ids = [...new Set(groupIds)];
  await ctx.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('groups')
      .select('id')
      .where('id', 'in', ids.length ? ids : [0])
      .execute();
    if (found.length !== ids.length) {
      throw new Invalid('invalid_reference', 'groupIds: every id must be a group', [
        { field: '/groupIds', message: 'unknown group' },
      ]);
    }
    await trx.deleteFrom('settings').where('key', '=', pathKey).execute();
    await trx
      .insertInto('settings')
      .values({ key: pathKey, value: JSON.stringify(ids), updated_at: now })
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.escalation_path.set',
      subjectType: 'settings',
      subjectId: pathKey,
      details: { groupIds: ids },
    });
  });
  return ids;
}
