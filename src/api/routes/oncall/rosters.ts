// Roster generation over HTTP: a manager posts the people, the coverage and the rules and gets back a layer of
// shifts that meets every rule (with the checker's verdict and fairness figures), or — still 200, since the
// request was understood — `feasible: false` with the rules that cannot be met. Nothing is stored: the layer is
// applied to a schedule through the schedules API.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import { generateRoster, type RosterRequest, rosterLimits, rosterRules } from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { Id, problemResponses } from '../../schemas.js';

const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const WallTime = Type.String({
  pattern: '^\\d{2}:\\d{2}$',
  description: 'local HH:MM (24:00 allowed as an end)',
});
const Hours = Type.Number({ minimum: 0, maximum: 168 });

const TemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    start: WallTime,
    end: WallTime,
    days: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
        minItems: 1,
        maxItems: 7,
        description: 'ISO weekdays the shift starts on (default all)',
      }),
    ),
    required: Type.Optional(Type.Integer({ minimum: 1, maximum: rosterLimits.required, default: 1 })),
    zones: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: rosterLimits.zonesPerTemplate,
        description: 'follow-the-sun: only people whose zone is listed may work it',
      }),
    ),
    skipHolidays: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const TimeOffBody = Type.Union([
  Type.Object(
    { start: Type.String({ maxLength: 40 }), end: Type.String({ maxLength: 40 }) },
    { additionalProperties: false, description: 'instants with an offset, end exclusive' },
  ),
  Type.Object(
    { from: DateText, to: DateText },
    { additionalProperties: false, description: 'local dates, both inclusive' },
  ),
]);

const PersonBody = Type.Object(
  {
    userId: Id,
    zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    maxHoursPerWeek: Type.Optional(Hours),
    timeOff: Type.Optional(Type.Array(TimeOffBody, { maxItems: rosterLimits.timeOffPerPerson })),
  },
  { additionalProperties: false },
);

const RosterBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    period: Type.Object(
      {
        start: DateText,
        end: DateText,
        timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' }),
      },
      { additionalProperties: false },
    ),
    shifts: Type.Array(TemplateBody, { minItems: 1, maxItems: rosterLimits.templates }),
    people: Type.Array(PersonBody, { minItems: 1, maxItems: rosterLimits.people }),
    holidays: Type.Optional(Type.Array(DateText, { maxItems: rosterLimits.holidays })),
    rules: Type.Object(
      {
        maxHoursPerWeek: Type.Number({ minimum: 1, maximum: 168 }),
        minRestHours: Type.Number({ minimum: 0, maximum: 72 }),
        maxConsecutiveNights: Type.Integer({
          minimum: 1,
          maximum: 366,
          description: 'a night shift overlaps 00:00–06:00 local time',
        }),
        maxConsecutiveDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
      },
      { additionalProperties: false },
    ),
    seed: Type.Optional(Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);

const RuleName = Type.Union(rosterRules.map((r) => Type.Literal(r)));
const SlotRefSchema = Type.Object({ template: Type.String(), start: Type.String(), end: Type.String() });
const ViolationSchema = Type.Object({
  rule: RuleName,
  explanation: Type.String(),
  basis: Type.Optional(Type.Union([Type.Literal('proof'), Type.Literal('search')])),
  userId: Type.Optional(Type.Integer()),
  slot: Type.Optional(SlotRefSchema),
  exclusions: Type.Optional(
    Type.Array(Type.Object({ userId: Type.Integer(), rule: RuleName, explanation: Type.String() })),
  ),
});
const Spread = Type.Object({ min: Type.Number(), max: Type.Number(), spread: Type.Number() });
const RosterAnswer = Type.Object({
  feasible: Type.Boolean(),
  layer: Type.Optional(
    Type.Object({
      kind: Type.Literal('shifts'),
      name: Type.String(),
      shifts: Type.Array(
        Type.Object({
          userId: Type.Integer(),
          start: Type.String({ description: 'local YYYY-MM-DDTHH:MM in the period’s zone' }),
          end: Type.String(),
        }),
      ),
    }),
  ),
  stats: Type.Optional(
    Type.Array(
      Type.Object({
        userId: Type.Integer(),
        shifts: Type.Integer(),
        hours: Type.Number({ description: 'real elapsed hours' }),
        nights: Type.Integer(),
        weekends: Type.Integer(),
        holidays: Type.Integer(),
      }),
    ),
  ),
  fairness: Type.Optional(Type.Object({ hours: Spread, nights: Spread, weekends: Spread, holidays: Spread })),
  checks: Type.Optional(
    Type.Object({
      ok: Type.Boolean(),
      rules: Type.Array(Type.Object({ rule: RuleName, ok: Type.Boolean(), violations: Type.Integer() })),
      violations: Type.Array(ViolationSchema),
    }),
  ),
  violations: Type.Optional(Type.Array(ViolationSchema)),
  search: Type.Object({
    slots: Type.Integer(),
    seats: Type.Integer(),
    nodes: Type.Integer(),
    restarts: Type.Integer(),
    improvements: Type.Integer(),
  }),
});

export function rosterRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/rosters/generate',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'Generate a roster that meets every rule, or say which rules cannot be met (feasible: false)',
          description:
            'Hours are real elapsed hours (a night over a DST change counts 7 or 9 h), counted in the ISO week of the shift’s local start date; a night shift overlaps 00:00–06:00 local time; weekend and holiday shifts start on a Saturday, Sunday or holiday. An infeasible request answers 200 with feasible: false and the violations.',
          body: RosterBody,
          response: { 200: RosterAnswer, ...problemResponses },
        },
      },
      async (request) => generateRoster(ctx, requireActor(request), request.body as RosterRequest),
    );
  };
}
