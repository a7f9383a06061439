// The cursors of ticket lists: a keyset position (sort value and id) for sorted lists, an offset for ranked
// search. Opaque to clients (base64url JSON); a cursor this service did not issue is refused.
import { Invalid } from '../core/errors.js';

export interface Cursor {
  /** keyset: the sort value and id of the last item */
  k?: [number, number];
  /** ranked search: offset */
  o?: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    const keyOk =
      c.k === undefined || (Array.isArray(c.k) && c.k.length === 2 && c.k.every(Number.isSafeInteger));
    const offOk = c.o === undefined || (Number.isSafeInteger(c.o) && c.o >= 0 && c.o <= 100_000);
    if (c && typeof c === 'object' && keyOk && offOk && (c.k !== undefined) !== (c.o !== undefined)) return c;
  } catch {
    // fall through to the error below
  }
  throw new Invalid('invalid_cursor', 'The cursor was not issued by this service.', [
    { field: 'query/cursor', message: 'unknown cursor' },
  ]);
}
