// The queue the technician last looked at, in order: the ticket page's "next ticket" walks it.
let ids: number[] = [];
let search = '';

export function rememberQueue(list: number[], query: string): void {
  ids = list;
  search = query;
}

export function neighbour(id: number, step: 1 | -1): number | null {
  const i = ids.indexOf(id);
  if (i < 0) return null;
  return ids[i + step] ?? null;
}

export function queueHref(): string {
  return `/queue${search ? `?${search}` : ''}`;
}
