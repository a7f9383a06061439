// The live tail (staff): GET /api/v1/logs/tail, server-sent events of the records stored after the stream opened
// that match its filter (the search's, without paging), one `data:` line per record. One poller per instance
// (LogTail) reads the shared table, so records any instance stores arrive. Each stream's session and role are
// re-checked periodically and whenever an authentication changes in this process: a demoted or signed-out user's
// stream ends. A client that does not read is dropped rather than buffered without bound.
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type Actor, onAuthenticationsChanged, reauthenticate } from '../../../core/auth/index.js';
import type { ServiceContext } from '../../../core/context.js';
import { RateLimited } from '../../../core/errors.js';
import { canLogs, LogTail, requireLogs, type TailOptions } from '../../../logs/index.js';
import { requireActor } from '../../authentication.js';
import { problemResponses } from '../../schemas.js';
import { filterFields, filterOf, recordView, tags } from './log-schemas.js';

export interface LogTailRouteOptions extends TailOptions {
  /** How often each stream's session and role are re-read (and an idle stream gets a comment line). */
  recheckMs?: number;
  /** Bytes a stream may have waiting unsent before its client is dropped as too slow. */
  maxBufferedBytes?: number;
}

interface Client {
  actor: Actor;
  res: ServerResponse;
  token: string | null;
  via: 'cookie' | 'bearer';
  end: () => void;
}

export function logTailRoutes(
  ctx: ServiceContext,
  options: LogTailRouteOptions = {},
): FastifyPluginAsyncTypebox {
  const recheckMs = options.recheckMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1_048_576;
  const tail = new LogTail(ctx, options);
  const clients = new Set<Client>();

  async function recheck(client: Client): Promise<boolean> {
    const fresh = client.token ? await reauthenticate(ctx, client.token, client.via).catch(() => null) : null;
    if (!fresh || fresh.role !== client.actor.role || !canLogs(fresh, 'logs.read')) {
      client.end();
      return false;
    }
    client.actor = fresh;
    return true;
  }

  const stopListening = onAuthenticationsChanged(ctx, () => {
    for (const c of clients) void recheck(c);
  });

  return async (app) => {
    app.addHook('preClose', async () => {
      stopListening();
      for (const c of [...clients]) c.end();
      tail.stop();
      await tail.idle();
    });

    app.get(
      '/api/v1/logs/tail',
      {
        schema: {
          tags,
          summary:
            'Server-sent events: log records stored from now on that match the filter (staff; event data: a record as the search returns it). Ends when the session ends or the role changes; a user may hold OPSDESK_LIVE_STREAMS_PER_USER open.',
          querystring: Type.Object(filterFields),
          response: { 200: Type.String({ description: 'text/event-stream' }), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireLogs(actor, 'logs.read');
        const filter = filterOf(request.query);
        let open = 0;
        for (const c of clients) if (c.actor.id === actor.id) open++;
        if (open >= ctx.config.liveStreamsPerUser)
          throw new RateLimited(
            'too_many_streams',
            `You have ${open} log tails open already (the most one user may hold); close one first.`,
            30,
          );
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let unsubscribe: (() => void) | null = null;
        let ended = false;
        const beat = setInterval(() => {
          void (async () => {
            if (await recheck(client)) res.write(': heartbeat\n\n');
          })();
        }, recheckMs);
        beat.unref();
        const client: Client = {
          actor,
          res,
          token: request.presentedToken,
          via: actor.via === 'cookie' ? 'cookie' : 'bearer',
          end: () => {
            if (ended) return;
            ended = true;
            clearInterval(beat);
            clients.delete(client);
            unsubscribe?.();
            res.end();
          },
        };
        clients.add(client);
        request.raw.on('close', client.end);
        res.on('close', client.end);
        res.on('error', client.end);
        try {
          unsubscribe = await tail.subscribe({
            filter,
            send: (records) => {
              if (ended) return;
              let frame = '';
              for (const r of records) frame += `id: ${r.id}\ndata: ${JSON.stringify(recordView(r))}\n\n`;
              res.write(frame);
              // A client that does not read: drop it rather than hold an ever-growing buffer.
              if (res.writableLength > maxBuffered) client.end();
            },
          });
        } catch (err) {
          ctx.log.error({ err }, 'log tail: a stream could not start');
          client.end();
          return;
        }
        if (ended) unsubscribe();
        else res.write('retry: 2000\n: connected\n\n');
      },
    );
  };
}
