// Automation rules as managers keep them: a trigger (a ticket event, or a quiet period), conditions
// (automation-conditions.ts), actions in order, a position in one ordered list, an active flag and "stop
// processing". Saved whole and checked on save (every reference, every template); held compiled in a shared
// cache keyed by its version, so the engine (automation-engine.ts) evaluates them without reading or parsing.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { defineCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { AutomationRulesTable, AutomationTrigger, Database, TicketStatus } from '../core/db/index.js';
import { DomainError, Forbidden, Invalid, NotFound } from '../core/errors.js';
import {
  type Conditions,
  cleanConditions,
  compileConditions,
  customFieldKey,
  fieldsRead,
  type Predicate,
} from './automation-conditions.js';
import { type LevelName, levelNames } from './levels.js';
import { parseTemplate, type TemplatePart } from './macro-placeholders.js';
import { canAutomation } from './policies.js';
import { cleanTags } from './ticket-input.js';
import { ticketStatuses } from './ticket-states.js';

type Db = Kysely<Database> | Transaction<Database>;

export const automationTriggers: readonly AutomationTrigger[] = [
  'created',
  'updated',
  'commented',
  'sla_warning',
  'idle',
];

/** Whom a notification goes to: the requester, the assignee, the members of the ticket's group, or one user. */
export type NotifyWho = 'requester' | 'assignee' | 'group' | 'user';

/** One action of a rule, taken in order when it fires. Texts are templates with macro placeholders. */
export type RuleAction =
  | { type: 'set_status'; status: TicketStatus }
  | { type: 'set_priority'; priority: LevelName }
  | { type: 'set_group'; groupId: number }
  | { type: 'assign'; assigneeId: number | null }
  | { type: 'set_field'; key: string; value: string | number | string[] | number[] | null }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'remove_tags'; tags: string[] }
  | { type: 'reply'; body: string; internal: boolean }
  | { type: 'notify'; to: NotifyWho; userId?: number; subject: string; body: string }
  | { type: 'webhook'; webhookId: number };

export const ruleActionTypes = [
  'set_status',
  'set_priority',
  'set_group',
  'assign',
  'set_field',
  'add_tags',
  'remove_tags',
  'reply',
  'notify',
  'webhook',
] as const satisfies readonly RuleAction['type'][];

export interface AutomationRule {
  id: number;
  name: string;
  trigger: AutomationTrigger;
  /** The quiet period of an 'idle' rule (minutes without an update); null otherwise. */
  idleMinutes: number | null;
  conditions: Conditions;
  actions: RuleAction[];
  position: number;
  active: boolean;
  stopProcessing: boolean;
  /** Whose name its replies and changes carry: whoever saved it last. */
  actorId: number;
  createdAt: number;
  updatedAt: number;
}

export interface AutomationRuleInput {
  name: string;
  trigger: AutomationTrigger;
  idleMinutes?: number | null;
  conditions?: unknown;
  actions: unknown;
  active?: boolean;
  stopProcessing?: boolean;
}

export const automationLimits = {
  name: 120,
  actions: 20,
  text: 5_000,
  subject: 200,
  /** A quiet period of at most 90 days. */
  idleMinutes: 90 * 24 * 60,
  rules: 1_000,
} as const;

function refuse(field: string, message: string): never {
  throw new Invalid('invalid_automation_rule', `${field.slice(1)}: ${message}`, [{ field, message }]);
}

const positiveId = (v: unknown, at: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2_147_483_647)
    refuse(at, 'must be an id');
  return v;
};

const text = (v: unknown, at: string, max: number): string => {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max)
    refuse(at, `must be 1–${max} characters`);
  return v;
};

/** Check a template's placeholders (the same as macros'); refused as invalid_automation_rule. */
function template(v: unknown, at: string, max: number): string {
  const body = text(v, at, max);
  try {
    parseTemplate(body, at);
  } catch (err) {
    if (err instanceof DomainError) refuse(at, err.fields[0]?.message ?? err.message);
    throw err;
  }
  return body;
}

/** Check the shape of one action (references are checked against the database by checkReferences). */
function cleanAction(raw: unknown, at: string): RuleAction {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) refuse(at, 'must be an action object');
  const a = raw as Record<string, unknown>;
  switch (a.type) {
    case 'set_status':
      if (!ticketStatuses.includes(a.status as TicketStatus))
        refuse(`${at}/status`, `must be one of ${ticketStatuses.join(', ')}`);
      return { type: 'set_status', status: a.status as TicketStatus };
    case 'set_priority':
      if (!levelNames.includes(a.priority as LevelName))
        refuse(`${at}/priority`, `must be one of ${levelNames.join(', ')}`);
      return { type: 'set_priority', priority: a.priority as LevelName };
    case 'set_group':
      return { type: 'set_group', groupId: positiveId(a.groupId, `${at}/groupId`) };
    case 'assign':
      return {
        type: 'assign',
        assigneeId: a.assigneeId === null ? null : positiveId(a.assigneeId, `${at}/assigneeId`),
      };
    case 'set_field': {
      if (typeof a.key !== 'string' || customFieldKey(`field.${a.key}`) === null)
        refuse(`${at}/key`, 'must be a custom field key');
      const v = a.value;
      const scalar = (x: unknown) =>
        (typeof x === 'string' && x.length <= automationLimits.text) ||
        (typeof x === 'number' && Number.isFinite(x));
      if (!(v === null || scalar(v) || (Array.isArray(v) && v.length <= 50 && v.every(scalar))))
        refuse(`${at}/value`, 'must be text, a number, a list of them, or null');
      return {
        type: 'set_field',
        key: a.key,
        value: v as Extract<RuleAction, { type: 'set_field' }>['value'],
      };
    }
    case 'add_tags':
    case 'remove_tags': {
      if (!Array.isArray(a.tags) || a.tags.length === 0 || !a.tags.every((t) => typeof t === 'string'))
        refuse(`${at}/tags`, 'must be a list of tags');
      let tags: string[];
      try {
        tags = cleanTags(a.tags as string[]);
      } catch (err) {
        if (err instanceof DomainError) refuse(`${at}/tags`, err.fields[0]?.message ?? err.message);
        throw err;
      }
      if (tags.length === 0) refuse(`${at}/tags`, 'must name a tag');
      return { type: a.type, tags };
    }
    case 'reply':
      if (typeof a.internal !== 'boolean')
        refuse(`${at}/internal`, 'must be true (a note) or false (a reply)');
      return {
        type: 'reply',
        body: template(a.body, `${at}/body`, automationLimits.text),
        internal: a.internal,
      };
    case 'notify': {
      const to = a.to as NotifyWho;
      if (!['requester', 'assignee', 'group', 'user'].includes(to))
        refuse(`${at}/to`, 'must be requester, assignee, group or user');
      return {
        type: 'notify',
        to,
        ...(to === 'user' ? { userId: positiveId(a.userId, `${at}/userId`) } : {}),
        subject: template(a.subject, `${at}/subject`, automationLimits.subject),
        body: template(a.body, `${at}/body`, automationLimits.text),
      };
    }
    case 'webhook':
      return { type: 'webhook', webhookId: positiveId(a.webhookId, `${at}/webhookId`) };
    default:
      return refuse(`${at}/type`, `must be one of ${ruleActionTypes.join(', ')}`);
  }
}

/** What a rule is made of, checked and normalised, before its references are looked up. */
export function cleanRuleInput(
  input: AutomationRuleInput,
): Omit<AutomationRule, 'id' | 'position' | 'actorId' | 'createdAt' | 'updatedAt'> {
  const name = text(input.name, '/name', automationLimits.name).trim();
  if (!automationTriggers.includes(input.trigger))
    refuse('/trigger', `must be one of ${automationTriggers.join(', ')}`);
  let idleMinutes: number | null = null;
  if (input.trigger === 'idle') {
    const m = input.idleMinutes;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > automationLimits.idleMinutes)
      refuse('/idleMinutes', `an idle rule needs 1–${automationLimits.idleMinutes} minutes`);
    idleMinutes = m;
  }
  const conditions = cleanConditions(input.conditions ?? { all: [], any: [] });
  if (
    !Array.isArray(input.actions) ||
    input.actions.length === 0 ||
    input.actions.length > automationLimits.actions
  )
    refuse('/actions', `must be a list of 1–${automationLimits.actions} actions`);
  const actions = input.actions.map((a, i) => cleanAction(a, `/actions/${i}`));
  return {
    name,
    trigger: input.trigger,
    idleMinutes,
    conditions,
    actions,
    active: input.active ?? true,
    stopProcessing: input.stopProcessing ?? false,
  };
}

/** The groups, users, custom fields and webhooks a rule names must exist. */
async function checkReferences(trx: Db, conditions: Conditions, actions: RuleAction[]): Promise<void> {
  const keys = new Set<string>();
  for (const f of fieldsRead(conditions)) {
    const k = customFieldKey(f);
    if (k !== null) keys.add(k);
  }
  for (const a of actions) if (a.type === 'set_field') keys.add(a.key);
  if (keys.size > 0) {
    const found = new Set(
      (
        await trx
          .selectFrom('custom_fields')
          .select('key')
          .where('key', 'in', [...keys])
          .execute()
      ).map((r) => r.key),
    );
    for (const k of keys) if (!found.has(k)) refuse('/conditions', `no custom field "${k}"`);
  }
  for (const [i, a] of actions.entries()) {
    const at = `/actions/${i}`;
    if (a.type === 'set_group') {
      const g = await trx.selectFrom('groups').select('id').where('id', '=', a.groupId).executeTakeFirst();
      if (!g) refuse(`${at}/groupId`, `no group ${a.groupId}`);
    } else if ((a.type === 'assign' && a.assigneeId !== null) || (a.type === 'notify' && a.to === 'user')) {
      const id = a.type === 'assign' ? (a.assigneeId as number) : (a.userId as number);
      const u = await trx
        .selectFrom('users')
        .select(['role', 'active'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (u?.active !== 1 || (a.type === 'assign' && u.role === 'requester'))
        refuse(`${at}/${a.type === 'assign' ? 'assigneeId' : 'userId'}`, `user ${id} cannot be named here`);
    } else if (a.type === 'webhook') {
      // The webhook's address passed the SSRF guard when it was saved (notify/webhooks.ts) and is checked
      // again at each delivery; a rule only names it.
      const w = await trx
        .selectFrom('webhooks')
        .select('id')
        .where('id', '=', a.webhookId)
        .executeTakeFirst();
      if (!w) refuse(`${at}/webhookId`, `no webhook ${a.webhookId}`);
    }
  }
}

type RuleRow = Selectable<AutomationRulesTable>;

export function ruleOf(r: RuleRow): AutomationRule {
  return {
    id: r.id,
    name: r.name,
    trigger: r.trigger,
    idleMinutes: r.idle_minutes,
    conditions: JSON.parse(r.conditions),
    actions: JSON.parse(r.actions),
    position: r.position,
    active: r.active === 1,
    stopProcessing: r.stop_processing === 1,
    actorId: r.actor_id,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** The facts a ticket.created event carries (its TicketEventView), so rules on them need no read. */
export const createdEventFields: ReadonlySet<string> = new Set([
  'ticket.title',
  'ticket.type',
  'ticket.status',
  'ticket.priority',
  'ticket.groupId',
  'ticket.assigneeId',
  'ticket.categoryId',
]);

/** A rule ready to evaluate: its predicate built once, its templates parsed once. */
export interface CompiledRule {
  rule: AutomationRule;
  matches: Predicate;
  /**
   * Its `all` conditions on the fields a ticket.created event carries (title, type, status, priority, group,
   * assignee, category): false means it cannot match, and the engine reads nothing for it.
   */
  mayMatchNew: Predicate;
  /** The templates of its reply and notify actions, parsed, by action index. */
  templates: Map<number, { subject?: TemplatePart[]; body: TemplatePart[] }>;
}

export interface CompiledRules {
  /** Active rules by trigger, in order. */
  byTrigger: ReadonlyMap<AutomationTrigger, readonly CompiledRule[]>;
  /** Which fact groups any active rule reads (the engine loads only those). */
  reads: { tags: boolean; fields: boolean; groups: boolean };
}

export function compileRule(rule: AutomationRule): CompiledRule {
  const templates = new Map<number, { subject?: TemplatePart[]; body: TemplatePart[] }>();
  rule.actions.forEach((a, i) => {
    if (a.type === 'reply') templates.set(i, { body: parseTemplate(a.body) });
    if (a.type === 'notify')
      templates.set(i, { subject: parseTemplate(a.subject), body: parseTemplate(a.body) });
  });
  const carried = rule.conditions.all.filter((c) => createdEventFields.has(c.field));
  return {
    rule,
    matches: compileConditions(rule.conditions),
    mayMatchNew: compileConditions({ all: carried, any: [] }),
    templates,
  };
}

export function compileRules(rules: readonly AutomationRule[]): CompiledRules {
  const byTrigger = new Map<AutomationTrigger, CompiledRule[]>();
  const reads = { tags: false, fields: false, groups: false };
  for (const rule of rules) {
    if (!rule.active) continue;
    const list = byTrigger.get(rule.trigger) ?? [];
    list.push(compileRule(rule));
    byTrigger.set(rule.trigger, list);
    for (const f of fieldsRead(rule.conditions)) {
      if (f === 'ticket.tags') reads.tags = true;
      else if (f === 'requester.groupIds') reads.groups = true;
      else if (customFieldKey(f) !== null) reads.fields = true;
    }
  }
  return { byTrigger, reads };
}

async function readRules(db: Db): Promise<AutomationRule[]> {
  const rows = await db
    .selectFrom('automation_rules')
    .selectAll()
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(ruleOf);
}

/**
 * The active rules compiled, read by the engine on every ticket event: kept in memory, in step across
 * instances. Invalidation: every write of automation_rules bumps the version in its transaction; other
 * instances reload within a second.
 */
const automationRulesCache = defineCache('automation_rules', async (db) => compileRules(await readRules(db)));

export function compiledRules(ctx: Pick<ServiceContext, 'caches'>, db: Db): Promise<CompiledRules> {
  return ctx.caches.get(automationRulesCache).get(db);
}

function requireManage(actor: Actor): void {
  if (!canAutomation(actor, 'automation.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins keep automation rules.');
}

async function loadRule(db: Db, id: number): Promise<AutomationRule> {
  const row = await db.selectFrom('automation_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('automation_rule_not_found', `No automation rule ${id}.`);
  return ruleOf(row);
}

export async function listAutomationRules(ctx: ServiceContext, actor: Actor): Promise<AutomationRule[]> {
  requireManage(actor);
  return readRules(ctx.db);
}

export async function getAutomationRule(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<AutomationRule> {
  requireManage(actor);
  return loadRule(ctx.db, id);
}

function rowValues(clean: ReturnType<typeof cleanRuleInput>) {
  return {
    name: clean.name,
    trigger: clean.trigger,
    idle_minutes: clean.idleMinutes,
    conditions: JSON.stringify(clean.conditions),
    actions: JSON.stringify(clean.actions),
    active: clean.active ? 1 : 0,
    stop_processing: clean.stopProcessing ? 1 : 0,
  };
}

/** A new rule, last in the order. */
export async function createAutomationRule(
  ctx: ServiceContext,
  actor: Actor,
  input: AutomationRuleInput,
): Promise<AutomationRule> {
  requireManage(actor);
  const clean = cleanRuleInput(input);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    await checkReferences(trx, clean.conditions, clean.actions);
    const last = await trx
      .selectFrom('automation_rules')
      .select((eb) => [eb.fn.max('position').as('top'), eb.fn.countAll<number>().as('n')])
      .executeTakeFirstOrThrow();
    if (Number(last.n) >= automationLimits.rules)
      refuse('/name', `at most ${automationLimits.rules} rules; delete unused ones first`);
    const row = await trx
      .insertInto('automation_rules')
      .values({
        ...rowValues(clean),
        position: Number(last.top ?? 0) + 1,
        actor_id: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'automation_rule.create',
      subjectType: 'automation_rule',
      subjectId: row.id,
      details: { name: clean.name, trigger: clean.trigger },
    });
    await ctx.caches.get(automationRulesCache).invalidate(trx);
    return ruleOf(row);
  });
}

/** Replace a rule's definition (it keeps its place); its author becomes whoever saved it. */
export async function updateAutomationRule(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: AutomationRuleInput,
): Promise<AutomationRule> {
  requireManage(actor);
  const clean = cleanRuleInput(input);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const before = await loadRule(trx, id);
    await checkReferences(trx, clean.conditions, clean.actions);
    await trx
      .updateTable('automation_rules')
      .set({ ...rowValues(clean), actor_id: actor.id, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'automation_rule.update',
      subjectType: 'automation_rule',
      subjectId: id,
      details: { name: clean.name, before: { name: before.name, active: before.active } },
    });
    await ctx.caches.get(automationRulesCache).invalidate(trx);
    return loadRule(trx, id);
  });
}

export async function deleteAutomationRule(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireManage(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await loadRule(trx, id);
    await trx.deleteFrom('automation_rules').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'automation_rule.delete',
      subjectType: 'automation_rule',
      subjectId: id,
      details: { name: before.name },
    });
    await ctx.caches.get(automationRulesCache).invalidate(trx);
  });
}

/** Put the rules in this order: every rule's id once. */
export async function orderAutomationRules(
  ctx: ServiceContext,
  actor: Actor,
  ids: number[],
): Promise<AutomationRule[]> {
  requireManage(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const existing = (await trx.selectFrom('automation_rules').select('id').execute()).map((r) => r.id);
    const given = new Set(ids);
    if (given.size !== ids.length || ids.length !== existing.length || !existing.every((id) => given.has(id)))
      refuse('/ids', 'must list every rule exactly once');
    for (const [i, id] of ids.entries())
      await trx
        .updateTable('automation_rules')
        .set({ position: i + 1 })
        .where('id', '=', id)
        .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'automation_rule.order',
      subjectType: 'automation_rule',
      subjectId: 'order',
      details: { ids },
    });
    await ctx.caches.get(automationRulesCache).invalidate(trx);
    return readRules(trx);
  });
}
