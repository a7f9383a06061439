// The chat channel, the whole of it: an event as one line of text POSTed as {"text": …} to a chat incoming
// webhook (Slack, Mattermost, Microsoft Teams accept that shape). A chat target is a webhook endpoint with
// format 'chat' (POST /api/v1/webhooks); fan-out is the webhook channel's. 2xx delivered; 429, 408 and 5xx
// retried (honouring Retry-After); any other 4xx refused for good. Same SSRF guard as webhooks.
import type { ServiceContext } from '../../core/context.js';
import type { AttemptOutcome, DeliveryChannel } from '../channel.js';
import { postDelivery } from '../http-delivery.js';
import { loadEndpointEvent, retryDelaysMs, userAgent } from './webhook.js';

const textMaxLength = 1000;

/** One line a person reads in a channel: what happened, to what, and where to look. */
export function chatText(
  event: { type: string; subjectType: string; subjectId: string; payload: Record<string, unknown> },
  publicUrl: string | null,
): string {
  const ticket = event.payload.ticket as { id?: unknown; title?: unknown } | undefined;
  const ticketId = event.subjectType === 'ticket' ? event.subjectId : (event.payload.ticketId ?? ticket?.id);
  const title = typeof ticket?.title === 'string' ? ` “${ticket.title}”` : '';
  const what =
    ticketId !== undefined ? `ticket #${ticketId}${title}` : `${event.subjectType} ${event.subjectId}`;
  const link =
    publicUrl && ticketId !== undefined ? ` ${publicUrl.replace(/\/$/, '')}/tickets/${ticketId}` : '';
  const text = `opsdesk: ${event.type} — ${what}${link}`;
  return text.length > textMaxLength ? `${text.slice(0, textMaxLength - 1)}…` : text;
}

export function chatChannel(ctx: ServiceContext): DeliveryChannel {
  return {
    name: 'chat',
    // Chat services rate-limit per incoming webhook (Slack: about one message a second): keep it low.
    concurrency: 2,
    attemptTimeoutMs: ctx.config.webhookTimeoutMs,
    retryDelaysMs,
    resendsDelivered: true,
    enabled: () => true,
    async send(d): Promise<AttemptOutcome> {
      const row = await loadEndpointEvent(ctx, d.endpointId, d.eventId);
      if (!row)
        return {
          kind: 'give_up',
          reason: 'endpoint_gone',
          statusCode: null,
          error: 'the chat target is gone',
        };
      const text = chatText(
        {
          type: row.type,
          subjectType: row.subject_type,
          subjectId: row.subject_id,
          payload: JSON.parse(row.payload) as Record<string, unknown>,
        },
        ctx.config.publicUrl,
      );
      return postDelivery(
        row.url,
        {
          'content-type': 'application/json',
          'user-agent': userAgent,
          'idempotency-key': d.idempotencyKey,
        },
        JSON.stringify({ text }),
        { timeoutMs: ctx.config.webhookTimeoutMs, allowPrivate: ctx.config.webhookAllowPrivate },
      );
    },
  };
}
