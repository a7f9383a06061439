// A local GLPI for import tests: a real HTTP server answering the legacy REST API (apirest.php) in the shapes
// GLPI's apirest.md gives: initSession with "Authorization: user_token …" and an App-Token, a Session-Token on
// every other call, errors as ["ERROR_CODE", "message"], lists and sub-items paged with ?range=start-end and a
// Content-Range header (206 for a part, ERROR_RANGE_EXCEED_TOTAL past the end), expand_dropdowns on User, the
// Document_Item links of a followup, task or solution as their own sub-items (GLPI 9.5 and later link an upload
// there, not to the ticket), and a Document's file with Accept: application/octet-stream. Its data is a small
// organisation built by code.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pdfBytes, pngBytes } from './zammad-server.js';

type Row = Record<string, unknown>;

export interface GlpiData {
  User: Row[];
  UserEmail: Row[];
  Profile: Row[];
  Profile_User: Row[];
  Entity: Row[];
  Group: Row[];
  ITILCategory: Row[];
  Ticket: Row[];
  Ticket_User: Row[];
  Group_Ticket: Row[];
  ITILFollowup: Row[];
  TicketTask: Row[];
  ITILSolution: Row[];
  Document_Item: Row[];
  Document: Row[];
  /** A document's bytes, by its id. */
  files: Map<number, Buffer>;
}

export interface GlpiServer {
  url: string;
  appToken: string;
  userToken: string;
  /** Requests served, by path after apirest.php, without the query. */
  requests: string[];
  /** Sessions opened and closed (killSession). */
  sessions: { opened: number; killed: number };
  /** May return a body (and headers) to answer instead: a malformed answer. */
  intercept:
    | ((
        path: string,
        query: URLSearchParams,
      ) => { body: string; headers?: Record<string, string> } | undefined)
    | null;
  close(): Promise<void>;
}

const hour = 3_600_000;

/** GLPI's own date format, in UTC (the server's time zone here). */
function glpiDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A small GLPI: a root entity and Acme below it; a super-admin, two technicians and four self-service users (one
 * without an e-mail address), a group; categories Hardware and Hardware > Printers; seven tickets in every status
 * and one in a status we cannot map, with followups (one private), a task, a solution, a PNG and an HTML document;
 * on 102 a second requester, an observer, a requester known only by address and an observer group, a document on
 * its private followup and its PDF linked again to its task (GLPI keeps one document per content); on 106 a
 * document on its solution.
 */
export function glpiFixture(): GlpiData {
  const users: Array<[number, string, string, string, number]> = [
    // id, login, firstname, realname, entity
    [2, 'glpi', '', '', 0],
    [4, 'tech.tom', 'Tom', 'Tech', 0],
    [5, 'tina', 'Tina', 'Tech', 0],
    [7, 'carl', 'Carl', 'Customer', 1],
    [8, 'dora', 'Dora', 'Dunn', 1],
    [9, 'kiosk', 'Front', 'Kiosk', 1],
    [10, 'emil@acme.example', 'Emil', 'Ek', 1],
  ];
  const User = users.map(([id, name, firstname, realname, entity]) => ({
    id,
    name,
    realname,
    firstname,
    phone: null,
    is_active: 1,
    is_deleted: 0,
    entities_id: entity,
    profiles_id: 0,
    date_mod: glpiDate(Date.parse('2024-01-10T08:00:00Z')),
    date_creation: glpiDate(Date.parse('2024-01-10T08:00:00Z')),
  }));
  const UserEmail = [
    { id: 1, users_id: 2, is_default: 1, is_dynamic: 0, email: 'admin@glpi.example' },
    { id: 2, users_id: 4, is_default: 0, is_dynamic: 0, email: 'tom.old@glpi.example' },
    { id: 3, users_id: 4, is_default: 1, is_dynamic: 0, email: 'tom@glpi.example' },
    { id: 4, users_id: 5, is_default: 1, is_dynamic: 0, email: 'tina@glpi.example' },
    { id: 5, users_id: 7, is_default: 1, is_dynamic: 0, email: 'carl@acme.example' },
    { id: 6, users_id: 8, is_default: 1, is_dynamic: 0, email: 'dora@acme.example' },
  ];
  const Profile = [
    { id: 1, name: 'Self-Service', interface: 'helpdesk' },
    { id: 4, name: 'Super-Admin', interface: 'central' },
    { id: 6, name: 'Technician', interface: 'central' },
  ];
  const Profile_User = [
    [2, 4],
    [4, 6],
    [5, 6],
    [7, 1],
    [8, 1],
    [9, 1],
    [10, 1],
  ].map(([users_id, profiles_id], i) => ({
    id: i + 1,
    users_id,
    profiles_id,
    entities_id: 0,
    is_recursive: 1,
    is_dynamic: 0,
    is_default_profile: 0,
  }));
  const Entity = [
    { id: 0, name: 'Root entity', entities_id: -1, completename: 'Root entity', comment: null, level: 1 },
    {
      id: 1,
      name: 'Acme',
      entities_id: 0,
      completename: 'Root entity > Acme',
      comment: 'our biggest customer',
      level: 2,
    },
  ];
  const Group = [
    {
      id: 1,
      entities_id: 0,
      is_recursive: 1,
      name: 'Network team',
      comment: '',
      groups_id: 0,
      completename: 'Network team',
      level: 1,
      is_requester: 1,
      is_assign: 1,
    },
  ];
  const ITILCategory = [
    {
      id: 1,
      entities_id: 0,
      is_recursive: 1,
      itilcategories_id: 0,
      name: 'Hardware',
      completename: 'Hardware',
      comment: '',
      level: 1,
    },
    {
      id: 2,
      entities_id: 0,
      is_recursive: 1,
      itilcategories_id: 1,
      name: 'Printers',
      completename: 'Hardware > Printers',
      comment: '',
      level: 2,
    },
  ];
  const base = Date.parse('2024-03-01T09:00:00Z');
  // status, urgency, impact, priority, requester, technician, title, entity, category, type
  const specs: Array<
    [number, number, number, number, number, number | null, string, number, number, number]
  > = [
    [1, 3, 3, 3, 7, null, 'Cannot log in', 1, 0, 1],
    [2, 4, 3, 4, 8, 4, 'VPN drops every hour', 1, 0, 1],
    [3, 2, 2, 2, 7, 5, 'New monitor for Dora', 1, 1, 2],
    [4, 3, 3, 3, 9, 4, 'Kiosk screen flickers', 1, 1, 1],
    [5, 5, 4, 6, 7, 4, 'Printer on floor 2 jams', 1, 2, 1],
    [6, 3, 3, 3, 10, 5, 'Password reset for Emil', 1, 0, 2],
    [13, 3, 3, 3, 8, 4, 'Waiting for the vendor', 1, 0, 1],
  ];
  const Ticket: Row[] = [];
  const Ticket_User: Row[] = [];
  const Group_Ticket: Row[] = [];
  const ITILFollowup: Row[] = [];
  const TicketTask: Row[] = [];
  const ITILSolution: Row[] = [];
  specs.forEach(([status, urgency, impact, priority, requester, tech, title, entity, category, type], i) => {
    const id = 101 + i;
    const at = base + i * 24 * hour;
    Ticket.push({
      id,
      entities_id: entity,
      name: title,
      date: glpiDate(at),
      closedate: status === 6 ? glpiDate(at + 6 * hour) : null,
      solvedate: status === 5 || status === 6 ? glpiDate(at + 4 * hour) : null,
      date_mod: glpiDate(at + 7 * hour),
      users_id_lastupdater: tech ?? requester,
      status,
      users_id_recipient: requester,
      requesttypes_id: 1,
      content: `&lt;p&gt;Hello,&lt;/p&gt;&lt;p&gt;${title} &amp;amp; more.&lt;/p&gt;`,
      urgency,
      impact,
      priority,
      itilcategories_id: category,
      type,
      global_validation: 1,
      is_deleted: 0,
      date_creation: glpiDate(at),
    });
    Ticket_User.push({
      id: Ticket_User.length + 1,
      tickets_id: id,
      users_id: requester,
      type: 1,
      use_notification: 1,
      alternative_email: '',
    });
    if (tech !== null)
      Ticket_User.push({
        id: Ticket_User.length + 1,
        tickets_id: id,
        users_id: tech,
        type: 2,
        use_notification: 1,
        alternative_email: '',
      });
    ITILFollowup.push({
      id: 1000 + i * 2,
      itemtype: 'Ticket',
      items_id: id,
      date: glpiDate(at + hour),
      users_id: tech ?? 2,
      users_id_editor: 0,
      content: '&lt;p&gt;Looking into it.&lt;/p&gt;',
      is_private: 0,
      requesttypes_id: 1,
      date_mod: glpiDate(at + hour),
      date_creation: glpiDate(at + hour),
      timeline_position: 1,
    });
  });
  // Ticket 102: a private followup, a task, the technician's group and an observer; a PNG and an HTML document.
  ITILFollowup.push({
    id: 1001,
    itemtype: 'Ticket',
    items_id: 102,
    date: glpiDate(base + 24 * hour + 2 * hour),
    users_id: 4,
    users_id_editor: 0,
    content: '&lt;p&gt;Checked the logs; nothing yet.&lt;/p&gt;',
    is_private: 1,
    requesttypes_id: 1,
    date_mod: glpiDate(base + 24 * hour + 2 * hour),
    date_creation: glpiDate(base + 24 * hour + 2 * hour),
    timeline_position: 1,
  });
  TicketTask.push({
    id: 1,
    uuid: 'f2c4e7aa-1',
    tickets_id: 102,
    taskcategories_id: 0,
    date: glpiDate(base + 24 * hour + 3 * hour),
    users_id: 4,
    users_id_editor: 0,
    content: '&lt;p&gt;Replace the VPN client.&lt;/p&gt;',
    is_private: 1,
    actiontime: 5400,
    begin: null,
    end: null,
    state: 2,
    users_id_tech: 4,
    groups_id_tech: 0,
    date_mod: glpiDate(base + 24 * hour + 3 * hour),
    date_creation: glpiDate(base + 24 * hour + 3 * hour),
    timeline_position: 1,
  });
  Group_Ticket.push({ id: 1, tickets_id: 102, groups_id: 1, type: 2 });
  for (const [users_id, type, alternative_email] of [
    [5, 3, ''],
    [7, 1, ''],
    [0, 1, 'walk-in@acme.example'],
  ] as const)
    Ticket_User.push({
      id: Ticket_User.length + 1,
      tickets_id: 102,
      users_id,
      type,
      use_notification: 1,
      alternative_email,
    });
  Group_Ticket.push({ id: 2, tickets_id: 102, groups_id: 1, type: 3 });
  // Tickets 105 (solved) and 106 (closed): their solutions, accepted on 106.
  for (const [id, i, status] of [
    [105, 4, 2],
    [106, 5, 3],
  ]) {
    ITILSolution.push({
      id: ITILSolution.length + 1,
      itemtype: 'Ticket',
      items_id: id,
      solutiontypes_id: 0,
      solutiontype_name: null,
      content: '&lt;p&gt;Fixed it.&lt;/p&gt;',
      date_creation: glpiDate(base + i * 24 * hour + 4 * hour),
      date_mod: glpiDate(base + i * 24 * hour + 4 * hour),
      date_approval: status === 3 ? glpiDate(base + i * 24 * hour + 6 * hour) : null,
      users_id: 4,
      user_name: null,
      users_id_editor: 0,
      users_id_approval: status === 3 ? 10 : 0,
      user_name_approval: null,
      status,
      itilfollowups_id: null,
    });
  }
  const Document = [
    {
      id: 1,
      entities_id: 1,
      is_recursive: 0,
      name: 'Document Ticket 102',
      filename: 'screenshot.png',
      filepath: 'PNG/3f/2a.png',
      documentcategories_id: 0,
      mime: 'image/png',
      date_mod: glpiDate(base + 24 * hour),
      comment: null,
      is_deleted: 0,
      link: '',
      users_id: 8,
      tickets_id: 102,
      sha1sum: '2a',
      is_blacklisted: 0,
      tag: 'a1',
      date_creation: glpiDate(base + 24 * hour),
    },
    {
      id: 2,
      entities_id: 1,
      is_recursive: 0,
      name: 'Document Ticket 102',
      filename: 'vpn-log.pdf',
      filepath: 'PDF/3f/2b.pdf',
      documentcategories_id: 0,
      mime: 'application/pdf',
      date_mod: glpiDate(base + 24 * hour),
      comment: null,
      is_deleted: 0,
      link: '',
      users_id: 8,
      tickets_id: 102,
      sha1sum: '2b',
      is_blacklisted: 0,
      tag: 'a2',
      date_creation: glpiDate(base + 24 * hour),
    },
    {
      id: 3,
      entities_id: 1,
      is_recursive: 0,
      name: 'Document Ticket 105',
      filename: 'page.html',
      filepath: 'HTML/3f/2c.html',
      documentcategories_id: 0,
      mime: 'text/html',
      date_mod: glpiDate(base + 4 * 24 * hour),
      comment: null,
      is_deleted: 0,
      link: '',
      users_id: 7,
      tickets_id: 105,
      sha1sum: '2c',
      is_blacklisted: 0,
      tag: 'a3',
      date_creation: glpiDate(base + 4 * 24 * hour),
    },
  ];
  for (const [id, filename, mime, ticket] of [
    [4, 'followup-shot.png', 'image/png', 102],
    [5, 'solution.pdf', 'application/pdf', 106],
  ] as const)
    Document.push({
      ...Document[0],
      id,
      name: `Document Ticket ${ticket}`,
      filename,
      mime,
      tickets_id: ticket,
      sha1sum: `2${id}`,
      tag: `a${id}`,
    });
  const Document_Item = (
    [
      [1, 'Ticket', 102],
      [2, 'Ticket', 102],
      [3, 'Ticket', 105],
      [4, 'ITILFollowup', 1001],
      [2, 'TicketTask', 1],
      [5, 'ITILSolution', 2],
    ] as const
  ).map(([documents_id, itemtype, items_id], i) => ({
    id: i + 1,
    documents_id,
    items_id,
    itemtype,
    entities_id: 1,
    is_recursive: 0,
    date_mod: glpiDate(base),
    users_id: 8,
    timeline_position: 1,
    date_creation: glpiDate(base),
    date: glpiDate(base),
  }));
  const files = new Map<number, Buffer>([
    [1, pngBytes],
    [2, pdfBytes],
    [3, Buffer.from('<html><script>alert(1)</script></html>')],
    [4, pngBytes],
    [5, pdfBytes],
  ]);
  return {
    User,
    UserEmail,
    Profile,
    Profile_User,
    Entity,
    Group,
    ITILCategory,
    Ticket,
    Ticket_User,
    Group_Ticket,
    ITILFollowup,
    TicketTask,
    ITILSolution,
    Document_Item,
    Document,
    files,
  };
}

// Which sub-items belong to a ticket, by the field naming it.
const subItemOf: Record<string, (row: Row, ticketId: number) => boolean> = {
  Ticket_User: (r, id) => r.tickets_id === id,
  Group_Ticket: (r, id) => r.tickets_id === id,
  TicketTask: (r, id) => r.tickets_id === id,
  ITILFollowup: (r, id) => r.itemtype === 'Ticket' && r.items_id === id,
  ITILSolution: (r, id) => r.itemtype === 'Ticket' && r.items_id === id,
  Document_Item: (r, id) => r.itemtype === 'Ticket' && r.items_id === id,
};

/** Start the server on a free loopback port. */
export async function startGlpi(
  data: GlpiData,
  tokens = { appToken: 'glpi-app-token', userToken: 'glpi-user-token' },
): Promise<GlpiServer> {
  const requests: string[] = [];
  const sessions = new Set<string>();
  let next = 1;
  const state: GlpiServer = {
    url: '',
    ...tokens,
    requests,
    sessions: { opened: 0, killed: 0 },
    intercept: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://glpi.local');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const bytes = Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      res.writeHead(status, {
        'content-type': 'application/json; charset=UTF-8',
        'content-length': bytes.length,
        ...headers,
      });
      res.end(bytes);
    };
    const fail = (status: number, code: string, message: string) => send(status, [code, message]);
    if (!url.pathname.startsWith('/apirest.php/'))
      return send(404, 'Not Found', { 'content-type': 'text/html' });
    const path = url.pathname.slice('/apirest.php/'.length).replace(/\/+$/, '');
    requests.push(path);
    if (req.headers['app-token'] !== tokens.appToken)
      return fail(400, 'ERROR_WRONG_APP_TOKEN_PARAMETER', 'parameter app_token seems wrong');
    if (path === 'initSession') {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('user_token '))
        return fail(
          400,
          'ERROR_LOGIN_PARAMETERS_MISSING',
          'parameter(s) login, password or user_token are missing',
        );
      if (auth !== `user_token ${tokens.userToken}`)
        return fail(401, 'ERROR_GLPI_LOGIN_USER_TOKEN', 'parameter user_token seems invalid');
      const token = `session-${next++}`;
      sessions.add(token);
      state.sessions.opened++;
      return send(200, { session_token: token });
    }
    const session = String(req.headers['session-token'] ?? '');
    if (!sessions.has(session))
      return fail(401, 'ERROR_SESSION_TOKEN_INVALID', 'session_token seems invalid');
    const replaced = state.intercept?.(path, url.searchParams);
    if (replaced !== undefined) return send(200, replaced.body, replaced.headers);
    if (path === 'killSession') {
      sessions.delete(session);
      state.sessions.killed++;
      return send(200, '');
    }
    if (path === 'getMyProfiles')
      return send(200, {
        myprofiles: [
          { id: 4, name: 'Super-Admin', entities: [{ id: 0, name: 'Root entity', is_recursive: 1 }] },
        ],
      });
    if (path === 'getFullSession')
      return send(200, {
        session: {
          glpiID: 2,
          glpiname: 'glpi',
          glpiactiveprofile: { id: 4, name: 'Super-Admin', interface: 'central' },
        },
      });

    const q = url.searchParams;
    const list = (itemtype: string, rows: Row[]) => {
      const [start, end] = (q.get('range') ?? '0-49').split('-').map(Number);
      if (rows.length > 0 && start >= rows.length)
        return fail(400, 'ERROR_RANGE_EXCEED_TOTAL', 'Provided range exceed total count of data');
      const sorted = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
      const part = sorted.slice(start, end + 1);
      const last = start + part.length - 1;
      return send(part.length < rows.length ? 206 : 200, part, {
        'content-range': `${start}-${last}/${rows.length}`,
        'accept-range': `${itemtype} 1000`,
      });
    };
    const itemDocuments = /^(ITILFollowup|TicketTask|ITILSolution)\/(\d+)\/Document_Item$/.exec(path);
    if (itemDocuments) {
      const [, parent, parentId] = itemDocuments;
      return list(
        'Document_Item',
        data.Document_Item.filter((r) => r.itemtype === parent && r.items_id === Number(parentId)),
      );
    }
    const sub = /^Ticket\/(\d+)\/(\w+)$/.exec(path);
    if (sub) {
      const [, ticketId, itemtype] = sub;
      const belongs = Object.hasOwn(subItemOf, itemtype) ? subItemOf[itemtype] : undefined;
      if (!belongs)
        return fail(
          400,
          'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM',
          'resource not found or not an instance of CommonDBTM',
        );
      const rows = (data[itemtype as keyof GlpiData] as Row[]).filter((r) => belongs(r, Number(ticketId)));
      return list(itemtype, rows);
    }
    const doc = /^Document\/(\d+)$/.exec(path);
    if (doc) {
      const row = data.Document.find((d) => d.id === Number(doc[1]));
      if (!row) return fail(404, 'ERROR_ITEM_NOT_FOUND', 'Item not found');
      // The file itself when asked for it (apirest.md, "Download a document file"); its fields otherwise.
      if (req.headers.accept === 'application/octet-stream')
        return send(200, data.files.get(Number(row.id)) ?? Buffer.alloc(0), {
          'content-type': String(row.mime),
        });
      return send(200, row);
    }
    if (path === 'User' && q.get('expand_dropdowns') === 'true') {
      const names = new Map(data.Entity.map((e) => [e.id, e.completename]));
      return list(
        'User',
        data.User.map((u) => ({ ...u, entities_id: names.get(u.entities_id) ?? '' })),
      );
    }
    const rows = data[path as keyof GlpiData];
    if (Array.isArray(rows)) return list(path, rows as Row[]);
    fail(
      400,
      'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM',
      'resource not found or not an instance of CommonDBTM',
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
