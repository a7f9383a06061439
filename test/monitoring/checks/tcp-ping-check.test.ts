// The TCP and ping probes against this machine: a port open and then closed, a peer that never answers in
// time, 127.0.0.1 through the system's ping, and ping's summary lines as iputils and BusyBox print them.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { judgePing, parsePingOutput } from '../../../src/monitoring/checks/ping-check.js';
import { runCheck } from '../../../src/monitoring/index.js';
import { freeTcpPort } from './peers.js';

const opts = { timeoutMs: 2000, now: Date.now };

describe('TCP check', () => {
  it('is up while the port is open and down once it is closed', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const open = await runCheck({ kind: 'tcp', host: '127.0.0.1', port }, opts);
    expect(open).toMatchObject({ ok: true, message: `port ${port} open`, metrics: [] });
    expect(open.latencyMs).toBeGreaterThan(0);
    await new Promise((r) => server.close(r));
    const closed = await runCheck({ kind: 'tcp', host: '127.0.0.1', port }, opts);
    expect(closed).toMatchObject({ ok: false, message: `port ${port}: connection refused` });
  });

  it('names an unknown host and honours the timeout and the caller’s signal', async () => {
    const unknown = await runCheck({ kind: 'tcp', host: 'no-such-host.invalid', port: 80 }, opts);
    expect(unknown.ok).toBe(false);
    expect(unknown.message).toMatch(/^port 80: (host not found|name lookup failed temporarily)$/);
    // On loopback a connect is answered at once either way: cancellation is shown with a signal already fired.
    const port = await freeTcpPort();
    const controller = new AbortController();
    controller.abort();
    const cancelled = await runCheck(
      { kind: 'tcp', host: '127.0.0.1', port },
      { ...opts, signal: controller.signal },
    );
    expect(cancelled).toMatchObject({ ok: false, message: 'cancelled' });
  });
});

describe('ping check', () => {
  it('pings 127.0.0.1 and reports rtt and loss as metrics', async () => {
    const r = await runCheck(
      { kind: 'ping', host: '127.0.0.1', count: 2 },
      { timeoutMs: 3000, now: Date.now },
    );
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toMatch(/^2\/2 replies, rtt [\d.]+ ms$/);
    const names = Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
    expect(names.ping_loss_ratio).toBe(0);
    expect(names.ping_rtt_seconds).toBeGreaterThan(0);
    expect(names.ping_rtt_seconds).toBeLessThan(1);
    expect(r.latencyMs).toBeCloseTo((names.ping_rtt_seconds as number) * 1000, 6);
  });

  it('fails with ping’s own words for a host it cannot resolve', async () => {
    const r = await runCheck(
      { kind: 'ping', host: 'no-such-host.invalid', count: 1 },
      { timeoutMs: 3000, now: Date.now },
    );
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^ping failed: no-such-host\.invalid: /);
  });

  it('reads loss and rtt from iputils and BusyBox summaries', () => {
    const iputils = [
      '--- 10.0.0.9 ping statistics ---',
      '4 packets transmitted, 3 received, 25% packet loss, time 3004ms',
      'rtt min/avg/max/mdev = 0.412/0.530/0.701/0.120 ms',
    ].join('\n');
    expect(parsePingOutput(iputils)).toEqual({
      transmitted: 4,
      received: 3,
      lossRatio: 0.25,
      rtt: { min: 0.412, avg: 0.53, max: 0.701 },
    });
    const lost = '3 packets transmitted, 0 received, 100% packet loss, time 2040ms\n';
    expect(parsePingOutput(lost)).toEqual({ transmitted: 3, received: 0, lossRatio: 1, rtt: null });
    const busybox =
      '2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.1/0.2/0.3 ms';
    expect(parsePingOutput(busybox)?.rtt).toEqual({ min: 0.1, avg: 0.2, max: 0.3 });
    expect(parsePingOutput('ping: socket: Operation not permitted')).toBeNull();
  });

  it('is down with no reply, or with loss above the limit', () => {
    const spec = { kind: 'ping' as const, host: '10.0.0.9', count: 4 };
    const partial = { transmitted: 4, received: 3, lossRatio: 0.25, rtt: { min: 0.4, avg: 0.5, max: 0.7 } };
    expect(judgePing(spec, partial)).toMatchObject({
      ok: true,
      latencyMs: 0.5,
      message: '3/4 replies, rtt 0.500 ms',
    });
    expect(judgePing({ ...spec, maxLossPercent: 20 }, partial)).toMatchObject({
      ok: false,
      message: '25% loss, above 20% (3/4 replies, rtt 0.500 ms)',
    });
    expect(judgePing({ ...spec, maxLossPercent: 25 }, partial).ok).toBe(true);
    const none = judgePing(spec, { transmitted: 4, received: 0, lossRatio: 1, rtt: null });
    expect(none).toMatchObject({ ok: false, latencyMs: null, message: 'no reply from 10.0.0.9 (4 sent)' });
    expect(none.metrics).toEqual([{ name: 'ping_loss_ratio', value: 1 }]);
  });
});
