// Tickets moved in from another help desk (src/import/ reads them; this file writes them, as the help desk owns
// its tables): the ticket with its original times and number, its comments, attachments, tags, watchers, search
// index rows and history, in the caller's transaction, a page of tickets in a few multi-row statements. No domain
// events: an imported ticket is history, not news — nobody is notified, no automation or SLA clock starts.
import type { Insertable, Transaction } from 'kysely';
import {
  type AttachmentsTable,
  type CommentsTable,
  chunks,
  type Database,
  type DbCapabilities,
  type TicketStatus,
  type TicketsTable,
} from '../core/db/index.js';
import type { StoredFile } from './attachments.js';
import { commentMaxLength } from './comments.js';
import { type HistoryEntry, recordTicketChanges, type TicketChange } from './history.js';
import type { Level } from './levels.js';
import { computePriority, type PriorityMatrix } from './priority-matrix.js';
import { ticketLimits } from './ticket-input.js';
import {
  addSearchWords,
  type IndexedWords,
  indexComments,
  indexTags,
  indexTickets,
} from './ticket-search.js';

export interface ImportedAttachmentWrite {
  /** The attachment already imported by an earlier run: left as it is. */
  existingId: number | null;
  file: StoredFile;
  uploadedBy: number;
  createdAt: number;
}

export interface ImportedCommentWrite {
  /** The comment an earlier run imported: its text and visibility follow the source; its files stay. */
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
  /**
   * Who follows it there. An earlier ticket gains the ones it lacks and loses none (a watcher added here stays),
   * up to ticketLimits.watchers.
   */
  watcherIds: number[];
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

type TicketColumns = {
  title: string;
  description: string;
  status: TicketStatus;
  impact: number;
  urgency: number;
  priority: number;
  requester_id: number;
  assignee_id: number | null;
  group_id: number | null;
  updated_at: number;
  resolved_at: number | null;
  closed_at: number | null;
  external_ref: string;
};

const sameColumns = (a: TicketColumns, b: Record<string, unknown>) =>
  (Object.keys(a) as Array<keyof TicketColumns>).every((k) => a[k] === b[k]);

const idText = (id: number | null) => (id === null ? null : String(id));

/** Rows of `table` by id, read a chunk at a time. */
async function rowsById<T extends { id: number }>(
  ids: number[],
  read: (part: number[]) => Promise<T[]>,
): Promise<Map<number, T>> {
  const out = new Map<number, T>();
  for (const part of chunks(ids, 500)) for (const r of await read(part)) out.set(Number(r.id), r);
  return out;
}

/**
 * Write imported tickets in the caller's transaction: a new one with its history at its original times (filed,
 * closed, each file, each comment), an earlier one updated (title, description, state, people, tags) with a
 * history entry for what changed, an earlier comment whose text or visibility changed there updated likewise.
 * A page is written in a few multi-row statements (ids allocated first, so every row is built in memory and a
 * ticket's history is written in its order); nothing is written for an earlier ticket or comment that did not
 * change. Returns the ids, in the order given, and the words to remember once the transaction has committed.
 */
export async function writeImportedTickets(
  trx: Transaction<Database>,
  caps: DbCapabilities,
  matrix: PriorityMatrix,
  tickets: ImportedTicketWrite[],
  now: number,
): Promise<{ ids: ImportedTicketIds[]; indexed: Array<IndexedWords | null> }> {
  const fresh = tickets.filter((t) => t.existingId === null);
  const newFiles = (list: ImportedAttachmentWrite[]) => list.filter((a) => a.existingId === null).length;
  const newCommentCount = tickets.reduce(
    (n, t) => n + t.comments.filter((c) => c.existingId === null).length,
    0,
  );
  const newFileCount = tickets.reduce(
    (n, t) => n + newFiles(t.attachments) + t.comments.reduce((m, c) => m + newFiles(c.attachments), 0),
    0,
  );
  const ticketIdPool = await caps.allocateIds(trx, 'tickets', fresh.length);
  const commentIdPool = await caps.allocateIds(trx, 'comments', newCommentCount);
  const fileIdPool = await caps.allocateIds(trx, 'attachments', newFileCount);
  let nextTicket = 0;
  let nextComment = 0;
  let nextFile = 0;

  const earlierIds = tickets.flatMap((t) => (t.existingId === null ? [] : [t.existingId]));
  const before = await rowsById(earlierIds, (part) =>
    trx.selectFrom('tickets').selectAll().where('id', 'in', part).execute(),
  );
  const hadWatchers = new Map<number, number[]>();
  for (const part of chunks(earlierIds, 500))
    for (const r of await trx
      .selectFrom('ticket_watchers')
      .select(['ticket_id', 'user_id'])
      .where('ticket_id', 'in', part)
      .execute())
      hadWatchers.set(r.ticket_id, [...(hadWatchers.get(r.ticket_id) ?? []), r.user_id]);
  const hadTags = new Map<number, string[]>();
  for (const part of chunks(earlierIds, 500))
    for (const r of await trx
      .selectFrom('ticket_tags')
      .select(['ticket_id', 'tag'])
      .where('ticket_id', 'in', part)
      .execute())
      hadTags.set(r.ticket_id, [...(hadTags.get(r.ticket_id) ?? []), r.tag]);
  const earlierCommentIds = tickets.flatMap((t) =>
    t.comments.flatMap((c) => (c.existingId === null ? [] : [c.existingId])),
  );
  const earlierComments = await rowsById(earlierCommentIds, (part) =>
    trx.selectFrom('comments').select(['id', 'body', 'internal']).where('id', 'in', part).execute(),
  );

  const newTickets: Insertable<TicketsTable>[] = [];
  const updates: Array<{ id: number; columns: TicketColumns }> = [];
  const tagRows: Array<{ ticket_id: number; tag: string }> = [];
  const retagged: number[] = [];
  const watcherRows: Array<{ ticket_id: number; user_id: number }> = [];
  const indexedTags = new Set<string>();
  const ticketDocs = { fresh: [] as TicketDoc[], changed: [] as TicketDoc[] };
  const newComments: Insertable<CommentsTable>[] = [];
  const commentDocs = { fresh: [] as CommentDoc[], changed: [] as CommentDoc[] };
  const commentUpdates: Array<{ id: number; body: string; internal: number }> = [];
  const fileRows: Insertable<AttachmentsTable>[] = [];
  const history: TicketChange[] = [];
  const texts: string[] = [];
  const ids: ImportedTicketIds[] = [];

  const file = (ticketId: number, commentId: number | null, a: ImportedAttachmentWrite): number => {
    if (a.existingId !== null) return a.existingId;
    const id = fileIdPool[nextFile++];
    fileRows.push({
      id,
      ticket_id: ticketId,
      comment_id: commentId,
      filename: a.file.filename,
      content_type: a.file.contentType,
      size_bytes: a.file.size,
      sha256: a.file.sha256,
      uploaded_by: a.uploadedBy,
      created_at: a.createdAt,
    });
    history.push({
      ticketId,
      actorId: a.uploadedBy,
      at: a.createdAt,
      entries: [{ field: 'attachment', from: null, to: a.file.filename }],
    });
    return id;
  };

  for (const t of tickets) {
    const watchers = [...new Set(t.watcherIds)].sort((a, b) => a - b).slice(0, ticketLimits.watchers);
    const title = fitText(t.title.trim() || `(no title) ${t.externalRef}`, ticketLimits.title);
    const description = fitText(t.description, ticketLimits.description);
    const tags = importedTags(t.tags);
    const columns: TicketColumns = {
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
    // The original number is searchable with the ticket's own words.
    const doc = { title, description: `${description}\n${t.externalRef}` };
    let ticketId: number;
    if (t.existingId === null) {
      ticketId = ticketIdPool[nextTicket++];
      newTickets.push({
        id: ticketId,
        ...columns,
        type: 'incident',
        category_id: null,
        related_ticket_id: null,
        created_by: t.createdBy,
        created_at: t.createdAt,
        satisfaction: null,
        satisfaction_comment: null,
      });
      const filed: HistoryEntry[] = [
        { field: 'created', from: null, to: t.status },
        { field: 'imported', from: null, to: t.externalRef, visibility: 'internal' },
      ];
      if (t.assigneeId !== null) filed.push({ field: 'assignee', from: null, to: String(t.assigneeId) });
      if (t.groupId !== null) filed.push({ field: 'group', from: null, to: String(t.groupId) });
      if (watchers.length > 0) filed.push({ field: 'watchers', from: null, to: watchers.join(',') });
      history.push({ ticketId, actorId: t.createdBy, at: t.createdAt, entries: filed });
      for (const user_id of watchers) watcherRows.push({ ticket_id: ticketId, user_id });
      if (t.closedAt !== null)
        history.push({
          ticketId,
          actorId: null,
          at: t.closedAt,
          entries: [{ field: 'status', from: null, to: t.status }],
        });
      for (const tag of tags) {
        tagRows.push({ ticket_id: ticketId, tag });
        indexedTags.add(tag);
      }
      ticketDocs.fresh.push({ id: ticketId, ...doc });
      texts.push(`${doc.title}\n${doc.description}`);
    } else {
      ticketId = t.existingId;
      const was = before.get(ticketId);
      if (!was) throw new Error(`imported ticket ${ticketId} is linked but gone`);
      if (!sameColumns(columns, was)) {
        updates.push({ id: ticketId, columns });
        const changes: HistoryEntry[] = [];
        if (was.title !== title) changes.push({ field: 'title', from: was.title, to: title });
        if (was.status !== t.status) changes.push({ field: 'status', from: was.status, to: t.status });
        if (was.assignee_id !== t.assigneeId)
          changes.push({ field: 'assignee', from: idText(was.assignee_id), to: idText(t.assigneeId) });
        if (was.group_id !== t.groupId)
          changes.push({ field: 'group', from: idText(was.group_id), to: idText(t.groupId) });
        if (changes.length > 0) history.push({ ticketId, actorId: null, at: now, entries: changes });
        if (was.title !== title || was.description !== description || was.external_ref !== t.externalRef) {
          ticketDocs.changed.push({ id: ticketId, ...doc });
          texts.push(`${doc.title}\n${doc.description}`);
        }
      }
      const watched = (hadWatchers.get(ticketId) ?? []).sort((a, b) => a - b);
      const added = watchers
        .filter((w) => !watched.includes(w))
        .slice(0, Math.max(0, ticketLimits.watchers - watched.length));
      if (added.length > 0) {
        for (const user_id of added) watcherRows.push({ ticket_id: ticketId, user_id });
        const after = [...watched, ...added].sort((a, b) => a - b);
        history.push({
          ticketId,
          actorId: null,
          at: now,
          entries: [{ field: 'watchers', from: watched.join(',') || null, to: after.join(',') }],
        });
      }
      const had = (hadTags.get(ticketId) ?? []).sort();
      if (had.join('\n') !== tags.join('\n')) {
        retagged.push(ticketId);
        for (const tag of tags) {
          tagRows.push({ ticket_id: ticketId, tag });
          indexedTags.add(tag);
        }
      }
    }
    const attachmentIds = t.attachments.map((a) => file(ticketId, null, a));
    const comments: ImportedTicketIds['comments'] = [];
    for (const c of t.comments) {
      const body = fitText(c.body.trim() || '(no text)', commentMaxLength);
      const internal = c.internal ? 1 : 0;
      let commentId = c.existingId;
      if (commentId === null) {
        commentId = commentIdPool[nextComment++];
        newComments.push({
          id: commentId,
          ticket_id: ticketId,
          author_id: c.authorId,
          body,
          internal,
          created_at: c.createdAt,
        });
        commentDocs.fresh.push({ id: commentId, body });
        texts.push(body);
        history.push({
          ticketId,
          actorId: c.authorId,
          at: c.createdAt,
          entries: [
            {
              field: c.internal ? 'internal_note' : 'comment',
              from: null,
              to: String(commentId),
              visibility: c.internal ? 'internal' : 'public',
            },
          ],
        });
      } else {
        // Changed there since the last run (edited, or made internal or public): follow it, and say so.
        const was = earlierComments.get(commentId);
        if (was && (was.body !== body || Number(was.internal) !== internal)) {
          commentUpdates.push({ id: commentId, body, internal });
          if (was.body !== body) {
            commentDocs.changed.push({ id: commentId, body });
            texts.push(body);
          }
          history.push({
            ticketId,
            actorId: null,
            at: now,
            entries: [
              { field: 'comment_updated', from: null, to: String(commentId), visibility: 'internal' },
            ],
          });
        }
      }
      const id = commentId;
      comments.push({ commentId: id, attachmentIds: c.attachments.map((a) => file(ticketId, id, a)) });
    }
    ids.push({ ticketId, created: t.existingId === null, attachmentIds, comments });
  }

  // Parents before children (foreign keys): tickets, then comments, then files; history last.
  for (const part of chunks(newTickets, 200)) await trx.insertInto('tickets').values(part).execute();
  for (const u of updates) await trx.updateTable('tickets').set(u.columns).where('id', '=', u.id).execute();
  for (const part of chunks(retagged, 500))
    await trx.deleteFrom('ticket_tags').where('ticket_id', 'in', part).execute();
  for (const part of chunks(tagRows, 500)) await trx.insertInto('ticket_tags').values(part).execute();
  if (indexedTags.size > 0) await indexTags(trx, [...indexedTags].sort());
  for (const part of chunks(watcherRows, 500)) await trx.insertInto('ticket_watchers').values(part).execute();
  await indexTickets(trx, caps, ticketDocs.fresh, false);
  await indexTickets(trx, caps, ticketDocs.changed, true);
  for (const part of chunks(newComments, 500)) await trx.insertInto('comments').values(part).execute();
  for (const u of commentUpdates)
    await trx
      .updateTable('comments')
      .set({ body: u.body, internal: u.internal })
      .where('id', '=', u.id)
      .execute();
  await indexComments(trx, caps, commentDocs.fresh, false);
  await indexComments(trx, caps, commentDocs.changed, true);
  for (const part of chunks(fileRows, 500)) await trx.insertInto('attachments').values(part).execute();
  await recordTicketChanges(trx, history);
  // One pass of the tokenizer for the page's words.
  const indexed = texts.length > 0 ? [await addSearchWords(trx, caps, texts.join('\n'))] : [];
  return { ids, indexed };
}

type TicketDoc = { id: number; title: string; description: string };
type CommentDoc = { id: number; body: string };
