// The route × role table: every API route, called by every role, answers as the permissions promise.
// "ok" means any 2xx. Requester A owns the ticket; requester B does not (and must not learn it exists: 404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser } from '../../src/core/auth/index.js';
import { createCategory } from '../../src/helpdesk/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

type Who = 'anonymous' | 'owner' | 'otherRequester' | 'technician' | 'manager' | 'admin';
type Outcome = 'ok' | 401 | 403 | 404;

interface Fixture {
  ticketId: number;
  userId: number;
  groupId: number;
  categoryId: number;
}

interface Row {
  route: string;
  call: (f: Fixture) => { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; body?: unknown };
  expect: Record<Who, Outcome>;
}

const staffOnly: Record<Who, Outcome> = {
  anonymous: 401,
  owner: 403,
  otherRequester: 403,
  technician: 'ok',
  manager: 'ok',
  admin: 'ok',
};
const adminOnly: Record<Who, Outcome> = {
  anonymous: 401,
  owner: 403,
  otherRequester: 403,
  technician: 403,
  manager: 403,
  admin: 'ok',
};
const managers: Record<Who, Outcome> = {
  anonymous: 401,
  owner: 403,
  otherRequester: 403,
  technician: 403,
  manager: 'ok',
  admin: 'ok',
};
const signedIn: Record<Who, Outcome> = {
  anonymous: 401,
  owner: 'ok',
  otherRequester: 'ok',
  technician: 'ok',
  manager: 'ok',
  admin: 'ok',
};
const ownerOrStaff: Record<Who, Outcome> = {
  anonymous: 401,
  owner: 'ok',
  otherRequester: 404,
  technician: 'ok',
  manager: 'ok',
  admin: 'ok',
};
const staffOnTicket: Record<Who, Outcome> = {
  anonymous: 401,
  owner: 403,
  otherRequester: 404,
  technician: 'ok',
  manager: 'ok',
  admin: 'ok',
};

let n = 0;
const unique = () => `${Date.now()}-${++n}`;

const table: Row[] = [
  {
    route: 'GET /api/v1/health',
    call: () => ({ method: 'GET', url: '/api/v1/health' }),
    expect: {
      anonymous: 'ok',
      owner: 'ok',
      otherRequester: 'ok',
      technician: 'ok',
      manager: 'ok',
      admin: 'ok',
    },
  },
  {
    route: 'GET /api/v1/auth/session',
    call: () => ({ method: 'GET', url: '/api/v1/auth/session' }),
    expect: signedIn,
  },
  { route: 'GET /api/v1/users', call: () => ({ method: 'GET', url: '/api/v1/users' }), expect: staffOnly },
  {
    route: 'POST /api/v1/users',
    call: () => ({
      method: 'POST',
      url: '/api/v1/users',
      body: {
        email: `u${unique()}@example.test`,
        name: 'New',
        role: 'requester',
        password: 'long-enough-pw',
      },
    }),
    expect: adminOnly,
  },
  {
    route: 'GET /api/v1/users/:id (another user)',
    call: (f) => ({ method: 'GET', url: `/api/v1/users/${f.userId}` }),
    expect: { ...staffOnly, owner: 404, otherRequester: 404 },
  },
  {
    route: 'PATCH /api/v1/users/:id (another user)',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/users/${f.userId}`, body: { name: 'Renamed' } }),
    expect: adminOnly,
  },
  { route: 'GET /api/v1/groups', call: () => ({ method: 'GET', url: '/api/v1/groups' }), expect: staffOnly },
  {
    route: 'GET /api/v1/groups/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.groupId}` }),
    expect: staffOnly,
  },
  {
    route: 'POST /api/v1/groups',
    call: () => ({ method: 'POST', url: '/api/v1/groups', body: { name: `G ${unique()}` } }),
    expect: adminOnly,
  },
  {
    route: 'PATCH /api/v1/groups/:id',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/groups/${f.groupId}`, body: { description: 'x' } }),
    expect: adminOnly,
  },
  {
    route: 'GET /api/v1/categories',
    call: () => ({ method: 'GET', url: '/api/v1/categories' }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/categories',
    call: () => ({ method: 'POST', url: '/api/v1/categories', body: { name: `C ${unique()}` } }),
    expect: managers,
  },
  {
    route: 'PATCH /api/v1/categories/:id',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/categories/${f.categoryId}`, body: { description: 'y' } }),
    expect: managers,
  },
  {
    route: 'GET /api/v1/settings/priority-matrix',
    call: () => ({ method: 'GET', url: '/api/v1/settings/priority-matrix' }),
    expect: staffOnly,
  },
  {
    route: 'PUT /api/v1/settings/priority-matrix',
    call: () => ({
      method: 'PUT',
      url: '/api/v1/settings/priority-matrix',
      body: {
        matrix: [
          [1, 1, 2, 2, 2],
          [1, 2, 2, 3, 3],
          [2, 2, 3, 4, 4],
          [2, 3, 4, 4, 5],
          [2, 3, 4, 5, 5],
        ],
      },
    }),
    expect: adminOnly,
  },
  { route: 'GET /api/v1/tickets', call: () => ({ method: 'GET', url: '/api/v1/tickets' }), expect: signedIn },
  {
    route: 'POST /api/v1/tickets',
    call: () => ({
      method: 'POST',
      url: '/api/v1/tickets',
      body: { title: 'Mouse broken', description: 'left button' },
    }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/tickets (on behalf of another)',
    call: (f) => ({
      method: 'POST',
      url: '/api/v1/tickets',
      body: { title: 'For someone', description: 'x', requesterId: f.userId },
    }),
    expect: { ...staffOnly, owner: 403, otherRequester: 403 },
  },
  {
    route: 'GET /api/v1/tickets/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}` }),
    expect: ownerOrStaff,
  },
  {
    route: 'PATCH /api/v1/tickets/:id (fields)',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/tickets/${f.ticketId}`, body: { tags: ['hardware'] } }),
    expect: staffOnTicket,
  },
  {
    route: 'GET /api/v1/tickets/:id/comments',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/comments` }),
    expect: ownerOrStaff,
  },
  {
    route: 'POST /api/v1/tickets/:id/comments (public)',
    call: (f) => ({ method: 'POST', url: `/api/v1/tickets/${f.ticketId}/comments`, body: { body: 'hello' } }),
    expect: ownerOrStaff,
  },
  {
    route: 'POST /api/v1/tickets/:id/comments (internal)',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/tickets/${f.ticketId}/comments`,
      body: { body: 'note', internal: true },
    }),
    expect: staffOnTicket,
  },
  {
    route: 'GET /api/v1/tickets/:id/history',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/history` }),
    expect: ownerOrStaff,
  },
  {
    route: 'GET /api/v1/tickets/:id/attachments',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/attachments` }),
    expect: ownerOrStaff,
  },
  {
    route: 'POST /api/v1/tickets/:id/rating (not resolved)',
    call: (f) => ({ method: 'POST', url: `/api/v1/tickets/${f.ticketId}/rating`, body: { score: 4 } }),
    expect: {
      anonymous: 401,
      owner: 409 as never,
      otherRequester: 404,
      technician: 403,
      manager: 403,
      admin: 403,
    },
  },
  {
    route: 'GET /api/v1/event-failures',
    call: () => ({ method: 'GET', url: '/api/v1/event-failures' }),
    expect: adminOnly,
  },
  { route: 'GET /api/v1/tokens', call: () => ({ method: 'GET', url: '/api/v1/tokens' }), expect: signedIn },
  {
    route: 'POST /api/v1/tokens',
    call: () => ({ method: 'POST', url: '/api/v1/tokens', body: { name: 'script' } }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/auth/logout',
    call: () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
    expect: {
      anonymous: 401,
      owner: 'ok',
      otherRequester: 'ok',
      technician: 'ok',
      manager: 'ok',
      admin: 'ok',
    },
  },
];

describe.each(dialects)('route × role on %s', (dialect) => {
  let t: TestApp;
  const sessions = {} as Record<Exclude<Who, 'anonymous'>, Session>;
  let fixture: Fixture;

  beforeAll(async () => {
    t = await makeApp(dialect);
    const pw = 'role-table-password';
    const group = await createGroup(t.ctx, null, { name: 'Service Desk L1' });
    const category = await createCategory(t.ctx, null, { name: 'Printer' });
    const roles = {
      owner: 'requester',
      otherRequester: 'requester',
      technician: 'technician',
      manager: 'manager',
      admin: 'admin',
    } as const;
    for (const [who, role] of Object.entries(roles)) {
      await createUser(t.ctx, null, {
        email: `${who.toLowerCase()}@example.test`,
        name: who,
        role,
        password: pw,
      });
    }
    const bystander = await createUser(t.ctx, null, {
      email: 'bystander@example.test',
      name: 'Bystander',
      role: 'requester',
      password: pw,
    });
    fixture = { ticketId: 0, userId: bystander.id, groupId: group.id, categoryId: category.id };
    for (const who of Object.keys(roles) as (keyof typeof roles)[])
      sessions[who] = await signIn(t.app, `${who.toLowerCase()}@example.test`, pw);
    const ticket = await sessions.owner.call('POST', '/api/v1/tickets', {
      title: 'Owner ticket',
      description: 'mine',
    });
    fixture.ticketId = ticket.body.id;
  });
  afterAll(async () => t?.close());

  const whos: Who[] = ['anonymous', 'owner', 'otherRequester', 'technician', 'manager', 'admin'];
  // Logout ends the session: run it last.
  const ordered = [
    ...table.filter((r) => !r.route.includes('logout')),
    ...table.filter((r) => r.route.includes('logout')),
  ];
  for (const row of ordered) {
    it(`${row.route}`, async () => {
      const got: Record<string, number | string> = {};
      for (const who of whos) {
        const { method, url, body } = row.call(fixture);
        const res = await t.app.inject({
          method,
          url,
          headers: who === 'anonymous' ? {} : { authorization: `Bearer ${sessions[who].token}` },
          ...(body !== undefined ? { payload: body as object } : {}),
        });
        got[who] = res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : res.statusCode;
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(got).toEqual(row.expect);
    });
  }
});
