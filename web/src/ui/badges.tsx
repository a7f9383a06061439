// Badges for a ticket's state and priority (colour plus words, never colour alone).
import { useTranslation } from 'react-i18next';
import type { LevelName, Status } from '../api/types';
import { priorityLabel, statusLabel } from './labels';

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge status-${status}`}>{statusLabel[status]}</span>;
}

export function PriorityBadge({ priority }: { priority: LevelName }) {
  const { t } = useTranslation();
  return (
    <span className={`badge prio-${priority}`}>
      <span className="visually-hidden">{t('priority.label')} </span>
      {priorityLabel[priority]}
    </span>
  );
}
