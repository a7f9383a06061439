// The routing document's pure parts against Alertmanager's documented behaviour: the route walk (depth-first,
// first match unless `continue`), inherited settings, group_by (and '...'), matchers, time intervals in a zone
// (DST included), the notification log's dedup rule, inhibition and flapping; bad documents refused by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { needsUpdate } from '../../src/monitoring/alert-groups.js';
import { compileMatcher, parseMatcher } from '../../src/monitoring/alert-matchers.js';
import type { Alert } from '../../src/monitoring/alert-model.js';
import {
  compileRouting,
  defaultRoutingDocument,
  groupKeyOf,
  groupLabelsOf,
  matchRoutes,
  parseDuration,
  type RoutingDocument,
} from '../../src/monitoring/alert-routing.js';
import { flappingRule, isFlapping, recordTransition } from '../../src/monitoring/flapping.js';
import { Inhibitor } from '../../src/monitoring/inhibition.js';
import { compileInterval, intervalContains } from '../../src/monitoring/time-intervals.js';

const receivers = ['default', 'db', 'frontend', 'pager', 'teams'].map((name) => ({ name }));

/** The example tree of Alertmanager's configuration docs, shortened. */
const tree: RoutingDocument = {
  route: {
    receiver: 'default',
    group_by: ['alertname', 'cluster'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '4h',
    routes: [
      {
        receiver: 'db',
        matchers: ['service=~"mysql|cassandra"'],
        group_wait: '10s',
        routes: [{ receiver: 'pager', matchers: ['severity="critical"'] }],
      },
      {
        receiver: 'frontend',
        matchers: ['team="frontend"'],
        group_by: ['product', 'environment'],
        continue: true,
      },
      { receiver: 'teams', matchers: ['team=~"front.*"'], group_by: ['...'] },
      { receiver: 'pager', matchers: ['team="backend"'] },
    ],
  },
  receivers,
};

describe('the route tree walk', () => {
  const routing = compileRouting(tree);
  const receiversFor = (labels: Record<string, string>) =>
    matchRoutes(routing.root, labels).map((r) => r.opts.receiver);

  it('takes the first matching child, depth-first', () => {
    expect(receiversFor({ service: 'mysql', severity: 'critical' })).toEqual(['pager']);
    expect(receiversFor({ service: 'cassandra', severity: 'warning' })).toEqual(['db']);
  });
  it('stops at a matching child unless it says continue', () => {
    expect(receiversFor({ team: 'frontend' })).toEqual(['frontend', 'teams']);
    // mysql matches the first child, which does not continue: the backend route is never reached.
    expect(receiversFor({ service: 'mysql', team: 'backend' })).toEqual(['db']);
  });
  it('falls back to the node itself when no child matches', () => {
    expect(receiversFor({ alertname: 'Disk' })).toEqual(['default']);
  });
  it('inherits settings from the parent and overrides what the child sets', () => {
    const [pager] = matchRoutes(routing.root, { service: 'mysql', severity: 'critical' });
    expect(pager!.opts).toMatchObject({
      groupWaitMs: 10_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 4 * 3_600_000,
      groupBy: ['alertname', 'cluster'],
    });
  });
  it("groups by the listed labels the alert has, or by every label with '...'", () => {
    const labels = { alertname: 'Down', cluster: 'eu', team: 'frontend', product: 'shop' };
    const [frontend, teams] = matchRoutes(routing.root, labels);
    expect(groupLabelsOf(frontend!.opts, labels)).toEqual({ product: 'shop' });
    expect(groupLabelsOf(teams!.opts, labels)).toEqual(labels);
    expect(groupKeyOf(frontend!, { product: 'shop' })).not.toEqual(groupKeyOf(teams!, { product: 'shop' }));
  });
  it('uses the defaults of Alertmanager: group_wait 30 s, group_interval 5 m, repeat_interval 4 h', () => {
    const d = compileRouting(defaultRoutingDocument);
    expect(d.root.opts).toMatchObject({
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
    expect(d.root.opts.receiver).toBe('incident');
  });
});

describe('matchers', () => {
  it('parse quoted and bare values and anchor regular expressions', () => {
    expect(parseMatcher('severity="critical"', '/m')).toEqual({
      name: 'severity',
      op: '=',
      value: 'critical',
    });
    expect(parseMatcher('job =~ node.*', '/m')).toEqual({ name: 'job', op: '=~', value: 'node.*' });
    const re = compileMatcher(parseMatcher('instance=~"web-[0-9]"', '/m'));
    expect(re.test({ instance: 'web-1' })).toBe(true);
    expect(re.test({ instance: 'xweb-1' })).toBe(false);
    expect(compileMatcher(parseMatcher('team!=""', '/m')).test({})).toBe(false);
    expect(compileMatcher(parseMatcher('team!~"a|b"', '/m')).test({ team: 'c' })).toBe(true);
  });
  it('refuse what is not a matcher, naming the field', () => {
    for (const bad of ['severity', '="x"', 'a=~"("', 'a="unterminated', '1a="x"']) {
      expect(() => parseMatcher(bad, '/route/matchers/0')).toThrow(DomainError);
    }
  });
  it('never crash on arbitrary text: a matcher or an Invalid', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseMatcher(text, '/m');
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
        }
      }),
    );
  });
});

describe('a routing document is refused by field', () => {
  const refused = (doc: RoutingDocument) => {
    try {
      compileRouting(doc);
    } catch (err) {
      return (err as DomainError).fields[0]?.field;
    }
    return null;
  };
  it('names the bad field', () => {
    expect(refused({ route: { receiver: 'nobody' }, receivers })).toBe('/route/receiver');
    expect(refused({ route: { receiver: 'default', group_wait: '30 seconds' }, receivers })).toBe(
      '/route/group_wait',
    );
    expect(refused({ route: { receiver: 'default', routes: [{ matchers: ['x=~"("'] }] }, receivers })).toBe(
      '/route/routes/0/matchers/0',
    );
    expect(refused({ route: { receiver: 'default', group_by: ['...', 'a'] }, receivers })).toBe(
      '/route/group_by',
    );
    expect(
      refused({ route: { receiver: 'default', routes: [{ mute_time_intervals: ['nights'] }] }, receivers }),
    ).toBe('/route/routes/0/mute_time_intervals/0');
    expect(refused({ route: { receiver: 'default' }, receivers: [...receivers, { name: 'db' }] })).toBe(
      '/receivers/5/name',
    );
  });
  it('parses Prometheus durations', () => {
    expect(parseDuration('1h30m', '/d')).toBe(5_400_000);
    expect(parseDuration('30s', '/d')).toBe(30_000);
    expect(parseDuration('1d', '/d')).toBe(86_400_000);
    expect(() => parseDuration('5', '/d')).toThrow(DomainError);
  });
});

describe('time intervals', () => {
  const at = (iso: string) => Date.parse(iso);
  it('read times as wall time in the zone, across the change to summer time', () => {
    const office = compileInterval(
      {
        times: [{ start_time: '09:00', end_time: '17:00' }],
        weekdays: ['monday:friday'],
        location: 'Europe/Berlin',
      },
      '/t',
    );
    // Friday 27 March 2026 (CET, UTC+1): 09:00 Berlin is 08:00Z.
    expect(intervalContains(office, at('2026-03-27T07:59:59Z'))).toBe(false);
    expect(intervalContains(office, at('2026-03-27T08:00:00Z'))).toBe(true);
    expect(intervalContains(office, at('2026-03-27T15:59:59Z'))).toBe(true);
    expect(intervalContains(office, at('2026-03-27T16:00:00Z'))).toBe(false);
    // Monday 30 March 2026 (CEST, UTC+2, after the change on the 29th): 09:00 Berlin is 07:00Z.
    expect(intervalContains(office, at('2026-03-30T07:00:00Z'))).toBe(true);
    expect(intervalContains(office, at('2026-03-30T15:00:00Z'))).toBe(false);
    // Sunday: no weekday matches.
    expect(intervalContains(office, at('2026-03-29T10:00:00Z'))).toBe(false);
  });
  it('counts negative days of the month from its end, and matches months and years', () => {
    const lastDays = compileInterval(
      { days_of_month: ['-3:-1'], months: ['february'], years: ['2026'] },
      '/t',
    );
    expect(intervalContains(lastDays, at('2026-02-26T12:00:00Z'))).toBe(true);
    expect(intervalContains(lastDays, at('2026-02-25T12:00:00Z'))).toBe(false);
    expect(intervalContains(lastDays, at('2026-01-30T12:00:00Z'))).toBe(false);
    expect(intervalContains(lastDays, at('2027-02-27T12:00:00Z'))).toBe(false);
  });
  it('end at 24:00 and refuse a start after the end or an unknown zone', () => {
    const evening = compileInterval({ times: [{ start_time: '18:00', end_time: '24:00' }] }, '/t');
    expect(intervalContains(evening, at('2026-03-02T23:59:00Z'))).toBe(true);
    expect(() => compileInterval({ times: [{ start_time: '10:00', end_time: '09:00' }] }, '/t')).toThrow(
      DomainError,
    );
    expect(() => compileInterval({ location: 'Mars/Olympus' }, '/t')).toThrow(DomainError);
    expect(() => compileInterval({ weekdays: ['funday'] }, '/t')).toThrow(DomainError);
  });
});

describe("the notification log's dedup (Alertmanager's needsUpdate)", () => {
  const hour = 3_600_000;
  const log = (firing: string[], resolved: string[], notifiedAt: number | null) => ({
    firing: new Set(firing),
    resolved: new Set(resolved),
    notifiedAt,
  });
  const s = (...x: string[]) => new Set(x);
  it('never sends a group whose alerts resolved before it was first told', () => {
    expect(needsUpdate(log([], [], null), s(), s('a'), true, 4 * hour, 0)).toBe(false);
    expect(needsUpdate(log([], [], null), s('a'), s(), true, 4 * hour, 0)).toBe(true);
  });
  it('sends a new firing alert, all resolved, a new resolution when resolutions are sent, and repeats', () => {
    expect(needsUpdate(log(['a'], [], 0), s('a', 'b'), s(), false, 4 * hour, 1)).toBe(true);
    expect(needsUpdate(log(['a'], [], 0), s(), s('a'), false, 4 * hour, 1)).toBe(true);
    expect(needsUpdate(log(['a', 'b'], [], 0), s('a'), s('b'), true, 4 * hour, 1)).toBe(true);
    expect(needsUpdate(log(['a', 'b'], [], 0), s('a'), s('b'), false, 4 * hour, 1)).toBe(false);
    expect(needsUpdate(log(['a'], [], 0), s('a'), s(), false, 4 * hour, 4 * hour - 1)).toBe(false);
    expect(needsUpdate(log(['a'], [], 0), s('a'), s(), false, 4 * hour, 4 * hour)).toBe(true);
    // Nothing was firing when last told, and nothing is: some fired and resolved between two flushes.
    expect(needsUpdate(log([], ['a'], 0), s(), s('b'), true, 4 * hour, 1)).toBe(false);
  });
});

const alert = (fingerprint: string, labels: Record<string, string>, resolvesAt = 10_000): Alert => ({
  fingerprint,
  labels,
  annotations: {},
  startsAt: 0,
  endsAt: null,
  resolvesAt,
  updatedAt: 0,
  generatorUrl: '',
  targetId: null,
  transitions: [],
});

describe('inhibition (the default rule)', () => {
  const rules = compileRouting(defaultRoutingDocument).inhibitRules;
  it("mutes a target's warnings while a critical alert on it fires, not other targets' nor without a target", () => {
    const critical = alert('c', { alertname: 'Down', severity: 'critical', target: 'db1' });
    const inhibitor = new Inhibitor(rules, [critical], 1000);
    expect(inhibitor.mutes(alert('w', { alertname: 'Slow', severity: 'warning', target: 'db1' }))).toEqual({
      kind: 'inhibited',
      by: ['c'],
    });
    expect(inhibitor.mutes(alert('x', { alertname: 'Slow', severity: 'warning', target: 'db2' }))).toBeNull();
    expect(inhibitor.mutes(alert('y', { alertname: 'Slow', severity: 'warning' }))).toBeNull();
    // A resolved source inhibits nothing.
    const after = new Inhibitor(rules, [critical], 20_000);
    expect(after.mutes(alert('w', { severity: 'warning', target: 'db1' }))).toBeNull();
  });
});

describe('flapping', () => {
  it('is more than the allowed changes within the window, and settles as they age out', () => {
    let t: number[] = [];
    for (let i = 0; i <= flappingRule.maxChanges; i++) t = recordTransition(t, i * 60_000);
    const last = flappingRule.maxChanges * 60_000;
    expect(isFlapping(t, last)).toBe(true);
    expect(isFlapping(t.slice(1), last)).toBe(false);
    expect(isFlapping(t, flappingRule.windowMs + 1)).toBe(false);
  });
});

describe('the route walk, as a property', () => {
  const names = ['team', 'severity', 'env'];
  const values = ['a', 'b', 'c'];
  const matcher = fc
    .tuple(
      fc.constantFrom(...names),
      fc.constantFrom('=', '!=', '=~', '!~'),
      fc.constantFrom(...values, 'a|b'),
    )
    .map(([n, op, v]) => `${n}${op}${JSON.stringify(v)}`);
  const route = fc.letrec((tie) => ({
    node: fc.record({
      matchers: fc.array(matcher, { maxLength: 2 }),
      continue: fc.boolean(),
      routes: fc.oneof({ depthSize: 'small' }, fc.constant([]), fc.array(tie('node'), { maxLength: 3 })),
    }),
  })).node as fc.Arbitrary<RoutingDocument['route']>;
  const labels = fc.record({
    team: fc.constantFrom(...values),
    severity: fc.constantFrom(...values),
    env: fc.constantFrom(...values),
  });

  it('always finds a route, and every route found matches the alert from the root down', () => {
    fc.assert(
      fc.property(fc.array(route, { maxLength: 4 }), labels, (children, l) => {
        const routing = compileRouting({ route: { receiver: 'default', routes: children }, receivers });
        const found = matchRoutes(routing.root, l);
        expect(found.length).toBeGreaterThan(0);
        for (const r of found) {
          // The key is the path: every ancestor on it is a route whose matchers the alert satisfies.
          let node = routing.root;
          const steps = r.key.split('/').slice(1);
          for (const step of steps) {
            node = node.routes[Number(step.slice(0, step.indexOf('{')))]!;
            expect(node.matchers.every((m) => m.test(l))).toBe(true);
          }
        }
        // Without `continue` anywhere, exactly one route takes the alert.
        const noContinue = JSON.parse(
          JSON.stringify(children).replaceAll('"continue":true', '"continue":false'),
        );
        const single = compileRouting({ route: { receiver: 'default', routes: noContinue }, receivers });
        expect(matchRoutes(single.root, l)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});
