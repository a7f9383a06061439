// Outgoing webhooks (admin): configured endpoints receive signed domain events. (Filled in by the notify work.)
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../core/context.js';

export function webhookRoutes(_ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
