// The `opsdesk` command as a real process, the way an operator runs it: migrate, create a user with the
// password on stdin, list, make an API token, print the configuration without secrets, back up SQLite
// and restore the archive, refuse bad input with a clear message and exit code, and serve HTTP until
// SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokenPrefix } from '../../src/core/auth/index.js';
import { postgresUrl } from '../support/context.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'warn',
    ...extra,
  };
  return env;
}

/** A system command that must succeed. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${err}`)),
    );
  });
}

function start(args: string[], dataDir: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: baseEnv(dataDir, env),
    stdio: 'pipe',
  });
}

function opsdesk(
  args: string[],
  dataDir: string,
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Outcome> {
  const child = start(args, dataDir, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdin?.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the opsdesk command', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, creates a user with the password from stdin, and lists it', async () => {
    const migrate = await opsdesk(['migrate'], dataDir);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/applied \d+ migration/);

    const created = await opsdesk(
      ['user', 'create', '--email', 'Ana.Silva@Example.com', '--name', 'Ana Silva', '--role', 'technician'],
      dataDir,
      {
        input: 'a-long-passphrase\n',
      },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created technician ana.silva@example.com');

    const [all, requesters] = await Promise.all([
      opsdesk(['user', 'list'], dataDir),
      opsdesk(['user', 'list', '--role', 'requester'], dataDir),
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/ana\.silva@example\.com\s+Ana Silva\s+technician\s+yes/);
    expect(requesters.code).toBe(0);
    expect(requesters.stdout).not.toContain('ana.silva@example.com');
  });

  it('creates an API token and prints it once, alone on stdout', async () => {
    const out = await opsdesk(
      ['token', 'create', '--email', 'ana.silva@example.com', '--name', 'monitoring'],
      dataDir,
    );
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toMatch(new RegExp(`^${apiTokenPrefix}_[\\w-]{20,}$`));
    expect(out.stderr).toContain('shown only this once');
  });

  it('backs up the SQLite database to an archive that restores and holds the users', async () => {
    const file = path.join(dataDir, 'backups', 'opsdesk-backup.tar.gz');
    const out = await opsdesk(['backup', file], dataDir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const restored = path.join(dataDir, 'backups', 'restored');
    const restore = await opsdesk(['restore', file], restored);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const copy = new SqliteDatabase(path.join(restored, 'opsdesk.db'), { readonly: true });
    try {
      expect(copy.prepare('select email from users').all()).toEqual([{ email: 'ana.silva@example.com' }]);
    } finally {
      copy.close();
    }
    const again = await opsdesk(['backup', file], dataDir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('prints the effective configuration without secrets', async () => {
    const out = await opsdesk(['config'], dataDir, {
      env: {
        OPSDESK_ADMIN_EMAIL: 'root@example.com',
        OPSDESK_ADMIN_PASSWORD: 'very-secret-admin-pw',
        DATABASE_URL: 'postgres://opsdesk:db-secret-pw@db.example.com:5432/opsdesk',
      },
    });
    expect(out.code).toBe(0);
    const config = JSON.parse(out.stdout);
    expect(config).toMatchObject({
      adminEmail: 'root@example.com',
      adminPassword: '***',
      dataDir,
      database: 'postgresql',
    });
    expect(config.databaseUrl).toBe('postgres://opsdesk:***@db.example.com:5432/opsdesk');
    expect(out.stdout).not.toContain('very-secret-admin-pw');
    expect(out.stdout).not.toContain('db-secret-pw');
  });

  it('refuses bad input with a clear message, exit code 2 and no stack trace', async () => {
    const create = ['user', 'create', '--name', 'X'];
    const [role, email, port, noPassword, badEmail, group] = await Promise.all([
      opsdesk([...create, '--email', 'x@example.com', '--role', 'boss'], dataDir, {
        input: 'a-long-passphrase\n',
      }),
      opsdesk([...create, '--role', 'admin'], dataDir, { input: 'a-long-passphrase\n' }),
      opsdesk(['config'], dataDir, { env: { PORT: 'eighty' } }),
      opsdesk([...create, '--email', 'x@example.com', '--role', 'admin'], dataDir),
      opsdesk([...create, '--email', 'not-an-email', '--role', 'admin'], dataDir, {
        input: 'a-long-passphrase\n',
      }),
      opsdesk([...create, '--email', 'x@example.com', '--role', 'technician', '--group', 'Nope'], dataDir, {
        input: 'a-long-passphrase\n',
      }),
    ]);
    expect(role.stderr).toContain(
      "argument 'boss' is invalid. Allowed choices are admin, manager, technician, requester",
    );
    expect(email.stderr).toContain("required option '--email <email>' not specified");
    expect(port.stderr).toContain('PORT: expected a whole number from 0 to 65535, got "eighty"');
    expect(noPassword.stderr).toContain('no password given');
    expect(badEmail.stderr).toContain('The email address is not valid.');
    expect(group.stderr).toContain('no group named "Nope"');
    for (const out of [role, email, port, noPassword, badEmail, group]) {
      expect(out.code).toBe(2);
      expect(out.stderr).not.toMatch(/\n\s+at /);
      expect(out.stdout).toBe('');
    }
  });

  it('fails with exit code 1 when it refuses: a duplicate account, a backup of PostgreSQL', async () => {
    const [duplicate, pgBackup] = await Promise.all([
      opsdesk(
        ['user', 'create', '--email', 'ana.silva@example.com', '--name', 'Ana', '--role', 'admin'],
        dataDir,
        { input: 'a-long-passphrase\n' },
      ),
      opsdesk(['backup', path.join(dataDir, 'pg.dump')], dataDir, { env: { DATABASE_URL: postgresUrl } }),
    ]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    expect(pgBackup.code).toBe(1);
    expect(pgBackup.stderr).toContain('pg_dump --format=custom');
    expect(pgBackup.stderr).not.toMatch(/\n\s+at /);
  });

  it('serves HTTP on a free port, answers the health check and stops on SIGTERM', async () => {
    const child = start(['serve'], dataDir, {
      PORT: '0',
      OPSDESK_DEMO: '0',
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_SYSLOG_PORT: '0',
    });
    let stderr = '';
    child.stdout?.resume();
    const url = await new Promise<string>((resolve, reject) => {
      // A cold start transpiles the whole service (tsx): seconds alone, far more on a machine shared by other work.
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 90_000);
      child.stderr?.on('data', (d) => {
        stderr += d;
        const m = /running at (http:\/\/\S+)/.exec(stderr);
        if (m && stderr.includes('health:')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    try {
      // The data dir already has a technician and no admin: the first start makes one and says how to sign in.
      expect(stderr).toMatch(/Sign in as admin@opsdesk\.local with the one-time password: \S+/);
      // …and where to change it: the web app's page for that.
      expect(stderr).toContain(`change it at ${url}/account/password`);
      const res = await fetch(`${url}/api/v1/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', database: 'sqlite' });

      // The syslog listener it announces takes util-linux logger's lines, and they are searchable within 2 s.
      const syslogPort = Number(/syslog: UDP and TCP 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);
      expect(syslogPort).toBeGreaterThan(0);
      const password = /one-time password: (\S+)/.exec(stderr)![1]!;
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@opsdesk.local', password }),
      });
      const signedIn = (await login.json()) as { token: string };
      expect(login.status, JSON.stringify(signedIn)).toBe(200);
      const { token } = signedIn;
      const word = `probe${process.pid}x${Date.now()}`;
      await run('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        String(syslogPort),
        '-T',
        '-t',
        'cron',
        `job ${word} failed`,
      ]);
      await run('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        String(syslogPort),
        '-d',
        '--rfc5424',
        `job ${word} again`,
      ]);
      const sentAt = Date.now();
      let found: { message: string; app: string | null }[] = [];
      while (found.length < 2 && Date.now() - sentAt < 2_000) {
        const r = await fetch(`${url}/api/v1/logs?q=${word}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await r.json()) as { items: typeof found };
        if (!body.items) throw new Error(`GET /api/v1/logs: ${r.status} ${JSON.stringify(body)}`);
        found = body.items;
        if (found.length < 2) await new Promise((r) => setTimeout(r, 50));
      }
      expect(found.map((f) => f.message).sort()).toEqual([`job ${word} again`, `job ${word} failed`]);
      expect(found.find((f) => f.message.endsWith('failed'))?.app).toBe('cron');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000);

  it('loads the demo once, and refuses a second time without --force', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-cli-demo-'));
    try {
      const first = await opsdesk(['demo'], dir);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('500 tickets');
      expect(first.stdout).toContain('manager@demo.opsdesk.local');
      const second = await opsdesk(['demo'], dir);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('already has tickets');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Two processes and a demo load through every domain (500 tickets replayed under SLAs): 13 s alone on 2
    // cores, over 30 s when another test file shares them, as in the full suite.
  }, 120_000);
});
