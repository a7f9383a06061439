// Priority from impact × urgency through a configurable 5×5 matrix, as GLPI does. The matrix lives in
// settings ('priority_matrix'); rows are urgency 1–5, columns impact 1–5, cells priority 1–5.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, canAccounts } from '../core/auth/index.js';
import { defineCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Forbidden, Invalid } from '../core/errors.js';
import type { Level } from './levels.js';

export type PriorityMatrix = number[][];

// GLPI's default matrix.
export const defaultPriorityMatrix: PriorityMatrix = [
  [1, 1, 2, 2, 2],
  [1, 2, 2, 3, 3],
  [2, 2, 3, 4, 4],
  [2, 3, 4, 4, 5],
  [2, 3, 4, 5, 5],
];

export function computePriority(matrix: PriorityMatrix, impact: Level, urgency: Level): Level {
  return matrix[urgency - 1][impact - 1] as Level;
}

export function checkPriorityMatrix(value: unknown): PriorityMatrix {
  const ok =
    Array.isArray(value) &&
    value.length === 5 &&
    value.every(
      (row) =>
        Array.isArray(row) && row.length === 5 && row.every((c) => Number.isInteger(c) && c >= 1 && c <= 5),
    );
  if (!ok) {
    throw new Invalid(
      'invalid_priority_matrix',
      'The priority matrix must be 5 rows (urgency) of 5 priorities (impact), each 1–5.',
      [{ field: '/matrix', message: 'must be 5×5 integers 1–5' }],
    );
  }
  return value as PriorityMatrix;
}

/**
 * The matrix is read on every ticket create/update: kept in memory, in step across instances. Invalidation:
 * setPriorityMatrix bumps its version in the transaction that writes the setting (and this instance takes
 * the new matrix at once); other instances reload it within a second.
 */
const priorityMatrixCache = defineCache('priority_matrix', readPriorityMatrix);

function matrixCache(ctx: Pick<ServiceContext, 'caches'>) {
  return ctx.caches.get(priorityMatrixCache);
}

export async function getPriorityMatrix(ctx: Pick<ServiceContext, 'db' | 'caches'>): Promise<PriorityMatrix> {
  return matrixCache(ctx).get(ctx.db);
}

async function readPriorityMatrix(db: Kysely<Database> | Transaction<Database>): Promise<PriorityMatrix> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'priority_matrix')
    .executeTakeFirst();
  return row ? checkPriorityMatrix(JSON.parse(row.value)) : defaultPriorityMatrix;
}

export async function setPriorityMatrix(
  ctx: ServiceContext,
  actor: Actor,
  value: unknown,
): Promise<PriorityMatrix> {
  if (!canAccounts(actor, 'settings.manage'))
    throw new Forbidden('forbidden', 'Only an admin may change the priority matrix.');
  const matrix = checkPriorityMatrix(value);
  const now = ctx.clock.now();
  const cached = await ctx.db.transaction().execute(async (trx) => {
    // Through the transaction: ctx.db here would wait for this very transaction on SQLite (a deadlock).
    const before = await readPriorityMatrix(trx);
    await trx
      .insertInto('settings')
      .values({ key: 'priority_matrix', value: JSON.stringify(matrix), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(matrix), updated_at: now }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'settings.priority_matrix',
      subjectType: 'settings',
      subjectId: 'priority_matrix',
      details: { before, after: matrix },
    });
    return matrixCache(ctx).changing(trx);
  });
  cached(matrix);
  return matrix;
}
