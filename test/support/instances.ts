// Real `opsdesk serve` processes for the tests of several instances: started with an environment of the test's
// choosing, resolved once each says where it runs; and plain fetch helpers to talk to them.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { postgresUrl } from './context.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');
export const password = 'correct horse battery';

export interface Instance {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts `opsdesk serve` and resolves once it says where it runs and its listeners are up. */
export function serve(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve'], {
    cwd: root,
    // The event-loop threshold is off unless the test sets it: several instances on two shared cores stall for
    // reasons that are not the service's overload.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      OPSDESK_OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    // A cold start transpiles the whole service (tsx): seconds alone, more with three at once on two cores.
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 120_000);
    child.stderr?.on('data', (d) => {
      stderr += d;
      const m = /running at (http:\/\/\S+)/.exec(stderr);
      if (m && stderr.includes('health:')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

export async function call(base: string, method: string, url: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
}

export async function signIn(base: string, email: string): Promise<string> {
  const r = await call(base, 'POST', '/api/v1/auth/login', null, { email, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token;
}

/** The schema of a PostgreSQL test context (its label names it). */
export function schemaOf(ctx: { caps: { label: string } }): string {
  const schema = /\(schema (\w+)\)/.exec(ctx.caps.label)?.[1];
  if (!schema) throw new Error(`no schema in ${ctx.caps.label}`);
  return schema;
}

/**
 * `count` serve processes on the context's schema and one shared data folder (listeners on free ports, no demo),
 * with `env` on top; `stop` kills them and removes the folder.
 */
export async function startInstances(
  ctx: { caps: { label: string } },
  count: number,
  env: Record<string, string> = {},
): Promise<{ instances: Instance[]; stop(): void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-instances-'));
  const all = {
    DATABASE_URL: postgresUrl,
    DATABASE_SCHEMA: schemaOf(ctx),
    OPSDESK_DATA_DIR: dataDir,
    PORT: '0',
    OPSDESK_DEMO: '0',
    OPSDESK_SMTP_PORT: '0',
    OPSDESK_SYSLOG_PORT: '0',
    OPSDESK_LOG_LEVEL: 'warn',
    ...env,
  };
  const started = await Promise.allSettled(Array.from({ length: count }, () => serve(all)));
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = () => {
    for (const i of instances) i.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return { instances, stop };
}

/** The SMTP and syslog (TCP) ports an instance's banner names (both listeners on port 0 pick free ones). */
export function listenerPorts(instance: Instance): { smtp: number; syslog: number } {
  const smtp = /smtp: \S+:(\d+)/.exec(instance.stderr())?.[1];
  const syslog = /syslog: UDP and TCP \S+:(\d+)/.exec(instance.stderr())?.[1];
  if (!smtp || !syslog) throw new Error(`no listener ports in the banner: ${instance.stderr()}`);
  return { smtp: Number(smtp), syslog: Number(syslog) };
}
