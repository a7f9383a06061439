// The retry of stored mail left unprocessed, with several instances on one PostgreSQL database: two service
// contexts on the same schema race processStuckInbound, and each mail is filed once. (SQLite is one instance
// per database file, so the race has no second side there; the single-instance retry runs on both below.)
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/core/runtime.js';
import { processStuckInbound } from '../../src/mail/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { rawMail } from './mails.js';

async function storeStuck(t: TestContext, n: number, tag: string): Promise<void> {
  // Stored and acknowledged, then the instance died before processing: the row stays received.
  await t.ctx.db
    .insertInto('mail_inbound')
    .values(
      Array.from({ length: n }, (_, i) => {
        const raw = rawMail({ from: `user${i}@example.test`, subject: `${tag} ${i}` });
        return {
          source: 'smtp' as const,
          envelope_from: `user${i}@example.test`,
          envelope_to: '[]',
          raw,
          size_bytes: raw.length,
          status: 'received' as const,
          received_at: t.clock.now() - 120_000,
        };
      }),
    )
    .execute();
}

async function ticketsTitled(t: TestContext, tag: string): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom('tickets')
    .select('title')
    .where('title', 'like', `${tag} %`)
    .execute();
  return rows.map((r) => r.title).sort();
}

describe.each(dialects)('stuck inbound mail on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect, { OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test' });
  });
  afterAll(async () => t?.close());

  it('a mail left received is filed by the retry job, once', async () => {
    await storeStuck(t, 3, 'Stuck');
    expect(await processStuckInbound(t.ctx)).toBe(3);
    expect(await processStuckInbound(t.ctx)).toBe(0);
    expect(await ticketsTitled(t, 'Stuck')).toEqual(['Stuck 0', 'Stuck 1', 'Stuck 2']);
  });
});

describe('two instances on one PostgreSQL schema', () => {
  let t: TestContext;
  let second: Awaited<ReturnType<typeof openContext>>;
  beforeAll(async () => {
    t = await makeContext('postgres', { OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test' });
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(t.ctx.db)).rows[0].s;
    second = await openContext(t.config, {
      clock: t.clock,
      log: pino({ level: 'silent' }),
      pgSchema: schema,
      migrate: false,
    });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('racing retry jobs file each stuck mail once', async () => {
    const n = 30;
    await storeStuck(t, n, 'Race');
    const [a, b] = await Promise.all([
      processStuckInbound(t.ctx, 60_000, n),
      processStuckInbound(second.ctx, 60_000, n),
    ]);
    const titles = await ticketsTitled(t, 'Race');
    expect(titles).toHaveLength(n);
    expect(new Set(titles).size).toBe(n);
    expect(a + b).toBe(n);
    const comments = await t.ctx.db.selectFrom('comments').select('id').execute();
    expect(comments).toHaveLength(0);
  });
});
