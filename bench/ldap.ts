// `npx tsx bench/ldap.ts` (or `BENCH_PARTS=ldap npm run bench`): the LDAP sync of 20,000 people and 2,000 groups
// (nested four deep) from a local slapd (loaded with slapadd, talked to over StartTLS), target ≤ 60 s. Timed: the
// first sync (every account created, linked and put in its mapped groups), a dry run, and a second sync with nothing
// to change. Baseline in the same run: a plain paged search of the same people and groups with ldapts, which is what
// any sync must read at least. Wall time and the process's CPU time beside it (the bench machine is shared).
// Environment: BENCH_LDAP_PEOPLE=20000, BENCH_LDAP_GROUPS=2000, BENCH_DIALECTS=sqlite,postgres,
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import pg from 'pg';
import pino from 'pino';
import {
  createGroup,
  createLdapDirectory,
  createUser,
  syncLdapDirectory,
  systemActor,
} from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import { groupDn, groupLdif, ldapSuffix, personDn, personLdif, startSlapd } from '../test/support/slapd.js';

const people = Number(process.env.BENCH_LDAP_PEOPLE ?? 20_000);
const groups = Number(process.env.BENCH_LDAP_GROUPS ?? 2_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const uid = (i: number) => `u${String(i).padStart(6, '0')}`;
const gcn = (i: number) => `g${String(i).padStart(5, '0')}`;

/** People spread over the groups; group i is inside group floor(i / 10), so nesting is four levels deep at 2,000. */
function directoryLdif(): string {
  const parts: string[] = [];
  for (let i = 0; i < people; i++)
    parts.push(
      personLdif({ uid: uid(i), name: `Person ${i}`, mail: `${uid(i)}@corp.example`, password: 'pw' }),
    );
  const members: string[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < people; i++) members[i % groups]?.push(personDn(uid(i)));
  for (let g = 1; g < groups; g++) members[Math.floor(g / 10)]?.push(groupDn(gcn(g)));
  for (let g = 0; g < groups; g++) parts.push(groupLdif(gcn(g), members[g] ?? []));
  return parts.join('');
}

async function measure<T>(work: () => Promise<T>): Promise<{ value: T; wallS: number; cpuS: number }> {
  const c = process.cpuUsage();
  const a = performance.now();
  const value = await work();
  const d = process.cpuUsage(c);
  return { value, wallS: (performance.now() - a) / 1000, cpuS: (d.user + d.system) / 1e6 };
}

async function open(dialect: 'sqlite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-ldap-'));
  const schema = dialect === 'postgres' ? `bench_ldap_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const opened = await openContext(config, {
    clock: new ManualClock(Date.parse('2026-06-15T09:00:00Z')),
    log: pino({ level: 'silent' }),
    pgSchema: schema,
  });
  const close = async () => {
    await opened.close();
    if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { ctx: opened.ctx, close };
}

export async function benchLdap(): Promise<void> {
  console.log(`\n## LDAP sync: ${people} people, ${groups} nested groups, local slapd over StartTLS`);
  const load = await measure(() => startSlapd(directoryLdif()));
  const slapd = load.value;
  console.log(`slapd started with the directory loaded by slapadd in ${load.wallS.toFixed(1)} s`);
  try {
    // Baseline: the paged searches a sync cannot do without, as the service account, over StartTLS.
    const baseline = await measure(async () => {
      const client = new Client({ url: slapd.url });
      await client.startTLS({ ca: [slapd.caCert] });
      await client.bind(`cn=opsdesk,ou=services,${ldapSuffix}`, 'service secret');
      let n = 0;
      for await (const page of client.searchPaginated(`ou=people,${ldapSuffix}`, {
        filter: '(objectClass=inetOrgPerson)',
        attributes: ['entryUUID', 'uid', 'mail', 'cn', 'displayName'],
        paged: { pageSize: 500 },
      }))
        n += page.searchEntries.length;
      for await (const page of client.searchPaginated(`ou=groups,${ldapSuffix}`, {
        filter: '(objectClass=groupOfNames)',
        attributes: ['cn', 'member'],
        paged: { pageSize: 500 },
      }))
        n += page.searchEntries.length;
      await client.unbind();
      return n;
    });
    console.log(
      '| run | database | wall s | CPU s | people | added | changed | deactivated | unchanged | / baseline (wall) | target |',
    );
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    console.log(
      `| baseline: paged search of people and groups | — | ${baseline.wallS.toFixed(2)} | ${baseline.cpuS.toFixed(2)} | ${baseline.value} entries | | | | | 1.00 | |`,
    );
    for (const dialect of dialects) {
      const { ctx, close } = await open(dialect);
      try {
        const admin = await createUser(ctx, null, {
          email: 'admin@bench.example',
          name: 'Admin',
          role: 'admin',
        });
        const actor = systemActor(admin.id);
        const mapped = [];
        for (let i = 0; i < 5; i++) mapped.push((await createGroup(ctx, actor, { name: `Mapped ${i}` })).id);
        const directory = await createLdapDirectory(ctx, actor, {
          name: 'Bench',
          url: slapd.url,
          startTls: true,
          tlsCa: slapd.caCert,
          bindDn: `cn=opsdesk,ou=services,${ldapSuffix}`,
          bindPassword: 'service secret',
          userBase: `ou=people,${ldapSuffix}`,
          groupBase: `ou=groups,${ldapSuffix}`,
          nestedGroups: 'walk',
          mapping: {
            // g00000 holds every group through nesting: everyone is a technician; g00001..g00005 map to groups.
            roleMap: { [gcn(0)]: 'technician', [gcn(1)]: 'manager' },
            defaultRole: 'requester',
            groupMap: Object.fromEntries(mapped.map((id, i) => [gcn(i + 1), [id]])),
          },
        });
        const row = (
          label: string,
          r: Awaited<ReturnType<typeof measure<Awaited<ReturnType<typeof syncLdapDirectory>>>>>,
        ) =>
          console.log(
            `| ${label} | ${dialect} | ${r.wallS.toFixed(2)} | ${r.cpuS.toFixed(2)} | ${r.value.people} | ${r.value.added} | ${r.value.changed} | ${r.value.deactivated} | ${r.value.unchanged} | ${(r.wallS / baseline.wallS).toFixed(2)} | ≤ 60 s: ${r.wallS <= 60 ? 'met' : 'MISSED'} |`,
          );
        row(
          'dry run, nothing linked yet',
          await measure(() => syncLdapDirectory(ctx, actor, directory.id, { dryRun: true })),
        );
        row(
          'first sync: every account created',
          await measure(() => syncLdapDirectory(ctx, actor, directory.id, { dryRun: false })),
        );
        row(
          'second sync: nothing to change',
          await measure(() => syncLdapDirectory(ctx, actor, directory.id, { dryRun: false })),
        );
      } finally {
        await close();
      }
    }
  } finally {
    await slapd.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLdap();
