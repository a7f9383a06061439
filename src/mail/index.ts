// The mail domain's face: inbound processing (shared by the SMTP listener and the IMAP poller), outbound
// notifications with templates, queued on the delivery pipeline's mail channel (src/notify), and
// `registerMail`; the listeners that feed it live in src/ingest (mail-channel.ts starts them).
import type { ServiceContext } from '../core/context.js';
import type { StoredEvent } from '../core/events.js';
import type { JobScheduler } from '../core/jobs.js';
import { deliveryWorker } from '../notify/index.js';
import { mailApprovalRequest } from './approval-mail.js';
import { digestIntervalMs, sendDueDigests } from './digest.js';
import { processStuckInbound } from './inbound.js';
import { fanOutMailBatch, mailEventTypes, nudgeMail } from './outbound.js';

export { mailMaxAttempts, mailRetryDelaysMs } from '../notify/index.js';
export { type AutomationVerdict, detectAutomated } from './auto-replies.js';
export { type DigestPassResult, digestIntervalMs, digestItemsMax, sendDueDigests } from './digest.js';
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
  formatMailDate,
  formatMailTime,
  type MailLanguage,
  type MailLocale,
  mailText,
  recipientLocale,
} from './mail-language.js';
export {
  handlesOf,
  mentionHandleMaxLength,
  mentionHandles,
  mentionsPerNoteMax,
  resolveMentions,
} from './mentions.js';
export {
  isOurMessageId,
  messageIdList,
  mintMessageId,
  normaliseMessageId,
  ticketThreadId,
} from './message-ids.js';
export {
  getNotificationPreferences,
  type KindPreference,
  type NotificationKind,
  type NotificationPreferences,
  nextDigestAt,
  notificationKinds,
  notificationModes,
  type PreferencesInput,
  parseDigestTime,
  preferenceEntriesMax,
  setNotificationPreferences,
} from './notification-preferences.js';
export {
  deliverMailDue,
  fanOutMail,
  fanOutMailBatch,
  listMailDeliveries,
  type MailDelivery,
  type MailPassResult,
  mailEventTypes,
  nudgeMail,
  queueMailNotice,
  queuePasswordResetMail,
  retryMailDelivery,
} from './outbound.js';
export { canMail, type MailAction } from './policies.js';
export { replyMarker, stripQuotedReply, ticketRefInSubject, titleFromSubject } from './reply-text.js';
export { type Arrival, judgeSender, relayForCredential } from './sender-trust.js';
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

/** How often stored inbound mail left unprocessed (a crash, a database outage) is processed again. */
export const inboundRetryIntervalMs = 60_000;

/**
 * Wire mail into a running service: the outbound stage's subscription (its deliveries are sent by the
 * pipeline's worker, which registerNotify schedules), the daily digests and the retry of stored inbound mail. The SMTP listener
 * and the IMAP poller are started by src/ingest. A second call for the same context is a no-op.
 */
export function registerMail(ctx: ServiceContext, jobs: JobScheduler): void {
  if (!subscribeMail(ctx)) return;
  jobs.every('mail.inbound-retry', inboundRetryIntervalMs, () => processStuckInbound(ctx));
  jobs.every('mail.digest', digestIntervalMs, () => sendDueDigests(ctx));
}

/**
 * Subscribe the outbound stage to ticket events (also usable without the listeners, as tests do). A relay
 * pass's events are fanned out together at its end, in its transaction.
 */
export function subscribeMail(ctx: ServiceContext): boolean {
  if (ctx.events.subscriberNames().includes('mail')) return false;
  // The pipeline's worker sends what this stage queues (made here when notify has not made it yet).
  deliveryWorker(ctx);
  let pending: StoredEvent[] = [];
  ctx.events.subscribe(
    'mail',
    mailEventTypes,
    (event) => {
      pending.push(event);
    },
    {
      writes: false,
      endOfPass: async (trx) => {
        const events = pending;
        pending = [];
        if ((await fanOutMailBatch(ctx, trx, events)) > 0) nudgeMail(ctx);
      },
    },
  );
  // Approvals waiting: one mail per approver with their own signed link (approval-mail.ts).
  ctx.events.subscribe('mail.approvals', ['approval.requested'], async (event, trx) => {
    if ((await mailApprovalRequest(ctx, trx, event as StoredEvent<'approval.requested'>)) > 0) nudgeMail(ctx);
  });
  return true;
}
