// The CSV import's batched writer on both databases: a file longer than one batch whose later rows merge into
// assets of earlier batches and of their own (by serial, by MAC), a tag already carried, an inactive owner —
// the same assets, MACs, history and report as the one-row path gives, and never the one-row fallback.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAsset } from '../../src/assets/assets.js';
import { importAssetsCsv, importLimits, listAssetHistory } from '../../src/assets/index.js';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('asset CSV import in batches on %s', (dialect) => {
  let t: TestContext;
  const warnings: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        const line = JSON.parse(String(chunk)) as { level: number; msg: string };
        if (line.level >= 40) warnings.push(line.msg);
        done();
      },
    });
    t = await makeContext(dialect, {}, { log: pino({ level: 'warn' }, sink) });
  });
  afterAll(async () => t?.close());

  it('merges rows of other batches and of their own, refuses a taken tag and an inactive owner, writes every history row', async () => {
    const tech = await createUser(t.ctx, null, {
      email: 'tech@example.test',
      name: 'Tech',
      role: 'technician',
    });
    const gone = await createUser(t.ctx, null, {
      email: 'gone@example.test',
      name: 'Gone',
      role: 'requester',
    });
    await t.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', gone.id).execute();
    const owner = await createUser(t.ctx, null, {
      email: 'owner@example.test',
      name: 'Owner',
      role: 'requester',
    });
    const actor = actorForUser({ ...tech, groupIds: [] });
    const n = importLimits.batchRows * 2 + 10;
    const mac = (i: number) =>
      `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    const lines = ['name,serial,asset_tag,mac,location,owner'];
    for (let i = 0; i < n; i++) lines.push(`PC ${i},SER-${i},TAG-${i},${mac(i)},Site A,`);
    // Later rows: by serial into the first batch's asset, by MAC into the second's, into this batch's own new one.
    lines.push('PC 0 renamed,SER-0,,,Site B,owner@example.test'); // line n + 2
    lines.push(`Found by MAC,,,${mac(importLimits.batchRows + 3).toUpperCase()},Site C,`); // n + 3
    lines.push(`Fresh,SER-NEW,TAG-NEW,${mac(9000)},Site D,`); // n + 4
    lines.push('Fresh again,SER-NEW,,,Site E,'); // n + 5: merges into the row above
    lines.push('Tag taken,SER-X,TAG-5,,,'); // n + 6: TAG-5 is PC 5's
    lines.push('Owner gone,SER-Y,,,,gone@example.test'); // n + 7
    lines.push('PC 1,SER-1,TAG-1,,Site A,'); // n + 8: nothing changes
    const report = await importAssetsCsv(t.ctx, actor, `${lines.join('\n')}\n`);
    expect(warnings).toEqual([]);
    expect(report).toMatchObject({ rows: n + 7, created: n + 1, updated: 3, unchanged: 1, rejected: 2 });
    expect(report.rejections.map((r) => [r.line, r.fields[0]?.field])).toEqual([
      [n + 6, 'row'],
      [n + 7, 'ownerId'],
    ]);
    expect(new Set(report.createdIds).size).toBe(n + 1);
    const [first, second] = [
      report.createdIds[0] as number,
      report.createdIds[importLimits.batchRows + 3] as number,
    ];
    const fresh = report.createdIds[n] as number;
    expect(report.updatedIds).toEqual([first, second, fresh]);
    expect(await readAsset(t.ctx.db, first)).toMatchObject({
      name: 'PC 0 renamed',
      location: 'Site B',
      ownerId: owner.id,
      macs: [mac(0)],
    });
    expect(await readAsset(t.ctx.db, second)).toMatchObject({ name: 'Found by MAC', location: 'Site C' });
    expect(await readAsset(t.ctx.db, fresh)).toMatchObject({
      name: 'Fresh again',
      serial: 'SER-NEW',
      assetTag: 'TAG-NEW',
      location: 'Site E',
      macs: [mac(9000)],
    });
    const history = await listAssetHistory(t.ctx, actor, fresh);
    expect(history.map((h) => [h.field, h.from, h.to])).toEqual([
      ['created', null, 'Fresh'],
      ['name', 'Fresh', 'Fresh again'],
      ['location', 'Site D', 'Site E'],
    ]);
    expect((await listAssetHistory(t.ctx, actor, first)).map((h) => h.field)).toEqual([
      'created',
      'name',
      'location',
      'owner',
    ]);
    const macRows = await t.ctx.db
      .selectFrom('asset_macs')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(macRows.n)).toBe(n + 1);
    // A second run of the same file changes nothing and creates nothing.
    const again = await importAssetsCsv(t.ctx, actor, `${lines.slice(0, n + 1).join('\n')}\n`);
    expect(again).toMatchObject({ created: 0, rejected: 0 });
    expect(again.updated + again.unchanged).toBe(n);
    expect(warnings).toEqual([]);
  });
});
