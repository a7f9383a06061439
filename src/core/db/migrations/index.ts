// The ordered list of migrations. Names are dates and purposes; a migration, once released, never changes.
import type { Migration } from 'kysely';
import * as foundation from './2026-11-24-foundation.js';
import * as mail from './2026-11-24-mail.js';
import * as savedViews from './2026-11-24-saved-views.js';
import * as sla from './2026-11-24-sla.js';
import * as searchTerms from './2026-11-25-search-terms.js';
import * as searchWords from './2026-11-26-search-words.js';
import * as authTrust from './2026-11-29-auth-trust.js';
import * as eventDeadLetters from './2026-11-29-event-dead-letters.js';
import * as historyVisibility from './2026-11-29-history-visibility.js';
import * as mailTrust from './2026-11-29-mail-trust.js';
import * as searchNames from './2026-11-29-search-names.js';
import * as deliveries from './2026-11-30-deliveries.js';
import * as oncallContacts from './2026-11-30-oncall-contacts.js';
import * as oncallSchedules from './2026-11-30-oncall-schedules.js';
import * as paging from './2026-11-30-paging.js';
import * as technicians from './2026-11-30-technicians.js';
import * as alertPipeline from './2026-12-01-alert-pipeline.js';
import * as alertRules from './2026-12-01-alert-rules.js';
import * as metricStore from './2026-12-01-metric-store.js';
import * as monitoringTargets from './2026-12-01-monitoring-targets.js';
import * as monitoringChecksExtra from './2026-12-01-monitoring-targets-checks-extra.js';
import * as scrapeTargets from './2026-12-01-scrape-targets.js';
import * as statusPages from './2026-12-01-status-pages.js';
import * as logRecords from './2026-12-02-log-records.js';
import * as logTemplates from './2026-12-02-log-templates.js';
import * as logAlerts from './2026-12-03-log-alerts.js';
import * as logPostings from './2026-12-04-log-postings.js';
import * as knowledge from './2026-12-05-knowledge.js';
import * as knowledgeRendered from './2026-12-05-knowledge-rendered.js';
import * as auditLog from './2026-12-06-audit-log.js';
import * as catalog from './2026-12-06-catalog.js';
import * as macros from './2026-12-06-macros.js';
import * as notificationPreferences from './2026-12-06-notification-preferences.js';
import * as ticketLinks from './2026-12-06-ticket-links.js';
import * as timeEntries from './2026-12-06-time-entries.js';
import * as approvals from './2026-12-07-approvals.js';
import * as automation from './2026-12-07-automation.js';
import * as changes from './2026-12-07-changes.js';
import * as problems from './2026-12-07-problems.js';
import * as anomalyRules from './2026-12-08-anomaly-rules.js';
import * as upgradeProposals from './2026-12-08-upgrade-proposals.js';
import * as assets from './2026-12-09-assets.js';
import * as sso from './2026-12-09-sso.js';
import * as vendors from './2026-12-09-vendors.js';
import * as assetsLife from './2026-12-10-assets-life.js';
import * as assetsScale from './2026-12-10-assets-scale.js';
import * as savedViewScopes from './2026-12-10-assets-web.js';
import * as scim from './2026-12-10-scim.js';
import * as vendorsApi from './2026-12-10-vendors-api.js';
import * as assetsLists from './2026-12-11-assets-lists.js';
import * as ldap from './2026-12-11-ldap.js';
import * as saml from './2026-12-11-saml.js';
import * as importLinks from './2026-12-12-import.js';
import * as metricForward from './2026-12-13-metric-forward.js';

export const migrations: Record<string, Migration> = {
  '2026-11-24-foundation': foundation,
  '2026-11-24-mail': mail,
  '2026-11-24-saved-views': savedViews,
  '2026-11-24-sla': sla,
  '2026-11-25-search-terms': searchTerms,
  '2026-11-26-search-words': searchWords,
  '2026-11-29-auth-trust': authTrust,
  '2026-11-29-event-dead-letters': eventDeadLetters,
  '2026-11-29-mail-trust': mailTrust,
  '2026-11-29-search-names': searchNames,
  '2026-11-29-history-visibility': historyVisibility,
  '2026-11-30-deliveries': deliveries,
  // -- technicians --
  '2026-11-30-technicians': technicians,

  // -- on-call schedules --
  '2026-11-30-oncall-schedules': oncallSchedules,

  // -- contact methods --
  '2026-11-30-oncall-contacts': oncallContacts,

  // -- escalation policies and incidents --
  '2026-11-30-paging': paging,

  // -- monitoring: targets and checks --
  '2026-12-01-monitoring-targets': monitoringTargets,
  '2026-12-01-monitoring-targets-checks-extra': monitoringChecksExtra,

  // -- monitoring: scrape targets --
  '2026-12-01-scrape-targets': scrapeTargets,

  // -- monitoring: metric store --
  '2026-12-01-metric-store': metricStore,

  // -- monitoring: alerts --
  '2026-12-01-alert-rules': alertRules,
  '2026-12-01-alert-pipeline': alertPipeline,

  // -- monitoring: status pages --
  '2026-12-01-status-pages': statusPages,

  // -- logs: templates --
  '2026-12-02-log-templates': logTemplates,

  // -- logs: store --
  '2026-12-02-log-records': logRecords,

  // -- logs: intelligence --
  '2026-12-03-log-alerts': logAlerts,

  // -- logs: postings --
  '2026-12-04-log-postings': logPostings,

  // -- knowledge base --
  '2026-12-05-knowledge': knowledge,
  '2026-12-05-knowledge-rendered': knowledgeRendered,

  // -- notification preferences --
  '2026-12-06-notification-preferences': notificationPreferences,

  // -- help desk: links and merge --
  '2026-12-06-ticket-links': ticketLinks,

  // -- macros and templates --
  '2026-12-06-macros': macros,

  // -- exports and the audit log --
  '2026-12-06-audit-log': auditLog,

  // -- time tracking --
  '2026-12-06-time-entries': timeEntries,

  // -- service catalogue and custom fields --
  '2026-12-06-catalog': catalog,

  // -- problem management --
  '2026-12-07-problems': problems,
  // -- approvals --
  '2026-12-07-approvals': approvals,

  // -- change management --
  '2026-12-07-changes': changes,
  // -- automation rules --
  '2026-12-07-automation': automation,
  // -- anomaly rules --
  '2026-12-08-anomaly-rules': anomalyRules,

  // -- upgrade proposals and requests for quotes --
  '2026-12-08-upgrade-proposals': upgradeProposals,

  // -- single sign-on --
  '2026-12-09-sso': sso,

  // -- suppliers: vendors, contracts, budgets, quotes --
  '2026-12-09-vendors': vendors,

  // -- assets: inventory, licences, relations, ticket links and inventory agents --
  '2026-12-09-assets': assets,

  // -- saved views of the assets list (a scope per view) --
  '2026-12-10-assets-web': savedViewScopes,
  // -- SCIM provisioning --
  '2026-12-10-scim': scim,
  // -- assets: repairs, lifecycle reminders, replacement requests --
  '2026-12-10-assets-life': assetsLife,
  '2026-12-10-vendors-api': vendorsApi,

  // -- assets: agent-less inventory from node_exporter (the monitoring target an asset came from) --
  '2026-12-10-assets-scale': assetsScale,
  // -- assets: the list's indexes and full-text search at 200,000 assets --
  '2026-12-11-assets-lists': assetsLists,

  // -- LDAP and Active Directory sign-in and sync --
  '2026-12-11-ldap': ldap,

  // -- single sign-on with SAML 2.0 --
  '2026-12-11-saml': saml,

  // -- moving in from Zammad, GLPI, osTicket: links to the original records, checkpoints --
  '2026-12-12-import': importLinks,

  // -- metrics forwarded to an external Prometheus-compatible store by remote-write --
  '2026-12-13-metric-forward': metricForward,
};
