// Upgrade proposals: reading and listing them with their evidence resolved, writing one by hand, editing one
// still proposed, and the manager's decision. Approving is one transaction: the proposal, a normal change raised
// through change management's own command (linked to the problem behind it), and a request for quotes. Every
// write is audited and records its event in the same transaction. Lists are keyset-paginated on the due date
// (none last), then id.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { createChangeIn } from '../changes/index.js';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type {
  Database,
  ProposalResource,
  ProposalSource,
  ProposalStatus,
  UpgradeProposalsTable,
} from '../core/db/index.js';
import { Conflict, type FieldError, Invalid, NotFound } from '../core/errors.js';
import { requireProposalRight } from './policies.js';
import {
  checkCost,
  checkEvidence,
  checkText,
  checkTime,
  invalidFields,
  isoDay,
  type Proposal,
  type ProposalEvidence,
  type ProposalForecast,
  proposalLimits,
  proposalResources,
  type QuoteRequest,
  type ShownEvidence,
} from './proposal-model.js';
import {
  allowedDecisions,
  checkDecision,
  decisionOutcome,
  isOpenProposal,
  type ProposalDecision,
} from './proposal-states.js';

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;
export type ProposalRow = Selectable<UpgradeProposalsTable>;

/** Sorts a proposal without a due date after every dated one (the largest time a Date holds). */
const noDue = 8_640_000_000_000_000;

export interface ProposalFilter {
  status?: ProposalStatus[];
  source?: ProposalSource;
  targetId?: number;
  limit: number;
  /** The last item's [due key, id]. */
  after?: [number, number];
}

export interface ProposalInput {
  title?: string;
  resource?: ProposalResource;
  detail?: string;
  what?: string;
  summary?: string;
  evidence?: ProposalEvidence[];
  dueAt?: number | null;
  cost?: { amountMinor: number; currency: string } | null;
}

export interface ManualProposalInput extends ProposalInput {
  title: string;
  targetId: number;
  resource: ProposalResource;
  problemId?: number | null;
}

export interface DecisionInput {
  decision: ProposalDecision;
  /** A deferral's end (required to defer). */
  until?: number;
  /** Why (required to reject). */
  reason?: string;
  /** For the request for quotes an approval opens: how many, and what exactly. */
  quantity?: number;
  spec?: string;
}

// ---- reading ---------------------------------------------------------------------------------------------

export async function loadProposal(db: Db, id: number): Promise<ProposalRow> {
  const row = await db.selectFrom('upgrade_proposals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('proposal_not_found', `No upgrade proposal ${id}.`);
  return row;
}

/** The titles of every record the rows' evidence names, read once per kind. */
async function evidenceTitles(db: Db, evidence: ProposalEvidence[]): Promise<Map<string, string>> {
  const ids = { ticket: new Set<number>(), incident: new Set<number>(), problem: new Set<number>() };
  for (const e of evidence) if (e.kind !== 'metric') ids[e.kind].add(e.id);
  const out = new Map<string, string>();
  if (ids.ticket.size > 0)
    for (const r of await db
      .selectFrom('tickets')
      .select(['id', 'title'])
      .where('id', 'in', [...ids.ticket])
      .execute())
      out.set(`ticket:${r.id}`, r.title);
  if (ids.incident.size > 0)
    for (const r of await db
      .selectFrom('incidents')
      .select(['id', 'summary'])
      .where('id', 'in', [...ids.incident])
      .execute())
      out.set(`incident:${r.id}`, r.summary);
  if (ids.problem.size > 0)
    for (const r of await db
      .selectFrom('problems')
      .select(['id', 'title'])
      .where('id', 'in', [...ids.problem])
      .execute())
      out.set(`problem:${r.id}`, r.title);
  return out;
}

async function toProposals(db: Db, rows: ProposalRow[]): Promise<Proposal[]> {
  if (rows.length === 0) return [];
  const evidence = new Map(rows.map((r) => [r.id, JSON.parse(r.evidence) as ProposalEvidence[]]));
  const titles = await evidenceTitles(db, [...evidence.values()].flat());
  const quotes = await db
    .selectFrom('quote_requests')
    .selectAll()
    .where(
      'proposal_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const quoteOf = new Map<number, QuoteRequest>(
    // Selected by proposal_id, so never null here (a request written by hand has none).
    quotes.map((q) => [
      q.proposal_id as number,
      {
        id: q.id,
        proposalId: q.proposal_id as number,
        what: q.what,
        quantity: q.quantity,
        spec: q.spec,
        status: q.status,
        createdAt: q.created_at,
      },
    ]),
  );
  const deciders = [...new Set(rows.map((r) => r.decided_by).filter((x) => x !== null))] as number[];
  const names = new Map(
    deciders.length === 0
      ? []
      : (await db.selectFrom('users').select(['id', 'name']).where('id', 'in', deciders).execute()).map(
          (u) => [u.id, u.name],
        ),
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    source: r.source,
    targetId: r.target_id,
    subjectName: r.subject_name,
    resource: r.resource,
    detail: r.detail,
    what: r.what,
    summary: r.summary,
    evidence: (evidence.get(r.id) ?? []).map(
      (e): ShownEvidence =>
        e.kind === 'metric'
          ? { ...e, title: e.label || e.query }
          : { ...e, title: titles.get(`${e.kind}:${e.id}`) ?? null },
    ),
    forecast: r.forecast === null ? null : (JSON.parse(r.forecast) as ProposalForecast),
    dueAt: r.due_at,
    dueByHand: r.due_by_hand === 1,
    cost:
      r.cost_minor !== null && r.cost_currency !== null
        ? { amountMinor: r.cost_minor, currency: r.cost_currency, source: r.cost_source ?? 'manual' }
        : null,
    status: r.status,
    deferredUntil: r.deferred_until,
    decisionReason: r.decision_reason,
    decidedBy: r.decided_by,
    decidedByName: r.decided_by === null ? null : (names.get(r.decided_by) ?? null),
    decidedAt: r.decided_at,
    problemId: r.problem_id,
    changeId: r.change_id,
    quoteRequest: quoteOf.get(r.id) ?? null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    allowedDecisions: allowedDecisions(r.status),
  }));
}

export async function readProposal(db: Db, id: number): Promise<Proposal> {
  const [p] = await toProposals(db, [await loadProposal(db, id)]);
  return p;
}

export async function getProposal(ctx: ServiceContext, actor: Actor, id: number): Promise<Proposal> {
  requireProposalRight(actor, 'proposal.read');
  return readProposal(ctx.db, id);
}

/** The sort key of a proposal: its due date, none last. */
export const dueKey = (p: { dueAt: number | null }) => p.dueAt ?? noDue;

/** Up to limit + 1 proposals (the extra one says there is a next page), the soonest due first. */
export async function listProposals(
  ctx: ServiceContext,
  actor: Actor,
  filter: ProposalFilter,
): Promise<Proposal[]> {
  requireProposalRight(actor, 'proposal.read');
  const due = sql<number>`coalesce(due_at, ${noDue})`;
  let q = ctx.db.selectFrom('upgrade_proposals').selectAll();
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.source !== undefined) q = q.where('source', '=', filter.source);
  if (filter.targetId !== undefined) q = q.where('target_id', '=', filter.targetId);
  const after = filter.after;
  if (after)
    q = q.where((eb) =>
      eb.or([eb(due, '>', after[0]), eb.and([eb(due, '=', after[0]), eb('id', '>', after[1])])]),
    );
  const rows = await q
    .orderBy(due)
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  return toProposals(ctx.db, rows);
}

// ---- writing: shared by the sources ----------------------------------------------------------------------

/** The monitoring target a proposal is about, or an invalid reference. */
export async function readSubject(
  db: Db,
  targetId: number,
  field = '/targetId',
): Promise<{ id: number; name: string }> {
  const t = await db
    .selectFrom('monitoring_targets')
    .select(['id', 'name'])
    .where('id', '=', targetId)
    .executeTakeFirst();
  if (!t)
    throw new Invalid('invalid_reference', `${field.slice(1)}: no monitoring target ${targetId}`, [
      { field, message: 'no such monitoring target' },
    ]);
  return t;
}

/** The audit entry and the event of a proposal's change, in its transaction. */
export async function recordProposalWrite(
  ctx: ServiceContext,
  trx: Trx,
  input: {
    id: number;
    actorId: number | null;
    at: number;
    action: 'proposal.create' | 'proposal.update' | 'proposal.decide' | 'proposal.return';
    details: Record<string, unknown>;
    event: Parameters<ServiceContext['events']['record']>[1][number];
  },
): Promise<void> {
  await recordAudit(trx, {
    actorId: input.actorId,
    at: input.at,
    action: input.action,
    subjectType: 'upgrade_proposal',
    subjectId: input.id,
    details: input.details,
  });
  await ctx.events.record(trx, [input.event]);
}

// ---- writing: by hand ------------------------------------------------------------------------------------

function checkInput(
  input: ProposalInput,
  creating: boolean,
): { fields: FieldError[]; evidence?: ProposalEvidence[] } {
  const fields: FieldError[] = [];
  checkText(fields, '/title', input.title, proposalLimits.title, true);
  if (creating && input.title === undefined) fields.push({ field: '/title', message: 'required' });
  checkText(fields, '/detail', input.detail, proposalLimits.detail);
  checkText(fields, '/what', input.what, proposalLimits.what);
  checkText(fields, '/summary', input.summary, proposalLimits.summary);
  if (input.resource !== undefined && !proposalResources.includes(input.resource))
    fields.push({ field: '/resource', message: `must be one of ${proposalResources.join(', ')}` });
  checkTime(fields, '/dueAt', input.dueAt);
  checkCost(fields, input.cost);
  const evidence = checkEvidence(fields, input.evidence);
  return { fields, evidence };
}

/** Ticket, incident and problem evidence must exist (a metric query is the reader's to run). */
async function checkEvidenceReferences(db: Db, evidence: ProposalEvidence[] | undefined): Promise<void> {
  if (!evidence) return;
  const titles = await evidenceTitles(db, evidence);
  const fields: FieldError[] = [];
  evidence.forEach((e, i) => {
    if (e.kind !== 'metric' && !titles.has(`${e.kind}:${e.id}`))
      fields.push({ field: `/evidence/${i}/id`, message: `no ${e.kind} ${e.id}` });
  });
  if (fields.length > 0)
    throw new Invalid('invalid_reference', `${fields[0].field.slice(1)}: ${fields[0].message}`, fields);
}

export async function createManualProposal(
  ctx: ServiceContext,
  actor: Actor,
  input: ManualProposalInput,
): Promise<Proposal> {
  requireProposalRight(actor, 'proposal.propose');
  const { fields, evidence } = checkInput(input, true);
  if (!proposalResources.includes(input.resource))
    fields.push({ field: '/resource', message: `must be one of ${proposalResources.join(', ')}` });
  if (fields.length > 0) throw invalidFields(fields);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const subject = await readSubject(trx, input.targetId);
    await checkEvidenceReferences(trx, evidence);
    if (input.problemId != null) {
      const p = await trx
        .selectFrom('problems')
        .select('id')
        .where('id', '=', input.problemId)
        .executeTakeFirst();
      if (!p)
        throw new Invalid('invalid_reference', `problemId: no problem ${input.problemId}`, [
          { field: '/problemId', message: 'no such problem' },
        ]);
    }
    const title = input.title.trim();
    const row = await trx
      .insertInto('upgrade_proposals')
      .values({
        title,
        source: 'manual',
        target_id: subject.id,
        subject_name: subject.name,
        resource: input.resource,
        detail: input.detail?.trim() ?? '',
        what: input.what?.trim() ?? '',
        summary: input.summary?.trim() ?? '',
        evidence: JSON.stringify(evidence ?? []),
        forecast: null,
        due_at: input.dueAt ?? null,
        due_by_hand: input.dueAt != null ? 1 : 0,
        cost_minor: input.cost?.amountMinor ?? null,
        cost_currency: input.cost?.currency ?? null,
        cost_source: input.cost ? 'manual' : null,
        status: 'proposed',
        deferred_until: null,
        decision_reason: null,
        decided_by: null,
        decided_at: null,
        problem_id: input.problemId ?? null,
        change_id: null,
        source_key: null,
        open_key: null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordProposalWrite(ctx, trx, {
      id: row.id,
      actorId: actor.id,
      at: now,
      action: 'proposal.create',
      details: { source: 'manual', title, targetId: subject.id },
      event: {
        type: 'proposal.created',
        subjectType: 'upgrade_proposal',
        subjectId: row.id,
        actorId: actor.id,
        payload: { proposalId: row.id, source: 'manual', targetId: subject.id, title },
      },
    });
    return row.id;
  });
  ctx.events.nudge();
  return readProposal(ctx.db, id);
}

/** Edit a proposal's text, evidence, cost or due date while it is proposed (a set due date is then by hand). */
export async function updateProposal(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: ProposalInput,
): Promise<Proposal> {
  requireProposalRight(actor, 'proposal.propose');
  const { fields, evidence } = checkInput(input, false);
  if (fields.length > 0) throw invalidFields(fields);
  const now = ctx.clock.now();
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const row = await loadProposal(trx, id);
    if (row.status !== 'proposed')
      throw new Conflict(
        'proposal_locked',
        `Upgrade proposal ${id} is ${row.status}: it is no longer edited.`,
      );
    await checkEvidenceReferences(trx, evidence);
    const set: Partial<ProposalRow> = {};
    const text = (key: 'title' | 'detail' | 'what' | 'summary', v?: string) => {
      if (v !== undefined && v.trim() !== row[key]) set[key] = v.trim();
    };
    text('title', input.title);
    text('detail', input.detail);
    text('what', input.what);
    text('summary', input.summary);
    if (input.resource !== undefined && input.resource !== row.resource) set.resource = input.resource;
    if (evidence !== undefined && JSON.stringify(evidence) !== row.evidence)
      set.evidence = JSON.stringify(evidence);
    if (input.dueAt !== undefined && (input.dueAt !== row.due_at || row.due_by_hand !== 1)) {
      set.due_at = input.dueAt;
      // Cleared: the source's date applies again when it next runs.
      set.due_by_hand = input.dueAt === null ? 0 : 1;
    }
    if (input.cost !== undefined) {
      const minor = input.cost?.amountMinor ?? null;
      const currency = input.cost?.currency ?? null;
      if (minor !== row.cost_minor || currency !== row.cost_currency) {
        set.cost_minor = minor;
        set.cost_currency = currency;
        set.cost_source = input.cost ? 'manual' : null;
      }
    }
    const names = Object.keys(set).filter((k) => k !== 'due_by_hand' && k !== 'cost_source');
    if (names.length === 0) return false;
    await trx
      .updateTable('upgrade_proposals')
      .set({ ...set, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordProposalWrite(ctx, trx, {
      id,
      actorId: actor.id,
      at: now,
      action: 'proposal.update',
      details: { fields: names },
      event: {
        type: 'proposal.updated',
        subjectType: 'upgrade_proposal',
        subjectId: id,
        actorId: actor.id,
        payload: { proposalId: id, fields: names },
      },
    });
    return true;
  });
  if (changed) ctx.events.nudge();
  return readProposal(ctx.db, id);
}

// ---- deciding --------------------------------------------------------------------------------------------

const resourceNames: Record<ProposalResource, string> = {
  disk: 'Disk',
  memory: 'Memory',
  cpu: 'CPU',
  network: 'Network',
  hardware: 'Hardware',
  other: 'Other',
};

/** The change's implementation plan, from the proposal: what, on what, by when, why and the evidence. */
export function changePlanOf(row: ProposalRow): string {
  const evidence = JSON.parse(row.evidence) as ProposalEvidence[];
  const lines = [
    `Upgrade: ${row.what || row.title}`,
    `Subject: ${row.subject_name} — ${resourceNames[row.resource]}${row.detail ? ` ${row.detail}` : ''}`,
    ...(row.due_at !== null ? [`Due by: ${isoDay(row.due_at)}`] : []),
    ...(row.summary ? ['', `Why: ${row.summary}`] : []),
  ];
  if (evidence.length > 0) {
    lines.push('', 'Evidence:');
    for (const e of evidence)
      lines.push(
        e.kind === 'metric'
          ? `- metric ${e.label ? `${e.label}: ` : ''}${e.query} (${isoDay(e.from)} – ${isoDay(e.to)})`
          : `- ${e.kind} #${e.id}`,
      );
  }
  lines.push('', `From upgrade proposal #${row.id}.`);
  return lines.join('\n');
}

/** Approve, defer or reject. Approving raises the change and the request for quotes with it, all or nothing. */
export async function decideProposal(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: DecisionInput,
): Promise<Proposal> {
  requireProposalRight(actor, 'proposal.decide');
  const now = ctx.clock.now();
  const fields: FieldError[] = [];
  const reason = checkText(fields, '/reason', input.reason, proposalLimits.reason);
  const spec = checkText(fields, '/spec', input.spec, proposalLimits.spec);
  if (input.decision === 'defer') {
    if (input.until === undefined) fields.push({ field: '/until', message: 'a deferral needs its end date' });
    else {
      checkTime(fields, '/until', input.until);
      if (input.until <= now) fields.push({ field: '/until', message: 'must be in the future' });
    }
  } else if (input.until !== undefined)
    fields.push({ field: '/until', message: 'only a deferral has an end' });
  if (input.decision === 'reject' && !reason)
    fields.push({ field: '/reason', message: 'a rejection says why' });
  if (
    input.quantity !== undefined &&
    (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > proposalLimits.quantity)
  )
    fields.push({ field: '/quantity', message: `must be 1–${proposalLimits.quantity}` });
  if (input.decision !== 'approve' && (input.quantity !== undefined || input.spec !== undefined))
    fields.push({
      field: input.quantity !== undefined ? '/quantity' : '/spec',
      message: 'only an approval asks for quotes',
    });
  if (fields.length > 0) throw invalidFields(fields);
  const to = decisionOutcome[input.decision];
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadProposal(trx, id);
    checkDecision(id, row.status, input.decision);
    // The decision itself first, conditional on the state read: of two managers deciding at once, one wins and
    // the other is refused rather than raising a second change.
    const decided = await trx
      .updateTable('upgrade_proposals')
      .set({
        status: to,
        deferred_until: to === 'deferred' ? (input.until as number) : null,
        decision_reason: reason || null,
        decided_by: actor.id,
        decided_at: now,
        // Approved or rejected: the source's key is free (a source honours the decision for a while; see sources).
        open_key: isOpenProposal(to) ? row.open_key : null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1)
      throw new Conflict('proposal_decided', `Upgrade proposal ${id} was decided meanwhile.`);
    let changeId: number | null = null;
    let quoteRequestId: number | null = null;
    if (to === 'approved') {
      // Linked to the problem behind it, when that still exists.
      const problem =
        row.problem_id === null
          ? undefined
          : await trx.selectFrom('problems').select('id').where('id', '=', row.problem_id).executeTakeFirst();
      changeId = await createChangeIn(ctx, trx, actor, {
        title: row.title.slice(0, 200),
        description: [row.what, row.summary]
          .filter((s) => s !== '')
          .join('\n\n')
          .slice(0, 20_000),
        type: 'normal',
        plan: changePlanOf(row).slice(0, 20_000),
        ...(problem ? { links: [{ targetType: 'problem' as const, targetId: problem.id }] } : {}),
      });
      const quote = await trx
        .insertInto('quote_requests')
        .values({
          proposal_id: id,
          what: (row.what || row.title).slice(0, proposalLimits.what),
          quantity: input.quantity ?? 1,
          spec:
            spec ||
            `${resourceNames[row.resource]}${row.detail ? ` ${row.detail}` : ''} for ${row.subject_name}${
              row.due_at !== null ? `, needed by ${isoDay(row.due_at)}` : ''
            }`,
          status: 'open',
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      quoteRequestId = quote.id;
      await trx.updateTable('upgrade_proposals').set({ change_id: changeId }).where('id', '=', id).execute();
    }
    await recordProposalWrite(ctx, trx, {
      id,
      actorId: actor.id,
      at: now,
      action: 'proposal.decide',
      details: {
        from: row.status,
        to,
        ...(reason ? { reason } : {}),
        ...(to === 'deferred' ? { until: toIso(input.until as number) } : {}),
        ...(changeId !== null ? { changeId, quoteRequestId } : {}),
      },
      event: {
        type: 'proposal.decided',
        subjectType: 'upgrade_proposal',
        subjectId: id,
        actorId: actor.id,
        payload: {
          proposalId: id,
          status: to,
          reason: reason || null,
          deferredUntil: to === 'deferred' ? toIso(input.until as number) : null,
          changeId,
          quoteRequestId,
        },
      },
    });
  });
  ctx.events.nudge();
  return readProposal(ctx.db, id);
}

/**
 * Deferred proposals whose date has passed are proposed again. Each row is claimed by a conditional update (it
 * is still deferred and due), so two instances never return one twice; its event is in the same transaction.
 */
export async function returnDeferredProposals(ctx: ServiceContext): Promise<number[]> {
  const now = ctx.clock.now();
  const ids = await ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('upgrade_proposals')
      .set({ status: 'proposed', deferred_until: null, updated_at: now })
      .where('status', '=', 'deferred')
      .where('deferred_until', '<=', now)
      .returning('id')
      .execute();
    for (const r of rows)
      await recordProposalWrite(ctx, trx, {
        id: r.id,
        actorId: null,
        at: now,
        action: 'proposal.return',
        details: { to: 'proposed' },
        event: {
          type: 'proposal.returned',
          subjectType: 'upgrade_proposal',
          subjectId: r.id,
          actorId: null,
          payload: { proposalId: r.id },
        },
      });
    return rows.map((r) => r.id).sort((a, b) => a - b);
  });
  if (ids.length > 0) ctx.events.nudge();
  return ids;
}
