// The change list and the change calendar: with a window [from, to), the changes whose windows overlap it, in
// window order, with their conflicts and the blackout periods over the window; without one, every change,
// newest first. Both pages with an opaque cursor and a deterministic order (the id breaks ties).
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { blackoutsOver, type ChangeBlackout } from './change-blackouts.js';
import type { ChangeState, ChangeType } from './change-states.js';
import { type Change, toChanges } from './changes.js';
import { requireChanges } from './policies.js';

export interface ChangeFilter {
  /** The calendar's window, half-open; both or neither. */
  from?: number;
  to?: number;
  states?: ChangeState[];
  type?: ChangeType;
  serviceId?: number;
  /** Title words (a substring, case-insensitive). */
  q?: string;
  cursor?: string;
  limit: number;
}

export interface ChangePage {
  items: Change[];
  /** Blackout periods over the window (calendar only). */
  blackouts: ChangeBlackout[];
  nextCursor: string | null;
}

export const calendarLimits = { maxSpanMs: 400 * 86_400_000 } as const;

interface Cursor {
  /** The last shown window start (calendar) or null (list by id). */
  s: number | null;
  a: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string, calendar: boolean): Cursor {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (v && Number.isSafeInteger(v.a) && (calendar ? Number.isSafeInteger(v.s) : v.s === null)) return v;
  } catch {
    // not ours: fall through to the error
  }
  throw new Invalid('invalid_cursor', 'The cursor was not issued by this service.', [
    { field: 'querystring/cursor', message: 'unknown cursor' },
  ]);
}

export async function listChanges(
  ctx: ServiceContext,
  actor: Actor,
  filter: ChangeFilter,
): Promise<ChangePage> {
  requireChanges(actor, 'changes.work');
  const { from, to } = filter;
  const calendar = from !== undefined || to !== undefined;
  if (calendar) {
    if (from === undefined || to === undefined)
      throw new Invalid('validation_failed', 'from and to come together', [
        { field: `querystring/${from === undefined ? 'from' : 'to'}`, message: 'from and to come together' },
      ]);
    if (to <= from || to - from > calendarLimits.maxSpanMs)
      throw new Invalid('validation_failed', 'to: must be after from, at most 400 days on', [
        { field: 'querystring/to', message: 'must be after from, at most 400 days on' },
      ]);
  }
  const cursor = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor, calendar);
  let q = ctx.db.selectFrom('changes').selectAll('changes');
  if (calendar && from !== undefined && to !== undefined)
    q = q.where('window_start', '<', to).where('window_end', '>', from);
  if (filter.states && filter.states.length > 0) q = q.where('state', 'in', filter.states);
  if (filter.type) q = q.where('type', '=', filter.type);
  if (filter.serviceId !== undefined) {
    const serviceId = filter.serviceId;
    q = q.where('id', 'in', (eb) =>
      eb.selectFrom('change_services').select('change_id').where('service_id', '=', serviceId),
    );
  }
  const words = filter.q?.trim().toLowerCase();
  if (words) q = q.where((eb) => eb(eb.fn('lower', ['title']), 'like', `%${words.replace(/[\\%_]/g, '')}%`));
  if (calendar) {
    if (cursor && cursor.s !== null) {
      const s = cursor.s;
      q = q.where((eb) =>
        eb.or([eb('window_start', '>', s), eb.and([eb('window_start', '=', s), eb('id', '>', cursor.a)])]),
      );
    }
    q = q.orderBy('window_start').orderBy('id');
  } else {
    if (cursor) q = q.where('id', '<', cursor.a);
    q = q.orderBy('id', 'desc');
  }
  const rows = await q.limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > filter.limit && last
      ? encodeCursor({ s: calendar ? (last.window_start ?? 0) : null, a: last.id })
      : null;
  const [items, blackouts] = await Promise.all([
    toChanges(ctx, actor, ctx.db, page),
    calendar && from !== undefined && to !== undefined
      ? blackoutsOver(ctx.db, { start: from, end: to })
      : Promise.resolve([]),
  ]);
  return { items, blackouts, nextCursor };
}
