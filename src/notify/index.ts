// Notifications' face: the one delivery pipeline (channel interface, worker, delivery log, retry) and its
// channels — mail (rendered by src/mail), signed webhooks and chat incoming webhooks. `registerNotify` wires
// it into a running service: event → fan-out (in the outbox relay) → delivery worker → delivery log.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { activeWebhookMayWant } from './active-webhooks.js';
import { fanOutEvent } from './channels/webhook.js';
import { deliveryWorker } from './delivery-pipeline.js';
import type { DeliveryWorkerOptions } from './delivery-worker.js';

export type { AttemptOutcome, DeliveryChannel, OutgoingDelivery } from './channel.js';
export { chatChannel, chatText } from './channels/chat.js';
export {
  classifySmtpError,
  type MailPayload,
  mailChannel,
  mailMaxAttempts,
  mailRetryDelaysMs,
} from './channels/mail.js';
export { type PagePayload, pageChannel, pageRetryDelaysMs } from './channels/page.js';
export { type SmsPayload, smsChannel, smsRetryDelaysMs, smsText, smsTextMaxLength } from './channels/sms.js';
export {
  fanOutEvent,
  maxAttempts,
  nextState,
  retryDelaysMs,
  userAgent,
  webhookChannel,
} from './channels/webhook.js';
export {
  type CancelScope,
  cancelPendingDeliveries,
  canManageDeliveries,
  contactMethodOutcomes,
  type Delivery,
  type DeliveryLogQuery,
  type LastOutcome,
  listDeliveryLog,
  type NewDelivery,
  queueDeliveries,
  type RetryScope,
  retryDelivery,
} from './delivery-log.js';
export { deliveryWorker } from './delivery-pipeline.js';
export {
  type DeliverOptions,
  type DeliveryAttempt,
  type DeliveryPassResult,
  DeliveryWorker,
  type DeliveryWorkerOptions,
} from './delivery-worker.js';
export { classifyResponse } from './http-delivery.js';
export {
  type DeliveryPageQuery,
  deliverDue,
  listDeliveries,
  redeliver,
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
  webhookFormats,
  webhookSecretMaxLength,
  webhookSecretMinLength,
  webhookUrlMaxLength,
} from './webhooks.js';

/** How often the worker looks for deliveries the fast path (nudges) missed: retries coming due. */
export const deliveryIntervalMs = 5_000;

/**
 * Subscribe the webhook and chat fan-out to domain events and schedule the delivery worker (every channel,
 * mail included; `jitter` spreads retries). Called once by `opsdesk serve`; a second call is a no-op.
 */
export function registerNotify(
  ctx: ServiceContext,
  jobs: JobScheduler,
  options: DeliveryWorkerOptions = {},
): void {
  if (ctx.events.subscriberNames().includes('webhooks')) return;
  const worker = deliveryWorker(ctx, options);
  ctx.events.subscribe(
    'webhooks',
    null,
    async (event, trx) => {
      const matched = await fanOutEvent(trx, ctx.clock.now(), event, ctx);
      if (matched > 0) worker.nudge();
    },
    { wants: (event) => activeWebhookMayWant(ctx, event.type) },
  );
  jobs.every('deliveries.deliver', deliveryIntervalMs, () => worker.runDue());
}
