// The source-agnostic side of an import: people, groups and tickets from any ImportSource, written through the
// help desk's and accounts' own functions and keyed by (source, kind, original id) in import_links, so a second
// run updates instead of duplicating. Each page of tickets is one transaction with its links and its checkpoint:
// a killed import leaves whole pages only, and the next run continues after the last of them. What a source hands
// over is not trusted to be well formed: texts are cleaned for both databases, a ticket, comment or file that
// appears twice is written once, and a link that would make one ticket's page touch another ticket is refused and
// reported.

import { Readable } from 'node:stream';
import type { Actor } from '../core/auth/index.js';
import { createGroup, createUser, normaliseEmail, updateUser } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { chunks } from '../core/db/index.js';
import {
  getPriorityMatrix,
  type ImportedAttachmentWrite,
  type ImportedCommentWrite,
  type ImportedTicketWrite,
  rememberSearchWords,
  type StoredFile,
  storeFile,
  ticketLimits,
  writeImportedTickets,
} from '../helpdesk/index.js';
import {
  type ImportedComment,
  type ImportedFile,
  type ImportedPerson,
  type ImportedTicket,
  ImportFailed,
  type ImportSource,
} from './import-source.js';

export interface ImportCounts {
  created: number;
  updated: number;
}

export interface ImportReport {
  source: string;
  dryRun: boolean;
  /** Pages read in this run, and whether it continued an earlier one. */
  resumedFrom: Record<string, string>;
  people: ImportCounts;
  groups: ImportCounts;
  tickets: ImportCounts;
  comments: number;
  attachments: number;
  /** What could not be carried, and why: one sentence each. */
  notCarried: string[];
}

export type ImportProgress = (event: { resource: string; page: string; done: number }) => void;

export interface ImportOptions {
  dryRun?: boolean;
  progress?: ImportProgress;
  /** Checked between pages: aborting stops the import after the page it is writing (resumable). */
  signal?: AbortSignal;
}

type Kind = 'person' | 'group' | 'ticket' | 'comment' | 'attachment';

const resources = ['people', 'groups', 'tickets'] as const;

/** Text as both databases keep it: no NUL (PostgreSQL refuses it in text), no lone surrogate (not UTF-8). */
export function cleanText(text: string): string {
  return text
    .replace(/\0/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A ticket's number there, kept in its reference ("zammad 31004"): a word, not a paragraph. */
const ticketNumber = /^[\p{L}\p{N}][\p{L}\p{N}._#/:-]{0,39}$/u;

/** How much of a source's value a sentence of the report quotes. */
const sentenceMax = 500;

/** A file to write, with the original id its link is kept under. */
type FileWrite = ImportedAttachmentWrite & { originalId: string };
type TicketWrite = Omit<ImportedTicketWrite, 'attachments' | 'comments'> & {
  source: ImportedTicket;
  attachments: FileWrite[];
  comments: Array<Omit<ImportedCommentWrite, 'attachments'> & { attachments: FileWrite[] }>;
};

class ImportWriter {
  private readonly links = new Map<Kind, Map<string, number>>();
  readonly report: ImportReport;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly source: ImportSource,
    private readonly importer: Actor,
    private readonly dryRun: boolean,
  ) {
    this.report = {
      source: source.key,
      dryRun,
      resumedFrom: {},
      people: { created: 0, updated: 0 },
      groups: { created: 0, updated: 0 },
      tickets: { created: 0, updated: 0 },
      comments: 0,
      attachments: 0,
      notCarried: [],
    };
  }

  /** One sentence of what was not carried: clean, and short (a value quoted from there may be a megabyte). */
  say(sentence: string): void {
    const clean = cleanText(sentence);
    this.report.notCarried.push(clean.length > sentenceMax ? `${clean.slice(0, sentenceMax - 1)}…` : clean);
  }

  /** People and groups are few: their links are kept in memory for the whole run. */
  async loadLinks(kind: Kind): Promise<void> {
    const rows = await this.ctx.db
      .selectFrom('import_links')
      .select(['original_id', 'local_id'])
      .where('source', '=', this.source.key)
      .where('kind', '=', kind)
      .execute();
    this.links.set(kind, new Map(rows.map((r) => [r.original_id, Number(r.local_id)])));
  }

  private linked(kind: Kind, originalId: string | null): number | null {
    if (originalId === null) return null;
    return this.links.get(kind)?.get(originalId) ?? null;
  }

  private async link(kind: Kind, originalId: string, localId: number): Promise<void> {
    this.links.get(kind)?.set(originalId, localId);
    await this.ctx.db
      .insertInto('import_links')
      .values({
        source: this.source.key,
        kind,
        original_id: originalId,
        local_id: localId,
        imported_at: this.ctx.clock.now(),
      })
      .onConflict((oc) => oc.columns(['source', 'kind', 'original_id']).doNothing())
      .execute();
  }

  async checkpoint(resource: string): Promise<string | null> {
    const row = await this.ctx.db
      .selectFrom('import_checkpoints')
      .select('cursor')
      .where('source', '=', this.source.key)
      .where('resource', '=', resource)
      .executeTakeFirst();
    return row?.cursor ?? null;
  }

  private async saveCheckpoint(resource: string, cursor: string): Promise<void> {
    if (this.dryRun) return;
    await this.ctx.db
      .insertInto('import_checkpoints')
      .values({ source: this.source.key, resource, cursor, updated_at: this.ctx.clock.now() })
      .onConflict((oc) =>
        oc.columns(['source', 'resource']).doUpdateSet({ cursor, updated_at: this.ctx.clock.now() }),
      )
      .execute();
  }

  /** The whole import is written: the next run starts from the first page again (and updates). */
  async clearCheckpoints(): Promise<void> {
    if (this.dryRun) return;
    await this.ctx.db.deleteFrom('import_checkpoints').where('source', '=', this.source.key).execute();
  }

  /** A page of people: the ones linked by an earlier run are read in one query and updated where they changed. */
  async writePeople(people: ImportedPerson[]): Promise<void> {
    const linkedIds = people.flatMap((p) => {
      const id = this.linked('person', p.originalId);
      return id === null ? [] : [id];
    });
    const current = new Map<
      number,
      { name: string; department: string | null; active: number; role: string }
    >();
    if (!this.dryRun)
      for (const part of chunks(linkedIds, 500))
        for (const r of await this.ctx.db
          .selectFrom('users')
          .select(['id', 'name', 'department', 'active', 'role'])
          .where('id', 'in', part)
          .execute())
          current.set(r.id, r);
    for (const p of people) await this.writePerson(p, current);
  }

  private async writePerson(
    p: ImportedPerson,
    current: Map<number, { name: string; department: string | null; active: number; role: string }>,
  ): Promise<void> {
    // Cut, then trimmed: the domain trims what it is given, and must be given what is compared here.
    const name = cleanText(p.name).trim().slice(0, 200).trim() || `${this.source.kind} user ${p.originalId}`;
    const department =
      cleanText(p.organisation ?? '')
        .trim()
        .slice(0, 100)
        .trim() || null;
    const linkedId = this.linked('person', p.originalId);
    if (linkedId !== null) {
      this.report.people.updated++;
      const was = current.get(linkedId);
      if (this.dryRun || !was) return;
      // Name, department and whether they may sign in follow the source. Never deactivated here: the admin
      // running the import, or any admin (whose role was chosen here, not there).
      const change: { name?: string; department?: string | null; active?: boolean } = {};
      if (was.name !== name) change.name = name;
      if ((was.department ?? null) !== department) change.department = department;
      if ((was.active === 1) !== p.active) {
        if (p.active || (linkedId !== this.importer.id && was.role !== 'admin')) change.active = p.active;
        else this.say(`person ${p.originalId} (${name}) is inactive there: left active here, being an admin`);
      }
      if (Object.keys(change).length > 0) await updateUser(this.ctx, this.importer, linkedId, change);
      return;
    }
    let email: string;
    try {
      email = normaliseEmail(cleanText(p.email ?? ''));
    } catch {
      email = `${this.source.kind}-${p.originalId}@import.invalid`;
      this.say(
        `person ${p.originalId} (${name}): no valid e-mail address${p.email ? ` ("${p.email.slice(0, 254)}")` : ''}; given ${email}, who cannot be mailed`,
      );
    }
    if (this.dryRun) {
      this.report.people.created++;
      return;
    }
    const existing = await this.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing) {
      // Someone already here under the same address is the same person: linked, not duplicated.
      await this.link('person', p.originalId, existing.id);
      this.report.people.updated++;
      return;
    }
    const user = await createUser(this.ctx, null, {
      email,
      name,
      role: p.staff ? 'technician' : 'requester',
      department,
    });
    await this.link('person', p.originalId, user.id);
    this.report.people.created++;
    // Inactive there: here too (they cannot sign in; a later run activates them when they are again).
    if (!p.active) await updateUser(this.ctx, this.importer, user.id, { active: false });
  }

  async writeGroup(originalId: string, name: string, description: string): Promise<void> {
    if (this.linked('group', originalId) !== null) {
      this.report.groups.updated++;
      return;
    }
    if (this.dryRun) {
      this.report.groups.created++;
      return;
    }
    // Cut, then trimmed: createGroup trims, and a name that differs from the one looked up here would collide.
    const clean = cleanText(name).trim().slice(0, 100).trim() || `${this.source.kind} group ${originalId}`;
    const existing = await this.ctx.db
      .selectFrom('groups')
      .select('id')
      .where('name', '=', clean)
      .executeTakeFirst();
    if (existing) {
      await this.link('group', originalId, existing.id);
      this.report.groups.updated++;
      return;
    }
    const group = await createGroup(this.ctx, null, {
      name: clean,
      description: cleanText(description).slice(0, 2000),
    });
    await this.link('group', originalId, group.id);
    this.report.groups.created++;
  }

  private async pageLinks(kind: Kind, ids: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      if (part.length === 0) continue;
      const rows = await this.ctx.db
        .selectFrom('import_links')
        .select(['original_id', 'local_id'])
        .where('source', '=', this.source.key)
        .where('kind', '=', kind)
        .where('original_id', 'in', part)
        .execute();
      for (const r of rows) found.set(r.original_id, Number(r.local_id));
    }
    return found;
  }

  /**
   * Download and store a file; a file refused here (its type, its size) or that the source says is gone is reported
   * and left out. A source that cannot be reached stops the import (the page is not written; a later run retries).
   */
  private async storeImported(ticket: ImportedTicket, f: ImportedFile): Promise<StoredFile | null> {
    let bytes: Buffer;
    try {
      bytes = await f.download(this.ctx.config.attachmentMaxBytes);
    } catch (err) {
      if (!(err instanceof ImportFailed) || err.reason !== 'malformed') throw err;
      this.say(`ticket ${ticket.number}: attachment "${f.filename}" not carried: ${err.message}`);
      return null;
    }
    try {
      return await storeFile(this.ctx, {
        filename: f.filename,
        contentType: f.contentType,
        stream: Readable.from([bytes]),
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.say(`ticket ${ticket.number}: attachment "${f.filename}" not carried: ${why}`);
      return null;
    }
  }

  /**
   * A page as it can be written: its texts clean, its number a word, each ticket once (a page served with a ticket
   * twice), each comment and file in one place only (an original id claimed by two tickets or comments of the
   * page), each refusal reported.
   */
  private preparePage(tickets: ImportedTicket[]): ImportedTicket[] {
    const seenTickets = new Set<string>();
    const seenComments = new Set<string>();
    const seenFiles = new Set<string>();
    const out: ImportedTicket[] = [];
    for (const t of tickets) {
      const problems = [...t.problems];
      let number = t.number;
      if (!ticketNumber.test(number)) {
        number = t.originalId;
        problems.push(
          `its number there ("${t.number.slice(0, 40)}") is not a word: referred to by ${number}`,
        );
      }
      if (seenTickets.has(t.originalId)) {
        this.say(`ticket ${number}: served twice in one page: written once`);
        continue;
      }
      seenTickets.add(t.originalId);
      const files = (list: ImportedFile[]) =>
        list.flatMap((f): ImportedFile[] => {
          if (seenFiles.has(f.originalId)) {
            problems.push(
              `attachment ${f.originalId} is attached to more than one place there: carried once`,
            );
            return [];
          }
          seenFiles.add(f.originalId);
          return [{ ...f, filename: cleanText(f.filename), contentType: cleanText(f.contentType) }];
        });
      const comments = t.comments.flatMap((c): ImportedComment[] => {
        if (seenComments.has(c.originalId)) {
          problems.push(`comment ${c.originalId} also belongs to another ticket there: carried once`);
          return [];
        }
        seenComments.add(c.originalId);
        return [{ ...c, body: cleanText(c.body), attachments: files(c.attachments) }];
      });
      out.push({
        ...t,
        number,
        title: cleanText(t.title),
        description: cleanText(t.description),
        tags: t.tags.map(cleanText),
        attachments: files(t.attachments),
        comments,
        problems,
      });
    }
    return out;
  }

  /** The tickets that links point to, by local id: a ticket gone since (none are deleted, but merges move). */
  private async ticketsOf(table: 'comments' | 'attachments', ids: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const part of chunks(ids, 500)) {
      const rows =
        table === 'comments'
          ? await this.ctx.db
              .selectFrom('comments')
              .select(['id', 'ticket_id'])
              .where('id', 'in', part)
              .execute()
          : await this.ctx.db
              .selectFrom('attachments')
              .select(['id', 'ticket_id'])
              .where('id', 'in', part)
              .execute();
      for (const r of rows) out.set(Number(r.id), Number(r.ticket_id));
    }
    return out;
  }

  async writeTickets(cursor: string, page: ImportedTicket[]): Promise<void> {
    const tickets = this.preparePage(page);
    for (const t of tickets) for (const p of t.problems) this.say(`ticket ${t.number}: ${p}`);
    if (this.dryRun) {
      this.report.tickets.created += tickets.length;
      this.report.comments += tickets.reduce((n, t) => n + t.comments.length, 0);
      return;
    }
    const ticketLinks = await this.pageLinks(
      'ticket',
      tickets.map((t) => t.originalId),
    );
    const commentLinks = await this.pageLinks(
      'comment',
      tickets.flatMap((t) => t.comments.map((c) => c.originalId)),
    );
    const fileLinks = await this.pageLinks(
      'attachment',
      tickets.flatMap((t) =>
        [...t.attachments, ...t.comments.flatMap((c) => c.attachments)].map((f) => f.originalId),
      ),
    );
    // A linked ticket that is no longer here is written anew (its link then points to the new one).
    const present = new Set<number>();
    for (const part of chunks([...ticketLinks.values()], 500))
      for (const r of await this.ctx.db.selectFrom('tickets').select('id').where('id', 'in', part).execute())
        present.add(Number(r.id));
    const commentTickets = await this.ticketsOf('comments', [...commentLinks.values()]);
    const fileTickets = await this.ticketsOf('attachments', [...fileLinks.values()]);
    const person = (id: string | null) => this.linked('person', id);
    // Files first, as the help desk does with uploads: stored before the transaction, named by it.
    const files = async (
      t: ImportedTicket,
      ticketId: number | null,
      list: ImportedFile[],
      by: number,
      at: number,
    ) => {
      const out: FileWrite[] = [];
      for (const f of list) {
        const linkedId = fileLinks.get(f.originalId) ?? null;
        const owner = linkedId === null ? undefined : fileTickets.get(linkedId);
        if (linkedId !== null && owner !== undefined) {
          // Imported before as another ticket's file: that one keeps it.
          if (owner !== ticketId) {
            this.say(
              `ticket ${t.number}: attachment ${f.originalId} was imported with another ticket: left there`,
            );
            continue;
          }
          out.push({
            existingId: linkedId,
            originalId: f.originalId,
            uploadedBy: by,
            createdAt: at,
            file: { filename: '', contentType: '', size: 0, sha256: '' },
          });
          continue;
        }
        const stored = await this.storeImported(t, f);
        if (stored)
          out.push({
            existingId: null,
            originalId: f.originalId,
            file: stored,
            uploadedBy: by,
            createdAt: at,
          });
      }
      return out;
    };
    const writes: TicketWrite[] = [];
    for (const original of tickets) {
      const linkedTicket = ticketLinks.get(original.originalId) ?? null;
      const existingId = linkedTicket !== null && present.has(linkedTicket) ? linkedTicket : null;
      // A comment imported before with another ticket stays there: writing it here would rewrite that ticket.
      const t: ImportedTicket = {
        ...original,
        comments: original.comments.filter((c) => {
          const linkedId = commentLinks.get(c.originalId);
          const owner = linkedId === undefined ? undefined : commentTickets.get(linkedId);
          if (owner === undefined || owner === existingId) return true;
          this.say(
            `ticket ${original.number}: comment ${c.originalId} was imported with another ticket: left there`,
          );
          return false;
        }),
      };
      let requesterId = person(t.requester);
      if (requesterId === null) {
        requesterId = this.importer.id;
        this.say(
          `ticket ${t.number}: requester ${t.requester ?? '(none)'} unknown: filed for ${this.importer.email}`,
        );
      }
      const assigneeId = person(t.owner);
      if (t.owner !== null && assigneeId === null)
        this.say(`ticket ${t.number}: owner ${t.owner} unknown: left unassigned`);
      const watcherIds: number[] = [];
      for (const w of t.watchers ?? []) {
        const id = person(w);
        if (id === null) this.say(`ticket ${t.number}: watcher ${w} unknown: not carried`);
        else if (id !== requesterId && !watcherIds.includes(id)) watcherIds.push(id);
      }
      if (watcherIds.length > ticketLimits.watchers)
        this.say(
          `ticket ${t.number}: has ${watcherIds.length} watchers: the first ${ticketLimits.watchers} carried`,
        );
      const createdBy = person(t.createdBy) ?? requesterId;
      writes.push({
        source: t,
        existingId,
        externalRef: `${this.source.kind} ${t.number}`,
        title: t.title,
        description: t.description,
        status: t.status,
        impact: t.impact,
        urgency: t.urgency,
        requesterId,
        watcherIds: watcherIds.slice(0, ticketLimits.watchers),
        assigneeId,
        groupId: this.linked('group', t.group),
        createdBy,
        createdAt: t.createdAt,
        updatedAt: t.updatedAt,
        resolvedAt: t.resolvedAt ?? t.closedAt,
        closedAt: t.closedAt,
        tags: t.tags,
        attachments: await files(t, existingId, t.attachments, createdBy, t.createdAt),
        comments: await Promise.all(
          t.comments.map(async (c) => {
            const authorId = person(c.author) ?? this.importer.id;
            const linkedComment = commentLinks.get(c.originalId) ?? null;
            // Linked to a comment no longer here: written anew.
            const existing =
              linkedComment !== null && commentTickets.has(linkedComment) ? linkedComment : null;
            return {
              existingId: existing,
              authorId,
              body: c.body,
              internal: c.internal,
              createdAt: c.createdAt,
              attachments: await files(t, existingId, c.attachments, authorId, c.createdAt),
            };
          }),
        ),
      });
    }
    const matrix = await getPriorityMatrix(this.ctx);
    const now = this.ctx.clock.now();
    const indexed = await this.ctx.db.transaction().execute(async (trx) => {
      const written = await writeImportedTickets(trx, this.ctx.caps, matrix, writes, now);
      const links: Array<{ kind: Kind; original_id: string; local_id: number }> = [];
      written.ids.forEach((ids, i) => {
        const w = writes[i];
        if (ids.created)
          links.push({ kind: 'ticket', original_id: w.source.originalId, local_id: ids.ticketId });
        w.attachments.forEach((a, j) => {
          if (a.existingId === null)
            links.push({ kind: 'attachment', original_id: a.originalId, local_id: ids.attachmentIds[j] });
        });
        w.comments.forEach((c, j) => {
          if (c.existingId === null)
            links.push({
              kind: 'comment',
              original_id: w.source.comments[j].originalId,
              local_id: ids.comments[j].commentId,
            });
          c.attachments.forEach((a, k) => {
            if (a.existingId === null)
              links.push({
                kind: 'attachment',
                original_id: a.originalId,
                local_id: ids.comments[j].attachmentIds[k],
              });
          });
        });
        if (ids.created) this.report.tickets.created++;
        else this.report.tickets.updated++;
        this.report.comments += w.comments.filter((c) => c.existingId === null).length;
        this.report.attachments +=
          w.attachments.filter((a) => a.existingId === null).length +
          w.comments.reduce((n, c) => n + c.attachments.filter((a) => a.existingId === null).length, 0);
      });
      // A link to a row no longer here is pointed at the one just written.
      for (let i = 0; i < links.length; i += 400) {
        await trx
          .insertInto('import_links')
          .values(links.slice(i, i + 400).map((l) => ({ ...l, source: this.source.key, imported_at: now })))
          .onConflict((oc) =>
            oc.columns(['source', 'kind', 'original_id']).doUpdateSet((eb) => ({
              local_id: eb.ref('excluded.local_id'),
              imported_at: eb.ref('excluded.imported_at'),
            })),
          )
          .execute();
      }
      await trx
        .insertInto('import_checkpoints')
        .values({ source: this.source.key, resource: 'tickets', cursor, updated_at: now })
        .onConflict((oc) => oc.columns(['source', 'resource']).doUpdateSet({ cursor, updated_at: now }))
        .execute();
      return written.indexed;
    });
    rememberSearchWords(...indexed);
  }

  async savePage(resource: string, cursor: string): Promise<void> {
    await this.saveCheckpoint(resource, cursor);
  }
}

/**
 * The pages of a source with the next one already being read while the caller writes this one: the source's
 * round trips overlap our writing. One page ahead at most, so memory stays bounded by two pages; a page read
 * ahead and never written (the run stopped) has no checkpoint, and the next run reads it again.
 */
async function* readAhead<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  const it = pages[Symbol.asyncIterator]();
  let next = it.next();
  // Its failure is reported when it is awaited, not as an unhandled rejection while a page is being written.
  next.catch(() => undefined);
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    // The caller stopped early: let the page being read finish before the source closes.
    const pending = await next.catch(() => ({ done: true }));
    if (!pending.done) await it.return?.();
  }
}

/**
 * Import everything a source holds: people, then groups, then tickets, each from where an earlier, unfinished
 * run stopped. `importer` is the admin the import acts as (the requester of a ticket whose requester is unknown).
 */
export async function runImport(
  ctx: ServiceContext,
  source: ImportSource,
  importer: Actor,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const writer = new ImportWriter(ctx, source, importer, options.dryRun === true);
  await source.open();
  try {
    for (const kind of ['person', 'group'] as const) await writer.loadLinks(kind);
    for (const resource of resources) {
      const after = await writer.checkpoint(resource);
      if (after !== null) writer.report.resumedFrom[resource] = after;
      let done = 0;
      const pages =
        resource === 'people'
          ? source.people(after)
          : resource === 'groups'
            ? source.groups(after)
            : readAhead(source.tickets(after));
      for await (const page of pages as AsyncIterable<{ cursor: string; items: unknown[] }>) {
        if (resource === 'people') await writer.writePeople(page.items as ImportedPerson[]);
        else if (resource === 'groups')
          for (const g of page.items as Array<{ originalId: string; name: string; description: string }>)
            await writer.writeGroup(g.originalId, g.name, g.description);
        else await writer.writeTickets(page.cursor, page.items as ImportedTicket[]);
        if (resource !== 'tickets') await writer.savePage(resource, page.cursor);
        done += page.items.length;
        options.progress?.({ resource, page: page.cursor, done });
        if (options.signal?.aborted)
          throw new ImportFailed(
            'stopped',
            `stopped after ${resource} page ${page.cursor}: run again to continue`,
          );
      }
    }
    await writer.clearCheckpoints();
    for (const problem of source.problems) writer.say(problem);
    return writer.report;
  } finally {
    await source.close();
  }
}
