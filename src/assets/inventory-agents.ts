// Inventory agents: each deployment of the FusionInventory / GLPI agent that may submit inventories has its own
// token (created by a manager or an admin, shown once, stored as its SHA-256), given to the agent as the HTTP
// basic password (--user anything --password TOKEN) or in the URL path. An asset an agent created is that
// agent's: another agent's submission for the same device is refused, never merged into it.
import { recordAudit } from '../core/audit.js';
import { type Actor, digest, newSecret } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Forbidden, NotFound, Unauthenticated } from '../core/errors.js';
import { invalidField } from './asset-model.js';
import { canAsset } from './policies.js';

export interface InventoryAgent {
  id: number;
  name: string;
  createdBy: number | null;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** Assets this agent inventories. */
  assetCount: number;
}

const tokenPrefix = 'odinv';

function requireAgentsRight(actor: Actor): void {
  if (!canAsset(actor, 'asset.agents'))
    throw new Forbidden('forbidden', 'Inventory agents are managed by managers and admins.');
}

export async function listInventoryAgents(ctx: ServiceContext, actor: Actor): Promise<InventoryAgent[]> {
  requireAgentsRight(actor);
  const rows = await ctx.db
    .selectFrom('inventory_agents as g')
    .select([
      'g.id',
      'g.name',
      'g.created_by',
      'g.created_at',
      'g.last_seen_at',
      'g.revoked_at',
      (eb) =>
        eb
          .selectFrom('assets')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('assets.inventory_agent_id', '=', 'g.id')
          .as('asset_count'),
    ])
    .orderBy('g.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    assetCount: Number(r.asset_count ?? 0),
  }));
}

/** A new agent and its token (the only time the token is shown). */
export async function createInventoryAgent(
  ctx: ServiceContext,
  actor: Actor,
  input: { name: string },
): Promise<{ agent: InventoryAgent; token: string }> {
  requireAgentsRight(actor);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw invalidField('/name', 'must be 1–100 characters');
  const token = newSecret(tokenPrefix);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('inventory_agents')
      .values({
        name,
        token_hash: digest(token),
        created_by: actor.id,
        created_at: now,
        last_seen_at: null,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'inventory_agent.create',
      subjectType: 'inventory_agent',
      subjectId: row.id,
      details: { name },
    });
    return row.id;
  });
  const agent = (await listInventoryAgents(ctx, actor)).find((a) => a.id === id);
  if (!agent) throw new NotFound('inventory_agent_not_found', `No inventory agent ${id}.`);
  return { agent, token };
}

/** Revoke an agent's token: its submissions are refused from now on; its assets stay. */
export async function revokeInventoryAgent(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireAgentsRight(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('inventory_agents')
      .select(['id', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound('inventory_agent_not_found', `No inventory agent ${id}.`);
    if (row.revoked_at !== null) return;
    await trx.updateTable('inventory_agents').set({ revoked_at: now }).where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'inventory_agent.revoke',
      subjectType: 'inventory_agent',
      subjectId: id,
    });
  });
}

/** The agent a token belongs to, or Unauthenticated (unknown, malformed or revoked). */
export async function authenticateInventoryAgent(
  ctx: ServiceContext,
  token: string | null,
): Promise<{ id: number; name: string }> {
  if (!token || token.length > 200 || !token.startsWith(`${tokenPrefix}_`))
    throw new Unauthenticated(
      'inventory_agent_unknown',
      'Send the inventory agent token as the HTTP basic password.',
    );
  const row = await ctx.db
    .selectFrom('inventory_agents')
    .select(['id', 'name', 'revoked_at'])
    .where('token_hash', '=', digest(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null)
    throw new Unauthenticated('inventory_agent_unknown', 'The inventory agent token is unknown or revoked.');
  return { id: row.id, name: row.name };
}
