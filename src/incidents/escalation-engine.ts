// The escalation engine: runs each open incident through the copy of its policy taken when it opened. Its timer
// is the incident row (the step and pass that run next, next_escalation_at), so a restart — or another instance —
// continues where it was (grafana/oncall#1206). A due incident is claimed race-free (FOR UPDATE SKIP LOCKED where
// the database has it, and an UPDATE conditional on the timer as read, which only one instance wins); its step
// is resolved at that instant (schedule → who is on call, group → its members, user), a step with nobody is
// skipped at once, each person is paged, and the timeline and the next time are written in one transaction.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import { type Database, detachedFromTransaction } from '../core/db/index.js';
import { DomainError } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import {
  cancelPages,
  type EscalationPolicy,
  type EscalationStep,
  type EscalationTarget,
  type PageInput,
  type PageResult,
  pageUser,
  whoIsOnCall,
} from '../oncall/index.js';
import { linkPath, linkSecret, signLink } from './incident-links.js';
import { canMoveIncident, type IncidentState } from './incident-states.js';

type Db = Kysely<Database> | Transaction<Database>;
type IncidentRow = Selectable<Database['incidents']>;

/** Who is on call for a schedule at an instant (null in a gap; NotFound for a schedule that is gone). */
export interface OnCallLookup {
  whoIsOnCall(ctx: ServiceContext, scheduleId: number, at: number): Promise<{ userId: number } | null>;
}

/** Paging people, inside the caller's transaction, and cancelling what is still waiting. */
export interface Pager {
  pageUser(ctx: ServiceContext, trx: Kysely<Database>, input: PageInput): Promise<PageResult>;
  cancelPages(ctx: ServiceContext, trx: Kysely<Database>, incidentId: number): Promise<number>;
}

/** What the engine asks of on-call: replaceable in tests by recording fakes. */
export interface EscalationPorts {
  onCall: OnCallLookup;
  pager: Pager;
}

/** The real ones, from on-call's face. */
export const oncallPorts: EscalationPorts = {
  onCall: { whoIsOnCall },
  pager: { pageUser, cancelPages },
};

/** The policy as the incident keeps it: what the engine runs, whatever is edited later. */
export type PolicySnapshot = Pick<EscalationPolicy, 'id' | 'name' | 'steps' | 'repeatCount'>;

export function policySnapshotOf(row: Pick<IncidentRow, 'policy_snapshot'>): PolicySnapshot {
  return JSON.parse(row.policy_snapshot) as PolicySnapshot;
}

/** One target of a step as resolved at an instant: the people it names now. */
export interface ResolvedTarget extends EscalationTarget {
  userIds: number[];
  /** Why it names nobody, when it does not. */
  note?: string;
}

/** The people a step names at `at`, target by target and in all (each person once, in target order). */
export async function resolveStep(
  ctx: ServiceContext,
  onCall: OnCallLookup,
  step: EscalationStep,
  at: number,
): Promise<{ targets: ResolvedTarget[]; userIds: number[] }> {
  const targets: ResolvedTarget[] = [];
  for (const t of step.targets) {
    if (t.kind === 'schedule') {
      try {
        const who = await onCall.whoIsOnCall(ctx, t.id, at);
        targets.push({ ...t, userIds: who ? [who.userId] : [], note: who ? undefined : 'nobody on call' });
      } catch (err) {
        // A schedule deleted since the policy was written names nobody; any other failure is retried.
        if (!(err instanceof DomainError && err.kind === 'not_found')) throw err;
        targets.push({ ...t, userIds: [], note: 'schedule not found' });
      }
    } else if (t.kind === 'user') {
      const u = await ctx.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', t.id)
        .where('active', '=', 1)
        .executeTakeFirst();
      targets.push({ ...t, userIds: u ? [u.id] : [], note: u ? undefined : 'user inactive or gone' });
    } else {
      // A group: all of its active members (everyone in the team hears the page).
      const members = await ctx.db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select('users.id')
        .where('group_members.group_id', '=', t.id)
        .where('users.active', '=', 1)
        .orderBy('users.id')
        .execute();
      const userIds = members.map((m) => m.id);
      targets.push({ ...t, userIds, note: userIds.length ? undefined : 'no active members' });
    }
  }
  const userIds = [...new Set(targets.flatMap((t) => t.userIds))];
  return { targets, userIds };
}

/** A timeline entry as written (step and pass 1-based, as people count them). */
export interface NewTimelineEntry {
  kind: TimelineKind;
  userId?: number | null;
  step?: number | null;
  repeat?: number | null;
  channel?: string | null;
  deliveryId?: number | null;
  detail?: string;
}

export type TimelineKind =
  | 'triggered'
  | 'notified'
  | 'unreachable'
  | 'step_skipped'
  | 'exhausted'
  | 'acknowledged'
  | 'ack_timeout'
  | 'resolved'
  | 'pages_cancelled'
  | 'linked_ticket'
  // alerts of the monitoring group the incident was opened for (src/incidents/alert-incidents.ts)
  | 'alert_firing'
  | 'alert_resolved';

export async function writeTimeline(
  trx: Db,
  incidentId: number,
  at: number,
  entries: NewTimelineEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('incident_timeline')
    .values(
      entries.map((e) => ({
        incident_id: incidentId,
        at,
        kind: e.kind,
        user_id: e.userId ?? null,
        step: e.step ?? null,
        repeat: e.repeat ?? null,
        channel: e.channel ?? null,
        delivery_id: e.deliveryId ?? null,
        detail: (e.detail ?? '').slice(0, 1000),
      })),
    )
    .execute();
}

/** The payload of an incident's event, from its row. */
export function incidentEvent(
  type: 'incident.triggered' | 'incident.acknowledged' | 'incident.resolved',
  row: Pick<IncidentRow, 'id' | 'service_id' | 'summary' | 'severity' | 'ticket_id'>,
  state: IncidentState,
  userId: number | null,
  reason?: 'opened' | 'ack_timeout',
): NewEvent {
  return {
    type,
    subjectType: 'incident',
    subjectId: row.id,
    actorId: userId,
    payload: {
      incidentId: row.id,
      serviceId: row.service_id,
      summary: row.summary,
      severity: row.severity,
      state,
      userId,
      ticketId: row.ticket_id,
      ...(reason ? { reason } : {}),
    },
  };
}

/** What running one due incident did. */
export type AdvanceOutcome = 'paged' | 'exhausted' | 'lost' | 'idle';

interface Plan {
  state: IncidentState;
  step: number;
  repeat: number;
  next: number | null;
  entries: NewTimelineEntry[];
  page: { userIds: number[]; step: number; repeat: number } | null;
  retriggered: boolean;
}

/** What to do with a due incident, decided outside the transaction (who-is-on-call reads the database). */
async function planAdvance(
  ctx: ServiceContext,
  ports: EscalationPorts,
  row: IncidentRow,
  now: number,
): Promise<Plan> {
  const policy = policySnapshotOf(row);
  const plan: Plan = {
    state: row.state,
    step: row.current_step,
    repeat: row.current_repeat,
    next: null,
    entries: [],
    page: null,
    retriggered: false,
  };
  if (row.state === 'acknowledged') {
    // The acknowledgement timed out without a resolution: trigger again, from the first step.
    plan.state = 'triggered';
    plan.step = 0;
    plan.repeat = 0;
    plan.retriggered = true;
    plan.entries.push({
      kind: 'ack_timeout',
      detail: `not resolved ${row.ack_timeout_minutes} min after the acknowledgement: escalating again`,
    });
  }
  const steps = policy.steps;
  // Each step of each remaining pass at most once: a policy in which nobody is on call anywhere ends exhausted.
  for (let guard = 0; guard <= steps.length * policy.repeatCount; guard++) {
    if (plan.repeat >= policy.repeatCount || steps.length === 0) {
      plan.entries.push({
        kind: 'exhausted',
        detail: `the policy ran ${policy.repeatCount} time${policy.repeatCount === 1 ? '' : 's'} without an acknowledgement`,
      });
      plan.next = null;
      return plan;
    }
    const step = steps[plan.step];
    const resolved = await resolveStep(ctx, ports.onCall, step, now);
    const here = { step: plan.step + 1, repeat: plan.repeat + 1 };
    plan.step += 1;
    if (plan.step >= steps.length) {
      plan.step = 0;
      plan.repeat += 1;
    }
    if (resolved.userIds.length === 0) {
      plan.entries.push({
        kind: 'step_skipped',
        ...here,
        detail: resolved.targets.map((t) => `${t.kind} ${t.id}: ${t.note ?? 'nobody'}`).join('; '),
      });
      continue;
    }
    plan.page = { userIds: resolved.userIds, ...here };
    plan.next = now + step.delayMinutes * 60_000;
    return plan;
  }
  plan.next = null;
  return plan;
}

/**
 * Run one due incident: decide, then claim and write in one transaction. 'lost': another instance (or an
 * acknowledgement) changed it first, and nothing was written.
 */
export async function advanceIncident(
  ctx: ServiceContext,
  ports: EscalationPorts,
  incidentId: number,
): Promise<AdvanceOutcome> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom('incidents')
    .selectAll()
    .where('id', '=', incidentId)
    .executeTakeFirst();
  if (!row || row.state === 'resolved' || row.next_escalation_at === null || row.next_escalation_at > now)
    return 'idle';
  if (row.state === 'acknowledged' && !canMoveIncident('acknowledged', 'triggered', 'engine')) return 'idle';
  const plan = await planAdvance(ctx, ports, row, now);
  const service = row.service_id
    ? await ctx.db.selectFrom('services').select('name').where('id', '=', row.service_id).executeTakeFirst()
    : undefined;
  const secret = plan.page ? await linkSecret(ctx.db, now) : '';
  const policy = policySnapshotOf(row);

  const outcome = await ctx.db.transaction().execute(async (trx): Promise<AdvanceOutcome> => {
    // The claim: the row as read, locked where the database can skip rows another instance holds.
    let claim = trx
      .selectFrom('incidents')
      .select('id')
      .where('id', '=', row.id)
      .where('state', '=', row.state)
      .where('next_escalation_at', '=', row.next_escalation_at)
      .where('current_step', '=', row.current_step)
      .where('current_repeat', '=', row.current_repeat);
    if (ctx.caps.supportsSkipLocked) claim = claim.forUpdate().skipLocked();
    if (!(await claim.executeTakeFirst())) return 'lost';
    const updated = await trx
      .updateTable('incidents')
      .set({
        state: plan.state,
        current_step: plan.step,
        current_repeat: plan.repeat,
        next_escalation_at: plan.next,
        updated_at: now,
        ...(plan.retriggered ? { acknowledged_at: null, acknowledged_by: null } : {}),
      })
      .where('id', '=', row.id)
      .where('state', '=', row.state)
      .where('next_escalation_at', '=', row.next_escalation_at)
      .where('current_step', '=', row.current_step)
      .where('current_repeat', '=', row.current_repeat)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return 'lost';

    const entries = [...plan.entries];
    if (plan.page) {
      const where = service ? ` (${service.name})` : '';
      const title = `[${row.severity}] ${row.summary}${where}`.slice(0, 300);
      const body = [
        row.summary,
        `Incident #${row.id}${where}, severity ${row.severity}.`,
        `Escalation step ${plan.page.step} of ${policy.steps.length}, pass ${plan.page.repeat} of ${policy.repeatCount} (${policy.name}).`,
      ].join('\n');
      const base = ctx.config.publicUrl?.replace(/\/+$/, '') ?? '';
      for (const userId of plan.page.userIds) {
        const result = await ports.pager.pageUser(ctx, trx, {
          userId,
          incidentId: row.id,
          title,
          body,
          acknowledgeUrl: base + linkPath(row.id, 'ack', signLink(secret, row.id, userId, 'ack', now)),
          resolveUrl: base + linkPath(row.id, 'resolve', signLink(secret, row.id, userId, 'resolve', now)),
          step: plan.page.step,
          // The facts again, so the person's page is written in their language.
          incident: {
            summary: row.summary,
            severity: row.severity,
            service: service?.name ?? null,
            step: plan.page.step,
            steps: policy.steps.length,
            pass: plan.page.repeat,
            passes: policy.repeatCount,
            policy: policy.name,
          },
        });
        const at = { userId, step: plan.page.step, repeat: plan.page.repeat };
        for (const d of result.deliveries) {
          const when = d.notBefore > now ? `queued for ${new Date(d.notBefore).toISOString()}` : '';
          const stuck =
            'channelEnabled' in d && d.channelEnabled === false ? 'the channel cannot send now' : '';
          entries.push({
            kind: 'notified',
            ...at,
            channel: d.method,
            deliveryId: d.deliveryId,
            detail: [when, stuck].filter(Boolean).join('; '),
          });
        }
        // Readiness: a page nobody can receive is said in the timeline, not only in the delivery log.
        if (result.unreachable || result.deliveries.length === 0) {
          entries.push({
            kind: 'unreachable',
            ...at,
            detail:
              result.deliveries.length === 0
                ? 'no contact method to page'
                : 'no working contact method: the page waits for a channel that can send it',
          });
        }
      }
    }
    await writeTimeline(trx, row.id, now, entries);
    if (plan.retriggered)
      await ctx.events.record(trx, [
        incidentEvent('incident.triggered', row, 'triggered', null, 'ack_timeout'),
      ]);
    return plan.page ? 'paged' : 'exhausted';
  });
  if (plan.retriggered && outcome !== 'lost') ctx.events.nudge();
  if (outcome === 'paged') ctx.deliveries?.nudge();
  return outcome;
}

export interface EscalationPassResult {
  due: number;
  paged: number;
  exhausted: number;
  lost: number;
  failed: number;
}

/**
 * One pass over every due incident. Safe on any instance at any time: an incident another instance took is
 * 'lost' here and written once there. One incident's failure (a schedule that cannot be read) is logged and
 * retried on the next pass; it holds up no other.
 */
export function runEscalations(
  ctx: ServiceContext,
  ports: EscalationPorts = oncallPorts,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<EscalationPassResult> {
  // Paging keeps its pace: ingest yields to the pass (core/foreground-work.ts).
  return ctx.foreground.run(() => escalationPass(ctx, ports, options));
}

async function escalationPass(
  ctx: ServiceContext,
  ports: EscalationPorts,
  options: { batch?: number; maxBatches?: number },
): Promise<EscalationPassResult> {
  const batch = options.batch ?? 200;
  const maxBatches = options.maxBatches ?? 50;
  const result: EscalationPassResult = { due: 0, paged: 0, exhausted: 0, lost: 0, failed: 0 };
  const seen = new Set<number>();
  for (let i = 0; i < maxBatches; i++) {
    const now = ctx.clock.now();
    const due = await ctx.db
      .selectFrom('incidents')
      .select('id')
      .where('next_escalation_at', 'is not', null)
      .where('next_escalation_at', '<=', now)
      .where('state', '!=', 'resolved')
      .$if(seen.size > 0, (q) => q.where('id', 'not in', [...seen]))
      .orderBy('next_escalation_at')
      .orderBy('id')
      .limit(batch)
      .execute();
    if (due.length === 0) break;
    for (const { id } of due) {
      seen.add(id);
      result.due++;
      try {
        const outcome = await advanceIncident(ctx, ports, id);
        if (outcome === 'paged') result.paged++;
        else if (outcome === 'exhausted') result.exhausted++;
        else if (outcome === 'lost') result.lost++;
      } catch (err) {
        result.failed++;
        ctx.log.error({ err, incidentId: id }, 'escalation of an incident failed; retried on the next pass');
      }
    }
  }
  return result;
}

/** How often the engine looks for due timers. */
export const escalationIntervalMs = 5_000;

/**
 * The engine as a running service holds it: passes one at a time, on its job's interval and at once when nudged
 * (an incident opened). A nudge during a pass runs one more pass after it.
 */
export class EscalationRunner {
  private running: Promise<unknown> | null = null;
  private again = false;
  private closed = false;
  /** What close() undoes: the subscription that nudges it. */
  readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly ports: EscalationPorts = oncallPorts,
  ) {}

  /** One pass now, or after the current one. */
  pass(): Promise<unknown> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await runEscalations(this.ctx, this.ports);
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** A pass soon, outside whatever transaction the caller holds (an event subscriber's). */
  nudge(): void {
    if (this.closed) return;
    detachedFromTransaction(() => {
      setTimeout(() => {
        this.pass().catch((err) => this.ctx.log.error({ err }, 'escalation pass failed'));
      }, 0).unref();
    });
  }

  /** Wait for a pass in progress (shutdown, tests). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** No more nudged passes; waits for one in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const undo of this.cleanups.splice(0)) undo();
    await this.idle();
  }
}
