// Badges for a ticket's state and priority (colour plus words, never colour alone).
import type { LevelName, Status } from '../api/types';
import { priorityLabel, statusLabel } from './labels';

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge status-${status}`}>{statusLabel[status]}</span>;
}

export function PriorityBadge({ priority }: { priority: LevelName }) {
  return (
    <span className={`badge prio-${priority}`}>
      <span className="visually-hidden">Priority </span>
      {priorityLabel[priority]}
    </span>
  );
}
