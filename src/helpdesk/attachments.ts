// Attachments: files kept in the data folder under their SHA-256, with a size limit and content types
// checked against the file's own first bytes (a "PNG" that is really HTML is refused). Types that a
// browser would run (HTML, SVG, scripts) are never accepted.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound, TooLarge, UnsupportedMediaType } from '../core/errors.js';
import { addComment, type Comment } from './comments.js';
import { recordTicketChange } from './history.js';
import { canTicket } from './policies.js';
import { loadVisibleTicket, type Ticket } from './ticket-reads.js';
import { refuseMerged } from './ticket-states.js';
import { type CreateTicketInput, createTicket } from './tickets.js';

export interface Attachment {
  id: number;
  ticketId: number;
  commentId: number | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: number;
  createdAt: number;
}

type Sniff = (head: Buffer) => boolean;

const startsWith =
  (sig: number[]): Sniff =>
  (head) =>
    sig.every((b, i) => head[i] === b);
const zip = startsWith([0x50, 0x4b, 0x03, 0x04]);
const text: Sniff = (head) => {
  if (head.includes(0)) return false;
  // Cut at the last complete UTF-8 sequence of the sample, then require valid UTF-8.
  let end = head.length;
  while (end > 0 && end > head.length - 4 && (head[end - 1] & 0xc0) === 0x80) end--;
  if (end > 0 && head[end - 1] >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
};

/** Accepted content types and how to recognise each from the file's first bytes. */
export const attachmentTypes: Record<string, Sniff> = {
  'image/png': startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': startsWith([0xff, 0xd8, 0xff]),
  'image/gif': (h) => h.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (h) =>
    h.subarray(0, 4).toString('latin1') === 'RIFF' && h.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (h) => h.subarray(0, 5).toString('latin1') === '%PDF-',
  'application/zip': zip,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': zip,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': zip,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': zip,
  'application/vnd.oasis.opendocument.text': zip,
  'application/vnd.oasis.opendocument.spreadsheet': zip,
  'text/plain': text,
  'text/csv': text,
  'text/x-log': text,
  'application/json': text,
  'message/rfc822': text,
};

export function cleanFilename(name: string): string {
  // Keep the base name only, without control characters or path separators.
  const base = path
    .basename(name.replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  const cut = base.slice(-200);
  return cut.length > 0 && cut !== '.' && cut !== '..' ? cut : 'attachment';
}

function storagePath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'attachments', sha256.slice(0, 2), sha256);
}

export interface IncomingFile {
  filename: string;
  contentType: string;
  stream: Readable;
}

export interface StoredFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

/**
 * Check a file (declared type accepted, size within the limit, content matching the type) and store it under
 * its SHA-256. Nothing is written to the database: a refused file leaves no trace.
 */
export async function storeFile(ctx: ServiceContext, file: IncomingFile): Promise<StoredFile> {
  const contentType = file.contentType.split(';')[0].trim().toLowerCase();
  // Own keys only: a declared type "constructor" would otherwise find Object's, and pass any content.
  const sniff = Object.hasOwn(attachmentTypes, contentType) ? attachmentTypes[contentType] : undefined;
  if (!sniff) {
    file.stream.resume();
    throw new UnsupportedMediaType(
      'attachment_type_refused',
      `Files of type ${contentType.slice(0, 100)} are not accepted.`,
    );
  }
  const max = ctx.config.attachmentMaxBytes;
  const tmpDir = path.join(ctx.config.dataDir, 'attachments', 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, randomBytes(12).toString('hex'));
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const out = fs.createWriteStream(tmp);
  try {
    for await (const chunk of file.stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max)
        throw new TooLarge('attachment_too_large', `An attachment may be at most ${max} bytes.`);
      if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    // @fastify/multipart truncates at its limit rather than erroring: treat that as too large too.
    if ((file.stream as { truncated?: boolean }).truncated) {
      throw new TooLarge('attachment_too_large', `An attachment may be at most ${max} bytes.`);
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    if (size === 0)
      throw new Invalid('validation_failed', 'file: the file is empty', [
        { field: '/file', message: 'empty file' },
      ]);
    if (!sniff(head)) {
      throw new UnsupportedMediaType(
        'attachment_type_refused',
        `The file's content does not match its declared type ${contentType}.`,
      );
    }
    const sha256 = hash.digest('hex');
    const target = storagePath(ctx.config.dataDir, sha256);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) fs.rmSync(tmp);
    else fs.renameSync(tmp, target);
    return { filename: cleanFilename(file.filename), contentType, size, sha256 };
  } catch (err) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    file.stream.resume();
    throw err;
  }
}

/**
 * A stored file opened by its SHA-256 (other domains keep their files the same way: vendor documents), or null
 * when the storage no longer holds it.
 */
export async function openStoredFile(ctx: ServiceContext, sha256: string): Promise<FileHandle | null> {
  try {
    return await fs.promises.open(storagePath(ctx.config.dataDir, sha256), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function addAttachment(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  file: IncomingFile & { commentId?: number | null },
): Promise<Attachment> {
  const ticket = await loadVisibleTicket(ctx.db, actor, ticketId);
  if (!canTicket(actor, 'attachment.add', ticket)) {
    file.stream.resume();
    throw new Forbidden('forbidden', 'You may not attach files to this ticket.');
  }
  if (ticket.merged_into_id !== null) {
    file.stream.resume();
    refuseMerged(ticket);
  }
  if (ticket.status === 'closed') {
    file.stream.resume();
    throw new Conflict('ticket_closed', `Ticket ${ticketId} is closed.`);
  }
  const stored = await storeFile(ctx, file);
  const now = ctx.clock.now();
  const filename = stored.filename;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('attachments')
      .values({
        ticket_id: ticketId,
        comment_id: file.commentId ?? null,
        filename,
        content_type: stored.contentType,
        size_bytes: stored.size,
        sha256: stored.sha256,
        uploaded_by: actor.id,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordTicketChange(trx, ticketId, actor.id, now, [
      { field: 'attachment', from: null, to: filename },
    ]);
    await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).execute();
    await ctx.events.record(trx, [
      {
        type: 'ticket.updated',
        subjectType: 'ticket',
        subjectId: ticketId,
        actorId: actor.id,
        payload: { changes: [{ field: 'attachment', from: null, to: filename }] },
      },
    ]);
    return r;
  });
  ctx.events.nudge();
  return fromRow(row);
}

// ---- files first, then the request or reply they go with -----------------------------------------------
// As mature help desks do (Zendesk's uploads): each file is checked and stored on its own request, and the
// ticket or reply names the uploads; they become its attachments in its own transaction. A refused file is
// refused before anything is filed, and a ticket is never left half made.

export interface Upload {
  id: number;
  filename: string;
  contentType: string;
  sizeBytes: number;
  createdAt: number;
}

export const uploadLimits = { perMessage: 10 } as const;

/** Check and store a file for a ticket or reply still to be sent. Any signed-in user may upload. */
export async function uploadFile(ctx: ServiceContext, actor: Actor, file: IncomingFile): Promise<Upload> {
  const stored = await storeFile(ctx, file);
  const now = ctx.clock.now();
  const row = await ctx.db
    .insertInto('attachment_uploads')
    .values({
      uploaded_by: actor.id,
      filename: stored.filename,
      content_type: stored.contentType,
      size_bytes: stored.size,
      sha256: stored.sha256,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at,
  };
}

/**
 * The actor's uploads become attachments of the ticket (and reply), in the caller's transaction. Returns the
 * attachment made of each upload, by upload id.
 */
export async function attachUploads(
  trx: Transaction<Database>,
  actor: Actor,
  ticketId: number,
  commentId: number | null,
  uploadIds: number[],
  now: number,
): Promise<Map<number, number>> {
  const made = new Map<number, number>();
  const ids = [...new Set(uploadIds)];
  if (ids.length === 0) return made;
  if (ids.length > uploadLimits.perMessage)
    throw new Invalid('validation_failed', `uploadIds: at most ${uploadLimits.perMessage} files`, [
      { field: '/uploadIds', message: `at most ${uploadLimits.perMessage}` },
    ]);
  const uploads = await ownUploads(trx, actor, ids);
  if (uploads.length !== ids.length)
    throw new Invalid('invalid_reference', 'uploadIds: an upload does not exist or is not yours', [
      { field: '/uploadIds', message: 'unknown upload' },
    ]);
  for (const u of uploads) {
    const row = await trx
      .insertInto('attachments')
      .values({
        ticket_id: ticketId,
        comment_id: commentId,
        filename: u.filename,
        content_type: u.content_type,
        size_bytes: u.size_bytes,
        sha256: u.sha256,
        uploaded_by: actor.id,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    made.set(u.id, row.id);
  }
  await recordTicketChange(
    trx,
    ticketId,
    actor.id,
    now,
    uploads.map((u) => ({ field: 'attachment', from: null, to: u.filename })),
  );
  await trx.deleteFrom('attachment_uploads').where('id', 'in', ids).execute();
  return made;
}

/** Which of these uploads are the actor's, not yet sent with a message (by id). */
export function ownUploads(db: Kysely<Database> | Transaction<Database>, actor: Actor, ids: number[]) {
  return db
    .selectFrom('attachment_uploads')
    .selectAll()
    .where('id', 'in', ids.length ? ids : [-1])
    .where('uploaded_by', '=', actor.id)
    .orderBy('id')
    .execute();
}

/** File a ticket with files uploaded before: all of it, or nothing. */
export async function createTicketWithFiles(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateTicketInput,
  uploadIds: number[],
): Promise<Ticket> {
  const now = ctx.clock.now();
  return createTicket(ctx, actor, input, async (trx, t) => {
    await attachUploads(trx, actor, t.id, null, uploadIds, now);
  });
}

/** Reply on a ticket with files uploaded before: all of it, or nothing. */
export async function addCommentWithFiles(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: { body: string; internal?: boolean },
  uploadIds: number[],
): Promise<Comment> {
  const now = ctx.clock.now();
  return addComment(ctx, actor, ticketId, input, async (trx, c) => {
    await attachUploads(trx, actor, ticketId, c.id, uploadIds, now);
  });
}

function fromRow(r: {
  id: number;
  ticket_id: number;
  comment_id: number | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number;
  created_at: number;
}): Attachment {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    commentId: r.comment_id,
    filename: r.filename,
    contentType: r.content_type,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    createdAt: r.created_at,
  };
}

export async function listAttachments(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<Attachment[]> {
  await loadVisibleTicket(ctx.db, actor, ticketId);
  const rows = await ctx.db
    .selectFrom('attachments')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

/**
 * An attachment the actor may see, its stored file open and already read from (so that a disk error is
 * an error now, not a cut-off download). Only a real absence is NotFound: no such attachment, a ticket the
 * actor may not see, or a stored file that is gone (logged: the storage lost it). Any other error surfaces.
 */
export async function openAttachment(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<{ attachment: Attachment; file: FileHandle }> {
  const row = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('attachment_not_found', `No attachment ${id}.`);
  try {
    await loadVisibleTicket(ctx.db, actor, row.ticket_id);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('attachment_not_found', `No attachment ${id}.`);
    throw err;
  }
  const target = storagePath(ctx.config.dataDir, row.sha256);
  let file: FileHandle;
  try {
    file = await fs.promises.open(target, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    ctx.log.warn({ attachmentId: id, file: target }, 'the stored file of an attachment is missing');
    throw new NotFound('attachment_not_found', `The file of attachment ${id} is no longer stored.`);
  }
  try {
    await file.read(Buffer.alloc(1), 0, 1, 0);
  } catch (err) {
    await file.close();
    throw err;
  }
  return { attachment: fromRow(row), file };
}
