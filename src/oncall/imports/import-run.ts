// Importing an on-call setup, as a manager runs it: the source's export converted into a plan (people matched to
// opsdesk users by email, groups by name), what could not be carried over, and the imported final schedule beside
// the original's for the next 4 weeks. A dry run changes nothing; otherwise the plan is applied (import-apply).
import { type Actor, listGroups, listUsers } from '../../core/auth/index.js';
import type { ServiceContext } from '../../core/context.js';
import { DomainError, Invalid } from '../../core/errors.js';
import { requireOncall } from '../permissions.js';
import type { ScheduleDefinition, Segment } from '../schedule-model.js';
import { compileSchedule, finalSchedule } from '../schedule-resolution.js';
import { compareFinalSchedules, type ScheduleComparison } from './compare.js';
import { convertGrafanaOnCall } from './grafana-oncall.js';
import { type AppliedImport, applyPlan, draftPolicies, type PolicyDraft } from './import-apply.js';
import {
  bindSchedule,
  type ConvertOptions,
  type DirectoryUser,
  type ImportPlan,
  type ImportSource,
  type Json,
} from './import-plan.js';
import { convertOpsgenie } from './opsgenie.js';
import { convertPagerDuty } from './pagerduty.js';

export const comparisonWeeks = 4;
const weekMs = 7 * 24 * 3600 * 1000;
/** Stand-in ids for people with no opsdesk account, far above real ids, so their turns still show in a preview. */
const standInBase = 1_500_000_000;

export const importConverters: Record<ImportSource, (data: Json, options: ConvertOptions) => ImportPlan> = {
  opsgenie: convertOpsgenie,
  'grafana-oncall': convertGrafanaOnCall,
  pagerduty: convertPagerDuty,
};

/** The pure final-schedule resolution (the schedule engine's): segments tiling [from, to). */
export type Resolve = (def: ScheduleDefinition, from: number, to: number) => Segment[];

/** The schedule engine's resolution. */
export const resolveFinalSchedule: Resolve = (def, from, to) => finalSchedule(compileSchedule(def), from, to);

export interface ImportInput {
  source: ImportSource;
  data: Json;
  dryRun: boolean;
}

export interface ScheduleSideBySide extends ScheduleComparison {
  scheduleSourceId: string;
  name: string;
}

export interface ImportResult {
  plan: ImportPlan;
  /** The policies as applying writes them (fitted to opsdesk's bounds). */
  drafts: PolicyDraft[];
  comparisons: ScheduleSideBySide[];
  /** What was written; null for a dry run. */
  applied: AppliedImport | null;
}

/** The plan's schedules resolved and compared with the originals over [from, to). Pure. */
export function compareWithOriginals(
  plan: ImportPlan,
  resolve: Resolve,
  from: number,
  to: number,
): ScheduleSideBySide[] {
  const idOfKey = new Map<string, number>();
  const keyOfId = new Map<number, string>();
  for (const u of plan.users) if (u.opsdeskUserId !== null) idOfKey.set(u.key, u.opsdeskUserId);
  let next = standInBase;
  const idOf = (key: string): number => {
    let id = idOfKey.get(key);
    if (id === undefined) {
      id = next++;
      idOfKey.set(key, id);
    }
    keyOfId.set(id, key);
    return id;
  };
  const out: ScheduleSideBySide[] = [];
  for (const original of plan.originals) {
    const schedule = plan.schedules.find((s) => s.sourceId === original.scheduleSourceId);
    if (!schedule) continue;
    let segments: Segment[];
    try {
      segments =
        schedule.layers.length === 0 && schedule.overrides.length === 0
          ? []
          : resolve(bindSchedule(schedule, idOf), from, to);
    } catch (e) {
      // A plan beyond what a schedule may hold (too many layers or restrictions): say so instead of comparing.
      if (!(e instanceof DomainError)) throw e;
      plan.notCarried.push({
        what: 'the comparison with the original',
        where: `schedule "${schedule.name}"`,
        why: `the imported schedule cannot be resolved: ${e.fields.map((f) => `${f.field} ${f.message}`).join('; ') || e.message}`,
      });
      continue;
    }
    const ours = segments.map((s) => ({
      start: s.start,
      end: s.end,
      user: s.userId === null ? null : (keyOfId.get(s.userId) ?? null),
    }));
    out.push({
      scheduleSourceId: schedule.sourceId,
      name: schedule.name,
      ...compareFinalSchedules(original.entries, ours, from, to),
    });
  }
  return out;
}

/** Every active opsdesk user, for matching by email. */
async function directoryOf(ctx: ServiceContext, actor: Actor): Promise<DirectoryUser[]> {
  const all: DirectoryUser[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await listUsers(ctx, actor, { active: true, afterId, limit: 1000 });
    all.push(...page.map((u) => ({ id: u.id, email: u.email })));
    if (page.length < 1000) return all;
    afterId = page[page.length - 1].id;
  }
}

/**
 * Runs an import: the source's export converted into a plan and compared with the original's final schedule for
 * the next 4 weeks; unless it is a dry run, the plan is then applied in one transaction.
 */
export async function runImport(
  ctx: ServiceContext,
  actor: Actor,
  input: ImportInput,
  resolve: Resolve = resolveFinalSchedule,
): Promise<ImportResult> {
  requireOncall(actor, 'import.run');
  const convert = importConverters[input.source];
  const now = ctx.clock.now();
  const directory = await directoryOf(ctx, actor);
  let plan: ImportPlan;
  try {
    plan = convert(input.data, { directory, now });
  } catch (e) {
    // The converters name fields from the export's root; the request holds the export under `data`.
    if (e instanceof Invalid) {
      const fields = e.fields.map((f) => ({
        field: `/data${f.field === '/' ? '' : f.field}`,
        message: f.message,
      }));
      const first = fields[0];
      throw new Invalid('invalid_import', first ? `${first.field}: ${first.message}` : e.message, fields);
    }
    throw e;
  }
  const groups = new Map<string, number>();
  for (const g of await listGroups(ctx, actor)) groups.set(g.name.trim().toLowerCase(), g.id);
  const { drafts, notes } = draftPolicies(plan, (ref) => groups.get(ref.trim().toLowerCase()) ?? null);
  plan.notCarried.push(...notes);
  const comparisons = compareWithOriginals(plan, resolve, now, now + comparisonWeeks * weekMs);
  const applied = input.dryRun ? null : await applyPlan(ctx, actor, plan, drafts);
  return { plan, drafts, comparisons, applied };
}
