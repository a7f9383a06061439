// PgBouncer (Debian's) in transaction mode in front of the shared PostgreSQL, for the tests that prove opsdesk keeps
// no session state on pooled connections: each transaction may run on another server connection, and a few server
// connections serve many clients. Run as the postgres user when the tests run as root (PgBouncer refuses root), in
// a temporary folder on a free loopback port; a database of the test's own (PgBouncer passes no search_path, so
// opsdesk uses the database's default schema there, as a production install behind PgBouncer does).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresUrl } from './context.js';
import { freePort } from './pg-cluster.js';

export interface Bouncer {
  /** The database through PgBouncer (transaction mode). */
  url: string;
  /** The same database, straight to PostgreSQL (for the listening connection, and for the test's checks). */
  directUrl: string;
  /** Server connections PgBouncer keeps per database and user. */
  poolSize: number;
  stop(): Promise<void>;
}

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

export async function startBouncer(options: { poolSize?: number } = {}): Promise<Bouncer> {
  const binary = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((f) => fs.existsSync(f));
  if (!binary) throw new Error('pgbouncer not found: apt-get install pgbouncer');
  const poolSize = options.poolSize ?? 4;
  const server = new URL(postgresUrl);
  const database = `opsdesk_pgb_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-pgbouncer-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${server.hostname} port=${server.port || 5432} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 500',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `"${server.username || 'postgres'}" ""\n`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres', dir]);
  const [command, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', binary, path.join(dir, 'pgbouncer.ini')]]
    : [binary, [path.join(dir, 'pgbouncer.ini')]];
  const child: ChildProcess = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const at = (host: string, p: number) => {
    const u = new URL(postgresUrl);
    u.hostname = host;
    u.port = String(p);
    u.pathname = `/${database}`;
    return u.href;
  };
  const stop = async () => {
    // PgBouncer itself by its pid file (runuser in between may not pass a signal on), and runuser.
    const pidFile = path.join(dir, 'pgbouncer.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0;
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Ready once it accepts connections on its port.
  for (let tries = 0; ; tries++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (tries > 100 || child.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: at('127.0.0.1', port),
    directUrl: at(server.hostname, Number(server.port || 5432)),
    poolSize,
    stop,
  };
}
