// A local Zammad for import tests and the import bench: a real HTTP server answering the REST API's paths in the
// shapes Zammad's API documentation gives (docs.zammad.org, "API" → users, organizations, groups, tickets with
// expand=true, ticket_articles/by_ticket, tags, ticket_attachment), paged with ?page=&per_page=, behind
// "Authorization: Token token=…". Its data is built by code: a small organisation (zammadFixture) for the tests,
// or any number of tickets generated on the fly (generatedZammad) for the bench, never stored.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZammadUser {
  id: number;
  organization_id: number | null;
  login: string;
  firstname: string;
  lastname: string;
  email: string;
  active: boolean;
  role_ids: number[];
  created_at: string;
  updated_at: string;
}

export interface ZammadAttachment {
  id: number;
  filename: string;
  size: string;
  preferences: Record<string, string>;
  bytes: Buffer;
}

export interface ZammadArticle {
  id: number;
  ticket_id: number;
  from: string;
  to: string;
  subject: string;
  body: string;
  content_type: string;
  internal: boolean;
  sender: 'Customer' | 'Agent' | 'System';
  type: string;
  created_by_id: number;
  created_at: string;
  updated_at: string;
  attachments: ZammadAttachment[];
}

export interface ZammadTicket {
  id: number;
  group_id: number;
  priority_id: number;
  state_id: number;
  organization_id: number | null;
  number: string;
  title: string;
  owner_id: number;
  customer_id: number;
  note: string | null;
  created_by_id: number;
  updated_by_id: number;
  created_at: string;
  updated_at: string;
  close_at: string | null;
  // expand=true adds the names beside the ids.
  group: string;
  state: string;
  priority: string;
  owner: string;
  customer: string;
  organization: string | null;
}

/** What the server serves: lists in full, tickets by index (so a generated set need not be held). */
export interface ZammadData {
  users: ZammadUser[];
  organizations: Array<{ id: number; name: string; note: string; active: boolean }>;
  groups: Array<{ id: number; name: string; note: string; active: boolean }>;
  ticketCount: number;
  ticket(index: number): ZammadTicket;
  articles(ticketId: number): ZammadArticle[];
  tags(ticketId: number): string[];
}

export interface ZammadServer {
  url: string;
  token: string;
  /** Requests served, by path without the query (for assertions on paging). */
  requests: string[];
  /**
   * Called on every request before it is answered; may return a body to send instead (a malformed answer), with
   * its status when it is not 200.
   */
  intercept:
    | ((path: string, query: URLSearchParams) => string | { status: number; body: string } | undefined)
    | null;
  close(): Promise<void>;
}

const statesById: Record<string, number> = {
  new: 1,
  open: 2,
  'pending reminder': 3,
  closed: 4,
  merged: 5,
  'pending close': 7,
};
const prioritiesById: Record<string, number> = { '1 low': 1, '2 normal': 2, '3 high': 3 };

// The smallest valid PNG (1×1) and a one-page PDF header: enough for the attachment store's sniffing.
export const pngBytes = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3a1a1b60000000049454e44ae426082',
  'hex',
);
export const pdfBytes = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');
}

export function makeTicket(
  t: Pick<
    ZammadTicket,
    'id' | 'number' | 'title' | 'owner_id' | 'customer_id' | 'group_id' | 'created_by_id'
  > & {
    state: string;
    priority: string;
    createdAt: number;
    updatedAt: number;
    closeAt?: number | null;
    groupName: string;
    ownerLogin: string;
    customerLogin: string;
  },
): ZammadTicket {
  return {
    id: t.id,
    group_id: t.group_id,
    priority_id: prioritiesById[t.priority] ?? 9,
    state_id: statesById[t.state] ?? 9,
    organization_id: null,
    number: t.number,
    title: t.title,
    owner_id: t.owner_id,
    customer_id: t.customer_id,
    note: null,
    created_by_id: t.created_by_id,
    updated_by_id: t.created_by_id,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    close_at: t.closeAt ? iso(t.closeAt) : null,
    group: t.groupName,
    state: t.state,
    priority: t.priority,
    owner: t.ownerLogin,
    customer: t.customerLogin,
    organization: null,
  };
}

export function makeArticle(
  a: Pick<
    ZammadArticle,
    'id' | 'ticket_id' | 'body' | 'content_type' | 'internal' | 'sender' | 'created_by_id'
  > & {
    createdAt: number;
    attachments?: ZammadAttachment[];
  },
): ZammadArticle {
  return {
    id: a.id,
    ticket_id: a.ticket_id,
    from: '',
    to: '',
    subject: '',
    body: a.body,
    content_type: a.content_type,
    internal: a.internal,
    sender: a.sender,
    type: a.internal ? 'note' : 'email',
    created_by_id: a.created_by_id,
    created_at: iso(a.createdAt),
    updated_at: iso(a.createdAt),
    attachments: a.attachments ?? [],
  };
}

function attachment(
  id: number,
  filename: string,
  type: string,
  bytes: Buffer,
  cid?: string,
): ZammadAttachment {
  return {
    id,
    filename,
    size: String(bytes.length),
    preferences: {
      'Content-Type': type,
      ...(cid ? { 'Content-ID': cid, 'Content-Disposition': 'inline' } : {}),
    },
    bytes,
  };
}

function user(
  id: number,
  login: string,
  first: string,
  last: string,
  email: string,
  roles: number[],
  org: number | null,
): ZammadUser {
  const at = iso(Date.parse('2024-01-10T08:00:00Z') + id * 60_000);
  return {
    id,
    organization_id: org,
    login,
    firstname: first,
    lastname: last,
    email,
    active: true,
    role_ids: roles,
    created_at: at,
    updated_at: at,
  };
}

/**
 * A small Zammad: two organisations, the system user, two agents, six customers (one without an e-mail
 * address), two groups, and seven tickets in every state (one in a custom state we cannot map), with HTML
 * articles, an internal note, a PNG shown inline, a PDF and an HTML file (a type we refuse).
 */
export function zammadFixture(): ZammadData & { titles: Map<number, string> } {
  const users = [
    user(1, '-', '', '', '', [3], null),
    user(2, 'agent.one@desk.example', 'Ada', 'Agent', 'agent.one@desk.example', [2], null),
    user(3, 'admin@desk.example', 'Alan', 'Admin', 'admin@desk.example', [1, 2], null),
    user(4, 'nicole.braun@zammad.org', 'Nicole', 'Braun', 'nicole.braun@zammad.org', [3], 1),
    user(5, 'carl@acme.example', 'Carl', 'Customer', 'carl@acme.example', [3], 2),
    user(6, 'dora@acme.example', 'Dora', 'Dunn', 'dora@acme.example', [3], 2),
    user(7, 'kiosk', 'Front', 'Kiosk', '', [3], 2),
    user(8, 'emil@acme.example', 'Emil', 'Ek', 'emil@acme.example', [3], 2),
    user(9, 'fay@acme.example', 'Fay', 'Fox', 'fay@acme.example', [3], null),
  ];
  const logins = new Map(users.map((u) => [u.id, u.login]));
  const organizations = [
    { id: 1, name: 'Zammad Foundation', note: '', active: true },
    { id: 2, name: 'Acme Ltd', note: 'our biggest customer', active: true },
  ];
  const groups = [
    { id: 1, name: 'Users', note: 'Standard Group/Pool for Tickets.', active: true },
    { id: 2, name: '2nd Level', note: '', active: true },
  ];
  const base = Date.parse('2024-03-01T09:00:00Z');
  const hour = 3_600_000;
  const specs: Array<[string, string, number, number, string, number]> = [
    // state, priority, owner, customer, title, group
    ['new', '2 normal', 1, 4, 'Welcome to Zammad!', 1],
    ['open', '3 high', 2, 5, 'VPN drops every hour', 2],
    ['pending reminder', '1 low', 2, 6, 'New monitor for Dora', 1],
    ['closed', '2 normal', 3, 5, 'Printer on floor 2 jams', 1],
    ['merged', '2 normal', 2, 8, 'VPN broken (duplicate)', 2],
    ['waiting for vendor', '2 normal', 3, 7, 'Kiosk screen flickers', 1],
    ['open', '2 normal', 1, 9, 'Password reset for Fay', 1],
  ];
  const titles = new Map<number, string>();
  const tickets = specs.map(([state, priority, owner, customer, title, group], i) => {
    const id = i + 1;
    titles.set(id, title);
    return { id, state, priority, owner, customer, group, createdAt: base + i * 24 * hour };
  });
  const articles = new Map<number, ZammadArticle[]>();
  let articleId = 100;
  let attachmentId = 500;
  for (const t of tickets) {
    const list: ZammadArticle[] = [];
    list.push(
      makeArticle({
        id: articleId++,
        ticket_id: t.id,
        body: `<div>Hello,</div><div><br></div><div>${titles.get(t.id)} &amp; more.</div>`,
        content_type: 'text/html',
        internal: false,
        sender: 'Customer',
        created_by_id: t.customer,
        createdAt: t.createdAt,
      }),
    );
    list.push(
      makeArticle({
        id: articleId++,
        ticket_id: t.id,
        body: 'Looking into it.',
        content_type: 'text/plain',
        internal: false,
        sender: 'Agent',
        created_by_id: 2,
        createdAt: t.createdAt + hour,
      }),
    );
    list.push(
      makeArticle({
        id: articleId++,
        ticket_id: t.id,
        body: '<p>Checked the logs; nothing yet.</p>',
        content_type: 'text/html',
        internal: true,
        sender: 'Agent',
        created_by_id: 3,
        createdAt: t.createdAt + 2 * hour,
      }),
    );
    articles.set(t.id, list);
  }
  // Ticket 2: a screenshot shown inline in the customer's reply, and a PDF; ticket 4: an HTML file (refused).
  articles.get(2)?.push(
    makeArticle({
      id: articleId++,
      ticket_id: 2,
      body: '<p>Here is the error:</p><p><img src="cid:shot.123@zammad.example" style="width: 1px"></p>',
      content_type: 'text/html',
      internal: false,
      sender: 'Customer',
      created_by_id: 5,
      createdAt: tickets[1].createdAt + 3 * hour,
      attachments: [
        attachment(attachmentId++, 'screenshot.png', 'image/png', pngBytes, '<shot.123@zammad.example>'),
        attachment(attachmentId++, 'vpn-log.pdf', 'application/pdf', pdfBytes),
      ],
    }),
  );
  articles
    .get(4)?.[0]
    .attachments.push(
      attachment(
        attachmentId++,
        'page.html',
        'text/html',
        Buffer.from('<html><script>alert(1)</script></html>'),
      ),
    );
  const tags = new Map<number, string[]>([
    [2, ['vpn', 'network']],
    [3, ['hardware']],
    [4, ['printer', 'Floor 2']],
  ]);
  const groupNames = new Map(groups.map((g) => [g.id, g.name]));
  return {
    users,
    organizations,
    groups,
    titles,
    ticketCount: tickets.length,
    ticket: (index) => {
      const t = tickets[index];
      const closed = t.state === 'closed' || t.state === 'merged';
      return makeTicket({
        id: t.id,
        number: String(31000 + t.id),
        title: titles.get(t.id) ?? '',
        owner_id: t.owner,
        customer_id: t.customer,
        group_id: t.group,
        created_by_id: t.customer,
        state: t.state,
        priority: t.priority,
        createdAt: t.createdAt,
        updatedAt: t.createdAt + 5 * hour,
        closeAt: closed ? t.createdAt + 4 * hour : null,
        groupName: groupNames.get(t.group) ?? '',
        ownerLogin: logins.get(t.owner) ?? '-',
        customerLogin: logins.get(t.customer) ?? '',
      });
    },
    articles: (id) => articles.get(id) ?? [],
    tags: (id) => tags.get(id) ?? [],
  };
}

/**
 * `tickets` tickets with `commentsPerTicket` articles each (besides the first), over 200 customers, 20 agents
 * and 5 groups, generated on request from the ticket's number: nothing is held in memory.
 */
export function generatedZammad(tickets: number, commentsPerTicket: number): ZammadData {
  const users: ZammadUser[] = [];
  for (let i = 2; i <= 221; i++) {
    const agent = i <= 21;
    const login = agent ? `agent${i}@desk.example` : `customer${i}@example.com`;
    users.push(user(i, login, agent ? 'Agent' : 'Customer', String(i), login, agent ? [2] : [3], null));
  }
  const groups = [1, 2, 3, 4, 5].map((id) => ({ id, name: `Queue ${id}`, note: '', active: true }));
  const states = ['new', 'open', 'pending reminder', 'closed', 'open', 'closed'];
  const priorities = ['1 low', '2 normal', '3 high'];
  const base = Date.parse('2023-01-01T00:00:00Z');
  const words = [
    'printer',
    'vpn',
    'mail',
    'laptop',
    'screen',
    'password',
    'network',
    'backup',
    'disk',
    'phone',
  ];
  return {
    users,
    organizations: [],
    groups,
    ticketCount: tickets,
    ticket: (index) => {
      const id = index + 1;
      const state = states[id % states.length];
      const createdAt = base + id * 60_000;
      return makeTicket({
        id,
        number: String(100000 + id),
        title: `${words[id % 10]} trouble ${id}`,
        owner_id: state === 'new' ? 1 : 2 + (id % 20),
        customer_id: 22 + (id % 200),
        group_id: 1 + (id % 5),
        created_by_id: 22 + (id % 200),
        state,
        priority: priorities[id % 3],
        createdAt,
        updatedAt: createdAt + 3_600_000,
        closeAt: state === 'closed' ? createdAt + 3_000_000 : null,
        groupName: `Queue ${1 + (id % 5)}`,
        ownerLogin: '-',
        customerLogin: `customer${22 + (id % 200)}@example.com`,
      });
    },
    articles: (ticketId) =>
      Array.from({ length: commentsPerTicket + 1 }, (_, j) =>
        makeArticle({
          id: ticketId * 100 + j,
          ticket_id: ticketId,
          body:
            j === 0
              ? `<p>The ${words[ticketId % 10]} on desk ${ticketId} stopped working this morning.</p>`
              : `Reply ${j}: tried the ${words[(ticketId + j) % 10]} again, still failing.`,
          content_type: j === 0 ? 'text/html' : 'text/plain',
          internal: j % 4 === 3,
          sender: j % 2 === 0 ? 'Customer' : 'Agent',
          created_by_id: j % 2 === 0 ? 22 + (ticketId % 200) : 2 + (ticketId % 20),
          createdAt: base + ticketId * 60_000 + j * 600_000,
        }),
      ),
    tags: (ticketId) => [words[ticketId % 10]],
  };
}

function page<T>(all: T[], query: URLSearchParams): T[] {
  const p = Math.max(1, Number(query.get('page') ?? 1));
  const per = Math.max(1, Number(query.get('per_page') ?? 100));
  return all.slice((p - 1) * per, p * per);
}

/** Start the server on a free loopback port. */
export async function startZammad(data: ZammadData, token = 'zammad-test-token'): Promise<ZammadServer> {
  const requests: string[] = [];
  const state: ZammadServer = {
    url: '',
    token,
    requests,
    intercept: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const articlesOf = (ticketId: number) => data.articles(ticketId);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://zammad.local');
    const path = url.pathname;
    requests.push(path);
    const send = (status: number, body: unknown, type = 'application/json; charset=utf-8') => {
      const bytes = Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      res.writeHead(status, { 'content-type': type, 'content-length': bytes.length });
      res.end(bytes);
    };
    if (req.headers.authorization !== `Token token=${token}`) {
      send(401, { error: 'authentication failed' });
      return;
    }
    const replaced = state.intercept?.(path, url.searchParams);
    if (replaced !== undefined) {
      if (typeof replaced === 'string') send(200, replaced);
      else send(replaced.status, replaced.body);
      return;
    }
    const q = url.searchParams;
    if (path === '/api/v1/users/me') return send(200, data.users[1] ?? {});
    if (path === '/api/v1/users') return send(200, page(data.users, q));
    if (path === '/api/v1/organizations') return send(200, page(data.organizations, q));
    if (path === '/api/v1/groups') return send(200, page(data.groups, q));
    if (path === '/api/v1/tickets') {
      const p = Math.max(1, Number(q.get('page') ?? 1));
      const per = Math.max(1, Number(q.get('per_page') ?? 100));
      const out: ZammadTicket[] = [];
      for (let i = (p - 1) * per; i < Math.min(data.ticketCount, p * per); i++) out.push(data.ticket(i));
      return send(200, out);
    }
    const byTicket = /^\/api\/v1\/ticket_articles\/by_ticket\/(\d+)$/.exec(path);
    if (byTicket) {
      return send(
        200,
        articlesOf(Number(byTicket[1])).map((a) => ({
          ...a,
          attachments: a.attachments.map(({ bytes: _bytes, ...rest }) => rest),
        })),
      );
    }
    if (path === '/api/v1/tags') return send(200, { tags: data.tags(Number(q.get('o_id'))) });
    const download = /^\/api\/v1\/ticket_attachment\/(\d+)\/(\d+)\/(\d+)$/.exec(path);
    if (download) {
      const [, ticketId, articleId, fileId] = download.map(Number);
      const article = articlesOf(ticketId).find((a) => a.id === articleId);
      const file = article?.attachments.find((f) => f.id === fileId);
      if (!file) return send(404, { error: 'Not found' });
      return send(200, file.bytes, file.preferences['Content-Type']);
    }
    send(404, { error: `No route matches [GET] ${path}` });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
