// Starts mail's listeners for `opsdesk serve`: the SMTP listener and the IMAP poller, which hand what they
// receive to the mail domain. Lives in ingest/ because it opens network listeners; the rules of mail, its
// subscriptions and its jobs are the mail domain's (registerMail in src/mail).
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { pollImapOnce } from './imap.js';
import { type SmtpListener, startSmtpListener } from './smtp.js';

/** Stops the listeners; carries the SMTP listener (its port) for tests and the serve banner. */
export type MailStop = (() => Promise<void>) & { smtp: SmtpListener | null };

/**
 * Start the SMTP listener (unless OPSDESK_SMTP_ENABLED=0) and the IMAP poller (when OPSDESK_IMAP_URL is set).
 * Returns the function that stops them.
 */
export async function startMailChannel(ctx: ServiceContext, jobs: JobScheduler): Promise<MailStop> {
  const imapUrl = ctx.config.imapUrl;
  if (imapUrl)
    jobs.every('mail.imap-poll', ctx.config.imapPollSeconds * 1000, () => pollImapOnce(ctx, imapUrl));
  if (!ctx.config.smtpOutUrl) ctx.log.warn('outbound mail is disabled: OPSDESK_SMTP_OUT_URL is not set');
  const smtp = ctx.config.smtpEnabled ? await startSmtpListener(ctx) : null;
  const stop = async () => {
    await smtp?.close();
  };
  return Object.assign(stop, { smtp });
}
