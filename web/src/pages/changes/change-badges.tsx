// A change's state, type and risk as badges, and its window as words, shared by the list, the change page, the
// calendar and the linked-changes panel.
import { useTranslation } from 'react-i18next';
import type { Change } from '../../api/changes';
import { t as translate } from '../../i18n';
import { dateTimeFormat } from '../../locale';

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

export const changeStates = Object.keys(stateClass) as Change['state'][];

export function ChangeStateBadge({ state }: { state: Change['state'] }) {
  const { t } = useTranslation('changes');
  return <span className={stateClass[state]}>{t(`state.${state}`)}</span>;
}

export function ChangeTypeBadge({ type }: { type: Change['type'] }) {
  const { t } = useTranslation('changes');
  return <span className={`badge change-type-${type}`}>{t(`type.${type}`)}</span>;
}

export function RiskBadge({ risk }: { risk: Change['risk'] }) {
  const { t } = useTranslation('changes');
  const cls = risk === 'high' ? 'prio-high' : risk === 'medium' ? 'prio-medium' : 'prio-low';
  return <span className={`badge ${cls}`}>{t(`risk.${risk}`)}</span>;
}

const windowFormat = dateTimeFormat({
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});
const timeFormat = dateTimeFormat({ hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const dayKey = dateTimeFormat({ year: 'numeric', month: '2-digit', day: '2-digit' });

/** "Tue 10 Mar, 22:00 CET – 23:30 CET" in the reader's language and zone, the end's date too when another day. */
export function formatChangeWindow(start: string | null, end: string | null): string {
  if (!start || !end) return translate('changes:window.none');
  const s = new Date(start);
  const e = new Date(end);
  const sameDay = dayKey.format(s) === dayKey.format(e);
  return `${windowFormat.format(s)} – ${sameDay ? timeFormat.format(e) : windowFormat.format(e)}`;
}
