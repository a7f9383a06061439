// Bulk statements in bounded pieces: SQLite and PostgreSQL cap the parameters of one statement (32,766 and
// 65,535), and very long statements cost more to plan than they save.

/** `items` in consecutive pieces of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
