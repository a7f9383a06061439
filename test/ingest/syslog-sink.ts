// What the syslog tests hand records to: an in-memory LogSink that can be held shut (a store that is behind, for
// backpressure), a listener context without a database (the listener needs none), and the peers' helpers.
import { type ChildProcess, execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import pino from 'pino';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import type { LogRecordInput, LogSink } from '../../src/logs/index.js';

export const run = promisify(execFile);

export class MemorySink implements LogSink {
  readonly records: LogRecordInput[] = [];
  appends = 0;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  private entered: Array<() => void> = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  async append(records: LogRecordInput[]): Promise<void> {
    this.appends++;
    for (const resolve of this.entered.splice(0)) resolve();
    if (this.gate) await this.gate;
    for (const r of records) this.records.push(r);
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Appends wait until `release()`: a store that has fallen behind. */
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.gate = null;
    this.open?.();
  }

  /** Resolves at the next append call (held or not). */
  nextAppend(): Promise<void> {
    return new Promise((resolve) => this.entered.push(resolve));
  }

  count(filter: (r: LogRecordInput) => boolean = () => true): number {
    let n = 0;
    for (const r of this.records) if (filter(r)) n++;
    return n;
  }

  /** Resolves once `n` stored records pass the filter. */
  waitFor(n: number, filter: (r: LogRecordInput) => boolean = () => true): Promise<void> {
    const check = () => this.count(filter) >= n;
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }
}

/** A listener context: configuration (port 0 picks free ports), a silent log and the system clock. */
export function listenerContext(env: Record<string, string> = {}) {
  const config = loadConfig({
    OPSDESK_DATA_DIR: '/tmp/opsdesk-syslog-test',
    OPSDESK_SYSLOG_PORT: '0',
    ...env,
  });
  return { config, log: pino({ level: 'silent' }), clock: systemClock };
}

/** Waits for a condition that no event announces (a counter on the far side of a socket), checking every 10 ms. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A TCP connection, once connected. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes and waits until the bytes are handed to the kernel. */
export function write(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
}

/** Resolves when the socket is closed (by either side). */
export function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed && socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** A free loopback TCP port (for a peer that must be told its port, as rsyslog is). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connects until rsyslog's input answers (it has no readiness signal of its own without systemd). */
export async function waitForPort(port: number, rsyslog: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (rsyslog.exitCode !== null) throw new Error(`rsyslogd exited ${rsyslog.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
