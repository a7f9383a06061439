// The TLS certificate probe: a handshake (never verified by OpenSSL itself, so an untrusted or expired
// certificate still yields its dates), then our judgement: days left of the earliest-expiring certificate in the
// chain against minDaysLeft, and, unless verifyTls is false, the chain's trust and the host name. Metrics:
// tls_cert_expiry_days and, as blackbox_exporter names it, probe_ssl_earliest_cert_expiry (epoch seconds).
import tls, { type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type { CheckMetric, CheckResult, CheckRunOptions, TlsCheckSpec } from '../check-model.js';
import { describeCertificateError, describeNetworkError } from './network-errors.js';
import { startDeadline } from './probe-deadline.js';

const dayMs = 86_400_000;

interface Handshake {
  chain: PeerCertificate[];
  authorizationError: string | null;
  identityError: string | null;
}

function chainOf(leaf: DetailedPeerCertificate): PeerCertificate[] {
  const chain: PeerCertificate[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = leaf;
  while (cur && Object.keys(cur).length > 0 && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    chain.push(cur);
    cur = cur.issuerCertificate;
  }
  return chain;
}

function handshake(spec: TlsCheckSpec, signal: AbortSignal): Promise<Handshake> {
  const servername = spec.servername ?? spec.host;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: spec.host,
      port: spec.port ?? 443,
      // SNI is for names only (RFC 6066 §3).
      servername: /^[\d.]+$|:/.test(servername) ? undefined : servername,
      rejectUnauthorized: false,
    });
    const abort = () => socket.destroy(new Error('aborted'));
    signal.addEventListener('abort', abort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', abort));
    socket.once('secureConnect', () => {
      const leaf = socket.getPeerCertificate(true);
      socket.destroy();
      if (!leaf || Object.keys(leaf).length === 0) {
        reject(new Error('the server sent no certificate'));
        return;
      }
      const authError = socket.authorizationError as unknown as Error | string | null;
      resolve({
        chain: chainOf(leaf),
        authorizationError: authError
          ? describeCertificateError(String((authError as Error).message ?? authError))
          : null,
        identityError: tls.checkServerIdentity(servername, leaf)?.message ?? null,
      });
    });
    socket.on('error', reject);
  });
}

function days(ms: number): string {
  const d = Math.floor(Math.abs(ms) / dayMs);
  return d === 1 ? '1 day' : `${d} days`;
}

export async function runTlsCheck(spec: TlsCheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const deadline = startDeadline(options);
  try {
    const hs = await handshake(spec, deadline.signal);
    const latencyMs = deadline.elapsedMs();
    const now = options.now();
    let earliest = Number.POSITIVE_INFINITY;
    let latestStart = Number.NEGATIVE_INFINITY;
    for (const cert of hs.chain) {
      earliest = Math.min(earliest, Date.parse(cert.valid_to));
      latestStart = Math.max(latestStart, Date.parse(cert.valid_from));
    }
    const leftMs = earliest - now;
    const daysLeft = leftMs / dayMs;
    const metrics: CheckMetric[] = [
      { name: 'tls_cert_expiry_days', value: daysLeft },
      { name: 'probe_ssl_earliest_cert_expiry', value: Math.floor(earliest / 1000) },
    ];
    const until = new Date(earliest).toISOString().slice(0, 10);
    const minDays = spec.minDaysLeft ?? 14;
    const result = (ok: boolean, message: string): CheckResult => ({ ok, latencyMs, message, metrics });
    if (leftMs <= 0) return result(false, `certificate expired ${days(leftMs)} ago (${until})`);
    if (latestStart > now)
      return result(
        false,
        `certificate not valid before ${new Date(latestStart).toISOString().slice(0, 10)}`,
      );
    if (spec.verifyTls ?? true) {
      if (hs.authorizationError) return result(false, `certificate not trusted: ${hs.authorizationError}`);
      if (hs.identityError) return result(false, `certificate does not match: ${hs.identityError}`);
    }
    if (daysLeft < minDays)
      return result(false, `certificate expires in ${days(leftMs)} (${until}), fewer than ${minDays}`);
    return result(true, `certificate valid for ${days(leftMs)} (until ${until})`);
  } catch (err) {
    const message = deadline.signal.aborted ? deadline.reason() : describeNetworkError(err);
    return { ok: false, latencyMs: deadline.elapsedMs(), message, metrics: [] };
  } finally {
    deadline.done();
  }
}
