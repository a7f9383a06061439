// The inventory endpoint under bad input, on both databases: malformed, oversized and compressed-bomb
// documents and documents claiming another agent's device are refused with a catalogued 4xx and a counted
// reason, never a 5xx, and never change another asset; the GLPI agent's JSON format is read like the XML;
// and a fast-check fuzz of hostile bodies leaves the reference asset exactly as it was.
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryLimits, inventoryStats } from '../../src/assets/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const catalogued = new Set(Object.keys(errorCatalogue));

function inventoryXml(o: {
  deviceId: string;
  name: string;
  serial?: string;
  mac?: string;
  packages?: number;
}): string {
  const soft = Array.from(
    { length: o.packages ?? 3 },
    (_, i) =>
      `<SOFTWARES><NAME>pkg-${i}</NAME><VERSION>1.${i}</VERSION><PUBLISHER>Debian</PUBLISHER></SOFTWARES>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><CONTENT>
<HARDWARE><NAME>${o.name}</NAME><MEMORY>16000</MEMORY><OSNAME>Debian GNU/Linux 12</OSNAME></HARDWARE>
<BIOS><SSN>${o.serial ?? ''}</SSN><SMANUFACTURER>Dell Inc.</SMANUFACTURER><SMODEL>OptiPlex 7010</SMODEL></BIOS>
<CPUS><NAME>Intel Core i5</NAME><CORE>4</CORE><THREAD>8</THREAD></CPUS>
<STORAGES><NAME>sda</NAME><DISKSIZE>512000</DISKSIZE><TYPE>disk</TYPE></STORAGES>
<MEMORIES><CAPACITY>8192</CAPACITY><TYPE>DDR4</TYPE></MEMORIES><MEMORIES><CAPACITY>8192</CAPACITY><TYPE>DDR4</TYPE></MEMORIES>
<NETWORKS><DESCRIPTION>eth0</DESCRIPTION><MACADDR>${o.mac ?? '52:54:00:12:34:56'}</MACADDR><IPADDRESS>10.0.0.5</IPADDRESS><VIRTUALDEV>0</VIRTUALDEV></NETWORKS>
<OPERATINGSYSTEM><FULL_NAME>Debian GNU/Linux 12 (bookworm)</FULL_NAME><KERNEL_VERSION>6.1.0</KERNEL_VERSION></OPERATINGSYSTEM>
${soft}
</CONTENT><DEVICEID>${o.deviceId}</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>`;
}

describe.each(dialects)('the inventory endpoint on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let tokenA: string;
  let tokenB: string;
  let referenceId: number;
  let reference: string;

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    tokenA = (await manager.call('POST', '/api/v1/inventory/agents', { name: 'Agent A' })).body.token;
    tokenB = (await manager.call('POST', '/api/v1/inventory/agents', { name: 'Agent B' })).body.token;
    const first = await post(
      tokenA,
      inventoryXml({
        deviceId: 'ref-2026-01-01-00-00-00',
        name: 'ref-pc',
        serial: 'REF-SERIAL-1',
        mac: '52:54:00:aa:bb:cc',
      }),
    );
    expect(first.statusCode, first.body).toBe(200);
    const [row] = await t.ctx.db
      .selectFrom('assets')
      .select('id')
      .where('serial', '=', 'REF-SERIAL-1')
      .execute();
    referenceId = row.id;
    reference = await snapshot();
  });
  afterAll(async () => t?.close());

  function post(token: string, body: string | Buffer, type = 'application/xml') {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/fusion',
      headers: {
        authorization: `Basic ${Buffer.from(`agent:${token}`).toString('base64')}`,
        'content-type': type,
      },
      payload: body,
    });
  }

  async function snapshot(): Promise<string> {
    const asset = (await manager.call('GET', `/api/v1/assets/${referenceId}`)).body;
    const software = (await manager.call('GET', `/api/v1/assets/${referenceId}/software`)).body;
    return JSON.stringify({ asset, software });
  }

  function checkRefusal(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      const p = JSON.parse(res.body);
      expect(catalogued.has(p.code), p.code).toBe(true);
    }
  }

  it('answers a PROLOG with SEND and the frequency, and asks an anonymous agent for basic credentials', async () => {
    const prolog = '<?xml version="1.0"?><REQUEST><DEVICEID>x-1</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>';
    const res = await post(tokenA, deflateSync(Buffer.from(prolog)), 'application/x-compress-zlib');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE>');
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/fusion',
      payload: prolog,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="opsdesk inventory"');
    expect(anonymous.json().code).toBe('inventory_agent_unknown');
  });

  it('reads the inventory: memory modules, disks, the MAC, the BIOS serial and model', async () => {
    const asset = (await manager.call('GET', `/api/v1/assets/${referenceId}`)).body;
    expect(asset).toMatchObject({
      name: 'ref-pc',
      serial: 'REF-SERIAL-1',
      manufacturer: 'Dell Inc.',
      model: 'OptiPlex 7010',
      macs: ['52:54:00:aa:bb:cc'],
      softwareCount: 3,
    });
    expect(asset.hardware.memoryModules).toHaveLength(2);
    expect(asset.hardware.disks[0]).toMatchObject({ name: 'sda', sizeMb: 512000 });
  });

  it('refuses malformed XML, an unknown query, a document type and a missing device id, counted by reason', async () => {
    const before = inventoryStats(t.ctx).refused.invalid_inventory ?? 0;
    for (const body of [
      '<REQUEST><DEVICEID>a</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE>',
      '<REQUEST><DEVICEID>a</DEVICEID><QUERY>DELETE</QUERY></REQUEST>',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><REQUEST><DEVICEID>&lol2;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>',
      '<REQUEST><QUERY>INVENTORY</QUERY><CONTENT/></REQUEST>',
      'not xml at all',
      '{"action":"inventory","deviceid":"x"}',
    ]) {
      const res = await post(tokenA, body);
      expect(res.statusCode, body).toBe(400);
      expect(res.json().code).toBe('invalid_inventory');
    }
    expect(inventoryStats(t.ctx).refused.invalid_inventory).toBe(before + 6);
    expect(await snapshot()).toBe(reference);
  });

  it('refuses a body over the limit and a compressed bomb with 413, counted', async () => {
    const bomb = gzipSync(Buffer.alloc(inventoryLimits.documentBytes + 1024, 0x20));
    expect(bomb.length).toBeLessThan(inventoryLimits.bodyBytes);
    const res = await post(tokenA, bomb, 'application/x-compress-gzip');
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('inventory_too_large');
    const big = await post(tokenA, Buffer.alloc(inventoryLimits.bodyBytes + 10, 0x20));
    expect(big.statusCode).toBe(413);
    expect(inventoryStats(t.ctx).refused.inventory_too_large).toBe(2);
  });

  it('another agent claiming the device (by device id, serial or MAC) is refused and the asset stays', async () => {
    for (const claim of [
      { deviceId: 'ref-2026-01-01-00-00-00', name: 'evil-1' },
      { deviceId: 'evil-2026-01-01-00-00-02', name: 'evil-2', serial: 'REF-SERIAL-1' },
      { deviceId: 'evil-2026-01-01-00-00-03', name: 'evil-3', mac: '52-54-00-AA-BB-CC' },
    ]) {
      const res = await post(tokenB, inventoryXml({ ...claim, packages: 0 }));
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('inventory_device_claimed');
    }
    expect(inventoryStats(t.ctx).refused.inventory_device_claimed).toBe(3);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('opsdesk_inventory_refused_total{reason="inventory_device_claimed"} 3');
    expect(metrics.body).toMatch(/opsdesk_inventory_submissions_total\{outcome="created"\} [1-9]/);
    expect(await snapshot()).toBe(reference);
  });

  it('matches a second submission by serial, then by MAC, when the device id changed (the agent was reinstalled)', async () => {
    await post(
      tokenA,
      inventoryXml({
        deviceId: 'm-2026-01-01-00-00-00',
        name: 'm-pc',
        serial: 'M-SERIAL',
        mac: '52:54:00:00:00:77',
      }),
    );
    const count = async () =>
      (await t.ctx.db.selectFrom('assets').select('id').where('name', 'like', 'm-pc%').execute()).length;
    expect(await count()).toBe(1);
    await post(
      tokenA,
      inventoryXml({
        deviceId: 'm-2026-02-02-00-00-00',
        name: 'm-pc',
        serial: 'M-SERIAL',
        mac: '52:54:00:00:00:78',
      }),
    );
    await post(
      tokenA,
      inventoryXml({
        deviceId: 'm-2026-03-03-00-00-00',
        name: 'm-pc-renamed',
        mac: '52:54:00:00:00:78',
        packages: 5,
      }),
    );
    expect(await count()).toBe(1);
    const [row] = await t.ctx.db
      .selectFrom('assets')
      .selectAll()
      .where('name', '=', 'm-pc-renamed')
      .execute();
    expect(row.inventory_device_id).toBe('m-2026-03-03-00-00-00');
    const history = (await manager.call('GET', `/api/v1/assets/${row.id}/history`)).body.items.map(
      (h: { field: string }) => h.field,
    );
    expect(history).toEqual(
      expect.arrayContaining(['inventory.deviceId', 'name', 'software', 'hardware.networkCards']),
    );
  });

  it('reads the GLPI agent’s JSON inventory, compressed, like the XML', async () => {
    const doc = {
      action: 'inventory',
      deviceid: 'json-2026-01-01-00-00-00',
      itemtype: 'Computer',
      content: {
        hardware: { name: 'json-pc', memory: 8192 },
        bios: { ssn: 'JSON-SERIAL' },
        cpus: [{ name: 'AMD Ryzen 5', core: 6 }],
        storages: [{ name: 'nvme0n1', disksize: 256000 }],
        networks: [{ description: 'enp1s0', macaddr: '52:54:00:99:88:77' }],
        operatingsystem: { full_name: 'Ubuntu 24.04 LTS' },
        softwares: [{ name: 'firefox', version: '128.0' }],
      },
    };
    const contact = await post(
      tokenA,
      JSON.stringify({ action: 'contact', deviceid: doc.deviceid }),
      'application/json',
    );
    expect(contact.statusCode).toBe(200);
    expect(contact.json()).toMatchObject({ status: 'ok' });
    const res = await post(
      tokenA,
      deflateSync(Buffer.from(JSON.stringify(doc))),
      'application/x-compress-zlib',
    );
    expect(res.statusCode, res.body).toBe(200);
    const items = (await manager.call('GET', '/api/v1/assets?q=JSON-SERIAL')).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'json-pc',
      macs: ['52:54:00:99:88:77'],
      hardware: { memoryMb: 8192, os: { name: 'Ubuntu 24.04 LTS' } },
    });
  });

  it('hostile bodies never get a 5xx and never change another agent’s asset (fast-check)', async () => {
    const hostileText = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.constantFrom(
        '',
        '<',
        '<REQUEST>',
        '</REQUEST>',
        '<![CDATA[',
        ']]>',
        '&amp;',
        '&#0;',
        '&#x110000;',
        '\u0000',
        '<?xml?>',
        '😀',
        '"\'<>&',
      ),
    );
    const tag = fc.constantFrom(
      'REQUEST',
      'DEVICEID',
      'QUERY',
      'CONTENT',
      'HARDWARE',
      'BIOS',
      'SSN',
      'CPUS',
      'NETWORKS',
      'MACADDR',
      'SOFTWARES',
      'NAME',
      'VERSION',
      'MEMORY',
      'X',
    );
    const element: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        hostileText,
        fc
          .tuple(tag, fc.array(tie('node'), { maxLength: 4 }))
          .map(([t, kids]) => `<${t}>${(kids as string[]).join('')}</${t}>`),
      ),
    })).node as fc.Arbitrary<string>;
    const claimed = fc
      .record({ name: fc.string({ maxLength: 30 }), which: fc.constantFrom('device', 'serial', 'mac') })
      .map(({ name, which }) =>
        inventoryXml({
          deviceId: which === 'device' ? 'ref-2026-01-01-00-00-00' : `fz-${which}`,
          name: name.replace(/[<&]/g, ''),
          serial: which === 'serial' ? 'REF-SERIAL-1' : undefined,
          mac: which === 'mac' ? '52:54:00:AA:BB:CC' : '52:54:00:00:00:01',
          packages: 1,
        }),
      );
    const body = fc.oneof(
      element.map((x) => `<?xml version="1.0"?>${x}`),
      element.map(
        (x) => `<REQUEST><DEVICEID>fz</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT>${x}</CONTENT></REQUEST>`,
      ),
      claimed,
      claimed.chain((xml) => fc.nat({ max: xml.length }).map((n) => xml.slice(0, n))),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .dictionary(fc.constantFrom('action', 'deviceid', 'content', '__proto__'), fc.jsonValue(), {
          maxKeys: 3,
        })
        .map((o) => JSON.stringify(o)),
      fc.constantFrom(
        '<a>'.repeat(5000),
        '{"a":'.repeat(5000),
        `<REQUEST><DEVICEID>${'x'.repeat(300)}</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>`,
      ),
    );
    const encoding = fc.constantFrom('plain', 'zlib', 'gzip', 'garbage-zlib');
    const runs = dialect === 'sqlite' ? 150 : 60;
    await fc.assert(
      fc.asyncProperty(body, encoding, async (text, enc) => {
        const raw = Buffer.from(text);
        const payload =
          enc === 'zlib'
            ? deflateSync(raw)
            : enc === 'gzip'
              ? gzipSync(raw)
              : enc === 'garbage-zlib'
                ? Buffer.concat([Buffer.from([0x78, 0x9c]), raw])
                : raw;
        const res = await post(
          tokenB,
          payload,
          enc === 'plain' ? 'application/xml' : 'application/x-compress-zlib',
        );
        checkRefusal(res);
      }),
      { numRuns: runs },
    );
    expect(await snapshot()).toBe(reference);
  });
});
