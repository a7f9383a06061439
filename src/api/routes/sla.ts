// SLA routes: business calendars (with .ics import), policies and their order, group OLAs, the escalation
// path, a ticket's clocks and policy, manual escalations and the manager's queue, and the compliance report.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { Invalid } from '../../core/errors.js';
import {
  type Calendar,
  type ClockSummary,
  closeEscalation,
  createCalendar,
  createPolicy,
  deleteCalendar,
  deletePolicy,
  type Escalation,
  escalateTicket,
  getCalendar,
  getEscalationPath,
  getPolicy,
  getSlaReport,
  getTicketSla,
  importCalendarHolidays,
  listCalendars,
  listEscalations,
  listOlas,
  listPolicies,
  orderPolicies,
  requireSla,
  type SlaPolicy,
  setEscalationPath,
  setGroupOla,
  setTicketPolicy,
  type TicketSla,
  updateCalendar,
  updatePolicy,
} from '../../sla/index.js';
import { requireActor } from '../authentication.js';
import {
  Id,
  IdParams,
  IsoTime,
  Nullable,
  problemResponses,
  StatusSchema,
  TicketSlaSchema,
} from '../schemas.js';

// ---- shapes ---------------------------------------------------------------------------------------------

const HoursSchema = Type.Object({
  day: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }),
  start: Type.String({ pattern: '^\\d\\d:\\d\\d$', description: 'local HH:MM' }),
  end: Type.String({ pattern: '^\\d\\d:\\d\\d$', description: 'local HH:MM (24:00 allowed)' }),
});
const HolidaySchema = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\d$' }),
  name: Type.String({ maxLength: 200 }),
  yearly: Type.Boolean({ default: false }),
});
const CalendarBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
  alwaysOpen: Type.Optional(Type.Boolean({ description: '24/7' })),
  hours: Type.Optional(Type.Array(HoursSchema, { maxItems: 100 })),
  holidays: Type.Optional(Type.Array(HolidaySchema, { maxItems: 2000 })),
});
const CalendarSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  timeZone: Type.String(),
  alwaysOpen: Type.Boolean(),
  hours: Type.Array(HoursSchema),
  holidays: Type.Array(HolidaySchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const TargetName = Type.Union([
  Type.Literal('first_response'),
  Type.Literal('next_response'),
  Type.Literal('resolution'),
]);
const TargetBody = Type.Object({
  minutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
  calendarId: Type.Optional(Nullable(Id)),
  warnPercent: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 99 }))),
  pauseStatuses: Type.Optional(Type.Array(StatusSchema, { maxItems: 6 })),
});
const TargetSchema = Type.Object({
  minutes: Type.Integer(),
  calendarId: Nullable(Type.Integer()),
  warnPercent: Nullable(Type.Integer()),
  pauseStatuses: Type.Array(StatusSchema),
});
const ActionSchema = Type.Union([
  Type.Object({
    type: Type.Literal('notify'),
    who: Type.Union([Type.Literal('assignee'), Type.Literal('group'), Type.Literal('manager')]),
  }),
  Type.Object({ type: Type.Literal('reassign'), groupId: Id }),
  Type.Object({ type: Type.Literal('raise_priority') }),
]);
const LevelSchema = Type.Object({
  level: Type.Integer({ minimum: 1, maximum: 20 }),
  target: TargetName,
  offsetMinutes: Type.Integer({
    minimum: -525_600,
    maximum: 525_600,
    description: 'business minutes relative to the due time: negative before the breach, positive after',
  }),
  actions: Type.Array(ActionSchema, { maxItems: 10 }),
});
const ConditionsSchema = Type.Object({
  priorities: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 5 }), { maxItems: 5 })),
  categoryIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  types: Type.Optional(
    Type.Array(Type.Union([Type.Literal('incident'), Type.Literal('request')]), { maxItems: 2 }),
  ),
  requesterGroupIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
});
const PolicyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  active: Type.Optional(Type.Boolean()),
  conditions: Type.Optional(ConditionsSchema),
  targets: Type.Object({
    first_response: Type.Optional(TargetBody),
    next_response: Type.Optional(TargetBody),
    resolution: Type.Optional(TargetBody),
  }),
  levels: Type.Optional(Type.Array(LevelSchema, { maxItems: 30 })),
});
const PolicySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  position: Type.Integer(),
  active: Type.Boolean(),
  conditions: ConditionsSchema,
  targets: Type.Object({
    first_response: Type.Optional(TargetSchema),
    next_response: Type.Optional(TargetSchema),
    resolution: Type.Optional(TargetSchema),
  }),
  levels: Type.Array(LevelSchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const OlaSchema = Type.Object({
  groupId: Type.Integer(),
  minutes: Type.Integer(),
  calendarId: Nullable(Type.Integer()),
  warnPercent: Nullable(Type.Integer()),
  pauseStatuses: Type.Array(StatusSchema),
});
const EscalationSchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  kind: Type.Union([Type.Literal('manual'), Type.Literal('automatic')]),
  level: Type.Integer(),
  target: Nullable(Type.String()),
  reason: Type.String(),
  fromGroupId: Nullable(Type.Integer()),
  toGroupId: Nullable(Type.Integer()),
  toManager: Type.Boolean(),
  actorId: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('handed_on')]),
  createdAt: IsoTime,
  closedAt: Nullable(IsoTime),
  closedBy: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
});
const ComplianceSchema = Type.Object({
  met: Type.Integer(),
  breached: Type.Integer(),
  open: Type.Integer(),
  percent: Nullable(Type.Number()),
  averageMarginSeconds: Nullable(Type.Integer()),
});
const ComplianceRowSchema = Type.Object({
  key: Nullable(Type.Integer()),
  name: Type.String(),
  tickets: Type.Integer(),
  firstResponse: ComplianceSchema,
  resolution: ComplianceSchema,
});
const ReportSchema = Type.Object({
  from: IsoTime,
  to: IsoTime,
  groupBy: Type.String(),
  total: ComplianceRowSchema,
  rows: Type.Array(ComplianceRowSchema),
  breaches: Type.Array(
    Type.Object({
      ticketId: Type.Integer(),
      title: Type.String(),
      target: Type.String(),
      policyId: Nullable(Type.Integer()),
      groupId: Nullable(Type.Integer()),
      assigneeId: Nullable(Type.Integer()),
      dueAt: Nullable(IsoTime),
      achievedAt: Nullable(IsoTime),
      overdueSeconds: Nullable(Type.Integer()),
      cause: Type.String(),
    }),
  ),
});

// ---- views ----------------------------------------------------------------------------------------------

const seconds = (ms: number | null) => (ms === null ? null : Math.trunc(ms / 1000));
const minutes = (ms: number | null) => (ms === null ? null : Math.trunc(ms / 60_000));

function clockView(c: ClockSummary) {
  return {
    target: c.target,
    phase: c.phase,
    cycle: c.cycle,
    groupId: c.groupId,
    startedAt: toIso(c.startedAt),
    dueAt: toIso(c.dueAt),
    warnAt: toIso(c.warnAt),
    targetSeconds: seconds(c.targetMs) ?? 0,
    elapsedSeconds: seconds(c.elapsedMs) ?? 0,
    remainingSeconds: seconds(c.remainingMs) ?? 0,
    pausedSeconds: seconds(c.pausedMs) ?? 0,
    warned: c.warned,
    breached: c.breached,
    achievedAt: toIso(c.achievedAt),
    achievedMinutes: minutes(c.achievedMs),
    marginMinutes: minutes(c.marginMs),
  };
}

/** A ticket's SLA as the API shows it: due times in ISO 8601 up front, every clock below. */
export function slaView(s: TicketSla): Static<typeof TicketSlaSchema> {
  const due = (target: string) => toIso(s.clocks.find((c) => c.target === target)?.dueAt ?? null);
  return {
    policyId: s.policyId,
    policyName: s.policyName,
    pinned: s.pinned,
    computedAt: toIso(s.computedAt),
    firstResponseDueAt: due('first_response'),
    nextResponseDueAt: due('next_response'),
    resolutionDueAt: due('resolution'),
    breached: s.clocks.some((c) => c.breached && c.phase !== 'inactive'),
    clocks: s.clocks.map(clockView),
  };
}

function calendarView(c: Calendar) {
  return { ...c, createdAt: toIso(c.createdAt), updatedAt: toIso(c.updatedAt) };
}

function policyView(p: SlaPolicy) {
  return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}

function escalationView(e: Escalation) {
  return { ...e, createdAt: toIso(e.createdAt), closedAt: toIso(e.closedAt) };
}

function parseTime(name: string, v: string): number {
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) {
    throw new Invalid('validation_failed', `${name}: must be an ISO 8601 time`, [
      { field: `querystring/${name}`, message: 'must be an ISO 8601 time' },
    ]);
  }
  return ms;
}

const GroupParams = Type.Object({ groupId: Id });

export function slaRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // An .ics file may be posted as it is.
    app.addContentTypeParser(['text/calendar', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    // -- calendars
    app.get(
      '/api/v1/sla/calendars',
      {
        schema: {
          tags: ['sla'],
          summary: 'Business calendars',
          response: { 200: Type.Object({ items: Type.Array(CalendarSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listCalendars(ctx, requireActor(request))).map(calendarView) }),
    );
    app.post(
      '/api/v1/sla/calendars',
      {
        schema: {
          tags: ['sla'],
          summary: 'Define a business calendar: time zone, weekly hours (split shifts), holidays, or 24/7',
          body: CalendarBody,
          response: { 201: CalendarSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(calendarView(await createCalendar(ctx, requireActor(request), request.body))),
    );
    app.get(
      '/api/v1/sla/calendars/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'One business calendar',
          params: IdParams,
          response: { 200: CalendarSchema, ...problemResponses },
        },
      },
      async (request) => calendarView(await getCalendar(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/sla/calendars/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change a business calendar (open clocks are recomputed)',
          params: IdParams,
          body: Type.Partial(CalendarBody, { minProperties: 1 }),
          response: { 200: CalendarSchema, ...problemResponses },
        },
      },
      async (request) =>
        calendarView(await updateCalendar(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/sla/calendars/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Delete an unused calendar',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteCalendar(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/v1/sla/calendars/:id/holidays/import',
      {
        schema: {
          tags: ['sla'],
          summary: 'Import holidays from iCalendar (.ics): send the file as text/calendar, or JSON {ics}',
          params: IdParams,
          consumes: ['text/calendar', 'application/json'],
          response: {
            200: Type.Object({ imported: Type.Integer(), calendar: CalendarSchema }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const body = request.body as unknown;
        const text = typeof body === 'string' ? body : (body as { ics?: unknown } | null)?.ics;
        if (typeof text !== 'string' || text.length === 0 || text.length > 2_000_000) {
          throw new Invalid('invalid_ics', 'Send the .ics file as text/calendar, or JSON {"ics": "..."}.');
        }
        const r = await importCalendarHolidays(ctx, requireActor(request), request.params.id, text);
        return { imported: r.imported, calendar: calendarView(r.calendar) };
      },
    );

    // -- policies
    app.get(
      '/api/v1/sla/policies',
      {
        schema: {
          tags: ['sla'],
          summary: 'SLA policies, in the order they are tried',
          response: { 200: Type.Object({ items: Type.Array(PolicySchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listPolicies(ctx, requireActor(request))).map(policyView) }),
    );
    app.post(
      '/api/v1/sla/policies',
      {
        schema: {
          tags: ['sla'],
          summary: 'Define an SLA policy (appended last in the order)',
          body: PolicyBody,
          response: { 201: PolicySchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(policyView(await createPolicy(ctx, requireActor(request), request.body))),
    );
    app.put(
      '/api/v1/sla/policies/order',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set the order in which policies are tried (every policy id, first to last)',
          body: Type.Object({ ids: Type.Array(Id, { maxItems: 1000 }) }),
          response: { 200: Type.Object({ items: Type.Array(PolicySchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await orderPolicies(ctx, requireActor(request), request.body.ids)).map(policyView),
      }),
    );
    app.get(
      '/api/v1/sla/policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'One SLA policy',
          params: IdParams,
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) => policyView(await getPolicy(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/sla/policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change an SLA policy (open clocks are recomputed; pauses already served are kept)',
          params: IdParams,
          body: Type.Partial(PolicyBody, { minProperties: 1 }),
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) =>
        policyView(await updatePolicy(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/sla/policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Delete an SLA policy',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deletePolicy(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    // -- OLAs and the escalation path
    app.get(
      '/api/v1/sla/olas',
      {
        schema: {
          tags: ['sla'],
          summary: 'Internal resolution targets per group (OLAs), counted from the group’s assignment',
          response: { 200: Type.Object({ items: Type.Array(OlaSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: await listOlas(ctx, requireActor(request)) }),
    );
    app.put(
      '/api/v1/sla/olas/:groupId',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set a group’s OLA',
          params: GroupParams,
          body: TargetBody,
          response: { 200: OlaSchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const ola = await setGroupOla(ctx, requireActor(request), request.params.groupId, {
          minutes: b.minutes,
          calendarId: b.calendarId ?? null,
          warnPercent: b.warnPercent ?? null,
          pauseStatuses: b.pauseStatuses,
        });
        return ola!;
      },
    );
    app.delete(
      '/api/v1/sla/olas/:groupId',
      {
        schema: {
          tags: ['sla'],
          summary: 'Remove a group’s OLA',
          params: GroupParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await setGroupOla(ctx, requireActor(request), request.params.groupId, null);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/sla/escalation-path',
      {
        schema: {
          tags: ['sla'],
          summary: 'The hierarchical escalation path of groups (then the manager)',
          response: { 200: Type.Object({ groupIds: Type.Array(Type.Integer()) }), ...problemResponses },
        },
      },
      async (request) => {
        requireSla(requireActor(request), 'sla.read');
        return { groupIds: await getEscalationPath(ctx.db) };
      },
    );
    app.put(
      '/api/v1/sla/escalation-path',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set the escalation path, e.g. [Service Desk L1, Infrastructure L2]',
          body: Type.Object({ groupIds: Type.Array(Id, { maxItems: 20 }) }),
          response: { 200: Type.Object({ groupIds: Type.Array(Type.Integer()) }), ...problemResponses },
        },
      },
      async (request) => ({
        groupIds: await setEscalationPath(ctx, requireActor(request), request.body.groupIds),
      }),
    );

    // -- a ticket's clocks, policy and escalations
    app.get(
      '/api/v1/tickets/:id/sla',
      {
        schema: {
          tags: ['sla'],
          summary: 'A ticket’s SLA clocks, computed now from its history',
          params: IdParams,
          response: { 200: TicketSlaSchema, ...problemResponses },
        },
      },
      async (request) => slaView(await getTicketSla(ctx, requireActor(request), request.params.id)),
    );
    app.put(
      '/api/v1/tickets/:id/sla',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Pin an SLA policy to a ticket (null: back to the conditions); pauses already served are kept',
          params: IdParams,
          body: Type.Object({ policyId: Nullable(Id) }),
          response: { 200: TicketSlaSchema, ...problemResponses },
        },
      },
      async (request) => {
        const sla = await setTicketPolicy(
          ctx,
          requireActor(request),
          request.params.id,
          request.body.policyId,
        );
        ctx.events.nudge();
        return slaView(sla);
      },
    );
    app.post(
      '/api/v1/tickets/:id/escalations',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Escalate a ticket by hand, with a reason: to the next group on the path (or a given one), or to the manager',
          params: IdParams,
          body: Type.Object({
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
            to: Type.Union([Type.Literal('group'), Type.Literal('manager')]),
            groupId: Type.Optional(Id),
          }),
          response: { 201: EscalationSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            escalationView(await escalateTicket(ctx, requireActor(request), request.params.id, request.body)),
          ),
    );
    app.get(
      '/api/v1/tickets/:id/escalations',
      {
        schema: {
          tags: ['sla'],
          summary: 'A ticket’s escalations, manual and automatic',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(EscalationSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listEscalations(ctx, requireActor(request), { ticketId: request.params.id })).map(
          escalationView,
        ),
      }),
    );

    // -- the escalation queue
    app.get(
      '/api/v1/sla/escalations',
      {
        schema: {
          tags: ['sla'],
          summary: 'The escalation queue (toManager=true: the manager’s), oldest first',
          querystring: Type.Object({
            status: Type.Optional(
              Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('handed_on')]),
            ),
            toManager: Type.Optional(Type.Boolean()),
            groupId: Type.Optional(Id),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
          }),
          response: { 200: Type.Object({ items: Type.Array(EscalationSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listEscalations(ctx, requireActor(request), request.query)).map(escalationView),
      }),
    );
    app.post(
      '/api/v1/sla/escalations/:id/resolve',
      {
        schema: {
          tags: ['sla'],
          summary: 'The manager resolves an escalation, with a note',
          params: IdParams,
          body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 1000 }) }),
          response: { 200: EscalationSchema, ...problemResponses },
        },
      },
      async (request) =>
        escalationView(
          await closeEscalation(ctx, requireActor(request), request.params.id, {
            outcome: 'resolved',
            note: request.body.note,
          }),
        ),
    );
    app.post(
      '/api/v1/sla/escalations/:id/hand-on',
      {
        schema: {
          tags: ['sla'],
          summary: 'The manager hands an escalated ticket on to a group, with a note',
          params: IdParams,
          body: Type.Object({ groupId: Id, note: Type.String({ minLength: 1, maxLength: 1000 }) }),
          response: { 200: EscalationSchema, ...problemResponses },
        },
      },
      async (request) =>
        escalationView(
          await closeEscalation(ctx, requireActor(request), request.params.id, {
            outcome: 'handed_on',
            note: request.body.note,
            groupId: request.body.groupId,
          }),
        ),
    );

    // -- compliance
    app.get(
      '/api/v1/reports/sla',
      {
        schema: {
          tags: ['reports'],
          summary:
            'SLA compliance (first response and resolution) per policy, group or technician, and the breaches with their causes',
          querystring: Type.Object({
            from: Type.String({ maxLength: 40 }),
            to: Type.String({ maxLength: 40 }),
            groupBy: Type.Union([Type.Literal('policy'), Type.Literal('group'), Type.Literal('technician')], {
              default: 'policy',
            }),
          }),
          response: { 200: ReportSchema, ...problemResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const r = await getSlaReport(ctx, requireActor(request), {
          from: parseTime('from', q.from),
          to: parseTime('to', q.to),
          groupBy: q.groupBy,
        });
        return {
          ...r,
          from: toIso(r.from),
          to: toIso(r.to),
          breaches: r.breaches.map((b) => ({ ...b, dueAt: toIso(b.dueAt), achievedAt: toIso(b.achievedAt) })),
        };
      },
    );
  };
}
