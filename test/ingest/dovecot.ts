// A real IMAP server for the poller's tests: Debian's dovecot-imapd run in the foreground with its own
// configuration, a passwd-file user and Maildir storage under a temp folder, plain IMAP on a free high port.
// It needs to start as root (dovecot drops to its own users); the system's dovecot service is not touched.
// Without dovecot the tests fail at once with how to install it, as the browser tests do for Chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Dovecot {
  url: string;
  port: number;
  user: string;
  pass: string;
  stop(): Promise<void>;
}

export const dovecotInstallHint =
  'The IMAP tests run a real dovecot, which is missing (not on PATH, nor in /usr/sbin). Install it with:\n\n' +
  '    sudo apt-get install -y dovecot-imapd\n\n' +
  '(Debian/Ubuntu; or set OPSDESK_DOVECOT to a dovecot binary.) CI installs it in .ci/run.';

/**
 * The dovecot binary: OPSDESK_DOVECOT, else the first on PATH or in the sbin folders (Debian puts it in
 * /usr/sbin, which a non-root PATH often lacks). Throws the install hint when there is none.
 */
export function findDovecot(
  env: NodeJS.ProcessEnv = process.env,
  extraDirs: string[] = ['/usr/local/sbin', '/usr/sbin', '/sbin'],
): string {
  if (env.OPSDESK_DOVECOT) {
    if (fs.existsSync(env.OPSDESK_DOVECOT)) return env.OPSDESK_DOVECOT;
    throw new Error(dovecotInstallHint);
  }
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'dovecot');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this folder: try the next
    }
  }
  throw new Error(dovecotInstallHint);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDovecot(): Promise<Dovecot> {
  const binary = findDovecot();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-dovecot-'));
  // Dovecot's login and auth processes run as its own users and must reach their sockets here.
  fs.chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, d));
  fs.chmodSync(path.join(dir, 'mail'), 0o777);
  const user = 'helpdesk';
  const pass = 'imap-secret-pw';
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${pass}::::\n`);
  const port = await freePort();
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
`;
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf);
  const child: ChildProcess = spawn(binary, ['-F', '-c', path.join(dir, 'dovecot.conf')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Spawning can still fail (not executable, no permission): fail with that, not an unhandled 'error' event.
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => {});
  try {
    await Promise.race([waitForPort(port, 10_000), spawnFailed]);
  } catch (err) {
    child.kill('SIGTERM');
    const log = fs.existsSync(path.join(dir, 'dovecot.log'))
      ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8')
      : '';
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return {
    url: `imap://${user}:${pass}@127.0.0.1:${port}/INBOX`,
    port,
    user,
    pass,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
