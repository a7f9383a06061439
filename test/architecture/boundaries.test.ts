// The boundary rules of docs/architecture.md, enforced on src/: faces only across folders, no import cycles,
// nothing below the edges importing them. A planted fixture tree proves that each rule can fail.
import { fileURLToPath } from 'node:url';
import { expect, it, describe as suite } from 'vitest';
import { checkBoundaries, describe, findCycles, importGraph, unitOf } from './import-graph.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));
const planted = fileURLToPath(new URL('./fixtures/planted', import.meta.url));

suite('the boundaries of src/', () => {
  it('has no deep import, no import of an edge from below, and no import cycle', () => {
    expect(checkBoundaries(src).map(describe)).toEqual([]);
  });

  it('reads the imports of every folder (the check is not vacuous)', () => {
    const { files, edges } = importGraph(src);
    const units = new Set(files.map(unitOf));
    for (const unit of [
      'helpdesk',
      'sla',
      'mail',
      'notify',
      'oncall',
      'technicians',
      'incidents',
      'api',
      'cli',
      'core/db',
      'core/auth',
    ]) {
      expect(units).toContain(unit);
    }
    expect(edges).toContainEqual(
      expect.objectContaining({ from: 'api/routes/tickets.ts', to: 'helpdesk/index.ts' }),
    );
    expect(edges.length).toBeGreaterThan(300);
  });
});

suite('the boundary checker on a planted tree', () => {
  const found = checkBoundaries(planted).map(describe);

  it('finds a deep import into another domain and into a core sub-folder', () => {
    expect(found).toContain('deep-import: sla/escalations.ts -> helpdesk/tickets.ts');
    expect(found).toContain('deep-import: mail/inbound.ts -> core/db/chunks.ts');
  });

  it('finds a domain importing an edge and core importing a domain', () => {
    expect(found).toContain('edge-import: mail/inbound.ts -> api/app.ts');
    expect(found).toContain('core-import: core/clock.ts -> sla/index.ts');
  });

  it('finds the import cycle', () => {
    expect(found).toContain('cycle: sla/clocks.ts -> sla/escalations.ts -> sla/clocks.ts');
  });

  it('allows imports through faces and from an edge into a face', () => {
    expect(found).toHaveLength(5);
  });

  it('finds a cycle of three files and a file importing itself', () => {
    const edge = (from: string, to: string) => ({ from, to, specifier: to });
    const cycles = findCycles(
      ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'],
      [
        edge('a.ts', 'b.ts'),
        edge('b.ts', 'c.ts'),
        edge('c.ts', 'a.ts'),
        edge('c.ts', 'd.ts'),
        edge('e.ts', 'e.ts'),
      ],
    );
    expect(cycles).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });
});
