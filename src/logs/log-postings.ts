// Postings: which records have a host, an app or a template, kept per batch (log_postings) instead of an index
// entry per record. A batch of twenty thousand records writes a few hundred posting rows, each the ascending ids
// of the batch's records with one value, delta-coded; a filter reads the rows of its values that overlap an id
// range and decodes them. What the search's host, app and pattern filters read (log-search.ts).
import type { ServiceContext } from '../core/context.js';
import { chunks } from '../core/db/index.js';

export type PostingKind = 'h' | 'a' | 't';

/** The key of a host ('h'), app ('a') or template id ('t'). */
export function postingKey(kind: PostingKind, value: string): string {
  return `${kind}:${value}`;
}

/** Ascending ids as the first id's varint, then each one's distance from the one before (LEB128). */
export function encodeIds(ids: readonly number[]): Buffer {
  let size = 0;
  let previous = 0;
  for (const id of ids) {
    let d = id - previous;
    previous = id;
    size++;
    while (d >= 128) {
      d = Math.floor(d / 128);
      size++;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  previous = 0;
  for (const id of ids) {
    let d = id - previous;
    previous = id;
    while (d >= 128) {
      out[at++] = (d % 128) + 128;
      d = Math.floor(d / 128);
    }
    out[at++] = d;
  }
  return out;
}

/** encodeIds's ids, into `into` (appended), those in [low, high] only. */
export function decodeIds(
  blob: Uint8Array,
  low = 0,
  high = Number.POSITIVE_INFINITY,
  into: number[] = [],
): number[] {
  let id = 0;
  let at = 0;
  while (at < blob.length) {
    let d = 0;
    let scale = 1;
    let b: number;
    do {
      b = blob[at++] as number;
      d += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    id += d;
    if (id > high) break;
    if (id >= low) into.push(id);
  }
  return into;
}

/**
 * A batch's postings as it is mined: per key, the positions of its records in the batch (ascending), which become
 * ids once the batch's ids are allocated.
 */
export class PostingsBuilder {
  private readonly byKey = new Map<string, number[]>();

  add(key: string, position: number): void {
    const positions = this.byKey.get(key);
    if (positions) positions.push(position);
    else this.byKey.set(key, [position]);
  }

  /**
   * Rows for log_postings, the record at position i having ids[i] (ascending), in key order (instances writing at
   * once take their locks in one order).
   */
  rows(ids: readonly number[]): [string, number, number, number, Buffer][] {
    return [...this.byKey.keys()].sort().map((key) => {
      const own = (this.byKey.get(key) as number[]).map((p) => ids[p] as number);
      return [key, own[own.length - 1] as number, own[0] as number, own.length, encodeIds(own)];
    });
  }
}

/**
 * The ids in [low, high] that have one of `values` of every kind given (a union within a kind, an intersection
 * across kinds), descending. An empty list of values for a kind is no condition on it.
 */
export async function postedIds(
  ctx: ServiceContext,
  kinds: Partial<Record<PostingKind, readonly string[]>>,
  low: number,
  high: number,
): Promise<number[]> {
  let result: number[] | null = null;
  for (const [kind, values] of Object.entries(kinds) as [PostingKind, readonly string[]][]) {
    if (!values || values.length === 0) continue;
    const ids: number[] = [];
    for (const part of chunks(
      values.map((v) => postingKey(kind, v)),
      500,
    )) {
      const rows = await ctx.db
        .selectFrom('log_postings')
        .select('ids')
        .where('key', 'in', part)
        .where('last_id', '>=', low)
        .where('first_id', '<=', high)
        .execute();
      for (const r of rows) decodeIds(r.ids, low, high, ids);
    }
    ids.sort((a, b) => b - a);
    const unique = ids.filter((id, i) => i === 0 || id !== ids[i - 1]);
    if (result === null) result = unique;
    else {
      const keep = new Set(unique);
      result = result.filter((id) => keep.has(id));
    }
    if (result.length === 0) break;
  }
  return result ?? [];
}
