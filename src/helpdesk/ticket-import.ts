// Tickets moved in from another help desk (src/import/ reads them; this file writes them, as the help desk owns
// its tables): the ticket with its original times and number, its comments, attachments, tags, search index
// rows and history, in the caller's transaction, many tickets per transaction. No domain events: an imported
// ticket is history, not news — nobody is notified, no automation or SLA clock starts for it.
import type { Transaction } from 'kysely';
import type { Database, DbCapabilities, TicketStatus } from '../core/db/index.js';
import type { StoredFile } from './attachments.js';
import { commentMaxLength } from './comments.js';
import { type HistoryEntry, recordTicketChange } from './history.js';
import type { Level } from './levels.js';
import { computePriority, type PriorityMatrix } from './priority-matrix.js';
import { ticketLimits } from './ticket-input.js';
import { type IndexedWords, indexComment, indexTags, indexTicket } from './ticket-search.js';

export interface ImportedAttachmentWrite {
  /** The attachment already imported by an earlier run: left as it is. */
  existingId: number | null;
  file: StoredFile;
  uploadedBy: number;
  createdAt: number;
}

export interface ImportedCommentWrite {
  /** The comment already imported by an earlier run: left as it is (its attachments too). */
  existingId: number | null;
  authorId: number;
  body: string;
  internal: boolean;
  createdAt: number;
  attachments: ImportedAttachmentWrite[];
}

export interface ImportedTicketWrite {
  /** The ticket an earlier run imported: updated in place. */
  existingId: number | null;
  /** Its number where it came from, kept and searchable ("zammad 31004"). */
  externalRef: string;
  title: string;
  description: string;
  status: TicketStatus;
  impact: Level;
  urgency: Level;
  requesterId: number;
  assigneeId: number | null;
  groupId: number | null;
  createdBy: number;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  closedAt: number | null;
  tags: string[];
  /** Files of the ticket itself (the first message's), not of a comment. */
  attachments: ImportedAttachmentWrite[];
  comments: ImportedCommentWrite[];
}

export interface ImportedTicketIds {
  ticketId: number;
  created: boolean;
  attachmentIds: number[];
  comments: Array<{ commentId: number; attachmentIds: number[] }>;
}

/** Fit a text into a limit, saying so at its end. */
export function fitText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const mark = '\n[… cut on import]';
  return `${text.slice(0, limit - mark.length)}${mark}`;
}

/** Tags as the help desk keeps them: lower case, letters, digits and . _ : / -; others are made to fit. */
export function importedTags(tags: string[]): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    const t = raw
      .trim()
      .toLowerCase()
      .replace(/\s+/g, '-')
      .replace(/[^\p{L}\p{N}._:/-]/gu, '')
      .replace(/^[^\p{L}\p{N}]+/u, '')
      .slice(0, ticketLimits.tag);
    if (t.length > 0) out.add(t);
  }
  return [...out].sort().slice(0, ticketLimits.tags);
}

async function writeAttachment(
  trx: Transaction<Database>,
  ticketId: number,
  commentId: number | null,
  a: ImportedAttachmentWrite,
): Promise<number> {
  if (a.existingId !== null) return a.existingId;
  const row = await trx
    .insertInto('attachments')
    .values({
      ticket_id: ticketId,
      comment_id: commentId,
      filename: a.file.filename,
      content_type: a.file.contentType,
      size_bytes: a.file.size,
      sha256: a.file.sha256,
      uploaded_by: a.uploadedBy,
      created_at: a.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordTicketChange(trx, ticketId, a.uploadedBy, a.createdAt, [
    { field: 'attachment', from: null, to: a.file.filename },
  ]);
  return row.id;
}

/**
 * Write imported tickets in the caller's transaction: a new one with its history at its original times (filed,
 * each comment, each file, closed), an earlier one updated (title, description, state, people, tags) with a
 * history entry for what changed. Returns the ids, in the order given, and the words to remember once the
 * transaction has committed.
 */
export async function writeImportedTickets(
  trx: Transaction<Database>,
  caps: DbCapabilities,
  matrix: PriorityMatrix,
  tickets: ImportedTicketWrite[],
  now: number,
): Promise<{ ids: ImportedTicketIds[]; indexed: Array<IndexedWords | null> }> {
  const ids: ImportedTicketIds[] = [];
  const indexed: Array<IndexedWords | null> = [];
  for (const t of tickets) {
    const title = fitText(t.title.trim() || `(no title) ${t.externalRef}`, ticketLimits.title);
    const description = fitText(t.description, ticketLimits.description);
    const tags = importedTags(t.tags);
    const columns = {
      title,
      description,
      status: t.status,
      impact: t.impact,
      urgency: t.urgency,
      priority: computePriority(matrix, t.impact, t.urgency),
      requester_id: t.requesterId,
      assignee_id: t.assigneeId,
      group_id: t.groupId,
      updated_at: t.updatedAt,
      resolved_at: t.resolvedAt,
      closed_at: t.closedAt,
      external_ref: t.externalRef,
    };
    let ticketId: number;
    if (t.existingId === null) {
      const row = await trx
        .insertInto('tickets')
        .values({
          ...columns,
          type: 'incident',
          category_id: null,
          related_ticket_id: null,
          created_by: t.createdBy,
          created_at: t.createdAt,
          satisfaction: null,
          satisfaction_comment: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ticketId = row.id;
      const history: HistoryEntry[] = [
        { field: 'created', from: null, to: t.status },
        { field: 'imported', from: null, to: t.externalRef, visibility: 'internal' },
      ];
      if (t.assigneeId !== null) history.push({ field: 'assignee', from: null, to: String(t.assigneeId) });
      if (t.groupId !== null) history.push({ field: 'group', from: null, to: String(t.groupId) });
      await recordTicketChange(trx, ticketId, t.createdBy, t.createdAt, history);
      if (t.closedAt !== null)
        await recordTicketChange(trx, ticketId, null, t.closedAt, [
          { field: 'status', from: null, to: t.status },
        ]);
      if (tags.length > 0) {
        await trx
          .insertInto('ticket_tags')
          .values(tags.map((tag) => ({ ticket_id: ticketId, tag })))
          .execute();
        await indexTags(trx, tags);
      }
    } else {
      ticketId = t.existingId;
      const before = await trx
        .selectFrom('tickets')
        .select(['title', 'description', 'status', 'assignee_id', 'group_id', 'updated_at'])
        .where('id', '=', ticketId)
        .executeTakeFirst();
      if (!before) throw new Error(`imported ticket ${ticketId} is linked but gone`);
      const changes: HistoryEntry[] = [];
      if (before.title !== title) changes.push({ field: 'title', from: before.title, to: title });
      if (before.status !== t.status) changes.push({ field: 'status', from: before.status, to: t.status });
      if (before.assignee_id !== t.assigneeId)
        changes.push({
          field: 'assignee',
          from: before.assignee_id === null ? null : String(before.assignee_id),
          to: t.assigneeId === null ? null : String(t.assigneeId),
        });
      if (before.group_id !== t.groupId)
        changes.push({
          field: 'group',
          from: before.group_id === null ? null : String(before.group_id),
          to: t.groupId === null ? null : String(t.groupId),
        });
      await trx.updateTable('tickets').set(columns).where('id', '=', ticketId).execute();
      if (changes.length > 0) await recordTicketChange(trx, ticketId, null, now, changes);
      const had = await trx
        .selectFrom('ticket_tags')
        .select('tag')
        .where('ticket_id', '=', ticketId)
        .execute();
      const hadTags = had.map((r) => r.tag).sort();
      if (hadTags.join('\n') !== tags.join('\n')) {
        await trx.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).execute();
        if (tags.length > 0) {
          await trx
            .insertInto('ticket_tags')
            .values(tags.map((tag) => ({ ticket_id: ticketId, tag })))
            .execute();
          await indexTags(trx, tags);
        }
      }
    }
    // The original number is searchable with the ticket's own words.
    indexed.push(
      await indexTicket(
        trx,
        caps,
        ticketId,
        title,
        `${description}\n${t.externalRef}`,
        t.existingId === null,
      ),
    );
    const attachmentIds: number[] = [];
    for (const a of t.attachments) attachmentIds.push(await writeAttachment(trx, ticketId, null, a));
    const comments: ImportedTicketIds['comments'] = [];
    for (const c of t.comments) {
      let commentId = c.existingId;
      if (commentId === null) {
        const body = fitText(c.body.trim() || '(no text)', commentMaxLength);
        const row = await trx
          .insertInto('comments')
          .values({
            ticket_id: ticketId,
            author_id: c.authorId,
            body,
            internal: c.internal ? 1 : 0,
            created_at: c.createdAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        commentId = row.id;
        indexed.push(await indexComment(trx, caps, commentId, body));
        await recordTicketChange(trx, ticketId, c.authorId, c.createdAt, [
          {
            field: c.internal ? 'internal_note' : 'comment',
            from: null,
            to: String(commentId),
            visibility: c.internal ? 'internal' : 'public',
          },
        ]);
      }
      const files: number[] = [];
      for (const a of c.attachments) files.push(await writeAttachment(trx, ticketId, commentId, a));
      comments.push({ commentId, attachmentIds: files });
    }
    ids.push({ ticketId, created: t.existingId === null, attachmentIds, comments });
  }
  return { ids, indexed };
}
