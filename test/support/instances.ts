// Real `opsdesk serve` processes for the tests of several instances: started with an environment of the test's
// choosing, resolved once each says where it runs; and plain fetch helpers to talk to them.
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

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
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
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
