// Heartbeat (push) checks: a job calls its URL with the check's secret token; the beat marks the check up at once,
// and a missing beat (older than interval + grace) is a failure the scheduler finds. The token is looked up by its
// SHA-256, so the lookup's time says nothing about how much of a guess was right; an unknown token is only a 404.
import type { ServiceContext } from '../core/context.js';
import { NotFound } from '../core/errors.js';
import { recordCheckResult } from './check-scheduler.js';
import { hashHeartbeatToken } from './checks.js';

/** Tokens are 32 base64url characters; anything else is refused before a lookup. */
const tokenPattern = /^[A-Za-z0-9_-]{16,128}$/;

export async function receiveHeartbeat(
  ctx: ServiceContext,
  token: string,
): Promise<{ checkId: number; at: number }> {
  const unknown = () => new NotFound('heartbeat_not_found', 'No heartbeat check has this token.');
  if (!tokenPattern.test(token)) throw unknown();
  const row = await ctx.db
    .selectFrom('monitoring_checks')
    .select(['id', 'enabled'])
    .where('heartbeat_token_hash', '=', hashHeartbeatToken(token))
    .executeTakeFirst();
  if (!row) throw unknown();
  const at = ctx.clock.now();
  await ctx.db.updateTable('monitoring_checks').set({ last_beat_at: at }).where('id', '=', row.id).execute();
  // A paused check takes the beat's time but keeps its state.
  if (row.enabled === 1)
    await recordCheckResult(
      ctx,
      row.id,
      { ok: true, latencyMs: 0, message: 'beat received', metrics: [] },
      at,
    );
  return { checkId: row.id, at };
}
