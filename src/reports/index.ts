// Reports' face: the manager dashboard's aggregates (later: SLA compliance, MTTR, uptime, spend).
export { type Dashboard, getDashboard } from './dashboard.js';
