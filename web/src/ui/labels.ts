// Words for the server's codes: ticket states and priority levels as people read them.
import type { LevelName, Status } from '../api/types';

export const statusLabel: Record<Status, string> = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  pending: 'Waiting',
  resolved: 'Resolved',
  closed: 'Closed',
  awaiting_approval: 'Awaiting approval',
};

export const priorityLabel: Record<LevelName, string> = {
  very_low: 'Very low',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  very_high: 'Critical',
};

export const levelNames: LevelName[] = ['very_low', 'low', 'medium', 'high', 'very_high'];
