// Opsgenie → import plan: users, schedules with their rotations, time restrictions and overrides, escalations, and
// the schedule timeline (its final schedule) for the comparison. Pure; the input bundles the `data` of these
// documented REST v2 responses (shapes read from docs.opsgenie.com):
//   users        GET /v2/users                          → [{ id, username (the email), fullName }]
//   schedules    GET /v2/schedules?expand=rotation      → [{ id, name, timezone, rotations: [{ id, name, startDate,
//                endDate, type: daily|weekly|hourly, length, participants: [{ type: user|team|escalation|none, id,
//                username|name }], timeRestriction: { type: time-of-day, restriction: { startHour, startMin, endHour,
//                endMin } } | { type: weekday-and-time-of-day, restrictions: [{ startDay, startHour, startMin,
//                endDay, endHour, endMin }] } }] }]    (docs/schedule-api, docs/schedule-rotation-api)
//   overrides    { [scheduleId]: GET /v2/schedules/:id/overrides → [{ alias, user: { type, id, username },
//                startDate, endDate, rotations: [{ id, name }] }] }   (docs/schedule-override-api)
//   escalations  GET /v2/escalations                    → [{ id, name, rules: [{ condition: if-not-acked|if-not-closed,
//                notifyType, delay: { timeAmount, timeUnit }, recipient: { type: user|schedule|team, id, username|name }
//                }], repeat: { waitInterval, count, resetRecipientStates, closeAlertAfterAll } }]  (docs/escalation-api)
//   timelines    { [scheduleId]: GET /v2/schedules/:id/timeline → { startDate, endDate, finalTimeline: { rotations:
//                [{ id, name, order, periods: [{ startDate, endDate, type, recipient: { id, type, name } }] }] } } }
// Opsgenie's semantics that differ from ours, reported in notCarried: every rotation of a schedule is on call at
// once where they overlap (ours: the later layer wins); participants may be teams, escalations or "none".
import {
  arr,
  bool,
  type ConvertOptions,
  emailKey,
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
  type WeekSpan,
  weekdayNames,
  zone,
} from './import-plan.js';

const minutesOfUnit: Record<string, number> = { minutes: 1, hours: 60, days: 1440 };

function record(v: Json, path: string): [string, Json][] {
  if (v === undefined || v === null) return [];
  const o = obj(v, path);
  const entries = Object.entries(o);
  if (entries.length > importLimits.schedules)
    throw invalidAt(path, `must have at most ${importLimits.schedules} keys`);
  return entries;
}

function clockMinute(r: Record<string, Json>, path: string, which: 'start' | 'end'): number {
  const h = int(prop(r, `${which}Hour`), pathOf(path, `${which}Hour`), 0, 24);
  const m = optInt(prop(r, `${which}Min`), pathOf(path, `${which}Min`), 0, 59, 0);
  return h * 60 + m;
}

/** The rotation's time restriction as weekly spans; null: none (on duty all the time). */
function spansOf(tr: Json, path: string): WeekSpan[] | null {
  if (tr === undefined || tr === null) return null;
  const t = obj(tr, path);
  const type = str(prop(t, 'type'), pathOf(path, 'type'), 64);
  if (type === 'time-of-day') {
    const rPath = pathOf(path, 'restriction');
    const r = obj(prop(t, 'restriction'), rPath);
    const start = clockMinute(r, rPath, 'start');
    const end = clockMinute(r, rPath, 'end');
    // An end at or before the start runs past midnight; equal ends mean the whole day.
    const minutes = (end - start + 1440) % 1440 || 1440;
    return Array.from({ length: 7 }, (_, d) => ({ startMinute: d * 1440 + start, minutes }));
  }
  if (type === 'weekday-and-time-of-day') {
    const rs = arr(prop(t, 'restrictions'), pathOf(path, 'restrictions'), importLimits.restrictions);
    return rs.map((rv, i) => {
      const rPath = pathOf(path, 'restrictions', i);
      const r = obj(rv, rPath);
      const day = (key: string) => {
        const name = str(prop(r, key), pathOf(rPath, key), 16).toLowerCase();
        const d = weekdayNames[name];
        if (!d) throw invalidAt(pathOf(rPath, key), 'must be a weekday name (monday … sunday)');
        return d;
      };
      const start = (day('startDay') - 1) * 1440 + clockMinute(r, rPath, 'start');
      const end = (day('endDay') - 1) * 1440 + clockMinute(r, rPath, 'end');
      const minutes = (end - start + 7 * 1440) % (7 * 1440) || 7 * 1440;
      return { startMinute: start, minutes };
    });
  }
  throw invalidAt(pathOf(path, 'type'), 'must be time-of-day or weekday-and-time-of-day');
}

function spansOverlap(a: WeekSpan[] | null, b: WeekSpan[] | null): boolean {
  if (a === null || b === null) return true;
  const week = 7 * 1440;
  const covers = (spans: WeekSpan[], m: number) =>
    spans.some((s) => (((m - s.startMinute) % week) + week) % week < s.minutes);
  // Windows start on whole minutes: checking every span start of each side is enough to find an intersection.
  return a.some((s) => covers(b, s.startMinute % week)) || b.some((s) => covers(a, s.startMinute % week));
}

export function convertOpsgenie(input: Json, options: ConvertOptions): ImportPlan {
  const root = obj(input, '');
  const log = new NotCarriedLog();

  const users = arr(prop(root, 'users'), '/users', importLimits.users).map((uv, i) => {
    const u = obj(uv, pathOf('/users', i));
    const username = str(prop(u, 'username'), pathOf('/users', i, 'username'), 254);
    return {
      sourceId: prop(u, 'id') === undefined ? username : ident(prop(u, 'id'), pathOf('/users', i, 'id')),
      name: optStr(prop(u, 'fullName'), pathOf('/users', i, 'fullName')),
      email: username,
    };
  });
  const planUsers = matchUsers(users, options.directory, 'opsgenie');
  const keyById = new Map(planUsers.map((u) => [u.sourceId, u.key]));
  // Opsgenie usernames are the users' emails; a participant may name one by id, by username or both.
  const personKey = (p: Record<string, Json>, path: string): string => {
    const username = optStr(prop(p, 'username'), pathOf(path, 'username'), 254);
    if (username) return emailKey(username);
    const id = prop(p, 'id');
    if (id !== undefined && id !== null) {
      const key = keyById.get(ident(id, pathOf(path, 'id')));
      if (key) return key;
      return `opsgenie:${ident(id, pathOf(path, 'id'))}`;
    }
    throw invalidAt(path, 'a user needs a username or an id');
  };

  const overridesBySchedule = new Map(record(prop(root, 'overrides'), '/overrides'));
  const timelinesBySchedule = new Map(record(prop(root, 'timelines'), '/timelines'));

  const schedules: PlanSchedule[] = [];
  const scheduleIdByName = new Map<string, string>();
  const originals: ImportPlan['originals'] = [];
  const scheduleList = arr(prop(root, 'schedules'), '/schedules', importLimits.schedules);
  for (let si = 0; si < scheduleList.length; si += 1) {
    const sPath = pathOf('/schedules', si);
    const s = obj(scheduleList[si], sPath);
    const id = ident(prop(s, 'id'), pathOf(sPath, 'id'));
    const name = str(prop(s, 'name'), pathOf(sPath, 'name'));
    const timeZone = zone(prop(s, 'timezone'), pathOf(sPath, 'timezone'));
    scheduleIdByName.set(name, id);
    const where = `schedule "${name}"`;
    if (!bool(prop(s, 'enabled'), pathOf(sPath, 'enabled'), true))
      log.add(
        'the disabled state',
        where,
        'opsdesk schedules are always in use; imported as an active schedule',
      );

    const layers: PlanRotationLayer[] = [];
    const coverage: { name: string; spans: WeekSpan[] | null }[] = [];
    const rotations = optArr(
      prop(s, 'rotations'),
      pathOf(sPath, 'rotations'),
      importLimits.layersPerSchedule,
    );
    for (let ri = 0; ri < rotations.length; ri += 1) {
      const rPath = pathOf(sPath, 'rotations', ri);
      const r = obj(rotations[ri], rPath);
      const rName = optStr(prop(r, 'name'), pathOf(rPath, 'name')) ?? `Rotation ${ri + 1}`;
      const rWhere = `${where} / rotation "${rName}"`;
      const type = str(prop(r, 'type'), pathOf(rPath, 'type'), 16);
      const length = optInt(prop(r, 'length'), pathOf(rPath, 'length'), 1, 8760, 1);
      const unit = ({ hourly: 'hour', daily: 'day', weekly: 'week' } as const)[type as 'hourly'];
      if (!unit) throw invalidAt(pathOf(rPath, 'type'), 'must be daily, weekly or hourly');
      const maxCount = { hour: 8760, day: 365, week: 52 }[unit];
      if (length > maxCount)
        throw invalidAt(pathOf(rPath, 'length'), `must be at most ${maxCount} for ${type}`);
      const start = instant(prop(r, 'startDate'), pathOf(rPath, 'startDate'));
      const endV = prop(r, 'endDate');
      const end = endV === undefined || endV === null ? null : instant(endV, pathOf(rPath, 'endDate'));

      const participants: string[] = [];
      const ps = arr(prop(r, 'participants'), pathOf(rPath, 'participants'), importLimits.participants);
      for (let pi = 0; pi < ps.length; pi += 1) {
        const pPath = pathOf(rPath, 'participants', pi);
        const p = obj(ps[pi], pPath);
        const pType = str(prop(p, 'type'), pathOf(pPath, 'type'), 32);
        if (pType === 'user') participants.push(personKey(p, pPath));
        else if (pType === 'none')
          log.add(
            'a "none" turn',
            rWhere,
            'opsdesk rotations take turns among people only; the empty turn is left out, so later turns move up',
          );
        else if (pType === 'team' || pType === 'escalation')
          log.add(
            `the ${pType} participant "${optStr(prop(p, 'name'), pathOf(pPath, 'name')) ?? '?'}"`,
            rWhere,
            `a rotation turn held by a whole ${pType} cannot be expressed (turns belong to one person); left out`,
          );
        else throw invalidAt(pathOf(pPath, 'type'), 'must be user, team, escalation or none');
      }
      const spans = spansOf(prop(r, 'timeRestriction'), pathOf(rPath, 'timeRestriction'));
      coverage.push({ name: rName, spans });
      if (participants.length === 0) {
        log.add(`rotation "${rName}"`, where, 'it has no user participants left to take turns; not imported');
        continue;
      }
      layers.push({
        kind: 'rotation',
        name: rName,
        start: toLocal(start, timeZone),
        end: end === null ? null : toLocal(end, timeZone),
        turn: { unit, count: length },
        participants,
        restrictions: spans === null ? [] : (restrictionsOfSpans(spans) ?? []),
      });
    }
    for (let a = 0; a < coverage.length; a += 1)
      for (let b = a + 1; b < coverage.length; b += 1)
        if (spansOverlap(coverage[a].spans, coverage[b].spans))
          log.add(
            `rotations "${coverage[a].name}" and "${coverage[b].name}" on call at the same time`,
            where,
            'Opsgenie notifies both where rotations overlap; opsdesk has one person on call, the later rotation (higher layer) wins',
          );

    const overrides: PlanOverride[] = [];
    const ovs = optArr(overridesBySchedule.get(id), pathOf('/overrides', id), importLimits.overrides);
    for (let oi = 0; oi < ovs.length; oi += 1) {
      const oPath = pathOf('/overrides', id, oi);
      const o = obj(ovs[oi], oPath);
      const user = obj(prop(o, 'user'), pathOf(oPath, 'user'));
      const oStart = instant(prop(o, 'startDate'), pathOf(oPath, 'startDate'));
      const oEnd = instant(prop(o, 'endDate'), pathOf(oPath, 'endDate'));
      if (oEnd <= oStart) throw invalidAt(pathOf(oPath, 'endDate'), 'must be after startDate');
      const alias = optStr(prop(o, 'alias'), pathOf(oPath, 'alias')) ?? String(oi + 1);
      if (str(prop(user, 'type'), pathOf(oPath, 'user', 'type'), 16) === 'none') {
        log.add(
          `override "${alias}" to nobody`,
          where,
          'an override hands a window to a person; a window of nobody on call is not imported',
        );
        continue;
      }
      const rots = optArr(prop(o, 'rotations'), pathOf(oPath, 'rotations'), importLimits.layersPerSchedule);
      if (rots.length > 0 && rots.length < layers.length)
        log.add(
          `override "${alias}" of some rotations only`,
          where,
          'opsdesk overrides cover the whole schedule; imported for the whole schedule',
        );
      overrides.push({ user: personKey(user, pathOf(oPath, 'user')), start: oStart, end: oEnd });
    }
    schedules.push({ sourceId: id, name, timeZone, layers, overrides });

    const tl = timelinesBySchedule.get(id);
    if (tl !== undefined && tl !== null)
      originals.push({
        scheduleSourceId: id,
        entries: timelineEntries(tl, pathOf('/timelines', id), personKey),
      });
  }

  const policies: PlanPolicy[] = [];
  const escalations = optArr(prop(root, 'escalations'), '/escalations', importLimits.policies);
  for (let ei = 0; ei < escalations.length; ei += 1) {
    const ePath = pathOf('/escalations', ei);
    const e = obj(escalations[ei], ePath);
    const name = str(prop(e, 'name'), pathOf(ePath, 'name'));
    const where = `escalation "${name}"`;
    const rules = arr(prop(e, 'rules'), pathOf(ePath, 'rules'), importLimits.steps).map((rv, i) => {
      const rPath = pathOf(ePath, 'rules', i);
      const r = obj(rv, rPath);
      const delay = prop(r, 'delay');
      let at = 0;
      if (isObject(delay)) {
        const unit = optStr(prop(delay, 'timeUnit'), pathOf(rPath, 'delay', 'timeUnit'), 16) ?? 'minutes';
        const factor = minutesOfUnit[unit];
        if (!factor) throw invalidAt(pathOf(rPath, 'delay', 'timeUnit'), 'must be minutes, hours or days');
        at = int(prop(delay, 'timeAmount'), pathOf(rPath, 'delay', 'timeAmount'), 0, 100_000) * factor;
      } else if (delay !== undefined && delay !== null)
        throw invalidAt(pathOf(rPath, 'delay'), 'must be an object');
      return { r, rPath, at };
    });
    rules.sort((a, b) => a.at - b.at);
    const steps: PlanPolicy['steps'] = [];
    let stepAt = -1;
    for (const { r, rPath, at } of rules) {
      const condition = optStr(prop(r, 'condition'), pathOf(rPath, 'condition'), 32) ?? 'if-not-acked';
      if (condition === 'if-not-closed')
        log.add(
          `the rule at ${at} min "if not closed"`,
          where,
          'opsdesk escalation stops at acknowledgement; imported as "if not acknowledged"',
        );
      const notifyType = optStr(prop(r, 'notifyType'), pathOf(rPath, 'notifyType'), 32) ?? 'default';
      const recipient = obj(prop(r, 'recipient'), pathOf(rPath, 'recipient'));
      const rType = str(prop(recipient, 'type'), pathOf(rPath, 'recipient', 'type'), 32);
      let target: PlanPolicy['steps'][number]['targets'][number] | null = null;
      if (rType === 'user') target = { kind: 'user', ref: personKey(recipient, pathOf(rPath, 'recipient')) };
      else if (rType === 'schedule') {
        const rid = prop(recipient, 'id');
        const rname = optStr(prop(recipient, 'name'), pathOf(rPath, 'recipient', 'name'));
        const ref =
          rid !== undefined && rid !== null
            ? ident(rid, pathOf(rPath, 'recipient', 'id'))
            : rname
              ? (scheduleIdByName.get(rname) ?? rname)
              : null;
        if (ref === null) throw invalidAt(pathOf(rPath, 'recipient'), 'a schedule needs an id or a name');
        target = { kind: 'schedule', ref };
        if (notifyType !== 'default')
          log.add(
            `notify the "${notifyType}" on-call of a schedule`,
            where,
            'opsdesk notifies who is on call now; imported as the current on-call',
          );
      } else if (rType === 'team') {
        const tname =
          optStr(prop(recipient, 'name'), pathOf(rPath, 'recipient', 'name')) ??
          ident(prop(recipient, 'id'), pathOf(rPath, 'recipient', 'id'));
        target = { kind: 'group', ref: tname };
        if (notifyType !== 'default')
          log.add(
            `notify the team's "${notifyType}"`,
            where,
            "imported as notifying the group; Opsgenie's team member selection is not carried",
          );
      } else
        log.add(
          `a rule notifying a ${rType}`,
          where,
          'only users, schedules and teams can be notified by an opsdesk step; left out',
        );
      if (target === null) continue;
      if (at !== stepAt) {
        if (steps.length === 0 && at > 0)
          log.add(
            `the first rule's wait of ${at} min`,
            where,
            'an opsdesk policy notifies its first step when the incident opens; imported without the wait',
          );
        if (steps.length > 0) steps[steps.length - 1].delayMinutes = at - stepAt;
        steps.push({ delayMinutes: 0, targets: [] });
        stepAt = at;
      }
      steps[steps.length - 1].targets.push(target);
    }
    let repeat = 0;
    const rep = prop(e, 'repeat');
    if (isObject(rep)) {
      const count = optInt(prop(rep, 'count'), pathOf(ePath, 'repeat', 'count'), 0, 20, 0);
      const wait = optInt(prop(rep, 'waitInterval'), pathOf(ePath, 'repeat', 'waitInterval'), 0, 100_000, 0);
      if (count > 0) {
        repeat = count;
        if (steps.length > 0) steps[steps.length - 1].delayMinutes = wait;
      }
      if (bool(prop(rep, 'closeAlertAfterAll'), pathOf(ePath, 'repeat', 'closeAlertAfterAll'), false))
        log.add(
          'closing the alert after all repeats',
          where,
          'opsdesk leaves an unacknowledged incident open after the last repeat',
        );
    }
    if (steps.length === 0) {
      log.add(`escalation "${name}"`, 'escalations', 'none of its rules could be imported; not imported');
      continue;
    }
    policies.push({
      sourceId: prop(e, 'id') === undefined ? name : ident(prop(e, 'id'), pathOf(ePath, 'id')),
      name,
      repeat,
      steps,
    });
  }

  return { source: 'opsgenie', users: planUsers, schedules, policies, notCarried: log.items, originals };
}

/** The timeline's final rotations flattened: every period of a user (Opsgenie may have several at once). */
function timelineEntries(
  tl: Json,
  path: string,
  personKey: (p: Record<string, Json>, path: string) => string,
): OriginalEntry[] {
  const t = obj(tl, path);
  const final = obj(prop(t, 'finalTimeline'), pathOf(path, 'finalTimeline'));
  const entries: OriginalEntry[] = [];
  const rotations = optArr(
    prop(final, 'rotations'),
    pathOf(path, 'finalTimeline', 'rotations'),
    importLimits.layersPerSchedule,
  );
  for (let ri = 0; ri < rotations.length; ri += 1) {
    const rPath = pathOf(path, 'finalTimeline', 'rotations', ri);
    const r = obj(rotations[ri], rPath);
    const periods = optArr(prop(r, 'periods'), pathOf(rPath, 'periods'), importLimits.originalEntries);
    for (let pi = 0; pi < periods.length; pi += 1) {
      const pPath = pathOf(rPath, 'periods', pi);
      const p = obj(periods[pi], pPath);
      const start = instant(prop(p, 'startDate'), pathOf(pPath, 'startDate'));
      const end = instant(prop(p, 'endDate'), pathOf(pPath, 'endDate'));
      if (end <= start) continue;
      const rec = prop(p, 'recipient');
      if (!isObject(rec) || prop(rec, 'type') !== 'user') continue;
      // The timeline names a user by username in `name`.
      const username = optStr(prop(rec, 'name'), pathOf(pPath, 'recipient', 'name'), 254);
      const key = username ? emailKey(username) : personKey(rec, pathOf(pPath, 'recipient'));
      entries.push({ user: key, start, end });
      if (entries.length > importLimits.originalEntries)
        throw invalidAt(path, `must have at most ${importLimits.originalEntries} periods`);
    }
  }
  return entries;
}
