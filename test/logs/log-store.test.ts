// The log store on both databases: what ingest acknowledges is searchable (words, phrases, filters, time ranges,
// stable cursor pages while records arrive), the histogram counts what is stored, the template rows and minute
// counts agree with what was ingested (a property over random batches), and retention deletes by age and by size.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import {
  type LogIngest,
  type LogRecordInput,
  logHistogram,
  openLogIngest,
  searchLogs,
  sweepLogRetention,
} from '../../src/logs/index.js';
import { createTarget } from '../../src/monitoring/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const t0 = Date.parse('2026-03-02T09:00:00Z');

function record(message: string, over: Partial<LogRecordInput> = {}): LogRecordInput {
  return {
    time: t0,
    receivedAt: t0,
    host: 'web-01',
    app: 'nginx',
    procId: null,
    msgId: null,
    severity: 6,
    facility: 1,
    message,
    structuredData: null,
    source: 'http',
    peer: 'test',
    truncated: false,
    ...over,
  };
}

describe.each(dialects)('log store on %s', (dialect) => {
  let t: TestContext;
  let ingest: LogIngest;
  beforeAll(async () => {
    t = await makeContext(dialect);
    ingest = openLogIngest(t.ctx);
  });
  afterAll(async () => {
    await ingest?.close();
    await t?.close();
  });
  afterEach(async () => {
    // Each test starts from an empty store, so counts are the test's own.
    await t.ctx.db.deleteFrom('log_records').execute();
    await t.ctx.db.deleteFrom('log_postings').execute();
    await t.ctx.db.deleteFrom('log_host_minutes').execute();
    await t.ctx.db.deleteFrom('log_template_minutes').execute();
    await t.ctx.db.deleteFrom('log_template_hosts').execute();
    await t.ctx.db.deleteFrom('log_templates').execute();
    await t.ctx.db.updateTable('log_store_totals').set({ records: 0, bytes: 0 }).execute();
    await ingest.close();
    ingest = openLogIngest(t.ctx);
  });

  it('finds what was appended by words, phrases and filters, newest first', async () => {
    await ingest.append([
      record('Connection refused to db-02 port 5432', { host: 'web-01', severity: 3 }),
      record('connection reset by peer', { host: 'web-02', severity: 4, app: 'haproxy' }),
      record('User alice logged in from 10.0.0.7', { host: 'web-01', severity: 6, time: t0 + 60_000 }),
      record('disk /var is 91% full', { host: 'db-02', severity: 2, time: t0 + 120_000 }),
    ]);
    const messages = async (filter: Parameters<typeof searchLogs>[1]) =>
      (await searchLogs(t.ctx, filter, { limit: 50 })).records.map((r) => r.message);

    expect(await messages({ q: 'connection' })).toEqual([
      'connection reset by peer',
      'Connection refused to db-02 port 5432',
    ]);
    expect(await messages({ q: 'CONNECTION refused' })).toEqual(['Connection refused to db-02 port 5432']);
    expect(await messages({ q: '"reset by peer"' })).toEqual(['connection reset by peer']);
    // A phrase is a phrase: its words in another order do not match.
    expect(await messages({ q: '"peer by reset"' })).toEqual([]);
    expect(await messages({ q: 'db-02' })).toEqual(['Connection refused to db-02 port 5432']);
    expect(await messages({ q: '91%' })).toEqual(['disk /var is 91% full']);
    expect(await messages({ q: '10.0.0.7' })).toEqual(['User alice logged in from 10.0.0.7']);
    expect(await messages({ hosts: ['web-01'] })).toHaveLength(2);
    expect(await messages({ apps: ['haproxy'] })).toEqual(['connection reset by peer']);
    expect(await messages({ severities: [0, 1, 2, 3] })).toEqual([
      'disk /var is 91% full',
      'Connection refused to db-02 port 5432',
    ]);
    expect(await messages({ severities: [4] })).toEqual(['connection reset by peer']);
    expect(await messages({ from: t0 + 60_000, to: t0 + 120_000 })).toEqual([
      'User alice logged in from 10.0.0.7',
    ]);
    expect(await messages({ q: 'connection', hosts: ['web-02'] })).toEqual(['connection reset by peer']);
  });

  it('no query text reaches the engine as syntax', async () => {
    await ingest.append([record('plain words here'), record('quote " and (paren) * NEAR AND OR NOT')]);
    for (const q of [
      '"',
      '*',
      'AND',
      '(paren)',
      'NEAR(a b)',
      "'",
      '\\',
      '%',
      '_',
      '" OR "',
      '-x',
      'a:b',
      '^',
    ]) {
      const page = await searchLogs(t.ctx, { q }, { limit: 10 });
      for (const r of page.records)
        expect(r.message.toLowerCase()).toContain(q.replaceAll('"', '').toLowerCase().trim() || '');
    }
    expect((await searchLogs(t.ctx, { q: '%' }, { limit: 10 })).records).toEqual([]);
    expect((await searchLogs(t.ctx, { q: '(paren)' }, { limit: 10 })).records).toHaveLength(1);
  });

  it('cursor pages stay stable while records arrive', async () => {
    await ingest.append(Array.from({ length: 25 }, (_, i) => record(`job ${i} finished`, { time: t0 + i })));
    const first = await searchLogs(t.ctx, { q: 'finished' }, { limit: 10 });
    expect(first.records.map((r) => r.message)[0]).toBe('job 24 finished');
    // New records arrive between the pages: they are newer than the cursor and do not shift the pages.
    await ingest.append(Array.from({ length: 7 }, (_, i) => record(`job new${i} finished`)));
    const seen = first.records.map((r) => r.message);
    let before = first.nextBefore;
    while (before !== null) {
      const page = await searchLogs(t.ctx, { q: 'finished' }, { limit: 10, before });
      seen.push(...page.records.map((r) => r.message));
      before = page.nextBefore;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `job ${24 - i} finished`));
  });

  it('a word with a time range finds the records of the range, late arrivals included, page by page', async () => {
    // Minutes 0–9 in order, then a late record of minute 2 and an early one of minute 9: ids do not follow
    // time exactly, and the range's ids are read from its records, so neither is missed nor leaks in.
    await ingest.append(
      Array.from({ length: 10 }, (_, i) => record(`sync ${i} done`, { time: t0 + i * 60_000 })),
    );
    await ingest.append([
      record('sync late2 done', { time: t0 + 2 * 60_000 + 5 }),
      record('sync other done', { time: t0 + 20 * 60_000 }),
      record('unrelated text', { time: t0 + 3 * 60_000 }),
    ]);
    const range = { q: 'sync', from: t0 + 2 * 60_000, to: t0 + 5 * 60_000 };
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await searchLogs(t.ctx, range, { limit: 2, ...(before !== undefined ? { before } : {}) });
      seen.push(...page.records.map((r) => r.message));
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen).toEqual(['sync late2 done', 'sync 4 done', 'sync 3 done', 'sync 2 done']);
    // Whole words, as the full-text index matches them: a part of a word finds nothing in a range either.
    expect((await searchLogs(t.ctx, { ...range, q: 'syn' }, { limit: 5 })).records).toEqual([]);
    expect((await searchLogs(t.ctx, { ...range, q: 'SYNC "4 done"' }, { limit: 5 })).records).toHaveLength(1);
    // A range with no records, and one before every record.
    expect((await searchLogs(t.ctx, { q: 'sync', from: t0 + 30 * 60_000 }, { limit: 5 })).records).toEqual(
      [],
    );
    expect((await searchLogs(t.ctx, { q: 'sync', to: t0 }, { limit: 5 })).records).toEqual([]);
  });

  it('maps the host to a monitoring target by name or address, any case', async () => {
    const target = await createTarget(t.ctx, systemActor(0), {
      name: 'Mail-01',
      kind: 'host',
      address: '10.1.1.5',
    });
    const fresh = openLogIngest(t.ctx);
    await fresh.append([
      record('smtp up', { host: 'mail-01' }),
      record('smtp up', { host: '10.1.1.5' }),
      record('smtp up', { host: 'other' }),
    ]);
    await fresh.close();
    const page = await searchLogs(t.ctx, { targetId: target.id }, { limit: 10 });
    expect(page.records.map((r) => r.host).sort()).toEqual(['10.1.1.5', 'mail-01']);
  });

  it('the histogram counts what is stored, by severity', async () => {
    const records = Array.from({ length: 300 }, (_, i) =>
      record(`tick ${i % 7}`, { time: t0 + i * 12_000, severity: (i % 8) as LogRecordInput['severity'] }),
    );
    await ingest.append(records);
    const h = await logHistogram(t.ctx, { from: t0, to: t0 + 3_600_000 });
    expect(h.stepMs).toBe(60_000);
    expect(h.buckets.reduce((s, b) => s + b.total, 0)).toBe(300);
    for (let s = 0; s < 8; s++)
      expect(h.buckets.reduce((n, b) => n + (b.counts[s] ?? 0), 0)).toBe(
        records.filter((r) => r.severity === s).length,
      );
    const errors = await logHistogram(t.ctx, { from: t0, to: t0 + 3_600_000, severities: [0, 1, 2, 3] });
    expect(errors.buckets.reduce((s, b) => s + b.total, 0)).toBe(
      records.filter((r) => r.severity <= 3).length,
    );
  });

  it('template rows and minute counts agree with what was ingested (random batches)', async ({ signal }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              word: fc.constantFrom('alpha', 'beta', 'gamma', 'delta'),
              host: fc.constantFrom('h1', 'h2', 'h3', null),
              severity: fc.integer({ min: 0, max: 7 }),
              minute: fc.integer({ min: 0, max: 4 }),
            }),
            { minLength: 1, maxLength: 30 },
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (batches) => {
          signal.throwIfAborted();
          await t.ctx.db.deleteFrom('log_records').execute();
          await t.ctx.db.deleteFrom('log_host_minutes').execute();
          await t.ctx.db.deleteFrom('log_template_minutes').execute();
          await t.ctx.db.deleteFrom('log_template_hosts').execute();
          await t.ctx.db.deleteFrom('log_templates').execute();
          await t.ctx.db.updateTable('log_store_totals').set({ records: 0, bytes: 0 }).execute();
          const w = openLogIngest(t.ctx);
          const all = batches.flat();
          await Promise.all(
            batches.map((b) =>
              w.append(
                b.map((r) =>
                  record(`${r.word} event`, {
                    host: r.host,
                    severity: r.severity as LogRecordInput['severity'],
                    time: t0 + r.minute * 60_000 + 5_000,
                  }),
                ),
              ),
            ),
          );
          await w.close();
          const templates = await t.ctx.db.selectFrom('log_templates').selectAll().execute();
          expect(templates.reduce((s, x) => s + Number(x.count), 0)).toBe(all.length);
          for (const tpl of templates) {
            const mine = all.filter((r) => `${r.word} event` === tpl.example);
            expect(Number(tpl.count)).toBe(mine.length);
            expect(tpl.worst_severity).toBe(Math.min(...mine.map((r) => r.severity)));
            expect(tpl.severity_mask).toBe(mine.reduce((m, r) => m | (1 << r.severity), 0));
            expect(Number(tpl.first_seen)).toBe(t0 + Math.min(...mine.map((r) => r.minute)) * 60_000 + 5_000);
            expect(Number(tpl.last_seen)).toBe(t0 + Math.max(...mine.map((r) => r.minute)) * 60_000 + 5_000);
            const minutes = await t.ctx.db
              .selectFrom('log_template_minutes')
              .selectAll()
              .where('template_id', '=', tpl.id)
              .execute();
            for (let m = 0; m < 5; m++) {
              const row = minutes.find((x) => Number(x.minute) === t0 + m * 60_000);
              const inMinute = mine.filter((r) => r.minute === m);
              expect(row ? Number(row.count) : 0).toBe(inMinute.length);
              expect(row ? Number(row.errors) : 0).toBe(inMinute.filter((r) => r.severity <= 3).length);
            }
            const hosts = await t.ctx.db
              .selectFrom('log_template_hosts')
              .selectAll()
              .where('template_id', '=', tpl.id)
              .execute();
            for (const h of hosts) expect(Number(h.count)).toBe(mine.filter((r) => r.host === h.host).length);
            expect(hosts.length).toBe(new Set(mine.map((r) => r.host).filter((h) => h !== null)).size);
          }
          const hostMinutes = await t.ctx.db.selectFrom('log_host_minutes').selectAll().execute();
          expect(hostMinutes.reduce((s, x) => s + Number(x.count), 0)).toBe(all.length);
          for (const hm of hostMinutes) {
            const tpl = templates.find((x) => x.id === hm.template_id);
            const n = all.filter(
              (r) =>
                `${r.word} event` === tpl?.example &&
                (r.host ?? '') === hm.host &&
                t0 + r.minute * 60_000 === Number(hm.minute),
            ).length;
            expect(Number(hm.count)).toBe(n);
          }
          const totals = await t.ctx.db.selectFrom('log_store_totals').selectAll().executeTakeFirstOrThrow();
          expect(Number(totals.records)).toBe(
            Number(
              (
                await t.ctx.db
                  .selectFrom('log_records')
                  .select((e) => e.fn.countAll().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            ),
          );
        },
      ),
      { numRuns: 12, seed: 12 },
    );
  }, 120_000);

  it('a failed batch rejects its appenders and stores none of it', async () => {
    // A message PostgreSQL cannot hold (NUL) fails the batch on PostgreSQL; on SQLite a trigger-free way to fail
    // is a time that is not a number. Both: the append rejects and nothing of the batch is stored.
    const bad = record('bad', { time: Number.NaN });
    await expect(ingest.append([record('good one'), bad])).rejects.toThrow();
    expect((await searchLogs(t.ctx, {}, { limit: 10 })).records).toEqual([]);
    await ingest.append([record('after the failure')]);
    expect((await searchLogs(t.ctx, {}, { limit: 10 })).records.map((r) => r.message)).toEqual([
      'after the failure',
    ]);
    expect(ingest.stats().failedBatches).toBe(1);
  });

  it('retention deletes by age, then the oldest while the bytes are over the limit', async () => {
    const now = t.clock.now();
    await ingest.append([
      record('old one', { time: now - 40 * 86_400_000 }),
      record('old two', { time: now - 31 * 86_400_000 }),
      ...Array.from({ length: 10 }, (_, i) => record(`recent ${i}`, { time: now - i * 1000 })),
    ]);
    const byAge = await sweepLogRetention(t.ctx, { retentionMs: 30 * 86_400_000, maxBytes: 1e12 });
    expect(byAge.byAge).toBe(2);
    expect((await searchLogs(t.ctx, { q: 'old' }, { limit: 10 })).records).toEqual([]);

    const totals = await t.ctx.db.selectFrom('log_store_totals').selectAll().executeTakeFirstOrThrow();
    expect(Number(totals.records)).toBe(10);
    const perRecord = Number(totals.bytes) / 10;
    // Room for four records: the six oldest go.
    const bySize = await sweepLogRetention(t.ctx, {
      retentionMs: 30 * 86_400_000,
      maxBytes: perRecord * 4 + 1,
    });
    expect(bySize.bySize).toBe(6);
    const left = (await searchLogs(t.ctx, {}, { limit: 20 })).records.map((r) => r.message);
    expect(left).toEqual(['recent 9', 'recent 8', 'recent 7', 'recent 6']);
    // The search index lost the deleted rows too.
    expect((await searchLogs(t.ctx, { q: 'recent' }, { limit: 20 })).records).toHaveLength(4);
    const after = await t.ctx.db.selectFrom('log_store_totals').selectAll().executeTakeFirstOrThrow();
    expect(Number(after.records)).toBe(4);
    // The host filter (postings) finds what is left and nothing deleted.
    expect(
      (await searchLogs(t.ctx, { hosts: ['web-01'] }, { limit: 20 })).records.map((r) => r.message),
    ).toEqual(left);
    // Postings go once all their records have: a second batch, then everything older than an hour goes.
    await ingest.append([record('later', { host: 'web-09', time: now + 1000 })]);
    t.clock.advance(2 * 3_600_000);
    await sweepLogRetention(t.ctx, { retentionMs: 3_600_000, maxBytes: 1e12 });
    expect(await t.ctx.db.selectFrom('log_postings').select('key').execute()).toEqual([]);
    expect((await searchLogs(t.ctx, { hosts: ['web-01', 'web-09'] }, { limit: 20 })).records).toEqual([]);
  });

  // A property run against PostgreSQL on a loaded machine can outlast a default timeout; each run first checks the
  // test's signal, so a timed-out property stops instead of writing into the next test's store.
  it('every filter finds what a plain reading of the records finds, page by page (property)', async ({
    signal,
  }) => {
    const hostNames = ['web-01', 'web-02', 'db-01'];
    const appNames = ['nginx', 'sshd'];
    // 'downtime' holds 'down': a word is a whole word, not a part of one.
    const vocabulary = ['disk', 'full', 'link', 'down', 'downtime', 'retry', 'ok'];
    const base = t.clock.now() - 3_600_000;
    const recordsArb = fc.array(
      fc.record({
        host: fc.constantFrom<string | null>(...hostNames, null),
        app: fc.constantFrom<string | null>(...appNames, null),
        severity: fc.integer({ min: 0, max: 7 }),
        words: fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 4 }),
        minute: fc.integer({ min: 0, max: 59 }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    const filterArb = fc.record({
      hosts: fc.option(fc.subarray(hostNames, { minLength: 1 }), { nil: undefined, freq: 2 }),
      apps: fc.option(fc.subarray(appNames, { minLength: 1 }), { nil: undefined, freq: 2 }),
      severityAtMost: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 2 }),
      // 'down' most often: it is part of another word.
      q: fc.option(fc.constantFrom('down', 'down', ...vocabulary), { nil: undefined, freq: 2 }),
      minutes: fc.option(fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 60 })), {
        nil: undefined,
        freq: 2,
      }),
      pageSize: fc.integer({ min: 1, max: 7 }),
      appends: fc.integer({ min: 1, max: 3 }),
      // The store's total decides whether a host's (an app's) postings are few beside it: a text query then
      // reads them first, else the full-text index first. Both ways must find the same.
      manyStored: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(recordsArb, filterArb, async (specs, f) => {
        signal.throwIfAborted();
        await t.ctx.db.deleteFrom('log_records').execute();
        await t.ctx.db.deleteFrom('log_postings').execute();
        const records = specs.map((s, i) =>
          record(`${s.words.join(' ')} n${i}`, {
            host: s.host,
            app: s.app,
            severity: s.severity as LogRecordInput['severity'],
            time: base + s.minute * 60_000,
          }),
        );
        // In one to three appends (one batch or several): arrival order is id order either way.
        const size = Math.ceil(records.length / f.appends);
        await Promise.all(
          Array.from({ length: f.appends }, (_, k) => ingest.append(records.slice(k * size, (k + 1) * size))),
        );
        await t.ctx.db
          .updateTable('log_store_totals')
          .set({ records: f.manyStored ? 1_000_000_000 : records.length })
          .execute();
        const filter = {
          ...(f.hosts ? { hosts: f.hosts } : {}),
          ...(f.apps ? { apps: f.apps } : {}),
          ...(f.severityAtMost !== undefined
            ? {
                severities: Array.from(
                  { length: f.severityAtMost + 1 },
                  (_, i) => i as LogRecordInput['severity'],
                ),
              }
            : {}),
          ...(f.q ? { q: f.q } : {}),
          ...(f.minutes
            ? { from: base + f.minutes[0] * 60_000, to: base + (f.minutes[0] + f.minutes[1]) * 60_000 }
            : {}),
        };
        const want = records
          .filter(
            (r) =>
              (!filter.hosts || filter.hosts.includes(r.host as string)) &&
              (!filter.apps || filter.apps.includes(r.app as string)) &&
              (f.severityAtMost === undefined || r.severity <= f.severityAtMost) &&
              (!filter.q || r.message.split(' ').includes(filter.q)) &&
              (filter.from === undefined || (r.time >= filter.from && r.time < (filter.to as number))),
          )
          .map((r) => r.message)
          .reverse();
        const got: string[] = [];
        let before: number | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await searchLogs(t.ctx, filter, {
            limit: f.pageSize,
            ...(before !== undefined ? { before } : {}),
          });
          got.push(...page.records.map((r) => r.message));
          if (page.nextBefore === null) break;
          before = page.nextBefore;
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('retention keeps template minutes longer than records and host minutes', async () => {
    const now = t.clock.now();
    await ingest.append([record('ancient', { time: now - 32 * 86_400_000 })]);
    await sweepLogRetention(t.ctx, { retentionMs: 30 * 86_400_000, maxBytes: 1e12 });
    expect(await t.ctx.db.selectFrom('log_host_minutes').selectAll().execute()).toEqual([]);
    expect(await t.ctx.db.selectFrom('log_template_minutes').selectAll().execute()).toHaveLength(1);
    t.clock.advance(4 * 86_400_000);
    await sweepLogRetention(t.ctx, { retentionMs: 30 * 86_400_000, maxBytes: 1e12 });
    expect(await t.ctx.db.selectFrom('log_template_minutes').selectAll().execute()).toEqual([]);
  });
});
