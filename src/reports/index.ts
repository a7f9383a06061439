// Reports' face: the manager dashboard's aggregates (later: SLA compliance, MTTR, uptime, spend).
export * from './dashboard.js';
