// The service's configuration, read once from the environment and validated: a bad value stops the
// service at start-up with the variable's name and what was expected.
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { IANAZone } from 'luxon';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** The key secrets stored for peers are sealed with (src/core/secret-box.ts); null: the data folder's key file. */
  secretKey: Buffer | null;
  /** postgres://… selects PostgreSQL; unset means the embedded SQLite file under dataDir. */
  databaseUrl: string | null;
  /** PostgreSQL: the schema opsdesk keeps its tables in (created if missing); null: the connection's search_path. */
  databaseSchema: string | null;
  /** PostgreSQL: a streaming replica for exports and reports; null: everything on DATABASE_URL. */
  databaseReadUrl: string | null;
  /**
   * PostgreSQL: where the one listening connection (LISTEN, session state) goes when DATABASE_URL leads to a pooler
   * in transaction mode (PgBouncer); null: DATABASE_URL.
   */
  databaseListenUrl: string | null;
  /** PostgreSQL: connections per pool (the primary's, and the replica's) of this instance. */
  databasePoolSize: number;
  demo: boolean;
  adminEmail: string | null;
  adminPassword: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  attachmentMaxBytes: number;
  sessionTtlMs: number;
  loginMaxFailures: number;
  loginLockoutMs: number;
  /** How long an admin's one-time password-reset link works. */
  passwordResetTtlMs: number;
  /** Live event streams one user may hold open at once (per instance). */
  liveStreamsPerUser: number;
  loginRatePerMinute: number;
  cookieSecure: boolean;
  webhookTimeoutMs: number;
  /**
   * Addresses (CIDR) of the load balancers or reverse proxies in front: from them X-Forwarded-For names the client
   * (its address in rate limits, sessions and the audit log) and X-Forwarded-Proto the scheme. Empty: none.
   */
  trustedProxies: string[];
  /** Webhooks may target loopback, private, link-local and other non-public addresses (off: SSRF guard). */
  webhookAllowPrivate: boolean;
  publicUrl: string | null;
  /** The built-in SMTP listener (mail in); port 0 picks a free port (tests). */
  smtpEnabled: boolean;
  smtpHost: string;
  smtpPort: number;
  /** The largest inbound message, advertised by SMTP SIZE and enforced on every mail path. */
  mailMaxBytes: number;
  /** What a mail from an address without an account does: open a ticket as a new requester, or be refused. */
  mailUnknownSenders: 'create' | 'reject';
  /** Inbound mails per sender per hour before the rest are held back as a probable loop. */
  mailSenderMaxPerHour: number;
  /** smtp://host:25 or smtps://user:pass@host:465 for outgoing mail; null disables it (logged as such). */
  smtpOutUrl: string | null;
  mailFrom: string;
  /** The domain of our Message-IDs; defaults to the domain of mailFrom. */
  mailDomain: string;
  /** imaps://user:pass@host:993/INBOX to poll a mailbox; null disables polling. */
  imapUrl: string | null;
  imapPollSeconds: number;
  /** A folder to move fetched mails to; null marks them \Seen instead. */
  imapMoveTo: string | null;
  /**
   * Domains whose unknown senders get a requester account from their first mail ('*' for any). Default: the
   * domain of mailFrom. A sender from another domain is set aside (hold) or refused (reject).
   */
  mailAllowedDomains: string[];
  mailUnknownDomains: 'hold' | 'reject';
  /** Who must pass the trust check (a trusted relay's Authentication-Results or SMTP AUTH): staff, or all. */
  mailVerifySenders: 'staff' | 'all';
  /** Addresses (CIDR) of the MTAs whose Authentication-Results headers are believed over SMTP. */
  mailTrustedRelays: string[];
  /** The authserv-ids of Authentication-Results headers that count (the trusted MTAs' and the IMAP server's). */
  mailAuthservIds: string[];
  /** SMTP AUTH credentials per relay: name and the SHA-256 (hex) of its secret; never the secret itself. */
  smtpRelays: { name: string; secretSha256: string }[];
  /** The SMS gateway: POST {to, text} as JSON (src/notify/channels/sms.ts); null disables the sms channel. */
  smsGatewayUrl: string | null;
  /** Sent as `Authorization: Bearer …` to the SMS gateway when set. */
  smsGatewayToken: string | null;
  /** How long the metric store keeps raw samples, 1-minute rollups and 1-hour rollups (ascending). */
  metricsRetentionRawMs: number;
  metricsRetention1mMs: number;
  metricsRetention1hMs: number;
  /**
   * Remote-write 1.0 endpoint every stored sample is also forwarded to (README, Forwarding metrics); null: none.
   * May carry basic auth (user:password@), never logged.
   */
  metricsForwardUrl: string | null;
  /** Sent as `Authorization: Bearer …` to the forward endpoint when set. */
  metricsForwardBearerToken: string | null;
  /** Samples the forward queue holds at most: past it the oldest batches are dropped (and counted). */
  metricsForwardMaxQueueSamples: number;
  /** A Prometheus HTTP API base URL that PromQL queries with source=remote are answered from; null: none. */
  metricsQueryUrl: string | null;
  /** When set, GET /metrics answers only `Authorization: Bearer <this>` (a Prometheus scrape's credentials). */
  metricsScrapeToken: string | null;
  /** Checks (monitoring) one instance runs at the same time; more wait for a free slot. */
  checkConcurrency: number;
  /** The syslog listener (logs in): UDP and TCP on one port; port 0 picks a free port (tests). */
  syslogEnabled: boolean;
  /** UDP and TCP (no sender authentication); off, syslog is taken over TLS only. */
  syslogPlain: boolean;
  syslogHost: string;
  syslogPort: number;
  /** Syslog over TLS (RFC 5425) on its own port when a certificate and key are given (PEM files). */
  syslogTlsPort: number;
  syslogTlsCert: string | null;
  syslogTlsKey: string | null;
  /** PEM file of the CAs whose client certificates TLS senders present; null: no client certificate asked. */
  syslogTlsClientCa: string | null;
  /** With a client CA: every TLS sender must present a valid certificate (required), or only may (optional). */
  syslogTlsClientCerts: 'required' | 'optional';
  /** The largest syslog message kept whole; a longer one is truncated and flagged. */
  syslogMaxMessageBytes: number;
  /** Open syslog TCP/TLS connections at once (all senders); more are refused and counted. */
  syslogMaxConnections: number;
  /** The IANA zone of syslog timestamps that carry none (RFC 3164's): the senders' local time. */
  syslogZone: string;
  /** A syslog TCP/TLS connection is not read (back-pressure) while this many of its records wait for the store. */
  syslogConnectionMaxPending: number;
  /** Records all syslog connections together may have waiting for the store (each gets a share, at least the above). */
  syslogPendingBudget: number;
  /** UDP cannot be slowed: past this many syslog records waiting for the store, datagrams are dropped and counted. */
  syslogUdpQueueMax: number;
  /** Open SMTP connections at once; the next is answered 421 and closed. */
  smtpMaxClients: number;
  /**
   * Each ingest channel's budget (remote-write, the log endpoint, alert intake, SMTP — one each): requests being
   * read and stored at once, and requests waiting for one of those slots (unread); past both, shed.
   */
  ingestMaxInFlight: number;
  ingestMaxQueued: number;
  /** The Retry-After of a shed request, in seconds (429 ingest_overloaded, 503 service_overloaded). */
  overloadRetryAfterSeconds: number;
  /** The HTTP service sheds (503) past these (0: not checked): mean event-loop delay, V8 heap used, resident memory. */
  overloadMaxEventLoopDelayMs: number;
  overloadMaxHeapBytes: number;
  overloadMaxRssBytes: number;
  /** How long the log store keeps records, and how many bytes of records it keeps at most (the oldest go first). */
  logsRetentionMs: number;
  logsMaxBytes: number;
  /** How long the audit log keeps its rows (OPSDESK_AUDIT_RETENTION; the oldest go first). */
  auditRetentionMs: number;
  /** The month (1–12) fiscal years start in, on its 1st, UTC (OPSDESK_FISCAL_YEAR_START_MONTH; 1: calendar years). */
  fiscalYearStartMonth: number;
  /** Days before a warranty's end, an end of life or a licence's expiry that its reminder is raised (OPSDESK_ASSET_REMINDER_DAYS). */
  assetReminderDays: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${variable}: expected ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, '1/0, true/false, yes/no or on/off', raw);
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** OPSDESK_SECRET_KEY: 32 bytes as 64 hex digits or base64; unset means the data folder's key file. */
function loadSecretKey(env: Env): Buffer | null {
  const text = env.OPSDESK_SECRET_KEY?.trim();
  if (!text) return null;
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32 || (!/^[0-9a-f]{64}$/i.test(text) && key.toString('base64') !== text))
    throw new ConfigError(
      'OPSDESK_SECRET_KEY',
      '32 bytes as 64 hex digits or base64 (openssl rand -hex 32)',
      '…',
    );
  return key;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL',
      'a postgres:// or postgresql:// URL (unset for embedded SQLite)',
      databaseUrl,
    );
  }
  const databaseSchema = env.DATABASE_SCHEMA?.trim() || null;
  if (databaseSchema && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema))
    throw new ConfigError(
      'DATABASE_SCHEMA',
      'a schema name of lower-case letters, digits and _',
      databaseSchema,
    );
  if (databaseSchema && !databaseUrl)
    throw new ConfigError('DATABASE_SCHEMA', 'set only with DATABASE_URL (PostgreSQL)', databaseSchema);
  const databaseReadUrl = env.DATABASE_READ_URL?.trim() || null;
  if (databaseReadUrl && !/^postgres(ql)?:\/\//.test(databaseReadUrl))
    throw new ConfigError(
      'DATABASE_READ_URL',
      'a postgres:// or postgresql:// URL',
      redactUrlSecret(databaseReadUrl),
    );
  if (databaseReadUrl && !databaseUrl)
    throw new ConfigError(
      'DATABASE_READ_URL',
      'set only with DATABASE_URL (PostgreSQL)',
      redactUrlSecret(databaseReadUrl),
    );
  const databaseListenUrl = env.DATABASE_LISTEN_URL?.trim() || null;
  if (databaseListenUrl && !/^postgres(ql)?:\/\//.test(databaseListenUrl))
    throw new ConfigError(
      'DATABASE_LISTEN_URL',
      'a postgres:// or postgresql:// URL',
      redactUrlSecret(databaseListenUrl),
    );
  if (databaseListenUrl && !databaseUrl)
    throw new ConfigError(
      'DATABASE_LISTEN_URL',
      'set only with DATABASE_URL (PostgreSQL)',
      redactUrlSecret(databaseListenUrl),
    );
  const logLevel = (env.OPSDESK_LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!logLevels.includes(logLevel))
    throw new ConfigError('OPSDESK_LOG_LEVEL', logLevels.join('|'), logLevel);
  const adminEmail = env.OPSDESK_ADMIN_EMAIL?.trim() || null;
  const adminPassword = env.OPSDESK_ADMIN_PASSWORD || null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError(
      adminEmail ? 'OPSDESK_ADMIN_PASSWORD' : 'OPSDESK_ADMIN_EMAIL',
      'OPSDESK_ADMIN_EMAIL and OPSDESK_ADMIN_PASSWORD set together',
      '',
    );
  }
  if (adminPassword !== null && (adminPassword.length < 10 || adminPassword.length > 200)) {
    throw new ConfigError('OPSDESK_ADMIN_PASSWORD', 'a password of 10 to 200 characters', '(hidden)');
  }
  const publicUrl = env.OPSDESK_PUBLIC_URL?.trim() || null;
  const mailUnknownSenders = (env.OPSDESK_MAIL_UNKNOWN_SENDERS?.trim() ||
    'create') as Config['mailUnknownSenders'];
  if (mailUnknownSenders !== 'create' && mailUnknownSenders !== 'reject')
    throw new ConfigError('OPSDESK_MAIL_UNKNOWN_SENDERS', 'create|reject', mailUnknownSenders);
  const smtpOutUrl = env.OPSDESK_SMTP_OUT_URL?.trim() || null;
  if (smtpOutUrl && !/^smtps?:\/\/[^/]+/.test(smtpOutUrl))
    throw new ConfigError('OPSDESK_SMTP_OUT_URL', 'an smtp:// or smtps:// URL', redactUrlSecret(smtpOutUrl));
  const imapUrl = env.OPSDESK_IMAP_URL?.trim() || null;
  if (imapUrl && !/^imaps?:\/\/[^/]+/.test(imapUrl))
    throw new ConfigError('OPSDESK_IMAP_URL', 'an imap:// or imaps:// URL', redactUrlSecret(imapUrl));
  const mailFrom = env.OPSDESK_MAIL_FROM?.trim() || 'opsdesk@opsdesk.local';
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom))
    throw new ConfigError('OPSDESK_MAIL_FROM', 'an email address', mailFrom);
  const mailDomain = env.OPSDESK_MAIL_DOMAIN?.trim() || mailFrom.split('@')[1];
  if (!/^[A-Za-z0-9.-]+$/.test(mailDomain))
    throw new ConfigError('OPSDESK_MAIL_DOMAIN', 'a domain name', mailDomain);
  const mailTrust = loadMailTrust(env, mailFrom);
  const smsGatewayUrl = env.OPSDESK_SMS_GATEWAY_URL?.trim() || null;
  if (smsGatewayUrl && !/^https?:\/\/[^/\s]+/.test(smsGatewayUrl))
    throw new ConfigError(
      'OPSDESK_SMS_GATEWAY_URL',
      'an http:// or https:// URL',
      redactUrlSecret(smsGatewayUrl),
    );
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    dataDir: path.resolve(env.OPSDESK_DATA_DIR?.trim() || 'data'),
    secretKey: loadSecretKey(env),
    databaseUrl,
    databaseSchema,
    databaseReadUrl,
    databaseListenUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    demo: bool(env, 'OPSDESK_DEMO', true),
    adminEmail,
    adminPassword,
    logLevel,
    bodyLimitBytes: int(env, 'OPSDESK_BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    attachmentMaxBytes: int(env, 'OPSDESK_ATTACHMENT_MAX_BYTES', 10 * 1_048_576, 1024, 1024 * 1_048_576),
    sessionTtlMs: int(env, 'OPSDESK_SESSION_TTL_HOURS', 12, 1, 24 * 90) * 3_600_000,
    loginMaxFailures: int(env, 'OPSDESK_LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockoutMs: int(env, 'OPSDESK_LOGIN_LOCKOUT_MINUTES', 15, 1, 24 * 60) * 60_000,
    loginRatePerMinute: int(env, 'OPSDESK_LOGIN_RATE_PER_MINUTE', 20, 1, 10_000),
    passwordResetTtlMs: int(env, 'OPSDESK_PASSWORD_RESET_TTL_MINUTES', 60, 5, 7 * 24 * 60) * 60_000,
    liveStreamsPerUser: int(env, 'OPSDESK_LIVE_STREAMS_PER_USER', 8, 1, 100),
    cookieSecure: bool(env, 'OPSDESK_COOKIE_SECURE', publicUrl?.startsWith('https://') ?? false),
    trustedProxies: addressRanges(env, 'OPSDESK_TRUSTED_PROXIES'),
    webhookTimeoutMs: int(env, 'OPSDESK_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookAllowPrivate: bool(env, 'OPSDESK_WEBHOOK_ALLOW_PRIVATE', false),
    publicUrl,
    smtpEnabled: bool(env, 'OPSDESK_SMTP_ENABLED', true),
    smtpHost: env.OPSDESK_SMTP_HOST?.trim() || '127.0.0.1',
    smtpPort: int(env, 'OPSDESK_SMTP_PORT', 2525, 0, 65535),
    mailMaxBytes: int(env, 'OPSDESK_MAIL_MAX_BYTES', 25 * 1_048_576, 1024, 1024 * 1_048_576),
    mailUnknownSenders,
    mailSenderMaxPerHour: int(env, 'OPSDESK_MAIL_SENDER_MAX_PER_HOUR', 30, 1, 100_000),
    smtpOutUrl,
    mailFrom,
    mailDomain: mailDomain.toLowerCase(),
    imapUrl,
    imapPollSeconds: int(env, 'OPSDESK_IMAP_POLL_SECONDS', 60, 1, 86_400),
    imapMoveTo: env.OPSDESK_IMAP_MOVE_TO?.trim() || null,
    ...mailTrust,
    smsGatewayUrl,
    smsGatewayToken: env.OPSDESK_SMS_GATEWAY_TOKEN?.trim() || null,
    ...loadMetricsRetention(env),
    ...loadMetricsForward(env),
    checkConcurrency: int(env, 'OPSDESK_CHECK_CONCURRENCY', 200, 1, 10_000),
    metricsScrapeToken: scrapeToken(env),
    ...loadSyslog(env),
    ...loadOverload(env),
    logsRetentionMs: retention(env, 'OPSDESK_LOGS_RETENTION', 30),
    logsMaxBytes: int(env, 'OPSDESK_LOGS_MAX_MB', 10_240, 1, 100 * 1_048_576) * 1_048_576,
    auditRetentionMs: retention(env, 'OPSDESK_AUDIT_RETENTION', 365),
    fiscalYearStartMonth: int(env, 'OPSDESK_FISCAL_YEAR_START_MONTH', 1, 1, 12),
    assetReminderDays: int(env, 'OPSDESK_ASSET_REMINDER_DAYS', 90, 1, 3650),
  };
}

const dayMs = 86_400_000;

/**
 * A retention: an ISO 8601 duration of weeks, days, hours, minutes and seconds (P15D, P2W, PT36H, P1DT12H) or a
 * whole number of days. Years and months are refused: their length depends on the calendar.
 */
function retention(env: Env, name: string, fallbackDays: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallbackDays * dayMs;
  const expected =
    'an ISO 8601 duration (P15D, P2W, PT36H) or a whole number of days, from 1 hour to 100 years';
  let ms: number;
  if (/^\d+$/.test(raw)) ms = Number(raw) * dayMs;
  else {
    const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(raw);
    if (!m || raw.toUpperCase() === 'P' || /T$/i.test(raw)) throw new ConfigError(name, expected, raw);
    const [w, d, h, min, sec] = m.slice(1).map((v) => Number(v ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    ms = (w * 7 + d) * dayMs + h * 3_600_000 + min * 60_000 + sec * 1000;
  }
  if (!(ms >= 3_600_000 && ms <= 100 * 365 * dayMs)) throw new ConfigError(name, expected, raw);
  return ms;
}

/** OPSDESK_METRICS_SCRAPE_TOKEN: at least 16 characters a Bearer header can carry. */
function scrapeToken(env: Env): string | null {
  const token = env.OPSDESK_METRICS_SCRAPE_TOKEN?.trim() || null;
  if (token !== null && !/^[A-Za-z0-9._~+/=-]{16,200}$/.test(token))
    throw new ConfigError(
      'OPSDESK_METRICS_SCRAPE_TOKEN',
      '16 to 200 characters of letters, digits and ._~+/=- (openssl rand -hex 32)',
      '***',
    );
  return token;
}

/**
 * The syslog listener: a TLS port needs both a certificate and a key; client certificates need a CA to verify them
 * against, and taking syslog over TLS only (OPSDESK_SYSLOG_PLAIN=0) needs TLS.
 */
function loadSyslog(
  env: Env,
): Pick<
  Config,
  | 'syslogEnabled'
  | 'syslogPlain'
  | 'syslogHost'
  | 'syslogPort'
  | 'syslogTlsPort'
  | 'syslogTlsCert'
  | 'syslogTlsKey'
  | 'syslogTlsClientCa'
  | 'syslogTlsClientCerts'
  | 'syslogMaxMessageBytes'
  | 'syslogMaxConnections'
  | 'syslogZone'
  | 'syslogConnectionMaxPending'
  | 'syslogPendingBudget'
  | 'syslogUdpQueueMax'
> {
  const syslogTlsCert = env.OPSDESK_SYSLOG_TLS_CERT?.trim() || null;
  const syslogTlsKey = env.OPSDESK_SYSLOG_TLS_KEY?.trim() || null;
  if ((syslogTlsCert === null) !== (syslogTlsKey === null))
    throw new ConfigError(
      syslogTlsCert ? 'OPSDESK_SYSLOG_TLS_KEY' : 'OPSDESK_SYSLOG_TLS_CERT',
      'both OPSDESK_SYSLOG_TLS_CERT and OPSDESK_SYSLOG_TLS_KEY (PEM files), or neither',
      '',
    );
  const syslogTlsClientCa = env.OPSDESK_SYSLOG_TLS_CLIENT_CA?.trim() || null;
  if (syslogTlsClientCa && !syslogTlsCert)
    throw new ConfigError(
      'OPSDESK_SYSLOG_TLS_CLIENT_CA',
      'set only with OPSDESK_SYSLOG_TLS_CERT and OPSDESK_SYSLOG_TLS_KEY (client certificates are a TLS matter)',
      syslogTlsClientCa,
    );
  const clientCertsRaw = env.OPSDESK_SYSLOG_TLS_CLIENT_CERTS?.trim() || null;
  if (clientCertsRaw !== null && clientCertsRaw !== 'required' && clientCertsRaw !== 'optional')
    throw new ConfigError('OPSDESK_SYSLOG_TLS_CLIENT_CERTS', 'required|optional', clientCertsRaw);
  if (clientCertsRaw !== null && !syslogTlsClientCa)
    throw new ConfigError(
      'OPSDESK_SYSLOG_TLS_CLIENT_CERTS',
      'set only with OPSDESK_SYSLOG_TLS_CLIENT_CA (the CA that signs the senders’ certificates)',
      clientCertsRaw,
    );
  const syslogPlain = bool(env, 'OPSDESK_SYSLOG_PLAIN', true);
  if (!syslogPlain && !syslogTlsCert)
    throw new ConfigError(
      'OPSDESK_SYSLOG_PLAIN',
      '1 unless OPSDESK_SYSLOG_TLS_CERT and OPSDESK_SYSLOG_TLS_KEY are set (0 takes syslog over TLS only; OPSDESK_SYSLOG_ENABLED=0 takes none)',
      env.OPSDESK_SYSLOG_PLAIN ?? '',
    );
  const syslogZone = env.OPSDESK_SYSLOG_ZONE?.trim() || 'UTC';
  if (!isKnownZone(syslogZone))
    throw new ConfigError(
      'OPSDESK_SYSLOG_ZONE',
      'an IANA time zone such as Europe/Berlin or UTC',
      syslogZone,
    );
  return {
    syslogEnabled: bool(env, 'OPSDESK_SYSLOG_ENABLED', true),
    syslogPlain,
    syslogHost: env.OPSDESK_SYSLOG_HOST?.trim() || '127.0.0.1',
    syslogPort: int(env, 'OPSDESK_SYSLOG_PORT', 5514, 0, 65535),
    syslogTlsPort: int(env, 'OPSDESK_SYSLOG_TLS_PORT', 6514, 0, 65535),
    syslogTlsCert,
    syslogTlsKey,
    syslogTlsClientCa,
    syslogTlsClientCerts: (clientCertsRaw ?? 'required') as 'required' | 'optional',
    syslogMaxMessageBytes: int(env, 'OPSDESK_SYSLOG_MAX_MESSAGE_BYTES', 65_536, 480, 1_048_576),
    syslogMaxConnections: int(env, 'OPSDESK_SYSLOG_MAX_CONNECTIONS', 512, 1, 100_000),
    syslogZone,
    syslogConnectionMaxPending: int(env, 'OPSDESK_SYSLOG_CONNECTION_MAX_PENDING', 2_000, 1, 10_000_000),
    syslogPendingBudget: int(env, 'OPSDESK_SYSLOG_PENDING_BUDGET', 40_000, 1, 100_000_000),
    syslogUdpQueueMax: int(env, 'OPSDESK_SYSLOG_UDP_QUEUE_MAX', 50_000, 1, 100_000_000),
  };
}

/** Overload: each ingest channel's budget, and the whole HTTP service's thresholds (@fastify/under-pressure). */
function loadOverload(
  env: Env,
): Pick<
  Config,
  | 'smtpMaxClients'
  | 'ingestMaxInFlight'
  | 'ingestMaxQueued'
  | 'overloadRetryAfterSeconds'
  | 'overloadMaxEventLoopDelayMs'
  | 'overloadMaxHeapBytes'
  | 'overloadMaxRssBytes'
> {
  return {
    smtpMaxClients: int(env, 'OPSDESK_SMTP_MAX_CLIENTS', 100, 1, 100_000),
    ingestMaxInFlight: int(env, 'OPSDESK_INGEST_MAX_IN_FLIGHT', 8, 1, 10_000),
    ingestMaxQueued: int(env, 'OPSDESK_INGEST_MAX_QUEUED', 64, 0, 100_000),
    overloadRetryAfterSeconds: int(env, 'OPSDESK_OVERLOAD_RETRY_AFTER_SECONDS', 5, 1, 3600),
    // Off unless set: a cold start and each route's first use (its schemas compiled) hold the loop past a second
    // on a small machine, and a default threshold answered the first sign-in after `serve` with 503.
    overloadMaxEventLoopDelayMs: int(env, 'OPSDESK_OVERLOAD_EVENT_LOOP_DELAY_MS', 0, 0, 600_000),
    overloadMaxHeapBytes: int(env, 'OPSDESK_OVERLOAD_HEAP_MB', 0, 0, 1_048_576) * 1_048_576,
    overloadMaxRssBytes: int(env, 'OPSDESK_OVERLOAD_RSS_MB', 0, 0, 1_048_576) * 1_048_576,
  };
}

function isKnownZone(zone: string): boolean {
  return zone === 'UTC' || IANAZone.isValidZone(zone);
}

/** The metric store's retention per resolution: a rollup outlives the resolution it is computed from. */
function loadMetricsRetention(
  env: Env,
): Pick<Config, 'metricsRetentionRawMs' | 'metricsRetention1mMs' | 'metricsRetention1hMs'> {
  const raw = retention(env, 'OPSDESK_METRICS_RETENTION_RAW', 15);
  const oneMinute = retention(env, 'OPSDESK_METRICS_RETENTION_1M', 90);
  const oneHour = retention(env, 'OPSDESK_METRICS_RETENTION_1H', 730);
  if (oneMinute < raw)
    throw new ConfigError(
      'OPSDESK_METRICS_RETENTION_1M',
      'at least OPSDESK_METRICS_RETENTION_RAW',
      env.OPSDESK_METRICS_RETENTION_1M ?? '',
    );
  if (oneHour < oneMinute)
    throw new ConfigError(
      'OPSDESK_METRICS_RETENTION_1H',
      'at least OPSDESK_METRICS_RETENTION_1M',
      env.OPSDESK_METRICS_RETENTION_1H ?? '',
    );
  return { metricsRetentionRawMs: raw, metricsRetention1mMs: oneMinute, metricsRetention1hMs: oneHour };
}

/** An http(s) URL with a host, or null when unset; a bad one is reported with its secret masked. */
function httpUrl(env: Env, name: string): string | null {
  const raw = env[name]?.trim() || null;
  if (raw === null) return null;
  let ok = false;
  try {
    const u = new URL(raw);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !/\s/.test(raw);
  } catch {
    ok = false; // not a URL at all: refused below with the variable's name
  }
  if (!ok) throw new ConfigError(name, 'an http:// or https:// URL', redactUrlSecret(raw));
  return raw;
}

/** Forwarding to an external Prometheus-compatible store, and querying it (README, Forwarding metrics). */
function loadMetricsForward(
  env: Env,
): Pick<
  Config,
  'metricsForwardUrl' | 'metricsForwardBearerToken' | 'metricsForwardMaxQueueSamples' | 'metricsQueryUrl'
> {
  const metricsForwardUrl = httpUrl(env, 'OPSDESK_METRICS_FORWARD_URL');
  const metricsForwardBearerToken = env.OPSDESK_METRICS_FORWARD_BEARER_TOKEN?.trim() || null;
  if (metricsForwardBearerToken && !metricsForwardUrl)
    throw new ConfigError(
      'OPSDESK_METRICS_FORWARD_BEARER_TOKEN',
      'set only with OPSDESK_METRICS_FORWARD_URL',
      '***',
    );
  if (metricsForwardBearerToken && /[\s]/.test(metricsForwardBearerToken))
    throw new ConfigError('OPSDESK_METRICS_FORWARD_BEARER_TOKEN', 'a token without spaces', '***');
  return {
    metricsForwardUrl,
    metricsForwardBearerToken,
    metricsForwardMaxQueueSamples: int(
      env,
      'OPSDESK_METRICS_FORWARD_MAX_QUEUE',
      10_000_000,
      1000,
      1_000_000_000,
    ),
    metricsQueryUrl: httpUrl(env, 'OPSDESK_METRICS_QUERY_URL'),
  };
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A comma-separated list of IP addresses or CIDR ranges, each checked. */
function addressRanges(env: Env, key: string): string[] {
  const ranges = list(env[key]);
  for (const r of ranges) {
    const [addr, bits] = r.split('/');
    const okAddr = ipaddr.isValid(addr);
    const max = okAddr && ipaddr.parse(addr).kind() === 'ipv6' ? 128 : 32;
    if (!okAddr || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max)))
      throw new ConfigError(key, 'IP addresses or CIDR ranges, comma-separated', r);
  }
  return ranges;
}

/** The mail trust settings (README, Email: who a mail is from). */
function loadMailTrust(
  env: Env,
  mailFrom: string,
): Pick<
  Config,
  | 'mailAllowedDomains'
  | 'mailUnknownDomains'
  | 'mailVerifySenders'
  | 'mailTrustedRelays'
  | 'mailAuthservIds'
  | 'smtpRelays'
> {
  const domains =
    env.OPSDESK_MAIL_ALLOWED_DOMAINS === undefined
      ? [mailFrom.split('@')[1]]
      : list(env.OPSDESK_MAIL_ALLOWED_DOMAINS);
  for (const d of domains)
    if (d !== '*' && !/^[A-Za-z0-9.-]+$/.test(d))
      throw new ConfigError('OPSDESK_MAIL_ALLOWED_DOMAINS', "domain names (or '*'), comma-separated", d);
  const unknownDomains = env.OPSDESK_MAIL_UNKNOWN_DOMAINS?.trim() || 'hold';
  if (unknownDomains !== 'hold' && unknownDomains !== 'reject')
    throw new ConfigError('OPSDESK_MAIL_UNKNOWN_DOMAINS', 'hold|reject', unknownDomains);
  const verify = env.OPSDESK_MAIL_VERIFY_SENDERS?.trim() || 'staff';
  if (verify !== 'staff' && verify !== 'all')
    throw new ConfigError('OPSDESK_MAIL_VERIFY_SENDERS', 'staff|all', verify);
  const relays = addressRanges(env, 'OPSDESK_MAIL_TRUSTED_RELAYS');
  const smtpRelays = list(env.OPSDESK_SMTP_RELAYS).map((entry) => {
    const m = /^([A-Za-z0-9._-]{1,64}):([0-9a-fA-F]{64})$/.exec(entry);
    if (!m)
      throw new ConfigError(
        'OPSDESK_SMTP_RELAYS',
        'name:sha256-hex-of-secret entries, comma-separated',
        entry.replace(/:.*/, ':***'),
      );
    return { name: m[1], secretSha256: m[2].toLowerCase() };
  });
  return {
    mailAllowedDomains: domains.map((d) => d.toLowerCase()),
    mailUnknownDomains: unknownDomains,
    mailVerifySenders: verify,
    mailTrustedRelays: relays,
    mailAuthservIds: list(env.OPSDESK_MAIL_AUTHSERV_IDS).map((d) => d.toLowerCase()),
    smtpRelays,
  };
}

function redactUrlSecret(url: string): string {
  return url.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, '//$1:***@');
}

/** The effective configuration for `opsdesk config`: secrets are masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl
      ? config.databaseUrl.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, '//$1:***@')
      : null,
    databaseReadUrl: config.databaseReadUrl ? redactUrlSecret(config.databaseReadUrl) : null,
    databaseListenUrl: config.databaseListenUrl ? redactUrlSecret(config.databaseListenUrl) : null,
    adminPassword: config.adminPassword ? '***' : null,
    secretKey: config.secretKey ? '***' : null,
    smtpOutUrl: config.smtpOutUrl ? redactUrlSecret(config.smtpOutUrl) : null,
    imapUrl: config.imapUrl ? redactUrlSecret(config.imapUrl) : null,
    smtpRelays: config.smtpRelays.map((r) => ({ name: r.name, secretSha256: '***' })),
    smsGatewayUrl: config.smsGatewayUrl ? redactUrlSecret(config.smsGatewayUrl) : null,
    smsGatewayToken: config.smsGatewayToken ? '***' : null,
    metricsForwardUrl: config.metricsForwardUrl ? redactUrlSecret(config.metricsForwardUrl) : null,
    metricsForwardBearerToken: config.metricsForwardBearerToken ? '***' : null,
    metricsQueryUrl: config.metricsQueryUrl ? redactUrlSecret(config.metricsQueryUrl) : null,
    metricsScrapeToken: config.metricsScrapeToken ? '***' : null,
  };
}
