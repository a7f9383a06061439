// osTicket as an import source, from a database export: its API can only create tickets, so the admin dumps the
// tables (mysqldump --no-create-info --complete-insert --hex-blob, see docs/import.md) and this reads the INSERT
// statements of that file: staff and users, departments, tickets with their subject, status and priority, thread
// entries (messages, responses, internal notes) and the files stored in the database. The dump is read whole into
// memory first (every table but the files is small beside the tickets), then served in pages like any source.
import fs from 'node:fs';
import readline from 'node:readline';
import type { TicketStatus } from '../core/db/index.js';
import type { Level } from '../helpdesk/index.js';
import {
  type ImportedComment,
  type ImportedFile,
  type ImportedGroup,
  type ImportedPerson,
  type ImportedTicket,
  ImportFailed,
  type ImportSource,
  type SourcePage,
} from './import-source.js';
import { htmlToText } from './source-http.js';

export interface OsTicketOptions {
  /** The mysqldump file. */
  file: string;
  /** Names this osTicket in the links, so a fresh dump of the same one updates (default "default"). */
  instance?: string;
  /** The tables' prefix (osTicket's installer asks for one; ost_ by default). */
  prefix?: string;
  /** Tickets updated before this time are left out (epoch ms). */
  since?: number | null;
  perPage?: number;
}

type Value = string | number | Buffer | null;
type Row = Record<string, Value>;

// The tables read, without their prefix.
const tables = [
  'ticket',
  'ticket__cdata',
  'ticket_status',
  'ticket_priority',
  'thread',
  'thread_entry',
  'user',
  'user_email',
  'organization',
  'staff',
  'department',
  'attachment',
  'file',
  'file_chunk',
] as const;
type Table = (typeof tables)[number];

// osTicket's built-in priorities, by name (ost_ticket_priority.priority).
const priorities: Record<string, Level> = { low: 2, normal: 3, high: 4, emergency: 5 };

/** Parse the values of one INSERT, after VALUES: rows of SQL literals as mysqldump writes them. */
export function parseInsertValues(text: string, fail: (what: string) => never): Value[][] {
  const rows: Value[][] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const escapes: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };
  for (;;) {
    skipSpace();
    if (text[i] !== '(') fail(`expected ( at column ${i + 1}`);
    i++;
    const row: Value[] = [];
    for (;;) {
      skipSpace();
      if (text.startsWith('_binary ', i)) i += 8;
      const c = text[i];
      if (c === "'") {
        let out = '';
        i++;
        for (;;) {
          if (i >= text.length) fail('a string is not closed');
          const ch = text[i];
          if (ch === '\\') {
            const next = text[i + 1];
            out += escapes[next] ?? next;
            i += 2;
          } else if (ch === "'" && text[i + 1] === "'") {
            out += "'";
            i += 2;
          } else if (ch === "'") {
            i++;
            break;
          } else {
            out += ch;
            i++;
          }
        }
        row.push(out);
      } else if (text.startsWith('0x', i)) {
        const m = /^0x([0-9a-fA-F]*)/.exec(text.slice(i, i + 2 + 64 * 1024 * 1024));
        const hex = m?.[1] ?? '';
        // Buffer.from would drop an odd last digit without a word: a blob cut short.
        if (hex.length % 2 === 1) fail(`a hex value of ${hex.length} digits at column ${i + 1} is cut short`);
        row.push(Buffer.from(hex, 'hex'));
        i += 2 + hex.length;
      } else if (text.startsWith('NULL', i)) {
        row.push(null);
        i += 4;
      } else {
        const m = /^-?\d+(\.\d+)?(e[+-]?\d+)?/i.exec(text.slice(i, i + 64));
        if (!m) fail(`unexpected ${JSON.stringify(text.slice(i, i + 12))} at column ${i + 1}`);
        row.push(Number(m[0]));
        i += m[0].length;
      }
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ')') {
        i++;
        break;
      }
      fail(`expected , or ) at column ${i + 1}`);
    }
    rows.push(row);
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === ';') return rows;
    // mysqldump ends every INSERT with ";": a line without it was cut (a dump copied while it was written).
    if (i >= text.length) fail('the INSERT has no closing ; (is the dump cut short?)');
    fail(`expected , or ; at column ${i + 1}`);
  }
}

function text(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

function id(v: Value | undefined): string | null {
  const s = text(v);
  return /^\d+$/.test(s) && s !== '0' ? s : null;
}

/** osTicket's DATETIME columns, in UTC. */
function time(v: Value | undefined): number | null {
  const s = text(v);
  if (!s || s.startsWith('0000')) return null;
  const ms = Date.parse(`${s.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export class OsTicketSource implements ImportSource {
  readonly kind = 'osticket';
  readonly key: string;
  readonly problems: string[] = [];
  private readonly file: string;
  private readonly prefix: string;
  private readonly perPage: number;
  private readonly since: number | null;
  private data: Record<Table, Row[]> | null = null;
  private fileRows: Map<string, Row> | null = null;
  private chunkRows: Map<string, Row[]> | null = null;

  constructor(options: OsTicketOptions) {
    this.file = options.file;
    this.prefix = options.prefix ?? 'ost_';
    this.perPage = options.perPage ?? 100;
    this.since = options.since ?? null;
    const instance = (options.instance ?? 'default').trim();
    if (!/^[\w.-]{1,60}$/.test(instance))
      throw new ImportFailed('malformed', `--instance ${instance}: letters, digits, . _ - only`);
    this.key = `osticket:${instance}`;
  }

  async open(): Promise<void> {
    if (this.data) return;
    const wanted = new Map<string, Table>(tables.map((t) => [`${this.prefix}${t}`, t]));
    const data = Object.fromEntries(tables.map((t) => [t, [] as Row[]])) as Record<Table, Row[]>;
    let stream: fs.ReadStream;
    try {
      await fs.promises.access(this.file, fs.constants.R_OK);
      stream = fs.createReadStream(this.file, { encoding: 'utf8' });
    } catch (err) {
      throw new ImportFailed(
        'unreachable',
        `cannot read ${this.file} (${(err as NodeJS.ErrnoException).code})`,
      );
    }
    let line = 0;
    let completed = false;
    // mysqldump writes each INSERT on one line (newlines inside values are escaped as \n).
    for await (const sql of readline.createInterface({
      input: stream,
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      line++;
      if (sql.startsWith('-- Dump completed')) completed = true;
      if (!sql.startsWith('INSERT INTO ')) continue;
      const head = /^INSERT INTO `?(\w+)`?\s*(\(([^)]*)\))?\s*VALUES\s*/i.exec(sql);
      const fail: (what: string) => never = (what) => {
        throw new ImportFailed('malformed', `${this.file} line ${line}: ${what}`);
      };
      if (!head) return fail('an INSERT this cannot read');
      const table = wanted.get(head[1]);
      if (table === undefined) continue;
      const columns = head[3];
      if (columns === undefined)
        return fail(`INSERT INTO ${head[1]} names no columns: dump with --complete-insert`);
      const names = columns.split(',').map((c) => c.trim().replace(/^`|`$/g, ''));
      for (const values of parseInsertValues(sql.slice(head[0].length), fail)) {
        if (values.length !== names.length)
          fail(`a row of ${head[1]} has ${values.length} values for ${names.length} columns`);
        data[table].push(Object.fromEntries(names.map((n, k) => [n, values[k]])));
      }
    }
    if (data.ticket.length === 0 && data.user.length === 0)
      throw new ImportFailed(
        'malformed',
        `${this.file} has no INSERT INTO ${this.prefix}ticket or ${this.prefix}user: is it a mysqldump of osTicket's tables (docs/import.md)?`,
      );
    if (!completed)
      this.problems.push(
        `${this.file} does not end with mysqldump's "-- Dump completed" line: if it was cut short, the tables after the cut are missing`,
      );
    this.data = data;
  }

  async close(): Promise<void> {}

  private get tables(): Record<Table, Row[]> {
    if (!this.data) throw new Error('the osTicket dump is read by open() first');
    return this.data;
  }

  /** Rows with an id in `column`; the others are reported once and left out (nothing could link to them). */
  private withIds(rows: Row[], column: string, what: string): Row[] {
    const out = rows.filter((r) => id(r[column]) !== null);
    if (out.length < rows.length)
      this.problems.push(
        `${rows.length - out.length} ${what} row${rows.length - out.length > 1 ? 's' : ''} without an id (${column}) left out`,
      );
    return out;
  }

  private *pages<T>(items: T[], after: string | null): Iterable<SourcePage<T>> {
    for (let page = after === null ? 1 : Number(after) + 1; (page - 1) * this.perPage < items.length; page++)
      yield { cursor: String(page), items: items.slice((page - 1) * this.perPage, page * this.perPage) };
  }

  async *people(after: string | null): AsyncIterable<SourcePage<ImportedPerson>> {
    const d = this.tables;
    const emails = new Map(d.user_email.map((e) => [text(e.id), text(e.address)]));
    const orgs = new Map(d.organization.map((o) => [text(o.id), text(o.name)]));
    const departments = new Map(d.department.map((x) => [text(x.id), text(x.name)]));
    const people: ImportedPerson[] = [
      ...this.withIds(d.staff, 'staff_id', 'staff').map((s) => ({
        originalId: `staff-${text(s.staff_id)}`,
        email: text(s.email).trim() || null,
        name: `${text(s.firstname)} ${text(s.lastname)}`.trim() || text(s.username),
        staff: true,
        active: Number(s.isactive ?? 1) === 1,
        organisation: departments.get(text(s.dept_id)) ?? null,
      })),
      ...this.withIds(d.user, 'id', 'user').map((u) => {
        const orgId = id(u.org_id);
        return {
          originalId: `user-${text(u.id)}`,
          email: emails.get(text(u.default_email_id))?.trim() || null,
          name: text(u.name).trim() || `osTicket user ${text(u.id)}`,
          staff: false,
          // ost_user.status is a bit field: 1 registered, 2 locked, … ; a locked user is inactive.
          active: (Number(u.status) & 2) === 0,
          organisation: orgId ? (orgs.get(orgId) ?? null) : null,
        };
      }),
    ];
    yield* this.pages(people, after);
  }

  async *groups(after: string | null): AsyncIterable<SourcePage<ImportedGroup>> {
    const groups = this.withIds(this.tables.department, 'id', 'department').map((x) => ({
      originalId: `dept-${text(x.id)}`,
      name: text(x.name),
      description: '',
    }));
    yield* this.pages(groups, after);
  }

  /** A stored file, read from its chunks; null when its bytes are not in the dump (another storage backend). */
  private fileOf(key: string, fileId: string, name: string): ImportedFile | string {
    const d = this.tables;
    if (this.fileRows === null || this.chunkRows === null) {
      this.fileRows = new Map(d.file.map((x) => [text(x.id), x]));
      this.chunkRows = new Map();
      for (const c of d.file_chunk) {
        const list = this.chunkRows.get(text(c.file_id)) ?? [];
        list.push(c);
        this.chunkRows.set(text(c.file_id), list);
      }
    }
    const f = this.fileRows.get(fileId);
    if (!f) return `file ${fileId} ("${name}") is not in the dump`;
    if (text(f.bk) !== 'D')
      return `file "${name}" is kept outside the database (storage "${text(f.bk)}"): not in the dump`;
    const chunks = [...(this.chunkRows.get(fileId) ?? [])].sort(
      (a, b) => Number(a.chunk_id) - Number(b.chunk_id),
    );
    // mysqldump --hex-blob writes a blob as 0x…, and an empty one as ''.
    if (chunks.some((c) => !Buffer.isBuffer(c.filedata) && c.filedata !== ''))
      return `file "${name}" was dumped as text: dump with --hex-blob to carry it`;
    const filename = name || text(f.name) || `file-${fileId}`;
    return {
      originalId: key,
      filename,
      contentType: text(f.type) || 'application/octet-stream',
      download: async (maxBytes) => {
        const size = chunks.reduce((n, c) => n + (Buffer.isBuffer(c.filedata) ? c.filedata.length : 0), 0);
        if (size > maxBytes)
          throw new ImportFailed('malformed', `file "${filename}" is larger than ${maxBytes} bytes`);
        return Buffer.concat(chunks.map((c) => (Buffer.isBuffer(c.filedata) ? c.filedata : Buffer.alloc(0))));
      },
    };
  }

  async *tickets(after: string | null): AsyncIterable<SourcePage<ImportedTicket>> {
    const d = this.tables;
    const statuses = new Map(
      d.ticket_status.map((s) => [text(s.id), { name: text(s.name), state: text(s.state) }]),
    );
    const priorityNames = new Map(d.ticket_priority.map((p) => [text(p.priority_id), text(p.priority)]));
    const cdata = new Map(d.ticket__cdata.map((c) => [text(c.ticket_id), c]));
    const threads = new Map(
      d.thread
        .filter((t) => text(t.object_type) === 'T' && id(t.id) !== null)
        .map((t) => [text(t.object_id), text(t.id)]),
    );
    const entries = new Map<string, Row[]>();
    for (const e of d.thread_entry) {
      const list = entries.get(text(e.thread_id)) ?? [];
      list.push(e);
      entries.set(text(e.thread_id), list);
    }
    // Files of thread entries: ost_attachment rows of type H (a thread entry), object_id the entry's id.
    const files = new Map<string, Row[]>();
    for (const a of d.attachment) {
      if (text(a.type) !== 'H') continue;
      const list = files.get(text(a.object_id)) ?? [];
      list.push(a);
      files.set(text(a.object_id), list);
    }
    const sorted = this.withIds(d.ticket, 'ticket_id', 'ticket').sort(
      (a, b) => Number(a.ticket_id) - Number(b.ticket_id),
    );
    for (const page of this.pages(sorted, after)) {
      const items: ImportedTicket[] = [];
      for (const t of page.items) {
        const ticketId = text(t.ticket_id);
        const number = text(t.number) || ticketId;
        const createdAt = time(t.created);
        const updatedAt = time(t.updated) ?? createdAt;
        if (createdAt === null || updatedAt === null)
          throw new ImportFailed(
            'malformed',
            `${this.file}: ticket ${number.slice(0, 40)} has no created time`,
          );
        if (this.since !== null && updatedAt < this.since) continue;
        const problems: string[] = [];
        const owner = id(t.staff_id) ? `staff-${text(t.staff_id)}` : null;
        const status = this.status(statuses.get(text(t.status_id)), owner !== null, problems);
        const extra = cdata.get(ticketId);
        const priorityName = priorityNames.get(text(extra?.priority)) ?? '';
        // Own keys only: a priority named "constructor" is not Object's.
        let level = Object.hasOwn(priorities, priorityName.toLowerCase())
          ? priorities[priorityName.toLowerCase()]
          : undefined;
        if (level === undefined) {
          level = 3;
          problems.push(
            priorityName
              ? `priority "${priorityName}" has no equivalent here: imported as medium`
              : 'has no priority: imported as medium',
          );
        }
        const comments: ImportedComment[] = [];
        // A ticket without a thread has no entries (not those of every entry whose thread_id is empty).
        const threadId = threads.get(ticketId);
        const thread = (threadId === undefined ? [] : (entries.get(threadId) ?? []))
          .filter((e) => id(e.id) !== null)
          .sort((a, b) => (time(a.created) ?? 0) - (time(b.created) ?? 0) || Number(a.id) - Number(b.id));
        for (const e of thread) {
          const entryId = text(e.id);
          const body = text(e.body);
          const attachments: ImportedFile[] = [];
          for (const a of files.get(entryId) ?? []) {
            const f = this.fileOf(`entry-${entryId}-file-${text(a.file_id)}`, text(a.file_id), text(a.name));
            if (typeof f === 'string') problems.push(f);
            else attachments.push(f);
          }
          const title = text(e.title).trim();
          const plain = text(e.format) === 'html' ? htmlToText(body) : body.trim();
          comments.push({
            originalId: entryId,
            author: id(e.staff_id)
              ? `staff-${text(e.staff_id)}`
              : id(e.user_id)
                ? `user-${text(e.user_id)}`
                : null,
            // A note's title is its first line there ("Ticket reassigned"); kept as the first line here.
            body: text(e.type) === 'N' && title ? `${title}\n${plain}` : plain,
            internal: text(e.type) === 'N',
            createdAt: time(e.created) ?? createdAt,
            attachments,
          });
        }
        // The first message (the customer's request) is the ticket's description, its files the ticket's.
        const firstIndex = comments.findIndex((_c, k) => text(thread[k].type) === 'M');
        const first = firstIndex >= 0 ? comments.splice(firstIndex, 1)[0] : undefined;
        const closedAt = status === 'closed' || status === 'resolved' ? (time(t.closed) ?? updatedAt) : null;
        items.push({
          originalId: ticketId,
          number,
          title: text(extra?.subject),
          description: first?.body ?? '',
          status,
          impact: level,
          urgency: level,
          requester: id(t.user_id) ? `user-${text(t.user_id)}` : null,
          owner,
          group: id(t.dept_id) ? `dept-${text(t.dept_id)}` : null,
          createdBy: id(t.user_id) ? `user-${text(t.user_id)}` : null,
          createdAt,
          updatedAt,
          closedAt: status === 'closed' ? closedAt : null,
          resolvedAt: closedAt,
          tags: [],
          attachments: first?.attachments ?? [],
          comments,
          problems,
        });
      }
      yield { cursor: page.cursor, items };
    }
  }

  /** A ticket status by its state (open, closed, archived, deleted) and, for closed ones, its name. */
  private status(
    s: { name: string; state: string } | undefined,
    owned: boolean,
    problems: string[],
  ): TicketStatus {
    const open: TicketStatus = owned ? 'assigned' : 'new';
    if (s === undefined) {
      problems.push(`has an unknown status: imported as ${open}`);
      return open;
    }
    if (s.state === 'open') {
      if (s.name !== 'Open') problems.push(`status "${s.name}" has no equivalent here: imported as ${open}`);
      return open;
    }
    if (s.state === 'closed') return s.name === 'Resolved' ? 'resolved' : 'closed';
    problems.push(`status "${s.name}" (${s.state}) has no equivalent here: imported as closed`);
    return 'closed';
  }
}
