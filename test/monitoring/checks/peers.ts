// Real peers for the probe tests: a self-signed certificate made with openssl, free loopback ports, and
// processes (dnsmasq, snmpd) started on them and stopped after — nothing faked that can run here.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `opsdesk-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface SelfSigned {
  key: string;
  cert: string;
  notBefore: number;
  notAfter: number;
}

/** A self-signed EC certificate for localhost and 127.0.0.1, valid for `days` from now. */
export function makeSelfSigned(dir: string, days: number, name = 'cert'): SelfSigned {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(days),
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const dates = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-startdate', '-enddate'], {
    encoding: 'utf8',
  });
  const notBefore = Date.parse((/notBefore=(.*)/.exec(dates) as RegExpExecArray)[1] as string);
  const notAfter = Date.parse((/notAfter=(.*)/.exec(dates) as RegExpExecArray)[1] as string);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), notBefore, notAfter };
}

/** A loopback UDP port nothing listens on (bound and released: a tiny race, acceptable in tests). */
export async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Peer {
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Start a foreground daemon; stop() ends it by its own pid and waits for its exit. */
export function startPeer(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Peer {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Retry `probe` until it returns true, or fail with the peer's output after `ms`. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  ms: number,
  what: string,
  peer?: Peer,
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return;
    if (peer && peer.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up: ${peer?.output() ?? ''}`);
}
