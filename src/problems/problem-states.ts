// A problem's states and the moves between them, as ITIL's problem control runs (and Freshservice, Jira
// Service Management and GLPI show it): logged (new), under investigation, a known error (root cause or
// workaround documented), resolved (the fix is in), closed (final). One table, checked in one place.
import type { ProblemStatus } from '../core/db/index.js';
import { Conflict } from '../core/errors.js';

export const problemStatuses: readonly ProblemStatus[] = [
  'new',
  'investigating',
  'known_error',
  'resolved',
  'closed',
];

/** Open states: the problem is being worked, and new incidents may be linked to it. */
export const openProblemStatuses: readonly ProblemStatus[] = ['new', 'investigating', 'known_error'];

const transitions: Record<ProblemStatus, readonly ProblemStatus[]> = {
  new: ['investigating', 'known_error', 'resolved'],
  investigating: ['new', 'known_error', 'resolved'],
  // A known error may go back under investigation (the workaround stopped working).
  known_error: ['investigating', 'resolved'],
  // Reopening goes back to work (it came back); closing is final.
  resolved: ['investigating', 'known_error', 'closed'],
  closed: [],
};

export function allowedProblemTransitions(from: ProblemStatus): readonly ProblemStatus[] {
  return transitions[from];
}

export function isOpenProblem(status: ProblemStatus): boolean {
  return openProblemStatuses.includes(status);
}

/** Refuse a move the table does not allow (staying put is no move). */
export function checkProblemTransition(id: number, from: ProblemStatus, to: ProblemStatus): void {
  if (from === to) return;
  if (from === 'closed')
    throw new Conflict('problem_closed', `Problem ${id} is closed; open a new problem instead.`);
  if (!transitions[from].includes(to))
    throw new Conflict(
      'problem_transition_not_allowed',
      `A ${from} problem cannot become ${to}; allowed: ${transitions[from].join(', ')}.`,
    );
}
