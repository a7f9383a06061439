// The live log tail over a real port, read by a real HTTP client: a record stored after the stream opened
// arrives, the filter applies, a demoted user's stream ends, and (PostgreSQL) records another instance stores
// reach this instance's tail, since the tail reads the shared table.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { type LogRecordInput, openLogIngest } from '../../src/logs/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

interface Stream {
  records: { id: number; message: string; host: string | null }[];
  ended: boolean;
  close(): void;
  waitFor(pred: (r: Stream['records'][number]) => boolean): Promise<Stream['records'][number]>;
  ends(): Promise<boolean>;
}

/** Wait for a condition the stream reader sets (bounded, so a failure reports instead of hanging). */
async function until(pred: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return pred();
}

async function open(base: string, token: string, query = ''): Promise<Stream> {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/logs/tail${query}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ac.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const s: Stream = {
    records: [],
    ended: false,
    close: () => ac.abort(),
    async waitFor(pred) {
      await until(() => s.records.some(pred));
      const r = s.records.find(pred);
      if (!r) throw new Error(`no matching record; got ${JSON.stringify(s.records.map((x) => x.message))}`);
      return r;
    },
    ends: () => until(() => s.ended),
  };
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let connected: () => void = () => {};
  const ready = new Promise<void>((r) => {
    connected = r;
  });
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          s.ended = true;
          return;
        }
        text += decoder.decode(value, { stream: true });
        for (;;) {
          const end = text.indexOf('\n\n');
          if (end < 0) break;
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          if (frame.includes(': connected')) connected();
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) s.records.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      s.ended = true;
    }
  })();
  // The stream is subscribed once it says so: records stored from here on arrive.
  await ready;
  return s;
}

function record(message: string, host: string): LogRecordInput {
  const now = Date.parse('2026-03-02T09:00:00Z');
  return {
    time: now,
    receivedAt: now,
    host,
    app: null,
    procId: null,
    msgId: null,
    severity: 6,
    facility: 1,
    message,
    structuredData: null,
    source: 'http',
    peer: null,
    truncated: false,
  };
}

describe.each(dialects)('live log tail on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let tech: Session;
  beforeAll(async () => {
    t = await makeApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    admin = await userSession(t.app, t.ctx, 'admin');
    tech = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => t?.close());

  it('needs staff', async () => {
    expect((await fetch(`${base}/api/v1/logs/tail`)).status).toBe(401);
    const requester = await userSession(t.app, t.ctx, 'requester');
    const res = await fetch(`${base}/api/v1/logs/tail`, {
      headers: { authorization: `Bearer ${requester.token}` },
    });
    expect(res.status).toBe(403);
    const bad = await fetch(`${base}/api/v1/logs/tail?severity=loud`, {
      headers: { authorization: `Bearer ${tech.token}` },
    });
    expect(bad.status).toBe(400);
  });

  it('sends the records stored after it opened that match its filter', async () => {
    await tech.call('POST', '/api/v1/logs', [{ message: 'before the tail', host: 'tail-a' }]);
    const all = await open(base, tech.token);
    const filtered = await open(base, tech.token, '?host=tail-b&q=%22disk%20full%22');
    try {
      await tech.call('POST', '/api/v1/logs', [
        { message: 'disk full on b', host: 'tail-a' },
        { message: 'disk nearly full on b', host: 'tail-b' },
        { message: 'disk full on b', host: 'tail-b' },
      ]);
      await all.waitFor((r) => r.message === 'disk full on b' && r.host === 'tail-b');
      expect(all.records.map((r) => r.message)).toEqual([
        'disk full on b',
        'disk nearly full on b',
        'disk full on b',
      ]);
      await filtered.waitFor((r) => r.host === 'tail-b');
      // The later record of the same poll arrived on the other stream, so this one has all it will get.
      expect(filtered.records.map((r) => [r.message, r.host])).toEqual([['disk full on b', 'tail-b']]);
      expect(all.records.some((r) => r.message === 'before the tail')).toBe(false);
    } finally {
      all.close();
      filtered.close();
    }
  });

  it("a demoted technician's stream ends", async () => {
    const other = await userSession(t.app, t.ctx, 'technician');
    const stream = await open(base, other.token);
    try {
      expect((await admin.call('PATCH', `/api/v1/users/${other.userId}`, { role: 'requester' })).status).toBe(
        200,
      );
      expect(await stream.ends()).toBe(true);
    } finally {
      stream.close();
    }
  });
});

// Several instances share a database only on PostgreSQL.
describe('live log tail across instances (postgres)', () => {
  let t: TestApp;
  let base: string;
  let tech: Session;
  beforeAll(async () => {
    t = await makeApp('postgres');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    tech = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => t?.close());

  it("another instance's records reach this instance's tail", async () => {
    const stream = await open(base, tech.token, '?host=elsewhere');
    const another = await t.openAnother(new ManualClock(t.clock.now()));
    const ingest = openLogIngest(another.ctx);
    try {
      await ingest.append([record('stored by the other instance', 'elsewhere')]);
      await stream.waitFor((r) => r.message === 'stored by the other instance');
    } finally {
      stream.close();
      await ingest.close();
      await another.close();
    }
  });
});
