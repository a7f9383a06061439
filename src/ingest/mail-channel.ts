// Starts the mail channel for `opsdesk serve`: the outbound subscriber and its delivery worker (src/mail),
// the SMTP listener, the IMAP poller, and the retry of stored mail left unprocessed. Lives in ingest/
// because it starts network listeners; the rules of mail stay in the mail domain.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import {
  deliverMailDue,
  inboundRetryIntervalMs,
  mailDeliveryIntervalMs,
  processStuckInbound,
  subscribeMail,
} from '../mail/index.js';
import { closeDeliveryWorker } from '../notify/index.js';
import { pollImapOnce } from './imap.js';
import { type SmtpListener, startSmtpListener } from './smtp.js';

/** Stops the channel; carries the SMTP listener (its port) for tests and the serve banner. */
export type MailStop = (() => Promise<void>) & { smtp: SmtpListener | null };

/**
 * Start the mail channel: outbound notifications and their worker, the SMTP listener (unless
 * OPSDESK_SMTP_ENABLED=0), the IMAP poller (when OPSDESK_IMAP_URL is set) and the retry of stored mail left
 * unprocessed. Returns the function that stops it.
 */
export async function startMailChannel(ctx: ServiceContext, jobs: JobScheduler): Promise<MailStop> {
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
    closeDeliveryWorker(ctx);
  };
  return Object.assign(stop, { smtp });
}
