// The mail channel: sends a mail rendered and queued by the mail domain (src/mail/outbound.ts) through
// nodemailer to OPSDESK_SMTP_OUT_URL. Without it the channel is disabled and its deliveries are queued as such.
// Message-ID is the same on every attempt: receivers (and their clients) drop a second copy by it.
import nodemailer, { type Transporter } from 'nodemailer';
import type { ServiceContext } from '../../core/context.js';
import type { AttemptOutcome, DeliveryChannel, OutgoingDelivery } from '../channel.js';

/** Waits after the 1st, 2nd, … failed attempt; after the last the delivery is dead (7 attempts, ~17 h). */
export const mailRetryDelaysMs: readonly number[] = [
  60_000, 300_000, 900_000, 3_600_000, 14_400_000, 43_200_000,
];
export const mailMaxAttempts = mailRetryDelaysMs.length + 1;
const sendTimeoutMs = 30_000;

/** What the mail domain puts in a mail delivery's payload. */
export interface MailPayload {
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets. */
  messageId: string;
  inReplyTo: string | null;
  /** Space-separated, bracketed. */
  references: string | null;
}

export function mailChannel(ctx: ServiceContext): DeliveryChannel {
  let transport: Transporter | null = null;
  const transportOf = (url: string) => {
    transport ??= nodemailer.createTransport(url, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: sendTimeoutMs,
    } as never);
    return transport;
  };
  return {
    name: 'mail',
    concurrency: 4,
    attemptTimeoutMs: sendTimeoutMs,
    retryDelaysMs: mailRetryDelaysMs,
    resendsDelivered: false,
    enabled: () => ctx.config.smtpOutUrl !== null,
    async send(d: OutgoingDelivery): Promise<AttemptOutcome> {
      const url = ctx.config.smtpOutUrl;
      if (!url)
        return { kind: 'retry', reason: 'disabled', statusCode: null, error: 'outbound mail is disabled' };
      const mail = d.payload as unknown as MailPayload;
      const refs = mail.references ? mail.references.split(' ').filter(Boolean) : [];
      try {
        await transportOf(url).sendMail({
          from: ctx.config.mailFrom,
          to: d.target,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${mail.messageId}>`,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(refs.length ? { references: refs } : {}),
          headers: {
            // RFC 3834: an automatic message; responders must not answer it, which breaks loops at their end.
            'Auto-Submitted': 'auto-generated',
            'X-Auto-Response-Suppress': 'All',
            'X-Opsdesk-Delivery': String(d.id),
            ...(d.ticketId !== null ? { 'X-Opsdesk-Ticket': String(d.ticketId) } : {}),
          },
        });
        return { kind: 'delivered', statusCode: null };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    close() {
      transport?.close();
      transport = null;
    },
  };
}

/** A 5xx reply is permanent (RFC 5321 §4.2.1): retrying would only repeat it; 4xx and no answer are not. */
export function classifySmtpError(err: unknown): AttemptOutcome {
  const e = err as { responseCode?: number; message?: string; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const label = code !== null ? `smtp_${code}` : (e.code ?? 'network');
  return {
    kind: code !== null && code >= 500 ? 'give_up' : 'retry',
    reason: code !== null ? `smtp_${Math.floor(code / 100)}xx` : 'network',
    statusCode: code,
    error: `${label}: ${e.message ?? String(err)}`,
  };
}
