// Opaque cursors for lists ordered by id.
import { Invalid } from '../../core/errors.js';

export function encodeIdCursor(id: number): string {
  return Buffer.from(JSON.stringify({ a: id })).toString('base64url');
}

export function decodeIdCursor(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && Number.isSafeInteger(v.a) && v.a >= 0) return v.a;
  } catch {
    // fall through
  }
  throw new Invalid('invalid_cursor', 'The cursor was not issued by this service.', [
    { field: 'querystring/cursor', message: 'unknown cursor' },
  ]);
}

/**
 * One page of a list ordered by id, from the `limit + 1` items the domain returned: the extra item only
 * says there is a next page, whose cursor is the last shown id.
 */
export function idPage<T extends { id: number }, V>(items: T[], limit: number, view: (item: T) => V) {
  const page = items.slice(0, limit);
  return {
    items: page.map(view),
    nextCursor: items.length > limit ? encodeIdCursor(page[page.length - 1].id) : null,
  };
}
