// The metric store's in-memory series index, one per context: label set → series, and postings (label name → value
// → series ids) that label matchers resolve against. Matchers follow PromQL: regexes fully anchored, a missing label
// reads as the empty string, and a selector needs one matcher that does not match the empty string.
import { createHash } from 'node:crypto';
import { Invalid } from '../core/errors.js';
import { compileLabelRegex, type LabelMatcher, type Labels } from './metric-model.js';

/** One series as this context knows it. */
export interface SeriesEntry {
  id: number;
  labels: Readonly<Labels>;
  source: string;
  /** Newest sample timestamp this context knows of (-Infinity: none), and its value: out-of-order checks. */
  lastTs: number;
  lastValue: number;
  /** Whether lastTs accounts for the stored chunks (a series loaded from the database is checked lazily). */
  headKnown: boolean;
  /** When it last took a sample or was made here: what counts as active against a source's series limit. */
  activeAt: number;
  /**
   * The write under way that stores the head (lastTs, lastValue), until it settles: an append repeating the head's
   * sample, which it does not store again, is acknowledged only once that write committed.
   */
  headWrite?: Promise<void>;
}

/** The canonical JSON of a label set (names sorted): what the database stores and hashes. */
export function canonicalLabels(labels: Labels): string {
  const sorted: Labels = {};
  for (const n of Object.keys(labels).sort()) sorted[n] = labels[n] as string;
  return JSON.stringify(sorted);
}

export function labelsHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

export class SeriesIndex {
  readonly byKey = new Map<string, SeriesEntry>();
  readonly byId = new Map<number, SeriesEntry>();
  /** name → value → ids (ascending insertion order). */
  private readonly postings = new Map<string, Map<string, number[]>>();
  /** source key → its series. */
  readonly bySource = new Map<string, SeriesEntry[]>();
  maxId = 0;

  get size(): number {
    return this.byId.size;
  }

  add(key: string, entry: SeriesEntry): SeriesEntry {
    const known = this.byId.get(entry.id);
    if (known) return known;
    Object.freeze(entry.labels);
    this.byKey.set(key, entry);
    this.byId.set(entry.id, entry);
    if (entry.id > this.maxId) this.maxId = entry.id;
    for (const [name, value] of Object.entries(entry.labels)) {
      let values = this.postings.get(name);
      if (!values) {
        values = new Map();
        this.postings.set(name, values);
      }
      const ids = values.get(value);
      if (ids) ids.push(entry.id);
      else values.set(value, [entry.id]);
    }
    const list = this.bySource.get(entry.source);
    if (list) list.push(entry);
    else this.bySource.set(entry.source, [entry]);
    return entry;
  }

  /**
   * The series matching every matcher, ids ascending. With `everyWhenEmpty`, no matchers at all is every series
   * (Prometheus's /labels and /label/…/values without match[]); otherwise throws Invalid when no matcher excludes the
   * empty string (a selector must select something).
   */
  resolve(matchers: readonly LabelMatcher[], everyWhenEmpty = false): SeriesEntry[] {
    if (matchers.length === 0 && everyWhenEmpty) return [...this.byId.values()].sort((a, b) => a.id - b.id);
    const compiled = compileMatchers(matchers);
    let candidates: Set<number> | null = null;
    for (const m of compiled) {
      if (m.matchesEmpty) continue;
      const ids = new Set<number>();
      const values = this.postings.get(m.name);
      if (values) {
        if (m.op === '=') for (const id of values.get(m.value) ?? []) ids.add(id);
        else for (const [v, list] of values) if (m.test(v)) for (const id of list) ids.add(id);
      }
      if (candidates === null) candidates = ids;
      else {
        const next = new Set<number>();
        const [small, large]: [Set<number>, Set<number>] =
          ids.size < candidates.size ? [ids, candidates] : [candidates, ids];
        for (const id of small) if (large.has(id)) next.add(id);
        candidates = next;
      }
      if (candidates.size === 0) return [];
    }
    const out: SeriesEntry[] = [];
    for (const id of candidates ?? []) {
      const e = this.byId.get(id);
      if (e && compiled.every((m) => m.test(e.labels[m.name] ?? ''))) out.push(e);
    }
    return out.sort((a, b) => a.id - b.id);
  }
}

interface CompiledMatcher {
  name: string;
  op: LabelMatcher['op'];
  value: string;
  test(v: string): boolean;
  matchesEmpty: boolean;
}

/** Prometheus anchors a matcher's regex and lets `.` match a newline: `^(?s:re)$` (compileLabelRegex). */
function anchored(re: string, field: string): RegExp {
  try {
    return compileLabelRegex(re);
  } catch (err) {
    throw new Invalid('invalid_label_matcher', `The regular expression ${JSON.stringify(re)} is not valid.`, [
      { field, message: (err as Error).message },
    ]);
  }
}

export function compileMatchers(matchers: readonly LabelMatcher[]): CompiledMatcher[] {
  const compiled = matchers.map((m, i): CompiledMatcher => {
    const field = `matchers/${i}`;
    let test: (v: string) => boolean;
    switch (m.op) {
      case '=':
        test = (v) => v === m.value;
        break;
      case '!=':
        test = (v) => v !== m.value;
        break;
      case '=~': {
        const re = anchored(m.value, field);
        test = (v) => re.test(v);
        break;
      }
      case '!~': {
        const re = anchored(m.value, field);
        test = (v) => !re.test(v);
        break;
      }
      default:
        throw new Invalid('invalid_label_matcher', `Unknown matcher operator ${JSON.stringify(m.op)}.`, [
          { field, message: 'expected =, !=, =~ or !~' },
        ]);
    }
    return { name: m.name, op: m.op, value: m.value, test, matchesEmpty: test('') };
  });
  if (!compiled.some((m) => !m.matchesEmpty))
    throw new Invalid(
      'invalid_label_matcher',
      'A selector needs at least one label matcher that does not match the empty string.',
      [{ field: 'matchers', message: 'every matcher matches the empty string' }],
    );
  return compiled;
}
