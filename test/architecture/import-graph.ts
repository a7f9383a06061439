// The import graph of a source tree and the boundary rules it must keep (see docs/architecture.md, "Boundaries").
// Used by boundaries.test.ts on src/ and on planted fixture trees that prove each rule can fail.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One relative import (or `export … from`, or `import()`) between two files of the tree. */
export interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
}

export interface Violation {
  rule: 'deep-import' | 'edge-import' | 'core-import' | 'cycle';
  /** For deep and edge imports, `from -> to`; for a cycle, the files in order, first repeated at the end. */
  files: string[];
}

/** Folders that sit at the edge: they call domains, and no domain (nor core) may import them. */
export const edgeFolders = ['api', 'ingest', 'cli', 'demo'];

/** Every .ts/.tsx file under root, as paths relative to root with forward slashes. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(toPosix(relative(root, path)));
    }
  };
  walk(root);
  return files;
}

/** The relative imports of every file under root, resolved to files of the tree (`./x.js` → `x.ts`). */
export function importGraph(root: string): { files: string[]; edges: ImportEdge[] } {
  const files = sourceFiles(root);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    // preProcessFile reads import/export-from declarations and import() calls, never comments or strings.
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveSpecifier(root, file, specifier, known);
      if (!target) throw new Error(`${file}: cannot resolve import '${specifier}'`);
      edges.push({ from: file, to: target, specifier });
    }
  }
  return { files, edges };
}

function resolveSpecifier(root: string, from: string, specifier: string, known: Set<string>): string | null {
  const base = toPosix(relative(root, resolve(root, dirname(from), specifier)));
  const stem = base.replace(/\.(js|jsx|ts|tsx|mjs)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, `${base}/index.ts`, `${stem}/index.ts`]) {
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/**
 * The unit a file belongs to: `core/<sub>` for a file in a sub-folder of core (core/db, core/auth: each is
 * its own unit with an index.ts face), `core/<file>` for a file directly in core (each small kernel module,
 * such as core/errors.ts, is its own face), the top folder for everything else (a domain or an edge), and
 * `.` for files at the root.
 */
export function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return '.';
  if (parts[0] === 'core')
    return parts.length > 2 ? `core/${parts[1]}` : `core/${parts[1]!.replace(/\.tsx?$/, '')}`;
  return parts[0]!;
}

/** Whether `file` is the face its unit shows to the others. */
function isFace(file: string): boolean {
  const unit = unitOf(file);
  if (unit.startsWith('core/') && !file.slice(unit.length).startsWith('/')) return true;
  return file === `${unit}/index.ts`;
}

function isCore(unit: string): boolean {
  return unit.startsWith('core/');
}

function isEdge(unit: string): boolean {
  return edgeFolders.includes(unit);
}

/** Every violation of the boundary rules in the tree under root, sorted for stable messages. */
export function checkBoundaries(root: string): Violation[] {
  const { files, edges } = importGraph(root);
  const violations: Violation[] = [];
  for (const edge of edges) {
    const fromUnit = unitOf(edge.from);
    const toUnit = unitOf(edge.to);
    if (fromUnit === toUnit) continue;
    // Rule 1: a domain or core may not depend on an edge (api, ingest, cli, demo); edges may use each other
    // only through faces, like everyone else.
    if (isEdge(toUnit) && !isEdge(fromUnit)) {
      violations.push({ rule: 'edge-import', files: [edge.from, edge.to] });
      continue;
    }
    // Rule 2: core is what domains stand on; it imports no domain (a domain reaches core through events).
    if (isCore(fromUnit) && !isCore(toUnit)) {
      violations.push({ rule: 'core-import', files: [edge.from, edge.to] });
      continue;
    }
    // Rule 3: across units, only faces are imported. The edges among themselves are exempt: cli is the
    // composition root that builds the api and the listeners, and none of them is a face for a domain.
    if (isEdge(fromUnit) && isEdge(toUnit)) continue;
    if (!isFace(edge.to)) violations.push({ rule: 'deep-import', files: [edge.from, edge.to] });
  }
  for (const cycle of findCycles(files, edges)) violations.push({ rule: 'cycle', files: cycle });
  return violations;
}

/**
 * One cycle per strongly connected component of more than one file (or a file importing itself), found by
 * Tarjan's algorithm; the cycle shown starts at the component's first file in sort order.
 */
export function findCycles(files: string[], edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const edge of edges) next.get(edge.from)!.push(edge.to);
  for (const targets of next.values()) targets.sort();

  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file)!) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || next.get(file)!.includes(file)) components.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) connect(file);

  return components
    .map((component) => {
      const members = new Set(component);
      const start = component[0]!;
      return [...pathBack(start, start, next, members), start];
    })
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest path from `start` back to `goal` inside one component (breadth first, so the cycle is short). */
function pathBack(start: string, goal: string, next: Map<string, string[]>, members: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of next.get(file)!) {
      if (!members.has(target)) continue;
      if (target === goal) {
        const path = [file];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(target) && target !== start) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start];
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** One line per violation, for a failure message a reader can act on. */
export function describe(violation: Violation): string {
  return `${violation.rule}: ${violation.files.join(' -> ')}`;
}
