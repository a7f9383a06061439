// The error catalogue in code and in docs/errors.md agree, and every code the source throws is catalogued.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, httpStatusOfKind } from '../../src/core/errors.js';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error catalogue', () => {
  const doc = fs.readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const),
  );

  it('documents exactly the catalogued codes, with their HTTP status', () => {
    const inCode = new Map(
      Object.entries(errorCatalogue).map(([code, e]) => [code, httpStatusOfKind[e.kind]] as const),
    );
    expect([...documented.entries()].sort()).toEqual([...inCode.entries()].sort());
  });

  it('catalogues every code that the source throws or sends', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /new (?:Invalid|Unauthenticated|Forbidden|NotFound|Conflict|TooLarge|UnsupportedMediaType|RateLimited|Unavailable)\(\s*'([a-z_]+)'/g,
      ))
        used.add(m[1]);
      for (const m of text.matchAll(/sendProblem\([^)]*?\d{3},\s*'([a-z_]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((c) => !(c in errorCatalogue));
    expect(missing).toEqual([]);
  });
});
