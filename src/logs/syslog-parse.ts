// Syslog message parsing: RFC 5424 and RFC 3164 with their real-world variants, into log records.
// GROUNDWORK PLACEHOLDER: the syslog part replaces the body; the signature is the contract.
import type { LogRecordInput } from './log-model.js';

/** A message that could not be read as syslog, with the counted reason. */
export type SyslogRejectReason = 'empty' | 'invalid_pri' | 'invalid_header' | 'not_utf8' | 'binary';

export type SyslogParse =
  | { ok: true; record: Omit<LogRecordInput, 'source' | 'peer'> }
  | { ok: false; reason: SyslogRejectReason };

/**
 * Parse one syslog message (one datagram or one TCP frame, without its framing). `receivedAt` fills a missing
 * time and a missing year (RFC 3164).
 */
export function parseSyslogMessage(_raw: Uint8Array | string, _receivedAt: number): SyslogParse {
  throw new Error('parseSyslogMessage: not built yet (groundwork placeholder)');
}
