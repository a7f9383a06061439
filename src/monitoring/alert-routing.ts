// The routing document — Alertmanager's configuration in its own words (route tree, receivers, inhibit_rules,
// time_intervals) — checked and compiled once, and the route walk: depth-first, the first matching child unless
// it says `continue`, the node itself when no child matches; settings inherited from the parent
// (receiver, group_by, group_wait, group_interval, repeat_interval), time intervals not (Alertmanager's route.go).
import { Invalid } from '../core/errors.js';
import { type CompiledMatcher, compileMatcher, parseMatcher } from './alert-matchers.js';
import { isValidLabelName } from './metric-model.js';
import { promDurationMs } from './prom-duration.js';
import { type CompiledInterval, compileTimeIntervals, type NamedTimeInterval } from './time-intervals.js';

export interface RouteSpec {
  receiver?: string;
  group_by?: string[];
  continue?: boolean;
  matchers?: string[];
  /** Alertmanager's older equality and regex maps, still accepted. */
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: RouteSpec[];
}

/** Open an incident on a service (this one, or the alerting target's), or page the target's escalation policy. */
export interface IncidentConfig {
  service_id?: number;
  /** Also open a help desk ticket with its SLA (default true). */
  open_ticket?: boolean;
  /** Resolve the incident when every alert of the group has resolved (default true). */
  resolve_incident?: boolean;
}

export interface WebhookConfig {
  url: string;
  /** Default true, as Alertmanager's webhook_config. */
  send_resolved?: boolean;
  /** At most this many alerts in a payload (0: all); truncatedAlerts counts the rest. */
  max_alerts?: number;
}

export interface EmailConfig {
  to: string;
  /** Default false, as Alertmanager's email_config. */
  send_resolved?: boolean;
}

export interface ReceiverSpec {
  name: string;
  incident_configs?: IncidentConfig[];
  webhook_configs?: WebhookConfig[];
  email_configs?: EmailConfig[];
}

export interface InhibitRuleSpec {
  source_matchers: string[];
  target_matchers: string[];
  equal?: string[];
}

export interface RoutingDocument {
  route: RouteSpec;
  receivers: ReceiverSpec[];
  inhibit_rules?: InhibitRuleSpec[];
  time_intervals?: NamedTimeInterval[];
}

export interface RouteOpts {
  receiver: string;
  groupBy: string[];
  /** group_by: ['...']: every label, i.e. no aggregation. */
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
}

export interface Route {
  /** Stable within a document: the path of matchers and positions from the root. */
  key: string;
  matchers: CompiledMatcher[];
  continue: boolean;
  opts: RouteOpts;
  routes: Route[];
}

export interface CompiledInhibitRule {
  source: CompiledMatcher[];
  target: CompiledMatcher[];
  equal: string[];
}

export interface Routing {
  document: RoutingDocument;
  root: Route;
  receivers: Map<string, ReceiverSpec>;
  inhibitRules: CompiledInhibitRule[];
  timeIntervals: Map<string, CompiledInterval[]>;
}

/** Alertmanager's defaults. */
export const routeDefaults = {
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
} as const;

/** What a fresh install routes by: everything to an incident (with a ticket), one per alert name and target. */
export const defaultRoutingDocument: RoutingDocument = {
  route: { receiver: 'incident', group_by: ['alertname', 'target'] },
  receivers: [{ name: 'incident', incident_configs: [{ open_ticket: true, resolve_incident: true }] }],
  inhibit_rules: [
    {
      // A critical alert on a target mutes that target's warnings.
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"', 'target=~".+"'],
      equal: ['target'],
    },
  ],
  time_intervals: [],
};

function bad(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

/** A Prometheus duration ("30s", "1h30m", "4h"), in milliseconds. */
export function parseDuration(text: string, field: string): number {
  const ms = promDurationMs(text);
  if (ms === null) throw bad(field, `"${text}" is not a duration such as 30s, 5m or 4h`);
  return ms;
}

function compileMatchers(
  spec: RouteSpec | InhibitRuleSpec,
  field: string,
  list: string[],
): CompiledMatcher[] {
  const out = list.map((text, i) => compileMatcher(parseMatcher(text, `${field}/${i}`), `${field}/${i}`));
  if ('match' in spec && spec.match)
    for (const [name, value] of Object.entries(spec.match))
      out.push(compileMatcher({ name, op: '=', value }));
  if ('match_re' in spec && spec.match_re)
    for (const [name, value] of Object.entries(spec.match_re))
      out.push(
        compileMatcher({ name, op: '=~', value }, `${field.replace(/matchers$/, 'match_re')}/${name}`),
      );
  return out;
}

function compileRoute(
  spec: RouteSpec,
  parent: RouteOpts | null,
  key: string,
  field: string,
  check: { receivers: Set<string>; intervals: Set<string> },
): Route {
  const base: RouteOpts = parent ?? {
    receiver: '',
    groupBy: [],
    groupByAll: false,
    ...routeDefaults,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  };
  const opts: RouteOpts = { ...base, muteTimeIntervals: [], activeTimeIntervals: [] };
  if (spec.receiver !== undefined) opts.receiver = spec.receiver;
  if (!opts.receiver) throw bad(`${field}/receiver`, 'the root route needs a receiver');
  if (!check.receivers.has(opts.receiver)) throw bad(`${field}/receiver`, `no receiver "${opts.receiver}"`);
  if (spec.group_by !== undefined) {
    const all = spec.group_by.includes('...');
    if (all && spec.group_by.length > 1) throw bad(`${field}/group_by`, "'...' must be the only entry");
    spec.group_by.forEach((n, i) => {
      if (n !== '...' && !isValidLabelName(n))
        throw bad(`${field}/group_by/${i}`, `"${n}" is not a label name`);
    });
    if (new Set(spec.group_by).size !== spec.group_by.length) throw bad(`${field}/group_by`, 'a label twice');
    opts.groupByAll = all;
    opts.groupBy = all ? [] : [...spec.group_by];
  }
  if (spec.group_wait !== undefined) opts.groupWaitMs = parseDuration(spec.group_wait, `${field}/group_wait`);
  if (spec.group_interval !== undefined) {
    opts.groupIntervalMs = parseDuration(spec.group_interval, `${field}/group_interval`);
    if (opts.groupIntervalMs === 0) throw bad(`${field}/group_interval`, 'must be above zero');
  }
  if (spec.repeat_interval !== undefined) {
    opts.repeatIntervalMs = parseDuration(spec.repeat_interval, `${field}/repeat_interval`);
    if (opts.repeatIntervalMs === 0) throw bad(`${field}/repeat_interval`, 'must be above zero');
  }
  for (const [list, name] of [
    [spec.mute_time_intervals, 'mute_time_intervals'],
    [spec.active_time_intervals, 'active_time_intervals'],
  ] as const) {
    if (!list) continue;
    if (!parent && list.length > 0)
      throw bad(`${field}/${name}`, 'the root route cannot have time intervals');
    list.forEach((n, i) => {
      if (!check.intervals.has(n)) throw bad(`${field}/${name}/${i}`, `no time interval "${n}"`);
    });
  }
  opts.muteTimeIntervals = [...(spec.mute_time_intervals ?? [])];
  opts.activeTimeIntervals = [...(spec.active_time_intervals ?? [])];
  const matchers = compileMatchers(spec, `${field}/matchers`, spec.matchers ?? []);
  if (!parent && matchers.length > 0) throw bad(`${field}/matchers`, 'the root route matches every alert');
  if (!parent && spec.continue) throw bad(`${field}/continue`, 'the root route cannot continue');
  const children = (spec.routes ?? []).map((child, i) => {
    const childMatchers = [
      ...(child.matchers ?? []),
      ...Object.entries(child.match ?? {}).map(([n, v]) => `${n}=${JSON.stringify(v)}`),
      ...Object.entries(child.match_re ?? {}).map(([n, v]) => `${n}=~${JSON.stringify(v)}`),
    ];
    return compileRoute(
      child,
      opts,
      `${key}/${i}{${childMatchers.join(',')}}`,
      `${field}/routes/${i}`,
      check,
    );
  });
  return { key, matchers, continue: spec.continue === true, opts, routes: children };
}

function depth(spec: RouteSpec): number {
  return 1 + Math.max(0, ...(spec.routes ?? []).map(depth));
}

/** Check a routing document and compile it; throws Invalid naming the first bad field. */
export function compileRouting(document: RoutingDocument): Routing {
  if (depth(document.route) > 32) throw bad('/route', 'routes nest at most 32 deep');
  const receivers = new Map<string, ReceiverSpec>();
  document.receivers.forEach((r, i) => {
    if (receivers.has(r.name)) throw bad(`/receivers/${i}/name`, `"${r.name}" is defined twice`);
    const integrations =
      (r.incident_configs?.length ?? 0) + (r.webhook_configs?.length ?? 0) + (r.email_configs?.length ?? 0);
    // Alertmanager allows a receiver with no integrations (a black hole); so do we.
    if (integrations > 20) throw bad(`/receivers/${i}`, 'at most 20 integrations per receiver');
    r.webhook_configs?.forEach((w, j) => {
      let url: URL;
      try {
        url = new URL(w.url);
      } catch {
        throw bad(`/receivers/${i}/webhook_configs/${j}/url`, 'not a URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw bad(`/receivers/${i}/webhook_configs/${j}/url`, 'an http or https URL');
    });
    r.email_configs?.forEach((e, j) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(e.to))
        throw bad(`/receivers/${i}/email_configs/${j}/to`, 'not a mail address');
    });
    receivers.set(r.name, r);
  });
  const timeIntervals = compileTimeIntervals(document.time_intervals ?? [], '/time_intervals');
  const root = compileRoute(document.route, null, '{}', '/route', {
    receivers: new Set(receivers.keys()),
    intervals: new Set(timeIntervals.keys()),
  });
  const inhibitRules = (document.inhibit_rules ?? []).map((rule, i) => {
    const equal = rule.equal ?? [];
    equal.forEach((n, j) => {
      if (!isValidLabelName(n)) throw bad(`/inhibit_rules/${i}/equal/${j}`, `"${n}" is not a label name`);
    });
    return {
      source: compileMatchers(rule, `/inhibit_rules/${i}/source_matchers`, rule.source_matchers),
      target: compileMatchers(rule, `/inhibit_rules/${i}/target_matchers`, rule.target_matchers),
      equal,
    };
  });
  return { document, root, receivers, inhibitRules, timeIntervals };
}

/** The routes an alert goes to (Alertmanager's Route.Match): depth-first, `continue` lets siblings match too. */
export function matchRoutes(route: Route, labels: Readonly<Record<string, string>>): Route[] {
  if (!route.matchers.every((m) => m.test(labels))) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matches = matchRoutes(child, labels);
    all.push(...matches);
    if (matches.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [route];
}

/** The labels an alert is grouped by on a route: those of group_by it has (every label with '...'). */
export function groupLabelsOf(
  opts: RouteOpts,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  if (opts.groupByAll) return { ...labels };
  const out: Record<string, string> = {};
  for (const n of opts.groupBy) if (labels[n] !== undefined) out[n] = labels[n];
  return out;
}

/** The aggregation group's key, as Alertmanager forms it: the route's key and the group's labels. */
export function groupKeyOf(route: Route, groupLabels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(groupLabels)
    .sort()
    .map((n) => `${n}=${JSON.stringify(groupLabels[n])}`);
  return `${route.key}:{${parts.join(', ')}}`;
}

/** Find a route by key (a group remembers its route's key; an edited tree may have lost it). */
export function findRoute(route: Route, key: string): Route | null {
  if (route.key === key) return route;
  for (const child of route.routes) {
    const found = findRoute(child, key);
    if (found) return found;
  }
  return null;
}
