// A real Prometheus (Debian's) uses opsdesk as its Alertmanager: started by the test on loopback with a rule that
// always fires (vector(1)) and `alerting.alertmanagers` pointing at the app on a real port with
// `path_prefix: /api/v1/alertmanager` and a Bearer API token; its alerts arrive through the API v2 endpoint.
// The alert pipeline is a port here (a recorder): what matters is what Prometheus sends and that we take it.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { actorForUser, createApiToken, createUser } from '../../src/core/auth/index.js';
import { type AlertInput, type AlertOrigin, replaceAlertRulePorts } from '../../src/monitoring/index.js';
import { makeApp, type TestApp } from '../support/context.js';

let t: TestApp;
let prometheus: ChildProcess | null = null;
let dir = '';
let log = '';
const received: { alerts: AlertInput[]; origin: AlertOrigin }[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  t = await makeApp('sqlite');
  replaceAlertRulePorts(t.ctx, {
    send: async (_ctx, alerts, origin) => {
      received.push({ alerts: [...alerts], origin });
      return { accepted: alerts.length, rejected: [] };
    },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const appPort = (t.app.server.address() as AddressInfo).port;
  const user = await createUser(t.ctx, null, {
    email: 'prometheus@example.test',
    name: 'Prometheus',
    role: 'technician',
    password: 'correct horse battery',
    groupIds: [],
  });
  const actor = actorForUser(user, 'bearer');
  const { token } = await createApiToken(t.ctx, actor, { name: 'prometheus' });

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-prometheus-'));
  fs.writeFileSync(
    path.join(dir, 'rules.yml'),
    `groups:
  - name: always
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: warning }
        annotations: { summary: "value {{ $value }}" }
`,
  );
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - scheme: http
      api_version: v2
      path_prefix: /api/v1/alertmanager
      authorization: { type: Bearer, credentials: ${token} }
      static_configs: [{ targets: ['127.0.0.1:${appPort}'] }]
`,
  );
  const promPort = await freePort();
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--rules.alert.resend-delay=1s',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (d) => (log += String(d)));
  prometheus.stderr?.on('data', (d) => (log += String(d)));
}, 30_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("a real Prometheus's firing alert arrives through the API v2 endpoint", async () => {
  const deadline = Date.now() + 25_000;
  while (
    Date.now() < deadline &&
    !received.some((r) => r.alerts.some((a) => a.labels.alertname === 'AlwaysFiring'))
  )
    await new Promise((r) => setTimeout(r, 200));
  const batch = received.find((r) => r.alerts.some((a) => a.labels.alertname === 'AlwaysFiring'));
  expect(batch, `Prometheus sent nothing; its log:\n${log.slice(-3000)}`).toBeDefined();
  const alert = batch?.alerts.find((a) => a.labels.alertname === 'AlwaysFiring') as AlertInput;
  expect(batch?.origin).toBe('alertmanager');
  expect(alert.labels).toEqual({ alertname: 'AlwaysFiring', severity: 'warning' });
  expect(alert.annotations).toEqual({ summary: 'value 1' });
  expect(alert.generatorUrl).toMatch(/graph\?g0\.expr=vector%281%29/);
  // Prometheus sends endsAt = valid-until, ahead of startsAt: a firing alert.
  expect(alert.endsAt).not.toBeNull();
  expect(alert.endsAt as number).toBeGreaterThan(alert.startsAt);
}, 30_000);
