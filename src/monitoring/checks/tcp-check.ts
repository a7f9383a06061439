// The TCP probe: connect, and close at once; latency is the time to an established connection (name lookup
// included, as a client would see it).
import net from 'node:net';
import type { CheckResult, CheckRunOptions, TcpCheckSpec } from '../check-model.js';
import { describeNetworkError } from './network-errors.js';
import { startDeadline } from './probe-deadline.js';

export async function runTcpCheck(spec: TcpCheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const deadline = startDeadline(options);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: spec.host, port: spec.port, signal: deadline.signal });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
    });
    return { ok: true, latencyMs: deadline.elapsedMs(), message: `port ${spec.port} open`, metrics: [] };
  } catch (err) {
    const message = deadline.signal.aborted ? deadline.reason() : describeNetworkError(err);
    return {
      ok: false,
      latencyMs: deadline.elapsedMs(),
      message: `port ${spec.port}: ${message}`,
      metrics: [],
    };
  } finally {
    deadline.done();
  }
}
