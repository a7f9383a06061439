// A monitored host's hardware and system facts from node_exporter's metrics: the pure mapping (pseudo file systems,
// virtual interfaces and unreadable DMI left out), then a real Debian node_exporter scraped into the metric store on
// both databases.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostFactsFromSamples,
  metricStore,
  monitoredHostFacts,
  scrapeTargetNow,
} from '../../src/monitoring/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { userSession } from '../support/http.js';
import { type NodeExporter, startNodeExporter } from '../support/node-exporter.js';

const sample = (name: string, labels: Record<string, string>, value = 1) => ({
  labels: { __name__: name, instance: 'h:9100', ...labels },
  value,
});

describe('hostFactsFromSamples', () => {
  it('counts CPUs, keeps real disks and cards, and reads OS, kernel and DMI', () => {
    const facts = hostFactsFromSamples([
      sample('node_cpu_seconds_total', { cpu: '0', mode: 'idle' }, 10),
      sample('node_cpu_seconds_total', { cpu: '1', mode: 'idle' }, 10),
      sample('node_cpu_seconds_total', { cpu: '1', mode: 'idle' }, 11),
      sample('node_cpu_info', { cpu: '0', model_name: 'Intel(R) Xeon(R) E-2224' }),
      sample('node_memory_MemTotal_bytes', {}, 16 * 2 ** 30),
      sample('node_filesystem_size_bytes', { mountpoint: '/', device: '/dev/sda1', fstype: 'ext4' }, 5e11),
      sample('node_filesystem_size_bytes', { mountpoint: '/run', device: 'tmpfs', fstype: 'tmpfs' }, 1e9),
      sample('node_filesystem_size_bytes', { mountpoint: '/srv', device: '/dev/sdb1', fstype: 'xfs' }, 2e12),
      sample('node_network_info', { device: 'lo', address: '00:00:00:00:00:00', operstate: 'unknown' }),
      sample('node_network_info', { device: 'eno1', address: 'AA:BB:CC:00:11:22', operstate: 'up' }),
      sample('node_network_info', { device: 'docker0', address: '02:42:ac:11:00:01', operstate: 'down' }),
      sample('node_network_info', { device: 'wg0', address: '', operstate: 'up' }),
      sample('node_uname_info', {
        nodename: 'files-01',
        release: '6.1.0-18-amd64',
        machine: 'x86_64',
        sysname: 'Linux',
      }),
      sample('node_os_info', { name: 'Debian GNU/Linux', version: '12 (bookworm)', id: 'debian' }),
      sample('node_dmi_info', {
        system_vendor: 'Dell Inc.',
        product_name: 'PowerEdge R250',
        product_serial: 'ABC1234',
      }),
    ]);
    expect(facts).toEqual({
      hostname: 'files-01',
      os: {
        name: 'Debian GNU/Linux',
        version: '12 (bookworm)',
        kernel: '6.1.0-18-amd64',
        architecture: 'x86_64',
      },
      cpus: 2,
      cpuModel: 'Intel(R) Xeon(R) E-2224',
      memoryBytes: 16 * 2 ** 30,
      disks: [
        { mountpoint: '/', device: '/dev/sda1', fstype: 'ext4', sizeBytes: 5e11 },
        { mountpoint: '/srv', device: '/dev/sdb1', fstype: 'xfs', sizeBytes: 2e12 },
      ],
      networkCards: [{ device: 'eno1', mac: 'aa:bb:cc:00:11:22', up: true }],
      vendor: 'Dell Inc.',
      model: 'PowerEdge R250',
      serial: 'ABC1234',
    });
  });

  it('answers nothing it was not told, whatever order the samples come in', () => {
    expect(hostFactsFromSamples([])).toMatchObject({
      cpus: null,
      memoryBytes: null,
      os: null,
      disks: [],
      serial: null,
    });
    const kernelLast = hostFactsFromSamples([
      sample('node_os_info', { name: 'Ubuntu', version_id: '24.04' }),
      sample('node_uname_info', { nodename: 'x', release: '6.8', machine: 'aarch64', sysname: 'Linux' }),
      sample('node_dmi_info', { system_vendor: ' ', product_name: '' }),
    ]);
    expect(kernelLast.os).toEqual({
      name: 'Ubuntu',
      version: '24.04',
      kernel: '6.8',
      architecture: 'aarch64',
    });
    expect(kernelLast.vendor).toBeNull();
    expect(kernelLast.model).toBeNull();
  });
});

describe.each(dialects)('a real node_exporter’s host facts on %s', (dialect) => {
  let exporter: NodeExporter;
  let t: TestApp;
  beforeAll(async () => {
    exporter = await startNodeExporter(['cpu', 'meminfo', 'filesystem', 'netclass', 'uname', 'os']);
    t = await makeApp(dialect);
  }, 30_000);
  afterAll(async () => {
    exporter?.stop();
    await t?.close();
  });

  it('reads this machine’s CPUs, memory, root disk, network card and OS under its target', async () => {
    const admin = await userSession(t.app, t.ctx, 'admin');
    const target = await admin.call('POST', '/api/v1/monitoring/targets', {
      name: 'this host',
      kind: 'host',
    });
    const scrape = await admin.call('POST', '/api/v1/monitoring/scrape-targets', {
      url: exporter.url,
      job: 'node',
      targetId: target.body.id,
      enabled: false,
    });
    expect(scrape.status).toBe(201);
    expect(await monitoredHostFacts(t.ctx)).toEqual([]);
    const actor = {
      id: admin.userId,
      email: 'a',
      name: 'a',
      role: 'admin' as const,
      groupIds: [],
      via: 'bearer' as const,
      csrfToken: null,
    };
    expect((await scrapeTargetNow(t.ctx, actor, scrape.body.id, metricStore(t.ctx))).up).toBe(true);
    // Facts stay readable for a day after the last scrape, then the host drops out.
    t.clock.advance(6 * 3_600_000);
    const [host, ...others] = await monitoredHostFacts(t.ctx);
    expect(others).toEqual([]);
    expect(host.target).toEqual({ id: target.body.id, name: 'this host' });
    expect(host.facts.cpus).toBe(os.cpus().length);
    expect(Math.abs((host.facts.memoryBytes ?? 0) - os.totalmem())).toBeLessThan(os.totalmem() * 0.02);
    expect(host.facts.disks.map((d) => d.mountpoint)).toContain('/');
    expect(host.facts.hostname).toBe(os.hostname());
    expect(host.facts.os?.kernel).toBe(os.release());
    const macs = Object.values(os.networkInterfaces())
      .flat()
      .map((i) => i?.mac)
      .filter((m) => m && m !== '00:00:00:00:00:00');
    for (const card of host.facts.networkCards) expect(macs).toContain(card.mac);
    expect(host.facts.networkCards.length).toBeGreaterThan(0);
    t.clock.advance(19 * 3_600_000);
    expect(await monitoredHostFacts(t.ctx)).toEqual([]);
  });
});
