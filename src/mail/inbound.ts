// Mail in: a message is stored first (status received), then processed by a pipeline of small stages —
// parse, identify the sender, recognise automated mail and loops, claim its Message-ID (once only, across
// SMTP and IMAP), find the ticket it answers, then add a comment or open a ticket and keep its attachments.
// Every refusal leaves the row rejected with a reason; a row left received (a crash, a database outage) is
// processed again by a job, so nothing acknowledged is lost.
import { Readable } from 'node:stream';
import type { Selectable, Transaction } from 'kysely';
import { type ParsedMail, simpleParser } from 'mailparser';
import { type Actor, createUser, normaliseEmail } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, MailInboundStatus, MailInboundTable } from '../core/db/index.js';
import { Conflict, DomainError, Forbidden, NotFound } from '../core/errors.js';
import {
  addAttachment,
  addComment,
  commentMaxLength,
  createTicket,
  ticketLimits,
} from '../helpdesk/index.js';
import { detectAutomated, overSenderLimit } from './auto-replies.js';
import { isOurMessageId, messageIdList, normaliseMessageId, syntheticMessageId } from './message-ids.js';
import { canMail } from './policies.js';
import { stripQuotedReply, ticketRefInSubject, titleFromSubject } from './reply-text.js';

export interface InboundInput {
  source: 'smtp' | 'imap';
  raw: Buffer;
  envelopeFrom?: string | null;
  envelopeTo?: string[];
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
  | 'refused';

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

class Rejection extends Error {
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
    const result = await runPipeline(ctx, inboundId, row.raw ?? Buffer.alloc(0), row.envelope_from, notes);
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
  envelopeFrom: string | null,
  notes: string[],
): Promise<PipelineResult> {
  const mail = await parseMail(raw);
  const sender = senderOf(mail);
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

  const claim = await claimMessageId(ctx, messageId, inboundId);
  if (claim.duplicateOf !== null) {
    notes.push(`Message-ID <${messageId}> was already received (inbound ${claim.duplicateOf})`);
    return { action: 'duplicate', ticketId: claim.ticketId, commentId: claim.commentId };
  }

  const actor = await senderActor(ctx, sender, mail);
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
    const target = await findTicket(ctx, actor, mail);
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

async function senderActor(ctx: ServiceContext, email: string, mail: ParsedMail): Promise<Actor> {
  let user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  if (!user) {
    if (ctx.config.mailUnknownSenders === 'reject')
      throw new Rejection(
        'unknown_sender',
        `${email} has no account, and OPSDESK_MAIL_UNKNOWN_SENDERS=reject`,
      );
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
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    groupIds: groups.map((g) => g.group_id),
    via: 'system',
    csrfToken: null,
  };
}

/**
 * The ticket a mail answers: by its thread (In-Reply-To, then References, newest first) through the
 * Message-ID map, else by [#123] in the subject. Either way only for a sender who takes part in the ticket —
 * its requester, a watcher, or staff — so a stranger cannot write into someone else's ticket by guessing.
 */
async function findTicket(
  ctx: ServiceContext,
  actor: Actor,
  mail: ParsedMail,
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
  for (const id of candidates) {
    const t = await ctx.db
      .selectFrom('tickets')
      .select(['id', 'status', 'requester_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!t) continue;
    if (actor.role !== 'requester' || t.requester_id === actor.id) return t;
    const watcher = await ctx.db
      .selectFrom('ticket_watchers')
      .select('user_id')
      .where('ticket_id', '=', id)
      .where('user_id', '=', actor.id)
      .executeTakeFirst();
    if (watcher) return t;
  }
  return null;
}

function bodyText(mail: ParsedMail): string {
  const text = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
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

function toInboundMail(r: Omit<Selectable<MailInboundTable>, 'raw'>): InboundMail {
  return {
    id: r.id,
    source: r.source,
    messageId: r.message_id,
    sender: r.sender,
    envelopeFrom: r.envelope_from,
    envelopeTo: JSON.parse(r.envelope_to),
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

/** Process a rejected mail again (say, after its sender got an account). */
export async function retryInbound(ctx: ServiceContext, actor: Actor, id: number): Promise<InboundMail> {
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
    .set({ status: 'received', reason: null })
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

/** Take up mails left received (a crash or outage mid-processing), oldest first. */
export async function processStuckInbound(
  ctx: ServiceContext,
  olderThanMs = 60_000,
  limit = 50,
): Promise<number> {
  const rows = await ctx.db
    .selectFrom('mail_inbound')
    .select('id')
    .where('status', '=', 'received')
    .where('received_at', '<', ctx.clock.now() - olderThanMs)
    .where('attempts', '<', 10)
    .orderBy('id')
    .limit(limit)
    .execute();
  for (const r of rows) await processInbound(ctx, r.id);
  return rows.length;
}
