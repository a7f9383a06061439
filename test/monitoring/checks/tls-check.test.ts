// The TLS expiry probe against a real TLS server with a self-signed certificate made by openssl: days left
// measured against the run's clock (so known dates can be tested without waiting for them), the thresholds,
// expired and not-yet-valid certificates, and chain verification on and off.
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckResult, runCheck } from '../../../src/monitoring/index.js';
import { makeSelfSigned, type SelfSigned, type TempDir, tempDir } from './peers.js';

const day = 86_400_000;
let dir: TempDir;
let cert: SelfSigned;
let server: tls.Server;
let port = 0;

beforeAll(async () => {
  dir = tempDir('tls-check');
  cert = makeSelfSigned(dir.path, 400);
  server = tls.createServer({ key: cert.key, cert: cert.cert }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  dir.remove();
});

function tlsCheck(
  at: number,
  extra: { minDaysLeft?: number; verifyTls?: boolean } = {},
): Promise<CheckResult> {
  return runCheck(
    { kind: 'tls', host: '127.0.0.1', port, servername: 'localhost', verifyTls: false, ...extra },
    { timeoutMs: 2000, now: () => at },
  );
}

function metric(r: CheckResult, name: string) {
  return r.metrics.find((m) => m.name === name)?.value;
}

describe('TLS certificate check', () => {
  it('reports days left and the expiry as blackbox_exporter names it', async () => {
    const r = await tlsCheck(cert.notAfter - 100.5 * day);
    expect(r).toMatchObject({
      ok: true,
      message: `certificate valid for 100 days (until ${iso(cert.notAfter)})`,
    });
    expect(metric(r, 'tls_cert_expiry_days')).toBeCloseTo(100.5, 6);
    expect(metric(r, 'probe_ssl_earliest_cert_expiry')).toBe(Math.floor(cert.notAfter / 1000));
  });

  it('is down below minDaysLeft (14 by default)', async () => {
    expect(await tlsCheck(cert.notAfter - 5.5 * day)).toMatchObject({
      ok: false,
      message: `certificate expires in 5 days (${iso(cert.notAfter)}), fewer than 14`,
    });
    expect((await tlsCheck(cert.notAfter - 5.5 * day, { minDaysLeft: 3 })).ok).toBe(true);
    expect((await tlsCheck(cert.notAfter - 20 * day, { minDaysLeft: 30 })).ok).toBe(false);
  });

  it('is down once expired, and before it is valid', async () => {
    const expired = await tlsCheck(cert.notAfter + 2.5 * day);
    expect(expired).toMatchObject({
      ok: false,
      message: `certificate expired 2 days ago (${iso(cert.notAfter)})`,
    });
    expect(metric(expired, 'tls_cert_expiry_days')).toBeCloseTo(-2.5, 6);
    const early = await tlsCheck(cert.notBefore - day);
    expect(early).toMatchObject({
      ok: false,
      message: `certificate not valid before ${iso(cert.notBefore)}`,
    });
  });

  it('is down on an untrusted chain unless told not to verify', async () => {
    const verified = await tlsCheck(Date.now(), { verifyTls: true });
    expect(verified).toMatchObject({
      ok: false,
      message: 'certificate not trusted: self-signed certificate',
    });
    expect(metric(verified, 'tls_cert_expiry_days')).toBeGreaterThan(398);
    expect((await tlsCheck(Date.now(), { verifyTls: false })).ok).toBe(true);
  });

  it('fails plainly when nothing listens or the peer is not TLS', async () => {
    const closed = await runCheck(
      { kind: 'tls', host: '127.0.0.1', port: 1 },
      { timeoutMs: 1000, now: Date.now },
    );
    expect(closed).toMatchObject({ ok: false, message: 'connection refused', metrics: [] });
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
