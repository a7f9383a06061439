// SLA routes for one ticket: its clocks computed now, and the policy pinned to it.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { type ClockSummary, getTicketSla, setTicketPolicy, type TicketSla } from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, Nullable, problemResponses, TicketSlaSchema } from '../../schemas.js';

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

export function ticketSlaRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
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
  };
}
