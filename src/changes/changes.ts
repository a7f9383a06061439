// Change requests: raised by staff (a standard change from its template), assessed (risk, impact, plans),
// scheduled into a window on the services it touches, moved through the table of change-states.ts, linked to
// the tickets and problems behind it, and closed by a post-implementation review. Every write is audited in its
// transaction. Conflicts (another live change on one of its services in an overlapping window) are warned,
// never refused; blackout periods refuse a normal or standard change's committed window (see change-blackouts).
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type {
  ChangeLevel,
  ChangeLinkTarget,
  ChangeReviewOutcome,
  ChangesTable,
  Database,
} from '../core/db/index.js';
import { Conflict, type FieldError, Invalid, NotFound } from '../core/errors.js';
import { findVisibleTicket, getTicket } from '../helpdesk/index.js';
import { listServices } from '../incidents/index.js';
import { getProblemSummary } from '../problems/index.js';
import { blackoutsOver, type ChangeBlackout, refuseBlackouts } from './change-blackouts.js';
import { requestCab, withdrawCab } from './change-cab.js';
import {
  type ChangeState,
  type ChangeType,
  canMoveChange,
  changeTypes,
  isCommittedChange,
  isEditableChange,
  needsCab,
  nextChangeStates,
} from './change-states.js';
import { readTemplateRow } from './change-templates.js';
import { requireChanges } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;
type ChangeRow = Selectable<ChangesTable>;

export const changeLevels: readonly ChangeLevel[] = ['low', 'medium', 'high'];
export const reviewOutcomes: readonly ChangeReviewOutcome[] = [
  'successful',
  'partially_successful',
  'failed',
  'backed_out',
];
export const changeLinkTargets: readonly ChangeLinkTarget[] = ['ticket', 'problem'];

export const changeLimits = {
  title: 200,
  text: 20_000,
  services: 20,
  /** A window longer than this is a project, not a change. */
  maxWindowMs: 31 * 86_400_000,
  /** Tickets and problems linked when a change is raised (its form's "new change for this ticket"). */
  linksOnCreate: 10,
  /** A ticket's or a problem's changes, newest first: links are made one by one, so this is far beyond use. */
  linkedList: 200,
} as const;

export interface ChangeReview {
  outcome: ChangeReviewOutcome;
  notes: string;
  reviewedById: number;
  reviewedAt: number;
}

export interface Change {
  id: number;
  /** What people say: CHG-42. */
  number: string;
  title: string;
  description: string;
  type: ChangeType;
  state: ChangeState;
  risk: ChangeLevel;
  impact: ChangeLevel;
  plan: string;
  backoutPlan: string;
  testPlan: string;
  windowStart: number | null;
  windowEnd: number | null;
  templateId: number | null;
  requesterId: number;
  requesterName: string;
  ownerId: number | null;
  ownerName: string | null;
  implementerId: number | null;
  implementerName: string | null;
  groupId: number | null;
  services: { id: number; name: string }[];
  approvalId: number | null;
  /** The CAB's reason, once it decided. */
  cabReason: string | null;
  review: ChangeReview | null;
  /** Other live changes on one of its services whose windows overlap its own, ascending. */
  conflicts: number[];
  createdAt: number;
  updatedAt: number;
}

export interface ChangeLink {
  targetType: ChangeLinkTarget;
  targetId: number;
  /** The ticket's or the problem's title (null: a ticket the reader may not see). */
  title: string | null;
  createdAt: number;
}

export interface ChangeDetail extends Change {
  links: ChangeLink[];
  /** Blackout periods over its window that concern its services. */
  blackouts: ChangeBlackout[];
  /** The states a person may move it to now. */
  nextStates: ChangeState[];
}

export interface ChangeInput {
  title?: string;
  description?: string;
  type?: ChangeType;
  risk?: ChangeLevel;
  impact?: ChangeLevel;
  plan?: string;
  backoutPlan?: string;
  testPlan?: string;
  windowStart?: number | null;
  windowEnd?: number | null;
  serviceIds?: number[];
  ownerId?: number | null;
  implementerId?: number | null;
  groupId?: number | null;
  /** A standard change names its template (only when raised). */
  templateId?: number | null;
  /** Tickets and problems to link as it is raised (only then), in the same transaction. */
  links?: ChangeLinkInput[];
}

export interface ChangeLinkInput {
  targetType: ChangeLinkTarget;
  targetId: number;
}

export const changeNumber = (id: number) => `CHG-${id}`;

const invalid = (field: string, message: string) =>
  new Invalid('validation_failed', `${field.slice(1)}: ${message}`, [{ field, message }]);

function text(fields: FieldError[], field: string, value: string | undefined, max: number, required = false) {
  if (value === undefined) return undefined;
  const v = value.trim();
  if ((required && v.length === 0) || v.length > max)
    fields.push({ field, message: required ? `must be 1–${max} characters` : `at most ${max} characters` });
  return v;
}

/** The shape of an input alone (no database): texts, levels, the window's order and length. */
function checkShape(input: ChangeInput): FieldError[] {
  const fields: FieldError[] = [];
  text(fields, '/title', input.title, changeLimits.title, true);
  for (const [f, v] of [
    ['/description', input.description],
    ['/plan', input.plan],
    ['/backoutPlan', input.backoutPlan],
    ['/testPlan', input.testPlan],
  ] as const)
    text(fields, f, v, changeLimits.text);
  if (input.type !== undefined && !changeTypes.includes(input.type))
    fields.push({ field: '/type', message: 'must be standard, normal or emergency' });
  for (const [f, v] of [
    ['/risk', input.risk],
    ['/impact', input.impact],
  ] as const)
    if (v !== undefined && !changeLevels.includes(v))
      fields.push({ field: f, message: 'must be low, medium or high' });
  const { windowStart: s, windowEnd: e } = input;
  if (s !== undefined && s !== null && !Number.isSafeInteger(s))
    fields.push({ field: '/windowStart', message: 'must be a time' });
  if (e !== undefined && e !== null && !Number.isSafeInteger(e))
    fields.push({ field: '/windowEnd', message: 'must be a time' });
  if (input.serviceIds !== undefined) {
    if (input.serviceIds.length > changeLimits.services)
      fields.push({ field: '/serviceIds', message: `at most ${changeLimits.services} services` });
    if (new Set(input.serviceIds).size !== input.serviceIds.length)
      fields.push({ field: '/serviceIds', message: 'names a service twice' });
  }
  if (input.links !== undefined) {
    if (input.links.length > changeLimits.linksOnCreate)
      fields.push({ field: '/links', message: `at most ${changeLimits.linksOnCreate} links` });
    input.links.forEach((l, i) => {
      if (!changeLinkTargets.includes(l.targetType))
        fields.push({ field: `/links/${i}/targetType`, message: 'must be ticket or problem' });
    });
  }
  return fields;
}

/** The window a row would have after the input: both ends or neither, end after start, at most 31 days. */
function checkWindow(start: number | null, end: number | null): void {
  if ((start === null) !== (end === null))
    throw invalid(
      start === null ? '/windowStart' : '/windowEnd',
      'a window needs both its start and its end',
    );
  if (start !== null && end !== null) {
    if (end <= start) throw invalid('/windowEnd', 'must be after windowStart');
    if (end - start > changeLimits.maxWindowMs) throw invalid('/windowEnd', 'a window is at most 31 days');
  }
}

async function checkReferences(db: Db, ctx: ServiceContext, actor: Actor, input: ChangeInput) {
  const fields: FieldError[] = [];
  for (const [field, userId] of [
    ['/ownerId', input.ownerId],
    ['/implementerId', input.implementerId],
  ] as const) {
    if (userId === undefined || userId === null) continue;
    const u = await db
      .selectFrom('users')
      .select(['role', 'active'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (u?.active !== 1 || u.role === 'requester')
      fields.push({ field, message: 'must be an active staff member' });
  }
  if (input.groupId !== undefined && input.groupId !== null) {
    const g = await db.selectFrom('groups').select('id').where('id', '=', input.groupId).executeTakeFirst();
    if (!g) fields.push({ field: '/groupId', message: 'no such group' });
  }
  if (input.serviceIds !== undefined && input.serviceIds.length > 0) {
    // In the caller's transaction: a second connection meanwhile would wait on SQLite's writer lock.
    const known = new Set((await listServices({ ...ctx, db }, actor)).map((s) => s.id));
    const missing = input.serviceIds.filter((id) => !known.has(id));
    if (missing.length > 0)
      fields.push({ field: '/serviceIds', message: `no service ${missing.join(', ')}` });
  }
  if (fields.length > 0)
    throw new Invalid('invalid_reference', `${fields[0].field.slice(1)}: ${fields[0].message}`, fields);
}

// ---- reading -----------------------------------------------------------------------------------------------

export async function readChangeRow(db: Db, id: number): Promise<ChangeRow> {
  const row = await db.selectFrom('changes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('change_not_found', `No change ${id}.`);
  return row;
}

async function serviceIdsOf(db: Db, ids: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('change_services')
    .select(['change_id', 'service_id'])
    .where('change_id', 'in', ids)
    .orderBy('service_id')
    .execute();
  for (const r of rows) out.get(r.change_id)?.push(r.service_id);
  return out;
}

/**
 * For each of these changes, the other live changes on a shared service whose windows overlap: half-open
 * windows, so a change ending at 10:00 and one starting at 10:00 do not conflict. One query for a page.
 */
export async function conflictsOf(db: Db, ids: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('change_services as s1')
    .innerJoin('change_services as s2', (j) =>
      j.onRef('s2.service_id', '=', 's1.service_id').onRef('s2.change_id', '<>', 's1.change_id'),
    )
    .innerJoin('changes as c1', 'c1.id', 's1.change_id')
    .innerJoin('changes as c2', 'c2.id', 's2.change_id')
    .select(['c1.id as id', 'c2.id as other'])
    .distinct()
    .where('s1.change_id', 'in', ids)
    .where('c1.state', 'not in', ['rejected', 'cancelled'])
    .where('c2.state', 'not in', ['rejected', 'cancelled'])
    .whereRef('c2.window_start', '<', 'c1.window_end')
    .whereRef('c1.window_start', '<', 'c2.window_end')
    .orderBy('c1.id')
    .orderBy('c2.id')
    .execute();
  for (const r of rows) out.get(r.id)?.push(r.other);
  return out;
}

/** Rows (of one query) as changes: names, services, conflicts. */
export async function toChanges(
  ctx: ServiceContext,
  actor: Actor,
  db: Db,
  rows: ChangeRow[],
): Promise<Change[]> {
  const ids = rows.map((r) => r.id);
  const userIds = [
    ...new Set(rows.flatMap((r) => [r.requester_id, r.owner_id, r.implementer_id]).filter((x) => x !== null)),
  ] as number[];
  const [services, conflicts, users, allServices] = await Promise.all([
    serviceIdsOf(db, ids),
    conflictsOf(db, ids),
    userIds.length === 0
      ? Promise.resolve([])
      : db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute(),
    rows.length === 0 ? Promise.resolve([]) : listServices(ctx, actor),
  ]);
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const serviceName = new Map(allServices.map((s) => [s.id, s.name]));
  const name = (id: number | null) => (id === null ? null : (userName.get(id) ?? null));
  return rows.map((r) => ({
    id: r.id,
    number: changeNumber(r.id),
    title: r.title,
    description: r.description,
    type: r.type,
    state: r.state,
    risk: r.risk,
    impact: r.impact,
    plan: r.plan,
    backoutPlan: r.backout_plan,
    testPlan: r.test_plan,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    templateId: r.template_id,
    requesterId: r.requester_id,
    requesterName: name(r.requester_id) ?? '',
    ownerId: r.owner_id,
    ownerName: name(r.owner_id),
    implementerId: r.implementer_id,
    implementerName: name(r.implementer_id),
    groupId: r.group_id,
    services: (services.get(r.id) ?? []).map((id) => ({ id, name: serviceName.get(id) ?? `#${id}` })),
    approvalId: r.approval_id,
    cabReason: r.cab_reason,
    review:
      r.review_outcome !== null && r.reviewed_by !== null && r.reviewed_at !== null
        ? {
            outcome: r.review_outcome,
            notes: r.review_notes ?? '',
            reviewedById: r.reviewed_by,
            reviewedAt: r.reviewed_at,
          }
        : null,
    conflicts: conflicts.get(r.id) ?? [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function getChange(ctx: ServiceContext, actor: Actor, id: number): Promise<ChangeDetail> {
  requireChanges(actor, 'changes.work');
  const row = await readChangeRow(ctx.db, id);
  const [change] = await toChanges(ctx, actor, ctx.db, [row]);
  const linkRows = await ctx.db
    .selectFrom('change_links')
    .selectAll()
    .where('change_id', '=', id)
    .orderBy('target_type')
    .orderBy('target_id')
    .execute();
  const links: ChangeLink[] = [];
  for (const l of linkRows) {
    let title: string | null = null;
    if (l.target_type === 'ticket') {
      // A ticket the reader may not see (or one deleted) is listed without its title.
      title = await getTicket(ctx, actor, l.target_id).then(
        (t) => t.title,
        (err) => {
          if (err instanceof NotFound) return null;
          throw err;
        },
      );
    } else {
      title = (await getProblemSummary(ctx.db, l.target_id))?.title ?? null;
    }
    links.push({ targetType: l.target_type, targetId: l.target_id, title, createdAt: l.created_at });
  }
  const blackouts =
    change.windowStart !== null && change.windowEnd !== null
      ? await blackoutsOver(
          ctx.db,
          { start: change.windowStart, end: change.windowEnd },
          change.services.map((s) => s.id),
        )
      : [];
  return { ...change, links, blackouts, nextStates: nextChangeStates(change.state, change.type) };
}

// ---- writing -----------------------------------------------------------------------------------------------

async function setServices(trx: Transaction<Database>, id: number, serviceIds: number[]): Promise<void> {
  await trx.deleteFrom('change_services').where('change_id', '=', id).execute();
  if (serviceIds.length > 0)
    await trx
      .insertInto('change_services')
      .values(serviceIds.map((service_id) => ({ change_id: id, service_id })))
      .execute();
}

/** The blackout rule for a change about to be (or staying) committed: emergencies may, others may not. */
async function enforceBlackouts(trx: Transaction<Database>, row: ChangeRow, serviceIds: number[]) {
  if (row.type === 'emergency' || row.window_start === null || row.window_end === null) return;
  await refuseBlackouts(trx, { start: row.window_start, end: row.window_end }, serviceIds);
}

export async function createChange(
  ctx: ServiceContext,
  actor: Actor,
  input: ChangeInput,
): Promise<ChangeDetail> {
  const id = await ctx.db.transaction().execute((trx) => createChangeIn(ctx, trx, actor, input));
  return getChange(ctx, actor, id);
}

/**
 * Raise a change in the caller's transaction (another domain's write that must commit or fail with it: an
 * approved upgrade proposal raises its change). The checks, the row and the audit entry; returns its id.
 */
export async function createChangeIn(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  actor: Actor,
  input: ChangeInput,
): Promise<number> {
  requireChanges(actor, 'changes.work');
  const now = ctx.clock.now();
  const shape = checkShape(input);
  if (input.title === undefined && input.templateId == null)
    shape.push({ field: '/title', message: 'required (or a templateId)' });
  if (shape.length > 0)
    throw new Invalid('validation_failed', `${shape[0].field.slice(1)}: ${shape[0].message}`, shape);
  const template = input.templateId == null ? null : await readTemplateRow(trx, input.templateId, true);
  const type: ChangeType = input.type ?? (template ? 'standard' : 'normal');
  // A standard change is pre-approved through its template, so it must have one; a template makes a standard change.
  if (type === 'standard' && !template)
    throw invalid('/templateId', 'a standard change is raised from a change template');
  if (template && type !== 'standard')
    throw invalid('/type', 'a change from a template is a standard change');
  const windowStart = input.windowStart ?? null;
  const windowEnd = input.windowEnd ?? null;
  checkWindow(windowStart, windowEnd);
  await checkReferences(trx, ctx, actor, input);
  const row = await trx
    .insertInto('changes')
    .values({
      title: (input.title ?? template?.title ?? '').trim(),
      description: (input.description ?? template?.description ?? '').trim(),
      type,
      state: 'draft',
      risk: input.risk ?? template?.risk ?? 'medium',
      impact: input.impact ?? template?.impact ?? 'medium',
      plan: (input.plan ?? template?.plan ?? '').trim(),
      backout_plan: (input.backoutPlan ?? template?.backout_plan ?? '').trim(),
      test_plan: (input.testPlan ?? template?.test_plan ?? '').trim(),
      window_start: windowStart,
      window_end: windowEnd,
      template_id: template?.id ?? null,
      requester_id: actor.id,
      owner_id: input.ownerId ?? actor.id,
      implementer_id: input.implementerId ?? null,
      group_id: input.groupId ?? null,
      approval_id: null,
      cab_reason: null,
      review_outcome: null,
      review_notes: null,
      reviewed_by: null,
      reviewed_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setServices(trx, row.id, input.serviceIds ?? []);
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'change.create',
    subjectType: 'change',
    subjectId: row.id,
    details: { type, templateId: template?.id ?? null, title: input.title ?? template?.title },
  });
  for (const [i, link] of (input.links ?? []).entries())
    await linkIn(trx, actor, row.id, link, now, `/links/${i}/targetId`);
  return row.id;
}

export async function updateChange(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Omit<ChangeInput, 'templateId' | 'links'>,
): Promise<ChangeDetail> {
  requireChanges(actor, 'changes.work');
  const now = ctx.clock.now();
  const shape = checkShape(input);
  if (shape.length > 0)
    throw new Invalid('validation_failed', `${shape[0].field.slice(1)}: ${shape[0].message}`, shape);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await readChangeRow(trx, id);
    if (!isEditableChange(before.state))
      throw new Conflict(
        'change_locked',
        `${changeNumber(id)} is ${before.state}: its plan can no longer change.`,
      );
    if (input.type !== undefined && input.type !== before.type) {
      if (before.state !== 'draft' && before.state !== 'assessment')
        throw new Conflict(
          'change_locked',
          `${changeNumber(id)} is ${before.state}: its type can no longer change.`,
        );
      if (input.type === 'standard' || before.type === 'standard')
        throw invalid('/type', 'a standard change comes from a template; raise a new change instead');
    }
    const windowStart = input.windowStart !== undefined ? input.windowStart : before.window_start;
    const windowEnd = input.windowEnd !== undefined ? input.windowEnd : before.window_end;
    checkWindow(windowStart, windowEnd);
    await checkReferences(trx, ctx, actor, input);
    const set: Updateable<ChangesTable> = {};
    if (input.title !== undefined) set.title = input.title.trim();
    if (input.description !== undefined) set.description = input.description.trim();
    if (input.type !== undefined) set.type = input.type;
    if (input.risk !== undefined) set.risk = input.risk;
    if (input.impact !== undefined) set.impact = input.impact;
    if (input.plan !== undefined) set.plan = input.plan.trim();
    if (input.backoutPlan !== undefined) set.backout_plan = input.backoutPlan.trim();
    if (input.testPlan !== undefined) set.test_plan = input.testPlan.trim();
    if (input.windowStart !== undefined) set.window_start = windowStart;
    if (input.windowEnd !== undefined) set.window_end = windowEnd;
    if (input.ownerId !== undefined) set.owner_id = input.ownerId;
    if (input.implementerId !== undefined) set.implementer_id = input.implementerId;
    if (input.groupId !== undefined) set.group_id = input.groupId;
    const changed = Object.fromEntries(
      Object.entries(set).filter(([k, v]) => before[k as keyof ChangesTable] !== v),
    ) as Updateable<ChangesTable>;
    const servicesBefore = (await serviceIdsOf(trx, [id])).get(id) ?? [];
    const servicesAfter = input.serviceIds ? [...input.serviceIds].sort((a, b) => a - b) : servicesBefore;
    const servicesChanged = servicesAfter.join(',') !== servicesBefore.join(',');
    if (Object.keys(changed).length === 0 && !servicesChanged) return;
    const after = { ...before, ...changed };
    // The CAB approved this window on these services: a new one goes back through assessment and the CAB.
    const replanned =
      servicesChanged || changed.window_start !== undefined || changed.window_end !== undefined;
    if (before.state === 'scheduled' && needsCab(before.type) && replanned)
      throw new Conflict(
        'change_locked',
        `${changeNumber(id)} was approved for its window and services: move it back to assessment to re-plan them.`,
      );
    if (isCommittedChange(after.state)) {
      if (after.window_start === null)
        throw new Conflict('change_not_ready', `${changeNumber(id)} is ${after.state}: it keeps a window.`);
      if (servicesAfter.length === 0)
        throw new Conflict(
          'change_not_ready',
          `${changeNumber(id)} is ${after.state}: it keeps at least one service.`,
        );
      await enforceBlackouts(trx, after, servicesAfter);
    }
    if (Object.keys(changed).length > 0)
      await trx
        .updateTable('changes')
        .set({ ...changed, updated_at: now })
        .where('id', '=', id)
        .execute();
    else await trx.updateTable('changes').set({ updated_at: now }).where('id', '=', id).execute();
    if (servicesChanged) await setServices(trx, id, servicesAfter);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'change.update',
      subjectType: 'change',
      subjectId: id,
      details: {
        fields: Object.keys(changed),
        ...(servicesChanged ? { services: { from: servicesBefore, to: servicesAfter } } : {}),
      },
    });
  });
  return getChange(ctx, actor, id);
}

/** What moving to a committed or CAB state needs: a window and a service; for a CAB, a plan and a back-out plan. */
function refuseUnready(row: ChangeRow, serviceIds: number[], to: ChangeState): void {
  const missing: string[] = [];
  if (row.window_start === null) missing.push('a window');
  if (serviceIds.length === 0) missing.push('an affected service');
  if (to === 'awaiting_cab') {
    if (row.plan === '') missing.push('an implementation plan');
    if (row.backout_plan === '') missing.push('a back-out plan');
  }
  if (missing.length > 0)
    throw new Conflict(
      'change_not_ready',
      `${changeNumber(row.id)} needs ${missing.join(', ')} before ${to}.`,
    );
}

export async function moveChange(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { to: ChangeState; note?: string },
): Promise<ChangeDetail> {
  requireChanges(actor, 'changes.work');
  const now = ctx.clock.now();
  const note = (input.note ?? '').trim().slice(0, changeLimits.text);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await readChangeRow(trx, id);
    if (!canMoveChange(row.state, input.to, row.type, 'person')) {
      const allowed = nextChangeStates(row.state, row.type);
      throw new Conflict(
        'change_transition_not_allowed',
        `A ${row.type} change cannot go from ${row.state} to ${input.to}${row.state === 'awaiting_cab' && input.to !== 'cancelled' ? ' (the CAB decides)' : ''}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}.`,
      );
    }
    const set: Updateable<ChangesTable> = { state: input.to, updated_at: now };
    if (input.to === 'awaiting_cab' || input.to === 'scheduled') {
      const serviceIds = (await serviceIdsOf(trx, [id])).get(id) ?? [];
      refuseUnready(row, serviceIds, input.to);
      await enforceBlackouts(trx, row, serviceIds);
    }
    if (input.to === 'awaiting_cab' && needsCab(row.type)) {
      set.approval_id = await requestCab(trx, ctx, row);
      set.cab_reason = null;
    }
    if (row.state === 'awaiting_cab') await withdrawCab(trx, now, actor, id);
    await trx.updateTable('changes').set(set).where('id', '=', id).where('state', '=', row.state).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'change.state',
      subjectType: 'change',
      subjectId: id,
      details: { from: row.state, to: input.to, ...(note ? { note } : {}) },
    });
  });
  return getChange(ctx, actor, id);
}

/**
 * The CAB's decision (the approvals engine's outcome), applied once: a change still awaiting this approval
 * is scheduled or rejected; any other (decided already, cancelled, re-planned with a newer approval) is left
 * as it is, so a redelivered event changes nothing. Returns whether it applied.
 */
export async function applyCabDecision(
  trx: Transaction<Database>,
  now: number,
  decision: {
    changeId: number;
    approvalId: number;
    outcome: 'approved' | 'rejected';
    reason: string | null;
    decidedById: number | null;
  },
): Promise<boolean> {
  const row = await trx
    .selectFrom('changes')
    .select(['state', 'type', 'approval_id'])
    .where('id', '=', decision.changeId)
    .executeTakeFirst();
  if (row?.state !== 'awaiting_cab' || row.approval_id !== decision.approvalId) return false;
  const to: ChangeState = decision.outcome === 'approved' ? 'scheduled' : 'rejected';
  if (!canMoveChange(row.state, to, row.type, 'cab')) return false;
  const done = await trx
    .updateTable('changes')
    .set({ state: to, cab_reason: decision.reason, updated_at: now })
    .where('id', '=', decision.changeId)
    .where('state', '=', 'awaiting_cab')
    .where('approval_id', '=', decision.approvalId)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) return false;
  await recordAudit(trx, {
    actorId: decision.decidedById,
    at: now,
    action: 'change.cab_decision',
    subjectType: 'change',
    subjectId: decision.changeId,
    details: { approvalId: decision.approvalId, outcome: decision.outcome, reason: decision.reason, to },
  });
  return true;
}

/** The post-implementation review: what came of it, in a few words; it closes the change. */
export async function reviewChange(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { outcome: ChangeReviewOutcome; notes?: string },
): Promise<ChangeDetail> {
  requireChanges(actor, 'changes.work');
  if (!reviewOutcomes.includes(input.outcome))
    throw invalid('/outcome', 'must be successful, partially_successful, failed or backed_out');
  const notes = (input.notes ?? '').trim();
  if (notes.length > changeLimits.text) throw invalid('/notes', `at most ${changeLimits.text} characters`);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await readChangeRow(trx, id);
    if (row.state !== 'review')
      throw new Conflict(
        'change_transition_not_allowed',
        `${changeNumber(id)} is ${row.state}: a post-implementation review follows implementation (state review).`,
      );
    await trx
      .updateTable('changes')
      .set({
        state: 'closed',
        review_outcome: input.outcome,
        review_notes: notes,
        reviewed_by: actor.id,
        reviewed_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'change.review',
      subjectType: 'change',
      subjectId: id,
      details: { outcome: input.outcome },
    });
  });
  return getChange(ctx, actor, id);
}

/**
 * Link a ticket (an incident or request behind the change, checked as the actor sees it) or a problem (which
 * must exist: staff see every problem), in the caller's transaction; audited when it is new.
 */
async function linkIn(
  trx: Transaction<Database>,
  actor: Actor,
  id: number,
  input: ChangeLinkInput,
  now: number,
  field = '/targetId',
): Promise<void> {
  const noSuch = (what: string) =>
    new Invalid('invalid_reference', `${field.slice(1)}: no ${what} ${input.targetId}`, [
      { field, message: `no such ${what}` },
    ]);
  if (input.targetType === 'ticket') {
    try {
      await getTicket({ db: trx }, actor, input.targetId);
    } catch (err) {
      if (err instanceof NotFound) throw noSuch('ticket');
      throw err;
    }
  } else if ((await getProblemSummary(trx, input.targetId)) === null) {
    throw noSuch('problem');
  }
  const added = await trx
    .insertInto('change_links')
    .values({
      change_id: id,
      target_type: input.targetType,
      target_id: input.targetId,
      created_by: actor.id,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['change_id', 'target_type', 'target_id']).doNothing())
    .returning('change_id')
    .executeTakeFirst();
  if (added)
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'change.link',
      subjectType: 'change',
      subjectId: id,
      details: { targetType: input.targetType, targetId: input.targetId },
    });
}

export async function linkChange(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: ChangeLinkInput,
): Promise<ChangeDetail> {
  requireChanges(actor, 'changes.work');
  if (!changeLinkTargets.includes(input.targetType))
    throw invalid('/targetType', 'must be ticket or problem');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await readChangeRow(trx, id);
    await linkIn(trx, actor, id, input, now);
  });
  return getChange(ctx, actor, id);
}

export async function unlinkChange(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { targetType: ChangeLinkTarget; targetId: number },
): Promise<void> {
  requireChanges(actor, 'changes.work');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await readChangeRow(trx, id);
    const done = await trx
      .deleteFrom('change_links')
      .where('change_id', '=', id)
      .where('target_type', '=', input.targetType)
      .where('target_id', '=', input.targetId)
      .executeTakeFirst();
    if (Number(done.numDeletedRows) > 0)
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'change.unlink',
        subjectType: 'change',
        subjectId: id,
        details: { targetType: input.targetType, targetId: input.targetId },
      });
  });
}

/**
 * The changes linked to a ticket or a problem, newest first, at most changeLimits.linkedList (for their pages).
 * The ticket is read as the actor sees it first, so one they may not see is not found (404) before the staff
 * rule refuses a requester their own (403); a problem must exist.
 */
export async function changesLinkedTo(
  ctx: ServiceContext,
  actor: Actor,
  target: ChangeLinkInput,
): Promise<Change[]> {
  if (target.targetType === 'ticket') {
    if (!(await findVisibleTicket(ctx.db, actor, target.targetId)))
      throw new NotFound('ticket_not_found', `No ticket ${target.targetId}.`);
    requireChanges(actor, 'changes.work');
  } else {
    requireChanges(actor, 'changes.work');
    if ((await getProblemSummary(ctx.db, target.targetId)) === null)
      throw new NotFound('problem_not_found', `No problem ${target.targetId}.`);
  }
  const rows = await ctx.db
    .selectFrom('changes')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('change_links')
        .select('change_id')
        .where('target_type', '=', target.targetType)
        .where('target_id', '=', target.targetId),
    )
    .orderBy('id', 'desc')
    .limit(changeLimits.linkedList)
    .execute();
  return toChanges(ctx, actor, ctx.db, rows);
}
