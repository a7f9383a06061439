// LDAP sign-in and sync against a real OpenLDAP (Debian's slapd, started here with a small directory) on both
// databases: search-then-bind over StartTLS and a direct bind over ldaps://, wrong passwords and disabled people
// refused, nested groups giving opsdesk groups and a role, a dry-run report then the real sync, people who left or
// were disabled deactivated (and back when they return), bad settings refused as problem+json, two syncs at once.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealStoredSecrets } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn, userSession } from '../support/http.js';
import {
  groupDn,
  groupLdif,
  ldapSuffix,
  personDn,
  personLdif,
  startSlapd,
  type TestSlapd,
} from '../support/slapd.js';

const directoryLdif = () =>
  [
    personLdif({ uid: 'alice', name: 'Alice Network', mail: 'alice@corp.example', password: 'alice pw' }),
    personLdif({ uid: 'bob', name: 'Bob Lead', mail: 'bob@corp.example', password: 'bob pw' }),
    personLdif({
      uid: 'carol',
      name: 'Carol Gone',
      mail: 'carol@corp.example',
      password: 'carol pw',
      disabled: true,
    }),
    personLdif({ uid: 'dave', name: 'Dave Plain', mail: 'dave@corp.example', password: 'dave pw' }),
    personLdif({ uid: 'erin', name: 'Erin Nomail', password: 'erin pw' }),
    // Alice is in network-team, which is in it-staff: nested once.
    groupLdif('network-team', [personDn('alice')]),
    groupLdif('it-staff', [groupDn('network-team'), personDn('carol')]),
    groupLdif('it-leads', [personDn('bob')]),
    // A loop of groups: the walk must end.
    groupLdif('loop-a', [groupDn('loop-b'), personDn('dave')]),
    groupLdif('loop-b', [groupDn('loop-a')]),
  ].join('');

describe.each(dialects)('LDAP directories on %s', (dialect) => {
  let t: TestApp;
  let slapd: TestSlapd;
  let admin: Session;
  let netGroup: number;
  let staffGroup: number;
  let directoryId: number;
  let aliceId: number;

  const settings = () => ({
    name: 'Corp directory',
    url: slapd.url,
    startTls: true,
    tlsCa: slapd.caCert,
    bindMode: 'search',
    bindDn: `cn=opsdesk,ou=services,${ldapSuffix}`,
    bindPassword: 'service secret',
    userBase: `ou=people,${ldapSuffix}`,
    groupBase: `ou=groups,${ldapSuffix}`,
    disabledFilter: '(employeeType=disabled)',
    nestedGroups: 'auto',
    mapping: {
      roleMap: { 'it-staff': 'technician', [groupDn('it-leads')]: 'manager' },
      defaultRole: 'requester',
      groupMap: { 'network-team': [netGroup], 'IT-Staff': [staffGroup] },
    },
  });

  async function login(email: string, password: string) {
    return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  }

  beforeAll(async () => {
    slapd = await startSlapd(directoryLdif());
    t = await makeApp(dialect);
    admin = await userSession(t.app, t.ctx, 'admin');
    netGroup = (await admin.call('POST', '/api/v1/groups', { name: 'Network' })).body.id;
    staffGroup = (await admin.call('POST', '/api/v1/groups', { name: 'IT staff' })).body.id;
    const created = await admin.call('POST', '/api/v1/ldap-directories', settings());
    expect(created.status).toBe(201);
    directoryId = created.body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slapd?.close();
  });

  it('connects a directory over StartTLS, never shows its bind password, and tests it', async () => {
    const one = await admin.call('GET', `/api/v1/ldap-directories/${directoryId}`);
    expect(one.status).toBe(200);
    expect(one.body.hasBindPassword).toBe(true);
    expect(JSON.stringify(one.body)).not.toContain('service secret');
    // Sealed in the database too; a plain value stored before sealing is sealed at start-up.
    const stored = () =>
      t.ctx.db
        .selectFrom('ldap_directories')
        .select('bind_password')
        .where('id', '=', directoryId)
        .executeTakeFirstOrThrow();
    expect((await stored()).bind_password).toMatch(/^enc:v1:/);
    await t.ctx.db
      .updateTable('ldap_directories')
      .set({ bind_password: 'service secret' })
      .where('id', '=', directoryId)
      .execute();
    expect(await sealStoredSecrets(t.ctx)).toBe(1);
    expect((await stored()).bind_password).toMatch(/^enc:v1:/);
    expect(await sealStoredSecrets(t.ctx)).toBe(0);
    expect(one.body.lastSync).toBeNull();
    const tested = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ tls: 'starttls', nestedGroups: 'walk', people: 5, groups: 5 });
    expect(tested.body.warnings).toEqual(['Some people have no mail: no account can be made for them.']);
    const list = await admin.call('GET', '/api/v1/ldap-directories');
    expect(list.body.items.map((d: { id: number }) => d.id)).toEqual([directoryId]);
  });

  it('signs a person in with the directory password: the account is made, with nested groups and the role', async () => {
    const res = await login('alice@corp.example', 'alice pw');
    expect(res.statusCode).toBe(200);
    const user = res.json().user;
    expect(user).toMatchObject({ email: 'alice@corp.example', name: 'Alice Network', role: 'technician' });
    expect(user.groupIds.sort()).toEqual([netGroup, staffGroup].sort());
    aliceId = user.id;
    // By the directory's login name too, and the same account again.
    const again = await login('alice', 'alice pw');
    expect(again.statusCode).toBe(200);
    expect(again.json().user.id).toBe(user.id);
    const bob = await login('bob@corp.example', 'bob pw');
    expect(bob.json().user).toMatchObject({ role: 'manager', groupIds: [] });
    const dave = await login('dave', 'dave pw');
    expect(dave.json().user).toMatchObject({ email: 'dave@corp.example', role: 'requester', groupIds: [] });
    const audit = await admin.call(
      'GET',
      `/api/v1/audit-log?action=auth.sign_in&subjectType=user&subjectId=${user.id}`,
    );
    expect(audit.status).toBe(200);
  });

  it('never makes or changes an admin: a mapping to admin is refused, an admin signing in stays admin', async () => {
    expect((await admin.call('PATCH', `/api/v1/users/${aliceId}`, { role: 'admin' })).status).toBe(200);
    const res = await login('alice', 'alice pw');
    expect(res.statusCode).toBe(200);
    expect(res.json().user.role).toBe('admin');
    const report = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, { dryRun: true });
    expect(report.status).toBe(200);
    const item = report.body.items.find((i: { email: string | null }) => i.email === 'alice@corp.example');
    expect(item?.changes ?? []).not.toContain('role');
    expect((await admin.call('PATCH', `/api/v1/users/${aliceId}`, { role: 'technician' })).status).toBe(200);
  });

  it('refuses a wrong password, a disabled person and an unknown login alike', async () => {
    for (const [who, pw] of [
      ['alice@corp.example', 'wrong'],
      ['alice', ''],
      ['carol@corp.example', 'carol pw'],
      ['nobody', 'x'],
      ['nobody@corp.example', 'x'],
      ['*', 'alice pw'],
      ['alice)(uid=*', 'alice pw'],
    ]) {
      const res = await login(who as string, pw as string);
      expect([400, 401]).toContain(res.statusCode);
      if (res.statusCode === 401) expect(res.json().code).toBe('bad_credentials');
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // A local account with its own password still signs in with it.
    const local = await userSession(t.app, t.ctx, 'technician');
    expect(local.token).toBeTruthy();
  });

  it('binds directly through a DN template over ldaps://', async () => {
    await admin.call('PATCH', `/api/v1/ldap-directories/${directoryId}`, { enabled: false });
    const direct = await admin.call('POST', '/api/v1/ldap-directories', {
      name: 'Direct',
      url: slapd.secureUrl,
      tlsCa: slapd.caCert,
      bindMode: 'direct',
      userDnTemplate: `uid={username},ou=people,${ldapSuffix}`,
      userBase: `ou=people,${ldapSuffix}`,
      groupBase: `ou=groups,${ldapSuffix}`,
      mapping: { roleMap: { 'loop-a': 'technician' }, defaultRole: 'requester', groupMap: {} },
    });
    expect(direct.status).toBe(201);
    try {
      const erinWrong = await login('erin', 'nope');
      expect(erinWrong.statusCode).toBe(401);
      // Erin has no e-mail: no account can be made for her.
      const erin = await login('erin', 'erin pw');
      expect(erin.statusCode).toBe(401);
      // An untrusted certificate is refused: the directory is unreachable, not the password wrong.
      await admin.call('PATCH', `/api/v1/ldap-directories/${direct.body.id}`, { tlsCa: null });
      const untrusted = await admin.call('POST', `/api/v1/ldap-directories/${direct.body.id}/test`);
      expect(untrusted.status).toBe(503);
      expect(untrusted.body.code).toBe('ldap_directory_unreachable');
    } finally {
      await admin.call('DELETE', `/api/v1/ldap-directories/${direct.body.id}`);
      await admin.call('PATCH', `/api/v1/ldap-directories/${directoryId}`, { enabled: true });
    }
  });

  it('reports a dry run, then syncs: people added, changed and left alone', async () => {
    // An admin moved Dave into a mapped group by hand: the sync takes him out (the directory decides).
    const daveId = (await login('dave', 'dave pw')).json().user.id;
    await admin.call('PATCH', `/api/v1/users/${daveId}`, { name: 'Dave Renamed', role: 'technician' });
    const dry = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      people: 5,
      groups: 5,
      added: 0,
      deactivated: 0,
      errors: 1,
    });
    expect(dry.body.changed).toBe(1);
    const daveItem = dry.body.items.find((i: { email: string }) => i.email === 'dave@corp.example');
    expect(daveItem).toMatchObject({ action: 'changed', changes: ['name'] });
    expect(dry.body.items.find((i: { action: string }) => i.action === 'error')).toMatchObject({
      dn: personDn('erin'),
      reason: 'no mail',
    });
    // Nothing was written by the dry run.
    const daveBefore = await admin.call('GET', `/api/v1/users/${daveId}`);
    expect(daveBefore.body.name).toBe('Dave Renamed');

    // A new person appears in the directory; the real sync adds them.
    slapd.modify(
      `${personLdif({ uid: 'gina', name: 'Gina New', mail: 'gina@corp.example', password: 'gina pw' })}dn: ${groupDn('it-leads')}\nchangetype: modify\nadd: member\nmember: ${personDn('gina')}\n`.replace(
        `dn: ${personDn('gina')}\n`,
        `dn: ${personDn('gina')}\nchangetype: add\n`,
      ),
    );
    const real = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, {});
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ dryRun: false, people: 6, added: 1, changed: 1, deactivated: 0 });
    const users = await admin.call('GET', '/api/v1/users?q=Gina');
    const gina = users.body.items.find((u: { email: string }) => u.email === 'gina@corp.example');
    expect(gina).toMatchObject({ role: 'manager', active: true });
    expect((await admin.call('GET', `/api/v1/users/${daveId}`)).body.name).toBe('Dave Plain');
    const again = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, { dryRun: true });
    expect(again.body).toMatchObject({ added: 0, changed: 0, deactivated: 0, unchanged: 4, errors: 1 });
    const one = await admin.call('GET', `/api/v1/ldap-directories/${directoryId}`);
    expect(one.body.lastSync).toMatchObject({ added: 1, dryRun: false });
    expect(one.body.lastSyncAt).not.toBeNull();
  });

  it('deactivates people who left or were disabled, ends their sessions, and brings a returning one back', async () => {
    const bob = await signIn(t.app, 'bob@corp.example', 'bob pw');
    expect((await bob.call('GET', '/api/v1/auth/session')).status).toBe(200);
    slapd.modify(
      `dn: ${personDn('bob')}\nchangetype: delete\n\ndn: ${personDn('alice')}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`,
    );
    const dry = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, { dryRun: true });
    expect(dry.body.deactivated).toBe(2);
    expect(
      dry.body.items
        .filter((i: { action: string }) => i.action === 'deactivated')
        .map((i: { email: string; reason: string }) => [i.email, i.reason])
        .sort(),
    ).toEqual([
      ['alice@corp.example', 'disabled in the directory'],
      ['bob@corp.example', 'no longer in the directory'],
    ]);
    const real = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, { dryRun: false });
    expect(real.body.deactivated).toBe(2);
    expect((await bob.call('GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await login('alice', 'alice pw')).statusCode).toBe(401);
    // Alice is enabled again: the next sync activates her account, and she signs in.
    slapd.modify(`dn: ${personDn('alice')}\nchangetype: modify\ndelete: employeeType\n`);
    const back = await admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, {});
    expect(back.body.changed).toBe(1);
    expect(back.body.items[0]).toMatchObject({ email: 'alice@corp.example', changes: ['active'] });
    expect((await login('alice', 'alice pw')).statusCode).toBe(200);
  });

  it('answers a second sync while one runs with 409 ldap_sync_running', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        admin.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, { dryRun: true }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toContain(200);
    expect(statuses).toContain(409);
    const busy = results.find((r) => r.status === 409);
    expect(busy?.body.code).toBe('ldap_sync_running');
  });

  it('refuses bad settings with problem+json, and only admins manage directories', async () => {
    const base = settings();
    for (const [patch, field] of [
      [{ url: 'http://127.0.0.1' }, '/url'],
      [{ url: 'ldap://ldap.corp.example', startTls: false }, '/url'],
      [{ url: 'ldaps://ldap.corp.example', startTls: true }, '/startTls'],
      [{ userBase: 'not a dn' }, '/userBase'],
      [{ userFilter: 'uid=*' }, '/userFilter'],
      [{ userFilter: '(uid=*))(' }, '/userFilter'],
      [{ bindMode: 'direct', userDnTemplate: null }, '/userDnTemplate'],
      [
        { mapping: { roleMap: {}, defaultRole: 'requester', groupMap: { x: [999_999] } } },
        '/mapping/groupMap',
      ],
      [{ name: 'Corp directory' }, '/name'],
      [
        { mapping: { roleMap: { 'it-staff': 'admin' }, defaultRole: 'requester', groupMap: {} } },
        '/mapping/roleMap',
      ],
      [{ mapping: { roleMap: {}, defaultRole: 'admin', groupMap: {} } }, '/mapping/defaultRole'],
    ] as const) {
      const res = await admin.call('POST', '/api/v1/ldap-directories', { ...base, ...patch });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('invalid_ldap_directory');
      expect(res.body.errors[0].field).toBe(field);
    }
    const missing = await admin.call('GET', '/api/v1/ldap-directories/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ldap_directory_not_found');
    const manager = await userSession(t.app, t.ctx, 'manager');
    expect((await manager.call('GET', '/api/v1/ldap-directories')).status).toBe(403);
    expect((await manager.call('POST', `/api/v1/ldap-directories/${directoryId}/sync`, {})).status).toBe(403);
  });

  it('answers 503 when the directory cannot be reached', async () => {
    const down = await admin.call('POST', '/api/v1/ldap-directories', {
      ...settings(),
      name: 'Down',
      url: 'ldap://127.0.0.1:9',
      enabled: false,
    });
    expect(down.status).toBe(201);
    const res = await admin.call('POST', `/api/v1/ldap-directories/${down.body.id}/sync`, { dryRun: true });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('ldap_directory_unreachable');
    await admin.call('DELETE', `/api/v1/ldap-directories/${down.body.id}`);
  });

  it('answers any settings with a directory or a problem, never a server error (fuzz)', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '(uid=*)',
        '(&(a=b)(c=d))',
        'ou=x,dc=y',
        'ldap://127.0.0.1',
        'ldaps://h',
        '((',
        '\\',
        '',
      ),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            url: text,
            userBase: text,
            userFilter: text,
            groupFilter: text,
            disabledFilter: fc.option(text),
            loginAttribute: text,
            bindDn: fc.option(text),
            userDnTemplate: fc.option(text),
            bindMode: fc.constantFrom('search', 'direct'),
            startTls: fc.boolean(),
          },
          { requiredKeys: ['url', 'userBase'] },
        ),
        async (body) => {
          n++;
          const res = await admin.call('POST', '/api/v1/ldap-directories', { name: `fuzz ${n}`, ...body });
          expect([201, 400]).toContain(res.status);
          if (res.status === 201) await admin.call('DELETE', `/api/v1/ldap-directories/${res.body.id}`);
          else expect(['invalid_ldap_directory', 'validation_failed']).toContain(res.body.code);
        },
      ),
      { numRuns: 80 },
    );
  }, 60_000);
});
