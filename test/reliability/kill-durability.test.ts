// kill -9 under load, on both databases: a real `opsdesk serve` takes tickets over HTTP (API tokens), mail over SMTP
// (nodemailer), samples over remote-write (snappy protobuf), syslog over TCP and log lines over HTTP, all at once,
// each write carrying a unique marker; the process is killed at a seeded random moment, started again on the same
// database, and what the clients were acknowledged is compared with what is stored. Every acknowledged write must be
// stored (lost = 0); unacknowledged writes (in flight at the kill) may or may not be, and are counted. The figures are
// printed per round and in all (README, Durability). OPSDESK_KILL_SEED replays a run; OPSDESK_KILL_ROUNDS sets the
// rounds.
//
// What counts as acknowledged, per channel: HTTP 201 (tickets), 204 (remote-write) and 200 (logs) received; SMTP 250
// to DATA; syslog over TCP, which has no acknowledgement, a connection's lines once the sender shut its side and saw
// opsdesk close its own before the kill was sent (opsdesk closes only after committing what it read; after the kill
// the kernel's close looks the same, so a close seen then is not counted: docs/syslog.md).
import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { actorForUser, createApiToken, createUser } from '../../src/core/auth/index.js';
import { openDatabase } from '../../src/core/db/index.js';
import { sqliteFileOf } from '../../src/core/runtime.js';
import { encodeWriteRequest, snappyCompress } from '../../src/monitoring/remote-write.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { call, type Instance, listenerPorts, password, schemaOf, serve } from '../support/instances.js';

const rounds = Number(process.env.OPSDESK_KILL_ROUNDS ?? 3);
const seed = Number(process.env.OPSDESK_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const channels = ['tickets', 'smtp', 'remote-write', 'syslog', 'http-logs'] as const;
type Channel = (typeof channels)[number];

/** A small seeded generator (mulberry32): the kill moments and syslog batch sizes of a run replay from its seed. */
function seeded(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One channel's writes in one round, by marker. */
interface Tally {
  sent: Set<string>;
  acked: Set<string>;
  /** Failures before the kill: a refusal, not the crash (there must be none). */
  failedBeforeKill: string[];
}

interface Figures {
  sent: number;
  acked: number;
  storedAcked: number;
  lost: number;
  unackedStored: number;
}

const newTally = (): Tally => ({ sent: new Set(), acked: new Set(), failedBeforeKill: [] });

describe.each(dialects)('kill -9 under load on %s', (dialect) => {
  let t: TestContext | undefined;
  let running: Instance | null = null;

  afterAll(async () => {
    running?.child.kill('SIGKILL');
    await t?.close();
  });

  it('stores every write it acknowledged, on every channel, whenever it is killed', async () => {
    // Two generators: the kill moments replay exactly, whatever order the lanes draw their batch sizes in.
    const killMoments = seeded(seed + (dialect === 'sqlite' ? 0 : 1));
    const batchSizes = seeded(seed + (dialect === 'sqlite' ? 2 : 3));
    t = await makeContext(dialect);
    const requester = await createUser(t.ctx, null, {
      email: 'requester@durability.test',
      name: 'Requester',
      role: 'requester',
      password,
    });
    const technician = await createUser(t.ctx, null, {
      email: 'prometheus@durability.test',
      name: 'Prometheus',
      role: 'technician',
      password,
    });
    const ticketToken = (
      await createApiToken(t.ctx, actorForUser({ ...requester, groupIds: [] }), { name: 'durability' })
    ).token;
    const writeToken = (
      await createApiToken(t.ctx, actorForUser({ ...technician, groupIds: [] }), { name: 'remote-write' })
    ).token;
    const env: Record<string, string> = {
      OPSDESK_DATA_DIR: t.dataDir,
      PORT: '0',
      OPSDESK_DEMO: '0',
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_SYSLOG_PORT: '0',
      OPSDESK_LOG_LEVEL: 'warn',
      OPSDESK_MAIL_ALLOWED_DOMAINS: '*',
      OPSDESK_MAIL_SENDER_MAX_PER_HOUR: '100000',
      ...(dialect === 'postgres'
        ? { DATABASE_URL: t.config.databaseUrl as string, DATABASE_SCHEMA: schemaOf(t.ctx) }
        : {}),
    };
    // SQLite: the test's own connection closes, so that each start after a kill recovers the file (WAL) alone.
    if (dialect === 'sqlite') await t.ctx.db.destroy();
    const where =
      dialect === 'postgres'
        ? { databaseUrl: t.config.databaseUrl as string, pgSchema: schemaOf(t.ctx) }
        : { databaseUrl: null, sqliteFile: sqliteFileOf(t.config) };
    // Read by a connection of the test's own, opened after the restart and closed before the next round.
    const readStored = async (prefix: string) => {
      const handle = await openDatabase(where);
      try {
        const db = handle.db;
        const tickets = await db
          .selectFrom('tickets')
          .select('title')
          .where('title', 'like', `${prefix}%`)
          .execute();
        const mails = await db.selectFrom('mail_inbound').select('raw').execute();
        const logs = await db
          .selectFrom('log_records')
          .select('message')
          .where('message', 'like', `${prefix}%`)
          .execute();
        const messageIds = mails.flatMap((m) => {
          const id = /^Message-ID:\s*<([^@>]+)@/im.exec(Buffer.from(m.raw ?? []).toString('latin1'))?.[1];
          return id?.startsWith(prefix) ? [id] : [];
        });
        return {
          tickets: tickets.map((r) => r.title),
          smtp: messageIds,
          logs: logs.map((r) => r.message),
        };
      } finally {
        await handle.close();
      }
    };

    const totals = Object.fromEntries(
      channels.map((c) => [c, { sent: 0, acked: 0, storedAcked: 0, lost: 0, unackedStored: 0 }]),
    ) as Record<Channel, Figures>;
    running = await serve(env);
    for (let round = 1; round <= rounds; round++) {
      const prefix = `dur-r${round}-`;
      const instance = running;
      const ports = listenerPorts(instance);
      const tallies = Object.fromEntries(channels.map((c) => [c, newTally()])) as Record<Channel, Tally>;
      let killed = false;
      const failed = (tally: Tally, marker: string, why: unknown) => {
        if (!killed) tally.failedBeforeKill.push(`${marker}: ${String(why)}`);
      };
      const sampleBase = Date.now();

      const ticketLane = async (lane: number) => {
        const tally = tallies.tickets;
        for (let n = 0; !killed; n++) {
          const marker = `${prefix}t${lane}-${n}`;
          tally.sent.add(marker);
          try {
            const r = await call(instance.url, 'POST', '/api/v1/tickets', ticketToken, {
              title: marker,
              description: 'Filed while the process may die.',
            });
            if (r.status === 201) tally.acked.add(marker);
            else failed(tally, marker, `${r.status} ${JSON.stringify(r.body)}`);
          } catch (err) {
            failed(tally, marker, err);
          }
        }
      };
      const smtpLane = async (lane: number) => {
        const tally = tallies.smtp;
        const transport = nodemailer.createTransport({
          host: '127.0.0.1',
          port: ports.smtp,
          secure: false,
          ignoreTLS: true,
          connectionTimeout: 10_000,
          socketTimeout: 20_000,
        });
        for (let n = 0; !killed; n++) {
          const marker = `${prefix}m${lane}-${n}`;
          tally.sent.add(marker);
          try {
            const info = await transport.sendMail({
              from: 'requester@durability.test',
              to: 'helpdesk@opsdesk.local',
              subject: `Printer ${marker}`,
              text: `Mail ${marker}, sent while the process may die.`,
              messageId: `<${marker}@durability.test>`,
            });
            if (/^250 /.test(info.response)) tally.acked.add(marker);
            else failed(tally, marker, info.response);
          } catch (err) {
            failed(tally, marker, err);
          }
        }
        transport.close();
      };
      // One series per lane, one new sample per request (value = the request's number): a stored value is a
      // stored request.
      const remoteWriteLane = async (lane: number) => {
        const tally = tallies['remote-write'];
        for (let n = 0; !killed; n++) {
          const marker = `${prefix}w${lane}-${n}`;
          tally.sent.add(marker);
          const body = snappyCompress(
            encodeWriteRequest([
              {
                labels: { __name__: 'opsdesk_durability', round: String(round), lane: String(lane) },
                timestamps: [sampleBase + n],
                values: [n],
              },
            ]),
          );
          try {
            const res = await fetch(`${instance.url}/api/v1/prom/write`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${writeToken}`,
                'content-type': 'application/x-protobuf',
                'content-encoding': 'snappy',
                'x-prometheus-remote-write-version': '0.1.0',
              },
              body: new Uint8Array(body),
            });
            await res.arrayBuffer();
            if (res.status === 204) tally.acked.add(marker);
            else failed(tally, marker, res.status);
          } catch (err) {
            failed(tally, marker, err);
          }
        }
      };
      const syslogLane = async (lane: number) => {
        const tally = tallies.syslog;
        for (let c = 0; !killed; c++) {
          const size = 1 + Math.floor(batchSizes() * 10);
          const markers = Array.from({ length: size }, (_, i) => `${prefix}s${lane}-${c}-${i}`);
          for (const m of markers) tally.sent.add(m);
          const lines = markers.map(
            (m) => `<134>1 ${new Date().toISOString()} kill-test durability - - - ${m}\n`,
          );
          const closedByServer = await sendAndShut(ports.syslog, lines.join(''), () => killed);
          if (closedByServer === 'acknowledged') for (const m of markers) tally.acked.add(m);
          else if (closedByServer !== 'after-kill') failed(tally, markers[0] as string, closedByServer);
        }
      };

      // The log endpoint, syslog's acknowledged alternative: five lines a request, 200 when all were stored.
      const httpLogLane = async (lane: number) => {
        const tally = tallies['http-logs'];
        for (let n = 0; !killed; n++) {
          const markers = Array.from({ length: 5 }, (_, i) => `${prefix}l${lane}-${n}-${i}`);
          for (const m of markers) tally.sent.add(m);
          try {
            const res = await fetch(`${instance.url}/api/v1/logs`, {
              method: 'POST',
              headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/x-ndjson' },
              body: markers.map((m) => JSON.stringify({ app: 'durability', message: m })).join('\n'),
            });
            const body = (await res.json()) as { accepted?: number };
            if (res.status === 200 && body.accepted === markers.length)
              for (const m of markers) tally.acked.add(m);
            else failed(tally, markers[0] as string, `${res.status} ${JSON.stringify(body)}`);
          } catch (err) {
            failed(tally, markers[0] as string, err);
          }
        }
      };

      const lanes = [
        ...[0, 1, 2, 3].map(ticketLane),
        ...[0, 1].map(smtpLane),
        ...[0, 1].map(remoteWriteLane),
        ...[0, 1, 2, 3, 4, 5].map(syslogLane),
        httpLogLane(0),
      ];
      // The kill: once every channel has had an acknowledgement, after a seeded random wait.
      const delayMs = Math.round(300 + killMoments() * 2_000);
      const until = Date.now() + 60_000;
      while (channels.some((c) => tallies[c].acked.size === 0) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, delayMs));
      const exited = new Promise((r) => instance.child.once('exit', r));
      killed = true;
      instance.child.kill('SIGKILL');
      await exited;
      await Promise.all(lanes);
      running = null;

      // Start again on the same database, and compare.
      const restartAt = Date.now();
      running = await serve(env);
      const restartMs = Date.now() - restartAt;
      const stored = await readStored(prefix);
      const samples = await storedSamples(running.url, writeToken, round);
      const storedBy: Record<Channel, string[]> = {
        tickets: stored.tickets,
        smtp: stored.smtp,
        'remote-write': samples.map(([lane, n]) => `${prefix}w${lane}-${n}`),
        syslog: stored.logs.filter((m) => m.startsWith(`${prefix}s`)),
        'http-logs': stored.logs.filter((m) => m.startsWith(`${prefix}l`)),
      };
      const line: string[] = [];
      for (const c of channels) {
        const tally = tallies[c];
        expect(tally.failedBeforeKill, `${c}: failures before the kill`).toEqual([]);
        const have = new Set(storedBy[c]);
        // Nothing stored twice, nothing stored that was not sent.
        expect(storedBy[c].length, `${c}: stored once each`).toBe(have.size);
        for (const m of have) expect(tally.sent.has(m), `${c}: ${m} was sent`).toBe(true);
        const lost = [...tally.acked].filter((m) => !have.has(m));
        const f: Figures = {
          sent: tally.sent.size,
          acked: tally.acked.size,
          storedAcked: tally.acked.size - lost.length,
          lost: lost.length,
          unackedStored: [...have].filter((m) => !tally.acked.has(m)).length,
        };
        for (const k of Object.keys(f) as (keyof Figures)[]) totals[c][k] += f[k];
        line.push(
          `${c} ${f.acked} acked / ${f.storedAcked} stored / ${f.lost} lost / ${f.unackedStored} unacked stored`,
        );
        expect(lost, `${c}: acknowledged and lost (seed ${seed}, round ${round})`).toEqual([]);
      }
      console.log(
        `[kill-durability] ${dialect} seed ${seed} round ${round} (killed ${delayMs} ms into the load, up again in ${restartMs} ms): ${line.join('; ')}`,
      );
    }
    for (const c of channels) {
      const f = totals[c];
      console.log(
        `[kill-durability] ${dialect} seed ${seed} ${rounds} rounds | ${c} | sent ${f.sent} | acked ${f.acked} | acked and stored ${f.storedAcked} | lost ${f.lost} | unacked but stored ${f.unackedStored}`,
      );
      expect(f.acked).toBeGreaterThan(0);
    }
  }, 240_000);
});

/**
 * Sends `data` on a new syslog TCP connection, shuts the sending side and waits for the server to close its own.
 * 'acknowledged' when that close came, cleanly, before the kill; 'after-kill' when the outcome came after it
 * (whatever it was); otherwise what went wrong.
 */
function sendAndShut(port: number, data: string, killed: () => boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const settle = (outcome: string) => {
      resolve(killed() ? 'after-kill' : outcome);
      socket.destroy();
    };
    socket.on('connect', () => {
      socket.end(data);
    });
    socket.on('data', () => {});
    // The server's FIN, read after everything it sent: its close.
    socket.on('end', () => settle('acknowledged'));
    socket.on('error', (err) => settle(`error ${err.message}`));
    socket.on('close', () => settle('closed without the server closing its side'));
  });
}

/** The samples of a round's series, read back through the restarted instance's PromQL API: [lane, value]. */
async function storedSamples(url: string, token: string, round: number): Promise<[string, number][]> {
  const query = encodeURIComponent(`opsdesk_durability{round="${round}"}[1h]`);
  const r = await call(url, 'GET', `/api/v1/prom/query?query=${query}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const result = r.body.data.result as { metric: Record<string, string>; values: [number, string][] }[];
  return result.flatMap((s) =>
    s.values.map(([, v]) => [s.metric.lane as string, Number(v)] as [string, number]),
  );
}
