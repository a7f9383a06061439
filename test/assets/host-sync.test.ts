// Agent-less inventory on both databases: a real Debian node_exporter is scraped for a monitored host, and
// POST /api/v1/assets/sync-hosts turns the host into an asset with its CPUs, memory, file systems, network cards
// and OS, linked to the target; a second sync updates instead of duplicating; a machine a FusionInventory agent
// already inventoried (same MAC) is merged, its person's fields (name, owner, location, status) kept.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricStore, scrapeTargetNow } from '../../src/monitoring/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { type NodeExporter, startNodeExporter } from '../support/node-exporter.js';

const thisMachinesMacs = Object.values(os.networkInterfaces())
  .flat()
  .map((i) => i?.mac)
  .filter((m): m is string => !!m && m !== '00:00:00:00:00:00');

describe.each(dialects)('assets from node_exporter on %s', (dialect) => {
  let exporter: NodeExporter;
  beforeAll(async () => {
    exporter = await startNodeExporter(['cpu', 'meminfo', 'filesystem', 'netclass', 'uname', 'os']);
  }, 30_000);
  afterAll(() => exporter?.stop());

  async function monitoredHost(t: TestApp, admin: Session, name: string): Promise<number> {
    const target = await admin.call('POST', '/api/v1/monitoring/targets', { name, kind: 'host' });
    const scrape = await admin.call('POST', '/api/v1/monitoring/scrape-targets', {
      url: exporter.url,
      job: 'node',
      targetId: target.body.id,
      enabled: false,
    });
    expect(scrape.status).toBe(201);
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
    return target.body.id;
  }

  it('makes the host an asset with its facts, linked to its target; a second sync updates, not duplicates', async () => {
    const t = await makeApp(dialect);
    try {
      const admin = await userSession(t.app, t.ctx, 'admin');
      const manager = await userSession(t.app, t.ctx, 'manager');
      const tech = await userSession(t.app, t.ctx, 'technician');
      const targetId = await monitoredHost(t, admin, 'db-01');
      expect((await tech.call('POST', '/api/v1/assets/sync-hosts')).status).toBe(403);
      const first = await manager.call('POST', '/api/v1/assets/sync-hosts');
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({ hosts: 1, created: 1, updated: 0, conflicts: 0 });
      const [item] = first.body.items;
      expect(item).toMatchObject({ targetId, targetName: 'db-01', outcome: 'created', matchedBy: null });
      const asset = (await manager.call('GET', `/api/v1/assets/${item.assetId}`)).body;
      expect(asset).toMatchObject({ name: os.hostname(), type: 'server', status: 'in_use' });
      const hw = asset.hardware;
      expect(hw.cpus[0].threads).toBe(os.cpus().length);
      expect(Math.abs(hw.memoryMb * 1_048_576 - os.totalmem())).toBeLessThan(os.totalmem() * 0.02);
      expect(hw.drives.map((d: { mount: string }) => d.mount)).toContain('/');
      expect(hw.networkCards.length).toBeGreaterThan(0);
      for (const card of hw.networkCards) expect(thisMachinesMacs).toContain(card.mac);
      expect(hw.os.kernel).toBe(os.release());
      expect(asset.macs.length).toBeGreaterThan(0);
      const row = await t.ctx.db
        .selectFrom('assets')
        .select(['monitoring_target_id', 'host_facts_at'])
        .where('id', '=', item.assetId)
        .executeTakeFirstOrThrow();
      expect(row.monitoring_target_id).toBe(targetId);
      expect(Number(row.host_facts_at)).toBe(t.clock.now());

      // A person names and places the server; the next sync keeps that and duplicates nothing.
      await manager.call('PATCH', `/api/v1/assets/${item.assetId}`, {
        name: 'DB server 1',
        location: 'Rack A3',
        status: 'in_repair',
      });
      t.clock.advance(60_000);
      const second = await manager.call('POST', '/api/v1/assets/sync-hosts');
      expect(second.body).toMatchObject({ hosts: 1, created: 0, conflicts: 0 });
      expect(second.body.items[0]).toMatchObject({ assetId: item.assetId, matchedBy: 'target' });
      expect(['updated', 'unchanged']).toContain(second.body.items[0].outcome);
      const again = (await manager.call('GET', `/api/v1/assets/${item.assetId}`)).body;
      expect(again).toMatchObject({ name: 'DB server 1', location: 'Rack A3', status: 'in_repair' });
      const count = await t.ctx.db
        .selectFrom('assets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('merges with the asset a FusionInventory agent sent for the same machine (same MAC)', async () => {
    const t = await makeApp(dialect);
    try {
      const admin = await userSession(t.app, t.ctx, 'admin');
      const manager = await userSession(t.app, t.ctx, 'manager');
      const requester = await userSession(t.app, t.ctx, 'requester');
      const token = (await manager.call('POST', '/api/v1/inventory/agents', { name: 'Agent' })).body.token;
      const mac = thisMachinesMacs[0];
      const xml = `<?xml version="1.0" encoding="UTF-8" ?><REQUEST><CONTENT>
<HARDWARE><NAME>ws-from-agent</NAME><MEMORY>16000</MEMORY></HARDWARE>
<BIOS><SMANUFACTURER>Dell Inc.</SMANUFACTURER><SMODEL>OptiPlex 7010</SMODEL></BIOS>
<STORAGES><NAME>sda</NAME><DISKSIZE>512000</DISKSIZE><TYPE>disk</TYPE></STORAGES>
<NETWORKS><DESCRIPTION>eth0</DESCRIPTION><MACADDR>${mac}</MACADDR><IPADDRESS>10.0.0.5</IPADDRESS><VIRTUALDEV>0</VIRTUALDEV></NETWORKS>
</CONTENT><DEVICEID>ws-2026-01-01-00-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>`;
      const sent = await t.app.inject({
        method: 'POST',
        url: '/api/v1/inventory/fusion',
        headers: {
          authorization: `Basic ${Buffer.from(`agent:${token}`).toString('base64')}`,
          'content-type': 'application/xml',
        },
        payload: xml,
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const [fusion] = (await manager.call('GET', `/api/v1/assets?q=${encodeURIComponent(mac)}`)).body.items;
      expect(fusion.name).toBe('ws-from-agent');
      await manager.call('PATCH', `/api/v1/assets/${fusion.id}`, {
        ownerId: requester.userId,
        location: 'Lyon / 2nd floor',
        status: 'in_use',
      });

      const targetId = await monitoredHost(t, admin, 'ws');
      const sync = await admin.call('POST', '/api/v1/assets/sync-hosts');
      expect(sync.status, JSON.stringify(sync.body)).toBe(200);
      expect(sync.body).toMatchObject({ hosts: 1, created: 0, updated: 1 });
      expect(sync.body.items[0]).toMatchObject({ assetId: fusion.id, matchedBy: 'mac', outcome: 'updated' });
      const merged = (await manager.call('GET', `/api/v1/assets/${fusion.id}`)).body;
      expect(merged).toMatchObject({
        name: 'ws-from-agent',
        ownerId: requester.userId,
        location: 'Lyon / 2nd floor',
        status: 'in_use',
        manufacturer: 'Dell Inc.',
      });
      // The agent's physical disk stays; node_exporter's facts join it.
      expect(merged.hardware.disks.map((d: { name: string }) => d.name)).toContain('sda');
      expect(merged.hardware.drives.map((d: { mount: string }) => d.mount)).toContain('/');
      expect(merged.hardware.os.kernel).toBe(os.release());
      expect(merged.hardware.cpus[0].threads).toBe(os.cpus().length);
      const rows = await t.ctx.db.selectFrom('assets').select(['id', 'monitoring_target_id']).execute();
      expect(rows).toEqual([{ id: fusion.id, monitoring_target_id: targetId }]);
      const history = (await manager.call('GET', `/api/v1/assets/${fusion.id}/history`)).body.items;
      expect(history.some((h: { field: string }) => h.field === 'hardware.os')).toBe(true);
    } finally {
      await t.close();
    }
  }, 60_000);
});
