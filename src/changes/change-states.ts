// A change's states and the moves between them, as ITIL change enablement runs them: a draft is submitted for
// assessment; a normal or emergency change then waits for its (emergency) change advisory board, a standard
// change — pre-approved through its template — goes straight to scheduled; a scheduled change is implemented,
// then reviewed (the post-implementation review closes it). One table, read by every writer.
import type { ChangeState, ChangeType } from '../core/db/index.js';

export type { ChangeState, ChangeType };

export const changeStates: readonly ChangeState[] = [
  'draft',
  'assessment',
  'awaiting_cab',
  'scheduled',
  'implementing',
  'review',
  'closed',
  'rejected',
  'cancelled',
  'failed',
];

export const changeTypes: readonly ChangeType[] = ['standard', 'normal', 'emergency'];

/**
 * Who makes a move: a person through the API, or the CAB's decision (the approvals engine's outcome) —
 * awaiting_cab is left only by the board, so no one approves their own change by setting its state.
 */
export type ChangeMover = 'person' | 'cab';

interface Move {
  by: ChangeMover;
  /** The change types that may make the move (default: all). */
  types?: readonly ChangeType[];
}

const person: Move = { by: 'person' };
const withCab: readonly ChangeType[] = ['normal', 'emergency'];

const transitions: Record<ChangeState, Partial<Record<ChangeState, Move>>> = {
  // A standard change is pre-approved: it may be scheduled from its draft without assessment.
  draft: { assessment: person, scheduled: { by: 'person', types: ['standard'] }, cancelled: person },
  assessment: {
    draft: person,
    awaiting_cab: { by: 'person', types: withCab },
    scheduled: { by: 'person', types: ['standard'] },
    rejected: person,
    cancelled: person,
  },
  awaiting_cab: { scheduled: { by: 'cab' }, rejected: { by: 'cab' }, cancelled: person },
  // Back to assessment to re-plan (a new window needs the CAB again).
  scheduled: { implementing: person, assessment: person, cancelled: person },
  // Done (review due) or failed (backed out; reviewed all the same).
  implementing: { review: person, failed: person },
  failed: { review: person },
  // The post-implementation review closes a change (reviewChange), not a bare move.
  review: {},
  closed: {},
  rejected: {},
  cancelled: {},
};

export function canMoveChange(
  from: ChangeState,
  to: ChangeState,
  type: ChangeType,
  by: ChangeMover,
): boolean {
  const move = transitions[from][to];
  if (!move || move.by !== by) return false;
  return move.types === undefined || move.types.includes(type);
}

/** The states a person may move a change of this type to, from this one (for the web app's buttons). */
export function nextChangeStates(from: ChangeState, type: ChangeType): ChangeState[] {
  return changeStates.filter((to) => canMoveChange(from, to, type, 'person'));
}

/** Whether a change still needs a CAB: normal and emergency changes do, standard ones (pre-approved) do not. */
export function needsCab(type: ChangeType): boolean {
  return withCab.includes(type);
}

/** A change in one of these is a plan on the calendar: it takes part in conflicts. */
export function isLiveChange(state: ChangeState): boolean {
  return state !== 'rejected' && state !== 'cancelled';
}

/** Plan, window and services can change until implementation starts. */
export function isEditableChange(state: ChangeState): boolean {
  return state === 'draft' || state === 'assessment' || state === 'awaiting_cab' || state === 'scheduled';
}

/** States in which the window is committed: blackouts are enforced when entering or editing them. */
export function isCommittedChange(state: ChangeState): boolean {
  return state === 'awaiting_cab' || state === 'scheduled';
}
