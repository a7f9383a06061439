// The shape of a log record as every ingest path hands it to the log store (syslog over UDP, TCP and TLS; the
// HTTP endpoint), and the sink they hand it to. Severities and facilities are syslog's numbers (RFC 5424 §6.2.1).

/** Syslog severities, 0 (emergency) to 7 (debug): lower is worse. */
export type Severity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const severityNames = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SeverityName = (typeof severityNames)[number];
/** Severity error (3) or worse: what new-pattern alerts and `errors` counts look at. */
export const errorSeverity: Severity = 3;

/** Syslog facilities 0–23 (kern, user, mail, daemon, auth, …, local0–local7). */
export const facilityNames = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

export type LogSource = 'syslog-udp' | 'syslog-tcp' | 'syslog-tls' | 'http';

/** RFC 5424 structured data: SD-ID → its parameters (a repeated parameter keeps its last value). */
export type StructuredData = Record<string, Record<string, string>>;

export interface LogRecordInput {
  /** When it happened: the record's own timestamp, else when it was received (epoch ms). */
  time: number;
  receivedAt: number;
  host: string | null;
  app: string | null;
  procId: string | null;
  msgId: string | null;
  severity: Severity;
  /** 0–23. */
  facility: number;
  message: string;
  structuredData: StructuredData | null;
  source: LogSource;
  /** Where it came from: the sender's address (syslog) or `user:<id>` (HTTP). */
  peer: string | null;
  /** The message was longer than the limit and was cut (the cut part is lost; the flag says so). */
  truncated: boolean;
}

/** Field limits (RFC 5424 §6: HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32); longer values are cut. */
export const logFieldLimits = {
  hostChars: 255,
  appChars: 48,
  procIdChars: 128,
  msgIdChars: 32,
  /** Structured data kept per record, as JSON. */
  structuredDataBytes: 8192,
} as const;

/**
 * Where ingest paths hand records. `append` resolves once the records are stored (an HTTP 2xx and a TCP read
 * wait for it, so nothing acknowledged is lost); it rejects only when they could not be stored.
 */
export interface LogSink {
  append(records: LogRecordInput[]): Promise<void>;
}
