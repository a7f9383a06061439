// Who a mail is from, decided as real help desks do: the envelope sender and the header From must agree, and a
// sender counts as verified only through a check the admin configured — an MTA they trust (by address, by
// SMTP AUTH, or the IMAP server) that wrote a passing Authentication-Results (RFC 8601), or a relay that
// authenticated with its own credential. Pure functions over the stored mail; inbound.ts applies them.
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { Config } from '../core/config.js';

/** What the channel knew of a mail when it arrived (kept on the inbound row, so a retry judges the same). */
export interface Arrival {
  source: 'smtp' | 'imap';
  envelopeFrom: string | null;
  clientAddress: string | null;
  smtpRelay: string | null;
  /** An admin reviewed the set-aside mail and vouched for its sender. */
  acceptedBy?: number | null;
}

export interface SenderTrust {
  /** The sender passed a configured check: a trusted Authentication-Results pass or an SMTP AUTH relay. */
  verified: boolean;
  /** A trusted Authentication-Results says the sender's domain failed its checks. */
  failed: boolean;
  /** How it was decided, for the inbound log's notes. */
  how: string;
}

type TrustConfig = Pick<Config, 'mailTrustedRelays' | 'mailAuthservIds' | 'smtpRelays'>;

/** The SMTP AUTH relay whose credential this is, or null. Hashes compared in constant time. */
export function relayForCredential(config: TrustConfig, username: string, password: string): string | null {
  const relay = config.smtpRelays.find((r) => r.name === username);
  const digest = createHash('sha256').update(password, 'utf8').digest();
  // Compare against something even for an unknown name, so the answer takes the same time.
  const expected = Buffer.from(relay?.secretSha256 ?? '0'.repeat(64), 'hex');
  return timingSafeEqual(digest, expected) && relay ? relay.name : null;
}

/** Is the SMTP client one of the MTAs whose Authentication-Results the admin trusts? */
export function isTrustedRelayAddress(config: TrustConfig, address: string | null): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return config.mailTrustedRelays.some((range) => {
    const [addr, bits] = range.split('/');
    const net = ipaddr.parse(addr);
    if (net.kind() !== ip.kind()) return false;
    const prefix = bits === undefined ? (net.kind() === 'ipv4' ? 32 : 128) : Number(bits);
    return ip.match(net, prefix);
  });
}

interface AuthResult {
  method: string;
  result: string;
  props: Map<string, string>;
}

/** Parse one Authentication-Results value (RFC 8601 §2.2): authserv-id [version]; method=result props; … */
export function parseAuthenticationResults(value: string): { authservId: string; results: AuthResult[] } {
  // Comments (CFWS) carry no meaning here; quoted strings are unquoted.
  const clean = value.replace(/\([^()]*\)/g, ' ').replace(/"([^"]*)"/g, '$1');
  const [head, ...parts] = clean.split(';');
  const authservId = (head.trim().split(/\s+/)[0] ?? '').toLowerCase();
  const results: AuthResult[] = [];
  for (const part of parts) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const first = /^([a-z0-9_.-]+)(?:\/[0-9]+)?=([a-z]+)$/i.exec(tokens[0] ?? '');
    if (!first) continue;
    const props = new Map<string, string>();
    for (const t of tokens.slice(1)) {
      const m = /^([a-z0-9_-]+\.[a-z0-9_.-]+)=(.+)$/i.exec(t);
      if (m) props.set(m[1].toLowerCase(), m[2].toLowerCase());
    }
    results.push({ method: first[1].toLowerCase(), result: first[2].toLowerCase(), props });
  }
  return { authservId, results };
}

function domainOf(addressOrDomain: string): string {
  return addressOrDomain.slice(addressOrDomain.lastIndexOf('@') + 1).toLowerCase();
}

/** Relaxed alignment (RFC 7489 §3.1): the checked domain is the From domain or one of its parents. */
function aligned(fromDomain: string, checked: string | undefined): boolean {
  if (!checked) return false;
  const d = domainOf(checked);
  return d.length > 0 && (fromDomain === d || fromDomain.endsWith(`.${d}`));
}

/**
 * Decide how far a mail's sender is verified. `authResults` are the Authentication-Results values in header
 * order (the topmost was written last, by the MTA nearest to us).
 */
export function judgeSender(
  config: TrustConfig,
  arrival: Arrival,
  sender: string,
  authResults: string[],
): SenderTrust {
  if (arrival.source === 'smtp' && arrival.smtpRelay)
    return { verified: true, failed: false, how: `SMTP AUTH as relay ${arrival.smtpRelay}` };
  // Over SMTP only a trusted relay's headers count: anyone else can write any header. Over IMAP the mailbox's
  // server accepted the mail; its authserv-id is the one configured (the IMAP server is the trusted MTA).
  const trustedPath =
    arrival.source === 'imap' || isTrustedRelayAddress(config, arrival.clientAddress ?? null);
  if (!trustedPath)
    return {
      verified: false,
      failed: false,
      how: `not from a trusted relay (${arrival.clientAddress ?? '?'})`,
    };
  // RFC 8601 §5: the trusted MTA removes headers that claim its authserv-id, so the first one that names it
  // is its own; others (written by anyone on the way) are ignored.
  const ours = authResults
    .map(parseAuthenticationResults)
    .find((r) => config.mailAuthservIds.includes(r.authservId));
  if (!ours)
    return { verified: false, failed: false, how: 'no Authentication-Results of a trusted authserv-id' };
  const fromDomain = domainOf(sender);
  const pass = ours.results.find(
    (r) =>
      r.result === 'pass' &&
      ((r.method === 'dmarc' && (r.props.get('header.from') ?? fromDomain) === fromDomain) ||
        (r.method === 'dkim' && aligned(fromDomain, r.props.get('header.d') ?? r.props.get('header.i'))) ||
        (r.method === 'spf' && aligned(fromDomain, r.props.get('smtp.mailfrom')))),
  );
  if (pass) return { verified: true, failed: false, how: `${ours.authservId}: ${pass.method}=pass` };
  const fail = ours.results.find((r) => ['dmarc', 'dkim', 'spf'].includes(r.method) && r.result === 'fail');
  return {
    verified: false,
    failed: fail !== undefined,
    how: `${ours.authservId}: ${fail ? `${fail.method}=fail` : 'no aligned pass'}`,
  };
}

/** May an unknown sender from this address get an account from their first mail? */
export function domainAllowed(config: Pick<Config, 'mailAllowedDomains'>, sender: string): boolean {
  const d = domainOf(sender);
  return config.mailAllowedDomains.some((a) => a === '*' || a === d);
}
