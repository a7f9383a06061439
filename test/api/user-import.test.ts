// Bulk import of people from CSV (issue 18, item 5) on both databases: a preview that writes nothing, an import
// that keeps the good rows and reports every refused one with all its reasons (bad email, role, time zone, the
// same person twice, a manager who is nobody, a chain of managers that loops, a requester in a group), managers
// further down the file, groups made as needed, and a second run that changes nothing. Fuzzed: any text gets a
// report or a 400, never a 500.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('user import on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  const d = `${Date.now().toString(36)}.example`;

  beforeAll(async () => {
    t = await makeApp(dialect);
    admin = await userSession(t.app, t.ctx, 'admin');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const file = [
    '\uFEFFEmail;Name;Role;Department;Location;Phone;Language;Time_Zone;Manager;Groups;Active',
    `ada@${d};Ada Lovelace;technician;IT;"Berlin; HQ";+49 30 1;de_DE;Europe/Berlin;boss@${d};Network ${d}|Desk ${d};yes`,
    `boss@${d};The Boss;manager;IT;Berlin;;en;Europe/London;;;`,
    `carl@${d};Carl;requester;Finance;;;;;ada@${d};;`,
    'not-an-email;X;requester;;;;;;;;',
    `dora@${d};Dora;wizard;;;;;Mars/Olympus;;;maybe`,
    `carl@${d};Carl again;requester;;;;;;;;`,
    `eve@${d};Eve;requester;;;;;;nobody@${d};;`,
    `f1@${d};F1;technician;;;;;;f2@${d};;`,
    `f2@${d};F2;technician;;;;;;f1@${d};;`,
    `gus@${d};Gus;requester;;;;;;;Network ${d};`,
    `hal@${d};;;;;;;;;;`,
  ].join('\n');

  it('previews without writing, then imports the good rows and reports the rest', async () => {
    const preview = await admin.call('POST', '/api/v1/users/import', { csv: file, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, rows: 11, created: 3, updated: 0 });
    expect(preview.body.groupsCreated.sort()).toEqual([`Desk ${d}`, `Network ${d}`]);
    expect((await admin.call('GET', `/api/v1/users?q=${encodeURIComponent(d)}`)).body.items).toEqual([]);

    const done = await admin.call('POST', '/api/v1/users/import', { csv: file });
    expect(done.body).toMatchObject({ dryRun: false, rows: 11, created: 3, updated: 0, unchanged: 0 });
    const reasons = Object.fromEntries(
      done.body.rejected.map((r: { line: number; reasons: string[] }) => [r.line, r.reasons.join(' | ')]),
    );
    expect(Object.keys(reasons).map(Number)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(reasons[5]).toContain('email');
    expect(reasons[6]).toMatch(/role.*wizard/);
    expect(reasons[6]).toContain('Mars/Olympus');
    expect(reasons[6]).toContain('maybe');
    expect(reasons[7]).toContain('line 4');
    expect(reasons[8]).toContain(`nobody@${d}`);
    expect(reasons[9]).toContain('reports to');
    expect(reasons[10]).toContain('reports to');
    expect(reasons[11]).toContain('requesters are in no group');
    expect(reasons[12]).toContain('name: required');

    const people = (await admin.call('GET', `/api/v1/users?q=${encodeURIComponent(d)}`)).body.items as {
      id: number;
      email: string;
    }[];
    const byEmail = Object.fromEntries(people.map((p) => [p.email, p]));
    expect(Object.keys(byEmail).sort()).toEqual([`ada@${d}`, `boss@${d}`, `carl@${d}`]);
    expect(byEmail[`ada@${d}`]).toMatchObject({
      name: 'Ada Lovelace',
      role: 'technician',
      department: 'IT',
      location: 'Berlin; HQ',
      phone: '+49 30 1',
      language: 'de-DE',
      timeZone: 'Europe/Berlin',
      managerId: byEmail[`boss@${d}`].id,
      active: true,
    });
    expect(byEmail[`carl@${d}`]).toMatchObject({ managerId: byEmail[`ada@${d}`].id, department: 'Finance' });
    const groups = (await admin.call('GET', '/api/v1/groups')).body.items as {
      name: string;
      memberIds: number[];
    }[];
    expect(groups.find((g) => g.name === `Network ${d}`)?.memberIds).toEqual([byEmail[`ada@${d}`].id]);

    // The same file again: nothing to do.
    const again = await admin.call('POST', '/api/v1/users/import', { csv: file });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, groupsCreated: [] });
    // A change, with empty cells leaving the rest alone.
    const change = await admin.call('POST', '/api/v1/users/import', {
      csv: `email,department,active\nboss@${d},Operations,false\n`,
    });
    expect(change.body.preview).toEqual([
      { line: 2, email: `boss@${d}`, action: 'update', changes: ['department', 'active'] },
    ]);
    const boss = (await admin.call('GET', `/api/v1/users/${byEmail[`boss@${d}`].id}`)).body;
    expect(boss).toMatchObject({
      department: 'Operations',
      active: false,
      name: 'The Boss',
      timeZone: 'Europe/London',
    });
  });

  it('refuses what is not an import, and non-admins', async () => {
    for (const csv of [
      'name,role\nx,requester',
      'email,colour\na@b.example,red',
      'email,email\na@b.example,c@d.example',
    ]) {
      const res = await admin.call('POST', '/api/v1/users/import', { csv });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_user_import');
    }
    const tech = await userSession(t.app, t.ctx, 'technician');
    expect((await tech.call('POST', '/api/v1/users/import', { csv: 'email\na@b.example' })).status).toBe(403);
    // An admin cannot demote themself by file.
    const me = (await admin.call('GET', '/api/v1/auth/session')).body.user.email;
    const self = await admin.call('POST', '/api/v1/users/import', { csv: `email,role\n${me},requester` });
    expect(self.body.rejected[0].reasons[0]).toContain('your own account');
  });

  it('answers any text with a report or a 400, never a 500', async () => {
    const cell = fc.oneof(
      fc.constantFrom(
        'email',
        'name',
        'role',
        'manager',
        'groups',
        `x@${d}`,
        'admin',
        '"',
        '""',
        ';',
        ',',
        '\n',
        'true',
      ),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 1, maxLength: 30 }), fc.boolean(), async (cells, dry) => {
        const res = await admin.call('POST', '/api/v1/users/import', { csv: cells.join(''), dryRun: dry });
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
