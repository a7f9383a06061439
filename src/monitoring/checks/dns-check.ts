// The DNS probe through node:dns's Resolver (c-ares: it asks the server itself rather than the system's
// getaddrinfo, so a record type and a chosen server are honoured). Answers are normalised per type before an
// expected value is compared: addresses canonical, names lower-case without the final dot, TXT chunks joined.
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { CheckResult, CheckRunOptions, DnsCheckSpec } from '../check-model.js';
import { parseServerAddress } from './check-specs.js';
import { startDeadline } from './probe-deadline.js';

type RecordType = DnsCheckSpec['recordType'];

const errorsByCode: Record<string, string> = {
  ENOTFOUND: 'name not found (NXDOMAIN)',
  ENODATA: 'no records of this type',
  ESERVFAIL: 'server failure (SERVFAIL)',
  EREFUSED: 'query refused (REFUSED)',
  ETIMEOUT: 'no answer from the server',
  ECONNREFUSED: 'connection to the server refused',
  EFORMERR: 'the server says the query is malformed',
  EBADRESP: 'malformed answer',
  ECANCELLED: 'cancelled',
};

function name(n: string): string {
  return n.toLowerCase().replace(/\.$/, '');
}

function address(a: string): string {
  try {
    return ipaddr.parse(a).toString();
  } catch {
    return a.trim().toLowerCase();
  }
}

/** One expected value, as the answers of its type are written by answerTexts. */
export function normaliseExpected(type: RecordType, value: string): string {
  const v = value.trim();
  switch (type) {
    case 'A':
    case 'AAAA':
      return address(v);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return name(v);
    case 'MX': {
      const [a, b] = v.split(/\s+/);
      return b === undefined ? name(a as string) : `${Number(a)} ${name(b)}`;
    }
    case 'SRV': {
      const parts = v.split(/\s+/);
      return parts.length === 4
        ? `${parts.slice(0, 3).map(Number).join(' ')} ${name(parts[3] as string)}`
        : name(v);
    }
    case 'SOA':
      return name(v.split(/\s+/)[0] as string);
    case 'CAA': {
      const m = /^(?:(\d+)\s+)?(\w+)\s+"?(.*?)"?$/.exec(v);
      return m ? `${m[2]?.toLowerCase()} ${m[3]}` : v;
    }
    case 'TXT':
      return v;
  }
}

/** Every answer as texts an expectation may equal (MX matches "10 mx.example.org" and "mx.example.org"). */
async function answerTexts(resolver: dns.Resolver, type: RecordType, host: string): Promise<string[][]> {
  switch (type) {
    case 'A':
      return (await resolver.resolve4(host)).map((a) => [address(a)]);
    case 'AAAA':
      return (await resolver.resolve6(host)).map((a) => [address(a)]);
    case 'CNAME':
      return (await resolver.resolveCname(host)).map((n) => [name(n)]);
    case 'NS':
      return (await resolver.resolveNs(host)).map((n) => [name(n)]);
    case 'PTR':
      // An address is looked up in reverse (10.1.2.3 → 3.2.1.10.in-addr.arpa), as dig -x does.
      return (await (isIP(host) ? resolver.reverse(host) : resolver.resolvePtr(host))).map((n) => [name(n)]);
    case 'MX':
      return (await resolver.resolveMx(host)).map((r) => [
        `${r.priority} ${name(r.exchange)}`,
        name(r.exchange),
      ]);
    case 'TXT':
      return (await resolver.resolveTxt(host)).map((chunks) => [chunks.join('')]);
    case 'SRV':
      return (await resolver.resolveSrv(host)).map((r) => [
        `${r.priority} ${r.weight} ${r.port} ${name(r.name)}`,
        name(r.name),
      ]);
    case 'SOA': {
      const soa = await resolver.resolveSoa(host);
      return [[name(soa.nsname), `${name(soa.nsname)} ${name(soa.hostmaster)} ${soa.serial}`]];
    }
    case 'CAA':
      return (await resolver.resolveCaa(host)).map((r) => {
        const tag = Object.keys(r).find((k) => k !== 'critical') ?? 'issue';
        return [`${tag} ${String((r as unknown as Record<string, unknown>)[tag])}`];
      });
  }
}

async function serverAddress(server: string): Promise<string> {
  const parsed = parseServerAddress(server);
  if (!parsed) throw new Error(`invalid server ${server}`);
  let host = parsed.host;
  // setServers takes addresses only: a named server is looked up through the system first.
  if (isIP(host) === 0) host = (await dns.lookup(host)).address;
  return isIP(host) === 6 ? `[${host}]:${parsed.port}` : `${host}:${parsed.port}`;
}

export async function runDnsCheck(spec: DnsCheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const deadline = startDeadline(options);
  // One try per run: the scheduler's retries decide about flakiness, not c-ares's.
  const resolver = new dns.Resolver({ timeout: Math.max(1, options.timeoutMs), tries: 1 });
  const cancel = () => resolver.cancel();
  deadline.signal.addEventListener('abort', cancel, { once: true });
  const fail = (message: string, answers = 0): CheckResult => ({
    ok: false,
    latencyMs: deadline.elapsedMs(),
    message,
    metrics: [{ name: 'probe_dns_answer_rrs', value: answers }],
  });
  try {
    if (spec.server !== undefined) resolver.setServers([await serverAddress(spec.server)]);
    const answers = await answerTexts(resolver, spec.recordType, spec.name);
    const latencyMs = deadline.elapsedMs();
    const metrics = [{ name: 'probe_dns_answer_rrs', value: answers.length }];
    const shown = answers
      .slice(0, 3)
      .map((a) => a[0])
      .join(', ');
    const list = `${shown}${answers.length > 3 ? ` (+${answers.length - 3})` : ''}`;
    if (answers.length === 0) return fail(`no ${spec.recordType} records`);
    if (spec.expect !== undefined) {
      const want = normaliseExpected(spec.recordType, spec.expect);
      if (!answers.some((texts) => texts.includes(want)))
        return {
          ok: false,
          latencyMs,
          message: `${spec.recordType} is ${list}, expected ${spec.expect}`,
          metrics,
        };
    }
    return { ok: true, latencyMs, message: `${spec.recordType} ${list}`, metrics };
  } catch (err) {
    if (deadline.signal.aborted) return fail(deadline.reason());
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') return fail(`no ${spec.recordType} records for ${spec.name}`);
    const why = code !== undefined ? errorsByCode[code] : undefined;
    return fail(why ?? (err as Error).message.split('\n')[0] ?? 'lookup failed');
  } finally {
    deadline.signal.removeEventListener('abort', cancel);
    deadline.done();
  }
}
