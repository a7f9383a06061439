// GLPI as an import source, through its legacy REST API (apirest.php, glpi-project/glpi apirest.md): a session
// opened with a user token (and the API client's app token), lists paged with ?range=start-end and read to the end
// by their Content-Range header, each ticket's sub-items (Ticket_User, Group_Ticket, ITILFollowup, TicketTask,
// ITILSolution, Document_Item) and its documents downloaded with Accept: application/octet-stream. Entities and
// groups both become groups here; ITIL categories become tags. States and priorities are mapped here; what does not
// map is said in the ticket's problems.
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
import { htmlToText, mapLimited, PageGuard, Shape, sourceFile, sourceGet } from './source-http.js';

export interface GlpiOptions {
  /** GLPI's address, or its apirest.php: https://glpi.example.com or https://glpi.example.com/apirest.php */
  url: string;
  /** The API client's App-Token (Setup → General → API); empty when the client has none. */
  appToken?: string | null;
  /** The remote access key of a GLPI user who may read users and every ticket (My settings → Remote access keys). */
  userToken: string;
  /** Tickets modified before this time are left out (epoch ms). */
  since?: number | null;
  perPage?: number;
  /** How many tickets' sub-items are fetched at once. */
  concurrency?: number;
}

// Ticket statuses (CommonITILObject): 1 new, 2 processing (assigned), 3 processing (planned), 4 pending, 5 solved,
// 6 closed. Anything else (a plugin's status, or a number of a later GLPI) has no equivalent here.
const statuses: Record<number, TicketStatus> = {
  1: 'new',
  2: 'assigned',
  3: 'in_progress',
  4: 'pending',
  5: 'resolved',
  6: 'closed',
};
// Ticket_User and Group_Ticket types (CommonITILActor): 1 requester, 2 assigned, 3 observer.
const requesterType = 1;
const assignedType = 2;
const observerType = 3;
// The items a ticket's documents are linked to (Document_Item.itemtype), as the places named in original ids: a
// followup's upload is linked to the followup (GLPI 9.5 and later), an older one or the ticket's own to the ticket.
const documentPlaces: Record<string, string> = {
  Ticket: 'ticket',
  ITILFollowup: 'followup',
  TicketTask: 'task',
  ITILSolution: 'solution',
};
// TicketTask states (Planning): 0 information, 1 to do, 2 done.
const taskStates: Record<number, string> = { 0: 'information', 1: 'to do', 2: 'done' };
// ITILSolution statuses (CommonITILValidation): 2 waiting for approval, 3 accepted, 4 refused.
const solutionStatuses: Record<number, string> = { 2: 'waiting for approval', 3: 'accepted', 4: 'refused' };

/** A Content-Range header ("0-49/212"): the last index served and the total. */
function parseContentRange(header: string): { start: number; end: number; total: number } | null {
  const m = /^\s*(\d{1,15})-(-?\d{1,15})\/(\d{1,15})\s*$/.exec(header);
  return m ? { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) } : null;
}

/** GLPI before 10 kept rich text HTML-encoded (&lt;p&gt;); 10 keeps it as HTML. Either becomes text. */
function richText(value: string): string {
  const html =
    !/<[a-z!/]/i.test(value) && /&lt;/i.test(value)
      ? value.replace(
          /&(lt|gt|quot|#0?39|amp);/gi,
          (_m, e: string) =>
            ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#039': "'", amp: '&' })[e.toLowerCase()] ?? _m,
        )
      : value;
  return htmlToText(html);
}

function level(value: number): Level | null {
  return Number.isInteger(value) && value >= 1 && value <= 5 ? (value as Level) : null;
}

export class GlpiSource implements ImportSource {
  readonly kind = 'glpi';
  readonly key: string;
  readonly problems: string[] = [];
  private readonly base: string;
  private readonly origin: string;
  private readonly appToken: string | null;
  private readonly userToken: string;
  private readonly perPage: number;
  private readonly concurrency: number;
  private readonly since: number | null;
  private sessionToken: string | null = null;
  private categoryNames: Map<string, string> | null = null;
  private categorised = 0;
  private requestTickets = 0;

  constructor(options: GlpiOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ImportFailed('malformed', `--url ${options.url} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ImportFailed('malformed', `--url ${options.url} is not an http(s) address`);
    const href = url.href.replace(/[?#].*$/, '').replace(/\/+$/, '');
    this.base = href.endsWith('/apirest.php') ? href : `${href}/apirest.php`;
    this.origin = url.origin;
    this.key = `glpi:${this.base.replace(/\/apirest\.php$/, '')}`;
    this.appToken = options.appToken || null;
    this.userToken = options.userToken;
    this.perPage = options.perPage ?? 50;
    this.concurrency = options.concurrency ?? 8;
    this.since = options.since ?? null;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    // The API documentation asks for a Content-Type on every call, and the session and app tokens as headers.
    const h: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...extra,
    };
    if (this.appToken) h['App-Token'] = this.appToken;
    if (this.sessionToken) h['Session-Token'] = this.sessionToken;
    return h;
  }

  /**
   * GET a path of the API as JSON, with its headers. GLPI answers errors as ["ERROR_CODE", "message"]: an app
   * token it does not know is a refusal (HTTP 400), a range past the end is the end of a list (the caller's).
   */
  private async call(
    path: string,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; json: unknown; rangeEnd?: true }> {
    const url = `${this.base}/${path}`;
    const where = `/apirest.php/${path.replace(/\?.*$/, '')}`;
    const res = await sourceGet(url, this.headers(extra));
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new ImportFailed(
        'malformed',
        `${where} did not answer JSON (HTTP ${res.status}, ${res.body.length} bytes)`,
      );
    }
    if (res.status >= 200 && res.status <= 299) return { status: res.status, headers: res.headers, json };
    // Quoted from the answer, so cut: an error message is a sentence, not whatever the server sent.
    const code = Array.isArray(json) && typeof json[0] === 'string' ? json[0].slice(0, 60) : '';
    const message = Array.isArray(json) && typeof json[1] === 'string' ? `: ${json[1].slice(0, 200)}` : '';
    if (code === 'ERROR_RANGE_EXCEED_TOTAL')
      return { status: res.status, headers: res.headers, json, rangeEnd: true };
    if (code === 'ERROR_WRONG_APP_TOKEN_PARAMETER' || code === 'ERROR_APP_TOKEN_PARAMETERS_MISSING')
      throw new ImportFailed(
        'refused',
        `${this.origin} refused the app token (${code}${message}): check --app-token`,
      );
    if (code === 'ERROR_NOT_ALLOWED_IP')
      throw new ImportFailed('refused', `${this.origin} refused this machine's address (${code}${message})`);
    if (code === 'ERROR_RIGHT_MISSING')
      throw new ImportFailed('refused', `${where}: the token's user may not read this (${code}${message})`);
    throw new ImportFailed(
      res.status === 404 ? 'malformed' : 'unreachable',
      `${where} answered HTTP ${res.status}${code ? ` ${code}${message}` : ''}${res.status === 404 && !code ? ': is this the right address?' : ''}`,
    );
  }

  async open(): Promise<void> {
    const session = await this.call('initSession', { Authorization: `user_token ${this.userToken}` });
    const shape = new Shape('/apirest.php/initSession');
    const token = shape.text(shape.object(session.json, 'the answer'), 'session_token');
    if (!token) shape.fail('session_token is missing');
    this.sessionToken = token;
    // The check: the session's profiles. A user with none cannot read anything and would import nothing.
    const profiles = await this.call('getMyProfiles');
    const profileShape = new Shape('/apirest.php/getMyProfiles');
    const mine = profileShape.array(
      profileShape.object(profiles.json, 'the answer').myprofiles,
      'myprofiles',
    );
    if (mine.length === 0)
      throw new ImportFailed(
        'refused',
        `${this.origin}: the token's user has no profile, and can read nothing`,
      );
  }

  async close(): Promise<void> {
    if (this.sessionToken === null) return;
    try {
      await this.call('killSession');
    } catch (err) {
      // A session not closed expires on GLPI's own timeout; failing here would hide the import's own outcome.
      if (!(err instanceof ImportFailed)) throw err;
    } finally {
      this.sessionToken = null;
    }
  }

  /**
   * A list from its first item after `start`, a page at a time, until its Content-Range says it is whole. A
   * Content-Range that does not answer the range asked (another start, an end before it) or a page of items all
   * read before (a server ignoring ?range=) fails the list rather than looping on it.
   */
  private async *ranges(
    resource: string,
    start: number,
    query = '',
    per = this.perPage,
  ): AsyncIterable<{ start: number; items: unknown[] }> {
    const guard = new PageGuard(`/apirest.php/${resource}`);
    for (;;) {
      const end = start + per - 1;
      const path = `${resource}?${query}sort=id&order=ASC&range=${start}-${end}`;
      const res = await this.call(path);
      const shape = new Shape(`/apirest.php/${resource} range ${start}-${end}`);
      if (res.rangeEnd) return; // ERROR_RANGE_EXCEED_TOTAL: the list ended exactly at the last page
      const items = shape.array(res.json, 'the answer');
      guard.check(items, `range ${start}-${end}`);
      const header = res.headers.get('content-range');
      let whole = false;
      if (header === null) whole = items.length < per;
      else {
        const range = parseContentRange(header);
        if (range === null)
          return shape.fail(`Content-Range "${header.slice(0, 40)}" is not offset-limit/count`);
        if (items.length > 0 && (range.start !== start || range.end < start))
          return shape.fail(`Content-Range "${header.slice(0, 40)}" does not answer the range asked`);
        whole = range.end + 1 >= range.total || items.length === 0;
      }
      if (items.length > 0) yield { start, items };
      if (whole) return;
      start += per;
    }
  }

  /** Pages of a list, numbered from 1; `after` is the number of the last page already written. */
  private async *pages(
    resource: string,
    after: string | null,
    query = '',
  ): AsyncIterable<SourcePage<unknown>> {
    const first = after === null ? 1 : Number(after) + 1;
    if (!Number.isSafeInteger(first) || first < 1)
      throw new ImportFailed('malformed', `the checkpoint of ${resource} (${after}) is not a page number`);
    for await (const r of this.ranges(resource, (first - 1) * this.perPage, query))
      yield { cursor: String(r.start / this.perPage + 1), items: r.items };
  }

  /** A whole list (a small one, or a ticket's sub-items). */
  private async all(resource: string, query = ''): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    const shape = new Shape(`/apirest.php/${resource}`);
    for await (const r of this.ranges(resource, 0, query, 200))
      for (const raw of r.items) out.push(shape.object(raw, 'an item'));
    return out;
  }

  async *people(after: string | null): AsyncIterable<SourcePage<ImportedPerson>> {
    // Who is staff: a user with any profile of the standard ("central") interface; self-service is "helpdesk".
    const central = new Set<string>();
    const profileShape = new Shape('/apirest.php/Profile');
    for (const p of await this.all('Profile'))
      if (profileShape.text(p, 'interface') === 'central') central.add(profileShape.id(p, 'id'));
    const staff = new Set<string>();
    const linkShape = new Shape('/apirest.php/Profile_User');
    for (const pu of await this.all('Profile_User'))
      if (central.has(linkShape.id(pu, 'profiles_id'))) staff.add(linkShape.id(pu, 'users_id'));
    const emails = new Map<string, string>();
    const emailShape = new Shape('/apirest.php/UserEmail');
    for (const e of await this.all('UserEmail')) {
      const user = emailShape.id(e, 'users_id');
      const address = emailShape.text(e, 'email').trim();
      if (address && (!emails.has(user) || Number(e.is_default) === 1)) emails.set(user, address);
    }
    // expand_dropdowns gives the entity's full name ("Root entity > Acme") where the user has only its id.
    for await (const page of this.pages('User', after, 'expand_dropdowns=true&')) {
      const shape = new Shape(`/apirest.php/User page ${page.cursor}`);
      yield {
        cursor: page.cursor,
        items: page.items.map((raw): ImportedPerson => {
          const u = shape.object(raw, 'a user');
          const id = shape.id(u, 'id');
          const login = shape.text(u, 'name').trim();
          const name = `${shape.text(u, 'firstname')} ${shape.text(u, 'realname')}`.trim() || login;
          const entity = shape.text(u, 'entities_id').trim();
          return {
            originalId: id,
            email: emails.get(id) ?? (login.includes('@') ? login : null),
            name: name || `GLPI user ${id}`,
            staff: staff.has(id),
            active: Number(u.is_active ?? 1) === 1,
            organisation: entity && entity !== '&nbsp;' ? entity : null,
          };
        }),
      };
    }
  }

  /** Entities, then groups, under one cursor: "entity:<page>" or "group:<page>". */
  async *groups(after: string | null): AsyncIterable<SourcePage<ImportedGroup>> {
    const [kind, page] = after === null ? ['', null] : (after.split(':') as [string, string]);
    const lists: Array<['entity' | 'group', string]> = [
      ['entity', 'Entity'],
      ['group', 'Group'],
    ];
    for (const [prefix, resource] of lists) {
      if (kind === 'group' && prefix === 'entity') continue;
      for await (const p of this.pages(resource, kind === prefix ? page : null)) {
        const shape = new Shape(`/apirest.php/${resource} page ${p.cursor}`);
        yield {
          cursor: `${prefix}:${p.cursor}`,
          items: p.items.map((raw) => {
            const g = shape.object(raw, `a${prefix === 'entity' ? 'n entity' : ' group'}`);
            return {
              originalId: `${prefix}-${shape.id(g, 'id')}`,
              name: shape.text(g, 'completename') || shape.text(g, 'name'),
              description: richText(shape.text(g, 'comment')),
            };
          }),
        };
      }
    }
  }

  private async categories(): Promise<Map<string, string>> {
    if (this.categoryNames) return this.categoryNames;
    const names = new Map<string, string>();
    const shape = new Shape('/apirest.php/ITILCategory');
    for (const c of await this.all('ITILCategory'))
      names.set(shape.id(c, 'id'), shape.text(c, 'completename') || shape.text(c, 'name'));
    this.categoryNames = names;
    return names;
  }

  /** A document where it is linked ("followup-1001-document-5"), downloaded as apirest.md says. */
  private document(
    ticketId: string,
    key: string,
    documentId: string,
    meta: Record<string, unknown>,
    shape: Shape,
  ): ImportedFile {
    const url = `${this.base}/Document/${documentId}`;
    return {
      originalId: key,
      filename: shape.text(meta, 'filename') || shape.text(meta, 'name') || `document-${documentId}`,
      contentType: shape.text(meta, 'mime') || 'application/octet-stream',
      download: (maxBytes) =>
        sourceFile(
          url,
          this.headers({ Accept: 'application/octet-stream' }),
          maxBytes,
          `document ${documentId} of ticket ${ticketId}`,
        ),
    };
  }

  /**
   * The documents of a ticket and of its followups, tasks and solutions, by the place they are attached to
   * ("ticket-101", "followup-1001"). A ticket's own list may also hold its followups' links (GLPI before 9.5
   * linked uploads to the ticket); each followup, task and solution is asked for its own. A link to anything not
   * of this ticket is left out. Each document's fields are read once, however many places it is linked to; a
   * document GLPI no longer has (a link left behind by a purge) is reported.
   */
  private async documents(
    id: string,
    ticketLinks: Array<Record<string, unknown>>,
    comments: ImportedComment[],
    problems: string[],
  ): Promise<Map<string, ImportedFile[]>> {
    const places = new Set([`ticket-${id}`, ...comments.map((c) => c.originalId)]);
    const links: Array<{ place: string; documentId: string; key: string }> = [];
    const seen = new Set<string>();
    const add = (rows: Array<Record<string, unknown>>, path: string, itemtype: string, itemId: string) => {
      const shape = new Shape(`/apirest.php/${path}`);
      for (const d of rows) {
        const type = shape.text(d, 'itemtype') || itemtype;
        const kind = Object.hasOwn(documentPlaces, type) ? documentPlaces[type] : null;
        const place = kind === null ? null : `${kind}-${shape.optionalId(d, 'items_id') ?? itemId}`;
        const documentId = shape.id(d, 'documents_id');
        if (place === null || !places.has(place)) continue;
        const key = `${place}-document-${documentId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        links.push({ place, documentId, key });
      }
    };
    add(ticketLinks, `Ticket/${id}/Document_Item`, 'Ticket', id);
    const items = comments.map((c) => {
      const [kind, itemId] = c.originalId.split('-');
      const type = Object.keys(documentPlaces).find((k) => documentPlaces[k] === kind) ?? 'ITILFollowup';
      return { type, itemId };
    });
    const perItem = await mapLimited(items, this.concurrency, (item) =>
      this.all(`${item.type}/${item.itemId}/Document_Item`),
    );
    items.forEach((item, i) => {
      add(perItem[i], `${item.type}/${item.itemId}/Document_Item`, item.type, item.itemId);
    });
    const ids = [...new Set(links.map((l) => l.documentId))];
    const metas = await mapLimited(ids, this.concurrency, async (documentId) => {
      let meta: { json: unknown };
      try {
        meta = await this.call(`Document/${documentId}`);
      } catch (err) {
        if (!(err instanceof ImportFailed) || !/ answered HTTP 404\b/.test(err.message)) throw err;
        problems.push(`document ${documentId} is linked but gone there (HTTP 404): not carried`);
        return null;
      }
      const shape = new Shape(`/apirest.php/Document/${documentId}`);
      return { documentId, meta: shape.object(meta.json, 'the answer'), shape };
    });
    const byId = new Map(metas.flatMap((m) => (m === null ? [] : [[m.documentId, m] as const])));
    const out = new Map<string, ImportedFile[]>();
    for (const l of links) {
      const m = byId.get(l.documentId);
      if (!m) continue;
      out.set(l.place, [
        ...(out.get(l.place) ?? []),
        this.document(id, l.key, l.documentId, m.meta, m.shape),
      ]);
    }
    return out;
  }

  private async ticket(
    raw: unknown,
    shape: Shape,
    categories: Map<string, string>,
  ): Promise<ImportedTicket | null> {
    const t = shape.object(raw, 'a ticket');
    const id = shape.id(t, 'id');
    const createdAt = shape.time(t, 'date') ?? shape.time(t, 'date_creation');
    const updatedAt = shape.time(t, 'date_mod') ?? createdAt;
    if (createdAt === null || updatedAt === null) return shape.fail(`ticket ${id} has no date or date_mod`);
    if (this.since !== null && updatedAt < this.since) return null;
    const problems: string[] = [];
    const sub = (kind: string) => this.all(`Ticket/${id}/${kind}`);
    const [actors, groupLinks, followups, tasks, solutions, documentLinks] = await Promise.all([
      sub('Ticket_User'),
      sub('Group_Ticket'),
      sub('ITILFollowup'),
      sub('TicketTask'),
      sub('ITILSolution'),
      sub('Document_Item'),
    ]);

    const actorShape = new Shape(`/apirest.php/Ticket/${id}/Ticket_User`);
    const roles: Record<number, string> = { 1: 'requester', 2: 'technician', 3: 'observer' };
    const people = (type: number) => {
      const ids: string[] = [];
      for (const a of actors.filter((x) => Number(x.type) === type)) {
        const user = actorShape.optionalId(a, 'users_id');
        if (user !== null) {
          if (!ids.includes(user)) ids.push(user);
          continue;
        }
        // An actor known only by an address (a requester who wrote in by mail): nobody to link here.
        const address = actorShape.text(a, 'alternative_email').trim().slice(0, 254);
        problems.push(
          `${roles[type]} ${address ? `"${address}" (an e-mail address without a GLPI user)` : 'without a user'} not carried`,
        );
      }
      return ids;
    };
    const requesters = people(requesterType);
    const assigned = people(assignedType);
    const observers = people(observerType);
    if (assigned.length > 1)
      problems.push(
        `is assigned to ${assigned.length} technicians: assigned to user ${assigned[0]}, not to ${assigned.slice(1).join(', ')}`,
      );
    // The first requester files it; the others and the observers follow it, as its watchers here.
    const watchers = [...requesters.slice(1), ...observers.filter((o) => !requesters.includes(o))];
    const groupShape = new Shape(`/apirest.php/Ticket/${id}/Group_Ticket`);
    const groupsOf = (type: number) =>
      groupLinks.filter((g) => Number(g.type) === type).map((g) => groupShape.id(g, 'groups_id'));
    const assignedGroups = groupsOf(assignedType);
    if (assignedGroups.length > 1)
      problems.push(`is assigned to ${assignedGroups.length} groups: kept group ${assignedGroups[0]} only`);
    for (const [type, role] of [
      [requesterType, 'requester'],
      [observerType, 'observer'],
    ] as const) {
      const groups = groupsOf(type);
      if (groups.length > 0)
        problems.push(
          `${role} group${groups.length > 1 ? 's' : ''} ${groups.join(', ')} not carried (watchers here are people)`,
        );
    }
    const owner = assigned[0] ?? null;

    const code = Number(t.status);
    let status = statuses[code] ?? null;
    if (status === null) {
      status = owner !== null ? 'in_progress' : 'assigned';
      problems.push(`status ${JSON.stringify(t.status)} has no equivalent here: imported as ${status}`);
    }
    const urgency = level(Number(t.urgency));
    const impact = level(Number(t.impact));
    if (urgency === null)
      problems.push(`urgency ${JSON.stringify(t.urgency)} is not 1–5: imported as medium`);
    if (impact === null) problems.push(`impact ${JSON.stringify(t.impact)} is not 1–5: imported as medium`);
    // GLPI's priority 6 ("major") is set by hand above the matrix; ours always follows impact and urgency.
    if (Number(t.priority) === 6)
      problems.push('priority 6 (major) has no equivalent here: the priority follows impact and urgency');

    const comments: ImportedComment[] = [];
    const fShape = new Shape(`/apirest.php/Ticket/${id}/ITILFollowup`);
    for (const f of followups) {
      const at = fShape.time(f, 'date') ?? fShape.time(f, 'date_creation');
      if (at === null) return fShape.fail(`followup ${fShape.id(f, 'id')} has no date`);
      comments.push({
        originalId: `followup-${fShape.id(f, 'id')}`,
        author: fShape.optionalId(f, 'users_id'),
        body: richText(fShape.text(f, 'content')),
        internal: Number(f.is_private) === 1,
        createdAt: at,
        attachments: [],
      });
    }
    const tShape = new Shape(`/apirest.php/Ticket/${id}/TicketTask`);
    for (const k of tasks) {
      const at = tShape.time(k, 'date') ?? tShape.time(k, 'date_creation');
      if (at === null) return tShape.fail(`task ${tShape.id(k, 'id')} has no date`);
      const time = Number(k.actiontime);
      const seconds = Number.isFinite(time) ? time : 0;
      const facts = [
        taskStates[Number(k.state)] ?? null,
        seconds > 0 ? `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min` : null,
      ].filter((x) => x !== null);
      comments.push({
        originalId: `task-${tShape.id(k, 'id')}`,
        author: tShape.optionalId(k, 'users_id'),
        body: `Task${facts.length ? ` (${facts.join(', ')})` : ''}:\n${richText(tShape.text(k, 'content'))}`,
        internal: Number(k.is_private) === 1,
        createdAt: at,
        attachments: [],
      });
    }
    const sShape = new Shape(`/apirest.php/Ticket/${id}/ITILSolution`);
    for (const s of solutions) {
      const at = sShape.time(s, 'date_creation') ?? sShape.time(s, 'date_mod');
      if (at === null) return sShape.fail(`solution ${sShape.id(s, 'id')} has no date_creation`);
      const verdict = solutionStatuses[Number(s.status)];
      comments.push({
        originalId: `solution-${sShape.id(s, 'id')}`,
        author: sShape.optionalId(s, 'users_id'),
        body: `Solution${verdict ? ` (${verdict})` : ''}:\n${richText(sShape.text(s, 'content'))}`,
        internal: false,
        createdAt: at,
        attachments: [],
      });
    }
    // One timeline: followups, tasks and solutions in the order they were written (ties keep that order).
    comments.sort((a, b) => a.createdAt - b.createdAt);

    const files = await this.documents(id, documentLinks, comments, problems);
    for (const c of comments) c.attachments = files.get(c.originalId) ?? [];
    const attachments = files.get(`ticket-${id}`) ?? [];

    const categoryId = shape.optionalId(t, 'itilcategories_id');
    const tags: string[] = [];
    if (categoryId !== null) {
      const name = categories.get(categoryId);
      if (name === undefined) problems.push(`ITIL category ${categoryId} is unknown: not carried`);
      else {
        // A tag keeps 50 characters: a longer name is cut first (the split's \s* is quadratic on a long run of spaces).
        tags.push(
          name
            .slice(0, 200)
            .split('>')
            .map((part) => part.trim())
            .join('/'),
        );
        this.categorised++;
      }
    }
    const closedAt = status === 'closed' ? (shape.time(t, 'closedate') ?? updatedAt) : null;
    const resolvedAt =
      status === 'closed' || status === 'resolved'
        ? (shape.time(t, 'solvedate') ?? closedAt ?? updatedAt)
        : null;
    const entity = shape.optionalId(t, 'entities_id') ?? '0';
    // Ticket types: 1 incident, 2 request. Every imported ticket is an incident here.
    if (Number(t.type) === 2) this.requestTickets++;
    return {
      originalId: id,
      number: id,
      title: shape.text(t, 'name'),
      description: richText(shape.text(t, 'content')),
      status,
      impact: impact ?? 3,
      urgency: urgency ?? 3,
      requester: requesters[0] ?? null,
      watchers,
      owner,
      group: assignedGroups.length > 0 ? `group-${assignedGroups[0]}` : `entity-${entity}`,
      createdBy: shape.optionalId(t, 'users_id_recipient'),
      createdAt,
      updatedAt,
      closedAt,
      resolvedAt,
      tags,
      attachments,
      comments,
      problems,
    };
  }

  async *tickets(after: string | null): AsyncIterable<SourcePage<ImportedTicket>> {
    const categories = await this.categories();
    for await (const page of this.pages('Ticket', after)) {
      const shape = new Shape(`/apirest.php/Ticket page ${page.cursor}`);
      const items = await mapLimited(page.items, this.concurrency, (raw) =>
        this.ticket(raw, shape, categories),
      );
      yield { cursor: page.cursor, items: items.filter((t): t is ImportedTicket => t !== null) };
    }
    if (this.categorised > 0)
      this.problems.push(
        `ITIL categories are carried as tags (their full name, "Hardware > Printers" as hardware/printers), not as opsdesk categories: ${this.categorised} tickets`,
      );
    if (this.requestTickets > 0)
      this.problems.push(
        `${this.requestTickets} tickets of type "request" were imported as incidents (the import files incidents only)`,
      );
  }
}
