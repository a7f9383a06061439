// Zammad as an import source, through its REST API (docs.zammad.org, "API"): users, organisations, groups and
// tickets paged with ?page=&per_page=, each ticket's articles (/ticket_articles/by_ticket/:id) and tags
// (/tags?object=Ticket&o_id=), attachments downloaded by ticket, article and id. A page shorter than per_page
// is the last. States and priorities are mapped here; what does not map is said in the ticket's problems.
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
import { htmlToText, mapLimited, PageGuard, Shape, sourceFile, sourceJson } from './source-http.js';

export interface ZammadOptions {
  url: string;
  token: string;
  /** Tickets updated before this time are left out (epoch ms). */
  since?: number | null;
  perPage?: number;
  /** How many tickets' articles and tags are fetched at once. */
  concurrency?: number;
}

// Zammad's built-in roles: 1 Admin, 2 Agent, 3 Customer.
const staffRoles = new Set([1, 2]);
// Zammad's user 1 is its system account ("-"): an owner_id of 1 is "nobody".
const systemUser = '1';

const priorities: Record<string, Level> = { '1 low': 2, '2 normal': 3, '3 high': 4 };

/** A Zammad state as ours; null when it has no equivalent. */
function mapState(state: string, owned: boolean): TicketStatus | null {
  switch (state) {
    case 'new':
      return owned ? 'assigned' : 'new';
    case 'open':
      return owned ? 'in_progress' : 'assigned';
    case 'pending reminder':
    case 'pending close':
      return 'pending';
    case 'closed':
    case 'merged':
      return 'closed';
    default:
      return null;
  }
}

/** An attachment's preferences (its headers there); anything but an object is none. */
function preferences(a: Record<string, unknown>): Record<string, unknown> {
  const p = a.preferences;
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

export class ZammadSource implements ImportSource {
  readonly kind = 'zammad';
  readonly key: string;
  readonly problems: string[] = [];
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly perPage: number;
  private readonly concurrency: number;
  private readonly since: number | null;

  constructor(options: ZammadOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ImportFailed('malformed', `--url ${options.url} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ImportFailed('malformed', `--url ${options.url} is not an http(s) address`);
    this.base = url.href.replace(/\/+$/, '');
    this.key = `zammad:${this.base}`;
    this.headers = { Authorization: `Token token=${options.token}`, Accept: 'application/json' };
    this.perPage = options.perPage ?? 100;
    this.concurrency = options.concurrency ?? 16;
    this.since = options.since ?? null;
  }

  private get(path: string): Promise<unknown> {
    return sourceJson(`${this.base}/api/v1/${path}`, this.headers);
  }

  async open(): Promise<void> {
    // The cheapest authenticated call: who the token belongs to. Fails fast on a wrong address or token.
    const me = await this.get('users/me');
    new Shape('/api/v1/users/me').object(me, 'the answer');
  }

  async close(): Promise<void> {}

  /**
   * The pages of a list after the page `after`, until one comes back short; a page of items all read before (a
   * server that ignores ?page=) stops the list rather than looping on it.
   */
  private async *pages(
    resource: string,
    after: string | null,
    query = '',
  ): AsyncIterable<SourcePage<unknown>> {
    const resumed = after === null ? 0 : Number(after);
    if (!Number.isSafeInteger(resumed) || resumed < 0)
      throw new ImportFailed('malformed', `the checkpoint of ${resource} (${after}) is not a page number`);
    let page = resumed + 1;
    const guard = new PageGuard(`/api/v1/${resource}`);
    for (;;) {
      const path = `${resource}?${query}page=${page}&per_page=${this.perPage}`;
      const items = new Shape(`/api/v1/${resource} page ${page}`).array(await this.get(path), 'the answer');
      guard.check(items, `page ${page}`);
      if (items.length > 0) yield { cursor: String(page), items };
      if (items.length < this.perPage) return;
      page++;
    }
  }

  private organisationNames: Map<string, string> | null = null;

  private async organisations(): Promise<Map<string, string>> {
    if (this.organisationNames) return this.organisationNames;
    const names = new Map<string, string>();
    for await (const page of this.pages('organizations', null)) {
      const shape = new Shape(`/api/v1/organizations page ${page.cursor}`);
      for (const raw of page.items) {
        const o = shape.object(raw, 'an organisation');
        names.set(shape.id(o, 'id'), shape.text(o, 'name'));
      }
    }
    this.organisationNames = names;
    return names;
  }

  async *people(after: string | null): AsyncIterable<SourcePage<ImportedPerson>> {
    const orgs = await this.organisations();
    for await (const page of this.pages('users', after)) {
      const shape = new Shape(`/api/v1/users page ${page.cursor}`);
      const items = page.items.map((raw): ImportedPerson => {
        const u = shape.object(raw, 'a user');
        const originalId = shape.id(u, 'id');
        const roles = Array.isArray(u.role_ids) ? (u.role_ids as unknown[]).map(Number) : [];
        const email = shape.text(u, 'email').trim();
        const login = shape.text(u, 'login').trim();
        const name = `${shape.text(u, 'firstname')} ${shape.text(u, 'lastname')}`.trim() || login || email;
        const orgId = shape.optionalId(u, 'organization_id');
        return {
          originalId,
          email: email || (login.includes('@') ? login : null),
          name: name || `Zammad user ${originalId}`,
          staff: roles.some((r) => staffRoles.has(r)),
          active: u.active !== false,
          organisation: orgId ? (orgs.get(orgId) ?? null) : null,
        };
      });
      // Zammad's system account (id 1, "-") is nobody's person here.
      yield { cursor: page.cursor, items: items.filter((p) => p.originalId !== systemUser) };
    }
  }

  async *groups(after: string | null): AsyncIterable<SourcePage<ImportedGroup>> {
    for await (const page of this.pages('groups', after)) {
      const shape = new Shape(`/api/v1/groups page ${page.cursor}`);
      yield {
        cursor: page.cursor,
        items: page.items.map((raw) => {
          const g = shape.object(raw, 'a group');
          return {
            originalId: shape.id(g, 'id'),
            name: shape.text(g, 'name'),
            description: shape.text(g, 'note'),
          };
        }),
      };
    }
  }

  private file(
    ticketId: string,
    articleId: string,
    raw: unknown,
    shape: Shape,
  ): ImportedFile & { contentId: string | null } {
    const a = shape.object(raw, 'an attachment');
    const id = shape.id(a, 'id');
    const prefs = preferences(a);
    const declared = [prefs['Content-Type'], prefs['Mime-Type']].find((v) => typeof v === 'string');
    const cid = prefs['Content-ID'];
    const url = `${this.base}/api/v1/ticket_attachment/${ticketId}/${articleId}/${id}`;
    return {
      originalId: id,
      filename: shape.text(a, 'filename') || `attachment-${id}`,
      contentType: (declared as string | undefined) || 'application/octet-stream',
      contentId: typeof cid === 'string' ? cid.replace(/^<|>$/g, '') : null,
      download: (maxBytes) =>
        sourceFile(url, this.headers, maxBytes, `attachment ${id} of ticket ${ticketId}`),
    };
  }

  private async ticket(raw: unknown, shape: Shape): Promise<ImportedTicket | null> {
    const t = shape.object(raw, 'a ticket');
    const id = shape.id(t, 'id');
    const number = shape.text(t, 'number') || id;
    const updatedAt = shape.time(t, 'updated_at');
    const createdAt = shape.time(t, 'created_at');
    if (createdAt === null || updatedAt === null)
      return shape.fail(`ticket ${id} has no created_at or updated_at`);
    if (this.since !== null && updatedAt < this.since) return null;
    const problems: string[] = [];
    const ownerId = shape.optionalId(t, 'owner_id');
    const owner = ownerId === systemUser ? null : ownerId;
    const state = shape.text(t, 'state');
    let status = mapState(state, owner !== null);
    if (status === null) {
      status = owner !== null ? 'in_progress' : 'assigned';
      problems.push(`state "${state}" has no equivalent here: imported as ${status}`);
    }
    if (state === 'merged') problems.push('was merged in Zammad: imported as closed, without the merge link');
    const priorityName = shape.text(t, 'priority');
    // Own keys only: a priority named "constructor" is not Object's.
    let level = Object.hasOwn(priorities, priorityName) ? priorities[priorityName] : undefined;
    if (level === undefined) {
      level = 3;
      problems.push(`priority "${priorityName}" has no equivalent here: imported as medium`);
    }
    const closeAt = shape.time(t, 'close_at');
    const [articlesRaw, tagsRaw] = await Promise.all([
      this.get(`ticket_articles/by_ticket/${id}`),
      this.get(`tags?object=Ticket&o_id=${id}`),
    ]);
    const articleShape = new Shape(`/api/v1/ticket_articles/by_ticket/${id}`);
    const articles = articleShape.array(articlesRaw, 'the answer').map((rawArticle) => {
      const a = articleShape.object(rawArticle, 'an article');
      const articleId = articleShape.id(a, 'id');
      const files = articleShape
        .array(a.attachments ?? [], 'attachments')
        .map((f) => this.file(id, articleId, f, articleShape));
      const inline = new Map<string, string>();
      for (const f of files) {
        const cid = f.contentId;
        if (cid) inline.set(cid, f.filename);
      }
      const body = articleShape.text(a, 'body');
      const html = articleShape.text(a, 'content_type').toLowerCase().includes('html');
      const text = html
        ? htmlToText(body, (src) => (src.startsWith('cid:') ? (inline.get(src.slice(4)) ?? null) : null))
        : body;
      const created = articleShape.time(a, 'created_at');
      if (created === null) return articleShape.fail(`article ${articleId} has no created_at`);
      const comment: ImportedComment = {
        originalId: articleId,
        author: (() => {
          const by = articleShape.optionalId(a, 'created_by_id');
          return by === systemUser ? null : by;
        })(),
        body: text,
        internal: a.internal === true,
        createdAt: created,
        attachments: files,
      };
      return comment;
    });
    const tagShape = new Shape(`/api/v1/tags?o_id=${id}`);
    const tags = tagShape
      .array(tagShape.object(tagsRaw, 'the answer').tags ?? [], 'tags')
      .filter((x): x is string | number => typeof x === 'string' || typeof x === 'number')
      .map((x) => String(x));
    // The first article is the request itself: the ticket's description and files.
    const first = articles.shift();
    const createdBy = shape.optionalId(t, 'created_by_id');
    return {
      originalId: id,
      number,
      title: shape.text(t, 'title'),
      description: first?.body ?? '',
      status,
      impact: level,
      urgency: level,
      requester: shape.optionalId(t, 'customer_id'),
      owner,
      group: shape.optionalId(t, 'group_id'),
      createdBy: createdBy === systemUser ? null : createdBy,
      createdAt,
      updatedAt,
      closedAt: status === 'closed' ? (closeAt ?? updatedAt) : null,
      tags,
      attachments: first?.attachments ?? [],
      comments: articles,
      problems,
    };
  }

  async *tickets(after: string | null): AsyncIterable<SourcePage<ImportedTicket>> {
    for await (const page of this.pages('tickets', after, 'expand=true&')) {
      const shape = new Shape(`/api/v1/tickets page ${page.cursor}`);
      const items = await mapLimited(page.items, this.concurrency, (raw) => this.ticket(raw, shape));
      yield { cursor: page.cursor, items: items.filter((t): t is ImportedTicket => t !== null) };
    }
  }
}
