// The SNMP probe (net-snmp, v2c and v3): system uptime, IF-MIB interface status and octet counters (64-bit
// ifHC* where the agent has ifXTable, else the 32-bit ifTable ones), chosen OIDs and walks of tables, all as
// metrics. Counters stay counters (snmp_if_*_octets_total): PromQL's rate() makes rates and handles resets.
// One session per run, no retries (the scheduler's retries decide), closed on the deadline.
import snmp from 'net-snmp';
import type { CheckMetric, CheckResult, CheckRunOptions, SnmpCheckSpec } from '../check-model.js';
import { startDeadline } from './probe-deadline.js';

export const snmpOids = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInOctets: '1.3.6.1.2.1.2.2.1.10',
  ifOutOctets: '1.3.6.1.2.1.2.2.1.16',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
} as const;

/** The most values one walk keeps: a walk of a huge table must not turn into a huge number of series. */
export const snmpWalkLimit = 10_000;
const maxRepetitions = 25;

const authProtocols: Record<
  NonNullable<NonNullable<SnmpCheckSpec['user']>['authProtocol']>,
  snmp.AuthProtocols
> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha256: snmp.AuthProtocols.sha256,
  sha512: snmp.AuthProtocols.sha512,
};
const privProtocols: Record<
  NonNullable<NonNullable<SnmpCheckSpec['user']>['privProtocol']>,
  snmp.PrivProtocols
> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

class SnmpFailure extends Error {}

/** A varbind's value as a number, or as text when it is not one (a DisplayString, an OID, an address). */
export function varbindValue(vb: snmp.Varbind): { number: number } | { text: string } | null {
  const T = snmp.ObjectType;
  const v = vb.value as unknown;
  switch (vb.type) {
    case T.Integer:
    case T.Counter:
    case T.Gauge:
    case T.TimeTicks:
      return { number: Number(v) };
    case T.Counter64: {
      // net-snmp hands 64-bit counters as big-endian bytes; above 2^53 a double keeps 15 significant digits.
      if (Buffer.isBuffer(v))
        return { number: Number(v.length === 0 ? 0n : BigInt(`0x${v.toString('hex')}`)) };
      return { number: Number(v) };
    }
    case T.Boolean:
      return { number: v ? 1 : 0 };
    case T.OctetString:
    case T.Opaque: {
      const s = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
      const trimmed = s.trim();
      // Printers and UPSes report figures as strings ("23.5"): take them as numbers.
      if (trimmed !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed))
        return { number: Number(trimmed) };
      return { text: labelText(s) };
    }
    case T.OID:
    case T.IpAddress:
      return { text: String(v) };
    default:
      return null;
  }
}

/** A label value from device text: printable, no NUL padding, at most 256 characters. */
function labelText(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f\uFFFD]/g, '').trim();
  return clean.length > 256 ? clean.slice(0, 256) : clean;
}

function openSession(spec: SnmpCheckSpec, timeoutMs: number): snmp.Session {
  const transport = spec.host.includes(':') ? 'udp6' : 'udp4';
  const common = { port: spec.port ?? 161, retries: 0, timeout: timeoutMs, transport } as const;
  if (spec.version === '2c') {
    return snmp.createSession(spec.host, spec.community ?? '', { ...common, version: snmp.Version2c });
  }
  const u = spec.user;
  if (!u) throw new SnmpFailure('SNMPv3 needs a user');
  const user: snmp.User = { name: u.name, level: snmp.SecurityLevel[u.level] };
  if (u.level !== 'noAuthNoPriv') {
    user.authProtocol = authProtocols[u.authProtocol ?? 'sha'];
    user.authKey = u.authKey ?? '';
  }
  if (u.level === 'authPriv') {
    user.privProtocol = privProtocols[u.privProtocol ?? 'aes'];
    user.privKey = u.privKey ?? '';
  }
  return snmp.createV3Session(spec.host, user, { ...common, version: snmp.Version3 });
}

function get(session: snmp.Session, oids: string[]): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    session.get(oids, (err, varbinds) => (err ? reject(err) : resolve(varbinds ?? [])));
  });
}

/** Every varbind under oid (GetBulk walk), at most snmpWalkLimit. */
function subtree(session: snmp.Session, oid: string): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    const out: snmp.Varbind[] = [];
    session.subtree(
      oid,
      maxRepetitions,
      (varbinds: snmp.Varbind[]) => {
        for (const vb of varbinds) {
          if (snmp.isVarbindError(vb)) continue;
          out.push(vb);
          if (out.length >= snmpWalkLimit) return true;
        }
      },
      (err: Error | null) => (err ? reject(err) : resolve(out)),
    );
  });
}

function suffix(oid: string, base: string): string {
  return oid.startsWith(`${base}.`) ? oid.slice(base.length + 1) : oid;
}

function describeSnmpError(err: unknown, spec: SnmpCheckSpec, timeoutMs: number): string {
  const e = err as Error & { name?: string; code?: number };
  if (e instanceof SnmpFailure) return e.message;
  if (e?.name === 'RequestTimedOutError')
    return spec.version === '2c'
      ? `no SNMP answer within ${timeoutMs} ms (host down, port closed, or wrong community)`
      : `no SNMP answer within ${timeoutMs} ms (host down or port closed)`;
  if (e?.name === 'ResponseInvalidError' && e.code === snmp.ResponseInvalidCode.EAuthFailure)
    return `SNMPv3 authentication refused: ${e.message.replace(/^Wrong Digest.*/, 'wrong digest (auth key or protocol)')}`;
  if (e?.name === 'RequestFailedError') return `SNMP error: ${e.message}`;
  const first = String(e?.message ?? e).split('\n')[0];
  return `SNMP failed: ${first}`;
}

/** Text readings become an info-style series (value 1, the text as a label); an empty text is no label. */
function textLabels(labels: Record<string, string>, text: string): Record<string, string> {
  return text === '' ? labels : { ...labels, value: text };
}

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}

async function readInterfaces(session: snmp.Session, metrics: CheckMetric[]): Promise<string> {
  const [descr, names, oper, hcIn, hcOut, in32, out32] = await Promise.all([
    subtree(session, snmpOids.ifDescr),
    subtree(session, snmpOids.ifName),
    subtree(session, snmpOids.ifOperStatus),
    subtree(session, snmpOids.ifHCInOctets),
    subtree(session, snmpOids.ifHCOutOctets),
    subtree(session, snmpOids.ifInOctets),
    subtree(session, snmpOids.ifOutOctets),
  ]);
  const byIndex = (vbs: snmp.Varbind[], base: string) => {
    const m = new Map<string, snmp.Varbind>();
    for (const vb of vbs) m.set(suffix(vb.oid, base), vb);
    return m;
  };
  const nameOf = byIndex(names, snmpOids.ifName);
  const descrOf = byIndex(descr, snmpOids.ifDescr);
  const hc = { in: byIndex(hcIn, snmpOids.ifHCInOctets), out: byIndex(hcOut, snmpOids.ifHCOutOctets) };
  const c32 = { in: byIndex(in32, snmpOids.ifInOctets), out: byIndex(out32, snmpOids.ifOutOctets) };
  let up = 0;
  const operOf = byIndex(oper, snmpOids.ifOperStatus);
  for (const [ifIndex, vb] of operOf) {
    const label = nameOf.get(ifIndex) ?? descrOf.get(ifIndex);
    const text = label ? varbindValue(label) : null;
    const ifName =
      text === null ? `if${ifIndex}` : 'text' in text ? text.text || `if${ifIndex}` : String(text.number);
    const labels = { ifIndex, ifName };
    const status = varbindValue(vb);
    if (status && 'number' in status) {
      metrics.push({ name: 'snmp_if_oper_status', labels, value: status.number });
      if (status.number === 1) up++;
    }
    for (const dir of ['in', 'out'] as const) {
      const counter = hc[dir].get(ifIndex) ?? c32[dir].get(ifIndex);
      const value = counter ? varbindValue(counter) : null;
      if (value && 'number' in value)
        metrics.push({ name: `snmp_if_${dir}_octets_total`, labels, value: value.number });
    }
  }
  return `${operOf.size} interfaces (${up} up)`;
}

export async function runSnmpCheck(spec: SnmpCheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const deadline = startDeadline(options);
  const metrics: CheckMetric[] = [];
  let session: snmp.Session | null = null;
  const close = () => {
    try {
      session?.close();
    } catch (err) {
      // A session whose socket is already closed throws on close: nothing is left to free.
      void err;
    }
  };
  try {
    // The request's own timeout fires a little before the run's deadline, so its clearer message wins.
    session = openSession(spec, Math.max(50, Math.floor(options.timeoutMs * 0.9)));
    const s = session;
    const sessionFailed = new Promise<never>((_, reject) => {
      // A malformed datagram is emitted as 'error' on the session: without a listener it would crash the process.
      s.on('error', (err: Error) => reject(new SnmpFailure(`SNMP failed: ${err.message}`)));
      const onDeadline = () => reject(new SnmpFailure(deadline.reason()));
      if (deadline.signal.aborted) onDeadline();
      else deadline.signal.addEventListener('abort', onDeadline, { once: true });
    });
    sessionFailed.catch(() => {});
    const parts: string[] = [];
    const work = async () => {
      const wantUptime = spec.uptime ?? !(spec.interfaces || spec.oids?.length || spec.walks?.length);
      const oids = spec.oids ?? [];
      const getOids = [...(wantUptime ? [snmpOids.sysUpTime] : []), ...oids.map((o) => o.oid)];
      if (getOids.length > 0) {
        const varbinds = await get(s, getOids);
        let i = 0;
        if (wantUptime) {
          const vb = varbinds[i++];
          const v = vb && !snmp.isVarbindError(vb) ? varbindValue(vb) : null;
          if (!v || !('number' in v)) throw new SnmpFailure('sysUpTime is not readable');
          // TimeTicks are hundredths of a second.
          metrics.push({ name: 'snmp_sys_uptime_seconds', value: v.number / 100 });
          parts.push(`up ${formatUptime(v.number / 100)}`);
        }
        for (const o of oids) {
          const vb = varbinds[i++];
          if (!vb || snmp.isVarbindError(vb))
            throw new SnmpFailure(`${o.name} (${o.oid}): ${vb ? snmp.varbindError(vb) : 'no value'}`);
          const v = varbindValue(vb);
          if (!v) throw new SnmpFailure(`${o.name} (${o.oid}): unsupported value type ${vb.type}`);
          metrics.push(
            'number' in v
              ? { name: o.name, value: v.number }
              : { name: o.name, labels: textLabels({}, v.text), value: 1 },
          );
        }
        if (oids.length > 0) parts.push(oids.length === 1 ? '1 OID' : `${oids.length} OIDs`);
      }
      if (spec.interfaces) parts.push(await readInterfaces(s, metrics));
      for (const w of spec.walks ?? []) {
        const vbs = await subtree(s, w.oid);
        if (vbs.length === 0) throw new SnmpFailure(`walk ${w.name} (${w.oid}) returned nothing`);
        for (const vb of vbs) {
          const v = varbindValue(vb);
          if (!v) continue;
          const index = suffix(vb.oid, w.oid);
          metrics.push(
            'number' in v
              ? { name: w.name, labels: { index }, value: v.number }
              : { name: w.name, labels: textLabels({ index }, v.text), value: 1 },
          );
        }
        parts.push(`${w.name}: ${vbs.length} values`);
      }
    };
    // After a deadline or a session error the race is decided; closing the session then rejects the requests
    // still out, which nobody awaits any more: they are caught here rather than left unhandled.
    const working = work();
    working.catch(() => {});
    await Promise.race([working, sessionFailed]);
    return { ok: true, latencyMs: deadline.elapsedMs(), message: parts.join('; '), metrics };
  } catch (err) {
    const message = deadline.signal.aborted
      ? deadline.reason()
      : describeSnmpError(err, spec, Math.max(50, Math.floor(options.timeoutMs * 0.9)));
    return { ok: false, latencyMs: deadline.elapsedMs(), message, metrics: [] };
  } finally {
    close();
    deadline.done();
  }
}
