// Services: what an incident is about ("VPN gateway", "Network"), the escalation policy its incidents run, an
// optional help-desk group and category for tickets, the acknowledgement timeout, and an integration key
// (shown once, stored hashed) with which monitoring and scripts open incidents without an account.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, digest, newSecret } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, type FieldError, Invalid, NotFound } from '../core/errors.js';
import { readEscalationPolicy, requireOncall } from '../oncall/index.js';
import { type EscalationPorts, oncallPorts, type ResolvedTarget, resolveStep } from './escalation-engine.js';

type Db = Kysely<Database> | Transaction<Database>;
type ServiceRow = Selectable<Database['services']>;

export interface Service {
  id: number;
  name: string;
  description: string;
  escalationPolicyId: number;
  groupId: number | null;
  categoryId: number | null;
  /** An acknowledged incident not resolved this long after triggers again; 0: never. */
  ackTimeoutMinutes: number;
  /** The first characters of the integration key, to tell keys apart. */
  integrationKeyPrefix: string;
  createdAt: number;
  updatedAt: number;
}

export interface ServiceInput {
  name: string;
  description?: string;
  escalationPolicyId: number;
  groupId?: number | null;
  categoryId?: number | null;
  ackTimeoutMinutes?: number;
}

export interface ServiceChanges extends Partial<ServiceInput> {
  /** A new integration key; the old one stops working. */
  rotateIntegrationKey?: boolean;
}

export const serviceLimits = { name: 100, description: 2000, maxAckTimeoutMinutes: 1440 } as const;
export const defaultAckTimeoutMinutes = 30;

function serviceOf(row: ServiceRow): Service {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    escalationPolicyId: row.escalation_policy_id,
    groupId: row.group_id,
    categoryId: row.category_id,
    ackTimeoutMinutes: row.ack_timeout_minutes,
    integrationKeyPrefix: row.integration_key_prefix,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function newIntegrationKey(): { key: string; hash: string; prefix: string } {
  const key = newSecret('odik');
  return { key, hash: digest(key), prefix: key.slice(0, 9) };
}

async function checkInput(db: Db, input: ServiceInput): Promise<Required<ServiceInput>> {
  const fields: FieldError[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > serviceLimits.name)
    fields.push({ field: '/name', message: `must be 1–${serviceLimits.name} characters` });
  const description = (input.description ?? '').trim();
  if (description.length > serviceLimits.description)
    fields.push({ field: '/description', message: `at most ${serviceLimits.description} characters` });
  const ack = input.ackTimeoutMinutes ?? defaultAckTimeoutMinutes;
  if (!Number.isInteger(ack) || ack < 0 || ack > serviceLimits.maxAckTimeoutMinutes)
    fields.push({ field: '/ackTimeoutMinutes', message: 'must be a whole number from 0 to 1440' });
  if (fields.length > 0)
    throw new Invalid('validation_failed', `${fields[0].field}: ${fields[0].message}`, fields);
  const refs: FieldError[] = [];
  const policy = await db
    .selectFrom('escalation_policies')
    .select('id')
    .where('id', '=', input.escalationPolicyId)
    .executeTakeFirst();
  if (!policy) refs.push({ field: '/escalationPolicyId', message: 'no such escalation policy' });
  const groupId = input.groupId ?? null;
  if (
    groupId !== null &&
    !(await db.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst())
  )
    refs.push({ field: '/groupId', message: 'no such group' });
  const categoryId = input.categoryId ?? null;
  if (
    categoryId !== null &&
    !(await db.selectFrom('categories').select('id').where('id', '=', categoryId).executeTakeFirst())
  )
    refs.push({ field: '/categoryId', message: 'no such category' });
  if (refs.length > 0) throw new Invalid('invalid_reference', `${refs[0].field}: ${refs[0].message}`, refs);
  return {
    name,
    description,
    escalationPolicyId: input.escalationPolicyId,
    groupId,
    categoryId,
    ackTimeoutMinutes: ack,
  };
}

export async function readService(db: Db, id: number): Promise<Service> {
  const row = await db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('service_not_found', `No service ${id}.`);
  return serviceOf(row);
}

/** The service whose integration key this is, or null. */
export async function serviceByIntegrationKey(db: Db, key: string): Promise<Service | null> {
  if (key.length < 10 || key.length > 200) return null;
  const row = await db
    .selectFrom('services')
    .selectAll()
    .where('integration_key_hash', '=', digest(key))
    .executeTakeFirst();
  return row ? serviceOf(row) : null;
}

export async function listServices(ctx: ServiceContext, actor: Actor): Promise<Service[]> {
  requireOncall(actor, 'incident.read');
  const rows = await ctx.db.selectFrom('services').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(serviceOf);
}

export async function getService(ctx: ServiceContext, actor: Actor, id: number): Promise<Service> {
  requireOncall(actor, 'incident.read');
  return readService(ctx.db, id);
}

export async function createService(
  ctx: ServiceContext,
  actor: Actor,
  input: ServiceInput,
): Promise<Service & { integrationKey: string }> {
  requireOncall(actor, 'policy.manage');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const s = await checkInput(trx, input);
    const key = newIntegrationKey();
    const row = await trx
      .insertInto('services')
      .values({
        name: s.name,
        description: s.description,
        escalation_policy_id: s.escalationPolicyId,
        group_id: s.groupId,
        category_id: s.categoryId,
        ack_timeout_minutes: s.ackTimeoutMinutes,
        integration_key_hash: key.hash,
        integration_key_prefix: key.prefix,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'service.create',
      subjectType: 'service',
      subjectId: row.id,
      details: { name: s.name },
    });
    return { ...serviceOf(row), integrationKey: key.key };
  });
}

export async function updateService(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  changes: ServiceChanges,
): Promise<Service & { integrationKey?: string }> {
  requireOncall(actor, 'policy.manage');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const current = await readService(trx, id);
    const s = await checkInput(trx, {
      name: changes.name ?? current.name,
      description: changes.description ?? current.description,
      escalationPolicyId: changes.escalationPolicyId ?? current.escalationPolicyId,
      groupId: changes.groupId === undefined ? current.groupId : changes.groupId,
      categoryId: changes.categoryId === undefined ? current.categoryId : changes.categoryId,
      ackTimeoutMinutes: changes.ackTimeoutMinutes ?? current.ackTimeoutMinutes,
    });
    const key = changes.rotateIntegrationKey ? newIntegrationKey() : null;
    const row = await trx
      .updateTable('services')
      .set({
        name: s.name,
        description: s.description,
        escalation_policy_id: s.escalationPolicyId,
        group_id: s.groupId,
        category_id: s.categoryId,
        ack_timeout_minutes: s.ackTimeoutMinutes,
        updated_at: now,
        ...(key ? { integration_key_hash: key.hash, integration_key_prefix: key.prefix } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'service.update',
      subjectType: 'service',
      subjectId: id,
      details: { fields: Object.keys(changes) },
    });
    return { ...serviceOf(row), ...(key ? { integrationKey: key.key } : {}) };
  });
}

export async function deleteService(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireOncall(actor, 'policy.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await readService(trx, id);
    // Incidents keep their service for the record; a service with history stays.
    const used = await trx
      .selectFrom('incidents')
      .select('id')
      .where('service_id', '=', id)
      .executeTakeFirst();
    if (used) throw new Conflict('service_in_use', `Service ${id} has incidents (#${used.id}).`);
    await trx.deleteFrom('services').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'service.delete',
      subjectType: 'service',
      subjectId: id,
    });
  });
}

export interface ServiceOnCall {
  serviceId: number;
  escalationPolicyId: number;
  /** The policy's first step, resolved now: who would be paged first. */
  targets: ResolvedTarget[];
  userIds: number[];
  at: number;
}

/** Who is on call for a service now: the people its policy's first step names at this instant. */
export async function serviceOnCall(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  ports: EscalationPorts = oncallPorts,
): Promise<ServiceOnCall> {
  requireOncall(actor, 'incident.read');
  const service = await readService(ctx.db, id);
  const policy = await readEscalationPolicy(ctx.db, service.escalationPolicyId);
  const at = ctx.clock.now();
  const first = await resolveStep(ctx, ports.onCall, policy.steps[0], at);
  return { serviceId: id, escalationPolicyId: policy.id, ...first, at };
}
