// Monitoring targets: hosts and services with tags, an owning group, an escalation policy and an incidents service,
// and the targets they depend on (a dependency graph without cycles). A target's state is derived from its checks
// (check-scheduler.ts keeps it); here it is read, listed and filtered.
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { type Database, isUniqueViolation } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import type { CheckState } from './check-model.js';

export type TargetKind = 'host' | 'service';

export const targetLimits = {
  name: 200,
  address: 500,
  description: 4000,
  tags: 50,
  tag: 100,
  parents: 50,
} as const;

export interface Target {
  id: number;
  name: string;
  kind: TargetKind;
  address: string | null;
  description: string;
  tags: string[];
  groupId: number | null;
  escalationPolicyId: number | null;
  serviceId: number | null;
  /** The targets this one depends on: while one of them (transitively) is down, its alerts are held back. */
  parentIds: number[];
  state: CheckState;
  stateSince: number;
  createdAt: number;
  updatedAt: number;
}

export interface TargetInput {
  name: string;
  kind: TargetKind;
  address?: string | null;
  description?: string;
  tags?: string[];
  groupId?: number | null;
  escalationPolicyId?: number | null;
  serviceId?: number | null;
  parentIds?: number[];
}

export interface TargetFilter {
  state?: CheckState;
  /** "key" or "key:value", matched exactly. */
  tag?: string;
  groupId?: number;
  /** Part of the name or the address, any case. */
  search?: string;
  afterId?: number;
  limit: number;
}

type Db = Kysely<Database> | Transaction<Database>;
type TargetRow = Selectable<Database['monitoring_targets']>;

const tagPattern = /^[^\s,]{1,100}$/;

function targetOf(row: TargetRow, parentIds: number[]): Target {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    address: row.address,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    groupId: row.group_id,
    escalationPolicyId: row.escalation_policy_id,
    serviceId: row.service_id,
    parentIds,
    state: row.state,
    stateSince: Number(row.state_since),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

async function parentsOf(db: Db, ids: readonly number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('monitoring_target_dependencies')
    .select(['target_id', 'parent_id'])
    .where('target_id', 'in', ids)
    .orderBy('parent_id')
    .execute();
  for (const r of rows) out.get(r.target_id)?.push(r.parent_id);
  return out;
}

function normaliseTags(tags: readonly string[] | undefined): string[] {
  const out = [...new Set((tags ?? []).map((t) => t.trim()))];
  if (out.length > targetLimits.tags)
    throw new Invalid('validation_failed', `At most ${targetLimits.tags} tags.`, [
      { field: '/tags', message: `at most ${targetLimits.tags}` },
    ]);
  for (const t of out)
    if (!tagPattern.test(t))
      throw new Invalid('validation_failed', 'A tag is "key" or "key:value", without spaces or commas.', [
        { field: '/tags', message: `bad tag ${JSON.stringify(t.slice(0, 100))}` },
      ]);
  return out.sort();
}

async function checkReferences(db: Db, input: Partial<TargetInput>): Promise<void> {
  const refs: [keyof Database, number | null | undefined, string][] = [
    ['groups', input.groupId, '/groupId'],
    ['escalation_policies', input.escalationPolicyId, '/escalationPolicyId'],
    ['services', input.serviceId, '/serviceId'],
  ];
  for (const [table, id, field] of refs) {
    if (id === null || id === undefined) continue;
    const found = await db
      .selectFrom(table as 'groups')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!found)
      throw new Invalid('invalid_reference', `No such ${field.slice(1, -2)} ${id}.`, [
        { field, message: 'does not exist' },
      ]);
  }
}

/**
 * Set a target's parents, refusing a cycle: no parent may be the target itself or one of its descendants (the
 * targets that depend on it, transitively). Runs in the caller's transaction.
 */
async function setParents(trx: Db, targetId: number, parentIds: readonly number[]): Promise<void> {
  const parents = [...new Set(parentIds)];
  if (parents.length > targetLimits.parents)
    throw new Invalid('validation_failed', `At most ${targetLimits.parents} parents.`, [
      { field: '/parentIds', message: `at most ${targetLimits.parents}` },
    ]);
  if (parents.length > 0) {
    const found = await trx
      .selectFrom('monitoring_targets')
      .select('id')
      .where('id', 'in', parents)
      .execute();
    const missing = parents.filter((p) => !found.some((f) => f.id === p));
    if (missing.length > 0)
      throw new Invalid('invalid_reference', `No such target ${missing[0]}.`, [
        { field: '/parentIds', message: `target ${missing[0]} does not exist` },
      ]);
    const edges = await trx
      .selectFrom('monitoring_target_dependencies')
      .select(['target_id', 'parent_id'])
      .execute();
    const children = new Map<number, number[]>();
    for (const e of edges) {
      if (e.target_id === targetId) continue; // the edges being replaced
      const list = children.get(e.parent_id) ?? [];
      list.push(e.target_id);
      children.set(e.parent_id, list);
    }
    const descendants = new Set<number>([targetId]);
    const queue = [targetId];
    while (queue.length > 0) {
      const at = queue.pop() as number;
      for (const c of children.get(at) ?? [])
        if (!descendants.has(c)) {
          descendants.add(c);
          queue.push(c);
        }
    }
    const looping = parents.find((p) => descendants.has(p));
    if (looping !== undefined)
      throw new Invalid(
        'dependency_cycle',
        looping === targetId
          ? 'A target cannot depend on itself.'
          : `Target ${looping} depends on this target already; depending on it would make a cycle.`,
        [{ field: '/parentIds', message: `target ${looping} would make a cycle` }],
      );
  }
  await trx.deleteFrom('monitoring_target_dependencies').where('target_id', '=', targetId).execute();
  if (parents.length > 0)
    await trx
      .insertInto('monitoring_target_dependencies')
      .values(parents.map((p) => ({ target_id: targetId, parent_id: p })))
      .execute();
}

function nameTaken(err: unknown): never {
  if (isUniqueViolation(err))
    throw new Conflict('target_name_taken', 'Another target already has this name.');
  throw err;
}

/** The fields of a target's input that were given, for the audit log. */
function targetDetails(input: Partial<TargetInput>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

export async function createTarget(ctx: ServiceContext, actor: Actor, input: TargetInput): Promise<Target> {
  const now = ctx.clock.now();
  const tags = normaliseTags(input.tags);
  await checkReferences(ctx.db, input);
  const id = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const row = await trx
        .insertInto('monitoring_targets')
        .values({
          name: input.name.trim(),
          kind: input.kind,
          address: input.address?.trim() || null,
          description: input.description ?? '',
          tags: JSON.stringify(tags),
          group_id: input.groupId ?? null,
          escalation_policy_id: input.escalationPolicyId ?? null,
          service_id: input.serviceId ?? null,
          state: 'pending',
          state_since: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await setParents(trx, row.id, input.parentIds ?? []);
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'monitoring.target.created',
        subjectType: 'monitoring_target',
        subjectId: row.id,
        details: targetDetails(input),
      });
      return row.id;
    })
    .catch(nameTaken);
  return getTarget(ctx, id);
}

export async function getTarget(ctx: ServiceContext, id: number): Promise<Target> {
  const row = await ctx.db
    .selectFrom('monitoring_targets')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('target_not_found', `No monitoring target ${id}.`);
  return targetOf(row, (await parentsOf(ctx.db, [id])).get(id) ?? []);
}

export async function updateTarget(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<TargetInput>,
): Promise<Target> {
  await getTarget(ctx, id);
  await checkReferences(ctx.db, input);
  const tags = input.tags !== undefined ? normaliseTags(input.tags) : undefined;
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable('monitoring_targets')
        .set({
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.kind !== undefined ? { kind: input.kind } : {}),
          ...(input.address !== undefined ? { address: input.address?.trim() || null } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(tags !== undefined ? { tags: JSON.stringify(tags) } : {}),
          ...(input.groupId !== undefined ? { group_id: input.groupId } : {}),
          ...(input.escalationPolicyId !== undefined
            ? { escalation_policy_id: input.escalationPolicyId }
            : {}),
          ...(input.serviceId !== undefined ? { service_id: input.serviceId } : {}),
          updated_at: ctx.clock.now(),
        })
        .where('id', '=', id)
        .execute();
      if (input.parentIds !== undefined) await setParents(trx, id, input.parentIds);
      await recordAudit(trx, {
        actorId: actor.id,
        at: ctx.clock.now(),
        action: 'monitoring.target.updated',
        subjectType: 'monitoring_target',
        subjectId: id,
        details: targetDetails(input),
      });
    })
    .catch(nameTaken);
  return getTarget(ctx, id);
}

/** Delete a target with its checks, their history and its dependencies (both ways). */
export async function deleteTarget(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('monitoring_targets')
      .where('id', '=', id)
      .returning(['id', 'name'])
      .executeTakeFirst();
    if (!row) throw new NotFound('target_not_found', `No monitoring target ${id}.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: 'monitoring.target.deleted',
      subjectType: 'monitoring_target',
      subjectId: id,
      details: { name: row.name },
    });
  });
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Targets in id order, filtered; `limit + 1` items so the edge knows whether a next page exists. */
export async function listTargets(ctx: ServiceContext, filter: TargetFilter): Promise<Target[]> {
  let q = ctx.db.selectFrom('monitoring_targets').selectAll();
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.groupId !== undefined) q = q.where('group_id', '=', filter.groupId);
  // Tags are a JSON array of strings: the quoted tag is a whole element.
  if (filter.tag)
    q = q.where(sql<boolean>`lower(tags) like ${likePattern(JSON.stringify(filter.tag))} escape '\\'`);
  if (filter.search) {
    const p = likePattern(filter.search);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(name)`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(coalesce(address, ''))`, 'like', sql`${p} escape '\\'`),
      ]),
    );
  }
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  const rows = await q
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  const parents = await parentsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => targetOf(r, parents.get(r.id) ?? []));
}
