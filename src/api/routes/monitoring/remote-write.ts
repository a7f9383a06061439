// The Prometheus remote-write 1.0 receiver, POST /api/v1/prom/write: snappy-compressed protobuf from Prometheus,
// Grafana Agent or the OpenTelemetry Collector, with a staff member's API token as Bearer. 204 when every sample was
// stored; 400 problem+json (the spec's "do not retry") for an undecodable body or when some samples were refused,
// the rest being stored. The protobuf content type is parsed only inside this plugin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import { countPayloadRefused, receiveRemoteWrite, remoteWriteLimits } from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { problemResponses } from '../../schemas.js';

export function remoteWriteRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(
      'application/x-protobuf',
      { parseAs: 'buffer', bodyLimit: remoteWriteLimits.compressedBytes },
      (_req, body, done) => done(null, body),
    );
    // Refusals Fastify makes before the handler (a body over the limit, another content type) are counted too.
    app.addHook('onError', async (request, _reply, error) => {
      if (request.routeOptions.url !== '/api/v1/prom/write') return;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') countPayloadRefused(ctx, 'payload_too_large');
      else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        countPayloadRefused(ctx, 'unsupported_content_type');
    });

    app.post(
      '/api/v1/prom/write',
      {
        bodyLimit: remoteWriteLimits.compressedBytes,
        config: { ingestChannel: 'remote_write' },
        schema: {
          tags: ['monitoring'],
          summary:
            'Prometheus remote-write 1.0 (Content-Type: application/x-protobuf, Content-Encoding: snappy); staff tokens',
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await receiveRemoteWrite(ctx, requireActor(request), {
          body: request.body as Buffer,
          contentEncoding: request.headers['content-encoding'],
        });
        return reply.code(204).send(null);
      },
    );
  };
}
