// Grafana OnCall → import plan: users, schedules with their on-call shifts (rotations, single and recurrent events,
// overrides), escalation chains with their policy steps, and each schedule's final shifts for the comparison. Pure;
// the input bundles the `results` of these documented HTTP API v1 responses (grafana.com/docs/oncall/latest/
// oncall-api-reference: users, schedules, on_call_shifts, escalation_chains, escalation_policies):
//   users               /api/v1/users/               → [{ id, email, username }]
//   schedules           /api/v1/schedules/           → [{ id, name, type: web|calendar|ical, time_zone, shifts: [ids],
//                       ical_url_primary, ical_url_overrides }]
//   on_call_shifts      /api/v1/on_call_shifts/      → [{ id, name, type: rolling_users|recurrent_event|single_event|
//                       override, time_zone, level | priority_level, start (local yyyy-MM-ddTHH:mm:ss), rotation_start,
//                       duration (s), frequency: hourly|daily|weekly|monthly, interval, until, by_day: [MO…SU],
//                       week_start, users: [ids], rolling_users: [[ids]], start_rotation_from_user_index }]
//   escalation_chains   /api/v1/escalation_chains/   → [{ id, name }]
//   escalation_policies /api/v1/escalation_policies/ → [{ id, escalation_chain_id, position, type: wait|notify_persons|
//                       notify_person_next_each_time|notify_on_call_from_schedule|notify_user_group|notify_team_members|
//                       repeat_escalation|trigger_webhook|resolve|…, duration (s), persons_to_notify,
//                       persons_to_notify_next_each_time, notify_on_call_from_schedule, group_to_notify, team_to_notify }]
//   final_shifts        { [scheduleId]: /api/v1/schedules/{id}/final_shifts → [{ user_pk, user_email, shift_start,
//                       shift_end }] }
// A shift's higher level wins where shifts overlap (as our higher layer); "repeat escalation" repeats the chain
// from the beginning up to 5 times.
import type { DateTime } from 'luxon';
import {
  arr,
  type ConvertOptions,
  emailKey,
  type ImportPlan,
  ident,
  importLimits,
  instant,
  int,
  invalidAt,
  type Json,
  localOf,
  matchUsers,
  NotCarriedLog,
  type OriginalEntry,
  obj,
  optArr,
  optInt,
  optStr,
  type PlanLayer,
  type PlanOverride,
  type PlanPolicy,
  type PlanSchedule,
  pathOf,
  prop,
  restrictionsOfSpans,
  str,
  type WeekSpan,
  wallTime,
  zone,
} from './import-plan.js';

const byDayNames: Record<string, number> = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 };
const frequencyUnit = { hourly: 'hour', daily: 'day', weekly: 'week' } as const;
/** Grafana OnCall's repeat_escalation repeats the chain from its first step, at most 5 times. */
const grafanaRepeats = 5;

function record(v: Json, path: string): Map<string, Json> {
  if (v === undefined || v === null) return new Map();
  const entries = Object.entries(obj(v, path));
  if (entries.length > importLimits.schedules)
    throw invalidAt(path, `must have at most ${importLimits.schedules} keys`);
  return new Map(entries);
}

export function convertGrafanaOnCall(input: Json, options: ConvertOptions): ImportPlan {
  const root = obj(input, '');
  const log = new NotCarriedLog();

  const users = arr(prop(root, 'users'), '/users', importLimits.users).map((uv, i) => {
    const u = obj(uv, pathOf('/users', i));
    return {
      sourceId: ident(prop(u, 'id'), pathOf('/users', i, 'id')),
      name: optStr(prop(u, 'username'), pathOf('/users', i, 'username')),
      email: optStr(prop(u, 'email'), pathOf('/users', i, 'email'), 254),
    };
  });
  const planUsers = matchUsers(users, options.directory, 'grafana-oncall');
  const keyById = new Map(planUsers.map((u) => [u.sourceId, u.key]));
  const userKey = (v: Json, path: string): string => {
    const id = ident(v, path);
    return keyById.get(id) ?? `grafana-oncall:${id}`;
  };

  const shiftsById = new Map<string, { s: Record<string, Json>; path: string }>();
  const shiftList = optArr(
    prop(root, 'on_call_shifts'),
    '/on_call_shifts',
    importLimits.schedules * importLimits.layersPerSchedule,
  );
  for (let i = 0; i < shiftList.length; i += 1) {
    const path = pathOf('/on_call_shifts', i);
    const s = obj(shiftList[i], path);
    shiftsById.set(ident(prop(s, 'id'), pathOf(path, 'id')), { s, path });
  }
  const finalShifts = record(prop(root, 'final_shifts'), '/final_shifts');

  const schedules: PlanSchedule[] = [];
  const originals: ImportPlan['originals'] = [];
  const list = arr(prop(root, 'schedules'), '/schedules', importLimits.schedules);
  for (let si = 0; si < list.length; si += 1) {
    const sPath = pathOf('/schedules', si);
    const sch = obj(list[si], sPath);
    const id = ident(prop(sch, 'id'), pathOf(sPath, 'id'));
    const name = str(prop(sch, 'name'), pathOf(sPath, 'name'));
    const type = optStr(prop(sch, 'type'), pathOf(sPath, 'type'), 16) ?? 'web';
    const timeZone =
      prop(sch, 'time_zone') === undefined || prop(sch, 'time_zone') === null
        ? 'UTC'
        : zone(prop(sch, 'time_zone'), pathOf(sPath, 'time_zone'));
    const where = `schedule "${name}"`;
    if (type === 'ical')
      log.add(
        'its iCal calendar',
        where,
        'the shifts live in an external calendar that is not part of the export; only the final shifts can be compared',
      );
    if (optStr(prop(sch, 'ical_url_overrides'), pathOf(sPath, 'ical_url_overrides'), 2000))
      log.add('overrides from an iCal URL', where, 'the overrides calendar is not part of the export');

    const layered: { layer: PlanLayer; level: number; order: number }[] = [];
    const overrides: PlanOverride[] = [];
    const shiftIds = optArr(prop(sch, 'shifts'), pathOf(sPath, 'shifts'), importLimits.layersPerSchedule * 4);
    for (let k = 0; k < shiftIds.length; k += 1) {
      const shiftId = ident(shiftIds[k], pathOf(sPath, 'shifts', k));
      const found = shiftsById.get(shiftId);
      if (!found) throw invalidAt(pathOf(sPath, 'shifts', k), 'names no shift in on_call_shifts');
      const converted = convertShift(found.s, found.path, timeZone, where, userKey, log, options.now ?? 0);
      if (converted === null) continue;
      if ('override' in converted) overrides.push(converted.override);
      else layered.push({ layer: converted.layer, level: converted.level, order: k });
    }
    const layers = layered.sort((a, b) => a.level - b.level || a.order - b.order).map((l) => l.layer);
    schedules.push({ sourceId: id, name, timeZone, layers, overrides });

    const fs = finalShifts.get(id);
    if (fs !== undefined && fs !== null) {
      const fPath = pathOf('/final_shifts', id);
      const entries: OriginalEntry[] = arr(fs, fPath, importLimits.originalEntries).map((ev, ei) => {
        const ePath = pathOf(fPath, ei);
        const e = obj(ev, ePath);
        const email = optStr(prop(e, 'user_email'), pathOf(ePath, 'user_email'), 254);
        const pk = prop(e, 'user_pk');
        const user = email
          ? emailKey(email)
          : pk === undefined || pk === null
            ? null
            : userKey(pk, pathOf(ePath, 'user_pk'));
        return {
          user,
          start: instant(prop(e, 'shift_start'), pathOf(ePath, 'shift_start')),
          end: instant(prop(e, 'shift_end'), pathOf(ePath, 'shift_end')),
        };
      });
      originals.push({ scheduleSourceId: id, entries });
    }
  }

  const policies = convertChains(root, userKey, log);
  return {
    source: 'grafana-oncall',
    users: planUsers,
    schedules,
    policies,
    notCarried: log.items,
    originals,
  };
}

type ShiftResult = { layer: PlanLayer; level: number } | { override: PlanOverride } | null;

function convertShift(
  s: Record<string, Json>,
  path: string,
  scheduleZone: string,
  scheduleWhere: string,
  userKey: (v: Json, path: string) => string,
  log: NotCarriedLog,
  now: number,
): ShiftResult {
  const name = optStr(prop(s, 'name'), pathOf(path, 'name')) ?? ident(prop(s, 'id'), pathOf(path, 'id'));
  const where = `${scheduleWhere} / shift "${name}"`;
  const type = str(prop(s, 'type'), pathOf(path, 'type'), 32);
  const shiftZoneV = prop(s, 'time_zone');
  const shiftZone =
    shiftZoneV === undefined || shiftZoneV === null
      ? scheduleZone
      : zone(shiftZoneV, pathOf(path, 'time_zone'));
  // A shift's wall times are kept in the schedule's zone: read in its own zone, moved to the schedule's.
  const start = wallTime(prop(s, 'start'), pathOf(path, 'start'), shiftZone).setZone(scheduleZone);
  if (shiftZone !== scheduleZone)
    log.add(
      `the shift's own time zone ${shiftZone}`,
      where,
      `opsdesk layers share the schedule's zone (${scheduleZone}); handoffs kept at their wall time there, which can differ by an hour around DST changes the two zones make on different dates`,
    );
  const duration = int(prop(s, 'duration'), pathOf(path, 'duration'), 60, 366 * 86_400);
  const level = optInt(
    prop(s, 'level'),
    pathOf(path, 'level'),
    -1000,
    1000,
    optInt(prop(s, 'priority_level'), pathOf(path, 'priority_level'), -1000, 1000, 0),
  );

  const usersOf = (): string[] => {
    const us = optArr(prop(s, 'users'), pathOf(path, 'users'), importLimits.participants);
    if (us.length > 1)
      log.add(
        `${us.length} users on each event`,
        where,
        'opsdesk has one person on call per slot; the first user is imported',
      );
    return us.slice(0, 1).map((u, i) => userKey(u, pathOf(path, 'users', i)));
  };

  if (type === 'single_event' || type === 'override') {
    const users =
      type === 'override' && prop(s, 'rolling_users')
        ? rollingUsers(s, path, where, userKey, log)
        : usersOf();
    if (users.length === 0) {
      log.add(
        `${type === 'override' ? 'override' : 'event'} "${name}"`,
        scheduleWhere,
        'it names nobody; not imported',
      );
      return null;
    }
    const end = start.plus({ seconds: duration });
    if (type === 'override')
      return { override: { user: users[0], start: start.toMillis(), end: end.toMillis() } };
    return {
      layer: { kind: 'shifts', name, shifts: [{ user: users[0], start: localOf(start), end: localOf(end) }] },
      level,
    };
  }
  if (type !== 'rolling_users' && type !== 'recurrent_event')
    throw invalidAt(pathOf(path, 'type'), 'must be single_event, recurrent_event, rolling_users or override');

  const frequency = str(prop(s, 'frequency'), pathOf(path, 'frequency'), 16);
  if (frequency === 'monthly') {
    log.add(
      `shift "${name}"`,
      scheduleWhere,
      'a monthly frequency has no equivalent (turns are hours, days or weeks); not imported',
    );
    return null;
  }
  const unit = frequencyUnit[frequency as keyof typeof frequencyUnit];
  if (!unit) throw invalidAt(pathOf(path, 'frequency'), 'must be hourly, daily, weekly or monthly');
  const interval = optInt(prop(s, 'interval'), pathOf(path, 'interval'), 1, 1000, 1);
  if (interval > { hour: 8760, day: 365, week: 52 }[unit])
    throw invalidAt(pathOf(path, 'interval'), 'is too long');
  const participants = type === 'rolling_users' ? rollingUsers(s, path, where, userKey, log) : usersOf();
  if (participants.length === 0) {
    log.add(`shift "${name}"`, scheduleWhere, 'it names nobody; not imported');
    return null;
  }
  const byDay = optArr(prop(s, 'by_day'), pathOf(path, 'by_day'), 7).map((d, i) => {
    const n = byDayNames[str(d, pathOf(path, 'by_day', i), 2)];
    if (!n) throw invalidAt(pathOf(path, 'by_day', i), 'must be MO, TU, WE, TH, FR, SA or SU');
    return n;
  });
  if (
    optArr(prop(s, 'by_month'), pathOf(path, 'by_month'), 12).length > 0 ||
    optArr(prop(s, 'by_monthday'), pathOf(path, 'by_monthday'), 31).length > 0
  )
    log.add('by_month / by_monthday', where, 'month-based recurrence has no equivalent; ignored');

  const turnMinutes = { hour: 60, day: 1440, week: 10_080 }[unit] * interval;
  const durationMinutes = Math.round(duration / 60);
  const startMinute = (start.weekday - 1) * 1440 + start.hour * 60 + start.minute;
  let spans: WeekSpan[] | null = null;
  if (byDay.length > 0) {
    if (unit === 'hour' || interval > 1) {
      log.add(
        'by_day',
        where,
        `by_day with a ${frequency} frequency every ${interval} has no equivalent; imported without the weekday limit`,
      );
    } else {
      spans = byDay.map((d) => ({
        startMinute: (d - 1) * 1440 + start.hour * 60 + start.minute,
        minutes: durationMinutes,
      }));
      if (unit === 'day')
        log.add(
          'daily turns on some weekdays only',
          where,
          'Grafana OnCall hands over on the listed days only; opsdesk turns count every day, so who is on call can differ',
        );
    }
  } else if (durationMinutes < turnMinutes) {
    if (unit === 'day' && interval === 1)
      spans = Array.from({ length: 7 }, (_, d) => ({
        startMinute: d * 1440 + start.hour * 60 + start.minute,
        minutes: durationMinutes,
      }));
    else if (unit === 'week' && interval === 1) spans = [{ startMinute, minutes: durationMinutes }];
    else
      log.add(
        `events of ${durationMinutes} min every ${interval} ${unit}(s)`,
        where,
        'only daily or weekly events can become a restriction; imported as on duty for the whole turn',
      );
  }

  const rotationStartV = prop(s, 'rotation_start');
  if (rotationStartV !== undefined && rotationStartV !== null) {
    const rotationStart = wallTime(rotationStartV, pathOf(path, 'rotation_start'), shiftZone);
    if (rotationStart > start && rotationStart.toMillis() > now)
      log.add(
        'rotation_start',
        where,
        'opsdesk rotations begin at their first handoff; imported from the shift start',
      );
  }
  const untilV = prop(s, 'until');
  const until =
    untilV === undefined || untilV === null
      ? null
      : wallTime(untilV, pathOf(path, 'until'), shiftZone).setZone(scheduleZone);
  if (!start.isValid) throw invalidAt(pathOf(path, 'start'), 'is not a valid time');
  const restrictions = spans === null ? [] : (restrictionsOfSpans(spans) ?? []);
  return {
    layer: {
      kind: 'rotation',
      name,
      start: localOf(start),
      end: until === null ? null : localOf(until as DateTime),
      turn: { unit, count: interval },
      participants,
      restrictions,
    },
    level,
  };
}

function rollingUsers(
  s: Record<string, Json>,
  path: string,
  where: string,
  userKey: (v: Json, path: string) => string,
  log: NotCarriedLog,
): string[] {
  const groups = arr(prop(s, 'rolling_users'), pathOf(path, 'rolling_users'), importLimits.participants);
  const keys: string[] = [];
  let several = false;
  for (let g = 0; g < groups.length; g += 1) {
    const members = arr(groups[g], pathOf(path, 'rolling_users', g), importLimits.participants);
    if (members.length === 0) continue;
    if (members.length > 1) several = true;
    keys.push(userKey(members[0], pathOf(path, 'rolling_users', g, 0)));
  }
  if (several)
    log.add(
      'several users in one rotation slot',
      where,
      'opsdesk has one person on call per turn; the first user of each slot is imported',
    );
  const from = optInt(
    prop(s, 'start_rotation_from_user_index'),
    pathOf(path, 'start_rotation_from_user_index'),
    0,
    importLimits.participants,
    0,
  );
  if (keys.length === 0) return keys;
  const k = from % keys.length;
  return [...keys.slice(k), ...keys.slice(0, k)];
}

function convertChains(
  root: Record<string, Json>,
  userKey: (v: Json, path: string) => string,
  log: NotCarriedLog,
): PlanPolicy[] {
  const chains = optArr(prop(root, 'escalation_chains'), '/escalation_chains', importLimits.policies).map(
    (cv, i) => {
      const c = obj(cv, pathOf('/escalation_chains', i));
      return {
        id: ident(prop(c, 'id'), pathOf('/escalation_chains', i, 'id')),
        name: str(prop(c, 'name'), pathOf('/escalation_chains', i, 'name')),
      };
    },
  );
  const stepsByChain = new Map<
    string,
    { p: Record<string, Json>; path: string; position: number; order: number }[]
  >();
  const list = optArr(
    prop(root, 'escalation_policies'),
    '/escalation_policies',
    importLimits.policies * importLimits.steps,
  );
  for (let i = 0; i < list.length; i += 1) {
    const path = pathOf('/escalation_policies', i);
    const p = obj(list[i], path);
    const chain = ident(prop(p, 'escalation_chain_id'), pathOf(path, 'escalation_chain_id'));
    const position = optInt(prop(p, 'position'), pathOf(path, 'position'), 0, 10_000, i);
    const xs = stepsByChain.get(chain) ?? [];
    if (xs.length >= importLimits.steps)
      throw invalidAt(path, `a chain has at most ${importLimits.steps} steps`);
    xs.push({ p, path, position, order: i });
    stepsByChain.set(chain, xs);
  }

  const policies: PlanPolicy[] = [];
  for (const chain of chains) {
    const where = `escalation chain "${chain.name}"`;
    const steps: PlanPolicy['steps'] = [];
    let repeat = 0;
    let waitedSinceStep = false;
    const add = (targets: PlanPolicy['steps'][number]['targets']) => {
      const last = steps[steps.length - 1];
      // Notify steps with no wait between them fire together: one step of ours.
      if (last && !waitedSinceStep) last.targets.push(...targets);
      else steps.push({ delayMinutes: 0, targets });
      waitedSinceStep = false;
    };
    const ordered = (stepsByChain.get(chain.id) ?? []).sort(
      (a, b) => a.position - b.position || a.order - b.order,
    );
    for (let k = 0; k < ordered.length; k += 1) {
      const { p, path } = ordered[k];
      const type = str(prop(p, 'type'), pathOf(path, 'type'), 64);
      if (repeat > 0) {
        log.add(
          `the "${type}" step after "repeat escalation"`,
          where,
          'Grafana OnCall never reaches it (the chain starts over first); left out',
        );
        continue;
      }
      switch (type) {
        case 'wait': {
          const seconds = int(prop(p, 'duration'), pathOf(path, 'duration'), 0, 86_400);
          if (steps.length === 0) {
            log.add(
              `a ${seconds} s wait before the first notification`,
              where,
              'an opsdesk policy notifies its first step when the incident opens; imported without the wait',
            );
            break;
          }
          if (seconds % 60 !== 0)
            log.add(`a ${seconds} s wait`, where, 'waits are whole minutes; rounded up');
          steps[steps.length - 1].delayMinutes += Math.ceil(seconds / 60);
          waitedSinceStep = true;
          break;
        }
        case 'notify_persons':
        case 'notify_person_next_each_time': {
          const key = type === 'notify_persons' ? 'persons_to_notify' : 'persons_to_notify_next_each_time';
          const persons = arr(prop(p, key), pathOf(path, key), importLimits.targets);
          if (type === 'notify_person_next_each_time')
            log.add(
              'notify the next person each time',
              where,
              'opsdesk notifies every target of a step; imported as notifying all of them',
            );
          if (persons.length > 0)
            add(persons.map((u, i) => ({ kind: 'user' as const, ref: userKey(u, pathOf(path, key, i)) })));
          break;
        }
        case 'notify_on_call_from_schedule':
          add([
            {
              kind: 'schedule',
              ref: ident(
                prop(p, 'notify_on_call_from_schedule'),
                pathOf(path, 'notify_on_call_from_schedule'),
              ),
            },
          ]);
          break;
        case 'notify_user_group':
          add([{ kind: 'group', ref: ident(prop(p, 'group_to_notify'), pathOf(path, 'group_to_notify')) }]);
          break;
        case 'notify_team_members':
          add([{ kind: 'group', ref: ident(prop(p, 'team_to_notify'), pathOf(path, 'team_to_notify')) }]);
          break;
        case 'repeat_escalation':
          repeat = grafanaRepeats;
          break;
        default:
          log.add(
            `the "${type}" step`,
            where,
            'opsdesk policies notify people, schedules and groups and wait; this step has no equivalent and is left out',
          );
      }
      if (prop(p, 'important') === true && type.startsWith('notify'))
        log.add(
          `"important" on the ${type} step`,
          where,
          'opsdesk has one set of notification rules per person; imported as a normal notification',
        );
    }
    if (steps.length === 0) {
      log.add(where, 'escalation chains', 'none of its steps could be imported; not imported');
      continue;
    }
    policies.push({ sourceId: chain.id, name: chain.name, repeat, steps });
  }
  return policies;
}
