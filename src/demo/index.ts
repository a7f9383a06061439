// The demo organisation's face: load it, ask whether a database is fresh, and the documented sign-ins.
export {
  type DemoOptions,
  type DemoSummary,
  demoAccounts,
  demoDefaults,
  hasTickets,
  isDemoLoaded,
  isFreshInstall,
  loadDemoOrganisation,
} from './demo-organisation.js';
export { demoDomain, demoPassword } from './people.js';
