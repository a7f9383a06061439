// SCIM 2.0 provisioning (issue 18, item 4) on both databases, driven the way Entra ID and Okta drive it: look a
// person up by userName, create them, patch them with Entra's quirks (operation names in any case, "False" for
// false, no-path replaces keyed by dotted and URN paths, value-filtered paths), replace them with PUT as Okta
// does, deactivate and delete them; groups with members added and removed by filter or by list. And the edges:
// no token, a user's token, a revoked token, bad filters, bad bodies, admins out of reach, fuzzed filters and
// patches never a 500.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const base = 'http://opsdesk.test';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let n = 0;
const unique = () => `${Date.now().toString(36)}${++n}`;

describe.each(dialects)('SCIM 2.0 on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let token: string;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_PUBLIC_URL: base });
    admin = await userSession(t.app, t.ctx, 'admin');
    const made = await admin.call('POST', '/api/v1/scim-tokens', {
      name: 'Entra ID',
      defaultRole: 'requester',
    });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^scim_/);
    expect(made.body.tenantUrl).toBe(`${base}/scim/v2`);
    token = made.body.token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function scim(method: InjectOptions['method'], url: string, payload?: unknown, bearer = token) {
    const res = await t.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(payload !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
    });
    return {
      status: res.statusCode,
      type: String(res.headers['content-type'] ?? ''),
      headers: res.headers,
      body: res.body ? res.json() : null,
    };
  }

  const newUser = (over: Record<string, unknown> = {}) => {
    const id = unique();
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
      userName: `ada.${id}@corp.example`,
      externalId: `ext-${id}`,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      active: true,
      emails: [{ value: `ada.${id}@corp.example`, type: 'work', primary: true }],
      phoneNumbers: [{ value: '+49 30 1234', type: 'work' }],
      preferredLanguage: 'de_DE',
      timezone: 'Europe/Berlin',
      addresses: [{ type: 'work', formatted: 'Berlin HQ' }],
      [enterprise]: { department: 'Finance' },
      ...over,
    };
  };

  it('refuses callers without a SCIM token, in SCIM’s error format', async () => {
    for (const bearer of ['', 'scim_notatoken', admin.token]) {
      const res = await scim('GET', '/Users', undefined, bearer);
      expect(res.status).toBe(401);
      expect(res.type).toContain('application/scim+json');
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(res.body.status).toBe('401');
    }
    const revocable = await admin.call('POST', '/api/v1/scim-tokens', { name: 'Okta' });
    expect((await scim('GET', '/Users', undefined, revocable.body.token)).status).toBe(200);
    expect((await admin.call('DELETE', `/api/v1/scim-tokens/${revocable.body.id}`)).status).toBe(204);
    expect((await scim('GET', '/Users', undefined, revocable.body.token)).status).toBe(401);
    const list = await admin.call('GET', '/api/v1/scim-tokens');
    expect(list.body.items.find((x: { id: number }) => x.id === revocable.body.id).revokedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(revocable.body.token);
    // A directory never gets to make admins, not even by default.
    expect(
      (await admin.call('POST', '/api/v1/scim-tokens', { name: 'x', defaultRole: 'admin' })).status,
    ).toBe(400);
  });

  it('describes itself: ServiceProviderConfig, ResourceTypes, Schemas', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.body.patch.supported).toBe(true);
    expect(config.body.filter).toEqual({ supported: true, maxResults: 200 });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.totalResults).toBe(3);
    expect((await scim('GET', `/Schemas/${enterprise}`)).body.name).toBe('EnterpriseUser');
    expect((await scim('GET', '/Nothing')).status).toBe(404);
  });

  it('provisions a person as Entra ID does: look up, create, patch, deactivate, delete, come back', async () => {
    const body = newUser();
    const lookup = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${body.userName.toUpperCase()}"`)}`,
    );
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await scim('POST', '/Users', body);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${base}/scim/v2/Users/${created.body.id}`);
    expect(created.body).toMatchObject({
      userName: body.userName,
      externalId: body.externalId,
      displayName: 'Ada Lovelace',
      active: true,
      emails: [{ value: body.userName, primary: true }],
      phoneNumbers: [{ value: '+49 30 1234' }],
      preferredLanguage: 'de-DE',
      timezone: 'Europe/Berlin',
      addresses: [{ formatted: 'Berlin HQ' }],
      roles: [{ value: 'requester' }],
      [enterprise]: { department: 'Finance' },
    });
    const id = created.body.id as string;
    // The account is an opsdesk user now.
    const account = await admin.call('GET', `/api/v1/users/${id}`);
    expect(account.body).toMatchObject({
      email: body.userName,
      name: 'Ada Lovelace',
      role: 'requester',
      department: 'Finance',
    });

    // Entra looks people up case-insensitively by userName, and by externalId exactly.
    const found = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${body.userName.toUpperCase()}"`)}`,
    );
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);
    const byExt = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`externalId eq "${body.externalId}"`)}`,
    );
    expect(byExt.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    // A second POST of the same person is a conflict.
    const again = await scim('POST', '/Users', body);
    expect(again.status).toBe(409);
    expect(again.body.scimType).toBe('uniqueness');

    // Entra's PATCH: Replace with a filtered path, a no-path replace keyed by dotted and URN paths.
    const manager = await scim('POST', '/Users', newUser({ roles: [{ value: 'Manager', primary: 'True' }] }));
    expect(manager.body.roles).toEqual([{ value: 'manager', primary: true }]);
    const newMail = `lovelace.${unique()}@corp.example`;
    const patched = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: newMail },
        { op: 'Replace', value: { 'name.familyName': 'King', [`${enterprise}:department`]: 'IT' } },
        { op: 'Add', path: `${enterprise}:manager`, value: manager.body.id },
        { op: 'replace', path: 'roles', value: [{ value: 'Technician', primary: 'True' }] },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: 'Ada Lovelace',
      emails: [{ value: newMail }],
      roles: [{ value: 'technician' }],
      [enterprise]: { department: 'IT', manager: { value: manager.body.id } },
    });
    // name.formatted came back from the resource, so the family name alone does not rename: Entra sends both.
    const renamed = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'replace', path: 'name.formatted', value: 'Ada King' }],
    });
    expect(renamed.body.displayName).toBe('Ada King');
    const audit = await admin.call(
      'GET',
      `/api/v1/audit-log?subjectType=user&subjectId=${id}&action=user.role_changed`,
    );
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toMatchObject({ via: 'scim', from: 'requester', to: 'technician' });

    // A person signed in when the directory deactivates them ("False", a string) is signed out at once.
    const tech = await userSession(t.app, t.ctx, 'technician');
    expect((await tech.call('GET', '/api/v1/tickets')).status).toBe(200);
    const off = await scim('PATCH', `/Users/${tech.userId}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await tech.call('GET', '/api/v1/tickets')).status).toBe(401);
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent('active eq false')}`)).body.Resources.map(
        (r: { id: string }) => r.id,
      ),
    ).toContain(String(tech.userId));

    // DELETE: gone for SCIM (404), kept as a deactivated account; a later POST brings the same account back.
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect(
      (
        await scim('PATCH', `/Users/${id}`, {
          schemas: [patchOp],
          Operations: [{ op: 'replace', path: 'active', value: true }],
        })
      ).status,
    ).toBe(404);
    expect((await admin.call('GET', `/api/v1/users/${id}`)).body.active).toBe(false);
    const back = await scim('POST', '/Users', {
      ...body,
      userName: newMail,
      emails: [{ value: newMail, primary: true }],
    });
    expect(back.status).toBe(201);
    expect(back.body.id).toBe(id);
    expect(back.body.active).toBe(true);
  });

  it('replaces a person with PUT as Okta does, userName apart from the email', async () => {
    const created = await scim('POST', '/Users', newUser());
    const mail = `grace.${unique()}@corp.example`;
    const put = await scim('PUT', `/Users/${created.body.id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ghopper',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ value: mail, type: 'work', primary: true }],
      active: true,
    });
    expect(put.status).toBe(200);
    // What the PUT left out is cleared; the role is kept.
    expect(put.body).toMatchObject({
      userName: 'ghopper',
      displayName: 'Grace Hopper',
      emails: [{ value: mail }],
      roles: [{ value: 'requester' }],
    });
    expect(put.body.phoneNumbers).toBeUndefined();
    expect(put.body[enterprise]).toEqual({});
    const byName = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "GHOPPER"')}`);
    expect(byName.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  });

  it('keeps admins out of the directory’s reach and refuses bad values precisely', async () => {
    const adminRes = await scim('PATCH', `/Users/${admin.userId}`, {
      schemas: [patchOp],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(adminRes.status).toBe(403);
    expect(adminRes.body.detail).toContain('Admin accounts');
    expect((await admin.call('GET', `/api/v1/users/${admin.userId}`)).body.active).toBe(true);
    expect((await scim('POST', '/Users', newUser({ roles: [{ value: 'admin' }] }))).status).toBe(403);
    const bad = [
      [newUser({ userName: undefined }), 'userName'],
      [newUser({ emails: [{ value: 'not-an-email' }], userName: 'plainname' }), 'email'],
      [newUser({ timezone: 'Mars/Olympus' }), 'timezone'],
      [newUser({ preferredLanguage: '!!' }), 'preferredLanguage'],
      [newUser({ active: 'maybe' }), 'active'],
      [newUser({ roles: [{ value: 'wizard' }] }), 'roles'],
      [newUser({ [enterprise]: { manager: { value: '999999' } } }), 'manager'],
    ] as const;
    for (const [body, word] of bad) {
      const res = await scim('POST', '/Users', body);
      expect(res.status, word).toBe(400);
      expect(res.body.scimType).toBe('invalidValue');
      expect(res.body.detail).toContain(word);
    }
    const malformed = await scim('POST', '/Users', '{"userName":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.schemas[0]).toContain('Error');
    const badFilter = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.scimType).toBe('invalidFilter');
    const unknownAttr = await scim('GET', `/Users?filter=${encodeURIComponent('password eq "x"')}`);
    expect(unknownAttr.body.scimType).toBe('invalidFilter');
    const badOp = await scim('PATCH', `/Users/${admin.userId + 100000}`, { Operations: [{ op: 'move' }] });
    expect(badOp.status).toBe(404);
  });

  it('pages and filters with and, or, not, co, sw and value paths', async () => {
    const tag = unique();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await scim(
        'POST',
        '/Users',
        newUser({
          userName: `p${i}.${tag}@paged.example`,
          emails: [{ value: `p${i}.${tag}@paged.example`, primary: true }],
        }),
      );
      ids.push(u.body.id);
    }
    const q = (f: string, extra = '') => scim('GET', `/Users?filter=${encodeURIComponent(f)}${extra}`);
    const page = await q(`userName sw "p" and userName co "${tag}"`, '&startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(1, 3));
    const or = await q(
      `userName eq "p0.${tag}@paged.example" or (emails[type eq "work" and value ew "${tag}@paged.example"] and not (userName sw "p1"))`,
    );
    expect(or.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    const countOnly = await q(`userName co "${tag}"`, '&count=0');
    expect(countOnly.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
  });

  it('provisions groups: members added, removed by filter and by list, renamed, deleted', async () => {
    const [a, b, c] = [
      await userSession(t.app, t.ctx, 'technician'),
      await userSession(t.app, t.ctx, 'technician'),
      await userSession(t.app, t.ctx, 'manager'),
    ];
    const requester = await userSession(t.app, t.ctx, 'requester');
    const name = `Network ${unique()}`;
    const created = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: name,
      externalId: 'grp-1',
      members: [{ value: String(a.userId) }],
    });
    expect(created.status).toBe(201);
    const gid = created.body.id as string;
    expect(created.body.members.map((m: { value: string }) => m.value)).toEqual([String(a.userId)]);
    const byName = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}&excludedAttributes=members`,
    );
    expect(byName.body.Resources).toHaveLength(1);
    expect(byName.body.Resources[0].members).toBeUndefined();

    const add = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: String(b.userId) }, { value: String(c.userId) }] },
      ],
    });
    expect(add.status).toBe(204);
    const members = async () =>
      (await scim('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => Number(m.value));
    expect(await members()).toEqual([a.userId, b.userId, c.userId].sort((x, y) => x - y));
    const memberOf = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent(`members[value eq "${b.userId}"]`)}`,
    );
    expect(memberOf.body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);

    await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Remove', path: `members[value eq "${a.userId}"]` }],
    });
    await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Remove', path: 'members', value: [{ value: String(b.userId) }] },
        { op: 'Replace', path: 'displayName', value: `${name} ops` },
      ],
    });
    expect(await members()).toEqual([c.userId]);
    const ours = await admin.call('GET', `/api/v1/groups/${gid}`);
    expect(ours.body).toMatchObject({ name: `${name} ops`, memberIds: [c.userId] });

    // A requester is in no technician group: refused, by name, and nothing changes.
    const withRequester = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'add', path: 'members', value: [{ value: String(requester.userId) }] }],
    });
    expect(withRequester.status).toBe(400);
    expect(withRequester.body.detail).toContain(String(requester.userId));
    expect(await members()).toEqual([c.userId]);

    expect((await scim('DELETE', `/Groups/${gid}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${gid}`)).status).toBe(404);
    const listed = await admin.call('GET', '/api/v1/groups');
    expect(listed.body.items.map((g: { id: number }) => g.id)).not.toContain(Number(gid));
  });

  it('answers any filter and any PATCH with a SCIM answer, never a 500', async () => {
    const target = (await scim('POST', '/Users', newUser())).body.id as string;
    const word = fc.constantFrom(
      'userName',
      'emails',
      'emails.value',
      'active',
      'meta.created',
      'id',
      'members',
      'x',
      'not',
      'and',
      'or',
      '"a"',
      '"\\u0000"',
      'true',
      '12',
      '(',
      ')',
      '[',
      ']',
      'eq',
      'co',
      'pr',
      'gt',
      `${enterprise}:department`,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 12 }), async (words) => {
        const res = await scim('GET', `/Users?filter=${encodeURIComponent(words.join(' '))}`);
        expect([200, 400]).toContain(res.status);
        const g = await scim('GET', `/Groups?filter=${encodeURIComponent(words.join(' '))}`);
        expect([200, 400]).toContain(g.status);
      }),
      { numRuns: 60 },
    );
    const op = fc.record({
      op: fc.constantFrom('add', 'Replace', 'remove', 'copy'),
      path: fc.option(
        fc.constantFrom(
          'active',
          'emails[type eq "work"].value',
          'name.givenName',
          'roles',
          'members',
          'x[',
          `${enterprise}:manager`,
          'phoneNumbers[type eq "mobile"]',
        ),
        { nil: undefined },
      ),
      value: fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.boolean(),
        fc.constant('False'),
        fc.integer(),
        fc.dictionary(fc.constantFrom('active', 'userName', 'name.familyName'), fc.string({ maxLength: 5 })),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), async (ops) => {
        const res = await scim('PATCH', `/Users/${target}`, { schemas: [patchOp], Operations: ops });
        expect([200, 400, 403, 409]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
