// Readers' subscriptions to a status page: by mail (double opt-in — a confirmation link first, an unsubscribe link
// in every mail) or by webhook (signed JSON, as our other webhooks; an anonymous subscriber may not name an
// internal address). notifySubscribers queues one delivery per confirmed subscription on the notify pipeline, in
// the caller's transaction, when an announcement is posted, updated or resolved or maintenance is announced. A
// mail is written in the subscriber's language and zone when they subscribed signed in, else in the organisation's
// default (admin settings).
import { createHash, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import net from 'node:net';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import { escapeHtml, type MailLocale, mailText, recipientLocale } from '../mail/index.js';
import { type MailPayload, type NewDelivery, parseWebhookUrl, queueDeliveries } from '../notify/index.js';
import { loadVisiblePage, pageUrl, type StatusPageRow, statusPageLimits } from './status-page-model.js';

type Trx = Transaction<Database>;

export type SubscriptionInput = { kind: 'mail'; email: string } | { kind: 'webhook'; url: string };

export interface Subscribed {
  id: number;
  kind: 'mail' | 'webhook';
  /** Mail: false until the link in the confirmation mail is followed. */
  confirmed: boolean;
  /** Webhook: the signing secret, shown only now. */
  secret?: string;
}

/** What a notice to a page's subscribers says. `key` is unique per notice: a second queueing writes nothing. */
export interface StatusNotice {
  key: string;
  kind: 'incident.posted' | 'incident.updated' | 'incident.resolved' | 'maintenance.announced';
  /** The mail's subject and text in one subscriber's language, times in their zone. */
  words(locale: MailLocale): { subject: string; text: string };
  /** The webhook body's details (the page and the notice's kind are added). */
  details: Record<string, unknown>;
}

const emailPattern = /^[^\s@<>",;]{1,64}@[^\s@<>",;]{1,253}\.[a-z0-9-]{2,63}$/i;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(24).toString('base64url');
const mailDisabled = 'outbound mail is disabled: OPSDESK_SMTP_OUT_URL is not set';

function refuse(why: string, field: string): never {
  throw new Invalid('invalid_subscription_target', `The subscription ${why}.`, [{ field, message: why }]);
}

/**
 * An anonymous subscriber's webhook host must resolve only to public addresses (the URL's own check covers
 * literal addresses; a name is resolved here, and again by the delivery's guard on every attempt).
 */
async function refuseInternalHost(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) return;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch (err) {
    refuse(
      `URL's host ${host.slice(0, 100)} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      '/url',
    );
  }
  for (const a of addresses) {
    const literal = a.family === 6 ? `[${a.address}]` : a.address;
    try {
      parseWebhookUrl(`http://${literal}/`, { allowPrivate: false });
    } catch {
      refuse(`URL's host ${host.slice(0, 100)} resolves to ${a.address}, an internal address`, '/url');
    }
  }
}

/** Subscribe to a page the caller may see. Mail waits for its confirmation link; a webhook is live at once. */
export async function subscribe(
  ctx: ServiceContext,
  actor: Actor | null,
  slug: string,
  input: SubscriptionInput,
): Promise<Subscribed> {
  const page = await loadVisiblePage(ctx.db, actor, slug);
  let target: string;
  if (input.kind === 'mail') {
    target = input.email.trim().toLowerCase();
    if (target.length > 254 || !emailPattern.test(target)) refuse('needs a valid email address', '/email');
  } else {
    // Signed-in subscribers follow the service's rule; anonymous ones never reach an internal address.
    const allowPrivate = actor !== null && ctx.config.webhookAllowPrivate;
    target = parseWebhookUrl(input.url, { allowPrivate });
    if (!allowPrivate) await refuseInternalHost(target);
  }
  const now = ctx.clock.now();
  const subscribed = await ctx.db.transaction().execute(async (trx): Promise<Subscribed> => {
    const existing = await trx
      .selectFrom('status_subscriptions')
      .select(['id', 'confirmed_at'])
      .where('page_id', '=', page.id)
      .where('kind', '=', input.kind)
      .where('target', '=', target)
      .executeTakeFirst();
    if (input.kind === 'webhook' && existing) refuse('URL is subscribed to this page already', '/url');
    if (!existing) {
      const count = await trx
        .selectFrom('status_subscriptions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('page_id', '=', page.id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= statusPageLimits.subscriptionsPerPage)
        refuse('cannot be taken: the page has as many subscribers as it may hold', '/');
    }
    if (input.kind === 'mail') {
      // Confirmed already: say nothing new (the answer never tells who is subscribed). Otherwise a fresh link.
      if (existing?.confirmed_at != null) return { id: existing.id, kind: 'mail', confirmed: false };
      const token = newToken();
      let id: number;
      if (existing) {
        await trx
          .updateTable('status_subscriptions')
          .set({ confirm_token_hash: hash(token) })
          .where('id', '=', existing.id)
          .execute();
        id = existing.id;
      } else {
        id = (
          await trx
            .insertInto('status_subscriptions')
            .values({
              page_id: page.id,
              kind: 'mail',
              target,
              secret: null,
              confirm_token_hash: hash(token),
              unsubscribe_token: newToken(),
              confirmed_at: null,
              user_id: actor?.id ?? null,
              created_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      }
      // Signed in: the person's language; anyone else, the organisation's.
      const person = actor
        ? await trx
            .selectFrom('users')
            .select(['language', 'time_zone'])
            .where('id', '=', actor.id)
            .executeTakeFirst()
        : null;
      const locale = recipientLocale(person, await getOrganisationLocale(trx));
      await queueConfirmation(ctx, trx, page, id, target, token, now, locale);
      return { id, kind: 'mail', confirmed: false };
    }
    const secret = randomBytes(24).toString('hex');
    const row = await trx
      .insertInto('status_subscriptions')
      .values({
        page_id: page.id,
        kind: 'webhook',
        target,
        secret,
        confirm_token_hash: null,
        unsubscribe_token: newToken(),
        confirmed_at: now,
        user_id: actor?.id ?? null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, kind: 'webhook', confirmed: true, secret };
  });
  // The confirmation mail goes now rather than at the worker's next round.
  if (input.kind === 'mail') ctx.deliveries?.nudge();
  return subscribed;
}

async function queueConfirmation(
  ctx: ServiceContext,
  trx: Trx,
  page: StatusPageRow,
  subscriptionId: number,
  to: string,
  token: string,
  now: number,
  { language }: MailLocale,
): Promise<void> {
  const link = pageUrl(ctx.config.publicUrl, page.slug, `?confirm=${token}`);
  const intro = mailText(language, 'statusPage.confirm.intro', { page: page.title });
  const ignore = mailText(language, 'statusPage.confirm.ignore');
  const text = `${intro}\n\n${mailText(language, 'statusPage.confirm.link', { link })}\n\n${ignore}\n`;
  const mail: MailPayload = {
    subject: mailText(language, 'statusPage.confirm.subject', { page: page.title }),
    text,
    html: `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(mailText(language, 'statusPage.confirm.action'))}</a></p><p>${escapeHtml(ignore)}</p>`,
    messageId: `opsdesk.status.confirm.${subscriptionId}.${now.toString(36)}.${randomBytes(4).toString('hex')}@${ctx.config.mailDomain}`,
    inReplyTo: null,
    references: null,
  };
  await queueDeliveries(trx, now, [
    {
      channel: 'mail',
      eventId: null,
      target: to,
      kind: 'status_page.confirm',
      payload: mail as unknown as Record<string, unknown>,
      idempotencyKey: `message:${mail.messageId}`,
      disabledBecause: ctx.config.smtpOutUrl ? null : mailDisabled,
    },
  ]);
}

/** Follow a confirmation link: the subscription starts receiving mail. Returns the page's slug. */
export async function confirmSubscription(ctx: ServiceContext, token: string): Promise<{ slug: string }> {
  const row = await ctx.db
    .selectFrom('status_subscriptions as s')
    .innerJoin('status_pages as p', 'p.id', 's.page_id')
    .select(['s.id', 'p.slug'])
    .where('s.confirm_token_hash', '=', hash(token))
    .executeTakeFirst();
  if (!row)
    throw new Invalid(
      'subscription_link_invalid',
      'The confirmation link is not valid, or was used already.',
    );
  await ctx.db
    .updateTable('status_subscriptions')
    .set({ confirmed_at: ctx.clock.now(), confirm_token_hash: null })
    .where('id', '=', row.id)
    .execute();
  return { slug: row.slug };
}

/** Follow an unsubscribe link: the subscription is gone. Returns the page's slug. */
export async function unsubscribe(ctx: ServiceContext, token: string): Promise<{ slug: string }> {
  const row = await ctx.db
    .selectFrom('status_subscriptions as s')
    .innerJoin('status_pages as p', 'p.id', 's.page_id')
    .select(['s.id', 'p.slug'])
    .where('s.unsubscribe_token', '=', token)
    .executeTakeFirst();
  if (!row)
    throw new Invalid('subscription_link_invalid', 'The unsubscribe link is not valid, or was used already.');
  await ctx.db.deleteFrom('status_subscriptions').where('id', '=', row.id).execute();
  return { slug: row.slug };
}

/** How many subscriptions a page has, by kind and confirmation (the managers' editor shows it). */
export async function subscriptionCounts(
  db: Kysely<Database>,
  pageId: number,
): Promise<{ mail: number; mailPending: number; webhook: number }> {
  const rows = await db
    .selectFrom('status_subscriptions')
    .select(['kind', 'confirmed_at'])
    .where('page_id', '=', pageId)
    .execute();
  return {
    mail: rows.filter((r) => r.kind === 'mail' && r.confirmed_at !== null).length,
    mailPending: rows.filter((r) => r.kind === 'mail' && r.confirmed_at === null).length,
    webhook: rows.filter((r) => r.kind === 'webhook').length,
  };
}

/** Queue the notice to every confirmed subscriber of the page, in the caller's transaction. Returns how many were new. */
export async function notifySubscribers(
  ctx: ServiceContext,
  trx: Trx,
  page: StatusPageRow,
  notice: StatusNotice,
): Promise<number> {
  let query = trx
    .selectFrom('status_subscriptions as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.kind', 's.target', 's.secret', 's.unsubscribe_token', 'u.language', 'u.time_zone'])
    .where('s.page_id', '=', page.id)
    .where('s.confirmed_at', 'is not', null);
  // A page made sign-in only since tells only those who subscribed signed in (and are still users).
  if (page.audience === 'signed_in') query = query.where('s.user_id', 'is not', null);
  const subs = await query.orderBy('s.id').execute();
  if (subs.length === 0) return 0;
  const organisation = await getOrganisationLocale(trx);
  const now = ctx.clock.now();
  const link = pageUrl(ctx.config.publicUrl, page.slug);
  const mailEnabled = ctx.config.smtpOutUrl !== null;
  const deliveries: NewDelivery[] = subs.map((s) => {
    const unsubscribeUrl = pageUrl(ctx.config.publicUrl, page.slug, `?unsubscribe=${s.unsubscribe_token}`);
    const idempotencyKey = `status:${notice.key}:${s.id}`;
    if (s.kind === 'mail') {
      const locale = recipientLocale(s, organisation);
      const words = notice.words(locale);
      const unsubscribeLine = mailText(locale.language, 'statusPage.unsubscribeLink', {
        link: unsubscribeUrl,
      });
      const text = `${words.text}\n\n${page.title}: ${link}\n${unsubscribeLine}\n`;
      const mail: MailPayload = {
        subject: `[${page.title}] ${words.subject}`,
        text,
        html:
          `<p>${escapeHtml(words.text).replace(/\n/g, '<br>')}</p>` +
          `<p><a href="${escapeHtml(link)}">${escapeHtml(page.title)}</a> · ` +
          `<a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(mailText(locale.language, 'statusPage.unsubscribe'))}</a></p>`,
        messageId: `opsdesk.status.${notice.key.replace(/[^A-Za-z0-9.-]/g, '.')}.${s.id}@${ctx.config.mailDomain}`,
        inReplyTo: null,
        references: null,
      };
      return {
        channel: 'mail',
        eventId: null,
        target: s.target,
        kind: `status_page.${notice.kind}`,
        payload: mail as unknown as Record<string, unknown>,
        idempotencyKey,
        disabledBecause: mailEnabled ? null : mailDisabled,
      };
    }
    // Signed JSON on the page channel: a URL with its own secret, the SSRF guard on every attempt.
    return {
      channel: 'page',
      eventId: null,
      target: s.target,
      kind: `status_page.${notice.kind}`,
      payload: {
        format: 'webhook',
        secret: s.secret ?? '',
        body: {
          type: `status_page.${notice.kind}`,
          page: { slug: page.slug, title: page.title, url: link },
          ...notice.details,
          unsubscribeUrl,
          queuedAt: new Date(now).toISOString(),
        },
      },
      idempotencyKey,
    };
  });
  let written = 0;
  for (let i = 0; i < deliveries.length; i += 500)
    written += (await queueDeliveries(trx, now, deliveries.slice(i, i + 500))).length;
  return written;
}
