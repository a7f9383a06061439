// PagerDuty → import plan: users, schedules with their layers, restrictions and overrides, escalation policies, and
// each schedule's rendered final schedule for the comparison. Pure; the input bundles these documented REST v2
// responses (developer.pagerduty.com API reference: Schedules, Overrides, Escalation Policies, Users):
//   users               GET /users                      → [{ id, name, email, time_zone }]
//   schedules           GET /schedules/{id}?since&until → [{ id, name, time_zone, schedule_layers: [{ id, name, start,
//                       end, rotation_virtual_start, rotation_turn_length_seconds, users: [{ user: { id, type } }],
//                       restrictions: [{ type: daily_restriction|weekly_restriction, start_time_of_day (HH:mm:ss),
//                       duration_seconds, start_day_of_week (ISO) }], rendering_index }], final_schedule: {
//                       rendered_schedule_entries: [{ start, end, user: { id } }] } }]
//   overrides           { [scheduleId]: GET /schedules/{id}/overrides → overrides: [{ id, start, end, user: { id } }] }
//   escalation_policies GET /escalation_policies        → [{ id, name, num_loops, escalation_rules: [{
//                       escalation_delay_in_minutes, targets: [{ id, type: user_reference|schedule_reference }] }] }]
// Layer order: a higher `rendering_index` renders on top; without it, the response's order, which lists the top
// layer first. A rule's delay is the wait after it before the next rule (the last: before looping), as ours.
import {
  arr,
  type ConvertOptions,
  type ImportPlan,
  ident,
  importLimits,
  instant,
  int,
  invalidAt,
  isObject,
  type Json,
  matchUsers,
  NotCarriedLog,
  type OriginalEntry,
  obj,
  optArr,
  optInt,
  optStr,
  type PlanOverride,
  type PlanPolicy,
  type PlanRotationLayer,
  type PlanSchedule,
  pathOf,
  prop,
  restrictionsOfSpans,
  str,
  toLocal,
  turnOfSeconds,
  type WeekSpan,
  zone,
} from './import-plan.js';

function record(v: Json, path: string): Map<string, Json> {
  if (v === undefined || v === null) return new Map();
  const entries = Object.entries(obj(v, path));
  if (entries.length > importLimits.schedules)
    throw invalidAt(path, `must have at most ${importLimits.schedules} keys`);
  return new Map(entries);
}

/** `HH:mm:ss` as seconds of the day. */
function timeOfDay(v: Json, path: string): number {
  const s = str(v, path, 16);
  const m = /^(\d\d):(\d\d)(?::(\d\d))?$/.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59)
    throw invalidAt(path, 'must be a time of day HH:mm:ss');
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

export function convertPagerDuty(input: Json, options: ConvertOptions): ImportPlan {
  const root = obj(input, '');
  const log = new NotCarriedLog();

  const users = arr(prop(root, 'users'), '/users', importLimits.users).map((uv, i) => {
    const u = obj(uv, pathOf('/users', i));
    return {
      sourceId: ident(prop(u, 'id'), pathOf('/users', i, 'id')),
      name: optStr(prop(u, 'name'), pathOf('/users', i, 'name')),
      email: optStr(prop(u, 'email'), pathOf('/users', i, 'email'), 254),
    };
  });
  const planUsers = matchUsers(users, options.directory, 'pagerduty');
  const keyById = new Map(planUsers.map((u) => [u.sourceId, u.key]));
  const userRef = (v: Json, path: string): string => {
    const id = ident(prop(obj(v, path), 'id'), pathOf(path, 'id'));
    return keyById.get(id) ?? `pagerduty:${id}`;
  };

  const overridesBySchedule = record(prop(root, 'overrides'), '/overrides');
  const schedules: PlanSchedule[] = [];
  const originals: ImportPlan['originals'] = [];
  const list = arr(prop(root, 'schedules'), '/schedules', importLimits.schedules);
  for (let si = 0; si < list.length; si += 1) {
    const sPath = pathOf('/schedules', si);
    const s = obj(list[si], sPath);
    const id = ident(prop(s, 'id'), pathOf(sPath, 'id'));
    const name = str(prop(s, 'name'), pathOf(sPath, 'name'));
    const timeZone = zone(prop(s, 'time_zone'), pathOf(sPath, 'time_zone'));
    const where = `schedule "${name}"`;

    const rawLayers = arr(
      prop(s, 'schedule_layers'),
      pathOf(sPath, 'schedule_layers'),
      importLimits.layersPerSchedule,
    );
    const read: { layer: PlanRotationLayer; rank: number }[] = [];
    for (let li = 0; li < rawLayers.length; li += 1) {
      const lPath = pathOf(sPath, 'schedule_layers', li);
      const l = obj(rawLayers[li], lPath);
      const lName = optStr(prop(l, 'name'), pathOf(lPath, 'name')) ?? `Layer ${li + 1}`;
      const lWhere = `${where} / layer "${lName}"`;
      const start = instant(prop(l, 'start'), pathOf(lPath, 'start'));
      const endV = prop(l, 'end');
      const end = endV === undefined || endV === null ? null : instant(endV, pathOf(lPath, 'end'));
      const virtualStart = instant(
        prop(l, 'rotation_virtual_start'),
        pathOf(lPath, 'rotation_virtual_start'),
      );
      const seconds = int(
        prop(l, 'rotation_turn_length_seconds'),
        pathOf(lPath, 'rotation_turn_length_seconds'),
        1,
        366 * 86_400,
      );
      const turn = turnOfSeconds(seconds);
      if (turn === null) {
        log.add(
          `layer "${lName}"`,
          where,
          `a turn of ${seconds} s is not a whole number of hours, days or weeks; not imported`,
        );
        continue;
      }
      if (start > virtualStart && start > (options.now ?? 0))
        log.add(
          `the layer's start ${new Date(start).toISOString()}`,
          lWhere,
          'opsdesk rotations begin at their first handoff; imported from the rotation virtual start, so the layer is on duty before its start',
        );
      const participants = arr(prop(l, 'users'), pathOf(lPath, 'users'), importLimits.participants).map(
        (uv, ui) =>
          userRef(prop(obj(uv, pathOf(lPath, 'users', ui)), 'user'), pathOf(lPath, 'users', ui, 'user')),
      );
      if (participants.length === 0) {
        log.add(`layer "${lName}"`, where, 'it has no users; not imported');
        continue;
      }
      const spans: WeekSpan[] = [];
      let rounded = false;
      const rs = optArr(prop(l, 'restrictions'), pathOf(lPath, 'restrictions'), importLimits.restrictions);
      for (let ri = 0; ri < rs.length; ri += 1) {
        const rPath = pathOf(lPath, 'restrictions', ri);
        const r = obj(rs[ri], rPath);
        const type = str(prop(r, 'type'), pathOf(rPath, 'type'), 32);
        const at = timeOfDay(prop(r, 'start_time_of_day'), pathOf(rPath, 'start_time_of_day'));
        const duration = int(prop(r, 'duration_seconds'), pathOf(rPath, 'duration_seconds'), 1, 7 * 86_400);
        if (at % 60 !== 0 || duration % 60 !== 0) rounded = true;
        const startMinute = Math.floor(at / 60);
        const minutes = Math.round(duration / 60);
        if (type === 'daily_restriction') {
          if (duration > 86_400)
            throw invalidAt(pathOf(rPath, 'duration_seconds'), 'a daily restriction lasts at most a day');
          for (let d = 0; d < 7; d += 1) spans.push({ startMinute: d * 1440 + startMinute, minutes });
        } else if (type === 'weekly_restriction') {
          const day = int(prop(r, 'start_day_of_week'), pathOf(rPath, 'start_day_of_week'), 1, 7);
          spans.push({ startMinute: (day - 1) * 1440 + startMinute, minutes });
        } else throw invalidAt(pathOf(rPath, 'type'), 'must be daily_restriction or weekly_restriction');
      }
      if (rounded)
        log.add(
          'restriction seconds',
          lWhere,
          'opsdesk restrictions are in whole minutes; rounded to the minute',
        );
      const restrictions = spans.length === 0 ? [] : (restrictionsOfSpans(spans) ?? []);
      const rank = prop(l, 'rendering_index');
      read.push({
        layer: {
          kind: 'rotation',
          name: lName,
          start: toLocal(virtualStart, timeZone),
          end: end === null ? null : toLocal(end, timeZone),
          turn,
          participants,
          restrictions,
        },
        rank: typeof rank === 'number' && Number.isFinite(rank) ? rank : -li,
      });
    }
    // Bottom first for our model: a lower rank renders below.
    const layers = read.sort((a, b) => a.rank - b.rank).map((r) => r.layer);

    const overrides: PlanOverride[] = [];
    const ovs = optArr(overridesBySchedule.get(id), pathOf('/overrides', id), importLimits.overrides);
    for (let oi = 0; oi < ovs.length; oi += 1) {
      const oPath = pathOf('/overrides', id, oi);
      const o = obj(ovs[oi], oPath);
      const start = instant(prop(o, 'start'), pathOf(oPath, 'start'));
      const end = instant(prop(o, 'end'), pathOf(oPath, 'end'));
      if (end <= start) throw invalidAt(pathOf(oPath, 'end'), 'must be after start');
      overrides.push({ user: userRef(prop(o, 'user'), pathOf(oPath, 'user')), start, end });
    }
    schedules.push({ sourceId: id, name, timeZone, layers, overrides });

    const final = prop(s, 'final_schedule');
    if (isObject(final)) {
      const fPath = pathOf(sPath, 'final_schedule', 'rendered_schedule_entries');
      const entries: OriginalEntry[] = optArr(
        prop(final, 'rendered_schedule_entries'),
        fPath,
        importLimits.originalEntries,
      ).map((ev, ei) => {
        const ePath = pathOf(fPath, ei);
        const e = obj(ev, ePath);
        const user = prop(e, 'user');
        return {
          user: user === null || user === undefined ? null : userRef(user, pathOf(ePath, 'user')),
          start: instant(prop(e, 'start'), pathOf(ePath, 'start')),
          end: instant(prop(e, 'end'), pathOf(ePath, 'end')),
        };
      });
      originals.push({ scheduleSourceId: id, entries });
    }
  }

  const policies: PlanPolicy[] = [];
  const eps = optArr(prop(root, 'escalation_policies'), '/escalation_policies', importLimits.policies);
  for (let pi = 0; pi < eps.length; pi += 1) {
    const pPath = pathOf('/escalation_policies', pi);
    const p = obj(eps[pi], pPath);
    const name = str(prop(p, 'name'), pathOf(pPath, 'name'));
    const where = `escalation policy "${name}"`;
    const steps: PlanPolicy['steps'] = [];
    const rules = arr(prop(p, 'escalation_rules'), pathOf(pPath, 'escalation_rules'), importLimits.steps);
    for (let ri = 0; ri < rules.length; ri += 1) {
      const rPath = pathOf(pPath, 'escalation_rules', ri);
      const r = obj(rules[ri], rPath);
      const delayMinutes = int(
        prop(r, 'escalation_delay_in_minutes'),
        pathOf(rPath, 'escalation_delay_in_minutes'),
        0,
        100_000,
      );
      const strategy = prop(r, 'escalation_rule_assignment_strategy');
      if (isObject(strategy) && prop(strategy, 'type') === 'round_robin')
        log.add(
          `rule ${ri + 1}'s round robin`,
          where,
          'opsdesk notifies every target of a step; imported as notifying all',
        );
      const targets: PlanPolicy['steps'][number]['targets'] = [];
      const ts = arr(prop(r, 'targets'), pathOf(rPath, 'targets'), importLimits.targets);
      for (let ti = 0; ti < ts.length; ti += 1) {
        const tPath = pathOf(rPath, 'targets', ti);
        const t = obj(ts[ti], tPath);
        const type = str(prop(t, 'type'), pathOf(tPath, 'type'), 64);
        const tid = ident(prop(t, 'id'), pathOf(tPath, 'id'));
        if (type === 'user_reference' || type === 'user')
          targets.push({ kind: 'user', ref: keyById.get(tid) ?? `pagerduty:${tid}` });
        else if (type === 'schedule_reference' || type === 'schedule')
          targets.push({ kind: 'schedule', ref: tid });
        else
          log.add(
            `a ${type} target of rule ${ri + 1}`,
            where,
            'only users and schedules are PagerDuty targets opsdesk can notify; left out',
          );
      }
      if (targets.length === 0) {
        log.add(`rule ${ri + 1}`, where, 'none of its targets could be imported; left out');
        if (steps.length > 0) steps[steps.length - 1].delayMinutes += delayMinutes;
        continue;
      }
      steps.push({ delayMinutes, targets });
    }
    if (steps.length === 0) {
      log.add(where, 'escalation policies', 'none of its rules could be imported; not imported');
      continue;
    }
    const loops = optInt(prop(p, 'num_loops'), pathOf(pPath, 'num_loops'), 0, 9, 0);
    policies.push({ sourceId: ident(prop(p, 'id'), pathOf(pPath, 'id')), name, repeat: loops, steps });
  }

  return { source: 'pagerduty', users: planUsers, schedules, policies, notCarried: log.items, originals };
}
