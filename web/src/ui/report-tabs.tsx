// The reports' tabs (SLA compliance, time): one "Reports" item in the top bar leads here, so the main
// navigation does not grow with every report.
import { NavLink } from 'react-router-dom';

export function ReportTabs() {
  return (
    <nav className="account-tabs" aria-label="Reports">
      <NavLink to="/reports/sla">SLA compliance</NavLink>
      <NavLink to="/reports/time">Time</NavLink>
    </nav>
  );
}
