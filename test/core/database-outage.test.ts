// When the database goes away the API says so: 503 problem+json database_unavailable with Retry-After, not a
// 500 internal_error, and the pool's errors are logged, not dropped. PostgreSQL is reached through a TCP
// proxy that the test shuts down (the server "goes away"); SQLite's busy and I/O errors are classified alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { isDatabaseUnavailable } from '../../src/core/db/index.js';
import { makeContext, postgresUrl, type TestContext } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.js';

describe('a PostgreSQL outage', () => {
  let proxy: TcpProxy;
  let t: TestContext;
  let app: FastifyInstance;
  let admin: Session;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    proxy = await startProxy(postgresUrl);
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    t = await makeContext('postgres', { DATABASE_URL: proxy.url }, { log: pino({ level: 'warn' }, sink) });
    app = await buildApp(t.ctx);
    await app.ready();
    admin = await userSession(app, t.ctx, 'admin');
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('answers 503 database_unavailable with Retry-After, and logs the pool error', async () => {
    expect((await admin.call('GET', '/api/v1/tickets')).status).toBe(200);
    await proxy.stop();

    for (const url of ['/api/v1/tickets', '/api/v1/users']) {
      const res = await admin.call('GET', url);
      expect(res.status, url).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('database_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'someone@example.test', password: 'whatever it is' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.json().code).toBe('database_unavailable');

    // The pool's idle connections broke when the server went away: that is logged, not swallowed.
    expect(logLines.some((l) => String(l.msg).includes('database pool'))).toBe(true);
  });
});

describe('SQLite errors that mean the database is unavailable', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-busy-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a busy database file (another process holds the write lock) is unavailable, a bad query is not', () => {
    const file = path.join(dir, 'busy.db');
    const holder = new SqliteDatabase(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE t (x INTEGER)');
    const other = new SqliteDatabase(file);
    other.pragma('busy_timeout = 0');
    holder.exec('BEGIN EXCLUSIVE');
    let busy: unknown;
    try {
      other.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      busy = err;
    }
    holder.exec('ROLLBACK');
    expect((busy as { code?: string }).code).toBe('SQLITE_BUSY');
    expect(isDatabaseUnavailable(busy)).toBe(true);

    let bad: unknown;
    try {
      other.exec('SELECT nope FROM t');
    } catch (err) {
      bad = err;
    }
    expect(isDatabaseUnavailable(bad)).toBe(false);
    other.close();
    let closed: unknown;
    try {
      other.exec('SELECT 1');
    } catch (err) {
      closed = err;
    }
    expect(isDatabaseUnavailable(closed)).toBe(true);
    holder.close();
  });
});
