// The queue the technician last looked at, in order: the ticket page's "next ticket" walks it; and the
// addresses of queues other pages link to (the queue reads its filters from the address).
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

/** Every status: the queue's "any status". */
export const anyStatus = 'new,assigned,in_progress,pending,resolved,closed';

/** The queue filtered to a problem's incidents, resolved ones too. */
export function incidentsQueueHref(problemId: number): string {
  return `/queue?${new URLSearchParams({ problemId: String(problemId), status: anyStatus })}`;
}
