// Work one instance at a time (runExclusively, runInTurn) on PostgreSQL, straight to the server and through
// PgBouncer in transaction mode, where a session's state (a session advisory lock) would stay behind on a server
// connection that the next client's transaction gets: the lock is a transaction's, held while the work runs, so
// it is right through the pooler too. Six handles stand for six instances; a killed holder frees the work.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, openDatabase } from '../../src/core/db/index.js';
import { lockKey, runExclusively, runInTurn } from '../../src/core/exclusive-work.js';
import { type Bouncer, startBouncer } from '../support/pgbouncer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['direct', 'through PgBouncer (transaction mode)'] as const)(
  'exclusive work on PostgreSQL, %s',
  (way) => {
    let bouncer: Bouncer;
    let handles: DbHandle[] = [];
    beforeAll(async () => {
      bouncer = await startBouncer({ poolSize: 3 });
      const url = way === 'direct' ? bouncer.directUrl : bouncer.url;
      handles = await Promise.all(
        Array.from({ length: 6 }, () => openDatabase({ databaseUrl: url, poolSize: 2 })),
      );
    }, 60_000);
    afterAll(async () => {
      for (const h of handles) await h.close();
      await bouncer?.stop();
    });

    it('is run by one instance while the others skip it, and by the next one after', async () => {
      if (way !== 'direct') {
        // The pooler shares server connections: six clients' queries land on at most its pool's three backends.
        const pids = await Promise.all(
          handles.map(
            async (h) =>
              (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(h.db)).rows[0]!.pid,
          ),
        );
        expect(new Set(pids).size).toBeLessThanOrEqual(bouncer.poolSize);
      }
      let running = 0;
      let most = 0;
      const results = await Promise.all(
        handles.map((h) =>
          runExclusively(h, 'probe-round', async () => {
            running++;
            most = Math.max(most, running);
            await sleep(300);
            running--;
            return 'done';
          }),
        ),
      );
      expect(results.filter((r) => r.ran)).toEqual([{ ran: true, value: 'done' }]);
      expect(most).toBe(1);
      expect(await runExclusively(handles[5]!, 'probe-round', async () => 'again')).toEqual({
        ran: true,
        value: 'again',
      });
    });

    it('taken in turn, every instance runs it, never two at once', async () => {
      let running = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(
        handles.map((h, i) =>
          runInTurn(h, 'probe-turn', async () => {
            running++;
            most = Math.max(most, running);
            await sleep(50);
            order.push(i);
            running--;
          }),
        ),
      );
      expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(most).toBe(1);
    });

    it('the holder killed, another instance takes the work at once', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let started!: () => void;
      const begun = new Promise<void>((r) => {
        started = r;
      });
      const first = runExclusively(handles[0]!, 'probe-kill', async () => {
        started();
        await held;
      });
      await begun;
      expect((await runExclusively(handles[1]!, 'probe-kill', async () => 'no')).ran).toBe(false);
      // kill -9 of the holder's process ends its connections: here, its backend.
      const key = lockKey('probe-kill');
      const holders = await sql<{ pid: number }>`
      SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = ${0x6f70} AND objid = ${key >>> 0}
        AND granted`.execute(handles[2]!.db);
      expect(holders.rows).toHaveLength(1);
      await sql`SELECT pg_terminate_backend(${holders.rows[0]!.pid})`.execute(handles[2]!.db);
      expect(await runExclusively(handles[1]!, 'probe-kill', async () => 'yes')).toEqual({
        ran: true,
        value: 'yes',
      });
      release();
      // The killed holder learns its transaction is gone when it ends.
      await expect(first).rejects.toThrow();
    });
  },
);
