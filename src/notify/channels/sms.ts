// The SMS channel: a short text to a phone number (E.164) through the SMS gateway the operator configured
// (OPSDESK_SMS_GATEWAY_URL), as an HTTP POST of JSON {"to": "+4915112345678", "text": "…"} — a generic gateway
// format; a provider that wants another gets a small adapter in front. Without the URL the channel is disabled
// and its deliveries wait, pending, as mail's do without SMTP. 2xx sent; 429, 408, 5xx retried; other 4xx refused.
import type { ServiceContext } from '../../core/context.js';
import type { AttemptOutcome, DeliveryChannel } from '../channel.js';
import { postDelivery } from '../http-delivery.js';
import { userAgent } from './webhook.js';

/** A page is urgent and stale within the hour: retry quickly, give up after about 40 minutes. */
export const smsRetryDelaysMs: readonly number[] = [15_000, 60_000, 300_000, 600_000, 1_800_000];
/** What one SMS may hold: longer texts are cut (a gateway splits or refuses past this). */
export const smsTextMaxLength = 320;

/** The payload of an sms delivery. */
export interface SmsPayload {
  text: string;
}

export function smsText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > smsTextMaxLength ? `${oneLine.slice(0, smsTextMaxLength - 1)}…` : oneLine;
}

export function smsChannel(ctx: ServiceContext): DeliveryChannel {
  return {
    name: 'sms',
    concurrency: 4,
    attemptTimeoutMs: ctx.config.webhookTimeoutMs,
    retryDelaysMs: smsRetryDelaysMs,
    // A person would read a text twice.
    resendsDelivered: false,
    enabled: () => ctx.config.smsGatewayUrl !== null,
    async send(d): Promise<AttemptOutcome> {
      const url = ctx.config.smsGatewayUrl;
      if (!url)
        return { kind: 'retry', reason: 'disabled', statusCode: null, error: 'the SMS gateway is not set' };
      const { text } = d.payload as unknown as SmsPayload;
      const token = ctx.config.smsGatewayToken;
      return postDelivery(
        url,
        {
          'content-type': 'application/json',
          'user-agent': userAgent,
          'idempotency-key': d.idempotencyKey,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        JSON.stringify({ to: d.target, text: smsText(String(text ?? '')) }),
        // The gateway is the operator's own setting, not a user's URL: it may well live on the private network.
        { timeoutMs: ctx.config.webhookTimeoutMs, allowPrivate: true },
      );
    },
  };
}
