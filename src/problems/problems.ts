// Problems: the cause behind one or more incidents (tickets), with its root cause, workaround and state
// (problem-states.ts). Every write a person makes is one transaction with the problem's own history and the
// audit log. Lists are keyset-paginated on (updated_at, id), newest first; each item carries its incidents' ids.
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, ProblemStatus, ProblemsTable, TicketStatus } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { isOpenStatus, type Level, type ListCursor, parseLevel } from '../helpdesk/index.js';
import { canProblem, type ProblemAction } from './policies.js';
import { allowedProblemTransitions, checkProblemTransition } from './problem-states.js';

type Db = Kysely<Database> | Transaction<Database>;
type ProblemRow = Omit<ProblemsTable, 'id'> & { id: number };

export const problemLimits = {
  titleMaxLength: 200,
  textMaxLength: 20_000,
  /** Incidents named when a problem is created. */
  incidentsOnCreate: 100,
  searchMaxLength: 200,
} as const;

export interface Problem {
  id: number;
  title: string;
  description: string;
  status: ProblemStatus;
  rootCause: string;
  workaround: string;
  /** A known error now, or it was one before it was resolved. */
  knownError: boolean;
  knownErrorAt: number | null;
  priority: Level;
  impact: Level;
  ownerId: number | null;
  groupId: number | null;
  categoryId: number | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  closedAt: number | null;
  /** The linked incidents (tickets), in id order. */
  incidentIds: number[];
  /** How many of them are still open. */
  openIncidentCount: number;
  allowedTransitions: readonly ProblemStatus[];
}

export interface ProblemIncident {
  id: number;
  title: string;
  status: TicketStatus;
  requesterId: number;
  priority: number;
  createdAt: number;
  resolvedAt: number | null;
  linkedAt: number;
}

export interface ProblemDetail extends Problem {
  incidents: ProblemIncident[];
}

/** What other domains may ask of a problem (change management links changes to problems). */
export interface ProblemSummary {
  id: number;
  title: string;
  status: ProblemStatus;
}

export interface ProblemInput {
  title?: string;
  description?: string;
  status?: ProblemStatus;
  rootCause?: string;
  workaround?: string;
  priority?: number | string;
  impact?: number | string;
  ownerId?: number | null;
  groupId?: number | null;
  categoryId?: number | null;
}

export interface ProblemHistoryItem {
  id: number;
  problemId: number;
  actorId: number | null;
  at: number;
  field: string;
  from: string | null;
  to: string | null;
}

export interface ProblemFilter {
  status?: ProblemStatus[];
  /** Words of the title, or a number ("12", "#12", "PRB-12"). */
  q?: string;
  ownerId?: number;
  knownError?: boolean;
  limit: number;
  cursor?: ListCursor;
}

const invalid = (
  field: string,
  message: string,
  code: 'validation_failed' | 'invalid_reference' = 'validation_failed',
) => new Invalid(code, `${field.slice(1)}: ${message}`, [{ field, message }]);

/** The actor may do this to problems, else Forbidden (requesters: problems are the staff's). */
export function requireProblemRight(actor: Actor, action: ProblemAction): void {
  if (!canProblem(actor, action))
    throw new Forbidden(
      'forbidden',
      action === 'problem.close'
        ? 'Only a manager or an admin closes a problem.'
        : 'Problems are for staff: requesters neither see nor change them.',
    );
}

function cleanTitle(title: string): string {
  const t = title.trim();
  if (t.length === 0 || t.length > problemLimits.titleMaxLength)
    throw invalid('/title', `must be 1–${problemLimits.titleMaxLength} characters`);
  return t;
}

function cleanText(field: string, text: string): string {
  if (text.length > problemLimits.textMaxLength)
    throw invalid(field, `must be at most ${problemLimits.textMaxLength} characters`);
  return text.trim();
}

function cleanLevel(field: string, value: number | string): Level {
  const level = parseLevel(value);
  if (level === undefined) throw invalid(field, 'must be 1–5 or very_low|low|medium|high|very_high');
  return level;
}

/** Owner (a staff account), group and category must exist. */
async function checkReferences(db: Db, input: ProblemInput): Promise<void> {
  if (input.ownerId !== undefined && input.ownerId !== null) {
    const u = await db
      .selectFrom('users')
      .select(['role', 'active'])
      .where('id', '=', input.ownerId)
      .executeTakeFirst();
    if (!u || u.role === 'requester' || u.active !== 1)
      throw invalid('/ownerId', `no active staff account ${input.ownerId}`, 'invalid_reference');
  }
  if (input.groupId !== undefined && input.groupId !== null) {
    const g = await db.selectFrom('groups').select('id').where('id', '=', input.groupId).executeTakeFirst();
    if (!g) throw invalid('/groupId', `no group ${input.groupId}`, 'invalid_reference');
  }
  if (input.categoryId !== undefined && input.categoryId !== null) {
    const c = await db
      .selectFrom('categories')
      .select('id')
      .where('id', '=', input.categoryId)
      .executeTakeFirst();
    if (!c) throw invalid('/categoryId', `no category ${input.categoryId}`, 'invalid_reference');
  }
}

// ---- reading ---------------------------------------------------------------------------------------------

async function incidentsOf(
  db: Db,
  problemIds: number[],
): Promise<Map<number, { ids: number[]; open: number }>> {
  const out = new Map<number, { ids: number[]; open: number }>();
  for (const id of problemIds) out.set(id, { ids: [], open: 0 });
  if (problemIds.length === 0) return out;
  const rows = await db
    .selectFrom('problem_incidents as pi')
    .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
    .select(['pi.problem_id', 'pi.ticket_id', 't.status'])
    .where('pi.problem_id', 'in', problemIds)
    .orderBy('pi.problem_id')
    .orderBy('pi.ticket_id')
    .execute();
  for (const r of rows) {
    const entry = out.get(r.problem_id);
    if (!entry) continue;
    entry.ids.push(r.ticket_id);
    if (isOpenStatus(r.status)) entry.open++;
  }
  return out;
}

function toProblem(r: ProblemRow, incidents: { ids: number[]; open: number }): Problem {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    rootCause: r.root_cause,
    workaround: r.workaround,
    knownError: r.status === 'known_error' || r.known_error_at !== null,
    knownErrorAt: r.known_error_at,
    priority: r.priority as Level,
    impact: r.impact as Level,
    ownerId: r.owner_id,
    groupId: r.group_id,
    categoryId: r.category_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    incidentIds: incidents.ids,
    openIncidentCount: incidents.open,
    allowedTransitions: allowedProblemTransitions(r.status),
  };
}

/** A closed problem is final: no change, no new incident. */
export function refuseClosed(row: { id: number; status: ProblemStatus }): void {
  if (row.status === 'closed')
    throw new Conflict('problem_closed', `Problem ${row.id} is closed; open a new problem instead.`);
}

/** The problem row, or NotFound. */
export async function loadProblem(db: Db, id: number): Promise<ProblemRow> {
  const row = await db.selectFrom('problems').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('problem_not_found', `No problem ${id}.`);
  return row;
}

export async function readProblem(db: Db, id: number): Promise<Problem> {
  const row = await loadProblem(db, id);
  const incidents = await incidentsOf(db, [id]);
  return toProblem(row, incidents.get(id) ?? { ids: [], open: 0 });
}

export async function getProblem(ctx: ServiceContext, actor: Actor, id: number): Promise<ProblemDetail> {
  requireProblemRight(actor, 'problem.read');
  const problem = await readProblem(ctx.db, id);
  const rows = await ctx.db
    .selectFrom('problem_incidents as pi')
    .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.requester_id',
      't.priority',
      't.created_at',
      't.resolved_at',
      'pi.linked_at',
    ])
    .where('pi.problem_id', '=', id)
    .orderBy('t.id')
    .execute();
  return {
    ...problem,
    incidents: rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      requesterId: r.requester_id,
      priority: r.priority,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      linkedAt: r.linked_at,
    })),
  };
}

/** A problem's id, title and state, or null when there is none (no permission check: the caller's to make). */
export async function getProblemSummary(db: Db, id: number): Promise<ProblemSummary | null> {
  const row = await db
    .selectFrom('problems')
    .select(['id', 'title', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** A search's number: "12", "#12", "PRB-12", "prb12". */
function numberIn(q: string): number | null {
  const m = /^(?:prb-?|#)?\s*(\d{1,9})$/i.exec(q.trim());
  return m ? Number(m[1]) : null;
}

/** Up to limit + 1 problems (the extra one says there is a next page), newest change first. */
export async function listProblems(
  ctx: ServiceContext,
  actor: Actor,
  filter: ProblemFilter,
): Promise<Problem[]> {
  requireProblemRight(actor, 'problem.read');
  let q = ctx.db.selectFrom('problems').selectAll();
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.ownerId !== undefined) q = q.where('owner_id', '=', filter.ownerId);
  if (filter.knownError !== undefined)
    q = filter.knownError
      ? q.where((eb) => eb.or([eb('status', '=', 'known_error'), eb('known_error_at', 'is not', null)]))
      : q.where('status', '!=', 'known_error').where('known_error_at', 'is', null);
  const text = filter.q?.trim().slice(0, problemLimits.searchMaxLength) ?? '';
  if (text !== '') {
    const number = numberIn(text);
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = sql<boolean>`lower(title) like ${pattern} escape '\\'`;
    q = q.where((eb) => (number === null ? like : eb.or([like, eb('id', '=', number)])));
  }
  const after = filter.cursor?.k;
  if (filter.cursor && !after)
    throw new Invalid('invalid_cursor', 'The cursor belongs to another list.', [
      { field: 'querystring/cursor', message: 'unknown cursor' },
    ]);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('updated_at', '<', after[0]),
        eb.and([eb('updated_at', '=', after[0]), eb('id', '<', after[1])]),
      ]),
    );
  const rows = await q
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const incidents = await incidentsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toProblem(r, incidents.get(r.id) ?? { ids: [], open: 0 }));
}

export async function listProblemHistory(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<ProblemHistoryItem[]> {
  requireProblemRight(actor, 'problem.read');
  await loadProblem(ctx.db, id);
  const rows = await ctx.db
    .selectFrom('problem_history')
    .selectAll()
    .where('problem_id', '=', id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    problemId: r.problem_id,
    actorId: r.actor_id,
    at: r.at,
    field: r.field,
    from: r.from_value,
    to: r.to_value,
  }));
}

// ---- writing ---------------------------------------------------------------------------------------------

export interface ProblemChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** Record a problem's changes by one actor at one moment, in the caller's transaction. */
export async function recordProblemChange(
  trx: Transaction<Database>,
  problemId: number,
  actorId: number | null,
  at: number,
  changes: ProblemChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await trx
    .insertInto('problem_history')
    .values(
      changes.map((c) => ({
        problem_id: problemId,
        actor_id: actorId,
        at,
        field: c.field,
        from_value: c.from,
        to_value: c.to,
      })),
    )
    .execute();
}

const str = (v: number | null) => (v === null ? null : String(v));

/** The columns a state change sets besides the state: when it was resolved, closed, declared a known error. */
export function stateStamps(
  row: Pick<ProblemRow, 'status' | 'known_error_at'>,
  to: ProblemStatus,
  now: number,
): Partial<ProblemRow> {
  if (to === row.status) return {};
  return {
    status: to,
    ...(to === 'known_error' && row.known_error_at === null ? { known_error_at: now } : {}),
    ...(to === 'resolved' ? { resolved_at: now } : {}),
    ...(to === 'closed' ? { closed_at: now } : {}),
    // Reopened: it is no longer resolved.
    ...(to !== 'resolved' && to !== 'closed' ? { resolved_at: null } : {}),
  };
}

export async function createProblem(
  ctx: ServiceContext,
  actor: Actor,
  input: ProblemInput & { title: string },
  inSameTransaction?: (trx: Transaction<Database>, problemId: number, now: number) => Promise<void>,
): Promise<ProblemDetail> {
  requireProblemRight(actor, 'problem.write');
  const status = input.status ?? 'new';
  if (status === 'resolved' || status === 'closed')
    throw invalid('/status', 'a new problem is new, investigating or a known error');
  const values = {
    title: cleanTitle(input.title),
    description: cleanText('/description', input.description ?? ''),
    root_cause: cleanText('/rootCause', input.rootCause ?? ''),
    workaround: cleanText('/workaround', input.workaround ?? ''),
    priority: input.priority === undefined ? 3 : cleanLevel('/priority', input.priority),
    impact: input.impact === undefined ? 3 : cleanLevel('/impact', input.impact),
  };
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    await checkReferences(trx, input);
    const row = await trx
      .insertInto('problems')
      .values({
        ...values,
        status,
        known_error_at: status === 'known_error' ? now : null,
        owner_id: input.ownerId ?? null,
        group_id: input.groupId ?? null,
        category_id: input.categoryId ?? null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordProblemChange(trx, row.id, actor.id, now, [
      { field: 'created', from: null, to: values.title },
    ]);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'problem.create',
      subjectType: 'problem',
      subjectId: row.id,
      details: { title: values.title, status },
    });
    await inSameTransaction?.(trx, row.id, now);
    return row.id;
  });
  ctx.events.nudge();
  return getProblem(ctx, actor, id);
}

export async function updateProblem(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: ProblemInput,
): Promise<ProblemDetail> {
  requireProblemRight(actor, 'problem.write');
  if (input.status === 'closed') requireProblemRight(actor, 'problem.close');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadProblem(trx, id);
    refuseClosed(row);
    await checkReferences(trx, input);
    const set: Partial<ProblemRow> = {};
    const changes: ProblemChange[] = [];
    const text = (key: 'title' | 'description' | 'root_cause' | 'workaround', field: string, v?: string) => {
      if (v === undefined) return;
      const cleaned = key === 'title' ? cleanTitle(v) : cleanText(field, v);
      if (cleaned === row[key]) return;
      set[key] = cleaned;
      changes.push({ field: key, from: row[key], to: cleaned });
    };
    text('title', '/title', input.title);
    text('description', '/description', input.description);
    text('root_cause', '/rootCause', input.rootCause);
    text('workaround', '/workaround', input.workaround);
    const level = (key: 'priority' | 'impact', v?: number | string) => {
      if (v === undefined) return;
      const cleaned = cleanLevel(`/${key}`, v);
      if (cleaned === row[key]) return;
      set[key] = cleaned;
      changes.push({ field: key, from: String(row[key]), to: String(cleaned) });
    };
    level('priority', input.priority);
    level('impact', input.impact);
    const ref = (key: 'owner_id' | 'group_id' | 'category_id', field: string, v?: number | null) => {
      if (v === undefined || v === row[key]) return;
      set[key] = v;
      changes.push({ field, from: str(row[key]), to: str(v) });
    };
    ref('owner_id', 'owner', input.ownerId);
    ref('group_id', 'group', input.groupId);
    ref('category_id', 'category', input.categoryId);
    if (input.status !== undefined && input.status !== row.status) {
      checkProblemTransition(id, row.status, input.status);
      Object.assign(set, stateStamps(row, input.status, now));
      changes.push({ field: 'status', from: row.status, to: input.status });
    }
    if (changes.length === 0) return;
    await trx
      .updateTable('problems')
      .set({ ...set, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordProblemChange(trx, id, actor.id, now, changes);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'problem.update',
      subjectType: 'problem',
      subjectId: id,
      details: { changes: changes.map((c) => c.field) },
    });
  });
  return getProblem(ctx, actor, id);
}
