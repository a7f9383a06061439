// Notifications' face: outgoing webhooks today (email and chat channels later). `registerNotify` wires the
// pipeline into a running service: event → fan-out (in the outbox relay) → delivery worker → delivery log.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { activeWebhookMayWant } from './active-webhooks.js';
import { deliverDue, enableDeliveryWorker, fanOutEvent, nudgeDelivery } from './webhook-deliveries.js';

export {
  type AttemptOutcome,
  classifyResponse,
  type DeliveryPageQuery,
  type DeliveryPassResult,
  deliverDue,
  fanOutEvent,
  listDeliveries,
  maxAttempts,
  nextState,
  redeliver,
  retryDelaysMs,
  userAgent,
  type WebhookDelivery,
} from './webhook-deliveries.js';
export {
  defaultSignatureToleranceSeconds,
  signatureHeader,
  signWebhookBody,
  timestampHeader,
  verifyWebhookSignature,
} from './webhook-signature.js';
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  parseEventTypes,
  parseWebhookUrl,
  updateWebhook,
  type Webhook,
  type WebhookChanges,
  type WebhookInput,
  webhookSecretMaxLength,
  webhookSecretMinLength,
  webhookUrlMaxLength,
} from './webhooks.js';

/** How often the relay and the delivery worker look for work the fast path (nudges) missed. */
export const outboxRelayIntervalMs = 2_000;
export const webhookDeliveryIntervalMs = 5_000;

/**
 * Subscribe to domain events and schedule deliveries. Called once by `opsdesk serve` (a second call is a
 * no-op). The outbox relay job lives here while notify is its only subscriber.
 */
export function registerNotify(ctx: ServiceContext, jobs: JobScheduler): void {
  if (!enableDeliveryWorker(ctx)) return;
  ctx.events.subscribe(
    'webhooks',
    null,
    async (event, trx) => {
      const matched = await fanOutEvent(trx, ctx.clock.now(), event, ctx);
      if (matched > 0) nudgeDelivery(ctx);
    },
    { wants: (event) => activeWebhookMayWant(ctx, event.type) },
  );
  jobs.every('outbox.relay', outboxRelayIntervalMs, () => ctx.events.dispatchPending());
  jobs.every('webhooks.deliver', webhookDeliveryIntervalMs, () => deliverDue(ctx));
}
