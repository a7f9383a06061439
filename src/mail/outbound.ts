// Mail out: a notification stage subscribed to ticket events queues one delivery per recipient on the
// delivery pipeline's mail channel inside the outbox relay's transaction (rendered, with its Message-ID and
// thread headers); the pipeline's worker (src/notify) sends it and keeps the log. The mail log is a view of
// it. Without OPSDESK_SMTP_OUT_URL a delivery is written as "disabled", saying so.
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, MailDeliveryStatus, TicketRow } from '../core/db/index.js';
import { chunks } from '../core/db/index.js';
import { Forbidden, NotFound } from '../core/errors.js';
import { type EventType, eventTypes, type StoredEvent } from '../core/events.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import {
  deliveryWorker,
  type MailPayload,
  type NewDelivery,
  queueDeliveries,
  retryDelivery,
} from '../notify/index.js';
import {
  formatMailTime,
  localValues,
  type MailLocale,
  mailText,
  recipientLocale,
  templateIn,
} from './mail-language.js';
import { mentionHandles, resolveMentions } from './mentions.js';
import { bracket, mintMessageId, ticketThreadId } from './message-ids.js';
import { kindOfTemplate, loadPreferences, modeOf, scheduleDigests } from './notification-preferences.js';
import { canMail } from './policies.js';
import { replyMarker } from './reply-text.js';
import {
  escapeHtml,
  loadTemplates,
  type MailTemplate,
  type MailTemplateName,
  renderMail,
  type TemplateValues,
} from './templates.js';

const mailDisabled = 'outbound mail is disabled: OPSDESK_SMTP_OUT_URL is not set';

/** An event's mail to one address, once: a second dispatch of the event writes no second delivery. */
function eventMailKey(eventId: number, template: string, to: string): string {
  return `event:${eventId}:${template}:${to}`;
}

/** The events this stage answers. SLA and escalation events exist once core/events.ts lists them. */
const wanted = [
  'ticket.created',
  'ticket.commented',
  'ticket.state_changed',
  'ticket.assigned',
  'ticket.sla_warning',
  'ticket.sla_breached',
  'ticket.escalated',
  'ticket.ola_warning',
  'ticket.ola_breached',
];
export const mailEventTypes: EventType[] = eventTypes.filter((t) => wanted.includes(t));

export interface MailDelivery {
  id: number;
  eventId: number | null;
  template: string;
  ticketId: number | null;
  userId: number | null;
  to: string;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  status: MailDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

type Trx = Transaction<Database>;

interface Recipient {
  id: number;
  email: string;
  name: string;
  language: string | null;
  time_zone: string | null;
}

const robotAddress = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply)@/i;

// ---- fan-out (in the relay's transaction) ------------------------------------------------------------------

/** What one event calls for, before the batch looks up recipients, templates and threads. */
interface MailPlan {
  event: StoredEvent;
  ticket: TicketRow;
  template: MailTemplateName;
  recipientIds: number[];
  values: TemplateValues;
  commentId: number | null;
  /** An OLA's mail: the group that owes it (null: a group since deleted), said in the recipient's words. */
  olaGroup?: string | null;
}

/** The plan's values as one recipient reads them: their language's words, times in their zone, their name. */
function valuesFor(plan: MailPlan, values: TemplateValues, r: Recipient, locale: MailLocale): TemplateValues {
  const local = localValues(values, locale.language, locale.timeZone);
  if (plan.olaGroup !== undefined)
    local['sla.target'] =
      plan.olaGroup === null
        ? mailText(locale.language, 'sla.olaOfTheGroup')
        : mailText(locale.language, 'sla.olaOf', { group: plan.olaGroup });
  return { ...values, ...local, 'recipient.name': r.name };
}

// Rows per bulk statement: deliveries has 19 columns, so 500 rows stay far below both databases' caps.
const bulkRows = 500;

/** Write the deliveries an event calls for; returns how many were queued to send. */
export async function fanOutMail(ctx: ServiceContext, trx: Trx, event: StoredEvent): Promise<number> {
  return fanOutMailBatch(ctx, trx, [event]);
}

/**
 * Write the deliveries of a relay pass's events, oldest first: one read each of their tickets, recipients,
 * templates and threads, and bulk inserts, instead of some ten statements per event. A later event's mail
 * on the same ticket answers the earlier one's, as if they had been written one by one.
 */
export async function fanOutMailBatch(ctx: ServiceContext, trx: Trx, events: StoredEvent[]): Promise<number> {
  const ticketIdOf = (event: StoredEvent) => {
    const p = event.payload as Record<string, unknown>;
    const id = Number(p.ticketId ?? (event.subjectType === 'ticket' ? event.subjectId : Number.NaN));
    return Number.isSafeInteger(id) ? id : null;
  };
  const ticketIds = [...new Set(events.map(ticketIdOf).filter((id): id is number => id !== null))];
  const tickets = new Map<number, TicketRow>();
  for (const part of chunks(ticketIds, bulkRows))
    for (const t of await trx.selectFrom('tickets').selectAll().where('id', 'in', part).execute())
      tickets.set(t.id, t);

  const plans: MailPlan[] = [];
  for (const event of events) {
    const ticket = tickets.get(ticketIdOf(event) ?? 0);
    if (ticket) plans.push(...(await planMail(trx, event, ticket)));
  }
  if (plans.length === 0) return 0;

  const userIds = new Set<number>();
  for (const plan of plans) {
    for (const id of plan.recipientIds) userIds.add(id);
    if (plan.event.actorId !== null) userIds.add(plan.event.actorId);
  }
  const users = new Map<number, Recipient & { active: number }>();
  for (const part of chunks([...userIds], bulkRows))
    for (const u of await trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'active', 'language', 'time_zone'])
      .where('id', 'in', part)
      .execute())
      users.set(u.id, u);

  const templates = new Map<MailTemplateName, MailTemplate>();
  for (const t of await loadTemplates(trx, [...new Set(plans.map((p) => p.template))]))
    templates.set(t.event, t);
  const threads = await loadThreads(
    trx,
    plans.map((p) => p.ticket.id),
  );
  // The preference stage: each recipient's choice for the plan's kind (off, immediate, digest).
  const preferences = await loadPreferences(trx, [...userIds]);
  const organisation = await getOrganisationLocale(trx);
  const digestItems: DigestItem[] = [];

  const now = ctx.clock.now();
  const enabled = ctx.config.smtpOutUrl !== null;
  const mailFrom = ctx.config.mailFrom.toLowerCase();
  const deliveries: NewDelivery[] = [];
  const commentOf = new Map<string, number | null>();
  for (const plan of plans) {
    const { ticket, template, values } = plan;
    const recipients: Recipient[] = plan.recipientIds
      .map((id) => users.get(id))
      .filter(
        (u): u is Recipient & { active: number } =>
          u !== undefined &&
          u.active === 1 &&
          !robotAddress.test(u.email) &&
          u.email.toLowerCase() !== mailFrom,
      )
      .sort((a, b) => a.id - b.id);
    if (recipients.length === 0) continue;
    const actor = plan.event.actorId !== null ? users.get(plan.event.actorId) : undefined;
    const thread = threads.get(ticket.id) ?? [];
    const headers = threadHeaders(ctx, ticket.id, thread);
    Object.assign(values, {
      'ticket.id': String(ticket.id),
      'ticket.title': ticket.title,
      'ticket.status': ticket.status,
      'ticket.priority': String(ticket.priority),
      'ticket.url': ctx.config.publicUrl
        ? `${ctx.config.publicUrl.replace(/\/$/, '')}/tickets/${ticket.id}`
        : `ticket ${ticket.id}`,
      'actor.name': actor?.name ?? 'opsdesk',
      'reply.marker': replyMarker,
    } satisfies TemplateValues);
    const tpl = templates.get(template) as MailTemplate;
    const kind = kindOfTemplate(template);
    const immediate: Recipient[] = [];
    for (const r of recipients) {
      const mode = kind ? modeOf(preferences.get(r.id), kind) : 'immediate';
      if (mode === 'immediate') immediate.push(r);
      else if (mode === 'digest' && kind) {
        // The digest line is written as the mail would have been: in the recipient's language and zone.
        const locale = recipientLocale(r, organisation);
        digestItems.push(
          digestItemOf(
            templateIn(tpl, locale.language),
            valuesFor(plan, values, r, locale),
            plan,
            r,
            kind.kind,
            now,
          ),
        );
      }
    }
    if (immediate.length === 0) continue;
    for (const r of immediate) {
      // In the recipient's language and time zone (their profile), else the organisation's default.
      const locale = recipientLocale(r, organisation);
      const mail = renderMail(
        templateIn(tpl, locale.language),
        valuesFor(plan, values, r, locale),
        ticket.id,
      );
      const messageId = mintMessageId(ctx.config.mailDomain, ticket.id);
      const payload: MailPayload = {
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        inReplyTo: headers.inReplyTo,
        references: headers.references.join(' '),
      };
      deliveries.push({
        channel: 'mail',
        eventId: plan.event.id,
        kind: template,
        ticketId: ticket.id,
        userId: r.id,
        target: r.email,
        payload: { ...payload },
        idempotencyKey: eventMailKey(plan.event.id, template, r.email),
        disabledBecause: enabled ? null : mailDisabled,
      });
      commentOf.set(messageId, plan.commentId);
    }
    // The event's mails join the thread: the next event's mail answers them.
    for (const d of deliveries.slice(-immediate.length))
      thread.push({ messageId: (d.payload as unknown as MailPayload).messageId, inbound: false });
    threads.set(ticket.id, thread);
  }

  await queueDigestItems(trx, now, digestItems);

  let queued = 0;
  for (const part of chunks(deliveries, bulkRows)) {
    // A delivery already written for this event (a redispatch) is not written twice.
    const written = new Set(await queueDeliveries(trx, now, part));
    const inserted = part.filter((d) => written.has(d.idempotencyKey));
    if (inserted.length === 0) continue;
    await trx
      .insertInto('mail_messages')
      .values(
        inserted.map((d) => {
          const messageId = (d.payload as unknown as MailPayload).messageId;
          return {
            message_id: messageId,
            direction: 'out',
            ticket_id: d.ticketId ?? null,
            comment_id: commentOf.get(messageId) ?? null,
            created_at: now,
          };
        }),
      )
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
    if (enabled) queued += inserted.length;
  }
  return queued;
}

/** One line of a person's next digest, rendered from the kind's template as its mail would have been. */
interface DigestItem {
  userId: number;
  kind: string;
  ticketId: number;
  eventId: number;
  ticketTitle: string;
  subject: string;
  detail: string | null;
  idempotencyKey: string;
  createdAt: number;
}

const digestDetailMaxLength = 600;

function digestItemOf(
  tpl: MailTemplate,
  values: TemplateValues,
  plan: MailPlan,
  r: Recipient,
  kind: string,
  now: number,
): DigestItem {
  // The digest is not a thread of the ticket: no reply marker; the footer (the link) is the digest's own.
  const mail = renderMail(tpl, { ...values, 'reply.marker': '' }, null);
  const body = mail.text.split(/\n\n--\n/)[0].trim();
  return {
    userId: r.id,
    kind,
    ticketId: plan.ticket.id,
    eventId: plan.event.id,
    ticketTitle: plan.ticket.title,
    subject: mail.subject,
    detail: body.length === 0 ? null : clipText(body, digestDetailMaxLength),
    idempotencyKey: eventMailKey(plan.event.id, plan.template, `user:${r.id}`),
    createdAt: now,
  };
}

function clipText(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Keep the items for their people's digests (once per event and person) and make sure a digest is coming. */
async function queueDigestItems(trx: Trx, now: number, items: DigestItem[]): Promise<void> {
  if (items.length === 0) return;
  for (const part of chunks(items, bulkRows))
    await trx
      .insertInto('notification_digest_items')
      .values(
        part.map((i) => ({
          user_id: i.userId,
          kind: i.kind,
          ticket_id: i.ticketId,
          event_id: i.eventId,
          ticket_title: i.ticketTitle,
          subject: i.subject,
          detail: i.detail,
          idempotency_key: i.idempotencyKey,
          created_at: i.createdAt,
        })),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  await scheduleDigests(trx, now, [...new Set(items.map((i) => i.userId))]);
}

/**
 * Queue a plain notice outside any ticket's thread (an inbound mail that was not filed, and why). It goes
 * through the same delivery log and worker as every other mail. Returns whether it will be sent.
 */
export async function queueMailNotice(
  ctx: ServiceContext,
  notice: { to: string; subject: string; text: string; inReplyTo: string | null },
): Promise<boolean> {
  const html = `<p>${escapeHtml(notice.text).replace(/\n\n/g, '</p><p>').replace(/\n/g, '<br>')}</p>`;
  const enabled = await ctx.db.transaction().execute((trx) =>
    queueDirectMail(ctx, trx, {
      template: 'mail_not_filed',
      userId: null,
      to: notice.to,
      subject: notice.subject,
      text: notice.text,
      html,
      inReplyTo: notice.inReplyTo,
    }),
  );
  if (enabled) nudgeMail(ctx);
  return enabled;
}

/**
 * Queue one mail outside any ticket's thread, in the caller's transaction, for the same worker, retries and
 * delivery log as ticket mail. Its Message-ID is recorded as ours, so an auto-reply to it is recognised as
 * our mail come back. Returns whether it will be sent (outbound mail is configured).
 */
export async function queueDirectMail(
  ctx: ServiceContext,
  trx: Trx,
  mail: {
    template: string;
    userId: number | null;
    to: string;
    subject: string;
    text: string;
    html: string;
    inReplyTo: string | null;
  },
): Promise<boolean> {
  const enabled = ctx.config.smtpOutUrl !== null;
  const now = ctx.clock.now();
  const messageId = mintMessageId(ctx.config.mailDomain, null);
  const inReplyTo = mail.inReplyTo ? bracket(mail.inReplyTo) : null;
  const payload: MailPayload = {
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId,
    inReplyTo,
    references: inReplyTo,
  };
  await queueDeliveries(trx, now, [
    {
      channel: 'mail',
      eventId: null,
      kind: mail.template,
      userId: mail.userId,
      target: mail.to,
      payload: { ...payload },
      idempotencyKey: `message:${messageId}`,
      disabledBecause: enabled ? null : mailDisabled,
    },
  ]);
  await trx
    .insertInto('mail_messages')
    .values({ message_id: messageId, direction: 'out', ticket_id: null, comment_id: null, created_at: now })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();
  return enabled;
}

/** The templates and recipients an event calls for (none, one, or more: an assignment and its group). */
async function planMail(trx: Trx, event: StoredEvent, ticket: TicketRow): Promise<MailPlan[]> {
  const plans: MailPlan[] = [];
  const main = await planMainMail(trx, event, ticket);
  if (main) plans.push(main);
  if (event.type === 'ticket.assigned') {
    const group = await planGroupMail(trx, event, ticket);
    if (group) plans.push(group);
  }
  if (event.type === 'ticket.commented' && event.payload.internal === true) {
    const mention = await planMentionMail(trx, event, ticket);
    if (mention) plans.push(mention);
  }
  return plans;
}

function plan(
  event: StoredEvent,
  ticket: TicketRow,
  template: MailTemplateName,
  recipientIds: number[],
  values: TemplateValues,
  commentId: number | null,
  skipActor: boolean,
): MailPlan | null {
  let ids = [...new Set(recipientIds)];
  if (skipActor && event.actorId !== null) ids = ids.filter((id) => id !== event.actorId);
  if (ids.length === 0) return null;
  return { event, ticket, template, recipientIds: ids, values, commentId };
}

/**
 * A ticket that comes into a group (filed into it, or moved there) is news to the group's members; the
 * assignee is told by the assignment's own mail, the one who moved it knows.
 */
async function planGroupMail(trx: Trx, event: StoredEvent, ticket: TicketRow): Promise<MailPlan | null> {
  const p = event.payload as Record<string, unknown>;
  const groupId = typeof p.groupId === 'number' ? p.groupId : null;
  if (groupId === null || groupId === (p.previousGroupId ?? null)) return null;
  const group = await trx.selectFrom('groups').select('name').where('id', '=', groupId).executeTakeFirst();
  if (!group) return null;
  const assignee = p.assigneeId === undefined ? ticket.assignee_id : (p.assigneeId as number | null);
  const members = (
    await trx.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()
  )
    .map((m) => m.user_id)
    .filter((id) => id !== assignee);
  return plan(event, ticket, 'group_ticket', members, { 'group.name': group.name }, null, true);
}

/** The people an internal note mentions and who may read it (mentions.ts), told with the note. */
async function planMentionMail(trx: Trx, event: StoredEvent, ticket: TicketRow): Promise<MailPlan | null> {
  const p = event.payload as Record<string, unknown>;
  const commentId = Number(p.commentId);
  if (!Number.isSafeInteger(commentId)) return null;
  const comment = await trx
    .selectFrom('comments')
    .select(['body', 'internal', 'author_id'])
    .where('id', '=', commentId)
    .executeTakeFirst();
  if (comment?.internal !== 1) return null;
  const handles = mentionHandles(comment.body);
  if (handles.length === 0) return null;
  // Candidates by handle, narrowed in SQL and checked exactly (and against the ticket policy) in resolveMentions.
  const candidates = await trx
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('active', '=', 1)
    .where((eb) =>
      eb.or(
        handles.flatMap((h) => [
          eb(sql`lower(substr(email, 1, ${h.length + 1}))`, '=', `${h}@`),
          eb(sql`replace(lower(name), ' ', '')`, '=', h),
          eb(sql`replace(lower(name), ' ', '.')`, '=', h),
          eb(sql`replace(lower(name), ' ', '_')`, '=', h),
        ]),
      ),
    )
    .execute();
  if (candidates.length === 0) return null;
  const watcherIds = (
    await trx.selectFrom('ticket_watchers').select('user_id').where('ticket_id', '=', ticket.id).execute()
  ).map((w) => w.user_id);
  const ids = resolveMentions(
    comment.body,
    { requester_id: ticket.requester_id, watcherIds },
    comment.author_id,
    candidates,
  );
  return plan(event, ticket, 'mentioned', ids, { 'comment.body': comment.body }, commentId, true);
}

/** The mail the event called for before preferences: null when it calls for none. */
async function planMainMail(trx: Trx, event: StoredEvent, ticket: TicketRow): Promise<MailPlan | null> {
  const p = event.payload as Record<string, unknown>;
  let template: MailTemplateName | null = null;
  let recipientIds: number[] = [];
  const values: TemplateValues = {};
  let commentId: number | null = null;
  let skipActor = true;
  let olaGroup: string | null | undefined;
  const ticketId = ticket.id;
  const watchers = async () =>
    (
      await trx.selectFrom('ticket_watchers').select('user_id').where('ticket_id', '=', ticketId).execute()
    ).map((w) => w.user_id);
  const groupMembers = async (groupId: number | null | undefined) =>
    groupId == null
      ? []
      : (
          await trx.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()
        ).map((m) => m.user_id);

  switch (event.type) {
    case 'ticket.created':
      template = 'ticket_created';
      recipientIds = [ticket.requester_id];
      skipActor = false; // the requester filed it and still wants the acknowledgement
      break;
    case 'ticket.commented': {
      // Internal notes never leave the staff: no mail at all.
      if (p.internal === true) return null;
      commentId = Number(p.commentId);
      const comment = await trx
        .selectFrom('comments')
        .selectAll()
        .where('id', '=', commentId)
        .executeTakeFirst();
      if (!comment || comment.internal === 1) return null;
      values['comment.body'] = comment.body;
      const author = await trx
        .selectFrom('users')
        .select('role')
        .where('id', '=', comment.author_id)
        .executeTakeFirst();
      if (author && author.role !== 'requester') {
        template = 'comment_added';
        recipientIds = [ticket.requester_id, ...(await watchers())];
      } else {
        template = 'requester_replied';
        recipientIds = ticket.assignee_id !== null ? [ticket.assignee_id] : [];
      }
      break;
    }
    case 'ticket.state_changed':
      if (p.to !== 'resolved') return null;
      template = 'ticket_resolved';
      recipientIds = [ticket.requester_id];
      break;
    case 'ticket.assigned': {
      const assignee = p.assigneeId === undefined ? ticket.assignee_id : (p.assigneeId as number | null);
      if (assignee === null || assignee === p.previousAssigneeId) return null;
      template = 'ticket_assigned';
      recipientIds = [assignee];
      break;
    }
    default: {
      const type = event.type as string;
      values['sla.target'] = String(p.target ?? '');
      values['sla.dueAt'] = String(p.dueAt ?? '');
      values['escalation.level'] = String(p.level ?? '');
      values['escalation.reason'] = String(p.reason ?? '');
      if (type === 'ticket.ola_warning' || type === 'ticket.ola_breached') {
        // The group that owes the OLA hears of it, and the assignee.
        const groupId = typeof p.groupId === 'number' ? p.groupId : null;
        const group =
          groupId === null
            ? undefined
            : await trx.selectFrom('groups').select('name').where('id', '=', groupId).executeTakeFirst();
        values['sla.target'] = 'ola';
        olaGroup = group?.name ?? null;
        template = type === 'ticket.ola_warning' ? 'sla_warning' : 'sla_breached';
        recipientIds = [
          ...(ticket.assignee_id !== null ? [ticket.assignee_id] : []),
          ...(await groupMembers(groupId)),
        ];
        skipActor = false;
      } else if (type === 'ticket.sla_warning') {
        template = 'sla_warning';
        recipientIds =
          ticket.assignee_id !== null ? [ticket.assignee_id] : await groupMembers(ticket.group_id);
      } else if (type === 'ticket.sla_breached' || type === 'ticket.escalated') {
        template = type === 'ticket.escalated' ? 'escalated' : 'sla_breached';
        recipientIds = [
          ...(ticket.assignee_id !== null ? [ticket.assignee_id] : []),
          ...(await groupMembers((p.toGroupId as number | undefined) ?? ticket.group_id)),
        ];
        if (p.toManager === true) {
          const managers = await trx
            .selectFrom('users')
            .select('id')
            .where('role', '=', 'manager')
            .where('active', '=', 1)
            .execute();
          recipientIds.push(...managers.map((m) => m.id));
        }
        skipActor = false;
      } else {
        return null;
      }
    }
  }
  if (!template) return null;
  const planned = plan(event, ticket, template, recipientIds, values, commentId, skipActor);
  return planned && olaGroup !== undefined ? { ...planned, olaGroup } : planned;
}

/**
 * Each ticket's mail so far, oldest first: the Message-IDs that its next mail's thread headers are made of.
 */
async function loadThreads(trx: Trx, ticketIds: number[]): Promise<Map<number, ThreadMessage[]>> {
  const threads = new Map<number, ThreadMessage[]>();
  for (const part of chunks([...new Set(ticketIds)], bulkRows)) {
    const rows = await trx
      .selectFrom('mail_messages')
      .select(['ticket_id', 'message_id', 'direction', 'created_at'])
      .where('ticket_id', 'in', part)
      .orderBy('ticket_id')
      .orderBy('created_at')
      .execute();
    for (const r of rows) {
      const list = threads.get(r.ticket_id as number) ?? [];
      list.push({ messageId: r.message_id, inbound: r.direction === 'in' });
      threads.set(r.ticket_id as number, list);
    }
  }
  return threads;
}

interface ThreadMessage {
  messageId: string;
  inbound: boolean;
}

/**
 * The thread headers of a ticket's next mail (RFC 5322 §3.6.4): In-Reply-To the latest message of the
 * ticket, References the root (the mail that opened it, or a stable id for tickets filed otherwise) and the
 * latest few, so clients thread the whole conversation.
 */
function threadHeaders(
  ctx: ServiceContext,
  ticketId: number,
  thread: ThreadMessage[],
): { inReplyTo: string; references: string[] } {
  const root = thread.find((m) => m.inbound)?.messageId ?? ticketThreadId(ctx.config.mailDomain, ticketId);
  const recent = thread
    .map((m) => m.messageId)
    .filter((id) => id !== root)
    .slice(-8);
  const references = [root, ...recent].map(bracket);
  return { inReplyTo: references[references.length - 1], references };
}

// ---- account mail (no ticket) ----------------------------------------------------------------------------------

/**
 * Queue a mail about the account itself (an admin's password-reset link), in the caller's transaction, for
 * the same worker, retries and delivery log as ticket mail, in the person's language and time zone. Fixed text,
 * not an admin-editable template: what it says is part of the security of the link.
 */
export async function queuePasswordResetMail(
  ctx: ServiceContext,
  trx: Trx,
  mail: { userId: number; email: string; name: string; link: string; expiresAt: number },
): Promise<void> {
  const now = ctx.clock.now();
  const minutes = Math.round((mail.expiresAt - now) / 60_000);
  const person = await trx
    .selectFrom('users')
    .select(['language', 'time_zone'])
    .where('id', '=', mail.userId)
    .executeTakeFirst();
  const { language, timeZone } = recipientLocale(person, await getOrganisationLocale(trx));
  const greeting = mailText(language, 'mail.greeting', { name: mail.name });
  const intro = mailText(language, 'passwordReset.intro');
  const expiry = mailText(language, 'passwordReset.expiry', {
    minutes,
    until: formatMailTime(mail.expiresAt, language, timeZone),
  });
  const unexpected = mailText(language, 'passwordReset.unexpected');
  const text = [greeting, '', intro, '', mail.link, '', expiry, unexpected].join('\n');
  const html = `<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(mail.link)}">${escapeHtml(mail.link)}</a></p>
<p>${escapeHtml(expiry)}</p>
<p>${escapeHtml(unexpected)}</p>`;
  await queueDirectMail(ctx, trx, {
    template: 'password_reset',
    userId: mail.userId,
    to: mail.email,
    subject: mailText(language, 'passwordReset.subject'),
    text,
    html,
    inReplyTo: null,
  });
}

// ---- the worker (the delivery pipeline's, src/notify) ----------------------------------------------------

export interface MailPassResult {
  attempted: number;
  sent: number;
  retrying: number;
  failed: number;
}

/** Send soon, once the relay's pass that wrote the rows has committed (when a worker runs in this process). */
export function nudgeMail(ctx: ServiceContext): void {
  ctx.deliveries?.nudge();
}

/** Send every due mail now: one pass of the pipeline's mail channel. */
export async function deliverMailDue(ctx: ServiceContext, limit = 100): Promise<MailPassResult> {
  const r = await deliveryWorker(ctx).runDue({ channel: 'mail', maxPerPass: limit });
  return { attempted: r.attempted, sent: r.delivered, retrying: r.retrying, failed: r.failed };
}

// ---- the delivery log (admin) ----------------------------------------------------------------------------------

function toDelivery(r: {
  id: number;
  event_id: number | null;
  template: string;
  ticket_id: number | null;
  user_id: number | null;
  to_address: string;
  subject: string;
  message_id: string;
  in_reply_to: string | null;
  status: MailDeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}): MailDelivery {
  return {
    id: r.id,
    eventId: r.event_id,
    template: r.template,
    ticketId: r.ticket_id,
    userId: r.user_id,
    to: r.to_address,
    subject: r.subject,
    messageId: r.message_id,
    inReplyTo: r.in_reply_to,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}

export async function listMailDeliveries(
  ctx: ServiceContext,
  actor: Actor,
  query: { status?: MailDeliveryStatus; ticketId?: number; beforeId?: number; limit: number },
): Promise<MailDelivery[]> {
  if (!canMail(actor, 'mail.manage'))
    throw new Forbidden('forbidden', 'Only an admin may read the mail logs.');
  let q = ctx.db.selectFrom('mail_deliveries').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.ticketId !== undefined) q = q.where('ticket_id', '=', query.ticketId);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  return (await q.execute()).map(toDelivery);
}

/** Send again now, with a fresh round of retries (a failed delivery, or a disabled one once mail is set up). */
export async function retryMailDelivery(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<MailDelivery> {
  if (!canMail(actor, 'mail.manage')) throw new Forbidden('forbidden', 'Only an admin may retry mail.');
  await retryDelivery(ctx, actor, id, {
    channels: ['mail'],
    notFound: () => new NotFound('mail_delivery_not_found', `No mail delivery ${id}.`),
  });
  // The answer says how the attempt went, as it always has: send now rather than on the nudge.
  if (ctx.config.smtpOutUrl) await deliverMailDue(ctx);
  return toDelivery(
    await ctx.db.selectFrom('mail_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
}
