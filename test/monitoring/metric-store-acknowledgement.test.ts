// What an append acknowledges, on both databases: a sample equal to its series' newest is accepted without being
// stored again, so when that newest sample belongs to another append still writing (a sender's retry of a request
// under way), the repeat is acknowledged only once that write commits — and refused with it when it fails. Found
// reading the store for the kill suite (test/reliability/kill-durability.test.ts); the database refuses the write here
// (a trigger), so the outcome does not depend on timing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestSeries, type Labels, metricStore } from '../../src/monitoring/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const second = 1000;
const source = { key: 'remote_write:user:1', maxSeries: 1000 };

function series(labels: Labels, samples: [number, number][]): IngestSeries {
  return { labels, timestamps: samples.map((s) => s[0]), values: samples.map((s) => s[1]) };
}

describe.each(dialects)('metric store acknowledgements on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The database refuses every new write-ahead row until `allow`. */
  const refuseWrites = async () => {
    if (dialect === 'sqlite')
      await sql`CREATE TRIGGER refuse_metric_wal BEFORE INSERT ON metric_wal BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(
        t.ctx.db,
      );
    else {
      await sql`CREATE FUNCTION refuse_metric_wal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`.execute(
        t.ctx.db,
      );
      await sql`CREATE TRIGGER refuse_metric_wal BEFORE INSERT ON metric_wal FOR EACH ROW EXECUTE FUNCTION refuse_metric_wal()`.execute(
        t.ctx.db,
      );
    }
  };
  const allowWrites = async () => {
    if (dialect === 'sqlite') await sql`DROP TRIGGER refuse_metric_wal`.execute(t.ctx.db);
    else {
      await sql`DROP TRIGGER refuse_metric_wal ON metric_wal`.execute(t.ctx.db);
      await sql`DROP FUNCTION refuse_metric_wal()`.execute(t.ctx.db);
    }
  };

  it('a repeat of a sample another append is writing is acknowledged with that write, and refused when it fails', async () => {
    const store = metricStore(t.ctx);
    const now = t.clock.now();
    const labels = { __name__: 'ack_retry_total', job: 'prometheus' };
    expect(await store.append([series(labels, [[now - 2 * second, 1]])], source)).toEqual({
      accepted: 1,
      rejected: {},
    });
    const stored = async () =>
      (
        await store.select([{ name: '__name__', op: '=', value: 'ack_retry_total' }], now - 60 * second, now)
      ).map((s) => Array.from(s.timestamps, (ts, i) => [ts, s.values[i]]));

    await refuseWrites();
    try {
      // The first request's write fails; its retry, sent while it is under way, repeats its sample.
      const first = store.append([series(labels, [[now - second, 2]])], source);
      const retry = store.append([series(labels, [[now - second, 2]])], source);
      const [a, b] = await Promise.allSettled([first, retry]);
      expect(a.status).toBe('rejected');
      expect(b.status, 'the retry must not be acknowledged: its sample was never stored').toBe('rejected');
    } finally {
      await allowWrites();
    }
    expect(await stored()).toEqual([[[now - 2 * second, 1]]]);

    // Sent again, it is stored; and a repeat of a committed sample is acknowledged at once, stored once.
    expect(await store.append([series(labels, [[now - second, 2]])], source)).toEqual({
      accepted: 1,
      rejected: {},
    });
    const writing = store.append([series(labels, [[now, 3]])], source);
    const repeat = store.append([series(labels, [[now, 3]])], source);
    expect(await Promise.all([writing, repeat])).toEqual([
      { accepted: 1, rejected: {} },
      { accepted: 1, rejected: {} },
    ]);
    expect(await stored()).toEqual([
      [
        [now - 2 * second, 1],
        [now - second, 2],
        [now, 3],
      ],
    ]);
  });
});
