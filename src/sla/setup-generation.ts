// The name of the SLA setup cache (defined in ticket-clocks.ts), apart from its definition: the writers of
// what it holds (calendars.ts, policies.ts), whose readers its loader imports, invalidate it by this name.
export const slaSetupCacheName = 'sla_setup';
