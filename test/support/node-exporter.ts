// Debian's prometheus-node-exporter on a free loopback port, for tests that scrape a real host.
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export interface NodeExporter {
  url: string;
  stop(): void;
}

/** Starts the exporter with only the named collectors and waits until it answers. */
export async function startNodeExporter(collectors: readonly string[]): Promise<NodeExporter> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus-node-exporter',
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      ...collectors.map((c) => `--collector.${c}`),
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/metrics`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(url).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (up) return { url, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('prometheus-node-exporter did not answer within 10 s');
}
