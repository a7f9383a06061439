// Live updates for the web app: a server-sent event stream of ticket changes. One subscriber on the event
// bus fans each ticket event out to the connected users allowed to see that ticket (the help desk's
// canSeeTicket; never internal notes to requesters) with the actor's name and a one-line summary
// (describeTicketEvent), so a list or ticket page can refresh and say who changed what. Staff also get
// monitoring's changes (a check's state, an alert firing or resolving: kind, target and time only), so the
// status board and target pages refresh when something changes rather than on a timer. Each batch of events
// and each heartbeat re-reads every stream's session and role from the database.

import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type Actor, isStaff, onAuthenticationsChanged, reauthenticate } from '../../core/auth/index.js';
import type { ServiceContext } from '../../core/context.js';
import { detachedFromTransaction } from '../../core/db/index.js';
import { RateLimited } from '../../core/errors.js';
import type { StoredEvent } from '../../core/events.js';
import { audienceIncludes, describeTicketEvent, ticketAudience } from '../../helpdesk/index.js';
import { canMonitor } from '../../monitoring/index.js';
import { requireActor } from '../authentication.js';
import { problemResponses } from '../schemas.js';

export interface LiveOptions {
  /** How often an idle stream gets a comment line, so proxies and browsers keep it open. */
  heartbeatMs?: number;
  /** The event subscriber's name; a second stream server on the same context (tests) needs its own. */
  subscriberName?: string;
}

interface Client {
  /** As of the last re-check. */
  actor: Actor;
  res: ServerResponse;
  token: string | null;
  via: 'cookie' | 'bearer';
}

/** Monitoring's events the stream passes on to staff. */
const monitoringEvents = ['check.state_changed', 'alert.firing', 'alert.resolved'] as const;
type MonitoringEvent = StoredEvent<(typeof monitoringEvents)[number]>;

function isMonitoringEvent(event: StoredEvent): event is MonitoringEvent {
  return (monitoringEvents as readonly string[]).includes(event.type);
}

/** A monitoring event as the stream tells it: its kind, the target it concerns (if any) and when. */
function monitoringChange(event: MonitoringEvent): {
  type: string;
  targetId: number | null;
  at: string;
} {
  const p = event.payload;
  const at = 'at' in p ? p.at : event.createdAt;
  return { type: event.type, targetId: p.targetId ?? null, at: new Date(at).toISOString() };
}

export function liveRoutes(ctx: ServiceContext, options: LiveOptions = {}): FastifyPluginAsyncTypebox {
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const clients = new Set<Client>();
  // Events are fanned out in order, in batches, after the relay's pass: the subscriber only queues, so it
  // never touches ctx.db while the relay holds the connection.
  let chain: Promise<void> = Promise.resolve();
  let pending: StoredEvent[] = [];
  let recheckQueued = false;

  function close(client: Client): void {
    clients.delete(client);
    client.res.end();
  }

  /**
   * Re-read the client's session and user from the database (past the auth cache, so a change made by
   * another instance counts too): an ended session, a deactivated user or a changed role ends the stream —
   * the web app reconnects and gets what its new role may see.
   */
  async function recheck(client: Client): Promise<boolean> {
    const fresh = client.token ? await reauthenticate(ctx, client.token, client.via).catch(() => null) : null;
    if (!fresh || fresh.role !== client.actor.role) {
      close(client);
      return false;
    }
    client.actor = fresh;
    return true;
  }

  async function recheckAll(): Promise<void> {
    await Promise.all([...clients].map(recheck));
  }

  // Queued work of its own, not the relay's transaction's (it runs after it, through ctx.db).
  function enqueue(work: () => Promise<void>): void {
    detachedFromTransaction(() => {
      chain = chain.then(work).catch((err) => ctx.log.error({ err }, 'live stream work failed'));
    });
  }

  async function drain(): Promise<void> {
    const batch = pending;
    pending = [];
    if (clients.size === 0) return;
    // Once per batch, before any of its events goes out.
    await recheckAll();
    for (const event of batch) await fanOut(event);
  }

  async function fanOut(event: StoredEvent): Promise<void> {
    if (clients.size === 0) return;
    if (isMonitoringEvent(event)) {
      // What changed and on which target, no more (an alert's labels and annotations are read through the API):
      // a board or target page refreshes itself. Only to those who may read monitoring.
      const frame = `id: ${event.id}\nevent: monitoring\ndata: ${JSON.stringify(monitoringChange(event))}\n\n`;
      for (const c of clients) if (canMonitor(c.actor, 'target.read')) c.res.write(frame);
      return;
    }
    if (event.subjectType !== 'ticket') return;
    const ticketId = Number(event.subjectId);
    const [audience, live] = await Promise.all([
      ticketAudience(ctx.db, ticketId),
      describeTicketEvent(ctx.db, event),
    ]);
    if (!audience) return;
    const frame = `id: ${event.id}\nevent: ticket\ndata: ${JSON.stringify(live)}\n\n`;
    for (const c of clients) {
      if (!audienceIncludes(audience, c.actor) || (live.internal && !isStaff(c.actor))) continue;
      c.res.write(frame);
    }
  }

  // Every instance's streams get every instance's events (a ticket changed through another instance behind the
  // balancer). Events that may have been missed end every stream: the web app reconnects and refreshes.
  const unsubscribe = ctx.events.onEveryInstance(
    options.subscriberName ?? 'live-stream',
    ['ticket.created', 'ticket.updated', 'ticket.commented', ...monitoringEvents],
    (event) => {
      const first = pending.length === 0;
      pending.push(event);
      if (first) enqueue(drain);
    },
    {
      gap: () => {
        for (const c of clients) close(c);
      },
    },
  );

  // A logout, password change, role change or deactivation in this process: re-check every stream at once,
  // ahead of any event queued after it.
  const stopListening = onAuthenticationsChanged(ctx, () => {
    if (recheckQueued || clients.size === 0) return;
    recheckQueued = true;
    enqueue(async () => {
      recheckQueued = false;
      await recheckAll();
    });
  });

  return async (app) => {
    // Ready once it hears other instances' events.
    app.addHook('onReady', () => ctx.events.everyInstanceReady());
    app.addHook('preClose', async () => {
      unsubscribe();
      stopListening();
      for (const c of clients) c.res.end();
      clients.clear();
    });

    app.get(
      '/api/v1/events/stream',
      {
        schema: {
          tags: ['live'],
          summary:
            'Server-sent events: ticket changes the signed-in user may see (event "ticket", JSON data with actor and summary); for staff, monitoring changes (event "monitoring": a check\'s state changed or an alert fired or resolved, with its type, target id and time). The stream ends when the session ends or the role changes; a user may hold OPSDESK_LIVE_STREAMS_PER_USER open.',
          response: { 200: Type.String({ description: 'text/event-stream' }), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        let open = 0;
        for (const c of clients) if (c.actor.id === actor.id) open++;
        if (open >= ctx.config.liveStreamsPerUser) {
          throw new RateLimited(
            'too_many_streams',
            `You have ${open} live streams open already (the most one user may hold); close a tab or window first.`,
            30,
          );
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 2000\n: connected\n\n');
        const client: Client = {
          actor,
          res,
          token: request.presentedToken,
          via: actor.via === 'cookie' ? 'cookie' : 'bearer',
        };
        clients.add(client);
        // Each heartbeat re-checks the session and role from the database, as each batch of events does.
        const beat = setInterval(() => {
          void (async () => {
            if (await recheck(client)) res.write(': heartbeat\n\n');
          })();
        }, heartbeatMs);
        beat.unref();
        const cleanup = () => {
          clearInterval(beat);
          clients.delete(client);
        };
        request.raw.on('close', cleanup);
        res.on('close', cleanup);
        res.on('error', cleanup);
      },
    );
  };
}
