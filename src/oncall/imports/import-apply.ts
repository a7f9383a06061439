// Applying an import plan: its schedules, their coming overrides and its escalation policies written through the
// schedules' and policies' own domain functions (insertSchedule, insertOverrides, insertEscalationPolicy) in one
// transaction, so a failure leaves nothing half-imported. Also the pure step that fits the plan's neutral
// policies to what an opsdesk policy holds, reporting each adjustment, so a dry run shows what applying does.
import { recordAudit } from '../../core/audit.js';
import type { Actor } from '../../core/auth/index.js';
import type { ServiceContext } from '../../core/context.js';
import { DomainError, Invalid } from '../../core/errors.js';
import {
  checkPolicyShape,
  type EscalationTarget,
  escalationPolicyLimits,
  insertEscalationPolicy,
} from '../escalation-policies.js';
import { insertOverrides, maxOverrideMs } from '../schedule-overrides.js';
import { insertSchedule, validateSchedule } from '../schedules.js';
import { bindSchedule, type ImportPlan, type NotCarried } from './import-plan.js';

export type DraftTarget =
  | { kind: 'schedule'; ref: string }
  | { kind: 'user'; ref: string }
  | { kind: 'group'; id: number };

/** A plan policy fitted to opsdesk's bounds, its schedules and people still named as in the plan. */
export interface PolicyDraft {
  sourceId: string;
  name: string;
  /** Times the steps run through (1: once). */
  repeatCount: number;
  steps: { delayMinutes: number; targets: DraftTarget[] }[];
}

const nameMax = 100;

/**
 * Fits the plan's policies: groups matched by name to opsdesk groups, waits within 1–1440 minutes, at most 20
 * steps of 20 targets, at most 10 runs; what changes is reported in `notes`.
 */
export function draftPolicies(
  plan: ImportPlan,
  groupIdOf: (ref: string) => number | null,
): { drafts: PolicyDraft[]; notes: NotCarried[] } {
  const l = escalationPolicyLimits;
  const notes: NotCarried[] = [];
  const schedules = new Set(plan.schedules.map((s) => s.sourceId));
  const drafts: PolicyDraft[] = [];
  for (const p of plan.policies) {
    const where = `escalation policy "${p.name}"`;
    const steps: PolicyDraft['steps'] = [];
    for (const [i, step] of p.steps.entries()) {
      const targets: DraftTarget[] = [];
      for (const t of step.targets) {
        if (t.kind === 'group') {
          const id = groupIdOf(t.ref);
          if (id === null)
            notes.push({
              what: `group "${t.ref}"`,
              where,
              why: 'no opsdesk group has this name; left out of the step',
            });
          else targets.push({ kind: 'group', id });
        } else if (t.kind === 'schedule' && !schedules.has(t.ref))
          notes.push({
            what: `schedule ${t.ref}`,
            where,
            why: 'the schedule is not part of this import; left out of the step',
          });
        else targets.push({ kind: t.kind, ref: t.ref });
      }
      if (targets.length > l.targetsPerStep)
        notes.push({
          what: `step ${i + 1}'s targets past ${l.targetsPerStep}`,
          where,
          why: `an opsdesk step notifies at most ${l.targetsPerStep}; left out`,
        });
      let delay = step.delayMinutes;
      if (delay < l.minDelayMinutes || delay > l.maxDelayMinutes) {
        const fitted = Math.min(l.maxDelayMinutes, Math.max(l.minDelayMinutes, delay));
        notes.push({
          what: `step ${i + 1}'s wait of ${delay} min`,
          where,
          why: `opsdesk waits ${l.minDelayMinutes}–${l.maxDelayMinutes} min after a step; imported as ${fitted}`,
        });
        delay = fitted;
      }
      if (targets.length === 0) {
        notes.push({
          what: `step ${i + 1}`,
          where,
          why: 'none of its targets can be notified; left out, its wait added to the step before',
        });
        const last = steps[steps.length - 1];
        if (last) last.delayMinutes = Math.min(l.maxDelayMinutes, last.delayMinutes + delay);
        continue;
      }
      steps.push({ delayMinutes: delay, targets: targets.slice(0, l.targetsPerStep) });
    }
    if (steps.length > l.steps)
      notes.push({
        what: `steps past ${l.steps}`,
        where,
        why: `an opsdesk policy has at most ${l.steps} steps; left out`,
      });
    let repeatCount = p.repeat + 1;
    if (repeatCount > l.maxRepeatCount) {
      notes.push({
        what: `${p.repeat} repeats`,
        where,
        why: `an opsdesk policy runs at most ${l.maxRepeatCount} times; imported as ${l.maxRepeatCount - 1} repeats`,
      });
      repeatCount = l.maxRepeatCount;
    }
    if (steps.length === 0) {
      notes.push({
        what: where,
        where: 'escalation policies',
        why: 'no step is left to import; not imported',
      });
      continue;
    }
    drafts.push({
      sourceId: p.sourceId,
      name: fitName(p.name, p.sourceId),
      repeatCount,
      steps: steps.slice(0, l.steps),
    });
  }
  return { drafts, notes };
}

function fitName(name: string, sourceId: string): string {
  const n = name.trim().slice(0, nameMax);
  return n.length > 0 ? n : `Imported ${sourceId}`.slice(0, nameMax);
}

/** Every person the plan puts on call or notifies who has no opsdesk account. */
export function unmatchedPeople(plan: ImportPlan, drafts: PolicyDraft[]): string[] {
  const matched = new Set(plan.users.filter((u) => u.opsdeskUserId !== null).map((u) => u.key));
  const needed = new Set<string>();
  for (const s of plan.schedules) {
    for (const l of s.layers)
      if (l.kind === 'rotation') for (const p of l.participants) needed.add(p);
      else for (const sh of l.shifts) needed.add(sh.user);
    for (const o of s.overrides) needed.add(o.user);
  }
  for (const d of drafts)
    for (const st of d.steps) for (const t of st.targets) if (t.kind === 'user') needed.add(t.ref);
  return [...needed].filter((k) => !matched.has(k)).sort();
}

export interface AppliedImport {
  schedules: { sourceId: string; id: number; name: string }[];
  policies: { sourceId: string; id: number; name: string }[];
  overrides: number;
}

/** Writes the plan. Invalid (nothing written) when someone it needs has no account or a schedule does not fit. */
export async function applyPlan(
  ctx: ServiceContext,
  actor: Actor,
  plan: ImportPlan,
  drafts: PolicyDraft[],
): Promise<AppliedImport> {
  const missing = unmatchedPeople(plan, drafts);
  if (missing.length > 0)
    throw new Invalid(
      'invalid_import',
      `No opsdesk account has the email of ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}: create them (as staff) first, then apply again.`,
      missing
        .slice(0, 50)
        .map((k) => ({ field: '/data/users', message: `no opsdesk user with the email ${k}` })),
    );
  const idOfKey = new Map(
    plan.users.flatMap((u) => (u.opsdeskUserId === null ? [] : [[u.key, u.opsdeskUserId] as const])),
  );
  const idOf = (key: string): number => idOfKey.get(key) as number;
  const now = ctx.clock.now();

  return ctx.db.transaction().execute(async (trx) => {
    const applied: AppliedImport = { schedules: [], policies: [], overrides: 0 };
    const scheduleIdOf = new Map<string, number>();
    for (const [i, s] of plan.schedules.entries()) {
      const def = bindSchedule(s, idOf);
      let clean: Awaited<ReturnType<typeof validateSchedule>>;
      try {
        clean = await validateSchedule(trx, {
          name: fitName(s.name, s.sourceId),
          description: `Imported from ${plan.source} (${s.sourceId}).`,
          timeZone: s.timeZone,
          teamId: null,
          layers: def.layers,
        });
      } catch (e) {
        if (!(e instanceof DomainError) || e.kind !== 'invalid') throw e;
        throw new Invalid(
          'invalid_import',
          `Schedule "${s.name}" cannot be stored: ${e.message}`,
          e.fields.map((f) => ({
            field: `/schedules/${i}${f.field === '/' ? '' : f.field}`,
            message: f.message,
          })),
        );
      }
      const created = await insertSchedule(ctx, trx, actor, clean);
      scheduleIdOf.set(s.sourceId, created.id);
      applied.schedules.push({ sourceId: s.sourceId, id: created.id, name: created.name });
      // Covers already over are history; the ones to come are booked, each within what one override may span.
      const coming = def.overrides
        .filter((o) => o.end > now && o.end - o.start <= maxOverrideMs)
        .map((o) => ({
          userId: o.userId,
          start: o.start,
          end: o.end,
          reason: `Imported from ${plan.source}`,
        }));
      if (coming.length > 0)
        applied.overrides += (await insertOverrides(ctx, trx, actor, created.id, coming, null)).length;
    }
    for (const d of drafts) {
      const steps = d.steps.map((st) => ({
        delayMinutes: st.delayMinutes,
        targets: st.targets.map(
          (t): EscalationTarget =>
            t.kind === 'group'
              ? { kind: 'group', id: t.id }
              : t.kind === 'user'
                ? { kind: 'user', id: idOf(t.ref) }
                : { kind: 'schedule', id: scheduleIdOf.get(t.ref) as number },
        ),
      }));
      const shaped = checkPolicyShape({
        name: d.name,
        description: `Imported from ${plan.source} (${d.sourceId}).`,
        steps,
        repeatCount: d.repeatCount,
      });
      const created = await insertEscalationPolicy(ctx, trx, actor, shaped);
      applied.policies.push({ sourceId: d.sourceId, id: created.id, name: created.name });
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'oncall.import_applied',
      subjectType: 'oncall_import',
      subjectId: plan.source,
      details: {
        schedules: applied.schedules.map((s) => s.id),
        policies: applied.policies.map((p) => p.id),
        overrides: applied.overrides,
      },
    });
    return applied;
  });
}
