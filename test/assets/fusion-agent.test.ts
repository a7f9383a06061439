// The real FusionInventory agent (Debian's fusioninventory-agent) against our endpoint on loopback: the machine
// the test runs on becomes an asset with its CPU, memory, disks, network cards and installed packages, and a
// second run updates that asset rather than adding another. The agent's own --local file is read by our
// parser too, and the agent's credentials are checked (a wrong password gets nothing in).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/assets/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const run = promisify(execFile);

// What the agent need not collect for these tests (each module costs it time): processes, environment,
// accounts, printers, USB and PCI devices, and the like. Software, CPU, memory, storage, network and OS stay.
const skipped = [
  'process',
  'environment',
  'local_user',
  'local_group',
  'user',
  'printer',
  'usb',
  'controller',
  'sound',
  'video',
  'input',
  'port',
  'slot',
  'modem',
  'battery',
  'firewall',
  'licenseinfo',
  'antivirus',
  'virtualmachine',
  'database',
  'remote_mgmt',
  'monitor',
].join(',');

async function agent(args: string[]): Promise<{ stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const out = await run('fusioninventory-agent', ['--tasks=inventory', `--no-category=${skipped}`, ...args], {
    timeout: 120_000,
  });
  return { ...out, ms: Date.now() - started };
}

let localFile: Buffer;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fusion-local-'));
  const r = await agent(['--local', dir]);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ocs') || f.endsWith('.xml'));
  expect(files, r.stderr).toHaveLength(1);
  localFile = fs.readFileSync(path.join(dir, files[0]));
  fs.rmSync(dir, { recursive: true, force: true });
  console.info(`fusioninventory-agent --local took ${r.ms} ms`);
}, 150_000);

describe('the agent’s own inventory file', () => {
  it('parses: device id, CPU, memory, disks, network cards with MACs, OS and the installed packages', () => {
    const doc = parseInventory(localFile);
    expect(doc.query).toBe('inventory');
    expect(doc.deviceId).toMatch(/^\S+-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/);
    const m = doc.machine;
    if (!m) throw new Error('no machine');
    expect(m.name).toBe(os.hostname());
    expect(m.hardware.cpus?.length).toBeGreaterThan(0);
    // The agent reports MiB; the kernel's figure within a few per cent.
    const totalMb = os.totalmem() / 2 ** 20;
    expect(Math.abs((m.hardware.memoryMb ?? 0) - totalMb) / totalMb).toBeLessThan(0.05);
    expect(m.hardware.disks?.length ?? 0).toBeGreaterThan(0);
    const ifaceMacs = Object.values(os.networkInterfaces())
      .flat()
      .map((i) => i?.mac)
      .filter((mac): mac is string => !!mac && mac !== '00:00:00:00:00:00');
    expect(m.hardware.networkCards?.some((n) => n.mac && ifaceMacs.includes(n.mac))).toBe(true);
    expect(m.hardware.os?.name).toMatch(/Debian|Linux/);
    // dpkg's own package is installed wherever the agent runs on Debian.
    expect(m.software.find((s) => s.name === 'dpkg')?.version).toMatch(/^\d/);
    expect(m.software.length).toBeGreaterThan(50);
  });
});

describe.each(dialects)('the agent against our endpoint on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let manager: Session;
  let token: string;

  beforeAll(async () => {
    t = await makeApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    manager = await userSession(t.app, t.ctx, 'manager');
    const made = await manager.call('POST', '/api/v1/inventory/agents', { name: 'Debian fleet' });
    expect(made.status).toBe(201);
    token = made.body.token;
  });
  afterAll(async () => t?.close());

  async function inventoried() {
    return t.ctx.db.selectFrom('assets').selectAll().where('inventory_device_id', 'is not', null).execute();
  }

  it('a wrong password gets nothing in', async () => {
    await agent([
      '--server',
      `${base}/api/v1/inventory/fusion`,
      '--user',
      'agent',
      '--password',
      'odinv_wrong',
    ]).catch(() => undefined);
    expect(await inventoried()).toHaveLength(0);
  }, 150_000);

  it('the machine becomes an asset with its hardware and packages, and a second run updates it', async () => {
    const first = await agent([
      '--server',
      `${base}/api/v1/inventory/fusion`,
      '--user',
      'agent',
      '--password',
      token,
    ]);
    console.info(`fusioninventory-agent --server took ${first.ms} ms`);
    const rows = await inventoried();
    expect(rows, first.stderr).toHaveLength(1);
    const id = rows[0].id;
    const asset = (await manager.call('GET', `/api/v1/assets/${id}`)).body;
    expect(asset).toMatchObject({ name: os.hostname(), type: 'computer', status: 'in_use' });
    expect(asset.inventory.deviceId).toBe(parseInventory(localFile).deviceId);
    expect(asset.hardware.cpus.length).toBeGreaterThan(0);
    expect(asset.hardware.memoryMb).toBeGreaterThan(0);
    expect(asset.hardware.disks.length).toBeGreaterThan(0);
    expect(asset.hardware.networkCards.some((n: { mac?: string }) => n.mac)).toBe(true);
    expect(asset.macs.length).toBeGreaterThan(0);
    expect(asset.softwareCount).toBeGreaterThan(50);
    const dpkg = await manager.call('GET', `/api/v1/assets/${id}/software?q=dpkg`);
    expect(dpkg.body.items.some((s: { name: string }) => s.name === 'dpkg')).toBe(true);
    const firstAt = asset.inventory.at;

    // A person's fields survive the next inventory.
    await manager.call('PATCH', `/api/v1/assets/${id}`, { location: 'Rack 4', ownerId: manager.userId });
    t.clock.advance(60_000);
    await agent([
      '--server',
      `${base}/api/v1/inventory/fusion`,
      '--user',
      'agent',
      '--password',
      token,
      '--force',
    ]);
    const after = await inventoried();
    expect(after.map((r) => r.id)).toEqual([id]);
    const again = (await manager.call('GET', `/api/v1/assets/${id}`)).body;
    expect(again.inventory.at > firstAt).toBe(true);
    expect(again).toMatchObject({ location: 'Rack 4', ownerId: manager.userId });
    expect(again.softwareCount).toBe(asset.softwareCount);
    const agents = (await manager.call('GET', '/api/v1/inventory/agents')).body.items;
    expect(agents[0]).toMatchObject({ name: 'Debian fleet', assetCount: 1 });
    expect(agents[0].lastSeenAt).not.toBeNull();
  }, 300_000);

  it('the --local file posted zlib-compressed, with the token in the path, updates the same asset', async () => {
    const [before] = await inventoried();
    const res = await fetch(`${base}/api/v1/inventory/fusion/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-compress-zlib' },
      body: deflateSync(localFile),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<REPLY>');
    const after = await inventoried();
    expect(after.map((r) => r.id)).toEqual([before.id]);
  });
});
