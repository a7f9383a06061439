// Where a webhook may point: only public internet addresses, unless the admin allows private ones
// (OPSDESK_WEBHOOK_ALLOW_PRIVATE=1). Checked twice — on the URL when a webhook is saved, and on every address a
// host name resolves to at delivery time, through the connection's own lookup so the address checked is the
// one connected to (a name that resolves to a public address when saved and to 127.0.0.1 later gets nowhere).
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The range an address belongs to when it is not a public unicast address (loopback, private, linkLocal —
 * which holds the 169.254.169.254 metadata service —, uniqueLocal — fd00:ec2::254 —, carrierGradeNat —
 * 100.100.100.200 —, unspecified, multicast, reserved, …), or null when it is public. IPv4-mapped and NAT64
 * IPv6 addresses are judged by the IPv4 address they carry; an unparsable address is never public.
 */
export function nonPublicRange(address: string): string | null {
  let bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // ipaddr.js reads any dotted tail as IPv4-mapped (::1.2.3.4 as ::ffff:1.2.3.4); the socket does not. Let
  // WHATWG URL rewrite the tail to hex groups first, as it does for every URL host.
  if (bare.includes(':') && bare.includes('.')) {
    try {
      bare = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    } catch {
      return 'invalid';
    }
  }
  if (!ipaddr.isValid(bare)) return 'invalid';
  let ip = ipaddr.parse(bare);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (v6.range() === 'rfc6052' && v6.match(ipaddr.parse('64:ff9b::') as ipaddr.IPv6, 96)) {
      const parts = v6.parts;
      ip = new ipaddr.IPv4([parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff]);
    } else if (v6.match(ipaddr.parse('::') as ipaddr.IPv6, 96)) {
      // ::a.b.c.d, the deprecated IPv4-compatible form: nothing public lives there.
      return 'ipv4Compatible';
    }
  }
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

/** Why a webhook URL is refused as a target, or null when it may be saved. Host names are checked at delivery. */
export function webhookTargetProblem(url: URL, allowPrivate: boolean): string | null {
  // Credentials in a URL are shown wherever the URL is (lists, audit log): receivers authenticate by signature.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (allowPrivate) return null;
  // WHATWG URL parsing already turned 2852039166, 0xA9FEA9FE and 0251.0376.0251.0376 into 169.254.169.254.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (net.isIP(host) !== 0) {
    const range = nonPublicRange(host);
    if (range !== null)
      return `points at ${host}, a ${describeRange(range)} address, not a public one (OPSDESK_WEBHOOK_ALLOW_PRIVATE=1 allows it)`;
  }
  return null;
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    linkLocal: 'link-local (cloud metadata)',
    uniqueLocal: 'unique-local',
    carrierGradeNat: 'carrier-grade NAT',
    unspecified: 'unspecified',
    broadcast: 'broadcast',
    multicast: 'multicast',
  };
  return names[range] ?? `reserved (${range})`;
}

/** A delivery refused because its host resolved to a non-public address; not retried. */
export class TargetRefused extends Error {
  readonly code = 'OPSDESK_TARGET_REFUSED';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TargetRefused';
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request: resolves the host, refuses it unless every address is public (or private ones
 * are allowed), and hands the checked addresses to the socket, which connects to one of them.
 */
export function checkedLookup(
  allowPrivate: boolean,
  resolve: typeof dns.lookup = dns.lookup,
): (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as dns.LookupAddress[];
      if (list.length === 0)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (!allowPrivate) {
        for (const a of list) {
          const range = nonPublicRange(a.address);
          if (range !== null)
            return callback(
              new TargetRefused(
                `${hostname.slice(0, 100)} resolves to ${a.address}, a ${describeRange(range)} address, not a public one`,
              ),
              [],
            );
        }
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
