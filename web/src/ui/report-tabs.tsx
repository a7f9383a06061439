// The reports' tabs (SLA compliance, time): one "Reports" item in the top bar leads here, so the main
// navigation does not grow with every report.
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';

export function ReportTabs() {
  const { t } = useTranslation('ui');
  return (
    <nav className="account-tabs" aria-label={t('reports.label')}>
      <NavLink to="/reports/sla">{t('reports.sla')}</NavLink>
      <NavLink to="/reports/time">{t('reports.time')}</NavLink>
    </nav>
  );
}
