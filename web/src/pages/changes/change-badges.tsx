// A change's state, type and risk as badges, shared by the list, the change page and the calendar.
import { type Change, stateLabels, typeLabels } from '../../api/changes';

const stateClass: Record<Change['state'], string> = {
  draft: 'badge',
  assessment: 'badge status-assigned',
  awaiting_cab: 'badge sla-warning',
  scheduled: 'badge status-new',
  implementing: 'badge status-in_progress',
  review: 'badge status-pending',
  closed: 'badge badge-ok',
  rejected: 'badge sla-breached',
  cancelled: 'badge',
  failed: 'badge sla-breached',
};

export function ChangeStateBadge({ state }: { state: Change['state'] }) {
  return <span className={stateClass[state]}>{stateLabels[state]}</span>;
}

export function ChangeTypeBadge({ type }: { type: Change['type'] }) {
  return <span className={`badge change-type-${type}`}>{typeLabels[type]}</span>;
}

export function RiskBadge({ risk }: { risk: Change['risk'] }) {
  const cls = risk === 'high' ? 'prio-high' : risk === 'medium' ? 'prio-medium' : 'prio-low';
  return <span className={`badge ${cls}`}>{risk[0].toUpperCase() + risk.slice(1)} risk</span>;
}
