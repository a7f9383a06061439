// The demo organisation's inventory, as its technicians keep it: a laptop for each of the first requesters (two
// models; the Dell Latitude 5420s keep coming back for repairs, so "models that fail most" has a leader), loaners
// in stock, the servers behind the monitored hosts (each names its monitoring target), printers and the network
// they hang on, licences with seats (one over-assigned, one expiring), some warranties ending next quarter, the
// tickets that name them, repairs from those tickets (a loaner lent and returned) and a replacement requested for
// a stolen laptop. Made through the assets domain at the story's end, as a manager and a technician would.
import {
  addAssetRelation,
  assignLicenceSeat,
  closeRepair,
  createAsset,
  formatDay,
  linkTicketAsset,
  requestReplacement,
  setLicenceTerms,
  startRepair,
} from '../assets/index.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { AssetType } from '../core/db/index.js';

export interface DemoAssetRefs {
  manager: Actor;
  technician: Actor;
  requesters: Actor[];
  now: number;
}

const dayMs = 86_400_000;
const laptopModels = [
  { manufacturer: 'Lenovo', model: 'ThinkPad T14 Gen 3', cost: 129_000 },
  { manufacturer: 'Dell', model: 'Latitude 5420', cost: 109_000 },
] as const;

const mac = (n: number) =>
  `3c:52:82:${[n >> 16, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

export async function installDemoAssets(ctx: ServiceContext, refs: DemoAssetRefs): Promise<void> {
  const { manager, technician, requesters, now } = refs;
  const day = (offsetDays: number) => formatDay(now + offsetDays * dayMs) as string;
  const make = (
    input: Parameters<typeof createAsset>[2] & { name: string; type: AssetType },
  ): Promise<number> => createAsset(ctx, manager, { supplier: 'Bechtle', ...input }).then((a) => a.id);

  // Network first: everything else is connected to it.
  const coreSwitch = await make({
    name: 'sw-core-01',
    type: 'network_device',
    status: 'in_use',
    manufacturer: 'Cisco',
    model: 'Catalyst 9300-48P',
    serial: 'FOC2417X0AB',
    assetTag: 'NET-0001',
    location: 'Head office / server room',
    purchaseDate: day(-4 * 365),
    cost: { amountMinor: 680_000, currency: 'EUR' },
    warrantyEnd: day(60),
    endOfLife: day(400),
  });
  const firewall = await make({
    name: 'fw-01',
    type: 'network_device',
    status: 'in_use',
    manufacturer: 'Fortinet',
    model: 'FortiGate 60F',
    serial: 'FGT60FTK2109A1',
    assetTag: 'NET-0002',
    location: 'Head office / server room',
    purchaseDate: day(-2 * 365),
    cost: { amountMinor: 95_000, currency: 'EUR' },
    warrantyEnd: day(3 * 365),
  });
  await addAssetRelation(ctx, manager, firewall, { kind: 'connected_to', toAssetId: coreSwitch });

  // The servers behind the monitored hosts: each names its monitoring target.
  const targets = await ctx.db.selectFrom('monitoring_targets').select(['id', 'name']).execute();
  const servers = [
    {
      name: 'files-01',
      target: 'files-01',
      model: 'ProLiant DL380 Gen10',
      serial: 'CZ2031ABCD',
      memoryMb: 65_536,
    },
    {
      name: 'printsrv-01',
      target: 'printsrv-01',
      model: 'ProLiant DL20 Gen10',
      serial: 'CZ2044EFGH',
      memoryMb: 16_384,
    },
    {
      name: 'app-01',
      target: 'opsdesk',
      model: 'ProLiant DL360 Gen10',
      serial: 'CZ2112IJKL',
      memoryMb: 32_768,
    },
  ];
  const serverIds = new Map<string, number>();
  for (const [i, s] of servers.entries()) {
    const id = await make({
      name: s.name,
      type: 'server',
      status: 'in_use',
      manufacturer: 'HPE',
      model: s.model,
      serial: s.serial,
      assetTag: `SRV-${String(i + 1).padStart(4, '0')}`,
      location: 'Head office / server room',
      purchaseDate: day(-(3 + i) * 365),
      cost: { amountMinor: 620_000 - i * 150_000, currency: 'EUR' },
      // The file server's warranty ends next quarter: the manager's lifecycle view names it.
      warrantyEnd: day(i === 0 ? 75 : 500),
      hardware: {
        cpus: [{ name: 'Intel Xeon Silver 4210R', cores: 10, threads: 20 }],
        memoryMb: s.memoryMb,
        disks: [{ name: 'sda', model: 'MR416i-a', sizeMb: 1_920_000 }],
        networkCards: [{ name: 'eno1', mac: mac(0x100 + i), ipAddresses: [`10.0.0.${11 + i}`] }],
        os: { name: 'Debian GNU/Linux', version: '12', arch: 'x86_64', fqdn: `${s.name}.corp.example` },
      },
    });
    serverIds.set(s.name, id);
    await addAssetRelation(ctx, manager, id, { kind: 'connected_to', toAssetId: coreSwitch });
    const target = targets.find((t) => t.name === s.target);
    // The monitored host this server is (what host-facts sync fills on its own when node_exporter is scraped).
    if (target)
      await ctx.db
        .updateTable('assets')
        .set({ monitoring_target_id: target.id })
        .where('id', '=', id)
        .execute();
  }

  // Printers on the floors, served by the print server.
  const printers: number[] = [];
  for (const [i, floor] of ['1st floor', '2nd floor', '3rd floor'].entries()) {
    const id = await make({
      name: `prn-${floor.slice(0, 3)}`,
      type: 'printer',
      status: 'in_use',
      manufacturer: 'Brother',
      model: 'HL-L6400DW',
      serial: `E78${i}41K9N${100 + i}`,
      assetTag: `PRN-${String(i + 1).padStart(4, '0')}`,
      location: `Head office / ${floor}`,
      purchaseDate: day(-(2 + i) * 365),
      cost: { amountMinor: 54_000, currency: 'EUR' },
      warrantyEnd: day(i === 2 ? 40 : 300),
      hardware: { networkCards: [{ name: 'eth0', mac: mac(0x200 + i) }] },
    });
    printers.push(id);
    await addAssetRelation(ctx, manager, id, { kind: 'connected_to', toAssetId: coreSwitch });
    const printServer = serverIds.get('printsrv-01');
    if (printServer) await addAssetRelation(ctx, manager, id, { kind: 'depends_on', toAssetId: printServer });
  }

  // A laptop for each of the first requesters, and two loaners in stock.
  const people = requesters.slice(0, 14);
  const laptops = new Map<number, { id: number; model: string }>();
  for (const [i, person] of people.entries()) {
    const m = laptopModels[i % 2];
    const id = await make({
      name: `LT-${String(i + 1).padStart(4, '0')}`,
      type: 'computer',
      status: 'in_use',
      manufacturer: m.manufacturer,
      model: m.model,
      serial: `${m.manufacturer === 'Dell' ? 'DL' : 'PF'}${(48_211 + i * 977).toString(36).toUpperCase()}`,
      assetTag: `LT-${String(i + 1).padStart(4, '0')}`,
      location: 'Head office',
      ownerId: person.id,
      purchaseDate: day(-(400 + i * 40)),
      cost: { amountMinor: m.cost, currency: 'EUR' },
      // Every third laptop's warranty ends next quarter.
      warrantyEnd: day(i % 3 === 0 ? 30 + i * 3 : 300 + i * 20),
      endOfLife: day(4 * 365 - (400 + i * 40)),
      hardware: {
        cpus: [{ name: 'Intel Core i5-1245U', cores: 10, threads: 12 }],
        memoryMb: 16_384,
        disks: [{ name: 'nvme0n1', sizeMb: 512_000 }],
        networkCards: [{ name: 'wlan0', mac: mac(0x1000 + i) }],
        os: { name: 'Windows 11 Pro', version: '23H2' },
      },
    });
    laptops.set(person.id, { id, model: m.model });
  }
  const loaners: number[] = [];
  for (const i of [1, 2])
    loaners.push(
      await make({
        name: `LOAN-${i}`,
        type: 'computer',
        status: 'in_stock',
        manufacturer: 'Lenovo',
        model: 'ThinkPad T14 Gen 3',
        serial: `PFLOAN${i}`,
        assetTag: `LOAN-000${i}`,
        location: 'Head office / service desk',
        purchaseDate: day(-500),
        cost: { amountMinor: 129_000, currency: 'EUR' },
        warrantyEnd: day(700),
      }),
    );
  for (const [i, person] of people.slice(0, 4).entries())
    await make({
      name: `MON-${String(i + 1).padStart(4, '0')}`,
      type: 'monitor',
      status: 'in_use',
      manufacturer: 'Dell',
      model: 'P2723DE',
      assetTag: `MON-${String(i + 1).padStart(4, '0')}`,
      location: 'Head office',
      ownerId: person.id,
      purchaseDate: day(-300),
      cost: { amountMinor: 39_000, currency: 'EUR' },
      warrantyEnd: day(3 * 365 - 300),
    });
  const phone = await make({
    name: 'PH-reception',
    type: 'phone',
    status: 'in_use',
    manufacturer: 'Yealink',
    model: 'T54W',
    assetTag: 'PH-0001',
    location: 'Head office / reception',
    purchaseDate: day(-700),
    cost: { amountMinor: 21_000, currency: 'EUR' },
    warrantyEnd: day(20),
  });
  await addAssetRelation(ctx, manager, phone, { kind: 'connected_to', toAssetId: coreSwitch });

  // Software and licences: seats given to people; Acrobat has more assignments than seats and runs out soon.
  const office = await make({
    name: 'Microsoft 365 Business Standard',
    type: 'licence',
    status: 'in_use',
    manufacturer: 'Microsoft',
    supplier: 'Microsoft',
    purchaseDate: day(-200),
    cost: { amountMinor: 1_476_000, currency: 'EUR' },
  });
  await setLicenceTerms(ctx, manager, office, {
    softwareName: 'Microsoft 365',
    seats: 20,
    expiresOn: day(165),
  });
  for (const person of people) await assignLicenceSeat(ctx, manager, office, { userId: person.id });
  const acrobat = await make({
    name: 'Adobe Acrobat Pro (5 seats)',
    type: 'licence',
    status: 'in_use',
    manufacturer: 'Adobe',
    supplier: 'Adobe',
    purchaseDate: day(-300),
    cost: { amountMinor: 117_000, currency: 'EUR' },
  });
  await setLicenceTerms(ctx, manager, acrobat, {
    softwareName: 'Adobe Acrobat',
    seats: 5,
    expiresOn: day(65),
  });
  for (const person of people.slice(0, 6))
    await assignLicenceSeat(ctx, manager, acrobat, { userId: person.id });
  await make({
    name: 'Veeam Backup & Replication',
    type: 'software',
    status: 'in_use',
    manufacturer: 'Veeam',
    model: '12.1',
    location: 'files-01',
    purchaseDate: day(-400),
    cost: { amountMinor: 240_000, currency: 'EUR' },
  });

  // The tickets that name them: each laptop or printer ticket names its requester's laptop, or a printer.
  const tickets = await ctx.db
    .selectFrom('tickets')
    .select(['id', 'title', 'requester_id'])
    .orderBy('id')
    .execute();
  const dellTickets: { ticketId: number; assetId: number }[] = [];
  let stolen: { ticketId: number; assetId: number } | null = null;
  let printerLinks = 0;
  for (const t of tickets) {
    const title = t.title.toLowerCase();
    const laptop = laptops.get(t.requester_id);
    let assetId: number | null = null;
    if (laptop && /laptop|blue screen|battery|dock|keyboard|coffee/.test(title)) assetId = laptop.id;
    // The printers' own tickets are mostly the print server's (a problem of its own): a few name a printer.
    else if (/print|toner|paper jam|scan/.test(title) && printerLinks++ < 3)
      assetId = printers[printerLinks % printers.length] ?? null;
    if (assetId === null) continue;
    await linkTicketAsset(ctx, technician, t.id, assetId);
    if (laptop && assetId === laptop.id) {
      if (/stolen/.test(title) && !stolen) stolen = { ticketId: t.id, assetId };
      else if (laptop.model === 'Latitude 5420') dellTickets.push({ ticketId: t.id, assetId });
    }
  }
  // The Latitudes' repairs: closed ones with what they cost, the first with a loaner lent and returned.
  for (const [i, d] of dellTickets.slice(0, 4).entries()) {
    const repair = await startRepair(ctx, technician, d.ticketId, d.assetId, {
      kind: i % 2 === 0 ? 'vendor_rma' : 'in_house',
      rmaNumber: i % 2 === 0 ? `DELL-RMA-${7410 + i}` : '',
      loanerAssetId: i === 0 ? loaners[0] : null,
      notes:
        i % 2 === 0
          ? 'Mainboard fault: sent to Dell under warranty.'
          : 'Keyboard and battery replaced on site.',
    });
    if (i < 3)
      await closeRepair(ctx, technician, d.assetId, repair.id, {
        outcome: 'repaired',
        cost: { amountMinor: [14_000, 9_500, 18_500][i] as number, currency: 'EUR' },
      });
  }
  // The stolen laptop: the technician turns its ticket into a replacement request.
  if (stolen)
    await requestReplacement(ctx, technician, stolen.ticketId, stolen.assetId, {
      currency: 'EUR',
      notes: 'Stolen from a car; blocked. Same model or its successor.',
    });
}
