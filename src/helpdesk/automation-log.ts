// Reading what automation did: the rule log (each firing, newest first, by rule or ticket) merged with the
// firings of the SLA escalation engine (given by the edge: the SLA domain keeps them where it always has), and
// the dry run — which existing tickets a rule, saved or not, would match now (bounded scans, paginated).
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Forbidden, NotFound } from '../core/errors.js';
import { compileConditions } from './automation-conditions.js';
import { loadTicketFacts } from './automation-engine.js';
import { type AutomationRuleInput, cleanRuleInput } from './automation-rules.js';
import { levelName } from './levels.js';
import { canAutomation } from './policies.js';
import { decodeCursor, encodeCursor } from './ticket-cursors.js';
import { invalid } from './ticket-input.js';

/** One line of the rule log. */
export interface AutomationLogEntry {
  /** 'rule': an automation rule fired; 'sla': an SLA escalation level fired. */
  source: 'rule' | 'sla';
  id: number;
  ruleId: number | null;
  /** The rule's name, or the escalation's description. */
  rule: string;
  ticketId: number;
  trigger: string;
  summary: string;
  error: string | null;
  at: number;
}

/** The SLA engine's firings before a point of the log's order (newest first), as the edge reads them. */
export type EscalationFirings = (query: {
  /** Only rows strictly before (at, id) in (at desc, id desc) order; id null: every id at that `at`. */
  before: { at: number; id: number | null } | null;
  ticketId?: number;
  limit: number;
}) => Promise<AutomationLogEntry[]>;

export interface AutomationLogQuery {
  ruleId?: number;
  ticketId?: number;
  /** Leave out the SLA escalations (a rule's own log has none). */
  rulesOnly?: boolean;
  limit: number;
  cursor?: string;
}

function requireManage(actor: Actor): void {
  if (!canAutomation(actor, 'automation.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins read the rule log.');
}

// The merged order: at desc, then a sequence that is id*2+1 for rules and id*2 for SLA rows, so one cursor
// [at, seq] continues both lists.
const seqOf = (e: AutomationLogEntry) => e.id * 2 + (e.source === 'rule' ? 1 : 0);

/** The rule log, newest first, with the SLA escalations' firings unless filtered to a rule. */
export async function listAutomationLog(
  ctx: ServiceContext,
  actor: Actor,
  query: AutomationLogQuery,
  escalations: EscalationFirings | null,
): Promise<{ items: AutomationLogEntry[]; nextCursor: string | null }> {
  requireManage(actor);
  const limit = Math.max(1, Math.min(200, query.limit));
  let at: number | null = null;
  let seq = 0;
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor);
    if (!c.k) throw invalid('/cursor', 'not a cursor of this list', 'invalid_cursor');
    [at, seq] = c.k;
  }
  let q = ctx.db.selectFrom('automation_firings').selectAll();
  if (query.ruleId !== undefined) q = q.where('rule_id', '=', query.ruleId);
  if (query.ticketId !== undefined) q = q.where('ticket_id', '=', query.ticketId);
  if (at !== null) {
    const cAt = at;
    // rule rows: (at, 2id+1) < (cAt, seq)  ⇔  at < cAt, or at = cAt and id < ceil((seq-1)/2)
    const maxId = Math.ceil((seq - 1) / 2);
    q = q.where((eb) => eb.or([eb('at', '<', cAt), eb.and([eb('at', '=', cAt), eb('id', '<', maxId)])]));
  }
  const rules = (
    await q
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
  ).map(
    (r): AutomationLogEntry => ({
      source: 'rule',
      id: r.id,
      ruleId: r.rule_id,
      rule: r.rule_name,
      ticketId: r.ticket_id,
      trigger: r.trigger,
      summary: r.summary,
      error: r.error,
      at: Number(r.at),
    }),
  );
  const sla =
    escalations && query.ruleId === undefined && !query.rulesOnly
      ? await escalations({
          // SLA rows: (at, 2id) < (cAt, seq)  ⇔  at < cAt, or at = cAt and id < ceil(seq/2)
          before: at === null ? null : { at, id: Math.ceil(seq / 2) },
          ...(query.ticketId !== undefined ? { ticketId: query.ticketId } : {}),
          limit: limit + 1,
        })
      : [];
  const merged = [...rules, ...sla].sort((a, b) => b.at - a.at || seqOf(b) - seqOf(a));
  const items = merged.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: merged.length > limit && last ? encodeCursor({ k: [last.at, seqOf(last)] }) : null,
  };
}

/** A match of the dry run: the ticket as a list shows it. */
export interface DryRunMatch {
  id: number;
  title: string;
  status: string;
  priority: string;
  updatedAt: number;
}

/** How many tickets one dry-run page looks at, at most (the cursor continues from there). */
export const dryRunScanLimit = 5_000;
const dryRunChunk = 500;

/**
 * Which existing tickets the conditions match now, newest first: a page of at most `limit` matches from at most
 * dryRunScanLimit tickets looked at; the cursor continues below the last ticket looked at. Event facts (the
 * changed fields, the comment) are absent: a condition on them sees nothing.
 */
export async function dryRunRule(
  ctx: ServiceContext,
  actor: Actor,
  rule: { id: number } | AutomationRuleInput,
  page: { limit: number; cursor?: string },
): Promise<{ items: DryRunMatch[]; scanned: number; nextCursor: string | null }> {
  requireManage(actor);
  let conditions: ReturnType<typeof cleanRuleInput>['conditions'];
  if ('id' in rule) {
    const row = await ctx.db
      .selectFrom('automation_rules')
      .select('conditions')
      .where('id', '=', rule.id)
      .executeTakeFirst();
    if (!row) throw new NotFound('automation_rule_not_found', `No automation rule ${rule.id}.`);
    conditions = JSON.parse(row.conditions);
  } else conditions = cleanRuleInput(rule).conditions;
  const matches = compileConditions(conditions);
  const limit = Math.max(1, Math.min(100, page.limit));
  let below: number | null = null;
  if (page.cursor !== undefined) {
    const c = decodeCursor(page.cursor);
    if (!c.k) throw invalid('/cursor', 'not a cursor of this list', 'invalid_cursor');
    below = c.k[0];
  }
  const reads = { tags: true, fields: true, groups: true };
  const items: DryRunMatch[] = [];
  let scanned = 0;
  let lastSeen: number | null = null;
  let exhausted = false;
  while (items.length < limit && scanned < dryRunScanLimit) {
    let q = ctx.db.selectFrom('tickets').select('id');
    if (below !== null) q = q.where('id', '<', below);
    const ids = (await q.orderBy('id', 'desc').limit(dryRunChunk).execute()).map((r) => r.id);
    if (ids.length === 0) {
      exhausted = true;
      break;
    }
    const facts = await loadTicketFacts(ctx.db, ids, reads);
    for (const id of ids) {
      scanned++;
      lastSeen = id;
      below = id;
      const t = facts.get(id);
      if (t && matches(t.facts)) {
        items.push({
          id,
          title: t.row.title,
          status: t.row.status,
          priority: levelName(t.row.priority),
          updatedAt: Number(t.row.updated_at),
        });
        if (items.length >= limit) break;
      }
    }
    if (ids.length < dryRunChunk && lastSeen === ids.at(-1)) exhausted = true;
  }
  return {
    items,
    scanned,
    nextCursor: !exhausted && lastSeen !== null ? encodeCursor({ k: [lastSeen, 0] }) : null,
  };
}
