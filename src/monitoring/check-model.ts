// What a check is and what running one yields, shared by the check runners (checks/), the scheduler and the
// alert rules. A check's spec is stored as JSON on its row; its kind picks the runner.

export const checkKinds = ['http', 'tcp', 'ping', 'dns', 'tls', 'snmp', 'heartbeat'] as const;
export type CheckKind = (typeof checkKinds)[number];

export interface HttpCheckSpec {
  kind: 'http';
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Accepted status codes as ranges, e.g. ['200-299']; default 200–399 after redirects. */
  expectStatus?: string[];
  /** The body must contain this text (or, with keywordAbsent, must not). */
  keyword?: string;
  keywordAbsent?: boolean;
  /** A JSON field (dot path, e.g. "status.db") and the value it must equal, as text. */
  jsonPath?: string;
  jsonEquals?: string;
  /** Slower than this is down (degraded is not a state: a threshold is a threshold). */
  maxLatencyMs?: number;
  followRedirects?: boolean;
  maxRedirects?: number;
  /** Verify the server's certificate (default true). */
  verifyTls?: boolean;
}

export interface TcpCheckSpec {
  kind: 'tcp';
  host: string;
  port: number;
}

export interface PingCheckSpec {
  kind: 'ping';
  host: string;
  /** Echo requests per run (default 3); down when none is answered, or loss above maxLossPercent. */
  count?: number;
  maxLossPercent?: number;
}

export interface DnsCheckSpec {
  kind: 'dns';
  name: string;
  recordType: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SRV' | 'PTR' | 'SOA' | 'CAA';
  /** A resolver "host[:port]" to ask instead of the system's. */
  server?: string;
  /** One of the answers must equal this. */
  expect?: string;
}

export interface TlsCheckSpec {
  kind: 'tls';
  host: string;
  port?: number;
  servername?: string;
  /** Down when the certificate expires in fewer days than this (default 14). */
  minDaysLeft?: number;
  /** Down on an untrusted chain or a name mismatch (default true); false reports days left of any certificate. */
  verifyTls?: boolean;
}

export interface SnmpCheckSpec {
  kind: 'snmp';
  host: string;
  port?: number;
  version: '2c' | '3';
  community?: string;
  /** SNMPv3 user security model. */
  user?: {
    name: string;
    level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
    authProtocol?: 'md5' | 'sha' | 'sha256' | 'sha512';
    authKey?: string;
    privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
    privKey?: string;
  };
  /** What to read: system uptime, every interface's status and traffic counters, chosen OIDs, walks of tables. */
  uptime?: boolean;
  interfaces?: boolean;
  oids?: { oid: string; name: string }[];
  walks?: { oid: string; name: string }[];
}

export interface HeartbeatCheckSpec {
  kind: 'heartbeat';
  /** A beat older than interval + grace is a failure. */
  graceSeconds?: number;
}

export type CheckSpec =
  | HttpCheckSpec
  | TcpCheckSpec
  | PingCheckSpec
  | DnsCheckSpec
  | TlsCheckSpec
  | SnmpCheckSpec
  | HeartbeatCheckSpec;

/** A number a run measured, turned into a sample of the metric store under the check's target labels. */
export interface CheckMetric {
  name: string;
  labels?: Record<string, string>;
  value: number;
}

export interface CheckResult {
  ok: boolean;
  /** Time to the answer (or to the failure), milliseconds. */
  latencyMs: number;
  /** One line for people: "HTTP 503", "connection refused", "certificate expires in 3 days". */
  message: string;
  /** Figures the run measured: interface counters, days left, packet loss… (up and latency are added by the scheduler). */
  metrics: CheckMetric[];
}

/** What a runner may use besides its spec: the deadline and, for SNMP counters as rates, the previous run's figures. */
export interface CheckRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  now: () => number;
}

export type CheckState = 'pending' | 'up' | 'down' | 'paused';
