// The automation engine: a subscriber on ticket.created/updated/commented/sla_warning (in the outbox relay's
// transaction, batched per relay pass: the facts of all the pass's tickets are read in a few queries) and a
// periodic job for quiet periods. Rules run in their order on the ticket as it is now; each firing is one row
// of automation_firings, unique per (rule, event) — a redelivered event fires nothing twice — one history entry
// naming the rule and what it did, and one `ticket.rule_fired` event. Loop protection: a rule's changes and
// replies carry its origin on their events, and rules never fire on such events, so a chain stops after one pass.
import { sql, type Transaction } from 'kysely';
import { type Actor, actorForUser } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { AutomationTrigger, Database, TicketRow } from '../core/db/index.js';
import { DomainError } from '../core/errors.js';
import type { EventType, StoredEvent } from '../core/events.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import { type MailPayload, type NewDelivery, queueDeliveries } from '../notify/index.js';
import { type Facts, type FactValue, foldFact } from './automation-conditions.js';
import { type CompiledRule, type CompiledRules, compiledRules, type RuleAction } from './automation-rules.js';
import { writeCommentIn } from './comments.js';
import { recordTicketChange } from './history.js';
import { levelNames, parseLevel } from './levels.js';
import { placeholderValues } from './macro-apply.js';
import { renderTemplate, type TemplatePart } from './macro-placeholders.js';
import { getPriorityMatrix } from './priority-matrix.js';
import type { UpdateTicketInput } from './ticket-change-plan.js';
import { changeTicketIn } from './ticket-changes.js';
import type { AutomationOrigin } from './ticket-events.js';
import { readTicketFields } from './ticket-fields.js';
import { rememberSearchWords } from './ticket-search.js';
import { openStatuses } from './ticket-states.js';

type Trx = Transaction<Database>;

/** The events rules fire on, and the trigger each is. */
const triggerOf: Partial<Record<EventType, AutomationTrigger>> = {
  'ticket.created': 'created',
  'ticket.updated': 'updated',
  'ticket.commented': 'commented',
  'ticket.sla_warning': 'sla_warning',
};
export const automationEvents = Object.keys(triggerOf) as EventType[];

/** Caused by a rule's action: rules do not fire on it (loop protection). */
function fromRule(event: StoredEvent): boolean {
  return (event.payload as { origin?: AutomationOrigin }).origin !== undefined;
}

/** A ticket as rules see it: its row and facts. */
export interface TicketFacts {
  row: TicketRow;
  facts: Record<string, FactValue>;
}

/**
 * The facts of these tickets (the ticket's fields, its custom fields, its requester's attributes), in a few
 * queries for them all; tags, custom fields and the requester's groups only when some rule reads them.
 */
export async function loadTicketFacts(
  db: Trx | ServiceContext['db'],
  ids: readonly number[],
  reads: CompiledRules['reads'],
): Promise<Map<number, TicketFacts>> {
  const out = new Map<number, TicketFacts>();
  if (ids.length === 0) return out;
  // One read for the tickets, their requesters and (when a rule reads them) their tags: string_agg is in
  // both dialects (SQLite since 3.44), and a tag never holds a comma (cleanTags).
  const rows = await db
    .selectFrom('tickets as t')
    .innerJoin('users as u', 'u.id', 't.requester_id')
    .selectAll('t')
    .select(['u.email as r_email', 'u.role as r_role', 'u.department as r_department', 'u.vip as r_vip'])
    .select(
      reads.tags
        ? sql<string | null>`(select string_agg(g.tag, ',') from ticket_tags g where g.ticket_id = t.id)`.as(
            'r_tags',
          )
        : sql<string | null>`null`.as('r_tags'),
    )
    .where('t.id', 'in', [...ids])
    .execute();
  const fields = reads.fields ? await readTicketFields(db, [...ids]) : new Map();
  const groups = new Map<number, number[]>();
  if (reads.groups && rows.length > 0) {
    const requesters = [...new Set(rows.map((r) => r.requester_id))];
    for (const m of await db
      .selectFrom('group_members')
      .select(['user_id', 'group_id'])
      .where('user_id', 'in', requesters)
      .execute()) {
      const list = groups.get(m.user_id) ?? [];
      list.push(m.group_id);
      groups.set(m.user_id, list);
    }
  }
  for (const r of rows) {
    const { r_email, r_role, r_department, r_vip, r_tags, ...row } = r;
    const facts: Record<string, FactValue> = {
      'ticket.title': row.title,
      'ticket.description': row.description,
      'ticket.type': row.type,
      'ticket.status': row.status,
      'ticket.priority': row.priority,
      'ticket.impact': row.impact,
      'ticket.urgency': row.urgency,
      'ticket.categoryId': row.category_id,
      'ticket.groupId': row.group_id,
      'ticket.assigneeId': row.assignee_id,
      'ticket.requestTypeId': row.request_type_id ?? null,
      'ticket.tags': r_tags ? r_tags.split(',') : [],
      'requester.email': r_email,
      'requester.domain': r_email.slice(r_email.lastIndexOf('@') + 1),
      'requester.role': r_role,
      'requester.department': r_department,
      'requester.vip': r_vip === 1,
      'requester.groupIds': groups.get(row.requester_id) ?? [],
    };
    const custom = fields.get(row.id) as Record<string, FactValue> | undefined;
    if (custom) for (const [k, v] of Object.entries(custom)) facts[`field.${k}`] = v;
    for (const k in facts) facts[k] = foldFact(facts[k] as FactValue);
    out.set(row.id, { row: row as TicketRow, facts });
  }
  return out;
}

/** The facts a ticket.created event carries, as loadTicketFacts would give them. */
function createdFacts(t: StoredEvent<'ticket.created'>['payload']['ticket']): Facts {
  return {
    'ticket.title': foldFact(t.title),
    'ticket.type': foldFact(t.type),
    'ticket.status': foldFact(t.status),
    'ticket.priority': levelNames.indexOf(t.priority) + 1,
    'ticket.groupId': t.groupId,
    'ticket.assigneeId': t.assigneeId,
    'ticket.categoryId': t.categoryId,
  };
}

/** What the event itself adds: the changed fields, the comment, the SLA target. */
async function eventFacts(trx: Trx, event: StoredEvent): Promise<Facts> {
  switch (event.type) {
    case 'ticket.updated':
      return { 'event.changed': foldFact(event.payload.changes.map((c) => c.field)) };
    case 'ticket.commented': {
      const c = await trx
        .selectFrom('comments')
        .select('body')
        .where('id', '=', event.payload.commentId)
        .executeTakeFirst();
      return { 'comment.body': foldFact(c?.body ?? null), 'comment.internal': event.payload.internal };
    }
    case 'ticket.sla_warning':
      return { 'sla.target': foldFact(event.payload.target) };
    default:
      return {};
  }
}

const noArticles = async () => new Map<number, { title: string; url: string }>();

/** The actors rules act as (their authors), read once per pass. */
class RuleActors {
  private readonly known = new Map<number, Actor | null>();
  constructor(private readonly trx: Trx) {}
  async get(id: number): Promise<Actor | null> {
    if (this.known.has(id)) return this.known.get(id) ?? null;
    const u = await this.trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role', 'active'])
      .where('id', '=', id)
      .executeTakeFirst();
    const groupIds = (
      await this.trx.selectFrom('group_members').select('group_id').where('user_id', '=', id).execute()
    ).map((g) => g.group_id);
    const actor = u && u.active === 1 ? actorForUser({ ...u, groupIds }) : null;
    this.known.set(id, actor);
    return actor;
  }
}

interface FireContext {
  ctx: ServiceContext;
  trx: Trx;
  actors: RuleActors;
  now: number;
}

/** What one action did, in the history's words. */
function describeAction(a: RuleAction): string {
  switch (a.type) {
    case 'set_status':
      return `set status ${a.status}`;
    case 'set_priority':
      return `set priority ${a.priority.replace('_', ' ')}`;
    case 'set_group':
      return `set group ${a.groupId}`;
    case 'assign':
      return a.assigneeId === null ? 'unassigned' : `assigned user ${a.assigneeId}`;
    case 'set_field':
      return `set ${a.key} to ${JSON.stringify(a.value)}`;
    case 'add_tags':
      return `added tags ${a.tags.join(', ')}`;
    case 'remove_tags':
      return `removed tags ${a.tags.join(', ')}`;
    case 'reply':
      return a.internal ? 'added an internal note' : 'sent a reply';
    case 'notify':
      return `notified ${a.to === 'user' ? `user ${a.userId}` : a.to}`;
    case 'webhook':
      return `called webhook ${a.webhookId}`;
  }
}

/**
 * Fire one rule on one ticket for one event key: the firing row first (a second firing for the same key
 * writes nothing and does nothing), then its actions in a savepoint — a refused action (a transition the
 * state does not allow, a closed ticket) undoes the rule's actions and is kept as the firing's error — then
 * the history entry and the `ticket.rule_fired` event (which the rule's webhooks carry).
 */
async function fireRule(
  f: FireContext,
  compiled: CompiledRule,
  ticket: TicketRow,
  eventKey: string,
): Promise<boolean> {
  const { ctx, trx, now } = f;
  const { rule } = compiled;
  const inserted = await trx
    .insertInto('automation_firings')
    .values({
      rule_id: rule.id,
      rule_name: rule.name,
      ticket_id: ticket.id,
      event_key: eventKey,
      trigger: rule.trigger,
      summary: '',
      error: null,
      at: now,
    })
    .onConflict((oc) => oc.columns(['rule_id', 'event_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  const firingId = inserted.id;
  const origin: AutomationOrigin = { ruleId: rule.id, rule: rule.name };
  const summary = rule.actions.map(describeAction).join('; ');
  let error: string | null = null;
  const webhooks: number[] = [];
  const actor = await f.actors.get(rule.actorId);
  if (!actor) error = `the rule's author (user ${rule.actorId}) is no longer active; save the rule again`;
  else {
    await sql`savepoint automation_actions`.execute(trx);
    try {
      webhooks.push(...(await takeActions(f, compiled, ticket, actor, origin, firingId)));
      await sql`release savepoint automation_actions`.execute(trx);
    } catch (err) {
      await sql`rollback to savepoint automation_actions`.execute(trx);
      // A rule the ticket refuses (a domain rule) is kept as the firing's error; anything else is a fault.
      if (!(err instanceof DomainError)) throw err;
      error = `${err.code}: ${err.message}`;
      webhooks.length = 0;
    }
  }
  const said = error === null ? summary : `did nothing (${error})`;
  await trx.updateTable('automation_firings').set({ summary, error }).where('id', '=', firingId).execute();
  await recordTicketChange(trx, ticket.id, null, now, [
    { field: 'automation', from: null, to: `rule '${rule.name}' ${said}`, visibility: 'internal' },
  ]);
  const [eventId] = await ctx.events.record(trx, [
    {
      type: 'ticket.rule_fired',
      subjectType: 'ticket',
      subjectId: ticket.id,
      actorId: null,
      payload: { ruleId: rule.id, rule: rule.name, trigger: rule.trigger, summary: said },
    },
  ]);
  if (webhooks.length > 0 && eventId !== undefined) {
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'url', 'format', 'active'])
      .where('id', 'in', webhooks)
      .execute();
    // The key is the fan-out's (endpoint:event): a webhook that also subscribes to ticket.rule_fired gets it once.
    await queueDeliveries(
      trx,
      now,
      hooks.map((h) => ({
        channel: h.format === 'chat' ? 'chat' : 'webhook',
        endpointId: h.id,
        eventId,
        ticketId: ticket.id,
        target: h.url,
        kind: 'ticket.rule_fired',
        payload: {},
        idempotencyKey: `${h.id}:${eventId}`,
        disabledBecause: h.active === 1 ? null : 'the webhook is inactive',
      })),
    );
  }
  return true;
}

/** The actions, in order: replies and notes, then the field changes as one change, then notifications. */
async function takeActions(
  f: FireContext,
  compiled: CompiledRule,
  ticket: TicketRow,
  actor: Actor,
  origin: AutomationOrigin,
  firingId: number,
): Promise<number[]> {
  const { ctx, trx, now } = f;
  const render = async (parts: TemplatePart[], readership: 'requester' | 'staff', row: TicketRow) =>
    renderTemplate(parts, await placeholderValues(ctx, trx, row, actor, readership, parts, noArticles));
  const input: UpdateTicketInput = {};
  let tags: string[] | null = null;
  const webhooks: number[] = [];
  for (const [i, a] of compiled.rule.actions.entries()) {
    switch (a.type) {
      case 'reply': {
        const parts = compiled.templates.get(i)?.body ?? [];
        const body = await render(parts, a.internal ? 'staff' : 'requester', ticket);
        const written = await writeCommentIn(
          ctx,
          trx,
          actor,
          ticket.id,
          { body, internal: a.internal },
          now,
          origin,
        );
        rememberSearchWords(written.indexed);
        break;
      }
      case 'set_status':
        input.status = a.status;
        break;
      case 'set_priority':
        input.priority = parseLevel(a.priority);
        break;
      case 'set_group':
        input.groupId = a.groupId;
        break;
      case 'assign':
        input.assigneeId = a.assigneeId;
        break;
      case 'set_field':
        input.fields = { ...input.fields, [a.key]: a.value };
        break;
      case 'add_tags':
      case 'remove_tags': {
        tags ??= (
          await trx
            .selectFrom('ticket_tags')
            .select('tag')
            .where('ticket_id', '=', ticket.id)
            .orderBy('tag')
            .execute()
        ).map((t) => t.tag);
        const named = new Set(a.tags);
        tags = a.type === 'add_tags' ? [...new Set([...tags, ...a.tags])] : tags.filter((t) => !named.has(t));
        break;
      }
      case 'webhook':
        webhooks.push(a.webhookId);
        break;
      case 'notify':
        break;
    }
  }
  if (tags !== null) input.tags = tags;
  if (Object.keys(input).length > 0) {
    const matrix = await getPriorityMatrix(ctx);
    const changed = await changeTicketIn(ctx, trx, actor, ticket.id, input, { matrix, now, origin });
    rememberSearchWords(changed.indexed);
  }
  const notices = compiled.rule.actions.flatMap((a, i) => (a.type === 'notify' ? [{ a, i }] : []));
  if (notices.length > 0) {
    const row = await trx
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', ticket.id)
      .executeTakeFirstOrThrow();
    const deliveries: NewDelivery[] = [];
    for (const { a, i } of notices) {
      const t = compiled.templates.get(i);
      const people = await recipients(trx, row, a);
      for (const p of people) {
        const readership = p.role === 'requester' ? 'requester' : 'staff';
        const subject = await render(t?.subject ?? [], readership, row);
        const text = await render(t?.body ?? [], readership, row);
        const mail: MailPayload = {
          subject: `[#${row.id}] ${subject}`,
          text,
          html: `<p>${escapeHtml(text).replaceAll('\n', '<br>')}</p>`,
          messageId: `automation-${firingId}-${i}-${p.id}@${ctx.config.mailDomain}`,
          inReplyTo: null,
          references: null,
        };
        deliveries.push({
          channel: 'mail',
          eventId: null,
          ticketId: row.id,
          userId: p.id,
          target: p.email,
          kind: 'automation',
          payload: mail as unknown as Record<string, unknown>,
          idempotencyKey: `automation:${firingId}:${i}:${p.id}`,
          disabledBecause: ctx.config.smtpOutUrl ? null : 'outbound mail is disabled',
        });
      }
    }
    await queueDeliveries(trx, now, deliveries);
  }
  return webhooks;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function recipients(trx: Trx, row: TicketRow, a: RuleAction & { type: 'notify' }) {
  let ids: number[] = [];
  if (a.to === 'requester') ids = [row.requester_id];
  else if (a.to === 'assignee') ids = row.assignee_id === null ? [] : [row.assignee_id];
  else if (a.to === 'user' && a.userId !== undefined) ids = [a.userId];
  else if (a.to === 'group' && row.group_id !== null)
    ids = (
      await trx.selectFrom('group_members').select('user_id').where('group_id', '=', row.group_id).execute()
    ).map((m) => m.user_id);
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'email', 'role'])
    .where('id', 'in', ids)
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
}

/**
 * Run the rules of a trigger on one ticket, in order: each whose conditions hold fires; "stop processing"
 * ends the pass. After a firing the ticket's facts are read again, so later rules see what earlier ones did.
 */
async function runOnTicket(
  f: FireContext,
  rules: readonly CompiledRule[],
  all: CompiledRules,
  ticketId: number,
  extra: Facts,
  eventKey: string,
): Promise<void> {
  let current = (await loadTicketFacts(f.trx, [ticketId], all.reads)).get(ticketId);
  let merged = current && { ...current.facts, ...extra };
  for (const compiled of rules) {
    if (!current || !merged) return;
    if (!compiled.matches(merged)) continue;
    const fired = await fireRule(f, compiled, current.row, eventKey);
    if (fired) {
      current = (await loadTicketFacts(f.trx, [ticketId], all.reads)).get(ticketId);
      merged = current && { ...current.facts, ...extra };
    }
    if (compiled.rule.stopProcessing) return;
  }
}

/** One relay pass's events: the rules of each event's trigger on its ticket, in event order. */
export async function runRulesOnEvents(
  ctx: ServiceContext,
  trx: Trx,
  events: readonly StoredEvent[],
): Promise<void> {
  const all = await compiledRules(ctx, trx);
  const due = events.filter((e) => {
    const trigger = triggerOf[e.type];
    if (trigger === undefined || fromRule(e)) return false;
    const rules = all.byTrigger.get(trigger) ?? [];
    if (e.type !== 'ticket.created') return rules.length > 0;
    // A new ticket's event carries its own fields: rules whose conditions on them fail are out without a read.
    const carried = createdFacts(e.payload.ticket);
    return rules.some((r) => r.mayMatchNew(carried));
  });
  if (due.length === 0) return;
  const ids = [...new Set(due.map((e) => Number(e.subjectId)))];
  const facts = await loadTicketFacts(trx, ids, all.reads);
  const f: FireContext = { ctx, trx, actors: new RuleActors(trx), now: ctx.clock.now() };
  const touched = new Set<number>();
  for (const event of due) {
    const rules = all.byTrigger.get(triggerOf[event.type] as AutomationTrigger) ?? [];
    const ticketId = Number(event.subjectId);
    const extra = await eventFacts(trx, event);
    const key = `event:${event.id}`;
    // The common case — a ticket no rule has touched this pass, no rule matching — reads nothing more.
    const known = touched.has(ticketId) ? undefined : facts.get(ticketId);
    if (known) {
      const merged = { ...known.facts, ...extra };
      if (!rules.some((r) => r.matches(merged))) continue;
    }
    touched.add(ticketId);
    await runOnTicket(f, rules, all, ticketId, extra, key);
  }
}

/** Subscribe the engine to the relay: events gathered per pass, rules run at the end of the pass. */
export function subscribeAutomation(ctx: ServiceContext): void {
  const pending: StoredEvent[] = [];
  ctx.events.subscribe(
    'automation',
    automationEvents,
    (event) => {
      if (!fromRule(event)) pending.push(event);
    },
    {
      writes: false,
      endOfPass: async (trx) => {
        const batch = pending.splice(0);
        await runRulesOnEvents(ctx, trx, batch);
      },
    },
  );
}

/** How many quiet tickets one idle round fires on per rule, at most (the next round takes the rest). */
const idleBatch = 200;

/**
 * The quiet-period rules: each open ticket not updated for a rule's period fires it once per quiet period
 * (the key holds the ticket's updated_at: an update starts a new period). One instance at a time.
 */
export async function runIdleRules(ctx: ServiceContext): Promise<number> {
  const done = await runExclusively(ctx, 'automation-idle', async () => {
    const all = await compiledRules(ctx, ctx.db);
    const rules = all.byTrigger.get('idle') ?? [];
    if (rules.length === 0) return 0;
    const now = ctx.clock.now();
    let fired = 0;
    const candidates = new Set<number>();
    for (const compiled of rules) {
      const before = now - (compiled.rule.idleMinutes ?? 0) * 60_000;
      const rows = await ctx.db
        .selectFrom('tickets as t')
        .select('t.id')
        .where('t.status', 'in', [...openStatuses])
        .where('t.updated_at', '<=', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('automation_firings as a')
                .select('a.id')
                .where('a.rule_id', '=', compiled.rule.id)
                .whereRef('a.ticket_id', '=', 't.id')
                .where('a.event_key', '=', sql<string>`'idle:' || t.id || ':' || t.updated_at`),
            ),
          ),
        )
        .orderBy('t.id')
        .limit(idleBatch)
        .execute();
      for (const r of rows) candidates.add(r.id);
    }
    for (const ticketId of [...candidates].sort((a, b) => a - b)) {
      await ctx.db.transaction().execute(async (trx) => {
        const f: FireContext = { ctx, trx, actors: new RuleActors(trx), now };
        let current = (await loadTicketFacts(trx, [ticketId], all.reads)).get(ticketId);
        for (const compiled of rules) {
          if (!current || !openStatuses.includes(current.row.status)) return;
          const quietFor = now - Number(current.row.updated_at);
          if (quietFor < (compiled.rule.idleMinutes ?? 0) * 60_000) continue;
          if (!compiled.matches(current.facts)) continue;
          const key = `idle:${ticketId}:${Number(current.row.updated_at)}`;
          if (await fireRule(f, compiled, current.row, key)) {
            fired++;
            current = (await loadTicketFacts(trx, [ticketId], all.reads)).get(ticketId);
          }
          if (compiled.rule.stopProcessing) return;
        }
      });
    }
    return fired;
  });
  if (done.ran && done.value > 0) ctx.events.nudge();
  return done.ran ? done.value : 0;
}

/** How often quiet periods are looked for. */
export const idleRulesIntervalMs = 60_000;

/** What the serve command calls once: the subscriber and the quiet-period job. */
export function registerAutomation(ctx: ServiceContext, jobs: JobScheduler): void {
  subscribeAutomation(ctx);
  jobs.every('automation-idle', idleRulesIntervalMs, () => runIdleRules(ctx));
}
