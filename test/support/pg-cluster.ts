// A PostgreSQL cluster of the test's own, for what the shared server at 127.0.0.1:5432 cannot be put through: a
// streaming replica made with pg_basebackup, a primary that crashes (kill -9 of its postmaster) or is failed over
// to its replica. Debian's server binaries (postgresql-15's, found under /usr/lib/postgresql), run as the postgres
// user when the tests run as root (PostgreSQL refuses root), in a temporary folder on free loopback ports.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql',
    );
  return path.join(root, versions[0]!, 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary as the postgres user (when root), failing with its output. */
function run(binary: string, args: string[]): Promise<string> {
  const file = path.join(binDir(), binary);
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return new Promise((resolve, reject) =>
    execFile(command, argv, { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${binary} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface PgNode {
  port: number;
  url: string;
  dir: string;
  start(): Promise<void>;
  /** Stopped at once, as by a crash (no checkpoint; recovery at the next start). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

export interface PgCluster {
  primary: PgNode;
  replica: PgNode | null;
  /** The replica becomes a primary that takes writes. */
  promote(): Promise<void>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  destroy(): Promise<void>;
}

function node(dir: string, port: number, socketDir: string): PgNode {
  const options = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => {
      await run('pg_ctl', ['-D', dir, '-o', options, '-l', `${dir}.log`, '-w', 'start']);
    },
    crash: async () => {
      await run('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop']);
    },
    stop: async () => {
      await run('pg_ctl', ['-D', dir, '-m', 'fast', 'stop']);
    },
  };
}

/**
 * A primary (and a streaming replica, when asked): `synchronous` makes the primary wait for the replica before a
 * commit returns, so nothing a client was told is committed is lost when the primary dies and the replica takes
 * over.
 */
export async function startPgCluster(
  options: { replica?: boolean; synchronous?: boolean } = {},
): Promise<PgCluster> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-pg-'));
  fs.chmodSync(base, 0o777);
  const primaryDir = path.join(base, 'primary');
  await run('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  fs.appendFileSync(path.join(primaryDir, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
  const primary = node(primaryDir, await freePort(), base);
  await primary.start();
  let replica: PgNode | null = null;
  if (options.replica) {
    const replicaDir = path.join(base, 'replica');
    await run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    replica = node(replicaDir, await freePort(), base);
    await replica.start();
  }
  const sql = (n: PgNode, query: string) =>
    run('psql', ['-h', '127.0.0.1', '-p', String(n.port), '-U', 'postgres', '-tAc', query]).then((s) =>
      s.trim(),
    );
  // Set on the primary alone, after the copy: a promoted replica must not wait for a standby of its own.
  if (options.synchronous && replica) {
    await sql(primary, "ALTER SYSTEM SET synchronous_standby_names = '*'");
    await sql(primary, 'SELECT pg_reload_conf()');
  }
  return {
    primary,
    replica,
    promote: async () => {
      if (!replica) throw new Error('no replica to promote');
      await run('pg_ctl', ['-D', replica.dir, '-w', 'promote']);
    },
    caughtUp: async () => {
      if (!replica) return;
      const target = await sql(primary, 'SELECT pg_current_wal_lsn()');
      for (let i = 0; i < 200; i++) {
        const behind = await sql(
          replica,
          `SELECT pg_wal_lsn_diff('${target}', pg_last_wal_replay_lsn()) > 0`,
        );
        if (behind === 'f') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the replica did not catch up within 10 s');
    },
    destroy: async () => {
      for (const n of [replica, primary]) if (n) await n.crash().catch(() => undefined);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
