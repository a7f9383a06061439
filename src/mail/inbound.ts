// Mail in: a message is stored first (status received), then processed by a pipeline of small stages —
// parse, recognise automated mail and loops, decide who it is from (sender-trust.ts), claim its Message-ID
// (once only, across SMTP and IMAP), find the ticket it answers, then add a comment or open a ticket and keep
// its attachments. Every refusal leaves the row rejected (set aside) with a reason; a row left received (a
// crash, a database outage) is processed again by a job, so nothing acknowledged is lost.
import { Readable } from 'node:stream';
import { convert as htmlToText } from 'html-to-text';
import type { Selectable, Transaction } from 'kysely';
import type { ParsedMail } from 'mailparser';
import { type Actor, actorForUser, createUser, isStaff, normaliseEmail } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, MailInboundStatus, MailInboundTable } from '../core/db/index.js';
import { Conflict, DomainError, Forbidden, NotFound } from '../core/errors.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import {
  addAttachment,
  addComment,
  canTicket,
  commentMaxLength,
  createTicket,
  findVisibleTicket,
  resolveMergedTicket,
  ticketLimits,
} from '../helpdesk/index.js';
import { detectAutomated, overSenderLimit } from './auto-replies.js';
import { type MailLocale, mailText, recipientLocale } from './mail-language.js';
import { isOurMessageId, messageIdList, normaliseMessageId, syntheticMessageId } from './message-ids.js';
import { queueMailNotice } from './outbound.js';
import { canMail } from './policies.js';
import { stripQuotedReply, ticketRefInSubject, titleFromSubject } from './reply-text.js';
import { type Arrival, domainAllowed, judgeSender } from './sender-trust.js';

export interface InboundInput {
  source: 'smtp' | 'imap';
  raw: Buffer;
  envelopeFrom?: string | null;
  envelopeTo?: string[];
  /** The SMTP client's IP address. */
  clientAddress?: string | null;
  /** The relay that authenticated with SMTP AUTH. */
  smtpRelay?: string | null;
}

/** Why a mail did not become a ticket or a comment: stable labels for the log, the metric and SMTP. */
export type RejectReason =
  | 'too_large'
  | 'malformed'
  | 'auto_reply'
  | 'bounce'
  | 'bulk'
  | 'loop'
  | 'rate_limited'
  | 'unknown_sender'
  | 'inactive_sender'
  | 'refused'
  // Set aside for review: the envelope sender and the header From differ (a forged From?).
  | 'sender_mismatch'
  // Set aside for review: staff (or, by setting, anyone) without a configured check that vouches for them.
  | 'unverified_sender'
  // Set aside for review: an unknown sender outside OPSDESK_MAIL_ALLOWED_DOMAINS.
  | 'unknown_domain';

/** Reasons whose sender has an account and is told by mail why (never a stranger: that would be backscatter). */
const noticeReasons: ReadonlySet<string> = new Set(['refused', 'sender_mismatch', 'unverified_sender']);

export interface InboundOutcome {
  inboundId: number;
  status: MailInboundStatus;
  /** For rejected: a RejectReason; for processed: ticket_created, comment_added or duplicate. */
  reason: string | null;
  detail: string | null;
  ticketId: number | null;
  commentId: number | null;
}

export interface InboundMail {
  id: number;
  source: 'smtp' | 'imap';
  messageId: string | null;
  sender: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  clientAddress: string | null;
  smtpRelay: string | null;
  subject: string | null;
  sizeBytes: number;
  status: MailInboundStatus;
  reason: string | null;
  notes: string[];
  ticketId: number | null;
  commentId: number | null;
  attempts: number;
  receivedAt: number;
  processedAt: number | null;
}

export class Rejection extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Store a mail durably, then process it. Resolves once the mail is safe (stored), whatever came of it. */
export async function receiveMail(ctx: ServiceContext, input: InboundInput): Promise<InboundOutcome> {
  const now = ctx.clock.now();
  const envelopeTo = JSON.stringify((input.envelopeTo ?? []).slice(0, 100));
  if (input.raw.length > ctx.config.mailMaxBytes) {
    return refuseTooLarge(ctx, { ...input, sizeBytes: input.raw.length });
  }
  const row = await ctx.db
    .insertInto('mail_inbound')
    .values({
      source: input.source,
      envelope_from: input.envelopeFrom ?? null,
      envelope_to: envelopeTo,
      client_address: input.clientAddress ?? null,
      smtp_relay: input.smtpRelay ?? null,
      raw: input.raw,
      size_bytes: input.raw.length,
      status: 'received',
      received_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return processInbound(ctx, row.id);
}

/** Log a mail refused unread for its size (SMTP SIZE, or an IMAP message over the limit). */
export async function refuseTooLarge(
  ctx: ServiceContext,
  input: { source: 'smtp' | 'imap'; sizeBytes: number; envelopeFrom?: string | null; envelopeTo?: string[] },
): Promise<InboundOutcome> {
  const now = ctx.clock.now();
  const detail = `the message has ${input.sizeBytes}${input.source === 'smtp' ? '+' : ''} bytes; the limit is ${ctx.config.mailMaxBytes}`;
  const row = await ctx.db
    .insertInto('mail_inbound')
    .values({
      source: input.source,
      envelope_from: input.envelopeFrom ?? null,
      envelope_to: JSON.stringify((input.envelopeTo ?? []).slice(0, 100)),
      raw: null,
      size_bytes: input.sizeBytes,
      status: 'rejected',
      reason: 'too_large',
      notes: JSON.stringify([detail]),
      received_at: now,
      processed_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  ctx.log.warn({ inboundId: row.id, source: input.source, reason: 'too_large' }, 'inbound mail rejected');
  return {
    inboundId: row.id,
    status: 'rejected',
    reason: 'too_large',
    detail,
    ticketId: null,
    commentId: null,
  };
}

/**
 * Process a stored mail. Idempotent: a processed or rejected row answers with its outcome; a row left
 * received is taken up again (its Message-ID claim is its own, so it proceeds where it stopped).
 */
export async function processInbound(ctx: ServiceContext, inboundId: number): Promise<InboundOutcome> {
  const row = await ctx.db
    .selectFrom('mail_inbound')
    .selectAll()
    .where('id', '=', inboundId)
    .executeTakeFirst();
  if (!row) throw new NotFound('inbound_mail_not_found', `No inbound mail ${inboundId}.`);
  if (row.status !== 'received') return outcomeOf(row, null);
  await ctx.db
    .updateTable('mail_inbound')
    .set({ attempts: row.attempts + 1 })
    .where('id', '=', inboundId)
    .execute();
  const notes: string[] = [];
  try {
    const arrival: Arrival = {
      source: row.source,
      envelopeFrom: row.envelope_from,
      clientAddress: row.client_address,
      smtpRelay: row.smtp_relay,
      acceptedBy: row.accepted_by,
    };
    const result = await runPipeline(ctx, inboundId, row.raw ?? Buffer.alloc(0), arrival, notes);
    const now = ctx.clock.now();
    await ctx.db
      .updateTable('mail_inbound')
      .set({
        status: 'processed',
        reason: result.action,
        ticket_id: result.ticketId,
        comment_id: result.commentId,
        notes: JSON.stringify(notes),
        processed_at: now,
      })
      .where('id', '=', inboundId)
      .execute();
    ctx.log.info({ inboundId, ...result }, 'inbound mail processed');
    return {
      inboundId,
      status: 'processed',
      reason: result.action,
      detail: null,
      ticketId: result.ticketId,
      commentId: result.commentId,
    };
  } catch (err) {
    const rejection =
      err instanceof Rejection
        ? err
        : err instanceof DomainError
          ? new Rejection('refused', `${err.code}: ${err.message}`)
          : null;
    if (!rejection) {
      // Not the mail's fault (the database, a bug): it stays received and the retry job takes it up.
      ctx.log.error({ err, inboundId }, 'inbound mail processing failed; will retry');
      return { inboundId, status: 'received', reason: null, detail: null, ticketId: null, commentId: null };
    }
    notes.push(rejection.detail);
    const sender = await ctx.db
      .selectFrom('mail_inbound')
      .select(['sender', 'subject', 'message_id'])
      .where('id', '=', inboundId)
      .executeTakeFirstOrThrow();
    // Never silently dropped: a sender with an account is told why (the notice goes to the account's own
    // address, so a forger learns nothing and the person whose name was used hears of it).
    if (noticeReasons.has(rejection.reason) && sender.sender) {
      const to = await ctx.db
        .selectFrom('users')
        .select(['email', 'name', 'language', 'time_zone'])
        .where('email', '=', sender.sender)
        .where('active', '=', 1)
        .executeTakeFirst();
      const locale = to ? recipientLocale(to, await getOrganisationLocale(ctx.db)) : null;
      if (to && locale && (await queueMailNotice(ctx, noticeFor(rejection.reason, to, sender, locale)))) {
        notes.push(`${to.email} was told by mail`);
      }
    }
    await ctx.db
      .updateTable('mail_inbound')
      .set({
        status: 'rejected',
        reason: rejection.reason,
        notes: JSON.stringify(notes),
        processed_at: ctx.clock.now(),
      })
      .where('id', '=', inboundId)
      .execute();
    ctx.log.warn({ inboundId, reason: rejection.reason, detail: rejection.detail }, 'inbound mail rejected');
    return {
      inboundId,
      status: 'rejected',
      reason: rejection.reason,
      detail: rejection.detail,
      ticketId: null,
      commentId: null,
    };
  }
}

/** The notice to a sender whose mail was not filed, in their language (noticeReasons have the catalogue's words). */
function noticeFor(
  reason: string,
  to: { email: string; name: string },
  mail: { subject: string | null; message_id: string | null },
  { language }: MailLocale,
): { to: string; subject: string; text: string; inReplyTo: string | null } {
  const subject = (mail.subject ?? mailText(language, 'notFiled.noSubject'))
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 200);
  return {
    to: to.email,
    subject: mailText(language, 'notFiled.subject', { subject }),
    text: mailText(language, 'notFiled.text', {
      name: to.name,
      subject,
      reason: noticeReasons.has(reason) ? mailText(language, `notFiled.reason.${reason}`) : reason,
    }),
    inReplyTo: mail.message_id,
  };
}

function outcomeOf(
  row: {
    id: number;
    status: MailInboundStatus;
    reason: string | null;
    notes: string;
    ticket_id: number | null;
    comment_id: number | null;
  },
  detail: string | null,
): InboundOutcome {
  const notes = JSON.parse(row.notes) as string[];
  return {
    inboundId: row.id,
    status: row.status,
    reason: row.reason,
    detail: detail ?? notes[notes.length - 1] ?? null,
    ticketId: row.ticket_id,
    commentId: row.comment_id,
  };
}

// ---- the stages -------------------------------------------------------------------------------------------

interface PipelineResult {
  action: 'ticket_created' | 'comment_added' | 'duplicate';
  ticketId: number | null;
  commentId: number | null;
}

async function runPipeline(
  ctx: ServiceContext,
  inboundId: number,
  raw: Buffer,
  arrival: Arrival,
  notes: string[],
): Promise<PipelineResult> {
  const mail = await parseMail(raw);
  const sender = senderOf(mail);
  const envelopeFrom = arrival.envelopeFrom;
  const messageId = normaliseMessageId(mail.messageId) ?? syntheticMessageId(raw);
  await ctx.db
    .updateTable('mail_inbound')
    .set({ message_id: messageId, sender, subject: mail.subject?.slice(0, 500) ?? null })
    .where('id', '=', inboundId)
    .execute();

  const headers = headerMap(mail);
  const verdict = detectAutomated(headers, sender, { envelopeFrom, ourAddress: ctx.config.mailFrom });
  if (verdict.automated)
    throw new Rejection(verdict.reason as RejectReason, verdict.detail ?? 'automated mail');
  if (isOurMessageId(messageId, ctx.config.mailDomain))
    throw new Rejection('loop', 'the mail carries a Message-ID that opsdesk minted: our own mail came back');
  await checkSenderRate(ctx, inboundId, sender);
  // Who it is from is settled before the Message-ID is claimed: a forged mail must not block the real one.
  const known = await identifySender(ctx, arrival, sender, mail, notes);

  const claim = await claimMessageId(ctx, messageId, inboundId);
  if (claim.duplicateOf !== null) {
    notes.push(`Message-ID <${messageId}> was already received (inbound ${claim.duplicateOf})`);
    return { action: 'duplicate', ticketId: claim.ticketId, commentId: claim.commentId };
  }

  const actor = await senderActor(ctx, sender, mail, known);
  let ticketId: number;
  let commentId: number | null = null;
  let action: PipelineResult['action'];
  if (claim.ticketId !== null) {
    // An earlier attempt filed this mail and stopped before it was done (a crash, a failed attachment):
    // go on from there instead of filing it twice.
    ticketId = claim.ticketId;
    commentId = claim.commentId;
    action = commentId !== null ? 'comment_added' : 'ticket_created';
    notes.push(
      `taken up again: ${action === 'comment_added' ? `comment ${commentId} on` : 'opened'} ticket ${ticketId}`,
    );
  } else {
    // PostgreSQL text cannot hold NUL: a mail that carries one keeps everything else.
    const text = bodyText(mail).replaceAll('\u0000', '');
    const target = await findTicket(ctx, actor, mail, notes);
    // The mail's Message-ID is tied to what it made in the same transaction.
    const link =
      (comment: boolean) =>
      async (trx: Transaction<Database>, created: { id: number }): Promise<void> => {
        await trx
          .updateTable('mail_messages')
          .set(
            comment ? { ticket_id: target?.id ?? null, comment_id: created.id } : { ticket_id: created.id },
          )
          .where('message_id', '=', messageId)
          .execute();
      };
    if (target && target.status !== 'closed') {
      const reply = stripQuotedReply(text).slice(0, commentMaxLength);
      const body = reply.trim().length > 0 ? reply : '(attachments only)';
      const comment = await addComment(ctx, actor, target.id, { body }, link(true));
      ticketId = target.id;
      commentId = comment.id;
      action = 'comment_added';
    } else {
      if (target) notes.push(`ticket ${target.id} is closed: opened a new ticket that refers to it`);
      const ticket = await createTicket(
        ctx,
        actor,
        {
          title: titleFromSubject(mail.subject?.replaceAll('\u0000', '')),
          description: text.slice(0, ticketLimits.description),
          ...(target ? { relatedTicketId: target.id } : {}),
        },
        link(false),
      );
      ticketId = ticket.id;
      action = 'ticket_created';
    }
  }
  await keepAttachments(ctx, actor, ticketId, commentId, mail, notes);
  return { action, ticketId, commentId };
}

const headerLine = /^[!-9;-~]+[ \t]*:/;

/** Parse with mailparser, after the checks it is too lenient to make: a mail must start with headers. */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const headEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, headEnd >= 0 ? headEnd : Math.min(raw.length, 65_536)).toString('latin1');
  const lines = head.split(/\r?\n/);
  if (raw.length === 0 || !headerLine.test(lines[0] ?? ''))
    throw new Rejection('malformed', 'the message does not start with a header field (RFC 5322 §2.2)');
  for (const line of lines) {
    if (line.includes('\0')) throw new Rejection('malformed', 'a header contains a NUL byte');
    if (!headerLine.test(line) && !/^[ \t]/.test(line))
      throw new Rejection(
        'malformed',
        `a header line is neither a field nor a continuation: ${JSON.stringify(line.slice(0, 60))}`,
      );
  }
  const contentType = /^content-type:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(head)?.[1] ?? '';
  if (/^\s*multipart\//i.test(contentType) && !/boundary\s*=/i.test(contentType))
    throw new Rejection('malformed', 'a multipart message without a boundary');
  try {
    // mailparser (6 MB of memory once loaded) is loaded with the first mail, not at start.
    const { simpleParser } = await import('mailparser');
    return await simpleParser(raw, {
      skipImageLinks: true,
      skipTextLinks: true,
      skipTextToHtml: true,
      maxHtmlLengthToParse: 2_000_000,
    });
  } catch (err) {
    throw new Rejection('malformed', `unreadable MIME: ${(err as Error).message?.slice(0, 200)}`);
  }
}

function senderOf(mail: ParsedMail): string {
  // RFC 5322 §3.6: exactly one From field. A second one (or a second author) is how a forger hides the
  // address a reader sees behind the one a filter checks.
  if ((mail.headerLines ?? []).filter((h) => h.key === 'from').length > 1)
    throw new Rejection('malformed', 'the message has more than one From field');
  if ((mail.from?.value?.length ?? 0) > 1)
    throw new Rejection('sender_mismatch', 'the From field names more than one address');
  const from = mail.from?.value?.[0]?.address;
  if (!from) throw new Rejection('malformed', 'the message has no From address');
  try {
    return normaliseEmail(from);
  } catch {
    throw new Rejection('malformed', `the From address ${JSON.stringify(from.slice(0, 100))} is not valid`);
  }
}

function headerMap(mail: ParsedMail): Map<string, string> {
  const map = new Map<string, string>();
  for (const h of mail.headerLines ?? []) {
    if (map.has(h.key)) continue;
    const at = h.line.indexOf(':');
    map.set(
      h.key.toLowerCase(),
      h.line
        .slice(at + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
  }
  return map;
}

async function checkSenderRate(ctx: ServiceContext, inboundId: number, sender: string): Promise<void> {
  const since = ctx.clock.now() - 3_600_000;
  const row = await ctx.db
    .selectFrom('mail_inbound')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sender', '=', sender)
    .where('received_at', '>=', since)
    .where('id', '<', inboundId)
    .executeTakeFirstOrThrow();
  if (overSenderLimit(Number(row.n), ctx.config.mailSenderMaxPerHour)) {
    throw new Rejection(
      'rate_limited',
      `${sender} sent more than ${ctx.config.mailSenderMaxPerHour} mails in an hour (a mail loop?)`,
    );
  }
}

/**
 * Claim a Message-ID for this inbound row. The primary key makes the claim atomic: the same mail through
 * SMTP and IMAP, or sent twice, is processed by whichever row claims it first.
 */
async function claimMessageId(
  ctx: ServiceContext,
  messageId: string,
  inboundId: number,
): Promise<{ duplicateOf: number | null; ticketId: number | null; commentId: number | null }> {
  await ctx.db
    .insertInto('mail_messages')
    .values({ message_id: messageId, direction: 'in', inbound_id: inboundId, created_at: ctx.clock.now() })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();
  const claim = await ctx.db
    .selectFrom('mail_messages')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
  if (claim.direction === 'out')
    throw new Rejection(
      'loop',
      'the mail carries the Message-ID of a mail opsdesk sent: our own mail came back',
    );
  if (claim.inbound_id === inboundId)
    return { duplicateOf: null, ticketId: claim.ticket_id, commentId: claim.comment_id };
  return { duplicateOf: claim.inbound_id ?? 0, ticketId: claim.ticket_id, commentId: claim.comment_id };
}

/** The envelope sender: the SMTP MAIL FROM, or over IMAP the Return-Path its final MTA wrote (RFC 5321 §4.4). */
function envelopeSenderOf(arrival: Arrival, mail: ParsedMail): string | null {
  if (arrival.source === 'smtp') return arrival.envelopeFrom;
  const returnPath = mail.headerLines?.find((h) => h.key === 'return-path')?.line ?? null;
  if (returnPath === null) return null;
  return /<([^>]*)>/.exec(returnPath)?.[1] ?? returnPath.slice(returnPath.indexOf(':') + 1).trim();
}

/**
 * Decide whether the mail may act as its sender: the envelope agrees with From, staff (or everyone, by
 * setting) passed a configured check, an unknown sender's domain is allowed. Returns whether the sender has an
 * account; throws a Rejection that sets the mail aside (or refuses it) otherwise.
 */
async function identifySender(
  ctx: ServiceContext,
  arrival: Arrival,
  sender: string,
  mail: ParsedMail,
  notes: string[],
): Promise<boolean> {
  const user = await ctx.db
    .selectFrom('users')
    .select(['role'])
    .where('email', '=', sender)
    .executeTakeFirst();
  if (arrival.acceptedBy !== null && arrival.acceptedBy !== undefined) {
    // An admin read the set-aside mail and vouched for its sender: the checks above their word are skipped.
    notes.push(`sender ${sender} accepted by admin ${arrival.acceptedBy}`);
    return user !== undefined;
  }
  const envelope = envelopeSenderOf(arrival, mail);
  if (envelope !== null && envelope.trim() !== '' && envelope.trim().toLowerCase() !== sender)
    throw new Rejection(
      'sender_mismatch',
      `the envelope sender <${envelope.slice(0, 200)}> differs from the From address <${sender}>`,
    );
  const authResults = (mail.headerLines ?? [])
    .filter((h) => h.key === 'authentication-results')
    .map((h) => h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' '));
  const trust = judgeSender(ctx.config, arrival, sender, authResults);
  notes.push(`sender ${sender}: ${trust.verified ? 'verified' : 'not verified'} (${trust.how})`);
  if (trust.failed)
    throw new Rejection(
      'unverified_sender',
      `the trusted relay's checks failed for ${sender} (${trust.how})`,
    );
  const mustVerify = ctx.config.mailVerifySenders === 'all' || (user !== undefined && isStaff(user));
  if (mustVerify && !trust.verified)
    throw new Rejection(
      'unverified_sender',
      `${user && isStaff(user) ? 'staff address' : 'sender'} ${sender} not verified: ${trust.how}`,
    );
  if (user) return true;
  if (ctx.config.mailUnknownSenders === 'reject')
    throw new Rejection(
      'unknown_sender',
      `${sender} has no account, and OPSDESK_MAIL_UNKNOWN_SENDERS=reject`,
    );
  if (!domainAllowed(ctx.config, sender)) {
    if (ctx.config.mailUnknownDomains === 'reject')
      throw new Rejection('unknown_sender', `${sender} has no account and its domain is not accepted`);
    throw new Rejection(
      'unknown_domain',
      `${sender} has no account and its domain is not in OPSDESK_MAIL_ALLOWED_DOMAINS`,
    );
  }
  return false;
}

async function senderActor(
  ctx: ServiceContext,
  email: string,
  mail: ParsedMail,
  known: boolean,
): Promise<Actor> {
  let user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  if (!user) {
    if (known)
      throw new Rejection('unknown_sender', `the account of ${email} was removed while its mail was read`);
    const name =
      (mail.from?.value?.[0]?.name ?? '')
        .replace(/[\r\n\t]/g, ' ')
        .trim()
        .slice(0, 200) || email.split('@')[0];
    try {
      await createUser(ctx, null, { email, name, role: 'requester' });
    } catch (err) {
      // Another mail from the same new sender created the account a moment ago.
      if (!(err instanceof Conflict)) throw err;
    }
    user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  }
  if (user.active !== 1) throw new Rejection('inactive_sender', `the account of ${email} is deactivated`);
  const groups = await ctx.db
    .selectFrom('group_members')
    .select('group_id')
    .where('user_id', '=', user.id)
    .execute();
  return actorForUser({ ...user, groupIds: groups.map((g) => g.group_id) });
}

/**
 * The ticket a mail answers: by its thread (In-Reply-To, then References, newest first) through the
 * Message-ID map, else by [#123] in the subject; a merged ticket stands for the one it was merged into.
 * Either way only for a sender who takes part in the ticket — its requester, a watcher, or staff — so a
 * stranger cannot write into someone else's ticket by guessing.
 */
async function findTicket(
  ctx: ServiceContext,
  actor: Actor,
  mail: ParsedMail,
  notes: string[],
): Promise<{ id: number; status: string } | null> {
  const thread = [...messageIdList(mail.inReplyTo), ...messageIdList(mail.references).reverse()];
  const candidates: number[] = [];
  if (thread.length > 0) {
    const rows = await ctx.db
      .selectFrom('mail_messages')
      .select(['message_id', 'ticket_id'])
      .where('message_id', 'in', thread)
      .where('ticket_id', 'is not', null)
      .execute();
    const byId = new Map(rows.map((r) => [r.message_id, r.ticket_id as number]));
    for (const id of thread) {
      const t = byId.get(id);
      if (t !== undefined && !candidates.includes(t)) candidates.push(t);
    }
  }
  const ref = ticketRefInSubject(mail.subject);
  if (ref !== null && !candidates.includes(ref)) candidates.push(ref);
  for (const threadId of candidates) {
    // A reply to a merged ticket goes on where its conversation went (its requester watches that one).
    const id = await resolveMergedTicket(ctx.db, threadId);
    // A reply adds to a ticket only when its sender may see it and comment on it (the help desk's rules).
    const t = await findVisibleTicket(ctx.db, actor, id);
    if (t && canTicket(actor, 'comment.public', t)) {
      if (id !== threadId) notes.push(`ticket ${threadId} was merged into ${id}: the reply went there`);
      return t;
    }
  }
  return null;
}

function bodyText(mail: ParsedMail): string {
  let text = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
  // An HTML-only mail (often inside multipart/mixed, where mailparser derives no text part): its text, read
  // as a person would, with links kept as "text [url]" and images dropped.
  if (text.length === 0 && typeof mail.html === 'string' && mail.html.length > 0)
    text = htmlToText(mail.html, {
      wordwrap: false,
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ],
    })
      .replaceAll('\u00a0', ' ')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  return text.length > 0 ? text : '(empty message)';
}

async function keepAttachments(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  commentId: number | null,
  mail: ParsedMail,
  notes: string[],
): Promise<void> {
  let n = 0;
  for (const a of mail.attachments ?? []) {
    n += 1;
    const filename = a.filename ?? `attachment-${n}`;
    if (!a.content || a.content.length === 0) continue;
    // Taken up again after a failure: an attachment this mail already left is not added twice.
    const kept = await ctx.db
      .selectFrom('attachments')
      .select('id')
      .where('ticket_id', '=', ticketId)
      .where('comment_id', commentId === null ? 'is' : '=', commentId)
      .where('filename', '=', filename)
      .where('size_bytes', '=', a.content.length)
      .executeTakeFirst();
    if (kept) continue;
    try {
      await addAttachment(ctx, actor, ticketId, {
        filename,
        contentType: a.contentType || 'application/octet-stream',
        stream: Readable.from([a.content]),
        commentId,
      });
    } catch (err) {
      // A type the help desk refuses (HTML, executables), or too large: the mail still counts; note it.
      if (!(err instanceof DomainError)) throw err;
      notes.push(`attachment ${JSON.stringify(filename.slice(0, 100))} skipped: ${err.code}`);
    }
  }
}

// ---- the inbound log (admin) -------------------------------------------------------------------------------

function toInboundMail(
  r: Omit<Selectable<MailInboundTable>, 'raw' | 'leased_until' | 'accepted_by'>,
): InboundMail {
  return {
    id: r.id,
    source: r.source,
    messageId: r.message_id,
    sender: r.sender,
    envelopeFrom: r.envelope_from,
    envelopeTo: JSON.parse(r.envelope_to),
    clientAddress: r.client_address,
    smtpRelay: r.smtp_relay,
    subject: r.subject,
    sizeBytes: r.size_bytes,
    status: r.status,
    reason: r.reason,
    notes: JSON.parse(r.notes),
    ticketId: r.ticket_id,
    commentId: r.comment_id,
    attempts: r.attempts,
    receivedAt: r.received_at,
    processedAt: r.processed_at,
  };
}

const inboundColumns = [
  'id',
  'source',
  'message_id',
  'sender',
  'envelope_from',
  'envelope_to',
  'client_address',
  'smtp_relay',
  'subject',
  'size_bytes',
  'status',
  'reason',
  'notes',
  'ticket_id',
  'comment_id',
  'attempts',
  'received_at',
  'processed_at',
] as const;

export async function listInbound(
  ctx: ServiceContext,
  actor: Actor,
  query: { status?: MailInboundStatus; beforeId?: number; limit: number },
): Promise<InboundMail[]> {
  if (!canMail(actor, 'mail.manage'))
    throw new Forbidden('forbidden', 'Only an admin may read the mail logs.');
  let q = ctx.db.selectFrom('mail_inbound').select(inboundColumns).orderBy('id', 'desc').limit(query.limit);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  return (await q.execute()).map(toInboundMail);
}

/**
 * Process a rejected mail again (say, after its sender got an account). With acceptSender the admin vouches
 * for a set-aside mail's sender, having read it: the sender checks are skipped and an unknown sender gets an
 * account.
 */
export async function retryInbound(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  options: { acceptSender?: boolean } = {},
): Promise<InboundMail> {
  if (!canMail(actor, 'mail.manage')) throw new Forbidden('forbidden', 'Only an admin may retry mail.');
  const row = await ctx.db
    .selectFrom('mail_inbound')
    .select(['id', 'status', 'raw'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('inbound_mail_not_found', `No inbound mail ${id}.`);
  if (row.status === 'processed')
    throw new Conflict('mail_already_processed', `Inbound mail ${id} was processed already.`);
  if (row.raw === null)
    throw new Conflict(
      'mail_already_processed',
      `Inbound mail ${id} was refused unread; it cannot be retried.`,
    );
  await ctx.db
    .updateTable('mail_inbound')
    .set({
      status: 'received',
      reason: null,
      ...(options.acceptSender ? { accepted_by: actor.id } : {}),
    })
    .where('id', '=', id)
    .execute();
  await processInbound(ctx, id);
  const after = await ctx.db
    .selectFrom('mail_inbound')
    .select(inboundColumns)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toInboundMail(after);
}

/** How long one instance's retry job holds a stuck mail before another may take it up. */
const inboundLeaseMs = 10 * 60_000;

/**
 * Take up mails left received (a crash or outage mid-processing), oldest first. Each row is claimed with a
 * lease under a row lock (SKIP LOCKED where the database has it), so instances sharing a database never
 * process the same mail at once — which would file it twice, both claims of its Message-ID being its own.
 */
export async function processStuckInbound(
  ctx: ServiceContext,
  olderThanMs = 60_000,
  limit = 50,
): Promise<number> {
  const now = ctx.clock.now();
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('mail_inbound')
      .select('id')
      .where('status', '=', 'received')
      .where('received_at', '<', now - olderThanMs)
      .where('attempts', '<', 10)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', now)]))
      .orderBy('id')
      .limit(limit);
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length > 0)
      await trx
        .updateTable('mail_inbound')
        .set({ leased_until: now + inboundLeaseMs })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .where('status', '=', 'received')
        .execute();
    return rows;
  });
  for (const r of claimed) await processInbound(ctx, r.id);
  return claimed.length;
}
