// Change windows as half-open intervals [start, end): what overlaps what. Pure, so the edge rules (touching
// windows do not overlap) are tested alone and shared by the calendar, the conflict check and blackouts.

export interface Window {
  start: number;
  end: number;
}

/** Two half-open windows overlap when each starts before the other ends: 09:00–10:00 and 10:00–11:00 do not. */
export function windowsOverlap(a: Window, b: Window): boolean {
  return a.start < b.end && b.start < a.end;
}

export interface ScheduledChange extends Window {
  id: number;
  serviceIds: readonly number[];
}

/**
 * For each change, the ids of the other changes that share a service with it and overlap its window, in
 * ascending order. Sweep over starts: O(n log n + conflicts) instead of comparing every pair.
 */
export function findConflicts(changes: readonly ScheduledChange[]): Map<number, number[]> {
  const out = new Map<number, number[]>(changes.map((c) => [c.id, []]));
  const sorted = [...changes].sort((a, b) => a.start - b.start || a.id - b.id);
  const active: ScheduledChange[] = [];
  for (const c of sorted) {
    // Drop windows that ended at or before this start: touching is not overlapping.
    for (let i = active.length - 1; i >= 0; i--) if (active[i].end <= c.start) active.splice(i, 1);
    for (const other of active) {
      if (other.id === c.id || !windowsOverlap(c, other)) continue;
      if (!c.serviceIds.some((s) => other.serviceIds.includes(s))) continue;
      out.get(c.id)?.push(other.id);
      out.get(other.id)?.push(c.id);
    }
    if (c.end > c.start) active.push(c);
  }
  for (const ids of out.values()) ids.sort((a, b) => a - b);
  return out;
}
