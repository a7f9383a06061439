// The capacity source: the capacity report's findings (a target's disk, memory, CPU or network crossing its
// threshold on a date, with a band) become proposals. One open proposal per (target, resource, detail): its key
// is unique among open proposals, so the same findings twice — or from two instances at once — make one proposal;
// a forecast that moved refreshes the open one (its evidence, forecast, summary and, unless a person set it, its
// due date: the crossing minus a lead time). A key decided lately (approved or rejected) is left alone for a
// quiet period, so a rejection is not answered by the same proposal on the next pass.
import type { ServiceContext } from '../core/context.js';
import type { FieldError } from '../core/errors.js';
import {
  checkTime,
  day,
  formatLevel,
  invalidFields,
  isoDay,
  type ProposalEvidence,
  type ProposalForecast,
  proposalLimits,
} from './proposal-model.js';
import { type ProposalRow, readSubject, recordProposalWrite } from './proposals.js';

/** What the capacity report says about one resource of one target (times epoch ms). */
export interface CapacityFinding {
  targetId: number;
  resource: 'disk' | 'memory' | 'cpu' | 'network';
  /** Which one: a mount point, an interface; '' for the whole host. */
  detail: string;
  /** When the forecast crosses the threshold; null: it does not within the horizon (no proposal). */
  crossesAt: number | null;
  /** The band of the crossing. */
  earliest: number | null;
  latest: number | null;
  /** The fraction free now (the capacity report's CapacityItem.headroom: 0.12 is 12%). */
  headroom: number;
  threshold: number;
  /** The PromQL of the series the forecast was fitted on (the proposal's chart). */
  query: string;
}

export interface CapacityOptions {
  /** How long before the crossing the upgrade must be done: buying and fitting take time. Default 14 days. */
  leadTimeMs?: number;
  /** How long a decided (approved or rejected) key is left alone. Default 30 days. */
  quietMs?: number;
  /** How far back the proposal's chart looks. Default 30 days. */
  chartMs?: number;
}

export type CapacityOutcome = 'created' | 'updated' | 'unchanged' | 'held' | 'skipped';

export interface CapacityResult {
  /** One per finding, in order: what became of it, and its proposal (none when held or skipped). */
  items: { outcome: CapacityOutcome; proposalId: number | null }[];
}

const resourceWord: Record<CapacityFinding['resource'], string> = {
  disk: 'Disk',
  memory: 'Memory',
  cpu: 'CPU',
  network: 'Network',
};

export const capacityKey = (f: Pick<CapacityFinding, 'targetId' | 'resource' | 'detail'>) =>
  `capacity:${f.targetId}:${f.resource}:${f.detail}`;

function checkFinding(f: CapacityFinding, i: number): FieldError[] {
  const fields: FieldError[] = [];
  const at = `/findings/${i}`;
  // An id as the API's (a 32-bit integer): a larger one can name no row, and PostgreSQL refuses to compare it.
  if (!Number.isSafeInteger(f.targetId) || f.targetId < 1 || f.targetId > 2_147_483_647)
    fields.push({ field: `${at}/targetId`, message: 'must be an id' });
  if (!Object.hasOwn(resourceWord, f.resource))
    fields.push({ field: `${at}/resource`, message: 'must be disk, memory, cpu or network' });
  if (typeof f.detail !== 'string' || f.detail.length > proposalLimits.detail)
    fields.push({ field: `${at}/detail`, message: `at most ${proposalLimits.detail} characters` });
  for (const k of ['crossesAt', 'earliest', 'latest'] as const) checkTime(fields, `${at}/${k}`, f[k]);
  for (const k of ['headroom', 'threshold'] as const)
    if (!Number.isFinite(f[k])) fields.push({ field: `${at}/${k}`, message: 'must be a finite number' });
  if (typeof f.query !== 'string' || f.query.trim() === '' || f.query.length > proposalLimits.query)
    fields.push({ field: `${at}/query`, message: `must be 1–${proposalLimits.query} characters` });
  return fields;
}

/** The proposal's words for a finding: title, what, summary. */
function wordsOf(f: CapacityFinding, subject: string) {
  const thing = `${resourceWord[f.resource]}${f.detail ? ` ${f.detail}` : ''}`;
  const crossing = f.crossesAt as number;
  const band =
    f.earliest !== null && f.latest !== null
      ? ` (between ${isoDay(f.earliest)} and ${isoDay(f.latest)})`
      : '';
  return {
    title: `${thing} on ${subject}: upgrade before it reaches ${formatLevel(f.threshold)}`.slice(
      0,
      proposalLimits.title,
    ),
    what: `Add ${f.resource === 'cpu' ? 'CPU' : f.resource} capacity${f.detail ? ` for ${f.detail}` : ''} on ${subject}`,
    summary: `The forecast crosses ${formatLevel(f.threshold)} around ${isoDay(crossing)}${band}; headroom now ${formatLevel(f.headroom)}.`,
  };
}

/**
 * Create or refresh one open proposal per finding that crosses. Findings come from the capacity report
 * (src/forecast); a finding without a crossing is skipped, one for a recently decided key is held.
 */
export async function proposeFromCapacity(
  ctx: ServiceContext,
  findings: readonly CapacityFinding[],
  options: CapacityOptions = {},
): Promise<CapacityResult> {
  const fields = findings.flatMap(checkFinding);
  if (fields.length > 0) throw invalidFields(fields);
  const leadTimeMs = options.leadTimeMs ?? 14 * day;
  const quietMs = options.quietMs ?? 30 * day;
  const chartMs = options.chartMs ?? 30 * day;
  const items: CapacityResult['items'] = [];
  let wrote = false;
  for (const f of findings) {
    if (f.crossesAt === null) {
      items.push({ outcome: 'skipped', proposalId: null });
      continue;
    }
    const now = ctx.clock.now();
    const key = capacityKey(f);
    const forecast: ProposalForecast = {
      crossesAt: f.crossesAt,
      earliest: f.earliest,
      latest: f.latest,
      headroom: f.headroom,
      threshold: f.threshold,
      query: f.query.trim(),
    };
    const chart: ProposalEvidence = {
      kind: 'metric',
      label: `${resourceWord[f.resource]}${f.detail ? ` ${f.detail}` : ''} usage`,
      query: forecast.query,
      from: now - chartMs,
      to: now,
    };
    const item = await ctx.db.transaction().execute(async (trx) => {
      const subject = await readSubject(trx, f.targetId, '/targetId');
      const words = wordsOf(f, subject.name);
      const due = f.crossesAt !== null ? f.crossesAt - leadTimeMs : null;
      const open = await trx
        .selectFrom('upgrade_proposals')
        .selectAll()
        .where('open_key', '=', key)
        .executeTakeFirst();
      if (!open) {
        const decided = await trx
          .selectFrom('upgrade_proposals')
          .select('id')
          .where('source_key', '=', key)
          .where('decided_at', '>', now - quietMs)
          .where('status', 'in', ['approved', 'rejected'])
          .executeTakeFirst();
        if (decided) return { outcome: 'held' as const, proposalId: null };
        // One open proposal per key: of two racing inserts one wins, the other inserts nothing and refreshes it.
        const inserted = await trx
          .insertInto('upgrade_proposals')
          .values({
            title: words.title,
            source: 'capacity',
            target_id: subject.id,
            subject_name: subject.name,
            resource: f.resource,
            detail: f.detail,
            what: words.what,
            summary: words.summary,
            evidence: JSON.stringify([chart]),
            forecast: JSON.stringify(forecast),
            due_at: due,
            due_by_hand: 0,
            cost_minor: null,
            cost_currency: null,
            cost_source: null,
            status: 'proposed',
            deferred_until: null,
            decision_reason: null,
            decided_by: null,
            decided_at: null,
            problem_id: null,
            change_id: null,
            source_key: key,
            open_key: key,
            created_by: null,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.column('open_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) {
          await recordProposalWrite(ctx, trx, {
            id: inserted.id,
            actorId: null,
            at: now,
            action: 'proposal.create',
            details: { source: 'capacity', key, crossesAt: new Date(f.crossesAt as number).toISOString() },
            event: {
              type: 'proposal.created',
              subjectType: 'upgrade_proposal',
              subjectId: inserted.id,
              actorId: null,
              payload: {
                proposalId: inserted.id,
                source: 'capacity',
                targetId: subject.id,
                title: words.title,
              },
            },
          });
          return { outcome: 'created' as const, proposalId: inserted.id };
        }
      }
      const current =
        open ??
        (await trx
          .selectFrom('upgrade_proposals')
          .selectAll()
          .where('open_key', '=', key)
          .executeTakeFirstOrThrow());
      return refresh(ctx, trx, current, { forecast, chart, words, due, now });
    });
    if (item.outcome === 'created' || item.outcome === 'updated') wrote = true;
    items.push(item);
  }
  if (wrote) ctx.events.nudge();
  return { items };
}

/** A forecast that moved: the open proposal takes the new forecast, chart, summary and (unless by hand) due date. */
async function refresh(
  ctx: ServiceContext,
  trx: Parameters<typeof recordProposalWrite>[1],
  row: ProposalRow,
  next: {
    forecast: ProposalForecast;
    chart: ProposalEvidence;
    words: { summary: string };
    due: number | null;
    now: number;
  },
): Promise<{ outcome: 'updated' | 'unchanged'; proposalId: number }> {
  const forecast = JSON.stringify(next.forecast);
  if (forecast === row.forecast) return { outcome: 'unchanged', proposalId: row.id };
  // The source's chart is replaced; evidence a person added stays.
  const kept = (JSON.parse(row.evidence) as ProposalEvidence[]).filter(
    (e) => !(e.kind === 'metric' && e.query === next.forecast.query),
  );
  const fields = ['forecast', 'evidence', 'summary', ...(row.due_by_hand === 1 ? [] : ['dueAt'])];
  await trx
    .updateTable('upgrade_proposals')
    .set({
      forecast,
      evidence: JSON.stringify([next.chart, ...kept].slice(0, proposalLimits.evidence)),
      summary: next.words.summary,
      ...(row.due_by_hand === 1 ? {} : { due_at: next.due }),
      updated_at: next.now,
    })
    .where('id', '=', row.id)
    .execute();
  await recordProposalWrite(ctx, trx, {
    id: row.id,
    actorId: null,
    at: next.now,
    action: 'proposal.update',
    details: { source: 'capacity', fields, crossesAt: new Date(next.forecast.crossesAt).toISOString() },
    event: {
      type: 'proposal.updated',
      subjectType: 'upgrade_proposal',
      subjectId: row.id,
      actorId: null,
      payload: { proposalId: row.id, fields },
    },
  });
  return { outcome: 'updated', proposalId: row.id };
}
