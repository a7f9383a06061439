// The push URL of heartbeat checks: a job calls it (GET or POST) when it ran. No sign-in: the token in the path is
// the secret. Small bodies only; an unknown token is a plain 404.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { receiveHeartbeat } from '../../../monitoring/index.js';
import { IsoTime, problemResponses } from '../../schemas.js';

const Params = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) });
const Beat = Type.Object({ ok: Type.Boolean(), at: IsoTime });

export function heartbeatRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const method of ['GET', 'POST'] as const)
      app.route({
        method,
        url: '/api/v1/heartbeats/:token',
        config: { public: true },
        bodyLimit: 4096,
        schema: {
          tags: ['monitoring'],
          summary: 'A beat of a heartbeat check (no sign-in: the token is the secret)',
          params: Params,
          response: { 200: Beat, ...problemResponses },
        },
        handler: async (request) => {
          const beat = await receiveHeartbeat(ctx, request.params.token);
          return { ok: true, at: toIso(beat.at) };
        },
      });
  };
}
