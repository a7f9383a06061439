// The PostgreSQL backup procedure of docs/backups.md, run as it is written there (pg_dump, tar of the stored files;
// pg_restore into a fresh database, untar, opsdesk migrate): backed up while tickets with attachments keep being
// written, the dump holds every earlier write and every file it names; backed up at rest, every table (listed from the
// database), the sequences and every attachment's bytes are the source's.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, hashPassword } from '../../src/core/auth/index.js';
import { demoPassword, loadDemoOrganisation } from '../../src/demo/index.js';
import {
  attachmentFiles,
  expectSameTables,
  fileTicket,
  keepWriting,
  main,
  now,
  type Outcome,
  postgresTables,
  removeScratch,
  requesterActor,
  root,
  scratch,
} from '../support/backup-fixtures.js';
import { type Dialect, makeContext, postgresUrl, type TestContext } from '../support/context.js';

afterAll(removeScratch);

let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(demoPassword);
});

// -- PostgreSQL: the documented procedure --

/** The shell blocks docs/backups.md marks as the PostgreSQL procedure, as they are written there. */
function documentedProcedure(name: 'postgres-backup' | 'postgres-restore'): string {
  const doc = fs.readFileSync(path.join(root, 'docs/backups.md'), 'utf8');
  const block = new RegExp(`<!-- procedure: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!block) throw new Error(`docs/backups.md has no ${name} block`);
  return block[1];
}

/** `opsdesk` on the PATH, as an installed package puts it: this checkout's command line. */
function opsdeskOnPath(): string {
  const bin = scratch('bin');
  const loader = import.meta.resolve('tsx');
  fs.writeFileSync(
    path.join(bin, 'opsdesk'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${main}" "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

function shell(script: string, cwd: string, env: Record<string, string>): Promise<Outcome> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OPSDESK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the documented pg_dump and pg_restore procedure on PostgreSQL', () => {
  const dialect: Dialect = 'postgres';
  let t: TestContext;
  let actor: Actor;
  let schema: string;
  const databases: string[] = [];
  let admin: pg.Client;

  beforeAll(async () => {
    t = await makeContext(dialect);
    schema = (
      await t.ctx.db
        .selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s'))
        .executeTakeFirstOrThrow()
    ).s;
    await loadDemoOrganisation(t.ctx, { now, passwordHash, days: 7, ticketCount: 40, requesterCount: 10 });
    actor = await requesterActor(t);
    for (let i = 0; i < 6; i++) await fileTicket(t, actor, i);
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
    await t?.close();
  });

  /** Backs up by the documented procedure (then `afterBackup`), restores into a fresh database and folder. */
  async function backUpAndRestore(afterBackup: () => Promise<void> = async () => {}) {
    const work = scratch('pg');
    const env = { DATABASE_URL: postgresUrl, DATABASE_SCHEMA: schema, OPSDESK_DATA_DIR: t.dataDir };
    const backup = await shell(documentedProcedure('postgres-backup'), work, env);
    await afterBackup();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);

    const database = `opsdesk_restore_${randomBytes(4).toString('hex')}`;
    databases.push(database);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    const restoredDir = path.join(work, 'restored-data');
    const restore = await shell(documentedProcedure('postgres-restore'), work, {
      DATABASE_URL: url.toString(),
      DATABASE_SCHEMA: schema,
      OPSDESK_DATA_DIR: restoredDir,
      PATH: `${opsdeskOnPath()}:${process.env.PATH}`,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('the schema is up to date');
    return { url: url.toString(), restoredDir };
  }

  it('backs up while tickets with attachments are written: the dump holds every earlier write and every file it names', async () => {
    const writer = await keepWriting(t, actor, 100);
    const before = [...writer.acknowledged];
    const { url, restoredDir } = await backUpAndRestore(() => writer.stop());
    expect(writer.acknowledged.length).toBeGreaterThan(before.length);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const tickets = await c.query(`SELECT id FROM ${schema}.tickets`);
      const ids = new Set(tickets.rows.map((r) => Number(r.id)));
      for (const { ticketId } of before) expect(ids.has(ticketId)).toBe(true);
      const files = attachmentFiles(restoredDir);
      const named = await c.query<{ sha256: string }>(`SELECT sha256 FROM ${schema}.attachments`);
      expect(named.rows.length).toBeGreaterThanOrEqual(6);
      for (const { sha256: sum } of named.rows)
        expect(files.get(`attachments/${sum.slice(0, 2)}/${sum}`)).toBe(sum);
    } finally {
      await c.end();
    }
  }, 120_000);

  it('restores into a fresh database: every table row by row, the sequences, and every attachment byte for byte', async () => {
    const { url, restoredDir } = await backUpAndRestore();
    expectSameTables(await postgresTables(url, schema), await postgresTables(postgresUrl, schema));
    expect(attachmentFiles(restoredDir)).toEqual(attachmentFiles(t.dataDir));
  }, 120_000);
});
