// Reading what a FusionInventory agent (or its successor, the GLPI agent) submits: the body as it arrives
// (zlib- or gzip-compressed, or plain), decompressed within a bound, parsed as the OCS XML protocol
// (<REQUEST><DEVICEID/><QUERY>PROLOG|INVENTORY</QUERY><CONTENT>…</CONTENT></REQUEST>) or the GLPI agent's
// JSON (action inventory|contact, deviceid, content), into one InventoryDocument. Pure: no database.
// Sections read: HARDWARE, BIOS, CPUS, MEMORIES, STORAGES, DRIVES, NETWORKS, OPERATINGSYSTEM, SOFTWARES;
// everything else (processes, environment, local users) is ignored. Anything we cannot read is Invalid.
import { gunzipSync, inflateSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Invalid, TooLarge } from '../core/errors.js';
import { assetLimits, type HardwareFacts, normaliseMac, normaliseSerial } from './asset-model.js';

export const inventoryLimits = {
  /** The body as sent (compressed or not). */
  bodyBytes: 8 * 1024 * 1024,
  /** What it decompresses to. */
  documentBytes: 32 * 1024 * 1024,
  deviceIdMaxLength: 255,
  /** Text of one field kept (names, versions). */
  fieldMaxLength: 500,
} as const;

export type InventoryFormat = 'xml' | 'json';

export interface InventorySoftware {
  name: string;
  version: string;
  publisher: string;
  installedOn: number | null;
}

export interface InventoryDocument {
  format: InventoryFormat;
  /** PROLOG (XML) or contact (JSON): the agent asks whether to send; INVENTORY: it sends. */
  query: 'prolog' | 'inventory';
  deviceId: string;
  /** For an inventory: the machine's facts. */
  machine?: {
    name: string;
    serial: string | null;
    manufacturer: string;
    model: string;
    hardware: HardwareFacts;
    /** The physical cards' MACs (normalised, no virtual or all-zero ones): what a device is recognised by. */
    macs: string[];
    software: InventorySoftware[];
  };
}

const invalid = (message: string) => new Invalid('invalid_inventory', message, [{ field: '/', message }]);

/** Decompress by magic bytes (the agent names zlib or gzip in Content-Type, but some proxies rewrite it). */
export function decodeInventoryBody(body: Buffer): Buffer {
  if (body.length > inventoryLimits.bodyBytes)
    throw new TooLarge('inventory_too_large', `The inventory exceeds ${inventoryLimits.bodyBytes} bytes.`);
  const options = { maxOutputLength: inventoryLimits.documentBytes };
  const inflate = (f: () => Buffer): Buffer => {
    try {
      return f();
    } catch (e) {
      if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw new TooLarge(
          'inventory_too_large',
          `The inventory decompresses to more than ${inventoryLimits.documentBytes} bytes.`,
        );
      throw invalid('The body looks compressed but does not decompress.');
    }
  };
  // zlib: 0x78 then a check byte making the 16-bit header a multiple of 31; gzip: 1f 8b.
  if (body.length >= 2 && body[0] === 0x78 && ((body[0] << 8) | body[1]) % 31 === 0)
    return inflate(() => inflateSync(body, options));
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b)
    return inflate(() => gunzipSync(body, options));
  if (body.length > inventoryLimits.documentBytes)
    throw new TooLarge(
      'inventory_too_large',
      `The inventory exceeds ${inventoryLimits.documentBytes} bytes.`,
    );
  return body;
}

type Node = Record<string, unknown>;

/** Upper-case every key (XML sections are upper case, the JSON format's lower case): one reader for both. */
function upperKeys(v: unknown, depth = 0): unknown {
  if (depth > 64) throw invalid('The document nests too deeply.');
  if (Array.isArray(v)) return v.map((x) => upperKeys(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Node = Object.create(null);
    for (const [k, x] of Object.entries(v)) out[k.toUpperCase()] = upperKeys(x, depth + 1);
    return out;
  }
  return v;
}

const asList = (v: unknown): Node[] =>
  (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).filter(
    (x): x is Node => x !== null && typeof x === 'object' && !Array.isArray(x),
  );
const asNode = (v: unknown): Node => asList(v)[0] ?? Object.create(null);

function text(n: Node, key: string): string {
  const v = n[key];
  if (typeof v === 'string') return v.trim().slice(0, inventoryLimits.fieldMaxLength);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function num(n: Node, key: string): number | undefined {
  const t = text(n, key);
  if (t === '') return undefined;
  const x = Number(t.replace(/[^\d.]/g, ''));
  return Number.isFinite(x) && x >= 0 && x < 1e15 ? Math.round(x) : undefined;
}

const opt = <T>(v: T | undefined | ''): T | undefined => (v === '' ? undefined : v);

/** SOFTWARES/INSTALLDATE: "2024-05-01", "01/05/2024" (the Windows agent's day first), or nothing. */
function parseInstallDate(t: string): number | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) || null;
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
  if (m) return Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])) || null;
  return null;
}

function readMachine(content: Node): NonNullable<InventoryDocument['machine']> {
  const hw = asNode(content.HARDWARE);
  const bios = asNode(content.BIOS);
  const osNode = asNode(content.OPERATINGSYSTEM);
  const cap = <T>(list: T[]) => list.slice(0, assetLimits.hardwareItemsMax);
  const cpus = cap(asList(content.CPUS)).map((c) => ({
    name: text(c, 'NAME') || text(c, 'TYPE') || 'CPU',
    manufacturer: opt(text(c, 'MANUFACTURER')),
    cores: num(c, 'CORE'),
    threads: num(c, 'THREAD'),
    speedMhz: num(c, 'SPEED'),
  }));
  const memoryModules = cap(asList(content.MEMORIES))
    .map((m) => ({
      capacityMb: num(m, 'CAPACITY') ?? 0,
      type: opt(text(m, 'TYPE')),
      speed: opt(text(m, 'SPEED')),
      slot: opt(text(m, 'NUMSLOTS') || text(m, 'CAPTION')),
      serial: opt(text(m, 'SERIALNUMBER')),
    }))
    .filter((m) => m.capacityMb > 0);
  const disks = cap(asList(content.STORAGES)).map((s) => ({
    name: text(s, 'NAME') || text(s, 'MODEL') || 'disk',
    model: opt(text(s, 'MODEL')),
    manufacturer: opt(text(s, 'MANUFACTURER')),
    sizeMb: num(s, 'DISKSIZE'),
    serial: opt(text(s, 'SERIALNUMBER') || text(s, 'SERIAL')),
    type: opt(text(s, 'TYPE')),
  }));
  const drives = cap(asList(content.DRIVES)).map((d) => ({
    mount: text(d, 'TYPE') || text(d, 'VOLUMN') || text(d, 'LETTER') || '?',
    fileSystem: opt(text(d, 'FILESYSTEM')),
    totalMb: num(d, 'TOTAL'),
    freeMb: num(d, 'FREE'),
  }));
  // One card per interface: the agent lists an interface once per address (IPv4, IPv6).
  const cards = new Map<string, NonNullable<HardwareFacts['networkCards']>[number]>();
  for (const n of cap(asList(content.NETWORKS))) {
    const name = text(n, 'DESCRIPTION') || text(n, 'NAME') || 'interface';
    const mac = normaliseMac(text(n, 'MACADDR')) ?? undefined;
    const ips = [text(n, 'IPADDRESS'), text(n, 'IPADDRESS6')].filter((x) => x !== '');
    const key = `${name}|${mac ?? ''}`;
    const known = cards.get(key);
    if (known) {
      known.ipAddresses = [...new Set([...(known.ipAddresses ?? []), ...ips])];
      continue;
    }
    cards.set(key, {
      name,
      mac,
      ipAddresses: ips,
      virtual: text(n, 'VIRTUALDEV') === '1' || text(n, 'TYPE') === 'loopback',
      type: opt(text(n, 'TYPE')),
      speed: opt(text(n, 'SPEED')),
    });
  }
  const networkCards = [...cards.values()];
  const memoryMb =
    num(hw, 'MEMORY') ??
    (memoryModules.length ? memoryModules.reduce((s, m) => s + m.capacityMb, 0) : undefined);
  const os = {
    name: text(osNode, 'FULL_NAME') || text(hw, 'OSNAME') || text(osNode, 'NAME'),
    version: opt(text(osNode, 'VERSION') || text(hw, 'OSVERSION')),
    kernel: opt(text(osNode, 'KERNEL_VERSION')),
    arch: opt(text(osNode, 'ARCH')),
    fqdn: opt(text(osNode, 'FQDN')),
  };
  const serial = normaliseSerial(text(bios, 'SSN'));
  const hardware: HardwareFacts = {
    ...(cpus.length ? { cpus } : {}),
    ...(memoryMb !== undefined ? { memoryMb } : {}),
    ...(memoryModules.length ? { memoryModules } : {}),
    ...(disks.length ? { disks } : {}),
    ...(drives.length ? { drives } : {}),
    ...(networkCards.length ? { networkCards } : {}),
    ...(os.name ? { os } : {}),
    bios: {
      serial: serial ?? undefined,
      manufacturer: opt(text(bios, 'SMANUFACTURER') || text(bios, 'BMANUFACTURER')),
      model: opt(text(bios, 'SMODEL')),
      version: opt(text(bios, 'BVERSION')),
      date: opt(text(bios, 'BDATE')),
    },
  };
  const seen = new Set<string>();
  const software: InventorySoftware[] = [];
  for (const s of asList(content.SOFTWARES)) {
    const name = text(s, 'NAME');
    if (name === '') continue;
    const version = text(s, 'VERSION');
    const key = `${name}\u0000${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    software.push({
      name,
      version,
      publisher: text(s, 'PUBLISHER'),
      installedOn: parseInstallDate(text(s, 'INSTALLDATE')),
    });
    if (software.length >= assetLimits.softwarePerAsset) break;
  }
  const macs = [...new Set(networkCards.filter((c) => !c.virtual && c.mac).map((c) => c.mac as string))];
  return {
    name: text(hw, 'NAME') || os.fqdn || 'unnamed device',
    serial,
    manufacturer: text(bios, 'SMANUFACTURER') || text(bios, 'MMANUFACTURER'),
    model: text(bios, 'SMODEL') || text(bios, 'MMODEL'),
    hardware,
    macs,
    software,
  };
}

function checkDeviceId(v: unknown): string {
  const id = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
  if (id === '' || id.length > inventoryLimits.deviceIdMaxLength || /[\u0000-\u001f]/.test(id))
    throw invalid(
      `The document has no DEVICEID (1–${inventoryLimits.deviceIdMaxLength} printable characters).`,
    );
  return id;
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: 64,
});

function parseXml(xml: string): InventoryDocument {
  // No document type: an entity declaration is the door to billion-laughs expansion, and agents send none.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid('A document type declaration is not accepted.');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw invalid(`Malformed XML at line ${valid.err.line}: ${valid.err.msg}`.slice(0, 300));
  let parsed: unknown;
  try {
    parsed = xmlParser.parse(xml);
  } catch (e) {
    throw invalid(`Malformed XML: ${(e as Error).message}`.slice(0, 300));
  }
  const request = asNode((upperKeys(parsed) as Node | null)?.REQUEST);
  const query = text(request, 'QUERY').toUpperCase();
  if (query !== 'PROLOG' && query !== 'INVENTORY')
    throw invalid(`QUERY must be PROLOG or INVENTORY (got "${query.slice(0, 40)}").`);
  const deviceId = checkDeviceId(request.DEVICEID);
  if (query === 'PROLOG') return { format: 'xml', query: 'prolog', deviceId };
  const content = request.CONTENT;
  if (content === null || typeof content !== 'object' || Array.isArray(content))
    throw invalid('An INVENTORY has a CONTENT section.');
  return { format: 'xml', query: 'inventory', deviceId, machine: readMachine(content as Node) };
}

function parseJson(json: string): InventoryDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid('Malformed JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalid('The JSON inventory is an object with action, deviceid and content.');
  const doc = upperKeys(parsed) as Node;
  const action = text(doc, 'ACTION').toLowerCase();
  const deviceId = checkDeviceId(doc.DEVICEID);
  if (action === 'contact' || action === 'prolog') return { format: 'json', query: 'prolog', deviceId };
  if (action !== 'inventory')
    throw invalid(`action must be contact or inventory (got "${action.slice(0, 40)}").`);
  const content = doc.CONTENT;
  if (content === null || typeof content !== 'object' || Array.isArray(content))
    throw invalid('An inventory has a content object.');
  return { format: 'json', query: 'inventory', deviceId, machine: readMachine(content as Node) };
}

/** The body (decompressed already) as a document: JSON when it looks like JSON, else XML. */
export function parseInventory(document: Buffer): InventoryDocument {
  const s = document.toString('utf8');
  if (s.includes('\u0000')) throw invalid('The document contains NUL bytes.');
  const start = s.trimStart();
  if (start.startsWith('{')) return parseJson(start);
  if (start.startsWith('<')) return parseXml(start);
  throw invalid('The body is neither XML nor JSON.');
}

/** The answer to a PROLOG: send an inventory, and come back within a day (hours). */
export function prologReply(format: InventoryFormat, frequencyHours = 24): { type: string; body: string } {
  return format === 'json'
    ? {
        type: 'application/json',
        body: JSON.stringify({
          status: 'ok',
          expiration: frequencyHours,
          tasks: { inventory: { server: 'glpi', version: 'opsdesk' } },
        }),
      }
    : {
        type: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<REPLY><PROLOG_FREQ>${frequencyHours}</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n`,
      };
}

/** The answer to an inventory: taken. */
export function inventoryReply(format: InventoryFormat): { type: string; body: string } {
  return format === 'json'
    ? { type: 'application/json', body: JSON.stringify({ status: 'ok' }) }
    : { type: 'application/xml', body: '<?xml version="1.0" encoding="UTF-8"?>\n<REPLY></REPLY>\n' };
}
