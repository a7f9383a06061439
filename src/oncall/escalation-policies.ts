// Escalation policies: ordered steps (notify the on-call of a schedule, a user, a group; wait N minutes for an
// acknowledgement; next step), run through K times. Stored here; an incident copies its policy when it opens
// and the escalation engine (src/incidents) runs that copy.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, DomainError, type FieldError, Invalid, NotFound } from '../core/errors.js';
import { whoIsOnCall } from './on-call.js';
import { requireOncall } from './permissions.js';

export type EscalationTargetKind = 'schedule' | 'user' | 'group';

export interface EscalationTarget {
  kind: EscalationTargetKind;
  id: number;
}

export interface EscalationStep {
  targets: EscalationTarget[];
  /** How long to wait for an acknowledgement before the next step. */
  delayMinutes: number;
}

export interface EscalationPolicy {
  id: number;
  name: string;
  description: string;
  steps: EscalationStep[];
  /** How many times the steps are run through before the policy is exhausted (1: once, no repeat). */
  repeatCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface EscalationPolicyInput {
  name: string;
  description?: string;
  steps: EscalationStep[];
  repeatCount?: number;
}

export const escalationPolicyLimits = {
  name: 100,
  description: 2000,
  steps: 20,
  targetsPerStep: 20,
  minDelayMinutes: 1,
  maxDelayMinutes: 1440,
  maxRepeatCount: 10,
} as const;

/** Whether a schedule exists: asked of who-is-on-call, whose NotFound is the answer (schedules are theirs). */
export type ScheduleExists = (ctx: ServiceContext, scheduleId: number) => Promise<boolean>;

export const scheduleExistsByOnCall: ScheduleExists = async (ctx, scheduleId) => {
  try {
    await whoIsOnCall(ctx, scheduleId, ctx.clock.now());
    return true;
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'not_found') return false;
    throw err;
  }
};

export interface PolicyOptions {
  scheduleExists?: ScheduleExists;
}

type Db = Kysely<Database> | Transaction<Database>;
type PolicyRow = Selectable<Database['escalation_policies']>;

function policyOf(row: PolicyRow): EscalationPolicy {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    steps: JSON.parse(row.steps) as EscalationStep[],
    repeatCount: row.repeat_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function invalid(field: string, message: string): Invalid {
  return new Invalid('invalid_escalation_policy', `${field.slice(1) || 'policy'}: ${message}`, [
    { field, message },
  ]);
}

const maxId = 2_147_483_647;

const targetKinds: readonly EscalationTargetKind[] = ['schedule', 'user', 'group'];

/** The shape and bounds of a policy (the references are checked against the database apart). */
export function checkPolicyShape(input: EscalationPolicyInput): Omit<EscalationPolicyInput, 'repeatCount'> & {
  repeatCount: number;
} {
  const l = escalationPolicyLimits;
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > l.name) throw invalid('/name', `must be 1–${l.name} characters`);
  const description = (input.description ?? '').trim();
  if (description.length > l.description)
    throw invalid('/description', `at most ${l.description} characters`);
  const repeatCount = input.repeatCount ?? 1;
  if (!Number.isInteger(repeatCount) || repeatCount < 1 || repeatCount > l.maxRepeatCount)
    throw invalid('/repeatCount', `must be a whole number from 1 to ${l.maxRepeatCount}`);
  if (!Array.isArray(input.steps) || input.steps.length < 1 || input.steps.length > l.steps)
    throw invalid('/steps', `must have 1–${l.steps} steps`);
  const steps = input.steps.map((step, i): EscalationStep => {
    const d = step?.delayMinutes;
    if (!Number.isInteger(d) || d < l.minDelayMinutes || d > l.maxDelayMinutes)
      throw invalid(`/steps/${i}/delayMinutes`, `must be a whole number from 1 to ${l.maxDelayMinutes}`);
    if (!Array.isArray(step.targets) || step.targets.length < 1 || step.targets.length > l.targetsPerStep)
      throw invalid(`/steps/${i}/targets`, `must have 1–${l.targetsPerStep} targets`);
    const seen = new Set<string>();
    const targets = step.targets.map((t, j) => {
      if (!t || !targetKinds.includes(t.kind))
        throw invalid(`/steps/${i}/targets/${j}/kind`, 'must be schedule, user or group');
      // Ids are 32-bit in every table: a larger one could only fail deeper, in the database.
      if (!Number.isInteger(t.id) || t.id < 1 || t.id > maxId)
        throw invalid(`/steps/${i}/targets/${j}/id`, `must be a whole number from 1 to ${maxId}`);
      return { kind: t.kind, id: t.id };
    });
    // The same target twice in a step pages nobody twice; keep the first.
    return {
      targets: targets.filter((t) => {
        const key = `${t.kind}:${t.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
      delayMinutes: d,
    };
  });
  return { name, description, steps, repeatCount };
}

/** Every target of the steps exists: users (active), groups, schedules. */
async function checkTargetsExist(
  ctx: ServiceContext,
  steps: EscalationStep[],
  scheduleExists: ScheduleExists,
): Promise<void> {
  const idsOf = (kind: EscalationTargetKind) => [
    ...new Set(steps.flatMap((s) => s.targets.filter((t) => t.kind === kind).map((t) => t.id))),
  ];
  const userIds = idsOf('user');
  const groupIds = idsOf('group');
  const scheduleIds = idsOf('schedule');
  const users = new Set(
    userIds.length === 0
      ? []
      : (
          await ctx.db
            .selectFrom('users')
            .select('id')
            .where('id', 'in', userIds)
            .where('active', '=', 1)
            .execute()
        ).map((r) => r.id),
  );
  const groups = new Set(
    groupIds.length === 0
      ? []
      : (await ctx.db.selectFrom('groups').select('id').where('id', 'in', groupIds).execute()).map(
          (r) => r.id,
        ),
  );
  const schedules = new Set<number>();
  for (const id of scheduleIds) if (await scheduleExists(ctx, id)) schedules.add(id);
  const fields: FieldError[] = [];
  for (const [i, s] of steps.entries()) {
    for (const [j, t] of s.targets.entries()) {
      const known = t.kind === 'user' ? users : t.kind === 'group' ? groups : schedules;
      if (!known.has(t.id))
        fields.push({ field: `/steps/${i}/targets/${j}`, message: `no such ${t.kind} ${t.id}` });
    }
  }
  if (fields.length > 0)
    throw new Invalid(
      'invalid_escalation_policy',
      `Unknown targets: ${fields
        .slice(0, 5)
        .map((f) => f.message)
        .join('; ')}.`,
      fields,
    );
}

async function loadPolicy(db: Db, id: number): Promise<EscalationPolicy> {
  const row = await db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('escalation_policy_not_found', `No escalation policy ${id}.`);
  return policyOf(row);
}

/** A policy as stored, without a permission check: for the incidents domain, which snapshots it. */
export async function readEscalationPolicy(db: Db, id: number): Promise<EscalationPolicy> {
  return loadPolicy(db, id);
}

export async function listEscalationPolicies(ctx: ServiceContext, actor: Actor): Promise<EscalationPolicy[]> {
  requireOncall(actor, 'policy.read');
  const rows = await ctx.db
    .selectFrom('escalation_policies')
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(policyOf);
}

export async function getEscalationPolicy(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<EscalationPolicy> {
  requireOncall(actor, 'policy.read');
  return loadPolicy(ctx.db, id);
}

export async function createEscalationPolicy(
  ctx: ServiceContext,
  actor: Actor,
  input: EscalationPolicyInput,
  options: PolicyOptions = {},
): Promise<EscalationPolicy> {
  requireOncall(actor, 'policy.manage');
  const p = checkPolicyShape(input);
  await checkTargetsExist(ctx, p.steps, options.scheduleExists ?? scheduleExistsByOnCall);
  return ctx.db.transaction().execute((trx) => insertEscalationPolicy(ctx, trx, actor, p));
}

/**
 * In the caller's transaction (an import writes its schedules and policies at once): a policy whose shape was
 * checked (checkPolicyShape) and whose targets exist is stored and audited.
 */
export async function insertEscalationPolicy(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  actor: Actor,
  p: ReturnType<typeof checkPolicyShape>,
): Promise<EscalationPolicy> {
  const now = ctx.clock.now();
  const row = await trx
    .insertInto('escalation_policies')
    .values({
      name: p.name,
      description: p.description ?? '',
      steps: JSON.stringify(p.steps),
      repeat_count: p.repeatCount,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'escalation_policy.create',
    subjectType: 'escalation_policy',
    subjectId: row.id,
    details: { name: p.name },
  });
  return policyOf(row);
}

export async function updateEscalationPolicy(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  changes: Partial<EscalationPolicyInput>,
  options: PolicyOptions = {},
): Promise<EscalationPolicy> {
  requireOncall(actor, 'policy.manage');
  const current = await loadPolicy(ctx.db, id);
  const p = checkPolicyShape({
    name: changes.name ?? current.name,
    description: changes.description ?? current.description,
    steps: changes.steps ?? current.steps,
    repeatCount: changes.repeatCount ?? current.repeatCount,
  });
  // Only new steps are checked: a schedule or user gone since does not block renaming the policy.
  if (changes.steps) await checkTargetsExist(ctx, p.steps, options.scheduleExists ?? scheduleExistsByOnCall);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('escalation_policies')
      .set({
        name: p.name,
        description: p.description ?? '',
        steps: JSON.stringify(p.steps),
        repeat_count: p.repeatCount,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('escalation_policy_not_found', `No escalation policy ${id}.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'escalation_policy.update',
      subjectType: 'escalation_policy',
      subjectId: id,
      details: { fields: Object.keys(changes) },
    });
    return policyOf(row);
  });
}

export async function deleteEscalationPolicy(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireOncall(actor, 'policy.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await loadPolicy(trx, id);
    const used = await trx
      .selectFrom('services')
      .select('id')
      .where('escalation_policy_id', '=', id)
      .executeTakeFirst();
    if (used)
      throw new Conflict('policy_in_use', `Escalation policy ${id} is the policy of service ${used.id}.`);
    await trx.deleteFrom('escalation_policies').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'escalation_policy.delete',
      subjectType: 'escalation_policy',
      subjectId: id,
    });
  });
}
