// Paging one person: their contact methods and notification rules turn one page into deliveries on the notify
// pipeline (webhook at once, email after five minutes…); acknowledging an incident cancels what is still waiting.
// A page a person reads (mail, chat) is written in their language, else the organisation's default.
// CONTRACT (issue 10): these signatures are shared; the contact-methods helper fills in the bodies.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type { ContactMethodKind, Database, DeliveryChannelName, DeliveryState } from '../core/db/index.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import { type MailLanguage, mailText, recipientLocale } from '../mail/index.js';
import {
  cancelPendingDeliveries,
  deliveryWorker,
  type MailPayload,
  type NewDelivery,
  queueDeliveries,
} from '../notify/index.js';
import { type ContactMethod, channelEnabled, escapeHtml } from './contact-methods.js';
import { effectiveRules } from './notification-rules.js';

export interface PageInput {
  userId: number;
  incidentId: number;
  /** One line: "[P1] VPN gateway down (Network)". */
  title: string;
  body: string;
  /** Signed links that acknowledge / resolve without signing in. */
  acknowledgeUrl: string;
  resolveUrl: string;
  /** Which escalation step and repeat this is, for the timeline. */
  step: number;
  /** What the page is about, for a body in the person's language (without it, `body` as it is). */
  incident?: PagedIncident;
}

/** The facts of a paged incident, from which a page's body is written in its reader's language. */
export interface PagedIncident {
  summary: string;
  severity: string;
  service: string | null;
  step: number;
  steps: number;
  pass: number;
  passes: number;
  policy: string;
}

/** A page's body in a language: the summary, the incident, and where in its escalation it is. */
function pageBody(input: PageInput, language: MailLanguage): string {
  const i = input.incident;
  if (!i) return input.body;
  return [
    i.summary,
    mailText(language, 'page.incident', {
      id: input.incidentId,
      service: i.service ? ` (${i.service})` : '',
      severity: i.severity,
    }),
    mailText(language, 'page.step', {
      step: i.step,
      steps: i.steps,
      pass: i.pass,
      passes: i.passes,
      policy: i.policy,
    }),
  ].join('\n');
}

export interface PageResult {
  /** One per delivery queued, with the channel and when it goes. */
  deliveries: {
    deliveryId: number;
    method: string;
    notBefore: number;
    /** The contact method it goes to; null for the account's email (a person without methods). */
    contactMethodId: number | null;
    /** False when the channel cannot send now (sms without a gateway): the delivery waits until it can. */
    channelEnabled: boolean;
  }[];
  /** Nothing could be queued: the user has no working contact method. */
  unreachable: boolean;
}

const titleMaxLength = 200;
const bodyMaxLength = 4000;
const chatTextMaxLength = 3000;

function clipText(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The delivery of one page to one method, in its channel's shape. */
export function pageDelivery(
  ctx: ServiceContext,
  input: PageInput,
  target: { kind: ContactMethodKind; target: string; secret: string | null },
  now: number,
  language: MailLanguage = 'en',
): { channel: DeliveryChannelName; payload: Record<string, unknown> } {
  const title = clipText(input.title.replace(/\s+/g, ' ').trim(), titleMaxLength);
  const body = clipText(pageBody(input, language).trim(), bodyMaxLength);
  const acknowledgeLine = mailText(language, 'page.acknowledgeLink', { link: input.acknowledgeUrl });
  const resolveLine = mailText(language, 'page.resolveLink', { link: input.resolveUrl });
  switch (target.kind) {
    case 'email': {
      const text = `${body}\n\n${acknowledgeLine}\n${resolveLine}\n`;
      const mail: MailPayload = {
        subject: title,
        text,
        html:
          `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>` +
          `<p><a href="${escapeHtml(input.acknowledgeUrl)}">${escapeHtml(mailText(language, 'page.acknowledge'))}</a> · ` +
          `<a href="${escapeHtml(input.resolveUrl)}">${escapeHtml(mailText(language, 'page.resolve'))}</a></p>`,
        messageId: `opsdesk.page.${input.incidentId}.${now.toString(36)}.${randomBytes(4).toString('hex')}@${ctx.config.mailDomain}`,
        inReplyTo: null,
        references: null,
      };
      return { channel: 'mail', payload: mail as unknown as Record<string, unknown> };
    }
    case 'sms':
      // Short: what and the one link that stops the escalation.
      return { channel: 'sms', payload: { text: `${title} Ack: ${input.acknowledgeUrl}` } };
    case 'chat':
      return {
        channel: 'page',
        payload: {
          format: 'chat',
          text: clipText(`${title}\n${body}\n${acknowledgeLine}\n${resolveLine}`, chatTextMaxLength),
        },
      };
    case 'webhook':
      return {
        channel: 'page',
        payload: {
          format: 'webhook',
          secret: target.secret ?? '',
          body: {
            type: 'incident.page',
            incidentId: input.incidentId,
            userId: input.userId,
            step: input.step,
            title,
            body,
            acknowledgeUrl: input.acknowledgeUrl,
            resolveUrl: input.resolveUrl,
            queuedAt: toIso(now),
          },
        },
      };
  }
}

/** Queue a page to a user inside the caller's transaction (the worker is nudged after commit). */
export async function pageUser(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  input: PageInput,
): Promise<PageResult> {
  const now = ctx.clock.now();
  const user = await trx
    .selectFrom('users')
    .select(['id', 'email', 'active', 'role', 'language', 'time_zone'])
    .where('id', '=', input.userId)
    .executeTakeFirst();
  // A deactivated account, or a requester (never on call), is not paged: the caller records it as unreachable.
  if (user?.active !== 1 || user.role === 'requester') return { deliveries: [], unreachable: true };
  const { language } = recipientLocale(user, await getOrganisationLocale(trx));
  const rules = await effectiveRules(ctx, trx, input.userId);
  // The secret is read here, not shown by contact-method views.
  const secrets = new Map(
    (
      await trx
        .selectFrom('contact_methods')
        .select(['id', 'secret'])
        .where('user_id', '=', input.userId)
        .execute()
    ).map((r) => [r.id, r.secret]),
  );
  const planned: { delivery: NewDelivery; method: ContactMethod | null; kind: ContactMethodKind }[] = [];
  rules.forEach((rule, index) => {
    const kind = rule.method?.kind ?? 'email';
    const target = rule.method?.target ?? user.email;
    const { channel, payload } = pageDelivery(
      ctx,
      input,
      { kind, target, secret: rule.method ? (secrets.get(rule.method.id) ?? null) : null },
      now,
      language,
    );
    planned.push({
      method: rule.method,
      kind,
      delivery: {
        channel,
        eventId: null,
        userId: input.userId,
        target,
        kind: 'page',
        payload,
        // Unique per page: a repeat of the same step is a new page, not a duplicate.
        idempotencyKey: `page:${input.incidentId}:${input.userId}:${input.step}:${index}:${now}:${randomBytes(4).toString('hex')}`,
        notBefore: now + rule.delayMinutes * 60_000,
        incidentId: input.incidentId,
        contactMethodId: rule.method?.id ?? null,
      },
    });
  });
  if (planned.length === 0) return { deliveries: [], unreachable: true };
  await queueDeliveries(
    trx as Transaction<Database>,
    now,
    planned.map((p) => p.delivery),
  );
  const rows = await trx
    .selectFrom('deliveries')
    .select(['id', 'idempotency_key'])
    .where(
      'idempotency_key',
      'in',
      planned.map((p) => p.delivery.idempotencyKey),
    )
    .execute();
  const idOf = new Map(rows.map((r) => [r.idempotency_key, r.id]));
  const deliveries = planned.map((p) => ({
    deliveryId: idOf.get(p.delivery.idempotencyKey) as number,
    method: p.kind,
    notBefore: p.delivery.notBefore as number,
    contactMethodId: p.method?.id ?? null,
    channelEnabled: channelEnabled(ctx, p.kind),
  }));
  // A nudge waits for the event relay to go idle, not for this transaction: rows it misses go on the next
  // periodic pass (deliveryIntervalMs), as do the delayed ones.
  deliveryWorker(ctx).nudge();
  return { deliveries, unreachable: !deliveries.some((d) => d.channelEnabled) };
}

/** Cancel every page of the incident still waiting to be sent (acknowledged or resolved). */
export async function cancelPages(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  incidentId: number,
): Promise<number> {
  return cancelPendingDeliveries(trx as Transaction<Database>, ctx.clock.now(), { incidentId });
}

/** One page delivery as the incident's timeline shows it: who, by which method, when, and how it went. */
export interface PageDelivery {
  deliveryId: number;
  userId: number | null;
  method: ContactMethodKind;
  contactMethodId: number | null;
  target: string;
  state: DeliveryState;
  notBefore: number | null;
  deliveredAt: number | null;
  lastReason: string | null;
  createdAt: number;
}

/** Every page of an incident, oldest first (the timeline of who was notified when and by which channel). */
export async function listPageDeliveries(ctx: ServiceContext, incidentId: number): Promise<PageDelivery[]> {
  const rows = await ctx.db
    .selectFrom('deliveries as d')
    .leftJoin('contact_methods as m', 'm.id', 'd.contact_method_id')
    .select([
      'd.id',
      'd.user_id',
      'd.channel',
      'd.contact_method_id',
      'd.target',
      'd.state',
      'd.next_attempt_at',
      'd.delivered_at',
      'd.last_reason',
      'd.created_at',
      'm.kind',
    ])
    .where('d.incident_id', '=', incidentId)
    .where('d.kind', '=', 'page')
    .orderBy('d.id')
    .execute();
  const kindOfChannel: Partial<Record<DeliveryChannelName, ContactMethodKind>> = {
    mail: 'email',
    sms: 'sms',
  };
  return rows.map((r) => ({
    deliveryId: r.id,
    userId: r.user_id,
    method: r.kind ?? kindOfChannel[r.channel] ?? 'webhook',
    contactMethodId: r.contact_method_id,
    target: r.target,
    state: r.state,
    notBefore: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    lastReason: r.last_reason,
    createdAt: r.created_at,
  }));
}
