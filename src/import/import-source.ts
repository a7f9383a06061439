// What every import source (Zammad, GLPI, osTicket) hands the writer: people, groups and tickets in pages, with
// the original ids the writer keys its links on, states and priorities already mapped to ours, and the problems
// met on the way (what could not be carried, and why). A source knows its system; the writer knows ours.
import type { TicketStatus } from '../core/db/index.js';
import type { Level } from '../helpdesk/index.js';

/**
 * A file of a ticket or comment, fetched only when it is written (a dry run downloads nothing). Its original id
 * names where it is attached, not only the file: GLPI and osTicket keep one file for identical uploads, linked to
 * every ticket or message it was attached to, and each of those places gets its own copy here.
 */
export interface ImportedFile {
  originalId: string;
  filename: string;
  contentType: string;
  /**
   * Its bytes, at most `maxBytes` of them: a larger file, or one the source says is gone, fails as malformed
   * (the writer reports it and goes on); a source it cannot reach fails as unreachable (the import stops).
   */
  download(maxBytes: number): Promise<Buffer>;
}

export interface ImportedPerson {
  originalId: string;
  /** Null when the source has none: the writer makes a placeholder address and says so. */
  email: string | null;
  name: string;
  /** An agent, technician or admin there: a technician here (never an admin: that is chosen here). */
  staff: boolean;
  active: boolean;
  /** The organisation or entity they belong to, carried as their department. */
  organisation: string | null;
}

export interface ImportedGroup {
  originalId: string;
  name: string;
  description: string;
}

export interface ImportedComment {
  originalId: string;
  /** The author's original id; null for the source's system user. */
  author: string | null;
  body: string;
  internal: boolean;
  createdAt: number;
  attachments: ImportedFile[];
}

export interface ImportedTicket {
  originalId: string;
  /** Its number there, kept as the reference ("zammad 31004"). */
  number: string;
  title: string;
  description: string;
  status: TicketStatus;
  impact: Level;
  urgency: Level;
  requester: string | null;
  /** People who follow it there (GLPI's observers, its requesters after the first): its watchers here. */
  watchers?: string[];
  owner: string | null;
  group: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** When it was resolved, if that differs from its closing (a GLPI ticket solved and not yet closed). */
  resolvedAt?: number | null;
  tags: string[];
  attachments: ImportedFile[];
  comments: ImportedComment[];
  /** What of this ticket could not be carried as it was, each a sentence. */
  problems: string[];
}

/** One page of a resource: its items, and the cursor that names it (written once the page is whole). */
export interface SourcePage<T> {
  cursor: string;
  items: T[];
}

export interface ImportSource {
  /** zammad, glpi, osticket */
  readonly kind: string;
  /** The key links and checkpoints are kept under: kind and address (zammad:https://desk.example.com). */
  readonly key: string;
  /** Sign in, or check the address and credentials, before anything is read. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Each reads the pages after `after` (a cursor from an earlier page, or null for the first). */
  people(after: string | null): AsyncIterable<SourcePage<ImportedPerson>>;
  groups(after: string | null): AsyncIterable<SourcePage<ImportedGroup>>;
  tickets(after: string | null): AsyncIterable<SourcePage<ImportedTicket>>;
  /** Problems met outside a ticket (an organisation with no place here), each a sentence. */
  readonly problems: string[];
}

/** An import that cannot go on: the source is unreachable, refuses us, or answers what we cannot read. */
export class ImportFailed extends Error {
  constructor(
    readonly reason: 'unreachable' | 'refused' | 'malformed' | 'stopped',
    message: string,
  ) {
    super(message);
    this.name = 'ImportFailed';
  }
}
