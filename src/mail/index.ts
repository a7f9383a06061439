// The mail channel's face: inbound processing (shared by the SMTP listener and the IMAP poller), outbound
// notifications with templates and a delivery log, and `registerMail`, which `opsdesk serve` calls once to
// start the listener, the poller and the delivery worker.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { pollImapOnce } from '../ingest/imap.js';
import { type SmtpListener, startSmtpListener } from '../ingest/smtp.js';
import { processStuckInbound } from './inbound.js';
import {
  deliverMailDue,
  disableMailWorker,
  enableMailWorker,
  fanOutMail,
  mailEventTypes,
  nudgeMail,
} from './outbound.js';

export { type AutomationVerdict, detectAutomated } from './auto-replies.js';
export {
  type InboundInput,
  type InboundMail,
  type InboundOutcome,
  listInbound,
  parseMail,
  processInbound,
  processStuckInbound,
  type RejectReason,
  receiveMail,
  refuseTooLarge,
  retryInbound,
} from './inbound.js';
export {
  isOurMessageId,
  messageIdList,
  mintMessageId,
  normaliseMessageId,
  ticketThreadId,
} from './message-ids.js';
export {
  deliverMailDue,
  fanOutMail,
  listMailDeliveries,
  type MailDelivery,
  type MailPassResult,
  mailEventTypes,
  mailMaxAttempts,
  mailRetryDelaysMs,
  retryMailDelivery,
} from './outbound.js';
export { canMail } from './policies.js';
export { replyMarker, stripQuotedReply, ticketRefInSubject, titleFromSubject } from './reply-text.js';
export {
  defaultTemplates,
  escapeHtml,
  listTemplates,
  type MailTemplate,
  type MailTemplateName,
  mailTemplateNames,
  placeholders,
  putTemplate,
  renderMail,
  renderTemplate,
  resetTemplate,
} from './templates.js';

export const mailDeliveryIntervalMs = 15_000;
export const inboundRetryIntervalMs = 60_000;

/** Subscribe the outbound stage to ticket events (also usable without the listeners, as tests do). */
export function subscribeMail(ctx: ServiceContext): boolean {
  if (!enableMailWorker(ctx)) return false;
  ctx.events.subscribe('mail', mailEventTypes, async (event, trx) => {
    if ((await fanOutMail(ctx, trx, event)) > 0) nudgeMail(ctx);
  });
  return true;
}

/** Stops the channel; carries the SMTP listener (its port) for tests and the serve banner. */
export type MailStop = (() => Promise<void>) & { smtp: SmtpListener | null };

/**
 * Start the mail channel: outbound notifications and their worker, the SMTP listener (unless
 * OPSDESK_SMTP_ENABLED=0), the IMAP poller (when OPSDESK_IMAP_URL is set) and the retry of stored mail left
 * unprocessed. Returns the function that stops it.
 */
export async function registerMail(ctx: ServiceContext, jobs: JobScheduler): Promise<MailStop> {
  subscribeMail(ctx);
  jobs.every('mail.deliver', mailDeliveryIntervalMs, () => deliverMailDue(ctx));
  jobs.every('mail.inbound-retry', inboundRetryIntervalMs, () => processStuckInbound(ctx));
  const imapUrl = ctx.config.imapUrl;
  if (imapUrl)
    jobs.every('mail.imap-poll', ctx.config.imapPollSeconds * 1000, () => pollImapOnce(ctx, imapUrl));
  if (!ctx.config.smtpOutUrl) ctx.log.warn('outbound mail is disabled: OPSDESK_SMTP_OUT_URL is not set');
  const smtp = ctx.config.smtpEnabled ? await startSmtpListener(ctx) : null;
  const stop = async () => {
    await smtp?.close();
    disableMailWorker(ctx);
  };
  return Object.assign(stop, { smtp });
}
