// Listing and searching tickets: filters and the visibility rule on any ticket query, keyset pages in a sort
// order, ranked search through the search port (ticket-search.ts), and the walks that keep broad words fast.
import type { SelectQueryBuilder } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketStatus } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import type { Level } from './levels.js';
import { canTicket } from './policies.js';
import { decodeCursor, encodeCursor } from './ticket-cursors.js';
import { type FieldMatch, resolveFieldFilters } from './ticket-fields.js';
import { type Ticket, ticketsInOrder } from './ticket-reads.js';
import {
  broadMatchTest,
  matchingTickets,
  type SearchSubjects,
  searchCandidates,
  searchSubjects,
} from './ticket-search.js';

export const ticketSorts = ['created', '-created', 'updated', '-updated', 'priority', '-priority'] as const;
export type TicketSort = (typeof ticketSorts)[number];

export interface TicketFilter {
  q?: string;
  status?: TicketStatus[];
  /** 'open' is a shorthand for every open state. */
  priority?: Level[];
  assigneeId?: number | 'none';
  groupId?: number | 'none';
  /** Any of these groups ("my groups"). */
  groupIds?: number[];
  requesterId?: number;
  categoryId?: number;
  tag?: string;
  createdFrom?: number;
  createdTo?: number;
  updatedFrom?: number;
  updatedTo?: number;
  /** Custom field values (`field.<key>=value` in the URL), by key; all must match. */
  fieldValues?: Record<string, string>;
  /**
   * Only these tickets (a problem's incidents, which the caller resolved: the help desk does not read another
   * domain's links). Non-empty; bound as one IN list, so at most some ten thousand.
   */
  ids?: number[];
  /** fieldValues resolved against the definitions (listTickets does it). */
  fieldMatches?: FieldMatch[];
  sort?: TicketSort;
  limit: number;
  cursor?: string;
}

export interface TicketPage {
  items: Ticket[];
  nextCursor: string | null;
}

/** A page as ids in the list's order (what exports read their rows by), and the cursor of the next. */
export interface TicketIdPage {
  ids: number[];
  nextCursor: string | null;
}

const sortColumn = { created: 'id', updated: 'updated_at', priority: 'priority' } as const;

/** Ranked search reads at least this many of the newest matches of each source (see searchCandidates). */
export const searchCandidateLimit = 1000;
/** A sorted search for a broad word tests tickets in chunks of this many, for at most this many tickets. */
const broadWalkChunk = 200;
const broadWalkLimit = 10_000;

type TicketQuery<O> = SelectQueryBuilder<Database, 'tickets', O>;

/** The visibility rule (canSeeTicket, as SQL) and the filters of a list, on any query over tickets. */
function applyFilters<O>(
  query: TicketQuery<O>,
  actor: Actor,
  staff: boolean,
  filter: TicketFilter,
  /** One half of a requester's visibility rule (their own tickets, or those they watch), or both. */
  visible: 'own' | 'watched' | 'both' = 'both',
  /** The caller joined ticket_tags for the tag filter (see listTickets). */
  tagJoined = false,
): TicketQuery<O> {
  if (!staff && visible === 'own') {
    query = query.where('tickets.requester_id', '=', actor.id);
  } else if (!staff && visible === 'watched') {
    query = query.where('tickets.id', 'in', (eb) =>
      eb.selectFrom('ticket_watchers').select('ticket_id').where('user_id', '=', actor.id),
    );
  } else if (!staff) {
    query = query.where((eb) =>
      eb.or([
        eb('tickets.requester_id', '=', actor.id),
        eb(
          'tickets.id',
          'in',
          eb.selectFrom('ticket_watchers').select('ticket_id').where('user_id', '=', actor.id),
        ),
      ]),
    );
  }
  if (filter.status?.length) query = query.where('tickets.status', 'in', filter.status);
  if (filter.priority?.length) query = query.where('tickets.priority', 'in', filter.priority);
  if (filter.assigneeId !== undefined) {
    query =
      filter.assigneeId === 'none'
        ? query.where('tickets.assignee_id', 'is', null)
        : query.where('tickets.assignee_id', '=', filter.assigneeId);
  }
  if (filter.groupId !== undefined) {
    query =
      filter.groupId === 'none'
        ? query.where('tickets.group_id', 'is', null)
        : query.where('tickets.group_id', '=', filter.groupId);
  }
  if (filter.groupIds !== undefined)
    query = query.where('tickets.group_id', 'in', filter.groupIds.length ? filter.groupIds : [-1]);
  if (filter.requesterId !== undefined) query = query.where('tickets.requester_id', '=', filter.requesterId);
  if (filter.ids !== undefined)
    query = query.where('tickets.id', 'in', filter.ids.length ? filter.ids : [-1]);
  if (filter.categoryId !== undefined) query = query.where('tickets.category_id', '=', filter.categoryId);
  if (filter.tag !== undefined && !tagJoined) {
    const tag = filter.tag.trim().toLowerCase();
    query = query.where('tickets.id', 'in', (eb) =>
      eb.selectFrom('ticket_tags').select('ticket_id').where('tag', '=', tag),
    );
  }
  if (filter.createdFrom !== undefined) query = query.where('tickets.created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('tickets.created_at', '<', filter.createdTo);
  if (filter.updatedFrom !== undefined) query = query.where('tickets.updated_at', '>=', filter.updatedFrom);
  if (filter.updatedTo !== undefined) query = query.where('tickets.updated_at', '<', filter.updatedTo);
  for (const m of filter.fieldMatches ?? []) {
    // Read from the (field_id, value, ticket_id) index of the value's column.
    query = query.where('tickets.id', 'in', (eb) =>
      eb
        .selectFrom('ticket_field_values')
        .select('ticket_id')
        .where('field_id', '=', m.fieldId)
        .where(m.column, '=', m.value),
    );
  }
  return query;
}

export async function listTickets(
  ctx: ServiceContext,
  actor: Actor,
  wanted: TicketFilter,
): Promise<TicketPage> {
  const page = await listTicketIds(ctx, actor, wanted);
  return { items: await ticketsInOrder(ctx.db, page.ids), nextCursor: page.nextCursor };
}

/** One page of the list as ids: the same visibility rule, filters, order and cursors as listTickets. */
export async function listTicketIds(
  ctx: ServiceContext,
  actor: Actor,
  wanted: TicketFilter,
): Promise<TicketIdPage> {
  // Custom fields by key and value, as the (field, value) pairs the index reads.
  const filter: TicketFilter = wanted.fieldValues
    ? { ...wanted, fieldMatches: await resolveFieldFilters(ctx.db, wanted.fieldValues, actor.id) }
    : wanted;
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const staff = canTicket(actor, 'comment.read_internal');
  const searching = filter.q !== undefined && filter.q.trim() !== '';
  const ranked = searching && filter.sort === undefined;
  const sort: TicketSort = filter.sort ?? '-created';
  const desc = sort.startsWith('-');
  const col = sortColumn[sort.replace('-', '') as 'created' | 'updated' | 'priority'];

  // A ticket number, people's names, categories and tags the query names (see searchSubjects).
  const subjects = searching ? await searchSubjects(ctx.db, filter.q as string) : null;
  if (ranked) {
    if (cursor && cursor.o === undefined)
      throw new Invalid('invalid_cursor', 'The cursor belongs to another query.', [
        { field: 'query/cursor', message: 'unknown cursor' },
      ]);
    return rankedSearch(ctx, actor, staff, filter, cursor?.o ?? 0, subjects);
  }

  // A page is found as ids (and sort keys) first, which indexes often answer alone — a created-at range
  // is read from its (created_at, id) index, not from the rows — and only the page's rows are read.
  const pageQuery = (
    f: TicketFilter,
    visible: 'own' | 'watched' | 'both',
    after = cursor?.k,
    rowLimit = filter.limit + 1,
    joinMatches = searching,
  ) => {
    let query = ctx.db.selectFrom('tickets');
    if (joinMatches)
      query = query.innerJoin((matches as NonNullable<typeof matches>).as('m'), 'm.ticket_id', 'tickets.id');
    // A tag: join its (tag, ticket_id) index and walk it in id order. (An IN list of every ticket with the
    // tag is built in full first: ~10 ms for a common tag at a million tickets.)
    let id: 'tickets.id' | 'tt.ticket_id' = 'tickets.id';
    if (f.tag !== undefined) {
      const tag = f.tag.trim().toLowerCase();
      query = query.innerJoin(
        (eb) => eb.selectFrom('ticket_tags').select(['ticket_id', 'tag']).as('tt'),
        (join) => join.onRef('tt.ticket_id', '=', 'tickets.id').on('tt.tag', '=', tag),
      ) as unknown as typeof query;
      id = 'tt.ticket_id';
    }
    query = applyFilters(query, actor, staff, f, visible, f.tag !== undefined);
    if (after) {
      const [value, lastId] = after;
      query =
        col === 'id'
          ? query.where(id as 'tickets.id', desc ? '<' : '>', lastId)
          : query.where((eb) =>
              eb(eb.refTuple(`tickets.${col}`, 'tickets.id'), desc ? '<' : '>', eb.tuple(value, lastId)),
            );
    }
    if (col !== 'id') query = query.orderBy(`tickets.${col}`, desc ? 'desc' : 'asc');
    return query
      .select(['tickets.id as id', `tickets.${col} as key`])
      .orderBy(col === 'id' ? (id as 'tickets.id') : 'tickets.id', desc ? 'desc' : 'asc')
      .limit(rowLimit);
  };
  const matches = searching ? matchingTickets(ctx.caps, filter.q as string, staff, subjects) : null;
  if (searching && !matches) return { ids: [], nextCursor: null };
  if (cursor && !cursor.k)
    throw new Invalid('invalid_cursor', 'The cursor belongs to another query.', [
      { field: 'query/cursor', message: 'unknown cursor' },
    ]);
  // Several states ("open") would be several ranges of the (status, id) index, and a requester's "own or
  // watched" an OR of two indexes: the database reads such ranges in full and sorts them. One query per
  // state and per half of the visibility rule reads each range in order and stops at the page: merge them.
  const statuses = filter.status && !searching ? [...new Set(filter.status)] : [];
  const states = statuses.length > 1 ? statuses.map((status) => ({ ...filter, status: [status] })) : [filter];
  const halves: Array<'own' | 'watched' | 'both'> = staff || searching ? ['both'] : ['own', 'watched'];
  type Keyed = { id: number; key: number };
  let rows: Keyed[] | null = null;
  // A broad word (in most tickets): walk the tickets in the sort order and test each chunk against the
  // words, stopping at the page — joining every match (a million) and sorting them takes seconds.
  const test = searching
    ? await broadMatchTest(ctx.db, ctx.caps, filter.q as string, staff, searchCandidateLimit, subjects)
    : null;
  if (test) {
    const found: Keyed[] = [];
    let after = cursor?.k;
    let exhausted = false;
    for (let scanned = 0; found.length <= filter.limit && scanned < broadWalkLimit; ) {
      const chunk = (await pageQuery(filter, 'both', after, broadWalkChunk, false).execute()) as Keyed[];
      const hits = await test(chunk.map((r) => r.id));
      for (const r of chunk) if (hits.has(r.id)) found.push(r);
      scanned += chunk.length;
      if (chunk.length < broadWalkChunk) {
        exhausted = true;
        break;
      }
      const last = chunk[chunk.length - 1];
      after = [last.key, last.id];
    }
    if (exhausted || found.length > filter.limit) rows = found.slice(0, filter.limit + 1);
  }
  if (rows) {
    // the walk found the page
  } else if (states.length * halves.length > 1) {
    const parts = await Promise.all(
      states.flatMap((f) => halves.map((visible) => pageQuery(f, visible).execute())),
    );
    const dir = desc ? -1 : 1;
    const seen = new Set<number>();
    rows = (parts.flat() as Keyed[])
      .sort((a, b) => dir * (a.key - b.key || a.id - b.id))
      .filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined)
      .slice(0, filter.limit + 1);
  } else {
    rows = (await pageQuery(filter, 'both').execute()) as Keyed[];
  }
  const more = rows.length > filter.limit;
  const pageKeys = rows.slice(0, filter.limit);
  let nextCursor: string | null = null;
  if (more) {
    const last = pageKeys[pageKeys.length - 1];
    nextCursor = encodeCursor({ k: [last.key, last.id] });
  }
  return { ids: pageKeys.map((r) => r.id), nextCursor };
}

/**
 * Search ranked by relevance (score, then id, both descending), paged by offset. The candidates come from
 * the search port, bounded for very broad queries (the newest matches); the filters then pick among them.
 * When the bound left too few candidates that pass the filters to fill the page, the bound grows sixteenfold
 * and the search runs again, up to every match.
 */
async function rankedSearch(
  ctx: ServiceContext,
  actor: Actor,
  staff: boolean,
  filter: TicketFilter,
  offset: number,
  subjects: SearchSubjects | null,
): Promise<TicketIdPage> {
  const q = filter.q as string;
  const wanted = offset + filter.limit + 1;
  // A requester searching a word found in most tickets: the newest matches are mostly other people's, so
  // look at the few tickets they may see and test those against the words instead.
  if (!staff) {
    const own = await requesterBroadSearch(ctx, actor, filter, offset, subjects);
    if (own) return own;
  }
  let limit: number | null = Math.max(searchCandidateLimit, wanted);
  let scores: Map<number, number>;
  let ids: number[];
  for (;;) {
    const found = await searchCandidates(ctx.db, ctx.caps, q, staff, limit, subjects);
    if (!found) return { ids: [], nextCursor: null };
    scores = found.scores;
    ids = await passingFilters(ctx, actor, staff, filter, [...scores.keys()]);
    if (!found.truncated || ids.length >= wanted || limit === null) break;
    limit = limit >= 1_000_000 ? null : limit * 16;
  }
  ids.sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || b - a);
  const more = ids.length > offset + filter.limit;
  return {
    ids: ids.slice(offset, offset + filter.limit),
    nextCursor: more ? encodeCursor({ o: offset + filter.limit }) : null,
  };
}

/**
 * A requester's broad search: walk the tickets they may see, newest first, testing each chunk against the
 * words, until there are requesterCandidateLimit candidates (far more than one person's matching requests,
 * as a rule) or their tickets run out; then rank those as the broad case does (title, description, comment;
 * then newest).
 */
const requesterCandidateLimit = 200;

async function requesterBroadSearch(
  ctx: ServiceContext,
  actor: Actor,
  filter: TicketFilter,
  offset: number,
  subjects: SearchSubjects | null,
): Promise<TicketIdPage | null> {
  const test = await broadMatchTest(
    ctx.db,
    ctx.caps,
    filter.q as string,
    false,
    searchCandidateLimit,
    subjects,
  );
  if (!test) return null;
  const scores = new Map<number, number>();
  const want = Math.max(requesterCandidateLimit, offset + filter.limit + 1);
  let before: number | null = null;
  for (;;) {
    let query = applyFilters(ctx.db.selectFrom('tickets').select('tickets.id'), actor, false, filter)
      .orderBy('tickets.id', 'desc')
      .limit(broadWalkChunk);
    if (before !== null) query = query.where('tickets.id', '<', before);
    const chunk = (await query.execute()).map((r) => r.id);
    for (const [id, score] of await test(chunk)) scores.set(id, score);
    if (chunk.length < broadWalkChunk || scores.size >= want) break;
    before = chunk[chunk.length - 1];
  }
  const ids = [...scores.keys()].sort(
    (a, b) => (scores.get(b) as number) - (scores.get(a) as number) || b - a,
  );
  return {
    ids: ids.slice(offset, offset + filter.limit),
    nextCursor: ids.length > offset + filter.limit ? encodeCursor({ o: offset + filter.limit }) : null,
  };
}

/** Which of these tickets pass the visibility rule and the filters (in chunks: bound parameters are finite). */
async function passingFilters(
  ctx: ServiceContext,
  actor: Actor,
  staff: boolean,
  filter: TicketFilter,
  ids: number[],
): Promise<number[]> {
  const out: number[] = [];
  // An id filter is met here, in memory: a chunk's parameters and the filter's would add up.
  const only = filter.ids ? new Set(filter.ids) : null;
  const candidates = only ? ids.filter((id) => only.has(id)) : ids;
  const rest: TicketFilter = only ? { ...filter, ids: undefined } : filter;
  for (let i = 0; i < candidates.length; i += 5000) {
    const chunk = candidates.slice(i, i + 5000);
    const rows = await applyFilters(ctx.db.selectFrom('tickets').select('tickets.id'), actor, staff, rest)
      .where('tickets.id', 'in', chunk)
      .execute();
    for (const r of rows) out.push(r.id);
  }
  return out;
}
