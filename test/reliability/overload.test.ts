// Overload, on SQLite and PostgreSQL, against the real listeners on real ports (the HTTP app, SMTP, syslog UDP and
// TCP) with small budgets: each listener past its budget sheds with its protocol's clear signal — HTTP 429 with
// Retry-After (503 when the whole service is past its thresholds), SMTP 421 and 451 seen by real SMTP clients
// (swaks, nodemailer), TCP back-pressure (the server stops reading) and counted UDP drops — keeps everything it
// acknowledged, and takes requests again once the flood stops. Paging and SLA clocks fire on their first tick after
// they are due while every ingest slot is taken. The process's resident size stays under a bound while flooded.
// Saturation is made certain, not hoped for: slow uploads hold every HTTP slot; idle connections every SMTP
// client slot; on PostgreSQL a table lock stalls the store itself, so the channels' own queues fill. The figures
// (sent / shed / accepted / stored) are printed at the end and kept in the README (Reliability).
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ServiceMetrics } from '../../src/api/metrics.js';
import { type Actor, actorForUser, createApiToken, createUser } from '../../src/core/auth/index.js';
import { createIncident, createService, runEscalations } from '../../src/incidents/index.js';
import { type SmtpListener, startSmtpListener } from '../../src/ingest/smtp.js';
import { type SyslogListener, startSyslogListener } from '../../src/ingest/syslog.js';
import { logIngest } from '../../src/logs/index.js';
import { encodeWriteRequest, snappyCompress } from '../../src/monitoring/remote-write.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { runEscalationCycle, subscribeSla } from '../../src/sla/index.js';
import { swaks } from '../ingest/swaks.js';
import { dialects, makeContext, postgresUrl } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { schemaOf } from '../support/instances.js';

const inFlight = 2;
const queued = 4;
const retryAfter = '2';
const smtpMaxClients = 12;
const env = {
  OPSDESK_INGEST_MAX_IN_FLIGHT: String(inFlight),
  OPSDESK_INGEST_MAX_QUEUED: String(queued),
  OPSDESK_OVERLOAD_RETRY_AFTER_SECONDS: retryAfter,
  OPSDESK_SMTP_MAX_CLIENTS: String(smtpMaxClients),
  OPSDESK_SYSLOG_CONNECTION_MAX_PENDING: '50',
  OPSDESK_SYSLOG_PENDING_BUDGET: '100',
  OPSDESK_SYSLOG_UDP_QUEUE_MAX: '20',
  OPSDESK_MAIL_ALLOWED_DOMAINS: '*',
  OPSDESK_MAIL_SENDER_MAX_PER_HOUR: '100000',
};
/** What the process may grow by, flooded: the budgets' bodies and the store's batches, with room for the clients. */
const rssAllowanceMb = 256;

interface Figure {
  dialect: string;
  channel: string;
  sent: number;
  shed: number;
  accepted: number;
  stored: number;
  signal: string;
}
const figures: Figure[] = [];

/** A Buffer as fetch's types take a body. */
const bytes = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits, up to a bound, for a condition the server reaches by itself (a count, not a time, is asserted). */
async function until(what: string, check: () => Promise<boolean> | boolean, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`never happened: ${what}`);
}

/** Runs `total` calls, `concurrency` at a time. */
async function pool<T>(total: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        out[i] = await call(i);
      }
    }),
  );
  return out;
}

/**
 * An upload that sends its headers and one byte of its body, then waits: admitted, it holds a slot while the server
 * waits for the rest; queued, it holds a place in the queue. finish() sends the rest and reads the answer.
 */
function slowUpload(port: number, path: string, headers: Record<string, string>, body: Buffer) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => {
    received += d.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const head = Object.entries({ ...headers, 'content-length': String(body.length), connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${head}\r\n`);
  socket.write(body.subarray(0, 1));
  return {
    async finish(): Promise<{ status: number; body: string }> {
      socket.write(body.subarray(1));
      await closed;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      return { status, body: received.slice(received.indexOf('\r\n\r\n') + 4) };
    },
  };
}

/** The value of one sample of the service's own /metrics. */
async function metricValue(base: string, name: string, channel: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{channel="${channel}"}`));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

/** Resident size, sampled while the process is flooded. */
function sampleRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  timer.unref();
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    stop: () => clearInterval(timer),
  };
}

describe.each(dialects)('overload on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof makeContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let port: number;
  let smtp: SmtpListener;
  let syslog: SyslogListener;
  let token: string;
  let manager: Actor;
  let admin: Session;
  let tech: Session;
  let rss: ReturnType<typeof sampleRss>;
  let baselineRss = 0;
  /** On PostgreSQL: a connection of the test's own that can stall the store by locking a table. */
  let locker: pg.Client | null = null;

  const auth = () => ({ authorization: `Bearer ${token}` });
  const logLines = (tag: string, n: number) =>
    Buffer.from(
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ app: tag, host: 'flood', message: `line ${i}` }),
      ).join('\n'),
    );
  const postLogs = (body: Buffer) =>
    fetch(`${base}/api/v1/logs`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/x-ndjson' },
      body: bytes(body),
    });
  const storedLogs = async (appTag: string) =>
    Number(
      (
        await t.ctx.db
          .selectFrom('log_records')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('app', '=', appTag)
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Every slot and queue place of a channel taken by slow uploads; resolves once the server says so. */
  async function holdChannel(
    channel: string,
    path: string,
    headers: Record<string, string>,
    body: (i: number) => Buffer,
  ) {
    const uploads = Array.from({ length: inFlight + queued }, (_, i) =>
      slowUpload(port, path, headers, body(i)),
    );
    await until(`${channel} full`, async () => {
      return (
        (await metricValue(base, 'opsdesk_ingest_in_flight', channel)) === inFlight &&
        (await metricValue(base, 'opsdesk_ingest_queued', channel)) === queued
      );
    });
    return uploads;
  }

  async function lockTable(table: string): Promise<() => Promise<void>> {
    if (!locker) throw new Error('only on PostgreSQL');
    await locker.query('begin');
    await locker.query(`lock table "${schemaOf(t.ctx)}".${table} in share row exclusive mode`);
    return async () => {
      await locker?.query('commit');
    };
  }

  beforeAll(async () => {
    t = await makeContext(dialect, env);
    subscribeSla(t.ctx);
    const metrics = new ServiceMetrics();
    // The server's own lazy schema compilers: this file builds two apps and calls a few routes of each.
    app = await buildApp(t.ctx, { metrics });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    smtp = await startSmtpListener(t.ctx, { host: '127.0.0.1', port: 0 });
    metrics.watchIngestBudget(smtp.budget);
    syslog = await startSyslogListener(t.ctx, logIngest(t.ctx), { host: '127.0.0.1', port: 0 });
    const user = await createUser(t.ctx, null, {
      email: `flood-${dialect}@example.test`,
      name: 'Flood',
      role: 'technician',
      password: 'correct horse battery',
    });
    token = (await createApiToken(t.ctx, actorForUser({ ...user, groupIds: [] }), { name: 'agent' })).token;
    const m = await createUser(t.ctx, null, {
      email: `manager-${dialect}@example.test`,
      name: 'Mona',
      role: 'manager',
      password: 'correct horse battery',
    });
    manager = actorForUser({ ...m, groupIds: [] });
    admin = await userSession(app, t.ctx, 'admin');
    tech = await userSession(app, t.ctx, 'technician');
    if (t.ctx.caps.multiInstance) {
      locker = new pg.Client({ connectionString: postgresUrl });
      await locker.connect();
    }
    baselineRss = process.memoryUsage().rss;
    rss = sampleRss();
  }, 60_000);

  afterAll(async () => {
    rss?.stop();
    await locker?.end();
    await syslog?.close();
    await smtp?.close();
    await app?.close();
    await t?.close();
  });

  it('the log endpoint: 429 with Retry-After past its budget; paging and SLA clocks keep their ticks; nothing accepted lost; recovers', async () => {
    // Paging: a two-step policy (Anna at once, Ben five minutes later); SLA: a first response due in an hour,
    // warned at half.
    const anna = await createUser(t.ctx, null, {
      email: `anna-${dialect}@example.test`,
      name: 'Anna',
      role: 'technician',
      password: 'correct horse battery',
    });
    const policy = await createEscalationPolicy(t.ctx, manager, {
      name: 'Network',
      steps: [
        { targets: [{ kind: 'user', id: anna.id }], delayMinutes: 5 },
        { targets: [{ kind: 'user', id: manager.id }], delayMinutes: 10 },
      ],
      repeatCount: 1,
    });
    const service = await createService(t.ctx, manager, { name: 'VPN', escalationPolicyId: policy.id });
    const opened = await createIncident(t.ctx, manager, {
      serviceId: service.id,
      summary: 'VPN gateway down',
    });
    expect((await runEscalations(t.ctx)).paged).toBe(1); // step 1, at once
    const calendar = await admin.call('POST', '/api/v1/sla/calendars', {
      name: 'Always',
      timeZone: 'UTC',
      alwaysOpen: true,
    });
    expect(calendar.status).toBe(201);
    const slaPolicy = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'Everything',
      targets: { first_response: { minutes: 60, calendarId: calendar.body.id, warnPercent: 50 } },
    });
    expect(slaPolicy.status).toBe(201);
    const ticket = await tech.call('POST', '/api/v1/tickets', {
      title: 'Printer on fire',
      description: 'Floor 3.',
      impact: 'low',
      urgency: 'low',
    });
    expect(ticket.status).toBe(201);
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();

    const held = await holdChannel(
      'logs',
      '/api/v1/logs',
      { ...auth(), 'content-type': 'application/x-ndjson' },
      () => logLines('held', 10),
    );
    // Past the budget: every request is shed at once, with the signal and nothing read.
    const during = await pool(60, 20, () => postLogs(logLines('shed', 5)));
    for (const res of during) {
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe(retryAfter);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe('ingest_overloaded');
    }

    // While every slot of the channel is taken, the clocks move past an escalation step and an SLA warning: each
    // fires on its first tick, and the channel is still full after both ticks.
    t.clock.set(t.clock.now() + 31 * 60_000);
    const escalations = await runEscalations(t.ctx);
    const sla = await runEscalationCycle(t.ctx);
    expect(escalations.paged).toBe(1);
    expect(sla.fired).toBeGreaterThanOrEqual(1);
    const warnings = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('type', '=', 'ticket.sla_warning')
      .where('subject_id', '=', String(ticket.body.id))
      .execute();
    expect(warnings).toHaveLength(1);
    const incident = await t.ctx.db
      .selectFrom('incidents')
      .select(['id', 'next_escalation_at'])
      .where('id', '=', opened.incident.id)
      .executeTakeFirstOrThrow();
    expect(incident.next_escalation_at).not.toBeNull();
    expect(await metricValue(base, 'opsdesk_ingest_in_flight', 'logs')).toBe(inFlight);
    expect(await metricValue(base, 'opsdesk_ingest_queued', 'logs')).toBe(queued);

    // The held uploads finish and are stored, in full.
    const finished = await Promise.all(held.map((h) => h.finish()));
    for (const f of finished) {
      expect(f.status, f.body).toBe(200);
      expect(JSON.parse(f.body).accepted).toBe(10);
    }

    // An open flood: every answer is taken (200) or shed (429 with Retry-After), and what was taken is stored.
    const sent = 150;
    const flood = await pool(sent, 24, async () => {
      const res = await postLogs(logLines('flood', 20));
      const body = await res.json();
      return { status: res.status, retry: res.headers.get('retry-after'), accepted: body.accepted ?? 0 };
    });
    for (const r of flood) {
      expect([200, 429]).toContain(r.status);
      if (r.status === 429) expect(r.retry).toBe(retryAfter);
    }
    const accepted = flood.filter((r) => r.status === 200);
    // Recovered: once the flood stops, every request is taken.
    for (let i = 0; i < 5; i++) expect((await postLogs(logLines('after', 2))).status).toBe(200);

    expect(await storedLogs('held')).toBe(held.length * 10);
    expect(await storedLogs('shed')).toBe(0);
    expect(await storedLogs('flood')).toBe(accepted.reduce((n, r) => n + r.accepted, 0));
    expect(await storedLogs('after')).toBe(10);
    figures.push({
      dialect,
      channel: 'HTTP logs (held)',
      sent: during.length + held.length,
      shed: during.length,
      accepted: held.length,
      stored: (await storedLogs('held')) / 10,
      signal: `429, Retry-After: ${retryAfter}`,
    });
    figures.push({
      dialect,
      channel: 'HTTP logs (flood)',
      sent,
      shed: sent - accepted.length,
      accepted: accepted.length,
      stored: (await storedLogs('flood')) / 20,
      signal: `429, Retry-After: ${retryAfter}`,
    });
  }, 60_000);

  it('remote-write: 429 with Retry-After past its budget; everything taken is stored; recovers', async () => {
    const now = t.clock.now();
    const write = (tag: string, i: number) =>
      snappyCompress(
        encodeWriteRequest([
          { labels: { __name__: 'overload_probe', run: tag, n: String(i) }, timestamps: [now], values: [i] },
        ]),
      );
    const headers = {
      ...auth(),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    };
    const post = (body: Buffer) =>
      fetch(`${base}/api/v1/prom/write`, { method: 'POST', headers, body: bytes(body) });
    const held = await holdChannel('remote_write', '/api/v1/prom/write', headers, (i) => write('held', i));
    const during = await pool(40, 20, (i) => post(write('shed', i)));
    for (const res of during) {
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe(retryAfter);
    }
    // Another channel's budget is its own: the log endpoint takes requests while remote-write is full.
    expect((await postLogs(logLines('beside', 1))).status).toBe(200);
    const finished = await Promise.all(held.map((h) => h.finish()));
    for (const f of finished) expect(f.status, f.body).toBe(204);

    const sent = 100;
    const flood = await pool(sent, 24, async (i) => {
      const res = await post(write('flood', i));
      await res.arrayBuffer();
      return { status: res.status, retry: res.headers.get('retry-after'), i };
    });
    for (const r of flood) {
      expect([204, 429]).toContain(r.status);
      if (r.status === 429) expect(r.retry).toBe(retryAfter);
    }
    expect((await post(write('after', 0))).status).toBe(204);
    const count = async (run: string) => {
      const q = encodeURIComponent(`count(overload_probe{run="${run}"})`);
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/prom/query?query=${q}&time=${now / 1000}`,
        headers: auth(),
      });
      expect(res.statusCode, res.body).toBe(200);
      const result = res.json().data.result as { value: [number, string] }[];
      return result.length === 0 ? 0 : Number(result[0]!.value[1]);
    };
    const accepted = flood.filter((r) => r.status === 204).length;
    expect(await count('held')).toBe(held.length);
    expect(await count('shed')).toBe(0);
    expect(await count('flood')).toBe(accepted);
    expect(await count('after')).toBe(1);
    figures.push({
      dialect,
      channel: 'remote-write (flood)',
      sent,
      shed: sent - accepted,
      accepted,
      stored: await count('flood'),
      signal: `429, Retry-After: ${retryAfter}`,
    });
  }, 60_000);

  const mailInbound = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('mail_inbound')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('SMTP: 421 past its connections and 451 past its budget, seen by real clients; every 250 stored; recovers', async () => {
    // Every client slot taken by idle connections: a real client is told 421 and tries later.
    const idle = await Promise.all(
      Array.from(
        { length: smtpMaxClients },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(smtp.port, '127.0.0.1');
            s.once('data', () => resolve(s));
          }),
      ),
    );
    const refused = await swaks(smtp.port, ['--to', 'helpdesk@opsdesk.local', '--from', 'a@example.test']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/<\*\* 421 /);
    for (const s of idle) s.destroy();
    await until('the idle connections closed', async () => {
      const r = await swaks(smtp.port, ['--to', 'helpdesk@opsdesk.local', '--from', 'b@example.test']);
      return r.code === 0;
    });

    const before = await mailInbound();
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      pool: false,
    });
    const send = (i: number) =>
      transport
        .sendMail({
          from: `sender${i}@example.test`,
          to: 'helpdesk@opsdesk.local',
          subject: `Flood ${i}`,
          text: `Message ${i}`,
        })
        .then(
          (info) => ({ code: Number(info.response.slice(0, 3)), command: '' }),
          (err: { responseCode?: number; command?: string }) => ({
            code: err.responseCode ?? 0,
            command: err.command ?? '',
          }),
        );
    let deterministicShed = 0;
    if (locker) {
      // The store itself stalls: two messages hold the slots, four wait, the rest are told 451 at the end of DATA;
      // once the queue is full, a new one is told 451 at MAIL FROM, before it sends its message.
      const unlock = await lockTable('mail_inbound');
      const stalled = Array.from({ length: inFlight + queued + 4 }, (_, i) => send(1000 + i));
      await until(
        'smtp full',
        async () => (await metricValue(base, 'opsdesk_ingest_queued', 'smtp')) === queued,
      );
      const early = await send(2000);
      expect(early).toEqual({ code: 451, command: 'MAIL FROM' });
      await unlock();
      const answers = await Promise.all(stalled);
      expect(answers.filter((a) => a.code === 250)).toHaveLength(inFlight + queued);
      expect(answers.filter((a) => a.code === 451)).toHaveLength(4);
      deterministicShed = 5;
    }
    const sent = 30;
    const flood = await pool(sent, 10, (i) => send(i));
    for (const a of flood) expect([250, 451]).toContain(a.code);
    const accepted = flood.filter((a) => a.code === 250).length;
    // Recovered.
    expect((await send(9999)).code).toBe(250);
    transport.close();
    const stored = (await mailInbound()) - before;
    const acceptedAll = accepted + (locker ? inFlight + queued : 0) + 1;
    expect(stored).toBe(acceptedAll);
    figures.push({
      dialect,
      channel: 'SMTP',
      sent: sent + (locker ? inFlight + queued + 5 : 0) + 1,
      shed: sent - accepted + deterministicShed,
      accepted: acceptedAll,
      stored,
      signal: '421 (connections), 451 4.3.2 (budget)',
    });
  }, 60_000);

  it('syslog: TCP is read no faster than the store takes it (back-pressure, nothing lost); UDP drops are counted', async () => {
    const tcpBefore = syslog.stats();
    const records = 20_000;
    const line = (i: number) => `<134>1 2026-03-02T09:00:00Z flood tcpflood - - - record ${i} of the flood\n`;
    const client = net.connect(syslog.tcpPort!, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    for (let i = 0; i < records; i += 2000) {
      const chunk = Array.from({ length: Math.min(2000, records - i) }, (_, j) => line(i + j)).join('');
      if (!client.write(chunk)) await new Promise((r) => client.once('drain', r));
    }
    await new Promise<void>((resolve) => client.end(() => resolve()));
    await until('every TCP record stored', async () => (await storedLogs('tcpflood')) === records, 2000);
    expect(syslog.stats().readsPaused).toBeGreaterThan(tcpBefore.readsPaused);

    let udpStall: (() => Promise<void>) | null = null;
    if (locker) udpStall = await lockTable('log_records');
    const udp = dgram.createSocket('udp4');
    const datagrams = 3000;
    const udpBefore = syslog.stats();
    for (let i = 0; i < datagrams; i++) {
      await new Promise<void>((resolve) =>
        udp.send(
          `<134>1 2026-03-02T09:00:00Z flood udpflood - - - datagram ${i}`,
          syslog.udpPort!,
          '127.0.0.1',
          () => resolve(),
        ),
      );
    }
    udp.close();
    // On PostgreSQL the store is stalled, so past its queue the listener must drop (and count) what it reads.
    if (udpStall) {
      await until('a datagram dropped', () => syslog.stats().udpDropped > udpBefore.udpDropped);
      await udpStall();
    }
    // What the listener read is either taken or dropped (the kernel may drop more, unseen): wait until it has read
    // them all, or reads no more; then what it took is stored.
    const udpRead = () => {
      const s = syslog.stats();
      return s.accepted - udpBefore.accepted + (s.udpDropped - udpBefore.udpDropped);
    };
    let seen = -1;
    let still = 0;
    await until('the listener reads no more datagrams', () => {
      const now = udpRead();
      still = now === seen ? still + 1 : 0;
      seen = now;
      return now === datagrams || (now > 0 && still >= 20);
    });
    const udpTaken = () => syslog.stats().accepted - udpBefore.accepted;
    await until(
      'every UDP record taken stored',
      async () => (await storedLogs('udpflood')) === udpTaken(),
      2000,
    );
    const after = syslog.stats();
    const udpAccepted = after.accepted - udpBefore.accepted;
    const udpDropped = after.udpDropped - udpBefore.udpDropped;
    expect(udpAccepted + udpDropped).toBeGreaterThan(0);
    expect(udpAccepted + udpDropped).toBeLessThanOrEqual(datagrams);
    expect(await storedLogs('udpflood')).toBe(udpAccepted);
    figures.push({
      dialect,
      channel: 'syslog TCP',
      sent: records,
      shed: 0,
      accepted: records,
      stored: await storedLogs('tcpflood'),
      signal: `back-pressure: reads paused ${after.readsPaused - tcpBefore.readsPaused}×`,
    });
    figures.push({
      dialect,
      channel: 'syslog UDP',
      sent: datagrams,
      shed: udpDropped,
      accepted: udpAccepted,
      stored: await storedLogs('udpflood'),
      signal: 'dropped, counted (udp_dropped)',
    });
  }, 60_000);

  it('the resident size stayed under its bound while flooded', () => {
    const grewMb = (rss.peak() - baselineRss) / 1_048_576;
    figures.push({
      dialect,
      channel: `RSS: ${Math.round(baselineRss / 1_048_576)} MB at rest, +${Math.round(grewMb)} MB at the peak`,
      sent: 0,
      shed: 0,
      accepted: 0,
      stored: 0,
      signal: `bound +${rssAllowanceMb} MB`,
    });
    expect(grewMb).toBeLessThan(rssAllowanceMb);
  });
});

describe('the whole service past its threshold', () => {
  let t: Awaited<ReturnType<typeof makeContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  beforeAll(async () => {
    // A heap threshold every process is past: each request but health and /metrics is shed.
    t = await makeContext('sqlite', {
      OPSDESK_OVERLOAD_HEAP_MB: '1',
      OPSDESK_OVERLOAD_RETRY_AFTER_SECONDS: '7',
    });
    app = await buildApp(t.ctx);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('answers 503 service_overloaded with Retry-After, and still answers health and /metrics', async () => {
    await until('the first load sample', async () => (await fetch(`${base}/api/v1/tickets`)).status === 503);
    const res = await fetch(`${base}/api/v1/tickets`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await res.json()).code).toBe('service_overloaded');
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/opsdesk_requests_shed_total\{channel="service",reason="heapUsedBytes"\} [1-9]/);
  });
});

afterAll(() => {
  const rows = figures.map(
    (f) =>
      `| ${f.dialect} | ${f.channel} | ${f.sent || ''} | ${f.sent ? f.shed : ''} | ${f.sent ? f.accepted : ''} | ${f.sent ? f.stored : ''} | ${f.signal} |`,
  );
  console.log(
    [
      'overload figures:',
      '| database | channel | sent | shed | accepted | stored | signal |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- |',
      ...rows,
    ].join('\n'),
  );
});
