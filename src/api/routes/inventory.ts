// Where FusionInventory and GLPI agents submit inventories: POST /api/v1/inventory/fusion with the agent's token
// as the HTTP basic password (the agent sends credentials only after a 401 naming a Basic realm, so the first
// anonymous request is answered so), or POST /api/v1/inventory/fusion/{token} for agents configured with a URL
// alone. The body is read raw (zlib, gzip or plain XML/JSON, whatever Content-Type says) within a bound; the
// domain decodes, parses and applies it. Every refusal is counted by reason (src/assets inventoryStats).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateInventoryAgent,
  countInventoryRefused,
  inventoryLimits,
  receiveInventory,
} from '../../assets/index.js';
import type { ServiceContext } from '../../core/context.js';
import { Invalid, Unauthenticated } from '../../core/errors.js';
import { inventoryAgentPath } from '../authentication.js';
import { problemResponses } from '../schemas.js';

// Exactly this shape: the FusionInventory agent reads the realm with /^Basic realm="(.*)"/, greedy to the last quote.
const realm = 'Basic realm="opsdesk inventory"';

/** The password of an HTTP basic Authorization header, or null. */
function basicPassword(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,1000})\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

export function inventoryRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Agents send application/x-compress-zlib, application/x-compress-gzip, application/xml or
    // application/json (or nothing): every body is taken as bytes here, and only here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: inventoryLimits.bodyBytes },
      (_req, body, done) => done(null, body),
    );
    app.addHook('onError', async (request, _reply, error) => {
      if (!request.url.startsWith(inventoryAgentPath)) return;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') countInventoryRefused(ctx, 'inventory_too_large');
      else if (
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      )
        countInventoryRefused(ctx, 'invalid_inventory');
    });

    const submit = async (request: FastifyRequest, reply: FastifyReply, token: string | null) => {
      let agent: { id: number; name: string };
      try {
        agent = await authenticateInventoryAgent(ctx, token);
      } catch (e) {
        if (e instanceof Unauthenticated) {
          countInventoryRefused(ctx, 'inventory_agent_unknown');
          reply.header('www-authenticate', realm);
        }
        throw e;
      }
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        countInventoryRefused(ctx, 'invalid_inventory');
        throw new Invalid(
          'invalid_inventory',
          'The body is empty: an agent sends a PROLOG or an INVENTORY.',
          [{ field: '/', message: 'empty body' }],
        );
      }
      const result = await receiveInventory(ctx, agent, body);
      return reply.code(200).type(result.reply.type).send(result.reply.body);
    };

    const description =
      'The FusionInventory / GLPI agent protocol: a PROLOG is answered <REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>; ' +
      'an INVENTORY (XML, or the GLPI agent’s JSON) creates or updates the device’s asset, matched by DEVICEID, then serial number, then MAC address. ' +
      `Bodies may be zlib- or gzip-compressed; at most ${inventoryLimits.bodyBytes} bytes sent and ${inventoryLimits.documentBytes} decompressed.`;
    const response = {
      200: Type.String({ description: 'XML or JSON, as the agent spoke' }),
      ...problemResponses,
    };

    app.post(
      inventoryAgentPath,
      {
        config: { public: true },
        bodyLimit: inventoryLimits.bodyBytes,
        schema: {
          tags: ['assets'],
          summary:
            "An inventory agent's submission, authenticated by HTTP basic (the password is the agent's token)",
          description,
          security: [],
          response,
        },
      },
      async (request, reply) => submit(request, reply, basicPassword(request.headers.authorization)),
    );

    app.post(
      `${inventoryAgentPath}/:token`,
      {
        config: { public: true },
        bodyLimit: inventoryLimits.bodyBytes,
        schema: {
          tags: ['assets'],
          summary: "An inventory agent's submission, with the agent's token in the path",
          description,
          security: [],
          params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
          response,
        },
      },
      async (request, reply) => submit(request, reply, request.params.token),
    );
  };
}
