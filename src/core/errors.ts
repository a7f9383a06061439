// Typed domain errors: a stable code, a human sentence and, for Invalid, the fields. No HTTP status here:
// api/ maps these to problem+json, cli/ to a message and an exit code. The catalogue is documented in
// docs/errors.md, and a test keeps the two in agreement.

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'uri_too_long'
  | 'internal';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. "/title" or "query/status". */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class Invalid extends DomainError {
  constructor(code: CodeOfKind<'invalid'>, message: string, fields: FieldError[] = []) {
    super('invalid', code, message, fields);
  }
}
export class Unauthenticated extends DomainError {
  constructor(code: CodeOfKind<'unauthenticated'>, message: string) {
    super('unauthenticated', code, message);
  }
}
export class Forbidden extends DomainError {
  constructor(code: CodeOfKind<'forbidden'>, message: string) {
    super('forbidden', code, message);
  }
}
export class NotFound extends DomainError {
  constructor(code: CodeOfKind<'not_found'>, message: string) {
    super('not_found', code, message);
  }
}
export class Conflict extends DomainError {
  constructor(code: CodeOfKind<'conflict'>, message: string) {
    super('conflict', code, message);
  }
}
export class TooLarge extends DomainError {
  constructor(code: CodeOfKind<'too_large'>, message: string) {
    super('too_large', code, message);
  }
}
export class UnsupportedMediaType extends DomainError {
  constructor(code: CodeOfKind<'unsupported_media_type'>, message: string) {
    super('unsupported_media_type', code, message);
  }
}
export class RateLimited extends DomainError {
  constructor(code: CodeOfKind<'rate_limited'>, message: string, retryAfterSeconds: number) {
    super('rate_limited', code, message, [], retryAfterSeconds);
  }
}
export class Unavailable extends DomainError {
  constructor(code: CodeOfKind<'unavailable'>, message: string, retryAfterSeconds?: number) {
    super('unavailable', code, message, [], retryAfterSeconds);
  }
}

/** The HTTP status of each kind: used by api/ (the mapping) and by the documentation test. */
export const httpStatusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  uri_too_long: 414,
  internal: 500,
};

/**
 * Every error code a client can receive, with its kind and meaning. docs/errors.md lists the same codes;
 * test/core/errors.test.ts checks that they agree.
 */
export const errorCatalogue = {
  validation_failed: {
    kind: 'invalid',
    meaning: 'The request body, query or path does not match the schema.',
  },
  malformed_json: { kind: 'invalid', meaning: 'The request body is not valid JSON.' },
  invalid_cursor: { kind: 'invalid', meaning: 'The pagination cursor was not issued by this service.' },
  invalid_label_matcher: {
    kind: 'invalid',
    meaning:
      'A label matcher is not valid (its regular expression, its operator), or no matcher of a selector excludes the empty string.',
  },
  invalid_priority_matrix: { kind: 'invalid', meaning: 'A priority matrix must be 5×5 with priorities 1–5.' },
  invalid_email: { kind: 'invalid', meaning: 'The email address is not valid.' },
  weak_password: { kind: 'invalid', meaning: 'The password is too short or too long.' },
  invalid_reference: {
    kind: 'invalid',
    meaning: 'The body refers to a user, group, category or ticket that does not exist or does not fit.',
  },
  invalid_webhook_url: {
    kind: 'invalid',
    meaning:
      'A webhook URL must be absolute http(s) without credentials, and not a loopback, private, link-local or other non-public address unless OPSDESK_WEBHOOK_ALLOW_PRIVATE=1.',
  },
  invalid_contact_target: {
    kind: 'invalid',
    meaning:
      "A contact method's target must fit its kind: an email address, an E.164 phone number (+4915112345678) for sms, a webhook URL for webhook and chat.",
  },
  verification_code_wrong: {
    kind: 'invalid',
    meaning: 'The verification code is wrong, expired or used up; send a new test message.',
  },
  invalid_mail_template: {
    kind: 'invalid',
    meaning: 'A mail template is too long or uses a placeholder that does not exist.',
  },
  current_password_required: {
    kind: 'invalid',
    meaning: 'Changing your own password needs your current password (currentPassword).',
  },
  wrong_current_password: { kind: 'invalid', meaning: 'The current password given is wrong.' },
  reset_link_invalid: { kind: 'invalid', meaning: 'The password-reset link is not one this service issued.' },
  reset_link_used: {
    kind: 'invalid',
    meaning: 'The password-reset link was used already or replaced by a newer one.',
  },
  reset_link_expired: { kind: 'invalid', meaning: 'The password-reset link has expired.' },
  invalid_identity_provider: {
    kind: 'invalid',
    meaning:
      "An identity provider's settings do not fit: its issuer must be an https URL (http only on loopback), its slug lower-case letters, digits and dashes, its mapping name existing groups and roles.",
  },
  not_signed_in: {
    kind: 'unauthenticated',
    meaning: 'No valid session cookie, bearer token or API token was sent.',
  },
  bad_credentials: {
    kind: 'unauthenticated',
    meaning:
      'The email and password do not match an active account, or the account is locked after repeated failures (the two answer alike).',
  },
  sso_failed: {
    kind: 'unauthenticated',
    meaning:
      "The identity provider's answer was refused (state, nonce, PKCE, signature, audience or expiry did not check, or the sign-in started too long ago), or its account may not sign in here.",
  },
  saml_assertion_replayed: {
    kind: 'unauthenticated',
    meaning:
      'A SAML assertion already used to sign in was presented again (every instance sharing the database refuses it until it expires).',
  },
  sso_required: {
    kind: 'unauthenticated',
    meaning:
      "Accounts in this e-mail domain sign in through the organisation's identity provider, not with a password.",
  },
  csrf_token_missing: {
    kind: 'forbidden',
    meaning: 'A cookie-authenticated write must send the x-csrf-token header.',
  },
  forbidden: { kind: 'forbidden', meaning: 'The signed-in user may not do this.' },
  session_required: {
    kind: 'forbidden',
    meaning: 'Changing a password or creating an API token needs a signed-in session, not an API token.',
  },
  not_found: { kind: 'not_found', meaning: 'No route matches the request.' },
  user_not_found: { kind: 'not_found', meaning: 'No such user.' },
  group_not_found: { kind: 'not_found', meaning: 'No such group.' },
  identity_provider_not_found: {
    kind: 'not_found',
    meaning: 'No such identity provider, or it is disabled.',
  },
  category_not_found: { kind: 'not_found', meaning: 'No such category.' },
  ticket_not_found: { kind: 'not_found', meaning: 'No such ticket, or not one the user may see.' },
  article_not_found: { kind: 'not_found', meaning: 'No such article, or not one the user may read.' },
  article_version_not_found: { kind: 'not_found', meaning: 'No such version of that article.' },
  kb_category_not_found: { kind: 'not_found', meaning: 'No such knowledge base category.' },
  custom_field_not_found: { kind: 'not_found', meaning: 'No such custom field.' },
  request_type_not_found: {
    kind: 'not_found',
    meaning: 'No such request type, or not one the user may file through (inactive, or for staff only).',
  },
  article_attachment_not_found: {
    kind: 'not_found',
    meaning: 'No such attachment of that article, or not one the user may read.',
  },
  article_transition_not_allowed: {
    kind: 'conflict',
    meaning:
      'The article cannot move to that status from its current one (draft, in review, published, archived; see docs/knowledge.md).',
  },
  article_edit_conflict: {
    kind: 'conflict',
    meaning: 'The article has a newer version than the one the edit started from; reload and edit again.',
  },
  ticket_not_resolved: {
    kind: 'conflict',
    meaning: "The ticket is not resolved yet: only a resolved ticket's solution becomes an article.",
  },
  kb_category_name_taken: {
    kind: 'conflict',
    meaning: 'Another knowledge base category already has this name.',
  },
  article_generated: {
    kind: 'conflict',
    meaning:
      "The page is written by the service (the help desk's service agreement) and cannot be edited by hand.",
  },
  article_not_policy: {
    kind: 'conflict',
    meaning: 'The article is not a policy or procedure, so it has no owner, reviews or review dates.',
  },
  article_ack_not_required: {
    kind: 'conflict',
    meaning: 'The article is not a published page that asks its readers to acknowledge it.',
  },
  invalid_kb_import: {
    kind: 'invalid',
    meaning: 'A knowledge base import is not a Markdown file, HTML file or zip of them that can be read.',
  },
  kb_import_too_large: {
    kind: 'too_large',
    meaning:
      'A knowledge base import unpacks to more bytes or files than allowed (a zip bomb is refused); see docs/knowledge.md.',
  },
  article_attachment_limit: {
    kind: 'conflict',
    meaning: 'The article already has as many attachments as one article may have; remove one first.',
  },
  attachment_not_found: { kind: 'not_found', meaning: 'No such attachment, or not one the user may see.' },
  token_not_found: { kind: 'not_found', meaning: 'No such API token.' },
  webhook_not_found: { kind: 'not_found', meaning: 'No such webhook.' },
  mail_template_not_found: { kind: 'not_found', meaning: 'No mail template for that event.' },
  mail_delivery_not_found: { kind: 'not_found', meaning: 'No such outbound mail delivery.' },
  delivery_not_found: { kind: 'not_found', meaning: 'No such delivery in the delivery log.' },
  // technicians and assignment
  skill_not_found: { kind: 'not_found', meaning: 'No such skill in the skills catalogue.' },
  time_off_not_found: { kind: 'not_found', meaning: "No such time off in this technician's list." },
  assignment_rule_not_found: { kind: 'not_found', meaning: 'No such routing rule.' },
  skill_name_taken: { kind: 'conflict', meaning: 'Another skill already has this name.' },
  contact_method_not_found: { kind: 'not_found', meaning: "No such contact method among the user's." },
  inbound_mail_not_found: { kind: 'not_found', meaning: 'No such inbound mail.' },
  // on-call schedules
  schedule_not_found: { kind: 'not_found', meaning: 'No such on-call schedule.' },
  schedule_override_not_found: { kind: 'not_found', meaning: 'No such override in that on-call schedule.' },
  schedule_request_not_found: {
    kind: 'not_found',
    meaning: 'No such swap or cover request, or not one the user may see.',
  },
  schedule_request_closed: {
    kind: 'conflict',
    meaning: 'The swap or cover request was already approved, rejected or cancelled.',
  },
  schedule_range_too_long: {
    kind: 'invalid',
    meaning: 'A schedule range must end after it starts and span at most 366 days.',
  },
  email_taken: { kind: 'conflict', meaning: 'Another account already uses this email address.' },
  name_taken: { kind: 'conflict', meaning: 'Another group, category or schedule already has this name.' },
  write_conflict: {
    kind: 'conflict',
    meaning: 'A simultaneous change took the same name or key first; read again and retry.',
  },
  transition_not_allowed: {
    kind: 'conflict',
    meaning: 'The ticket cannot move from its state to the requested one.',
  },
  ticket_closed: {
    kind: 'conflict',
    meaning: 'A closed ticket is final; file a new request that references it.',
  },
  ticket_merged: {
    kind: 'conflict',
    meaning: 'The ticket was merged into another and is read-only; change the ticket it was merged into.',
  },
  merge_into_self: { kind: 'invalid', meaning: 'A ticket cannot be merged into itself.' },
  merge_target_closed: {
    kind: 'conflict',
    meaning: 'A ticket can be merged only into a ticket that is not closed.',
  },
  comment_not_found: { kind: 'not_found', meaning: 'No such comment on that ticket.' },
  ticket_link_not_found: { kind: 'not_found', meaning: 'No such link on that ticket.' },
  invalid_ticket_link: {
    kind: 'invalid',
    meaning: 'A link needs a known kind and another ticket the user may see (never the ticket itself).',
  },
  ticket_link_exists: {
    kind: 'conflict',
    meaning: 'The two tickets are already linked this way (or the opposite way, for a one-way kind).',
  },
  ticket_link_cycle: {
    kind: 'conflict',
    meaning: 'A ticket cannot be a parent of its own parent or of any ticket above it.',
  },
  ticket_has_parent: {
    kind: 'conflict',
    meaning: 'The ticket already has a parent; remove that link first.',
  },
  children_open: {
    kind: 'conflict',
    meaning:
      'A parent ticket cannot be resolved or closed while a child ticket is open (an admin may turn this rule off).',
  },
  comment_already_split: {
    kind: 'conflict',
    meaning: 'The comment was already split into a ticket of its own.',
  },
  split_internal_note: {
    kind: 'invalid',
    meaning: "An internal note cannot become a ticket's description: the requester would read it.",
  },
  mail_already_processed: {
    kind: 'conflict',
    meaning: 'The inbound mail was processed already, or refused unread, and cannot be retried.',
  },
  uri_too_long: {
    kind: 'uri_too_long',
    meaning: 'A path segment or the URL is longer than the service accepts.',
  },
  body_too_large: { kind: 'too_large', meaning: 'The request body exceeds the configured limit.' },
  attachment_too_large: {
    kind: 'too_large',
    meaning: 'The attachment exceeds OPSDESK_ATTACHMENT_MAX_BYTES.',
  },
  unsupported_media_type: {
    kind: 'unsupported_media_type',
    meaning: 'The Content-Type is not accepted here.',
  },
  attachment_type_refused: {
    kind: 'unsupported_media_type',
    meaning: 'The file type is not allowed, or its content does not match its declared type.',
  },
  contact_test_too_soon: {
    kind: 'rate_limited',
    meaning: 'A test message was sent to this contact method less than a minute ago.',
  },
  too_many_attempts: {
    kind: 'rate_limited',
    meaning: 'Too many sign-in attempts from this address; wait and retry.',
  },
  invalid_calendar: {
    kind: 'invalid',
    meaning:
      'A business calendar needs an IANA time zone, valid HH:MM working hours (or 24/7) and YYYY-MM-DD holidays.',
  },
  invalid_ics: {
    kind: 'invalid',
    meaning: 'The upload is not an iCalendar (.ics) file with events to import.',
  },
  invalid_import: {
    kind: 'invalid',
    meaning:
      'An on-call import is not in the documented shape of its source (Opsgenie, Grafana OnCall, PagerDuty), is too large, or cannot be applied as sent.',
  },
  invalid_sla_policy: {
    kind: 'invalid',
    meaning:
      'An SLA policy needs a name, at least one target, known calendars and groups, and consistent levels.',
  },
  invalid_schedule: {
    kind: 'invalid',
    meaning:
      'An on-call schedule needs an IANA time zone, local times as YYYY-MM-DDTHH:MM and HH:MM, turns of a valid length, at least one participant per rotation, and overrides that end after they start.',
  },
  calendar_not_found: { kind: 'not_found', meaning: 'No such business calendar.' },
  sla_policy_not_found: { kind: 'not_found', meaning: 'No such SLA policy.' },
  escalation_not_found: { kind: 'not_found', meaning: 'No such escalation.' },
  event_failure_not_found: { kind: 'not_found', meaning: 'No such failed event delivery.' },
  sla_name_taken: {
    kind: 'conflict',
    meaning: 'Another business calendar or SLA policy already has this name.',
  },
  calendar_in_use: { kind: 'conflict', meaning: 'The calendar is used by an SLA policy or a group OLA.' },
  escalation_closed: { kind: 'conflict', meaning: 'The escalation was already resolved or handed on.' },
  no_next_group: {
    kind: 'conflict',
    meaning: 'The ticket is at the top of the escalation path; escalate to the manager or name a group.',
  },
  public_url_not_set: {
    kind: 'conflict',
    meaning: 'A password-reset link needs OPSDESK_PUBLIC_URL, the address users reach the web app at.',
  },
  user_inactive: { kind: 'conflict', meaning: 'The account is deactivated.' },
  too_many_streams: {
    kind: 'rate_limited',
    meaning: 'The user holds OPSDESK_LIVE_STREAMS_PER_USER live event streams open already; close one.',
  },
  // escalation policies, services and incidents (issue 10)
  invalid_escalation_policy: {
    kind: 'invalid',
    meaning:
      'An escalation policy needs 1–20 steps, each with 1–20 existing targets (schedule, user, group) and a delay of 1–1440 minutes, and a repeat count of 1–10.',
  },
  invalid_integration_key: {
    kind: 'invalid',
    meaning: "The routing_key is not a service's integration key.",
  },
  respond_link_invalid: {
    kind: 'forbidden',
    meaning: 'The acknowledge/resolve link is not one this service issued for this incident and action.',
  },
  respond_link_expired: { kind: 'forbidden', meaning: 'The acknowledge/resolve link has expired.' },
  escalation_policy_not_found: { kind: 'not_found', meaning: 'No such escalation policy.' },
  service_not_found: { kind: 'not_found', meaning: 'No such service.' },
  incident_not_found: { kind: 'not_found', meaning: 'No such incident.' },
  policy_in_use: { kind: 'conflict', meaning: 'The escalation policy is the policy of a service.' },
  service_in_use: { kind: 'conflict', meaning: 'The service has incidents; it cannot be deleted.' },
  incident_transition_not_allowed: {
    kind: 'conflict',
    meaning: 'The incident cannot move from its state to the requested one (a resolved incident is final).',
  },
  // monitoring: targets, checks, maintenance windows, heartbeats
  target_not_found: { kind: 'not_found', meaning: 'No such monitoring target.' },
  check_not_found: { kind: 'not_found', meaning: 'No such check.' },
  maintenance_window_not_found: { kind: 'not_found', meaning: 'No such maintenance window.' },
  heartbeat_not_found: { kind: 'not_found', meaning: 'No heartbeat check has this token.' },
  target_name_taken: { kind: 'conflict', meaning: 'Another monitoring target already has this name.' },
  dependency_cycle: {
    kind: 'invalid',
    meaning:
      'A target cannot depend on itself or on a target that depends on it (directly or through others).',
  },
  invalid_check: {
    kind: 'invalid',
    meaning:
      "A check's spec must fit its kind, its interval be 1 s–1 day, its timeout at least 1 s and at most its interval, its retries 0–10.",
  },
  invalid_maintenance_window: {
    kind: 'invalid',
    meaning:
      'A maintenance window is one-off (an end after its start) or recurring (an RRULE, an IANA time zone and a duration of 1 minute–31 days).',
  },
  check_running: { kind: 'conflict', meaning: 'The check is running now; wait for its result.' },
  // monitoring: scrape targets and remote-write (issue 11)
  invalid_relabel_config: {
    kind: 'invalid',
    meaning:
      'A relabel config has an unknown action, a regex that does not compile, or lacks the target_label or modulus its action needs.',
  },
  invalid_scrape_target: {
    kind: 'invalid',
    meaning:
      'A scrape target needs an absolute http(s) URL without credentials, an interval of 5–3600 s and a timeout no longer than the interval.',
  },
  metrics_payload_undecodable: {
    kind: 'invalid',
    meaning:
      'The remote-write body is not valid snappy-compressed protobuf (prometheus.WriteRequest); the detail names the reason.',
  },
  metrics_samples_refused: {
    kind: 'invalid',
    meaning:
      'Some samples of the payload were refused (the rest were stored); the detail counts them by reason.',
  },
  scrape_target_not_found: { kind: 'not_found', meaning: 'No such scrape target.' },
  scrape_target_exists: { kind: 'conflict', meaning: 'This job already scrapes this URL.' },
  metrics_payload_too_large: {
    kind: 'too_large',
    meaning: 'The remote-write body, or what it decompresses to, exceeds the limit.',
  },
  // monitoring: alert rules and the Alertmanager receivers (issue 11)
  invalid_alert_rule: {
    kind: 'invalid',
    meaning:
      'An alert rule needs a metric-style name, a PromQL expression or a check selector with downAfter, valid label names, templates in the supported subset, and durations in range.',
  },
  alerts_refused: {
    kind: 'invalid',
    meaning: 'Some alerts of the batch were refused (each with its reason); the valid rest was kept.',
  },
  alert_rule_not_found: { kind: 'not_found', meaning: 'No such alert rule.' },
  silence_not_found: { kind: 'not_found', meaning: 'No such silence.' },
  // -- logs: store --
  log_pattern_not_found: { kind: 'not_found', meaning: 'No such log pattern (template).' },
  log_pattern_merge_refused: {
    kind: 'conflict',
    meaning: 'A log pattern cannot be merged into itself or into a pattern merged into it (a cycle).',
  },
  log_lines_refused: {
    kind: 'invalid',
    meaning: 'No line of the log upload was valid; each refused line is named with its number and reason.',
  },
  // -- monitoring: status pages --
  status_page_not_found: {
    kind: 'not_found',
    meaning: 'No such status page, or not one the caller may see.',
  },
  status_incident_not_found: { kind: 'not_found', meaning: 'No such announcement on that status page.' },
  status_maintenance_not_found: {
    kind: 'not_found',
    meaning: "No current or upcoming maintenance window with that id covers the status page's components.",
  },
  status_page_slug_taken: { kind: 'conflict', meaning: 'Another status page already has this slug.' },
  status_incident_resolved: { kind: 'conflict', meaning: 'The announcement is resolved; post a new one.' },
  invalid_status_page: {
    kind: 'invalid',
    meaning: 'A status page component names a monitoring target or category that does not exist.',
  },
  invalid_subscription_target: {
    kind: 'invalid',
    meaning:
      'A subscription needs a valid email address, or a public http(s) webhook URL (anonymous subscribers may not name a loopback, private or other internal address).',
  },
  subscription_link_invalid: {
    kind: 'invalid',
    meaning: 'The confirmation or unsubscribe link is not one this service issued, or was used already.',
  },
  subscriptions_rate_limited: {
    kind: 'rate_limited',
    meaning: 'Too many subscription requests from this address or for this page; wait and retry.',
  },
  // monitoring: PromQL
  invalid_promql: {
    kind: 'invalid',
    meaning:
      'The query is not valid PromQL, or a query parameter (time, start, end, step) is not valid; the detail names the line, column and offset.',
  },
  unsupported_promql: {
    kind: 'invalid',
    meaning:
      'The query uses a PromQL function, operator or modifier outside the documented subset (docs/promql.md).',
  },
  promql_execution: {
    kind: 'invalid',
    meaning:
      'The query is valid but cannot be evaluated on this data (many-to-many vector matching, duplicate label sets).',
  },
  promql_too_many_points: {
    kind: 'invalid',
    meaning: 'A range query may have at most 11,000 steps per series; increase the step.',
  },
  promql_too_many_samples: {
    kind: 'too_large',
    meaning:
      'The query would read or hold more samples than the bound; narrow the selectors, range or resolution.',
  },
  // macros and templates
  invalid_placeholder: {
    kind: 'invalid',
    meaning:
      'A canned response or macro text uses an unknown, unclosed or malformed placeholder (see README "Macros and templates").',
  },
  canned_response_not_found: {
    kind: 'not_found',
    meaning: 'No such canned response, or not one the user may see.',
  },
  macro_not_found: { kind: 'not_found', meaning: 'No such macro, or not one the user may see.' },
  ticket_template_not_found: {
    kind: 'not_found',
    meaning: 'No such ticket template, or not one the user may see.',
  },
  // -- time tracking --
  time_entry_not_found: { kind: 'not_found', meaning: 'No such time entry, or not one the user may see.' },
  time_entry_required: {
    kind: 'conflict',
    meaning:
      'Time entry is required on resolve (a setting): log time on the ticket before resolving it (a running timer counts once stopped).',
  },
  timer_already_running: {
    kind: 'conflict',
    meaning: 'Your timer on this ticket is running already; stop it first.',
  },
  timer_not_running: { kind: 'conflict', meaning: 'You have no timer running on this ticket.' },
  database_unavailable: { kind: 'unavailable', meaning: 'The database cannot be reached.' },
  service_overloaded: {
    kind: 'unavailable',
    meaning:
      'The service is past its load thresholds (OPSDESK_OVERLOAD_EVENT_LOOP_DELAY_MS, _HEAP_MB, _RSS_MB); retry after Retry-After seconds.',
  },
  ingest_overloaded: {
    kind: 'rate_limited',
    meaning:
      'This ingest channel (remote-write, the log endpoint, alert intake) has OPSDESK_INGEST_MAX_IN_FLIGHT requests in progress and OPSDESK_INGEST_MAX_QUEUED waiting; retry after Retry-After seconds. Nothing of the request was kept.',
  },
  secret_key_mismatch: {
    kind: 'unavailable',
    meaning:
      'A stored secret (a bind password, a client secret) was sealed under another key: every instance needs the same OPSDESK_SECRET_KEY.',
  },
  metrics_query_not_configured: {
    kind: 'invalid',
    meaning: 'source=remote needs an external store to query: OPSDESK_METRICS_QUERY_URL is not set.',
  },
  remote_query_refused: {
    kind: 'invalid',
    meaning:
      "The external metrics store refused the query (its Prometheus API's bad_data or execution error, passed on).",
  },
  metrics_store_unreachable: {
    kind: 'unavailable',
    meaning:
      'The external metrics store (OPSDESK_METRICS_QUERY_URL) could not be reached, timed out, or did not answer as the Prometheus HTTP API.',
  },
  identity_provider_unreachable: {
    kind: 'unavailable',
    meaning:
      "The identity provider's discovery document or token endpoint could not be reached or did not answer as OpenID Connect.",
  },
  internal_error: { kind: 'internal', meaning: 'An unexpected failure; it is logged with the request id.' },
  // -- notification preferences --
  invalid_notification_preferences: {
    kind: 'invalid',
    meaning:
      'Notification preferences name each kind of mail at most once, one the person may receive (requesters have no staff kinds), a digest time HH:MM and an IANA time zone.',
  },
  // -- problem management --
  problem_not_found: { kind: 'not_found', meaning: 'No such problem (requesters see none).' },
  problem_transition_not_allowed: {
    kind: 'conflict',
    meaning: 'The problem cannot move from its state to the requested one (see docs/problems.md).',
  },
  problem_closed: {
    kind: 'conflict',
    meaning: 'A closed problem is final: it takes no change and no new incident; open a new problem.',
  },
  ticket_has_problem: {
    kind: 'conflict',
    meaning:
      'The ticket is already linked to another problem (a ticket is caused by one problem); unlink it first.',
  },
  problem_incident_not_found: { kind: 'not_found', meaning: 'The ticket is not linked to that problem.' },
  problem_incidents_refused: {
    kind: 'conflict',
    meaning:
      'A linked incident could not be resolved (the detail names it and why); nothing was changed, the problem included.',
  },
  // -- approvals --
  invalid_approval_plan: {
    kind: 'invalid',
    meaning:
      "An approval plan needs an order (sequence or parallel) and 1–5 steps, each with a rule (one or all) and approvers: the requester's manager, 1–20 existing active users, or an existing group.",
  },
  approval_not_found: {
    kind: 'not_found',
    meaning: 'No such approval, or not one the user may see.',
  },
  approval_no_approver: {
    kind: 'conflict',
    meaning:
      'A step of the approval has nobody to ask: the requester has no manager (an admin sets one on their account), or the named users or group have no active member other than the requester.',
  },
  approval_not_approver: {
    kind: 'forbidden',
    meaning: 'The user is not asked to decide this approval (or not at this step).',
  },
  approval_own_request: {
    kind: 'forbidden',
    meaning: 'Nobody approves their own request.',
  },
  approval_already_decided: {
    kind: 'conflict',
    meaning:
      "The approval, or this approver's part of it, is decided already (approved, rejected, decided by another approver of the step, or withdrawn).",
  },
  approval_link_invalid: {
    kind: 'forbidden',
    meaning: 'The approval link is not one this service issued for this approval.',
  },
  approval_link_expired: {
    kind: 'forbidden',
    meaning: 'The approval link has expired; decide in the web app instead.',
  },
  invalid_manager: {
    kind: 'invalid',
    meaning:
      'A manager must be an existing user other than the person, and not someone who reports to them (directly or through others).',
  },
  // -- change management --
  change_not_found: {
    kind: 'not_found',
    meaning: 'No such change request.',
  },
  change_template_not_found: {
    kind: 'not_found',
    meaning: 'No such change template, or an inactive one where an active one is needed.',
  },
  change_blackout_not_found: {
    kind: 'not_found',
    meaning: 'No such change blackout period.',
  },
  change_transition_not_allowed: {
    kind: 'conflict',
    meaning:
      'The change cannot move to that state from its present one, or not by this route (a CAB decides awaiting_cab; only a standard change skips the CAB).',
  },
  change_not_ready: {
    kind: 'conflict',
    meaning:
      'The change lacks what the next step needs: a window, an affected service, and for a CAB a plan and a back-out plan.',
  },
  change_in_blackout: {
    kind: 'conflict',
    meaning:
      'The window falls in a blackout period for one of its services; only an emergency change may be scheduled there.',
  },
  change_locked: {
    kind: 'conflict',
    meaning:
      'The change is past the point where this can change (implementation started, or it is closed, rejected or cancelled; an approved change keeps its window and services until moved back to assessment).',
  },
  cab_not_configured: {
    kind: 'conflict',
    meaning:
      'No change advisory board group is set (Settings → Changes): a normal or emergency change cannot be sent for approval.',
  },
  // -- automation rules --
  invalid_automation_rule: {
    kind: 'invalid',
    meaning:
      'An automation rule names an unknown trigger, field, operator or action, a value of the wrong kind, a group, user, custom field or webhook that does not exist, or a template with an unknown placeholder (see docs/automation.md).',
  },
  automation_rule_not_found: { kind: 'not_found', meaning: 'No such automation rule.' },
  // -- upgrade proposals --
  proposal_not_found: { kind: 'not_found', meaning: 'No such upgrade proposal (requesters see none).' },
  proposal_decided: {
    kind: 'conflict',
    meaning:
      'The upgrade proposal is approved or rejected already: a decision is final (a deferred one may still be decided).',
  },
  proposal_locked: {
    kind: 'conflict',
    meaning:
      'Only a proposed upgrade proposal is edited; once deferred, approved or rejected its text stays.',
  },
  // -- suppliers --
  vendor_not_found: { kind: 'not_found', meaning: 'No such vendor (requesters see none).' },
  vendor_name_taken: { kind: 'conflict', meaning: 'Another vendor already has this name.' },
  contract_not_found: { kind: 'not_found', meaning: 'No such contract (requesters see none).' },
  vendor_document_not_found: {
    kind: 'not_found',
    meaning: 'No such document of that vendor, or its stored file is gone.',
  },
  budget_line_not_found: { kind: 'not_found', meaning: 'No such budget line (requesters see none).' },
  budget_line_taken: {
    kind: 'conflict',
    meaning: 'A budget line for this category and fiscal year exists already.',
  },
  quote_request_not_found: {
    kind: 'not_found',
    meaning: 'No such request for quotes (requesters see none).',
  },
  quote_not_found: { kind: 'not_found', meaning: 'No such quote on this request for quotes.' },
  quote_request_closed: {
    kind: 'conflict',
    meaning: 'The request for quotes is awarded or cancelled: its quotes and requirements no longer change.',
  },
  quote_not_comparable: {
    kind: 'conflict',
    meaning:
      'The request for quotes has no currency to compare in (set its currency or a budget line), or a budget line in another currency.',
  },
  // -- assets and inventory --
  asset_not_found: {
    kind: 'not_found',
    meaning: 'No such asset (a requester sees only the assets they own or use).',
  },
  asset_tag_taken: {
    kind: 'conflict',
    meaning: 'Another asset already carries this asset tag.',
  },
  asset_not_licence: {
    kind: 'conflict',
    meaning: 'Licence terms and seat assignments belong to an asset of type licence.',
  },
  asset_relation_not_found: {
    kind: 'not_found',
    meaning: 'No such relation between these assets.',
  },
  asset_relation_exists: {
    kind: 'conflict',
    meaning: 'The two assets are already related this way.',
  },
  licence_assignment_not_found: {
    kind: 'not_found',
    meaning: 'No such seat assignment on this licence.',
  },
  licence_seat_taken: {
    kind: 'conflict',
    meaning: 'The asset or user already holds a seat of this licence.',
  },
  asset_ticket_link_not_found: {
    kind: 'not_found',
    meaning: 'The ticket does not name this asset.',
  },
  asset_repair_not_found: {
    kind: 'not_found',
    meaning: 'No such repair of this asset.',
  },
  asset_repair_open: {
    kind: 'conflict',
    meaning: 'The asset is in repair already (one open repair at a time), or the repair is closed already.',
  },
  asset_not_available: {
    kind: 'conflict',
    meaning:
      'The asset is retired (it is not repaired or replaced), or the loaner asked for is not in stock.',
  },
  asset_replacement_open: {
    kind: 'conflict',
    meaning: 'A replacement of this asset is asked for already (its request for quotes is open or awarded).',
  },
  inventory_agent_not_found: {
    kind: 'not_found',
    meaning: 'No such inventory agent.',
  },
  inventory_agent_unknown: {
    kind: 'unauthenticated',
    meaning:
      'The inventory submission carries no valid agent token (HTTP basic password, or the token in the URL path), or the agent was revoked.',
  },
  invalid_inventory: {
    kind: 'invalid',
    meaning:
      'The inventory document is not one we read: malformed or undecodable XML or JSON, no DEVICEID, an unknown QUERY, or a section of the wrong shape.',
  },
  inventory_too_large: {
    kind: 'too_large',
    meaning: 'The inventory document, compressed or once decompressed, exceeds the limit.',
  },
  inventory_device_claimed: {
    kind: 'conflict',
    meaning:
      'The device (by DEVICEID, serial number or MAC address) is inventoried by another agent; its asset is not overwritten.',
  },
  invalid_user_import: {
    kind: 'invalid',
    meaning:
      'The user import is not a CSV file with a header row naming an email column and only known columns, or it has too many rows.',
  },
  invalid_asset_import: {
    kind: 'invalid',
    meaning:
      'The asset import is not a CSV file with a header row naming at least the name column, or it has too many rows.',
  },
  host_sync_busy: {
    kind: 'conflict',
    meaning: 'Another instance is filling assets from monitored hosts right now; try again in a moment.',
  },
  // -- LDAP and Active Directory --
  invalid_ldap_directory: {
    kind: 'invalid',
    meaning:
      "A directory's settings do not fit: its URL must be ldaps://, or ldap:// with StartTLS (plain only on loopback), its bases DNs, its filters LDAP filters in parentheses, its mapping existing groups and roles.",
  },
  ldap_directory_not_found: { kind: 'not_found', meaning: 'No such LDAP directory.' },
  ldap_directory_unreachable: {
    kind: 'unavailable',
    meaning:
      'The directory could not be reached or used: no connection, TLS refused or not trusted, the service account refused, or a search failed.',
  },
  ldap_sync_running: {
    kind: 'conflict',
    meaning: 'A sync of this directory is running (here or on another instance); try again when it ends.',
  },
} as const satisfies Record<string, { kind: ErrorKind; meaning: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** The codes of one kind: a NotFound takes only a not_found code, so a code and its HTTP status cannot drift. */
export type CodeOfKind<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof errorCatalogue)[C]['kind'] extends K ? C : never;
}[ErrorCode];
