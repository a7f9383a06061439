// Every table, as Kysely sees it. Queries are typed from this interface, so a renamed column breaks the
// build. Times are epoch milliseconds; flags are 0/1 integers on both dialects; JSON is stored as text.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'admin' | 'manager' | 'technician' | 'requester';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  active: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  /** Migration 2026-12-07-approvals: who approves for this person when a request type asks their manager. */
  manager_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Requester attributes automation rules condition on (migration 2026-12-07-automation). */
  department: ColumnType<string | null, string | null | undefined, string | null>;
  vip: ColumnType<number, number | undefined, number>;
  /** What a directory says about the person (migration 2026-12-10-scim): its id for them, the userName it uses. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  user_name: ColumnType<string | null, string | null | undefined, string | null>;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  /** A BCP 47 language tag (de, en-GB). */
  language: ColumnType<string | null, string | null | undefined, string | null>;
  /** An IANA time zone (Europe/Berlin). */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  location: ColumnType<string | null, string | null | undefined, string | null>;
  /** Deleted by the directory over SCIM: deactivated, kept for its history, hidden from SCIM. */
  scim_deleted_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface GroupsTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: number;
  /** A directory's id for the group, provisioned over SCIM (migration 2026-12-10-scim). */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Deleted by the directory over SCIM: emptied and hidden from SCIM, kept for the tickets it was given. */
  scim_deleted_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Bearer tokens an identity provider provisions people and groups with over SCIM (migration 2026-12-10-scim). */
export interface ScimTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  prefix: string;
  default_role: Role;
  created_by: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface GroupMembersTable {
  group_id: number;
  user_id: number;
}

export interface SessionsTable {
  /** sha256 of the session token: a stolen database does not give working sessions. */
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  /** The identity provider the session was opened through (migration 2026-12-09-sso), for single logout. */
  provider_id: number | null;
  id_token: string | null;
}

/** Identity providers an admin connects for single sign-on (migration 2026-12-09-sso). */
export interface IdentityProvidersTable {
  id: Generated<number>;
  kind: string;
  slug: string;
  display_name: string;
  issuer: string;
  client_id: string;
  client_secret: string | null;
  scopes: string;
  /** JSON: IdentityMapping. */
  mapping: string;
  /** JSON array of e-mail domains. */
  domains: string;
  sso_only: number;
  create_accounts: number;
  enabled: number;
  created_at: number;
  updated_at: number;
  /** JSON: a SAML provider's settings (migration 2026-12-11-saml); null for OpenID Connect. */
  saml: string | null;
}

/** SAML assertions already used (migration 2026-12-11-saml), kept until they expire: none signs in twice. */
export interface SamlAssertionsTable {
  provider_id: number;
  assertion_id: string;
  used_at: number;
  expires_at: number;
}

/** Sign-ins in flight: sent to the provider, not yet back. */
export interface SsoSignInsTable {
  state_hash: string;
  provider_id: number;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

/** A provider's subject linked to an account. */
export interface UserIdentitiesTable {
  provider_id: number;
  subject: string;
  user_id: number;
  email: string | null;
  created_at: number;
  last_sign_in_at: number;
}

/** Directories an admin connects for LDAP / Active Directory sign-in and sync (migration 2026-12-11-ldap). */
export interface LdapDirectoriesTable {
  id: Generated<number>;
  name: string;
  url: string;
  start_tls: number;
  tls_ca: string | null;
  /** 'search' | 'direct' */
  bind_mode: string;
  bind_dn: string | null;
  bind_password: string | null;
  user_dn_template: string | null;
  user_base: string;
  user_filter: string;
  login_attribute: string;
  email_attribute: string;
  name_attribute: string;
  id_attribute: string;
  disabled_filter: string | null;
  group_base: string | null;
  group_filter: string;
  member_attribute: string;
  group_name_attribute: string;
  /** 'auto' | 'matching-rule' | 'walk' | 'off' */
  nested_groups: string;
  /** JSON: LdapMapping. */
  mapping: string;
  create_accounts: number;
  sync_enabled: number;
  sync_interval_minutes: number;
  enabled: number;
  last_sync_at: number | null;
  /** JSON: the last sync's report. */
  last_sync_report: string | null;
  created_at: number;
  updated_at: number;
}

/** Accounts linked to a directory's people, by its id for them (migration 2026-12-11-ldap). */
export interface LdapAccountsTable {
  directory_id: number;
  unique_id: string;
  user_id: number;
  dn: string;
  deactivated_by_sync: number;
  created_at: number;
  last_seen_at: number | null;
  last_sign_in_at: number | null;
}

/** One-time password-reset links (migration 2026-11-29-auth-trust): only the token's SHA-256 is kept. */
export interface PasswordResetsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  /** The first characters of the token, shown in lists so a user can tell tokens apart. */
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface CategoriesTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: number;
}

export type TicketType = 'incident' | 'request';
export type TicketStatus =
  | 'new'
  | 'assigned'
  | 'in_progress'
  | 'pending'
  | 'resolved'
  | 'closed'
  /** Migration 2026-12-07-approvals: filed, waiting for its approvers; open, in nobody's work queue, SLA paused. */
  | 'awaiting_approval';

export interface TicketsTable {
  id: Generated<number>;
  title: string;
  description: string;
  type: TicketType;
  status: TicketStatus;
  impact: number;
  urgency: number;
  priority: number;
  requester_id: number;
  category_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  related_ticket_id: number | null;
  created_by: number;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  closed_at: number | null;
  satisfaction: number | null;
  satisfaction_comment: string | null;
  /** Migration 2026-12-06-ticket-links: the ticket this one was merged into (closed and read-only since). */
  merged_into_id: Generated<number | null>;
  /** The catalogue's request type it was filed through (migration 2026-12-06-catalog). */
  request_type_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The ticket's number in the help desk it was imported from (migration 2026-12-12-import). */
  external_ref: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TicketTagsTable {
  ticket_id: number;
  tag: string;
}

export interface TicketWatchersTable {
  ticket_id: number;
  user_id: number;
}

export interface CommentsTable {
  id: Generated<number>;
  ticket_id: number;
  author_id: number;
  body: string;
  internal: number;
  created_at: number;
  /** Migration 2026-12-06-ticket-links: the ticket this comment was split into. */
  split_to_ticket_id: Generated<number | null>;
}

export interface AttachmentsTable {
  id: Generated<number>;
  ticket_id: number;
  comment_id: number | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number;
  created_at: number;
}

export interface TicketHistoryTable {
  id: Generated<number>;
  ticket_id: number;
  actor_id: number | null;
  at: number;
  field: string;
  from_value: string | null;
  to_value: string | null;
  /** public: the requester sees it too; internal: staff only. Chosen by whoever writes the entry. */
  visibility: HistoryVisibility;
}

export type HistoryVisibility = 'public' | 'internal';

/** Which local row an imported record became (migration 2026-12-12-import). */
export interface ImportLinksTable {
  source: string;
  kind: string;
  original_id: string;
  local_id: number;
  imported_at: number;
}

/** Where an import of one resource stopped: the last page written whole (migration 2026-12-12-import). */
export interface ImportCheckpointsTable {
  source: string;
  resource: string;
  cursor: string;
  updated_at: number;
}

/** One row per shared cache: its version, bumped in the transaction that changes what it holds. */
export interface CacheVersionsTable {
  name: string;
  version: number;
}

/** A file checked and stored before the ticket or reply it goes with exists (then moved to attachments). */
export interface AttachmentUploadsTable {
  id: Generated<number>;
  uploaded_by: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  at: number;
  action: string;
  subject_type: string;
  subject_id: string;
  details: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  type: string;
  subject_type: string;
  subject_id: string;
  actor_id: number | null;
  payload: string;
  created_at: number;
  dispatched_at: number | null;
}

/** One event's failed delivery to one subscriber: retried with backoff, then dead-lettered (src/core/events.ts). */
export interface OutboxFailuresTable {
  id: Generated<number>;
  outbox_id: number;
  subscriber: string;
  attempts: number;
  last_error: string;
  first_failed_at: number;
  last_attempt_at: number;
  /** When the relay tries again; null once dead-lettered. */
  next_attempt_at: number | null;
  dead_lettered_at: number | null;
}

export interface WebhooksTable {
  id: Generated<number>;
  url: string;
  secret: string;
  /** JSON array of event types; empty means every event. */
  events: string;
  active: number;
  created_by: number;
  created_at: number;
  /** 'opsdesk': the signed JSON event; 'chat': {text} for a chat incoming webhook (src/notify/channels/chat.ts). */
  format: Generated<WebhookFormat>;
}

export type WebhookFormat = 'opsdesk' | 'chat';

/**
 * The delivery pipeline's channels (src/notify/channels/): sms goes through the configured SMS gateway; page
 * posts a page to a person's own webhook or chat URL (a contact method, src/oncall/contact-methods.ts).
 */
export type DeliveryChannelName = 'mail' | 'webhook' | 'chat' | 'sms' | 'page';

/**
 * Where a delivery stands: pending (due at next_attempt_at), delivered, failed (the receiver refused it for
 * good), dead (every attempt failed), disabled (the channel is not configured; retried on request), cancelled
 * (a page not yet sent when its incident was acknowledged or resolved: never claimed, never retried).
 */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dead' | 'disabled' | 'cancelled';

/** The one delivery log of every channel (migration 2026-11-30-deliveries, src/notify/delivery-worker.ts). */
export interface DeliveriesTable {
  id: Generated<number>;
  channel: DeliveryChannelName;
  /** The webhook (or chat target) it goes to; null for mail. */
  endpoint_id: number | null;
  event_id: number | null;
  ticket_id: number | null;
  user_id: number | null;
  /** The address as queued: a mail address or the endpoint's URL. */
  target: string;
  /** What it is: the mail template, or the event type. */
  kind: string;
  /** JSON: what the channel needs to send it (the rendered mail; '{}' when it is built from the event). */
  payload: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number | null;
  /** A worker holds it until then (claimed, being sent); a crash only delays it. */
  lease_until: number | null;
  /** The receiver's answer: an HTTP status or an SMTP reply code. */
  last_status: number | null;
  last_error: string | null;
  /** A short stable label of the last failure (http_5xx, timeout, smtp_4xx, …): a metric label too. */
  last_reason: string | null;
  /** Unique per channel; sent to the receiver so it can drop a second copy (docs/architecture.md). */
  idempotency_key: string;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  /** The incident a page belongs to (migration 2026-11-30-oncall-contacts): what cancelPages finds. */
  incident_id: number | null;
  /** The person's contact method it goes to (pages and test messages); null for everything else. */
  contact_method_id: number | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A read-only view over `deliveries` in the shape of the old webhook log. */
export interface WebhookDeliveriesTable {
  id: number;
  webhook_id: number;
  event_id: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** Which list a saved view filters. */
export type SavedViewScope = 'tickets' | 'assets';

export interface SavedViewsTable {
  id: Generated<number>;
  user_id: number;
  /** Which list the view filters (the queue's views are 'tickets'). */
  scope: ColumnType<SavedViewScope, SavedViewScope | undefined, SavedViewScope>;
  name: string;
  query: string;
  created_at: number;
}

export type MailInboundStatus = 'received' | 'processed' | 'rejected';

export interface MailInboundTable {
  id: Generated<number>;
  source: 'smtp' | 'imap';
  message_id: string | null;
  sender: string | null;
  envelope_from: string | null;
  /** JSON array of envelope recipients. */
  envelope_to: string;
  subject: string | null;
  /** The message as received; null only when it was refused before being read (too large). */
  raw: Buffer | null;
  size_bytes: number;
  status: MailInboundStatus;
  reason: string | null;
  /** JSON array of notes (skipped attachments, …). */
  notes: Generated<string>;
  ticket_id: number | null;
  comment_id: number | null;
  attempts: Generated<number>;
  received_at: number;
  processed_at: number | null;
  /** The SMTP client's IP address (null for IMAP). */
  client_address: string | null;
  /** The relay that authenticated with SMTP AUTH (OPSDESK_SMTP_RELAYS), if any. */
  smtp_relay: string | null;
  /** While the retry job of one instance works on the row, others leave it alone. */
  leased_until: number | null;
  /** The admin who, reviewing a set-aside mail, vouched for its sender (the trust checks are then skipped). */
  accepted_by: number | null;
}

export interface MailMessagesTable {
  /** Normalised Message-ID, without angle brackets, lower-case. */
  message_id: string;
  direction: 'in' | 'out';
  ticket_id: number | null;
  comment_id: number | null;
  inbound_id: number | null;
  created_at: number;
}

export interface MailTemplatesTable {
  event: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  updated_by: number | null;
  updated_at: number;
}

export type MailDeliveryStatus = 'pending' | 'sent' | 'failed' | 'disabled' | 'cancelled';

/** A read-only view over `deliveries` in the shape of the old mail log. */
export interface MailDeliveriesTable {
  id: number;
  event_id: number | null;
  template: string;
  ticket_id: number | null;
  user_id: number | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  message_id: string;
  in_reply_to: string | null;
  references: string | null;
  status: MailDeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface SlaCalendarsTable {
  id: Generated<number>;
  name: string;
  time_zone: string;
  always_open: number;
  /** JSON [{day, start, end}] */
  hours: string;
  /** JSON [{date, name, yearly}] */
  holidays: string;
  created_at: number;
  updated_at: number;
}

export interface SlaPoliciesTable {
  id: Generated<number>;
  name: string;
  position: number;
  active: number;
  /** JSON; see src/sla/policies.ts */
  conditions: string;
  targets: string;
  levels: string;
  created_at: number;
  updated_at: number;
}

export interface SlaOlasTable {
  id: Generated<number>;
  group_id: number;
  minutes: number;
  calendar_id: number | null;
  warn_percent: number | null;
  /** JSON array of ticket states */
  pause_statuses: string;
  created_at: number;
  updated_at: number;
}

export interface SlaTicketClocksTable {
  ticket_id: number;
  policy_id: number | null;
  pinned_policy_id: number | null;
  is_open: number;
  ticket_created_at: number;
  group_id: number | null;
  assignee_id: number | null;
  computed_at: number;
  /** JSON: the clocks as the API shows them */
  clocks: string;
  first_response_due_at: number | null;
  first_response_achieved_at: number | null;
  first_response_margin_ms: number | null;
  first_response_breached: number;
  resolution_due_at: number | null;
  resolution_achieved_at: number | null;
  resolution_margin_ms: number | null;
  resolution_breached: number;
  next_check_at: number | null;
}

export interface SlaFiredTable {
  id: Generated<number>;
  ticket_id: number;
  target: string;
  level: string;
  cycle: number;
  due_at: number | null;
  fired_at: number;
}

export type EscalationKind = 'manual' | 'automatic';
export type EscalationStatus = 'open' | 'resolved' | 'handed_on';

export interface SlaEscalationsTable {
  id: Generated<number>;
  ticket_id: number;
  kind: EscalationKind;
  level: number;
  target: string | null;
  reason: string;
  from_group_id: number | null;
  to_group_id: number | null;
  to_manager: number;
  actor_id: number | null;
  status: EscalationStatus;
  created_at: number;
  closed_at: number | null;
  closed_by: number | null;
  note: string | null;
}

/** What an article is (src/knowledge/articles.ts). */
export type ArticleKind = 'faq' | 'guide' | 'manual' | 'runbook' | 'policy' | 'procedure';
/** Who may read it: requesters too, staff, or managers and admins. */
export type ArticleAudience = 'public' | 'internal' | 'managers';
export type ArticleStatus = 'draft' | 'in_review' | 'published' | 'archived';

/** Whose a canned response, macro or template is: one person's, one group's, or everyone's. */
export type MacroScope = 'user' | 'group' | 'global';
export interface MacroScopeColumns {
  id: Generated<number>;
  scope: MacroScope;
  owner_id: number | null;
  group_id: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  sessions: SessionsTable;
  identity_providers: IdentityProvidersTable;
  sso_sign_ins: SsoSignInsTable;
  saml_assertions: SamlAssertionsTable;
  user_identities: UserIdentitiesTable;
  ldap_directories: LdapDirectoriesTable;
  ldap_accounts: LdapAccountsTable;
  api_tokens: ApiTokensTable;
  scim_tokens: ScimTokensTable;
  password_resets: PasswordResetsTable;
  categories: CategoriesTable;
  tickets: TicketsTable;
  ticket_tags: TicketTagsTable;
  ticket_watchers: TicketWatchersTable;
  comments: CommentsTable;
  attachments: AttachmentsTable;
  ticket_history: TicketHistoryTable;
  import_links: ImportLinksTable;
  import_checkpoints: ImportCheckpointsTable;
  cache_versions: CacheVersionsTable;
  attachment_uploads: AttachmentUploadsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  outbox: OutboxTable;
  outbox_failures: OutboxFailuresTable;
  webhooks: WebhooksTable;
  deliveries: DeliveriesTable;
  /** A view (read-only) over deliveries. */
  webhook_deliveries: WebhookDeliveriesTable;
  saved_views: SavedViewsTable;
  mail_inbound: MailInboundTable;
  mail_messages: MailMessagesTable;
  mail_templates: MailTemplatesTable;
  /** A view (read-only) over deliveries. */
  mail_deliveries: MailDeliveriesTable;
  sla_calendars: SlaCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_olas: SlaOlasTable;
  sla_ticket_clocks: SlaTicketClocksTable;
  sla_fired: SlaFiredTable;
  sla_escalations: SlaEscalationsTable;
  /** SQLite only: every word of the FTS5 indexes (migration 2026-11-26-search-words). */
  search_words: { word: string };
  /** The words of people's names, category names and tags, for search (migration 2026-11-29-search-names). */
  search_names: SearchNamesTable;
  // -- technicians --
  technician_profiles: TechnicianProfilesTable;
  skills: SkillsTable;
  technician_skills: TechnicianSkillsTable;
  technician_time_off: TechnicianTimeOffTable;
  assignment_rules: AssignmentRulesTable;
  assignment_policies: AssignmentPoliciesTable;
  assignment_queue: AssignmentQueueTable;

  // -- on-call schedules --
  /** Migration 2026-11-30-oncall-schedules: layers is ScheduleLayer[] as JSON, bottom first. */
  oncall_schedules: {
    id: Generated<number>;
    name: string;
    description: string;
    time_zone: string;
    team_id: number | null;
    layers: string;
    created_at: number;
    updated_at: number;
    version: number;
  };
  oncall_overrides: {
    id: Generated<number>;
    schedule_id: number;
    user_id: number;
    start_at: number;
    end_at: number;
    reason: string;
    created_by: number | null;
    request_id: number | null;
    created_at: number;
  };
  oncall_shift_requests: {
    id: Generated<number>;
    schedule_id: number;
    kind: 'cover' | 'swap';
    requester_id: number;
    covering_user_id: number;
    start_at: number;
    end_at: number;
    swap_start_at: number | null;
    swap_end_at: number | null;
    reason: string;
    state: 'pending' | 'approved' | 'rejected' | 'cancelled';
    decided_by: number | null;
    decided_at: number | null;
    decision_note: string | null;
    created_at: number;
  };
  /** Calendar-feed secrets, one per schedule or per user: only the SHA-256 is kept. */
  oncall_feed_tokens: {
    id: Generated<number>;
    schedule_id: number | null;
    user_id: number | null;
    token_hash: string;
    created_by: number | null;
    created_at: number;
  };

  // -- contact methods --
  /** Migration 2026-11-30-oncall-contacts: how a person is reached (src/oncall/contact-methods.ts). */
  contact_methods: ContactMethodsTable;
  /** Ordered (contact method, delay) pairs per person: webhook at once, email after 5 minutes. */
  notification_rules: NotificationRulesTable;

  // -- escalation policies and incidents --
  /** Migration 2026-11-30-paging. steps: EscalationStep[] as JSON; repeat_count: passes through the steps (1: once). */
  escalation_policies: {
    id: Generated<number>;
    name: string;
    description: string;
    steps: string;
    repeat_count: number;
    created_at: number;
    updated_at: number;
  };
  /** Services: what an incident is about, its policy, and the hashed integration key of machine callers. */
  services: {
    id: Generated<number>;
    name: string;
    description: string;
    escalation_policy_id: number;
    group_id: number | null;
    category_id: number | null;
    ack_timeout_minutes: number;
    integration_key_hash: string;
    integration_key_prefix: string;
    created_at: number;
    updated_at: number;
  };
  /**
   * Incidents with their escalation timer (current step and pass, next_escalation_at). policy_snapshot: the
   * policy as it was when the incident opened (JSON); open_dedup_key: the dedup key while open, null once resolved.
   */
  incidents: {
    id: Generated<number>;
    service_id: number | null;
    policy_id: number | null;
    policy_snapshot: string;
    summary: string;
    severity: string;
    details: string;
    source: string;
    dedup_key: string | null;
    open_dedup_key: string | null;
    event_count: Generated<number>;
    state: 'triggered' | 'acknowledged' | 'resolved';
    ticket_id: number | null;
    created_by: number | null;
    ack_timeout_minutes: number;
    current_step: Generated<number>;
    current_repeat: Generated<number>;
    next_escalation_at: number | null;
    created_at: number;
    updated_at: number;
    acknowledged_at: number | null;
    acknowledged_by: number | null;
    resolved_at: number | null;
    resolved_by: number | null;
  };
  /** Who was notified when, by which channel; acknowledgements, timeouts, resolution. */
  incident_timeline: {
    id: Generated<number>;
    incident_id: number;
    at: number;
    kind: string;
    user_id: number | null;
    step: number | null;
    repeat: number | null;
    channel: string | null;
    delivery_id: number | null;
    detail: string;
  };

  // -- monitoring: targets and checks (migration 2026-12-01-monitoring-targets, src/monitoring/) --
  monitoring_targets: {
    id: Generated<number>;
    name: string;
    kind: 'host' | 'service';
    address: string | null;
    description: string;
    /** JSON array of "key" or "key:value". */
    tags: string;
    group_id: number | null;
    escalation_policy_id: number | null;
    service_id: number | null;
    state: 'pending' | 'up' | 'down' | 'paused';
    state_since: number;
    created_at: number;
    updated_at: number;
  };
  monitoring_target_dependencies: { target_id: number; parent_id: number };
  monitoring_maintenance_windows: {
    id: Generated<number>;
    name: string;
    description: string;
    /** JSON array of target ids; empty: every target. */
    target_ids: string;
    starts_at: number;
    ends_at: number | null;
    rrule: string | null;
    time_zone: string;
    duration_minutes: number | null;
    created_by: number | null;
    created_at: number;
    updated_at: number;
  };
  monitoring_checks: {
    id: Generated<number>;
    target_id: number;
    name: string;
    kind: string;
    /** CheckSpec as JSON (src/monitoring/check-model.ts). */
    spec: string;
    interval_seconds: number;
    timeout_seconds: number;
    retries: number;
    enabled: number;
    state: 'pending' | 'up' | 'down' | 'paused';
    state_since: number;
    consecutive_failures: number;
    last_run_at: number | null;
    last_ok: number | null;
    last_latency_ms: number | null;
    last_message: string;
    /** JSON [[epoch ms, latency ms, ok 0|1], …], newest last: the board's sparkline. */
    recent_results: Generated<string>;
    next_run_at: number;
    lease_until: number | null;
    heartbeat_token_hash: string | null;
    last_beat_at: number | null;
    created_at: number;
    updated_at: number;
    /** When the sweep found it had not run for two intervals (CheckNotRunning raised); null while it runs. */
    not_running_since: Generated<number | null>;
  };
  monitoring_check_states: {
    id: Generated<number>;
    check_id: number;
    state: 'pending' | 'up' | 'down' | 'paused';
    at: number;
    message: string;
  };

  // -- monitoring: scrape targets (migration 2026-12-01-scrape-targets, src/monitoring/scrapes.ts) --
  monitoring_scrape_targets: {
    id: Generated<number>;
    url: string;
    job: string;
    interval_seconds: number;
    timeout_seconds: number;
    /** JSON object: static labels. */
    labels: string;
    /** JSON arrays of relabel_config (src/monitoring/relabel.ts). */
    relabel_configs: string;
    metric_relabel_configs: string;
    honor_labels: number;
    honor_timestamps: number;
    sample_limit: number;
    series_limit: number;
    target_id: number | null;
    enabled: number;
    next_scrape_at: number;
    lease_until: number | null;
    last_scrape_at: number | null;
    last_duration_ms: number | null;
    last_up: number | null;
    last_error: Generated<string>;
    last_samples: number | null;
    /** JSON object: reject reason → count, of the last scrape. */
    last_rejected: Generated<string>;
    created_at: number;
    updated_at: number;
  };

  // -- monitoring: metric store --
  // (migration 2026-12-01-metric-store, src/monitoring/metric-store.ts)
  metric_series: {
    id: Generated<number>;
    /** SHA-256 (hex) of the canonical label set. */
    key_hash: string;
    /** JSON object, names sorted. */
    labels: string;
    name: string;
    source: string;
    created_at: number;
  };
  /** One row per append: series ids, timestamps and values as one columnar blob (sample-codec.ts). */
  metric_wal: {
    id: Generated<number>;
    min_ts: number;
    max_ts: number;
    samples: number;
    created_at: number;
    data: Uint8Array;
  };
  /** Appended batches waiting to be forwarded by remote-write (metric-forward.ts); the blob is metric_wal's. */
  metric_forward_queue: {
    id: Generated<number>;
    samples: number;
    created_at: number;
    next_attempt_at: number;
    lease_until: number | null;
    attempts: Generated<number>;
    data: Uint8Array;
  };
  metric_chunks: {
    series_id: number;
    window_start: number;
    min_ts: number;
    max_ts: number;
    samples: number;
    last_value: number | null;
    rolled_up: number;
    data: Uint8Array;
  };
  metric_rollups: {
    series_id: number;
    resolution: '1m' | '1h';
    window_start: number;
    covered_to: number;
    data: Uint8Array;
  };

  // -- monitoring: alerts --
  // alert rules and their active alerts (migration 2026-12-01-alert-rules, src/monitoring/alert-rules.ts)
  monitoring_alert_rules: {
    id: Generated<number>;
    name: string;
    kind: 'promql' | 'check' | 'anomaly';
    expr: string;
    /** JSON {targetId?, tags?}; null for a PromQL rule. */
    check_selector: string | null;
    down_after: number | null;
    for_seconds: number;
    keep_firing_for_seconds: number;
    /** JSON object of label templates (severity included). */
    labels: string;
    /** JSON object of annotation templates. */
    annotations: string;
    group_name: string;
    interval_seconds: number;
    enabled: number;
    next_evaluation_at: number;
    health: 'unknown' | 'ok' | 'err';
    last_error: string | null;
    last_evaluated_at: number | null;
    last_evaluation_ms: number | null;
    created_by: number | null;
    created_at: number;
    updated_at: number;
    /** Migration 2026-12-08-anomaly-rules: the score (0–1) at which an anomaly rule's series is active. */
    anomaly_threshold: number | null;
  };
  /** Migration 2026-12-08-anomaly-rules (src/monitoring/anomaly-rules.ts): each anomaly rule's series' detector. */
  monitoring_anomaly_states: {
    rule_id: number;
    series_key: string;
    /** JSON: the detector's snapshot. */
    state: string;
    last_sample_at: number;
    last_score: number;
    updated_at: number;
  };
  monitoring_rule_alerts: {
    rule_id: number;
    fingerprint: string;
    /** JSON object. */
    labels: string;
    /** JSON object. */
    annotations: string;
    state: 'pending' | 'firing' | 'inactive';
    active_at: number;
    fired_at: number | null;
    resolved_at: number | null;
    /** Null for NaN. */
    last_value: number | null;
    keep_firing_since: number | null;
    last_sent_at: number | null;
    valid_until: number | null;
  };
  /** Migration 2026-12-01-alert-pipeline (src/monitoring/alert-pipeline.ts). labels, annotations: JSON. */
  monitoring_alerts: {
    fingerprint: string;
    labels: string;
    annotations: string;
    starts_at: number;
    ends_at: number | null;
    resolves_at: number;
    generator_url: string;
    origin: string;
    target_id: number | null;
    status: 'firing' | 'resolved';
    transitions: string;
    created_at: number;
    updated_at: number;
  };
  /** Aggregation groups: the flush timer, the lease and the notification log (src/monitoring/alert-groups.ts). */
  monitoring_alert_groups: {
    id: Generated<number>;
    group_key: string;
    route_key: string;
    receiver: string;
    group_labels: string;
    route_opts: string;
    next_flush_at: number;
    lease_until: number | null;
    has_flushed: number;
    last_notified_at: number | null;
    last_firing: string;
    last_resolved: string;
    incident_id: number | null;
    last_error: string | null;
    created_at: number;
    updated_at: number;
  };
  monitoring_alert_group_alerts: { group_id: number; fingerprint: string };
  /** matchers: JSON AlertMatcher[] (src/monitoring/silences.ts). */
  monitoring_silences: {
    id: Generated<number>;
    matchers: string;
    starts_at: number;
    ends_at: number;
    created_by: number | null;
    comment: string;
    created_at: number;
    updated_at: number;
  };
  /** The routing document (JSON, Alertmanager's shape), one row with id 1 (src/monitoring/alert-routing.ts). */
  monitoring_alert_routing: { id: number; document: string; updated_by: number | null; updated_at: number };

  // -- monitoring: status pages --
  status_pages: {
    id: Generated<number>;
    slug: string;
    title: string;
    description: string;
    audience: 'public' | 'signed_in';
    time_zone: string;
    created_at: number;
    updated_at: number;
  };
  status_page_components: {
    id: Generated<number>;
    page_id: number;
    target_id: number;
    display_name: string;
    section: string;
    position: number;
    category_id: number | null;
  };
  status_incidents: {
    id: Generated<number>;
    page_id: number;
    title: string;
    impact: 'none' | 'minor' | 'major' | 'critical';
    state: 'investigating' | 'identified' | 'monitoring' | 'resolved';
    incident_id: number | null;
    started_at: number;
    resolved_at: number | null;
    created_by: number | null;
    created_at: number;
    updated_at: number;
  };
  status_incident_components: { status_incident_id: number; component_id: number };
  status_incident_updates: {
    id: Generated<number>;
    status_incident_id: number;
    state: 'investigating' | 'identified' | 'monitoring' | 'resolved';
    message: string;
    at: number;
    created_by: number | null;
  };
  status_incident_tickets: { status_incident_id: number; ticket_id: number; at: number };
  status_subscriptions: {
    id: Generated<number>;
    page_id: number;
    kind: 'mail' | 'webhook';
    target: string;
    secret: string | null;
    confirm_token_hash: string | null;
    unsubscribe_token: string;
    confirmed_at: number | null;
    user_id: number | null;
    created_at: number;
  };

  // -- logs: templates (migration 2026-12-02-log-templates, src/logs/) --
  /**
   * The error patterns: one row per mined template. Its id is the miner's and never changes; its text may
   * (the miner generalises it). A technician may name it or merge it into another (merged_into: the survivor;
   * its records and counts are read as the survivor's).
   */
  log_templates: {
    id: string;
    template: string;
    name: string | null;
    merged_into: string | null;
    /** Records assigned to it (all time; retention does not subtract). */
    count: number;
    /** The most severe (lowest syslog number) severity seen, 0–7. */
    worst_severity: number;
    /** Severities seen, as a bit set (bit n = severity n). */
    severity_mask: number;
    first_seen: number;
    last_seen: number;
    /** One message assigned to it, as it arrived (the first one, or a later one after the text changed). */
    example: string;
    created_at: number;
    updated_at: number;
  };
  /** Per template, the hosts it came from (bounded per template by the store). */
  log_template_hosts: { template_id: string; host: string; count: number; last_seen: number };
  /** Per template and minute (epoch ms of the minute's start): records, and those at severity error or worse. */
  log_template_minutes: { template_id: string; minute: number; count: number; errors: number };
  /** The same per host ('' for records without one): what a ticket's or incident's hosts logged around it. */
  log_host_minutes: { host: string; minute: number; template_id: string; count: number; errors: number };

  // -- logs: store --
  /** Log records (migration 2026-12-02-log-records, src/logs/log-store.ts): the id is insertion order. */
  log_records: {
    id: Generated<number>;
    time: number;
    received_at: number;
    host: string | null;
    app: string | null;
    proc_id: string | null;
    msg_id: string | null;
    severity: number;
    facility: number;
    message: string;
    /** JSON (RFC 5424 structured data) or null. */
    structured_data: string | null;
    /** The miner's template; a merged template's records are read as its survivor's. */
    template_id: string;
    /** The monitoring target whose name or address is the host, when one was at ingest. */
    target_id: number | null;
    source: string;
    peer: string | null;
    /** 1: the message was cut at the limit. */
    truncated: number;
    /** What the record costs (text plus overhead): what size retention counts. */
    bytes: number;
  };
  /** One row (id 1): the records and bytes stored now, kept by ingest and retention. */
  log_store_totals: { id: number; records: number; bytes: number };
  /**
   * Per batch and host, app or template (migration 2026-12-04-log-postings, src/logs/log-postings.ts): the ids of
   * the batch's records with it — what the search's host, app and pattern filters read instead of an index.
   */
  log_postings: { key: string; last_id: number; first_id: number; count: number; ids: Uint8Array };

  // -- logs: intelligence (migration 2026-12-03-log-alerts, src/logs/log-alerts.ts) --
  /**
   * One row per (kind, pattern) that alerted: kind 'new' (a new error pattern; the row stays, so a pattern alerts
   * as new once) or 'spike'. labels/annotations: JSON, as last sent. resolution_sent: the pipeline took the
   * resolution (1), or it is still to send (0). below_since: a firing spike's first evaluation under the threshold.
   */
  log_pattern_alerts: {
    kind: 'new' | 'spike';
    template_id: string;
    status: 'firing' | 'resolved';
    labels: string;
    annotations: string;
    starts_at: number;
    resolved_at: number | null;
    resolution_sent: number;
    below_since: number | null;
    updated_at: number;
  };

  // -- knowledge base (migration 2026-12-05-knowledge, src/knowledge/) --
  kb_categories: {
    id: Generated<number>;
    name: string;
    description: string;
    position: number;
    created_at: number;
    updated_at: number;
  };
  articles: {
    id: Generated<number>;
    kind: ArticleKind;
    audience: ArticleAudience;
    status: ArticleStatus;
    title: string;
    /** Markdown: the current version's. */
    body: string;
    category_id: number | null;
    /** The tags, space-separated (indexed; article_tags holds them for filters). */
    tag_text: string;
    version: number;
    created_by: number | null;
    updated_by: number | null;
    created_at: number;
    updated_at: number;
    published_at: number | null;
    owner_id: number | null;
    effective_at: number | null;
    review_interval_days: number | null;
    next_review_at: number | null;
    last_reviewed_at: number | null;
    /** The next_review_at a reminder was queued for. */
    reminded_for: number | null;
    requires_ack: number;
    /** Set on pages the service writes itself ('service_agreement'). */
    generated: string | null;
    source_ticket_id: number | null;
    helped_count: Generated<number>;
  };
  article_tags: { article_id: number; tag: string };
  /** An article's body rendered (sanitised HTML, headings as JSON of Heading[]) for its version. */
  article_renderings: { article_id: number; version: number; html: string; headings_json: string };
  article_versions: {
    id: Generated<number>;
    article_id: number;
    version: number;
    kind: ArticleKind;
    audience: ArticleAudience;
    status: ArticleStatus;
    title: string;
    body: string;
    category_id: number | null;
    tag_text: string;
    author_id: number | null;
    note: string;
    created_at: number;
  };
  article_attachments: {
    id: Generated<number>;
    article_id: number;
    filename: string;
    content_type: string;
    size: number;
    sha256: string;
    data: Uint8Array;
    created_by: number | null;
    created_at: number;
  };
  article_acknowledgements: { article_id: number; user_id: number; version: number; acknowledged_at: number };
  ticket_articles: { ticket_id: number; article_id: number; linked_by: number | null; linked_at: number };
  article_deflections: {
    id: Generated<number>;
    article_id: number;
    user_id: number | null;
    text: string;
    created_at: number;
  };
  article_search_gaps: {
    id: Generated<number>;
    query: string;
    searches: number;
    first_at: number;
    last_at: number;
  };
  // -- notification preferences (migration 2026-12-06-notification-preferences, src/mail/) --
  /** One row per person and kind that differs from nothing: a missing row is the kind's default. */
  notification_preferences: { user_id: number; kind: string; mode: NotificationMode; updated_at: number };
  /** The person's digest time (minutes after local midnight) and zone; next_digest_at: the claim. */
  notification_settings: {
    user_id: number;
    digest_minute: number;
    time_zone: string;
    next_digest_at: number | null;
    last_digest_date: string | null;
    updated_at: number;
  };
  /** What waits for a person's next digest. */
  notification_digest_items: {
    id: Generated<number>;
    user_id: number;
    kind: string;
    ticket_id: number | null;
    event_id: number | null;
    ticket_title: string;
    subject: string;
    detail: string | null;
    idempotency_key: string;
    created_at: number;
  };

  // -- help desk: links and merge (migration 2026-12-06-ticket-links) --
  ticket_links: {
    id: Generated<number>;
    from_ticket_id: number;
    to_ticket_id: number;
    /** parent_of: from is the parent of to; caused_by: from was caused by to; duplicate_of: from duplicates to. */
    kind: TicketLinkKind;
    created_by: number | null;
    created_at: number;
  };

  // -- macros and templates (migration 2026-12-06-macros, src/helpdesk/macro-library.ts) --
  canned_responses: MacroScopeColumns & {
    title: string;
    body: string;
    keywords: string;
    shortcut: string | null;
  };
  /** actions: MacroAction[] as JSON. */
  macros: MacroScopeColumns & { name: string; actions: string };
  /** tags: string[] as JSON. */
  ticket_templates: MacroScopeColumns & {
    name: string;
    subject: string;
    body: string;
    ticket_type: TicketType | null;
    category_id: number | null;
    impact: number | null;
    urgency: number | null;
    default_group_id: number | null;
    tags: string;
  };

  // -- time tracking (migration 2026-12-06-time-entries, src/helpdesk/time-entries.ts) --
  time_entries: {
    id: Generated<number>;
    ticket_id: number;
    user_id: number;
    /** Whole minutes, 1–1440. */
    minutes: number;
    started_at: number | null;
    ended_at: number | null;
    /** The moment the work counts for in reports. */
    worked_on: number;
    billable: number;
    note: string;
    source: TimeEntrySource;
    created_at: number;
    updated_at: number;
  };
  /** Running timers: one per person and ticket. */
  time_timers: { user_id: number; ticket_id: number; started_at: number };

  // -- service catalogue and custom fields (migration 2026-12-06-catalog) --
  custom_fields: CustomFieldsTable;
  request_types: RequestTypesTable;
  request_type_fields: RequestTypeFieldsTable;
  ticket_field_values: TicketFieldValuesTable;

  // -- problem management (migration 2026-12-07-problems, src/problems/) --
  problems: ProblemsTable;
  /** A ticket is caused by at most one problem (ticket_id is the key). */
  problem_incidents: { ticket_id: number; problem_id: number; linked_by: number | null; linked_at: number };
  problem_history: {
    id: Generated<number>;
    problem_id: number;
    actor_id: number | null;
    at: number;
    field: string;
    from_value: string | null;
    to_value: string | null;
  };

  // -- approvals (migration 2026-12-07-approvals, src/helpdesk/approvals.ts) --
  approvals: ApprovalsTable;
  approval_steps: ApprovalStepsTable;
  approval_approvers: ApprovalApproversTable;

  // -- change management (migration 2026-12-07-changes) --
  changes: ChangesTable;
  change_templates: ChangeTemplatesTable;
  change_services: { change_id: number; service_id: number };
  change_links: {
    change_id: number;
    target_type: ChangeLinkTarget;
    target_id: number;
    created_by: number | null;
    created_at: number;
  };
  change_blackouts: {
    id: Generated<number>;
    name: string;
    starts_at: number;
    ends_at: number;
    created_by: number | null;
    created_at: number;
  };
  /** A blackout with no rows here covers every service. */
  change_blackout_services: { blackout_id: number; service_id: number };

  // -- automation rules (migration 2026-12-07-automation, src/helpdesk/automation-*.ts) --
  automation_rules: AutomationRulesTable;
  automation_firings: AutomationFiringsTable;

  // -- upgrade proposals (migration 2026-12-08-upgrade-proposals, src/proposals/) --
  upgrade_proposals: UpgradeProposalsTable;
  quote_requests: QuoteRequestsTable;

  // -- suppliers (migration 2026-12-09-vendors, src/vendors/) --
  vendors: VendorsTable;
  contracts: ContractsTable;
  budget_lines: BudgetLinesTable;
  budget_entries: BudgetEntriesTable;
  quotes: QuotesTable;
  quote_items: QuoteItemsTable;
  vendor_documents: VendorDocumentsTable;
  // -- assets (migration 2026-12-09-assets, src/assets/) --
  assets: AssetsTable;
  inventory_agents: InventoryAgentsTable;
  /** The MAC addresses of an asset's network cards (lower case, colon-separated). */
  asset_macs: { asset_id: number; mac: string };
  asset_software: AssetSoftwareTable;
  /** The terms of an asset of type licence. */
  asset_licences: { asset_id: number; software_name: string; seats: number; expires_on: number | null };
  licence_assignments: LicenceAssignmentsTable;
  asset_relations: AssetRelationsTable;
  /** A ticket names the assets it affects. */
  asset_tickets: { asset_id: number; ticket_id: number; linked_by: number | null; linked_at: number };
  // -- assets' lifecycle (migration 2026-12-10-assets-life, src/assets/) --
  asset_repairs: AssetRepairsTable;
  /** A lifecycle reminder raised: once per asset, kind and the day it is about. */
  asset_reminders: { asset_id: number; kind: AssetReminderKind; about: number; raised_at: number };
  asset_history: {
    id: Generated<number>;
    asset_id: number;
    actor_id: number | null;
    at: number;
    field: string;
    from_value: string | null;
    to_value: string | null;
  };
}

export type AssetType =
  | 'computer'
  | 'server'
  | 'network_device'
  | 'printer'
  | 'phone'
  | 'peripheral'
  | 'monitor'
  | 'software'
  | 'licence';
export type AssetStatus = 'in_stock' | 'in_use' | 'in_repair' | 'retired';
export type AssetRelationKind = 'installed_on' | 'connected_to' | 'depends_on';

export interface AssetsTable {
  id: Generated<number>;
  name: string;
  type: AssetType;
  status: AssetStatus;
  serial: string | null;
  asset_tag: string | null;
  model: string;
  manufacturer: string;
  location: string;
  owner_id: number | null;
  /** Midnight UTC of the day. */
  purchased_on: number | null;
  cost_minor: number | null;
  cost_currency: string | null;
  supplier: string;
  warranty_ends_on: number | null;
  end_of_life_on: number | null;
  notes: string;
  /** JSON: HardwareFacts (src/assets/asset-model.ts), or null. */
  hardware: string | null;
  inventory_agent_id: number | null;
  inventory_device_id: string | null;
  inventoried_at: number | null;
  /** The monitored host (node_exporter) the asset's facts come from (migration 2026-12-10-assets-scale). */
  monitoring_target_id: number | null;
  /** When node_exporter's facts last filled the asset. */
  host_facts_at: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  /** The request for quotes whose award retires this asset (migration 2026-12-10-assets-life). */
  replacement_request_id: number | null;
}

export type AssetRepairKind = 'in_house' | 'vendor_rma';
export type AssetRepairOutcome = 'repaired' | 'unrepairable';
export type AssetReminderKind =
  | 'warranty_ending'
  | 'end_of_life'
  | 'licence_over_assigned'
  | 'licence_expiring';

export interface AssetRepairsTable {
  id: Generated<number>;
  asset_id: number;
  ticket_id: number | null;
  kind: AssetRepairKind;
  vendor_id: number | null;
  rma_number: string;
  loaner_asset_id: number | null;
  notes: string;
  cost_minor: number | null;
  cost_currency: string | null;
  opened_by: number | null;
  opened_at: number;
  closed_by: number | null;
  closed_at: number | null;
  outcome: AssetRepairOutcome | null;
}

export interface InventoryAgentsTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  created_by: number | null;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

export interface AssetSoftwareTable {
  id: Generated<number>;
  asset_id: number;
  name: string;
  version: string;
  publisher: string;
  installed_on: number | null;
  source: 'inventory' | 'manual';
}

export interface LicenceAssignmentsTable {
  id: Generated<number>;
  licence_id: number;
  asset_id: number | null;
  user_id: number | null;
  assigned_by: number | null;
  assigned_at: number;
}

export interface AssetRelationsTable {
  id: Generated<number>;
  from_asset_id: number;
  to_asset_id: number;
  kind: AssetRelationKind;
  created_by: number | null;
  created_at: number;
}

export type ProblemStatus = 'new' | 'investigating' | 'known_error' | 'resolved' | 'closed';

export interface ProblemsTable {
  id: Generated<number>;
  title: string;
  description: string;
  status: ProblemStatus;
  root_cause: string;
  workaround: string;
  /** When it was first declared a known error (kept once resolved). */
  known_error_at: number | null;
  /** 1–5. */
  priority: number;
  /** 1–5. */
  impact: number;
  owner_id: number | null;
  group_id: number | null;
  category_id: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  closed_at: number | null;
}

export type TicketLinkKind = 'parent_of' | 'related' | 'duplicate_of' | 'caused_by';

/** How a time entry was logged: a stopped timer, or typed in. */
export type TimeEntrySource = 'timer' | 'manual';

// -- technicians (migration 2026-11-30-technicians, src/technicians/) --
export interface TechnicianProfilesTable {
  user_id: number;
  /** The working calendar (an SLA business calendar); null: on shift around the clock. */
  calendar_id: number | null;
  max_open_tickets: number;
  updated_by: number | null;
  updated_at: number;
}

export interface SkillsTable {
  id: Generated<number>;
  name: string;
  description: string;
  /** JSON array of words or phrases that, in a ticket's title or description, say it needs the skill. */
  keywords: string;
  /** JSON array of category ids whose tickets need the skill. */
  category_ids: string;
  /** The level (1–5) a ticket needing the skill asks for. */
  needed_level: number;
  created_at: number;
  updated_at: number;
}

export interface TechnicianSkillsTable {
  user_id: number;
  skill_id: number;
  level: number;
}

export interface TechnicianTimeOffTable {
  id: Generated<number>;
  user_id: number;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: number | null;
  created_at: number;
}

export interface AssignmentRulesTable {
  id: Generated<number>;
  name: string;
  position: number;
  active: number;
  /** JSON {categoryIds?, keywords?, requesterGroupIds?} */
  conditions: string;
  group_id: number;
  skill_id: number | null;
  skill_level: number | null;
  created_at: number;
  updated_at: number;
}

export type AssignmentPolicyName = 'manual' | 'round_robin' | 'least_loaded' | 'best_skill' | 'optimise';

export interface AssignmentPoliciesTable {
  group_id: number;
  policy: AssignmentPolicyName;
  auto: number;
  /** Round-robin cursor: who got the group's last automatic assignment. */
  last_user_id: number | null;
  /** Bumped by each automatic assignment: the UPDATE is the group's lock. */
  turns: Generated<number>;
  optimised_at: number | null;
  updated_by: number | null;
  updated_at: number;
}

export interface AssignmentQueueTable {
  ticket_id: number;
  queued_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
}
// -- end technicians --

export interface SearchNamesTable {
  word: string;
  kind: 'user' | 'category' | 'tag';
  /** The user's or category's id, or the tag itself. */
  ref: string;
}

/** How a person wants one kind of mail: not at all, at once, or in the daily digest. */
export type NotificationMode = 'off' | 'immediate' | 'digest';

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type TicketRow = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketUpdate = Updateable<TicketsTable>;
export type CommentRow = Selectable<CommentsTable>;

// -- contact methods --

/** email: an address; webhook: a signed JSON POST; chat: {text} to a Slack-compatible incoming webhook; sms. */
export type ContactMethodKind = 'email' | 'webhook' | 'chat' | 'sms';

export interface ContactMethodsTable {
  id: Generated<number>;
  user_id: number;
  kind: ContactMethodKind;
  /** The address, URL or E.164 phone number. */
  target: string;
  label: string;
  /** The webhook kind's signing secret (as webhooks keep theirs); null for the others. */
  secret: string | null;
  /** Set when the person typed the code of a test message (email, sms). */
  verified_at: number | null;
  /** SHA-256 of the code of the last test message (email, sms) and when it stops working. */
  verify_code_hash: string | null;
  verify_code_expires_at: number | null;
  /** Wrong codes typed against the current one; the code stops working after a few. */
  verify_attempts: Generated<number>;
  /** When the last test message was queued: tests are spaced (an SMS costs money). */
  last_test_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface NotificationRulesTable {
  id: Generated<number>;
  user_id: number;
  /** 0, 1, …: the rule's place in the person's list. */
  position: number;
  contact_method_id: number;
  delay_minutes: number;
}

// -- service catalogue and custom fields --

export type CustomFieldType = 'text' | 'number' | 'date' | 'choice' | 'multi_choice' | 'user' | 'attachment';

export interface CustomFieldsTable {
  id: Generated<number>;
  key: string;
  label: string;
  type: CustomFieldType;
  help_text: string;
  required: number;
  /** JSON array of strings. */
  options: string;
  min_value: number | null;
  max_value: number | null;
  pattern: string | null;
  max_length: number | null;
  active: number;
  version: number;
  created_at: number;
  updated_at: number;
}

export type RequestTypeAudience = 'everyone' | 'staff';

export interface RequestTypesTable {
  id: Generated<number>;
  name: string;
  description: string;
  catalog_category: string;
  icon: string;
  keywords: string;
  audience: RequestTypeAudience;
  active: number;
  position: number;
  ticket_type: TicketType;
  category_id: number | null;
  group_id: number | null;
  impact: number | null;
  urgency: number | null;
  sla_policy_id: number | null;
  version: number;
  created_at: number;
  updated_at: number;
  /** Migration 2026-12-07-approvals: the ApprovalPlan as JSON; null: no approval needed. */
  approval_plan: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RequestTypeFieldsTable {
  request_type_id: number;
  field_id: number;
  position: number;
  required: number | null;
  /** JSON: {field, op: 'equals' | 'in' | 'set', value?, values?}. */
  condition: string | null;
}

export interface TicketFieldValuesTable {
  ticket_id: number;
  field_id: number;
  seq: number;
  value_text: string | null;
  value_number: number | null;
}

// -- approvals (migration 2026-12-07-approvals) --

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'cancelled';
export type ApprovalStepState = 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled';
export type ApproverState = 'waiting' | 'pending' | 'approved' | 'rejected' | 'skipped' | 'cancelled';
export type ApprovalVia = 'web' | 'api' | 'link';

export interface ApprovalsTable {
  id: Generated<number>;
  subject_type: 'ticket' | 'change';
  subject_id: number;
  requester_id: number;
  title: string;
  step_order: 'sequence' | 'parallel';
  state: ApprovalState;
  /** The rejecting approver's comment (or why it was cancelled). */
  reason: string | null;
  decided_by: number | null;
  decided_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ApprovalStepsTable {
  approval_id: number;
  position: number;
  rule: 'one' | 'all';
  approver_kind: 'manager' | 'users' | 'group';
  group_id: number | null;
  state: ApprovalStepState;
  decided_at: number | null;
}

export interface ApprovalApproversTable {
  id: Generated<number>;
  approval_id: number;
  step: number;
  user_id: number;
  state: ApproverState;
  comment: string | null;
  via: ApprovalVia | null;
  decided_at: number | null;
}

export type ChangeType = 'standard' | 'normal' | 'emergency';
export type ChangeState =
  | 'draft'
  | 'assessment'
  | 'awaiting_cab'
  | 'scheduled'
  | 'implementing'
  | 'review'
  | 'closed'
  | 'rejected'
  | 'cancelled'
  | 'failed';
export type ChangeLevel = 'low' | 'medium' | 'high';
export type ChangeReviewOutcome = 'successful' | 'partially_successful' | 'failed' | 'backed_out';
export type ChangeLinkTarget = 'ticket' | 'problem';

export interface ChangesTable {
  id: Generated<number>;
  title: string;
  description: string;
  type: ChangeType;
  state: ChangeState;
  risk: ChangeLevel;
  impact: ChangeLevel;
  plan: string;
  backout_plan: string;
  test_plan: string;
  /** The window, half-open [start, end), epoch ms. */
  window_start: number | null;
  window_end: number | null;
  template_id: number | null;
  requester_id: number;
  owner_id: number | null;
  implementer_id: number | null;
  group_id: number | null;
  approval_id: number | null;
  cab_reason: string | null;
  review_outcome: ChangeReviewOutcome | null;
  review_notes: string | null;
  reviewed_by: number | null;
  reviewed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ChangeTemplatesTable {
  id: Generated<number>;
  name: string;
  title: string;
  description: string;
  risk: ChangeLevel;
  impact: ChangeLevel;
  plan: string;
  backout_plan: string;
  test_plan: string;
  active: number;
  created_at: number;
  updated_at: number;
}
/** What starts an automation rule: a ticket event, or a quiet period without an update. */
export type AutomationTrigger = 'created' | 'updated' | 'commented' | 'sla_warning' | 'idle';

export interface AutomationRulesTable {
  id: Generated<number>;
  name: string;
  trigger: AutomationTrigger;
  idle_minutes: number | null;
  /** JSON: {all: [{field, op, value?}], any: [...]} (src/helpdesk/automation-conditions.ts). */
  conditions: string;
  /** JSON: the actions in order (src/helpdesk/automation-rules.ts). */
  actions: string;
  position: number;
  active: number;
  stop_processing: number;
  actor_id: number;
  created_at: number;
  updated_at: number;
}

export interface AutomationFiringsTable {
  id: Generated<number>;
  rule_id: number;
  rule_name: string;
  ticket_id: number;
  event_key: string;
  trigger: AutomationTrigger;
  summary: string;
  error: string | null;
  at: number;
}

export type ProposalStatus = 'proposed' | 'approved' | 'deferred' | 'rejected';
export type ProposalSource = 'capacity' | 'problem' | 'warranty' | 'manual';
export type ProposalResource = 'disk' | 'memory' | 'cpu' | 'network' | 'hardware' | 'other';
/** Where an estimated cost came from: typed in now; vendors' quotes and budget lines add theirs later. */
export type ProposalCostSource = 'manual';

export interface UpgradeProposalsTable {
  id: Generated<number>;
  title: string;
  source: ProposalSource;
  /** The subject: a monitoring target (assets join in a later issue); its name kept for a deleted target. */
  target_id: number | null;
  subject_name: string;
  resource: ProposalResource;
  /** A mount point, an interface; '' for the whole host. */
  detail: string;
  what: string;
  summary: string;
  /** JSON: ProposalEvidence[] (src/proposals/proposal-model.ts). */
  evidence: string;
  /** JSON: the forecast behind a capacity proposal, or null. */
  forecast: string | null;
  due_at: number | null;
  due_by_hand: number;
  cost_minor: number | null;
  cost_currency: string | null;
  cost_source: ProposalCostSource | null;
  status: ProposalStatus;
  deferred_until: number | null;
  decision_reason: string | null;
  decided_by: number | null;
  decided_at: number | null;
  problem_id: number | null;
  change_id: number | null;
  /** The source's key (capacity:7:disk:/var); kept after a decision. */
  source_key: string | null;
  /** The same while the proposal is open (proposed or deferred): unique. */
  open_key: string | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

/** 'open' from the proposal; 'quoted' once a quote arrives; 'awarded' or 'cancelled' (migration 2026-12-09-vendors). */
export type QuoteRequestStatus = 'open' | 'quoted' | 'awarded' | 'cancelled';

export interface QuoteRequestsTable {
  id: Generated<number>;
  /** Null: written by hand (migration 2026-12-09-vendors). */
  proposal_id: number | null;
  what: string;
  quantity: number;
  spec: string;
  status: QuoteRequestStatus;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  /** JSON: Requirement[] (src/vendors/quote-comparison.ts). */
  requirements: Generated<string>;
  budget_line_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The comparison's currency; null: the budget line's. */
  currency: ColumnType<string | null, string | null | undefined, string | null>;
  term_months: Generated<number>;
  awarded_quote_id: ColumnType<number | null, number | null | undefined, number | null>;
  awarded_at: ColumnType<number | null, number | null | undefined, number | null>;
  awarded_by: ColumnType<number | null, number | null | undefined, number | null>;
  cancel_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The asset this request replaces and the ticket it came from (migration 2026-12-10-assets-life). */
  asset_id: ColumnType<number | null, number | null | undefined, number | null>;
  ticket_id: ColumnType<number | null, number | null | undefined, number | null>;
}

// -- suppliers (migration 2026-12-09-vendors) --

export interface VendorsTable {
  id: Generated<number>;
  name: string;
  /** JSON string lists. */
  categories: string;
  supplies: string;
  /** JSON: VendorContact[]. */
  contacts: string;
  notes: string;
  /** Pending tickets with this tag wait on the vendor. */
  ticket_tag: string | null;
  active: number;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export type ContractType = 'support' | 'maintenance' | 'licence' | 'lease' | 'service';
export type ContractStatus = 'active' | 'cancelled';
export type RecurringPeriod = 'month' | 'quarter' | 'year';

export interface ContractsTable {
  id: Generated<number>;
  vendor_id: number;
  title: string;
  type: ContractType;
  status: ContractStatus;
  starts_at: number;
  /** The first term's end (exclusive). */
  ends_at: number;
  auto_renew: number;
  renewal_months: number;
  notice_days: number;
  remind_days: number;
  currency: string;
  one_off_minor: number;
  recurring_minor: number;
  recurring_period: RecurringPeriod | null;
  budget_line_id: number | null;
  /** JSON: string[] of service names; number[] of asset ids (wired when assets exist). */
  services: string;
  asset_ids: string;
  sla_text: string;
  /** JSON: { name, target }[]. */
  sla_targets: string;
  notes: string;
  reminded_deadline: number | null;
  /** Units or seats covered; null: not stated (migration 2026-12-10-vendors-api). */
  units: ColumnType<number | null, number | null | undefined, number | null>;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface BudgetLinesTable {
  id: Generated<number>;
  name: string;
  category: string;
  /** The calendar year the fiscal year starts in. */
  fiscal_year: number;
  currency: string;
  planned_minor: number;
  notes: string;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export type BudgetEntryKind = 'purchase' | 'spend';

export interface BudgetEntriesTable {
  id: Generated<number>;
  budget_line_id: number;
  kind: BudgetEntryKind;
  amount_minor: number;
  at: number;
  description: string;
  quote_id: number | null;
  quote_request_id: number | null;
  created_by: number | null;
  created_at: number;
  /** The vendor paid, where known (migration 2026-12-10-vendors-api). */
  vendor_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface QuotesTable {
  id: Generated<number>;
  request_id: number;
  vendor_id: number;
  reference: string;
  currency: string;
  rate: string;
  /** JSON: string[]. */
  requirements_met: string;
  notes: string;
  valid_until: number | null;
  source: 'api' | 'csv' | 'pdf-text';
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface QuoteItemsTable {
  id: Generated<number>;
  quote_id: number;
  position: number;
  description: string;
  kind: 'purchase' | 'recurring' | 'support' | 'energy' | 'discount';
  quantity: number;
  unit_price_minor: number;
  period: 'once' | 'month' | 'quarter' | 'year';
  discount_bp: number;
}

/** A document kept for a vendor; the file is stored like attachments, under its SHA-256 (2026-12-10-vendors-api). */
export interface VendorDocumentsTable {
  id: Generated<number>;
  vendor_id: number;
  title: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number | null;
  created_at: number;
}
