// What a check's spec holds, kind by kind, as the check form edits it. The route declares `spec` loosely in
// OpenAPI ({kind, …}: the server validates it field by field, src/monitoring/checks/check-specs.ts), so the
// generated schema cannot name these fields; they are written out here, after src/monitoring/check-model.ts.
import type { Check } from './monitoring';

export const checkKinds = ['http', 'tcp', 'ping', 'dns', 'tls', 'snmp', 'heartbeat'] as const;
export type CheckKind = (typeof checkKinds)[number];

/** What the server shows in place of a stored secret; sent back unchanged, it keeps the secret. */
export const secretPlaceholder = '********';

export const httpMethods = ['GET', 'HEAD', 'POST'] as const;
export const dnsRecordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'PTR', 'SOA', 'CAA'] as const;
export const snmpSecurityLevels = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
export const snmpAuthProtocols = ['md5', 'sha', 'sha256', 'sha512'] as const;
export const snmpPrivProtocols = ['des', 'aes', 'aes256b', 'aes256r'] as const;

export interface HttpSpec {
  kind: 'http';
  url: string;
  method?: (typeof httpMethods)[number];
  headers?: Record<string, string>;
  body?: string;
  expectStatus?: string[];
  keyword?: string;
  keywordAbsent?: boolean;
  jsonPath?: string;
  jsonEquals?: string;
  maxLatencyMs?: number;
  followRedirects?: boolean;
  maxRedirects?: number;
  verifyTls?: boolean;
}
export interface TcpSpec {
  kind: 'tcp';
  host: string;
  port: number;
}
export interface PingSpec {
  kind: 'ping';
  host: string;
  count?: number;
  maxLossPercent?: number;
}
export interface DnsSpec {
  kind: 'dns';
  name: string;
  recordType: (typeof dnsRecordTypes)[number];
  server?: string;
  expect?: string;
}
export interface TlsSpec {
  kind: 'tls';
  host: string;
  port?: number;
  servername?: string;
  minDaysLeft?: number;
  verifyTls?: boolean;
}
export interface SnmpSpec {
  kind: 'snmp';
  host: string;
  port?: number;
  version: '2c' | '3';
  community?: string;
  user?: {
    name: string;
    level: (typeof snmpSecurityLevels)[number];
    authProtocol?: (typeof snmpAuthProtocols)[number];
    authKey?: string;
    privProtocol?: (typeof snmpPrivProtocols)[number];
    privKey?: string;
  };
  uptime?: boolean;
  interfaces?: boolean;
  oids?: { oid: string; name: string }[];
  walks?: { oid: string; name: string }[];
}
export interface HeartbeatSpec {
  kind: 'heartbeat';
  graceSeconds?: number;
}
export type CheckSpec = HttpSpec | TcpSpec | PingSpec | DnsSpec | TlsSpec | SnmpSpec | HeartbeatSpec;

/** A check's spec, typed by its kind (the API's answer is the server's stored, redacted spec). */
export function specOf(check: Check): CheckSpec {
  return check.spec as unknown as CheckSpec;
}

/** The push URL of a heartbeat check, from the token its creation answered once. */
export function heartbeatUrl(token: string): string {
  return `${window.location.origin}/api/v1/heartbeats/${encodeURIComponent(token)}`;
}
