// Reports' face: the manager dashboard's aggregates and the time report (later: SLA compliance, MTTR, uptime,
// spend).
export { type Dashboard, getDashboard } from './dashboard.js';
export {
  canSeeTimeReport,
  getTimeReport,
  type TimeReport,
  type TimeReportGrouping,
  timeReportGroupings,
  timeReportLimits,
} from './time-report.js';
