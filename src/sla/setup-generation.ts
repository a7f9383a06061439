// A counter of changes to what every clock depends on (calendars, policies, OLAs): bumped in the changing
// transaction, so the cached SLA setup (ticket-clocks.ts) is loaded anew after the change.
let generation = 0;

export function slaSetupGeneration(): number {
  return generation;
}

export function forgetSlaSetup(): void {
  generation += 1;
}
