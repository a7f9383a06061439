// Approval mail: when approvers are asked (`approval.requested`), each gets a mail with their own signed
// one-click link (helpdesk's approval-links.ts), or a line in their digest, as their approval_waiting
// preference says. Outside any ticket's thread: the approver may not see the ticket, and the link is how they
// answer. Idempotent per event and person, so a redispatched event writes no second mail.
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import type { StoredEvent } from '../core/events.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import { approvalLinkPath } from '../helpdesk/index.js';
import { queueDeliveries } from '../notify/index.js';
import { mailText, recipientLocale, templateIn } from './mail-language.js';
import { mintMessageId } from './message-ids.js';
import { kindOfTemplate, loadPreferences, modeOf, scheduleDigests } from './notification-preferences.js';
import { loadTemplate, renderMail } from './templates.js';

type Trx = Transaction<Database>;

const summaryMaxLength = 1500;

/** Queue the mails (or digest lines) one `approval.requested` event calls for; returns how many mails. */
export async function mailApprovalRequest(
  ctx: ServiceContext,
  trx: Trx,
  event: StoredEvent<'approval.requested'>,
): Promise<number> {
  const { approvalId, step, approverIds } = event.payload;
  const approval = await trx
    .selectFrom('approvals as a')
    .innerJoin('users as u', 'u.id', 'a.requester_id')
    .leftJoin('tickets as t', (j) => j.onRef('t.id', '=', 'a.subject_id').on('a.subject_type', '=', 'ticket'))
    .select(['a.id', 'a.title', 'a.state', 'u.name as requester_name', 't.description'])
    .where('a.id', '=', approvalId)
    .executeTakeFirst();
  if (approval?.state !== 'pending' || approverIds.length === 0) return 0;
  const rows = await trx
    .selectFrom('approval_approvers as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.id', 'p.user_id', 'p.state', 'u.email', 'u.name', 'u.active', 'u.language'])
    .where('p.approval_id', '=', approvalId)
    .where('p.step', '=', step)
    .where('p.user_id', 'in', approverIds)
    .orderBy('p.user_id')
    .execute();
  const tpl = await loadTemplate(trx, 'approval_waiting');
  const kind = kindOfTemplate('approval_waiting');
  const prefs = await loadPreferences(trx, approverIds);
  const organisation = await getOrganisationLocale(trx);
  const now = ctx.clock.now();
  const enabled = ctx.config.smtpOutUrl !== null;
  const base = ctx.config.publicUrl?.replace(/\/$/, '') ?? '';
  const summary = (approval.description ?? '').trim();
  let mails = 0;
  const digestUsers: number[] = [];
  for (const r of rows) {
    if (r.state !== 'pending' || r.active !== 1) continue;
    const mode = kind ? modeOf(prefs.get(r.user_id), kind) : 'immediate';
    if (mode === 'off') continue;
    const link = `${base}${await approvalLinkPath(trx, approvalId, r.id, now)}`;
    // The approver's language, else the organisation's default.
    const { language } = recipientLocale(r, organisation);
    const mail = renderMail(
      templateIn(tpl, language),
      {
        'recipient.name': r.name,
        'approval.title': approval.title,
        'approval.requester': approval.requester_name,
        'approval.summary':
          summary.length > summaryMaxLength ? `${summary.slice(0, summaryMaxLength - 1)}…` : summary,
        'approval.link': link,
      },
      null,
    );
    const key = `event:${event.id}:approval_waiting:user:${r.user_id}`;
    if (mode === 'digest') {
      await trx
        .insertInto('notification_digest_items')
        .values({
          user_id: r.user_id,
          kind: 'approval_waiting',
          ticket_id: null,
          event_id: event.id,
          ticket_title: approval.title,
          subject: mail.subject,
          detail: mailText(language, 'approval.digestDetail', { link }),
          idempotency_key: key,
          created_at: now,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
      digestUsers.push(r.user_id);
      continue;
    }
    const messageId = mintMessageId(ctx.config.mailDomain, null);
    const written = await queueDeliveries(trx, now, [
      {
        channel: 'mail',
        eventId: event.id,
        kind: 'approval_waiting',
        userId: r.user_id,
        target: r.email,
        payload: {
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
          inReplyTo: null,
          references: null,
        },
        idempotencyKey: key,
        disabledBecause: enabled ? null : 'outbound mail is disabled: OPSDESK_SMTP_OUT_URL is not set',
      },
    ]);
    if (written.length > 0) {
      await trx
        .insertInto('mail_messages')
        .values({
          message_id: messageId,
          direction: 'out',
          ticket_id: null,
          comment_id: null,
          created_at: now,
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .execute();
      if (enabled) mails += 1;
    }
  }
  await scheduleDigests(trx, now, digestUsers);
  return mails;
}
