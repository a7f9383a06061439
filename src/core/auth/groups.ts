// Technician groups (Service Desk L1, Infrastructure L2, Network…): tickets are assigned to them.
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { type Actor, isStaff } from './actor.js';
import { canAccounts } from './policies.js';
import { forgetAuthentications } from './sessions.js';

export interface Group {
  id: number;
  name: string;
  description: string;
  memberIds: number[];
  createdAt: number;
}

function checkName(name: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > 100) {
    throw new Invalid('validation_failed', 'A group name needs 1 to 100 characters.', [
      { field: '/name', message: 'must be 1–100 characters' },
    ]);
  }
  return n;
}

export async function listGroups(ctx: ServiceContext, actor: Actor): Promise<Group[]> {
  if (!canAccounts(actor, 'group.list')) throw new Forbidden('forbidden', 'Requesters may not list groups.');
  const [groups, members] = await Promise.all([
    ctx.db
      .selectFrom('groups')
      .selectAll()
      .where('scim_deleted_at', 'is', null)
      .orderBy('name')
      .orderBy('id')
      .execute(),
    ctx.db.selectFrom('group_members').select(['group_id', 'user_id']).orderBy('user_id').execute(),
  ]);
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    memberIds: members.filter((m) => m.group_id === g.id).map((m) => m.user_id),
    createdAt: g.created_at,
  }));
}

export async function getGroup(ctx: ServiceContext, actor: Actor, id: number): Promise<Group> {
  if (!canAccounts(actor, 'group.list')) throw new Forbidden('forbidden', 'Requesters may not see groups.');
  const g = await ctx.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!g) throw new NotFound('group_not_found', `No group ${id}.`);
  const members = await ctx.db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', id)
    .orderBy('user_id')
    .execute();
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    memberIds: members.map((m) => m.user_id),
    createdAt: g.created_at,
  };
}

export async function createGroup(
  ctx: ServiceContext,
  actor: Actor | null,
  input: { name: string; description?: string; memberIds?: number[] },
): Promise<Group> {
  if (actor && !canAccounts(actor, 'group.manage'))
    throw new Forbidden('forbidden', 'Only an admin may manage groups.');
  const name = checkName(input.name);
  const now = ctx.clock.now();
  const memberIds = [...new Set(input.memberIds ?? [])];
  const id = await ctx.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('groups').select('id').where('name', '=', name).executeTakeFirst();
    if (taken) throw new Conflict('name_taken', `A group named ${name} already exists.`);
    const row = await trx
      .insertInto('groups')
      .values({ name, description: input.description?.slice(0, 2000) ?? '', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setMembers(trx, row.id, memberIds);
    await recordAudit(trx, {
      actorId: actor?.id ?? null,
      at: now,
      action: 'group.created',
      subjectType: 'group',
      subjectId: row.id,
      details: { name, memberIds },
    });
    return row.id;
  });
  forgetAuthentications(ctx);
  return {
    id,
    name,
    description: input.description?.slice(0, 2000) ?? '',
    memberIds: memberIds.sort((a, b) => a - b),
    createdAt: now,
  };
}

async function setMembers(trx: ServiceContext['db'], groupId: number, memberIds: number[]): Promise<void> {
  if (memberIds.length > 0) {
    const users = await trx.selectFrom('users').select(['id', 'role']).where('id', 'in', memberIds).execute();
    if (users.length !== memberIds.length || users.some((u) => !isStaff(u))) {
      throw new Invalid('invalid_reference', 'Group members must be existing staff (not requesters).', [
        { field: '/memberIds', message: 'unknown user or a requester' },
      ]);
    }
  }
  await trx.deleteFrom('group_members').where('group_id', '=', groupId).execute();
  if (memberIds.length > 0) {
    await trx
      .insertInto('group_members')
      .values(memberIds.map((u) => ({ group_id: groupId, user_id: u })))
      .execute();
  }
}

export async function updateGroup(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { name?: string; description?: string; memberIds?: number[] },
): Promise<Group> {
  if (!canAccounts(actor, 'group.manage'))
    throw new Forbidden('forbidden', 'Only an admin may manage groups.');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const g = await trx.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst();
    if (!g) throw new NotFound('group_not_found', `No group ${id}.`);
    if (input.name !== undefined) {
      const name = checkName(input.name);
      const taken = await trx
        .selectFrom('groups')
        .select('id')
        .where('name', '=', name)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (taken) throw new Conflict('name_taken', `A group named ${name} already exists.`);
      await trx.updateTable('groups').set({ name }).where('id', '=', id).execute();
    }
    if (input.description !== undefined) {
      await trx
        .updateTable('groups')
        .set({ description: input.description.slice(0, 2000) })
        .where('id', '=', id)
        .execute();
    }
    if (input.memberIds !== undefined) await setMembers(trx, id, [...new Set(input.memberIds)]);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'group.updated',
      subjectType: 'group',
      subjectId: id,
      details: input,
    });
  });
  forgetAuthentications(ctx);
  return getGroup(ctx, actor, id);
}
