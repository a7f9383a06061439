// A damaged backup archive never leaves a partial data folder: a property (fast-check) truncates archives and flips
// bytes of the compressed file or of the tar inside it, and restore either refuses with a message and leaves nothing
// behind (no data folder, no staging folder), or — a change no check can see, such as the gzip header's timestamp or
// a tar block's padding — restores exactly the files that were backed up.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentSources, writeArchive } from '../../src/cli/backup-archive.js';
import { restoreBackup } from '../../src/cli/backup-commands.js';
import { CommandFailed, UsageError } from '../../src/cli/exit-codes.js';
import { migrationNames } from '../../src/core/db/index.js';
import {
  attachmentFiles,
  manifestFields,
  removeScratch,
  scratch,
  sha256,
} from '../support/backup-fixtures.js';
import { makeContext } from '../support/context.js';

afterAll(removeScratch);

// -- a damaged archive never leaves a partial data folder --

describe('restoring a damaged archive', () => {
  let dir: string;
  let archive: Buffer;
  let files: Map<string, string>;

  beforeAll(async () => {
    const t = await makeContext('sqlite');
    try {
      dir = scratch('damaged');
      const data = path.join(dir, 'source');
      fs.mkdirSync(path.join(data, 'attachments', 'ab'), { recursive: true });
      for (let i = 0; i < 3; i++) {
        const bytes = Buffer.from(`file ${i} `.repeat(300 + i * 700));
        const sum = sha256(bytes);
        fs.mkdirSync(path.join(data, 'attachments', sum.slice(0, 2)), { recursive: true });
        fs.writeFileSync(path.join(data, 'attachments', sum.slice(0, 2), sum), bytes);
      }
      const file = path.join(dir, 'small.tar.gz');
      const database = path.join(dir, 'small.db');
      await t.ctx.caps.backup?.(database);
      await writeArchive(file, [{ name: 'opsdesk.db', file: database }, ...attachmentSources(data)], () =>
        manifestFields(migrationNames.at(-1) as string),
      );
      archive = fs.readFileSync(file);
      files = attachmentFiles(data);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('refuses it with a message and leaves nothing behind, or restores exactly what was backed up', async () => {
    const tar = zlib.gunzipSync(archive);
    const damage = fc.oneof(
      fc.nat({ max: archive.length - 1 }).map((n) => ({ kind: 'truncated', bytes: archive.subarray(0, n) })),
      fc
        .array(fc.tuple(fc.nat({ max: archive.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        })
        .map((flips) => {
          const bytes = Buffer.from(archive);
          for (const [at, bits] of flips) bytes[at] ^= bits;
          return { kind: 'flipped', bytes };
        }),
      fc.tuple(fc.nat({ max: tar.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, bits]) => {
        const bytes = Buffer.from(tar);
        bytes[at] ^= bits;
        return { kind: 'tar flipped', bytes: zlib.gzipSync(bytes) };
      }),
      fc
        .nat({ max: tar.length - 1 })
        .map((n) => ({ kind: 'tar truncated', bytes: zlib.gzipSync(tar.subarray(0, n)) })),
    );
    let run = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(damage, async ({ kind, bytes }) => {
        const place = path.join(dir, `run-${run++}`);
        fs.mkdirSync(place);
        const file = path.join(place, 'damaged.tar.gz');
        fs.writeFileSync(file, bytes);
        const dataDir = path.join(place, 'data');
        try {
          await restoreBackup({ file, dataDir });
        } catch (err) {
          refused++;
          expect(err, kind).toBeInstanceOf(CommandFailed);
          expect(err).not.toBeInstanceOf(UsageError);
          expect((err as Error).message).toMatch(/is damaged|is not an opsdesk backup|nothing was restored/);
          expect(fs.readdirSync(place)).toEqual(['damaged.tar.gz']);
          return;
        }
        // No check saw the change (a gzip header's timestamp, a tar block's padding, the tar's closing zero blocks cut
        // off): what was backed up is back. A cut gzip stream always fails its length and CRC.
        expect(kind).not.toBe('truncated');
        expect(attachmentFiles(dataDir)).toEqual(files);
        expect(fs.readdirSync(place).sort()).toEqual(['damaged.tar.gz', 'data']);
      }),
      { numRuns: 80, seed: 20_261_203 },
    );
    expect(refused).toBeGreaterThan(40);
  }, 60_000);
});
