// POST /api/v1/logs: log records from scripts and agents, as JSON lines (application/x-ndjson) or a JSON array,
// with a staff member's API token (Bearer) or session. 200 with what was accepted and which lines were refused
// (and why) when any line was stored; 400 problem+json (log_lines_refused, each line named) when none was.
// Refusals Fastify makes before the handler (too large, another content type) are counted too.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import { countHttpLogRefusal, httpLogLimits, receiveHttpLogs } from '../../../logs/index.js';
import { requireActor } from '../../authentication.js';
import { problemResponses } from '../../schemas.js';
import { tags } from './log-schemas.js';

export function logIngestRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(
      ['application/x-ndjson', 'application/jsonl', 'application/jsonlines'],
      { parseAs: 'string', bodyLimit: httpLogLimits.bodyBytes },
      (_req, body, done) => done(null, body),
    );
    app.addHook('onError', async (request, _reply, error) => {
      if (request.routeOptions.url !== '/api/v1/logs' || request.method !== 'POST') return;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') countHttpLogRefusal(ctx, 'payload_too_large');
      else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        countHttpLogRefusal(ctx, 'unsupported_content_type');
    });

    app.post(
      '/api/v1/logs',
      {
        bodyLimit: httpLogLimits.bodyBytes,
        config: { ingestChannel: 'logs' },
        schema: {
          tags,
          summary: `Send log records (staff): JSON lines (application/x-ndjson) or a JSON array of {time?, host?, app?, procId?, msgId?, severity?, facility?, message, structuredData?}; at most ${httpLogLimits.lines} lines and 5 MB`,
          response: {
            200: Type.Object({
              accepted: Type.Integer(),
              rejectedCount: Type.Integer(),
              rejected: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
                description: `refused lines (the first ${httpLogLimits.rejectedListed}), with their 1-based line numbers`,
              }),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => receiveHttpLogs(ctx, requireActor(request), request.body),
    );
  };
}
