// Flapping suppression. The rule: an alert that changed state (firing ⇄ resolved) more than
// `flappingRule.maxChanges` times within the last `flappingRule.windowMs` is flapping; its notifications are held
// (it is muted with reason "flapping") until it settles, i.e. until its changes within the window fall back to
// the limit — at most one window after its last change. What it then notifies is its state at that time.
import type { Alert, MuteReason, Muter } from './alert-model.js';

export const flappingRule = { maxChanges: 4, windowMs: 3_600_000, keep: 32 } as const;

export function changesWithin(transitions: readonly number[], atMs: number): number {
  let n = 0;
  for (const t of transitions) if (t > atMs - flappingRule.windowMs && t <= atMs) n++;
  return n;
}

export function isFlapping(transitions: readonly number[], atMs: number): boolean {
  return changesWithin(transitions, atMs) > flappingRule.maxChanges;
}

/** The transitions kept after a change at `atMs`: those still inside the window, bounded. */
export function recordTransition(transitions: readonly number[], atMs: number): number[] {
  return [...transitions.filter((t) => t > atMs - flappingRule.windowMs), atMs].slice(-flappingRule.keep);
}

export const flappingMuter: Muter = {
  mutes(alert: Alert, atMs: number): MuteReason | null {
    return isFlapping(alert.transitions, atMs) ? { kind: 'flapping' } : null;
  },
};
