// An incident's states and the moves between them: triggered → acknowledged → resolved, and back from
// acknowledged to triggered when an acknowledgement times out. One table, read by every writer.
export type IncidentState = 'triggered' | 'acknowledged' | 'resolved';

export const incidentStates: readonly IncidentState[] = ['triggered', 'acknowledged', 'resolved'];

/** Who may make a move: people (API, web app, signed link) or the escalation engine (an ack timeout). */
export type IncidentMover = 'person' | 'engine';

const transitions: Record<IncidentState, Partial<Record<IncidentState, readonly IncidentMover[]>>> = {
  triggered: { acknowledged: ['person'], resolved: ['person'] },
  acknowledged: { resolved: ['person'], triggered: ['engine'] },
  // Resolved is final: a new event with the same dedup key opens a new incident.
  resolved: {},
};

export function canMoveIncident(from: IncidentState, to: IncidentState, by: IncidentMover): boolean {
  return transitions[from][to]?.includes(by) ?? false;
}

/** Whether an incident in this state still runs a timer (escalation or acknowledgement timeout). */
export function isOpenIncident(state: IncidentState): boolean {
  return state !== 'resolved';
}
