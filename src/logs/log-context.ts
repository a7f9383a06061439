// Log context on a ticket or an incident: which hosts it concerns and what those hosts logged around it, pattern by
// pattern (from log_host_minutes), with a sentence a technician reads at a glance — "This error began 4 minutes
// before the first user report." The hosts come from what is known about the subject: an incident's alert labels
// (host, instance without its port, target → the target's name and address); a ticket's linked incidents, the
// monitoring targets its category shows on status pages, and host or target names written in its title or
// description. Staff only, and only on a ticket or incident the actor may see.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { NotFound } from '../core/errors.js';
import { getTicket } from '../helpdesk/index.js';
import { getIncident, listIncidents } from '../incidents/index.js';
import { listTargets } from '../monitoring/index.js';
import { type SeverityName, severityNames } from './log-model.js';
import { loadSurvivors, minuteMs } from './pattern-rates.js';
import { requireLogs } from './permissions.js';

export const logContextSettings = {
  /** The window opens this long before the ticket was filed or the incident opened. */
  beforeMs: 60 * minuteMs,
  /** …and closes at its resolution, now, or this long after it opened, whichever is first. */
  maxAfterMs: 24 * 60 * minuteMs,
  /** Patterns in one answer (errors first). */
  patterns: 50,
  /** Known log hosts looked for in a ticket's text (the most recently seen). */
  textHosts: 2000,
  /** Linked incidents of a ticket read for their hosts. */
  incidents: 20,
} as const;

/** Why a host is in the context. */
export type HostSource = 'alert' | 'incident' | 'category' | 'text';

export interface LogContextHost {
  /** As the logs name it (when it has logged), else as the subject names it. */
  host: string;
  via: HostSource[];
  /** Records of this host are in the log store. */
  logged: boolean;
}

export interface LogContextPattern {
  id: string;
  template: string;
  name: string | null;
  /** Records of the subject's hosts in the window, and those at severity error or worse. */
  count: number;
  errors: number;
  /** Minute starts (epoch ms) of its first and last records in the window. */
  firstMinute: number;
  lastMinute: number;
  /** The worst severity the pattern has logged (anywhere). */
  worstSeverity: SeverityName;
  hosts: string[];
  /** Whole minutes from its first minute in the window to the reference (negative: it began after). */
  minutesBeforeReference: number;
  sentence: string;
}

export interface LogContext {
  subject: { kind: 'ticket' | 'incident'; id: number };
  hosts: LogContextHost[];
  from: number;
  to: number;
  /** The first user report: the ticket's filing, or the incident's earliest ticket's; null when it has none. */
  firstReportAt: number | null;
  /** What the sentences measure from: the first report, else the incident's start. */
  reference: { at: number; kind: 'first_report' | 'incident_start' };
  patterns: LogContextPattern[];
}

/** The hosts a subject names, before they are matched against the logs: lower case name → why. */
type Candidates = Map<string, { name: string; via: Set<HostSource> }>;

function addCandidate(c: Candidates, name: string | null | undefined, via: HostSource): void {
  const trimmed = name?.trim();
  if (!trimmed) return;
  const key = trimmed.toLowerCase();
  const at = c.get(key) ?? { name: trimmed, via: new Set<HostSource>() };
  at.via.add(via);
  c.set(key, at);
}

/** A Prometheus instance is host:port ("[v6]:port" for IPv6): the host is what logs carry. */
export function hostOfInstance(instance: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (v6) return v6[1];
  const m = /^([^:]+):\d+$/.exec(instance);
  return m ? m[1] : instance;
}

/**
 * The labels host, instance and target of an incident's alerts: its group labels, and the alert lines of its
 * timeline (monitoring writes each alert as `name {label="value", …} …`, values JSON-quoted).
 */
export function incidentAlertLabels(
  details: Record<string, unknown>,
  timeline: readonly { kind: string; detail: string }[],
): { host: string[]; instance: string[]; target: string[] } {
  const out = { host: [] as string[], instance: [] as string[], target: [] as string[] };
  const take = (name: string, value: unknown) => {
    if (typeof value === 'string' && (name === 'host' || name === 'instance' || name === 'target'))
      out[name].push(value);
  };
  const groupLabels = details.groupLabels;
  if (groupLabels && typeof groupLabels === 'object')
    for (const [k, v] of Object.entries(groupLabels as Record<string, unknown>)) take(k, v);
  take('host', details.host);
  for (const e of timeline) {
    if (e.kind !== 'alert_firing' && e.kind !== 'alert_resolved') continue;
    const labels = /\{(.*?)\}/.exec(e.detail)?.[1] ?? '';
    for (const m of labels.matchAll(/(?:^|, )(host|instance|target)=("(?:[^"\\]|\\.)*")/g)) {
      try {
        take(m[1], JSON.parse(m[2]));
      } catch {
        // Not a label as monitoring writes it (an annotation's text that looks like one): not a host.
      }
    }
  }
  return out;
}

async function addTargets(ctx: ServiceContext, c: Candidates, names: string[], via: HostSource) {
  for (const name of new Set(names)) {
    addCandidate(c, name, via);
    const found = (await listTargets(ctx, { search: name, limit: 20 })).find(
      (t) => t.name.toLowerCase() === name.toLowerCase(),
    );
    if (found) addCandidate(c, found.address, via);
  }
}

async function incidentCandidates(
  ctx: ServiceContext,
  c: Candidates,
  incident: { details: Record<string, unknown>; timeline: { kind: string; detail: string }[] },
  via: HostSource,
) {
  const labels = incidentAlertLabels(incident.details, incident.timeline);
  for (const h of labels.host) addCandidate(c, h, via);
  for (const i of labels.instance) addCandidate(c, hostOfInstance(i), via);
  await addTargets(ctx, c, labels.target, via);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `name` is written in `text` as a word of its own (not part of a longer name). */
function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`, 'i').test(text);
}

/** Known log hosts and monitoring targets written in a ticket's title or description. */
async function textCandidates(ctx: ServiceContext, c: Candidates, text: string) {
  const known = await ctx.db
    .selectFrom('log_template_hosts')
    .select('host')
    .where('host', '!=', '')
    .groupBy('host')
    .orderBy((eb) => eb.fn.max('last_seen'), 'desc')
    .limit(logContextSettings.textHosts)
    .execute();
  for (const { host } of known) if (mentions(text, host)) addCandidate(c, host, 'text');
  // Targets by name or address; listTargets pages by id, so read them all in pages.
  const named: string[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await listTargets(ctx, { limit: 500, ...(afterId !== undefined ? { afterId } : {}) });
    for (const t of page.slice(0, 500))
      if (mentions(text, t.name) || (t.address && mentions(text, t.address))) named.push(t.name);
    if (page.length <= 500) break;
    afterId = page[499].id;
  }
  await addTargets(ctx, c, named, 'text');
}

/** The monitoring targets a ticket category's status-page components show (name and address of each). */
async function categoryCandidates(ctx: ServiceContext, c: Candidates, categoryId: number | null) {
  if (categoryId === null) return;
  // A read of monitoring's status-page table (reads across domains are tolerated; the face has no such lookup).
  const rows = await ctx.db
    .selectFrom('status_page_components as c')
    .innerJoin('monitoring_targets as t', 't.id', 'c.target_id')
    .select(['t.name', 't.address'])
    .where('c.category_id', '=', categoryId)
    .execute();
  for (const r of rows) {
    addCandidate(c, r.name, 'category');
    addCandidate(c, r.address, 'category');
  }
}

function duration(minutes: number): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return plural(minutes, 'minute');
  const rest = minutes % 60;
  return `${plural(Math.floor(minutes / 60), 'hour')}${rest ? ` ${plural(rest, 'minute')}` : ''}`;
}

/** "This error began 4 minutes before the first user report." (counted in whole minutes, minute to minute). */
export function contextSentence(
  p: { errors: number; firstMinute: number; ongoingBefore: boolean },
  reference: { at: number; kind: 'first_report' | 'incident_start' },
): { sentence: string; minutesBefore: number } {
  const noun = p.errors > 0 ? 'This error' : 'This pattern';
  const ref = reference.kind === 'first_report' ? 'the first user report' : 'the incident opened';
  const before = Math.round((Math.floor(reference.at / minuteMs) * minuteMs - p.firstMinute) / minuteMs);
  let sentence: string;
  if (p.ongoingBefore && before > 0)
    sentence = `${noun} was already logged ${duration(before)} before ${ref}, and earlier.`;
  else if (before > 0) sentence = `${noun} began ${duration(before)} before ${ref}.`;
  else if (before === 0) sentence = `${noun} began in the same minute as ${ref}.`;
  else sentence = `${noun} began ${duration(-before)} after ${ref}.`;
  return { sentence, minutesBefore: before };
}

async function buildContext(
  ctx: ServiceContext,
  subject: LogContext['subject'],
  candidates: Candidates,
  window: { anchor: number; end: number | null },
  reference: LogContext['reference'],
  firstReportAt: number | null,
): Promise<LogContext> {
  const from = Math.floor((window.anchor - logContextSettings.beforeMs) / minuteMs) * minuteMs;
  const to = Math.max(
    from + minuteMs,
    Math.min(window.end ?? ctx.clock.now(), window.anchor + logContextSettings.maxAfterMs),
  );
  // The hosts as the logs spell them (hosts are matched in any case).
  const keys = [...candidates.keys()];
  const logged =
    keys.length === 0
      ? []
      : await ctx.db
          .selectFrom('log_template_hosts')
          .select('host')
          .where((eb) => eb(eb.fn('lower', ['host']), 'in', keys))
          .groupBy('host')
          .execute();
  const logHosts = new Map<string, string[]>();
  for (const { host } of logged)
    logHosts.set(host.toLowerCase(), [...(logHosts.get(host.toLowerCase()) ?? []), host]);
  const hosts: LogContextHost[] = [];
  for (const [key, c] of [...candidates].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const via = [...c.via].sort();
    const spelled = logHosts.get(key);
    if (spelled) for (const host of spelled) hosts.push({ host, via, logged: true });
    else hosts.push({ host: c.name, via, logged: false });
  }
  const queried = hosts.filter((h) => h.logged).map((h) => h.host);
  const base = { subject, hosts, from, to, firstReportAt, reference };
  if (queried.length === 0) return { ...base, patterns: [] };

  const rows = await ctx.db
    .selectFrom('log_host_minutes')
    .select([
      'template_id',
      'host',
      (eb) => eb.fn.sum<number>('count').as('count'),
      (eb) => eb.fn.sum<number>('errors').as('errors'),
      (eb) => eb.fn.min<number>('minute').as('first'),
      (eb) => eb.fn.max<number>('minute').as('last'),
    ])
    .where('host', 'in', queried)
    .where('minute', '>=', from)
    .where('minute', '<', to)
    .groupBy(['template_id', 'host'])
    .execute();
  const { survivorOf } = await loadSurvivors(ctx.db);
  const agg = new Map<
    string,
    { count: number; errors: number; first: number; last: number; hosts: Set<string> }
  >();
  for (const r of rows) {
    const id = survivorOf(r.template_id);
    const a = agg.get(id) ?? { count: 0, errors: 0, first: Infinity, last: -Infinity, hosts: new Set() };
    a.count += Number(r.count);
    a.errors += Number(r.errors);
    a.first = Math.min(a.first, Number(r.first));
    a.last = Math.max(a.last, Number(r.last));
    a.hosts.add(r.host);
    agg.set(id, a);
  }
  const templates = new Map(
    agg.size === 0
      ? []
      : (
          await ctx.db
            .selectFrom('log_templates')
            .select(['id', 'template', 'name', 'worst_severity', 'first_seen'])
            .where('id', 'in', [...agg.keys()])
            .execute()
        ).map((t) => [t.id, t]),
  );
  const patterns: LogContextPattern[] = [];
  for (const [id, a] of agg) {
    const t = templates.get(id);
    if (!t) continue;
    // Logged in the window's first minute and first seen before it: it did not begin in the window.
    const ongoingBefore = a.first === from && Number(t.first_seen) < from;
    const { sentence, minutesBefore } = contextSentence(
      { errors: a.errors, firstMinute: a.first, ongoingBefore },
      reference,
    );
    patterns.push({
      id,
      template: t.template,
      name: t.name,
      count: a.count,
      errors: a.errors,
      firstMinute: a.first,
      lastMinute: a.last,
      worstSeverity: severityNames[Math.min(Math.max(t.worst_severity, 0), 7)],
      hosts: [...a.hosts].sort(),
      minutesBeforeReference: minutesBefore,
      sentence,
    });
  }
  patterns.sort(
    (x, y) =>
      Number(y.errors > 0) - Number(x.errors > 0) ||
      x.firstMinute - y.firstMinute ||
      y.count - x.count ||
      (x.id < y.id ? -1 : 1),
  );
  return { ...base, patterns: patterns.slice(0, logContextSettings.patterns) };
}

/** The log patterns of a ticket's hosts around its filing (staff who may see the ticket). */
export async function logContextForTicket(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<LogContext> {
  // Who may not see the ticket learns nothing of it (NotFound), before the logs' own rule (Forbidden).
  const ticket = await getTicket(ctx, actor, ticketId);
  requireLogs(actor, 'logs.read');
  const candidates: Candidates = new Map();
  const incidents = await listIncidents(ctx, actor, { ticketId, limit: logContextSettings.incidents });
  for (const i of incidents.slice(0, logContextSettings.incidents))
    await incidentCandidates(ctx, candidates, await getIncident(ctx, actor, i.id), 'incident');
  await categoryCandidates(ctx, candidates, ticket.categoryId);
  await textCandidates(ctx, candidates, `${ticket.title}\n${ticket.description}`);
  return buildContext(
    ctx,
    { kind: 'ticket', id: ticket.id },
    candidates,
    { anchor: ticket.createdAt, end: ticket.resolvedAt ?? ticket.closedAt },
    { at: ticket.createdAt, kind: 'first_report' },
    ticket.createdAt,
  );
}

/** The log patterns of an incident's hosts around its start (staff who may read incidents). */
export async function logContextForIncident(
  ctx: ServiceContext,
  actor: Actor,
  incidentId: number,
): Promise<LogContext> {
  requireLogs(actor, 'logs.read');
  const incident = await getIncident(ctx, actor, incidentId);
  const candidates: Candidates = new Map();
  await incidentCandidates(ctx, candidates, incident, 'alert');
  let firstReportAt: number | null = null;
  if (incident.ticketId !== null) {
    // A ticket deleted since is no report to measure from.
    const ticket = await getTicket(ctx, actor, incident.ticketId).catch((err) => {
      if (err instanceof NotFound) return null;
      throw err;
    });
    if (ticket) firstReportAt = ticket.createdAt;
  }
  return buildContext(
    ctx,
    { kind: 'incident', id: incident.id },
    candidates,
    { anchor: incident.createdAt, end: incident.resolvedAt },
    firstReportAt !== null
      ? { at: firstReportAt, kind: 'first_report' }
      : { at: incident.createdAt, kind: 'incident_start' },
    firstReportAt,
  );
}
