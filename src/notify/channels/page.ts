// The page channel: a message to a person's own HTTP contact method — their webhook (signed JSON, as the webhook
// channel signs events) or their chat incoming webhook ({"text": …}, Slack-compatible). The payload carries the
// body as queued (and the webhook's signing secret: the delivery log never shows payloads); the URL is checked
// by the same SSRF guard on every attempt. 2xx delivered; 429, 408, 5xx retried; other 4xx refused for good.
import type { ServiceContext } from '../../core/context.js';
import type { AttemptOutcome, DeliveryChannel } from '../channel.js';
import { postDelivery } from '../http-delivery.js';
import { signatureHeader, signWebhookBody, timestampHeader } from '../webhook-signature.js';
import { userAgent } from './webhook.js';

/** Pages are urgent and stale within the hour: retry quickly, give up after about 40 minutes. */
export const pageRetryDelaysMs: readonly number[] = [15_000, 60_000, 300_000, 600_000, 1_800_000];

/** What a page delivery's payload holds: a signed JSON body, or a chat line. */
export type PagePayload =
  | { format: 'webhook'; body: Record<string, unknown>; secret: string }
  | { format: 'chat'; text: string };

export function pageChannel(ctx: ServiceContext): DeliveryChannel {
  return {
    name: 'page',
    concurrency: 4,
    attemptTimeoutMs: ctx.config.webhookTimeoutMs,
    retryDelaysMs: pageRetryDelaysMs,
    resendsDelivered: true,
    enabled: () => true,
    async send(d): Promise<AttemptOutcome> {
      const payload = d.payload as unknown as PagePayload;
      const options = {
        timeoutMs: ctx.config.webhookTimeoutMs,
        allowPrivate: ctx.config.webhookAllowPrivate,
      };
      const common = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'idempotency-key': d.idempotencyKey,
      };
      if (payload.format === 'chat')
        return postDelivery(d.target, common, JSON.stringify({ text: payload.text }), options);
      const body = JSON.stringify(payload.body);
      const timestamp = Math.floor(ctx.clock.now() / 1000);
      return postDelivery(
        d.target,
        {
          ...common,
          'x-opsdesk-event': d.kind,
          'x-opsdesk-delivery': String(d.id),
          [timestampHeader]: String(timestamp),
          [signatureHeader]: signWebhookBody(payload.secret, timestamp, body),
        },
        body,
        options,
      );
    },
  };
}
