// Three `opsdesk serve` processes behind nginx (Debian's), configured as the README's "Behind nginx" shows (the
// configuration is read from the README, its ports replaced): requests through nginx are spread over all three, a
// session works whichever one a request reaches, the client's address is the one nginx forwards (for rate limits
// and the audit log), and a ticket filed through one instance reaches the live streams held through nginx on the
// others — how long it took is printed (the issue asks for 2 s).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { makeContext, type TestContext } from '../support/context.js';
import { call, type Instance, password, signIn, startInstances } from '../support/instances.js';
import { openLiveStream } from '../support/live-stream.js';
import { freePort } from '../support/pg-cluster.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The README's nginx example, on the given ports, in a configuration nginx runs in the foreground from a folder. */
function nginxConfig(dir: string, listen: number, upstreams: number[]): string {
  const block = /<!-- nginx-example[^>]*-->\s*```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README: the nginx example is gone');
  const servers = block.match(/server 127\.0\.0\.1:\d+;/g) ?? [];
  expect(servers).toHaveLength(upstreams.length);
  let http = block.replace(/listen \d+;/, `listen 127.0.0.1:${listen};`);
  servers.forEach((line, i) => {
    http = http.replace(line, `server 127.0.0.1:${upstreams[i]};`);
  });
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  return [
    'daemon off;',
    'worker_processes 1;',
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'error.log')} warn;`,
    'events { worker_connections 512; }',
    'http {',
    "  log_format upstreams '$upstream_addr $status $request_uri';",
    `  access_log ${path.join(dir, 'access.log')} upstreams;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${temp(n)}`),
    http,
    '}',
    '',
  ].join('\n');
}

async function startNginx(upstreams: number[]): Promise<{ url: string; dir: string; stop(): void }> {
  const binary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((f) => fs.existsSync(f));
  if (!binary) throw new Error('nginx not found: apt-get install nginx-light');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-nginx-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreams));
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${url}/api/v1/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (tries > 200 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(
        `nginx did not start: ${stderr}${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dir,
    stop: () => {
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('three instances behind nginx', () => {
  let t: TestContext;
  let instances: Instance[] = [];
  let stopInstances: (() => void) | undefined;
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;

  beforeAll(async () => {
    t = await makeContext('postgres');
    for (const [email, role] of [
      ['tech@lb.test', 'technician'],
      ['user@lb.test', 'requester'],
    ] as const)
      await createUser(t.ctx, null, { email, name: email.split('@')[0]!, role, password });
    const started = await startInstances(t.ctx, 3, { OPSDESK_TRUSTED_PROXIES: '127.0.0.1' });
    instances = started.instances;
    stopInstances = started.stop;
    nginx = await startNginx(instances.map((i) => Number(new URL(i.url).port)));
  }, 240_000);

  afterAll(async () => {
    nginx?.stop();
    stopInstances?.();
    await t?.close();
  });

  it('spreads requests over all three, and a session works whichever one a request reaches', async () => {
    const token = await signIn(nginx!.url, 'tech@lb.test');
    for (let i = 0; i < 12; i++) {
      const r = await call(nginx!.url, 'GET', '/api/v1/auth/session', token);
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).toContain('tech@lb.test');
    }
    const log = fs.readFileSync(path.join(nginx!.dir, 'access.log'), 'utf8');
    const reached = new Set(
      log
        .split('\n')
        .filter((l) => l.includes('/api/v1/auth/session'))
        .map((l) => l.split(' ')[0]),
    );
    expect([...reached].sort()).toEqual(instances.map((i) => new URL(i.url).host).sort());
  });

  it("sees the client's address that nginx forwards (the audit log names it)", async () => {
    const login = (ip: string, secret: string) =>
      fetch(`${nginx!.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ email: 'user@lb.test', password: secret }),
      });
    expect((await login('203.0.113.7', password)).status).toBe(200);
    const rows = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'auth.sign_in')
      .execute();
    expect(rows.map((r) => JSON.parse(String(r.details)).ip)).toContain('203.0.113.7');
  });

  it('a ticket filed through one instance reaches the live streams held through nginx on the others', async () => {
    const tech = await signIn(nginx!.url, 'tech@lb.test');
    const user = await signIn(instances[0]!.url, 'user@lb.test');
    // Round robin: three streams opened one after another are held by the three instances.
    const streams = [];
    for (let i = 0; i < 3; i++) streams.push(await openLiveStream(nginx!.url, tech));
    try {
      const sent = Date.now();
      const filed = await call(instances[0]!.url, 'POST', '/api/v1/tickets', user, {
        title: 'The badge reader at the side door is dead',
        description: 'Since the power cut.',
      });
      expect(filed.status).toBe(201);
      const took = await Promise.all(
        streams.map(async (s) => {
          await s.waitFor((e) => e.ticketId === filed.body.id && e.type === 'ticket.created', 20_000);
          return Date.now() - sent;
        }),
      );
      console.log(
        `live update through nginx, filed on one instance: reached all three streams in ${Math.max(...took)} ms`,
      );
    } finally {
      for (const s of streams) s.close();
    }
    // nginx logs a stream when it ends: the three were held by the three instances, two of them not the filer.
    const holders = async () =>
      fs
        .readFileSync(path.join(nginx!.dir, 'access.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('/api/v1/events/stream'))
        .map((l) => l.split(' ')[0]);
    for (let tries = 0; (await holders()).length < 3 && tries < 100; tries++)
      await new Promise((r) => setTimeout(r, 50));
    expect(new Set(await holders()).size).toBe(3);
  });
});
