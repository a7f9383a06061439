// The daily digest: a periodic job that sends each person whose digest time has come one mail listing what
// waited for it, grouped by ticket with links, on the pipeline's mail channel. Instance-safe: a person's
// digest is claimed by a conditional UPDATE of next_digest_at (only the instance whose UPDATE moves it from
// the value it read sends), and the items are deleted in the transaction that queues the mail — a failure
// leaves them, and the claim, as they were. Written in the person's language (else the organisation's), with
// times in the zone of their digest.
import { DateTime } from 'luxon';
import type { ServiceContext } from '../core/context.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import { type MailLanguage, mailCount, mailText, recipientLocale } from './mail-language.js';
import { localDate, nextDigestAt } from './notification-preferences.js';
import { queueDirectMail } from './outbound.js';
import { escapeHtml } from './templates.js';

/** How often the job looks for digests that have come due: a digest goes out within a minute of its time. */
export const digestIntervalMs = 60_000;
/** People per pass; the rest are due still and go in the next pass. */
const digestsPerPass = 200;
/** Items per digest: a flood is summarised, not mailed whole (the rest are counted and stay for the next). */
export const digestItemsMax = 500;

export interface DigestPassResult {
  /** Digests this instance claimed (due, moved on by it). */
  claimed: number;
  /** Digest mails queued. */
  queued: number;
  failed: number;
}

interface Item {
  id: number;
  kind: string;
  ticket_id: number | null;
  ticket_title: string;
  subject: string;
  detail: string | null;
  created_at: number;
}

/** Send every digest that is due (one pass). */
export async function sendDueDigests(ctx: ServiceContext): Promise<DigestPassResult> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('notification_settings')
    .select(['user_id', 'next_digest_at'])
    .where('next_digest_at', '<=', now)
    .orderBy('next_digest_at')
    .orderBy('user_id')
    .limit(digestsPerPass)
    .execute();
  const result: DigestPassResult = { claimed: 0, queued: 0, failed: 0 };
  for (const row of due) {
    try {
      const outcome = await sendDigest(ctx, row.user_id, Number(row.next_digest_at), now);
      if (outcome !== 'not_claimed') result.claimed += 1;
      if (outcome === 'queued') result.queued += 1;
    } catch (err) {
      // The transaction rolled back: the items and the claim are as they were; the next pass tries again.
      result.failed += 1;
      ctx.log.error({ err, userId: row.user_id }, 'digest not queued; its items wait for the next pass');
    }
  }
  if (result.queued > 0) ctx.deliveries?.nudge();
  return result;
}

async function sendDigest(
  ctx: ServiceContext,
  userId: number,
  dueAt: number,
  now: number,
): Promise<'not_claimed' | 'empty' | 'queued'> {
  return ctx.db.transaction().execute(async (trx) => {
    const settings = await trx
      .selectFrom('notification_settings')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!settings) return 'not_claimed';
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'active', 'language'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const items = (await trx
      .selectFrom('notification_digest_items')
      .select(['id', 'kind', 'ticket_id', 'ticket_title', 'subject', 'detail', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .limit(digestItemsMax + 1)
      .execute()) as Item[];
    const sending = items.length > 0 && user.active === 1;
    const today = localDate(now, settings.time_zone);
    const lastDate = sending ? today : settings.last_digest_date;
    const kept = items.length > digestItemsMax;
    const digestKinds = await trx
      .selectFrom('notification_preferences')
      .select('kind')
      .where('user_id', '=', userId)
      .where('mode', '=', 'digest')
      .limit(1)
      .execute();
    const next =
      digestKinds.length > 0 || kept
        ? nextDigestAt(now, settings.digest_minute, settings.time_zone, lastDate)
        : null;
    // The claim: only the instance that moves next_digest_at from the value it read goes on.
    const claimed = await trx
      .updateTable('notification_settings')
      .set({ next_digest_at: next, last_digest_date: lastDate })
      .where('user_id', '=', userId)
      .where('next_digest_at', '=', dueAt)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return 'not_claimed';
    const shown = items.slice(0, digestItemsMax);
    if (shown.length > 0)
      await trx
        .deleteFrom('notification_digest_items')
        .where(
          'id',
          'in',
          shown.map((i) => i.id),
        )
        .execute();
    if (!sending) return 'empty';
    const { language } = recipientLocale(user, await getOrganisationLocale(trx));
    const mail = renderDigest(ctx, user, shown, language, settings.time_zone, today, kept);
    await queueDirectMail(ctx, trx, {
      template: 'digest',
      userId,
      to: user.email,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      inReplyTo: null,
    });
    return 'queued';
  });
}

/** The digest mail: items grouped by ticket (the ticket first updated first), each with its local time. */
export function renderDigest(
  ctx: ServiceContext,
  user: { name: string },
  items: Item[],
  language: MailLanguage,
  timeZone: string,
  today: string,
  more: boolean,
): { subject: string; text: string; html: string } {
  const byTicket = new Map<number | null, Item[]>();
  for (const i of items) {
    const list = byTicket.get(i.ticket_id) ?? [];
    list.push(i);
    byTicket.set(i.ticket_id, list);
  }
  const base = ctx.config.publicUrl?.replace(/\/$/, '') ?? null;
  const link = (ticketId: number | null) =>
    ticketId === null ? null : base ? `${base}/tickets/${ticketId}` : `ticket ${ticketId}`;
  const when = (at: number) => {
    const t = DateTime.fromMillis(at, { zone: timeZone, locale: language });
    // A Luxon format from the catalogue ("2 Mar 09:15", "2. März 09:15"); today's items by their time alone.
    return t.toISODate() === today
      ? t.toFormat('HH:mm')
      : t.toFormat(mailText(language, 'digest.dayTimeFormat'));
  };
  const updates = mailCount(language, 'digest.updates', items.length);
  const tickets = mailCount(language, 'digest.tickets', byTicket.size);
  const subject = mailText(language, 'digest.subject', { updates, tickets });
  const intro = mailText(language, 'digest.intro', { name: user.name, updates, tickets, zone: timeZone });
  const moreLine = more ? mailText(language, 'digest.more') : null;
  const footer = mailText(language, 'digest.footer');

  const textParts = [intro];
  const htmlParts = [`<p>${escapeHtml(intro).replace(/\n/g, '<br>')}</p>`];
  for (const [ticketId, list] of byTicket) {
    const title = ticketId === null ? list[0].ticket_title : `#${ticketId} ${list[0].ticket_title}`;
    const url = link(ticketId);
    textParts.push(
      [
        title,
        ...(url ? [url] : []),
        ...list.map((i) => {
          const detail = i.detail ? `\n    ${i.detail.replace(/\n/g, '\n    ')}` : '';
          return `  - ${when(i.created_at)} ${i.subject}${detail}`;
        }),
      ].join('\n'),
    );
    const heading =
      url && base
        ? `<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>`
        : escapeHtml(url ? `${title} (${url})` : title);
    htmlParts.push(
      `<h3 style="margin:1em 0 .3em">${heading}</h3><ul>${list
        .map(
          (i) =>
            `<li>${escapeHtml(when(i.created_at))} ${escapeHtml(i.subject)}${
              i.detail ? `<div style="color:#555;white-space:pre-wrap">${escapeHtml(i.detail)}</div>` : ''
            }</li>`,
        )
        .join('')}</ul>`,
    );
  }
  if (moreLine) {
    textParts.push(moreLine);
    htmlParts.push(`<p>${escapeHtml(moreLine)}</p>`);
  }
  textParts.push(`--\n${footer}`);
  htmlParts.push(`<p style="color:#555">${escapeHtml(footer)}</p>`);
  return {
    subject,
    text: textParts.join('\n\n'),
    html: `<div style="font-family:sans-serif">${htmlParts.join('\n')}</div>`,
  };
}
