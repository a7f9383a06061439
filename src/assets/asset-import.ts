// Importing assets from CSV (a spreadsheet, a GLPI or another tool's export): a header row names the columns,
// in any order and spelling (asset_tag, Asset Tag, assetTag). Each row is checked alone: a malformed row is
// reported with its line and the reason, and the good rows are kept. A row whose serial number or MAC address
// is an asset already updates that asset (duplicates merged), as does a later row of the same file. Rows are
// written in batches, each one transaction: the batch's existing assets (by serial, MAC, asset tag) and owners
// are read in a few statements, every row is checked and merged in memory, and the new assets, their MACs and
// every history row go in multi-row INSERTs (a 50,000-row file in seconds, not minutes). When a batch fails
// anyway (a concurrent write), its rows are retried one by one, each read from the database, so that one bad
// row costs only itself.
import type { Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { type AssetStatus, type AssetType, chunks, type Database } from '../core/db/index.js';
import { DomainError, Invalid } from '../core/errors.js';
import {
  type AssetInput,
  assetStatuses,
  assetTypes,
  type HardwareFacts,
  normaliseMac,
  normaliseSerial,
  parseDay,
} from './asset-model.js';
import {
  type AssetChange,
  type AssetReferences,
  type AssetRow,
  applyAssetInput,
  assetInputChanges,
  insertAsset,
  newAssetValues,
  requireAssetWrite,
  updateAssetIn,
} from './assets.js';

export const importLimits = {
  rows: 100_000,
  bodyBytes: 32 * 1024 * 1024,
  /** Rows checked and written per transaction. */
  batchRows: 500,
  /** Rows per multi-row INSERT (SQLite caps a statement's parameters at 32,766). */
  insertRows: 200,
  /** Rejections listed in the report (the count is always whole). */
  reportedRejections: 1_000,
} as const;

export interface ImportRejection {
  /** The line of the file (the header is line 1). */
  line: number;
  reason: string;
  fields: { field: string; message: string }[];
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: ImportRejection[];
  createdIds: number[];
  updatedIds: number[];
}

/** RFC 4180: fields separated by the delimiter, quoted with ", "" inside quotes, CRLF or LF line ends. */
export function parseCsv(text: string, delimiter = ','): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      if (c === '\r' && src[i + 1] === '\n') i++;
      line++;
      rowLine = line;
    } else cell += c;
    i++;
  }
  if (quoted)
    throw new Invalid('invalid_asset_import', `Line ${rowLine}: a quoted field is not closed.`, [
      { field: '/', message: 'unclosed quote' },
    ]);
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
  }
  return rows;
}

type Column =
  | 'name'
  | 'type'
  | 'status'
  | 'serial'
  | 'assetTag'
  | 'model'
  | 'manufacturer'
  | 'location'
  | 'owner'
  | 'purchaseDate'
  | 'cost'
  | 'currency'
  | 'supplier'
  | 'warrantyEnd'
  | 'endOfLife'
  | 'notes'
  | 'mac';

const aliases: Record<string, Column> = {
  name: 'name',
  type: 'type',
  itemtype: 'type',
  status: 'status',
  state: 'status',
  serial: 'serial',
  serialnumber: 'serial',
  assettag: 'assetTag',
  tag: 'assetTag',
  inventorynumber: 'assetTag',
  otherserial: 'assetTag',
  model: 'model',
  manufacturer: 'manufacturer',
  location: 'location',
  owner: 'owner',
  user: 'owner',
  owneremail: 'owner',
  purchasedate: 'purchaseDate',
  buydate: 'purchaseDate',
  cost: 'cost',
  value: 'cost',
  price: 'cost',
  currency: 'currency',
  supplier: 'supplier',
  warrantyend: 'warrantyEnd',
  warrantyenddate: 'warrantyEnd',
  endoflife: 'endOfLife',
  eol: 'endOfLife',
  notes: 'notes',
  comment: 'notes',
  comments: 'notes',
  mac: 'mac',
  macaddress: 'mac',
  macs: 'mac',
};

/** GLPI's and people's words for types and states. */
const typeWords: Record<string, AssetType> = {
  computer: 'computer',
  laptop: 'computer',
  desktop: 'computer',
  workstation: 'computer',
  server: 'server',
  networkdevice: 'network_device',
  networkequipment: 'network_device',
  switch: 'network_device',
  router: 'network_device',
  printer: 'printer',
  phone: 'phone',
  peripheral: 'peripheral',
  monitor: 'monitor',
  software: 'software',
  licence: 'licence',
  license: 'licence',
};
const statusWords: Record<string, AssetStatus> = {
  instock: 'in_stock',
  stock: 'in_stock',
  inuse: 'in_use',
  used: 'in_use',
  active: 'in_use',
  inrepair: 'in_repair',
  repair: 'in_repair',
  retired: 'retired',
  disposed: 'retired',
};
const word = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '');

export interface ParsedRow {
  line: number;
  input: AssetInput & { name: string; type: AssetType };
  serial: string | null;
  macs: string[];
  ownerEmail: string | null;
}

/** A row refused: the field at fault and why (the report says "field: reason" with the row's line). */
export class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** "1 299,00" / "1299.00" / "1299" → minor units (two decimals). */
export function parseAmount(s: string): number {
  const t = s.replace(/\s/g, '');
  const m = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) throw new RowError('cost', `"${s.slice(0, 40)}" is not an amount such as 1299.00`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

function parseRow(line: number, header: (Column | null)[], cells: string[]): ParsedRow {
  const v: Partial<Record<Column, string>> = {};
  header.forEach((col, i) => {
    if (col && cells[i] !== undefined) v[col] = cells[i].trim();
  });
  if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== ''))
    throw new RowError('row', `has ${cells.length} fields, the header ${header.length}`);
  const name = v.name ?? '';
  if (name === '') throw new RowError('name', 'is empty');
  let type: AssetType = 'computer';
  if (v.type) {
    const t =
      typeWords[word(v.type)] ??
      (assetTypes.includes(v.type as AssetType) ? (v.type as AssetType) : undefined);
    if (!t) throw new RowError('type', `"${v.type.slice(0, 40)}" is not one of ${assetTypes.join(', ')}`);
    type = t;
  }
  let status: AssetStatus | undefined;
  if (v.status) {
    status =
      statusWords[word(v.status)] ??
      (assetStatuses.includes(v.status as AssetStatus) ? (v.status as AssetStatus) : undefined);
    if (!status)
      throw new RowError('status', `"${v.status.slice(0, 40)}" is not one of ${assetStatuses.join(', ')}`);
  }
  const day = (col: 'purchaseDate' | 'warrantyEnd' | 'endOfLife') => {
    const s = v[col];
    if (!s) return undefined;
    try {
      parseDay(`/${col}`, s);
    } catch {
      throw new RowError(col, `"${s.slice(0, 40)}" is not a date YYYY-MM-DD`);
    }
    return s;
  };
  let cost: AssetInput['cost'];
  if (v.cost) {
    const currency = (v.currency ?? '').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency))
      throw new RowError('currency', 'a cost needs an ISO 4217 currency such as EUR');
    cost = { amountMinor: parseAmount(v.cost), currency };
  }
  const macs: string[] = [];
  for (const part of (v.mac ?? '').split(/[;|\s]+/).filter(Boolean)) {
    const mac = normaliseMac(part);
    if (!mac) throw new RowError('mac', `"${part.slice(0, 40)}" is not a MAC address`);
    macs.push(mac);
  }
  const serial = normaliseSerial(v.serial);
  let ownerEmail: string | null = null;
  let ownerId: number | undefined;
  if (v.owner) {
    if (/^\d{1,9}$/.test(v.owner)) ownerId = Number(v.owner);
    else if (v.owner.includes('@')) ownerEmail = v.owner.toLowerCase();
    else throw new RowError('owner', 'is a user id or an email address');
  }
  const hardware: HardwareFacts | undefined = macs.length
    ? { networkCards: macs.map((mac, i) => ({ name: `nic${i}`, mac })) }
    : undefined;
  const input: ParsedRow['input'] = {
    name,
    type,
    ...(status ? { status } : {}),
    ...(serial ? { serial } : {}),
    ...(v.assetTag ? { assetTag: v.assetTag } : {}),
    ...(v.model ? { model: v.model } : {}),
    ...(v.manufacturer ? { manufacturer: v.manufacturer } : {}),
    ...(v.location ? { location: v.location } : {}),
    ...(v.supplier ? { supplier: v.supplier } : {}),
    ...(v.notes ? { notes: v.notes } : {}),
    ...(ownerId !== undefined ? { ownerId } : {}),
    ...(day('purchaseDate') ? { purchaseDate: day('purchaseDate') } : {}),
    ...(day('warrantyEnd') ? { warrantyEnd: day('warrantyEnd') } : {}),
    ...(day('endOfLife') ? { endOfLife: day('endOfLife') } : {}),
    ...(cost ? { cost } : {}),
    ...(hardware ? { hardware } : {}),
  };
  return { line, input, serial, macs, ownerEmail };
}

/** An asset as the import holds it: its row now, its MACs, and the row as last written (null: not yet). */
interface HeldAsset {
  row: AssetRow;
  macs: Set<string>;
  written: AssetRow | null;
  macsChanged: boolean;
}

type HeldOutcome = { kind: 'created' | 'updated' | 'unchanged'; asset: HeldAsset };

/** MACs as syncMacs keeps them: the network cards' addresses, normalised, once each. */
function macsOfHardware(hardware: HardwareFacts | null | undefined): Set<string> {
  const macs = new Set<string>();
  for (const n of hardware?.networkCards ?? []) {
    const m = n.mac ? normaliseMac(n.mac) : null;
    if (m) macs.add(m);
  }
  return macs;
}

/**
 * The import's view of the assets its rows name: every asset with a serial, MAC or asset tag of a row read so
 * far, as the database holds it plus the rows merged in memory, indexed by those keys. A row finds the asset it
 * merges into here, as the one-row path finds it in the database (the lowest id with the serial, else with one
 * of the MACs); new assets carry a stand-in id above any real one until their INSERT gives them theirs.
 */
class ImportBatch {
  private readonly assets = new Map<number, HeldAsset>();
  private readonly bySerial = new Map<string, Set<number>>();
  private readonly byMac = new Map<string, Set<number>>();
  private readonly byTag = new Map<string, Set<number>>();
  private readonly loaded = { serial: new Set<string>(), mac: new Set<string>(), tag: new Set<string>() };
  private readonly activeUsers = new Map<number, boolean>();
  private nextStandIn = Number.MAX_SAFE_INTEGER - 2 * importLimits.rows;
  private created: HeldAsset[] = [];
  /** Assets already written that rows of this batch changed. */
  private changed = new Set<HeldAsset>();
  private history: { asset: HeldAsset; changes: AssetChange[] }[] = [];

  constructor(
    private readonly actorId: number,
    private readonly now: number,
    private readonly owners: Map<string, number>,
  ) {}

  private index(map: Map<string, Set<number>>, key: string | null, id: number, add: boolean): void {
    if (key === null) return;
    let ids = map.get(key);
    if (!ids) {
      if (!add) return;
      ids = new Set();
      map.set(key, ids);
    }
    if (add) ids.add(id);
    else ids.delete(id);
  }

  private indexAsset(a: HeldAsset, add: boolean): void {
    this.index(this.bySerial, a.row.serial, a.row.id, add);
    this.index(this.byTag, a.row.asset_tag, a.row.id, add);
    for (const mac of a.macs) this.index(this.byMac, mac, a.row.id, add);
  }

  private lowest(map: Map<string, Set<number>>, key: string): HeldAsset | undefined {
    let best: number | undefined;
    for (const id of map.get(key) ?? []) if (best === undefined || id < best) best = id;
    return best === undefined ? undefined : this.assets.get(best);
  }

  /** Read, in the batch's transaction, the assets and owners its rows name that are not held yet. */
  async load(trx: Transaction<Database>, rows: ParsedRow[]): Promise<void> {
    const fresh = (seen: Set<string>, keys: (string | null | undefined)[]) => {
      const out = new Set<string>();
      for (const k of keys) if (k && !seen.has(k)) out.add(k);
      for (const k of out) seen.add(k);
      return [...out];
    };
    const serials = fresh(
      this.loaded.serial,
      rows.map((r) => r.serial),
    );
    const macs = fresh(
      this.loaded.mac,
      rows.flatMap((r) => r.macs),
    );
    const tags = fresh(
      this.loaded.tag,
      rows.map((r) => r.input.assetTag?.trim()),
    );
    const found: AssetRow[] = [];
    for (const part of chunks(serials, 500))
      found.push(...(await trx.selectFrom('assets').selectAll().where('serial', 'in', part).execute()));
    for (const part of chunks(tags, 500))
      found.push(...(await trx.selectFrom('assets').selectAll().where('asset_tag', 'in', part).execute()));
    for (const part of chunks(macs, 500))
      found.push(
        ...(await trx
          .selectFrom('assets')
          .selectAll()
          .where('id', 'in', (eb) => eb.selectFrom('asset_macs').select('asset_id').where('mac', 'in', part))
          .execute()),
      );
    const newRows = new Map<number, AssetRow>();
    for (const r of found) if (!this.assets.has(r.id)) newRows.set(r.id, r);
    const newIds = [...newRows.keys()];
    const macsOf = new Map<number, Set<string>>(newIds.map((id) => [id, new Set()]));
    for (const part of chunks(newIds, 500))
      for (const m of await trx
        .selectFrom('asset_macs')
        .select(['asset_id', 'mac'])
        .where('asset_id', 'in', part)
        .execute())
        macsOf.get(m.asset_id)?.add(m.mac);
    for (const [id, r] of newRows) {
      const { search_vector: _, ...row } = r as AssetRow & { search_vector?: unknown };
      const held: HeldAsset = {
        row: { ...row },
        macs: macsOf.get(id) ?? new Set(),
        written: { ...row },
        macsChanged: false,
      };
      this.assets.set(id, held);
      this.indexAsset(held, true);
    }
    const userIds = new Set<number>();
    for (const r of rows) {
      const id = r.ownerEmail ? this.owners.get(r.ownerEmail) : r.input.ownerId;
      if (typeof id === 'number' && !this.activeUsers.has(id)) userIds.add(id);
    }
    for (const part of chunks([...userIds], 500)) {
      const users = await trx.selectFrom('users').select(['id', 'active']).where('id', 'in', part).execute();
      for (const u of users) this.activeUsers.set(u.id, u.active === 1);
    }
    for (const id of userIds) if (!this.activeUsers.has(id)) this.activeUsers.set(id, false);
  }

  private readonly refs: AssetReferences = {
    tagCarrier: (tag) => this.lowest(this.byTag, tag)?.row.id,
    activeUser: (id) => this.activeUsers.get(id) === true,
  };

  /** One row checked and merged in memory (throws RowError or a DomainError, changing nothing, when refused). */
  apply(p: ParsedRow): HeldOutcome {
    const input = { ...p.input };
    if (p.ownerEmail) {
      const id = this.owners.get(p.ownerEmail);
      if (id === undefined) throw new RowError('owner', `no user ${p.ownerEmail}`);
      input.ownerId = id;
    }
    let existing = p.serial ? this.lowest(this.bySerial, p.serial) : undefined;
    if (!existing)
      for (const mac of p.macs) {
        const a = this.lowest(this.byMac, mac);
        if (a && (!existing || a.row.id < existing.row.id)) existing = a;
      }
    if (existing) {
      // A merge never takes MACs away: the row's join the asset's.
      if (input.hardware && existing.row.hardware) {
        const had = JSON.parse(existing.row.hardware) as HardwareFacts;
        const known = new Set((had.networkCards ?? []).map((n) => n.mac));
        input.hardware = {
          ...had,
          networkCards: [
            ...(had.networkCards ?? []),
            ...(input.hardware.networkCards ?? []).filter((n) => !known.has(n.mac)),
          ],
        };
      }
      const { set, changes } = assetInputChanges(existing.row, input, this.refs);
      if (changes.length === 0) return { kind: 'unchanged', asset: existing };
      this.indexAsset(existing, false);
      Object.assign(existing.row, set, { updated_at: this.now });
      if (set.hardware !== undefined) {
        existing.macs = macsOfHardware(
          set.hardware === null ? null : (JSON.parse(set.hardware) as HardwareFacts),
        );
        existing.macsChanged = true;
      }
      this.indexAsset(existing, true);
      if (existing.written !== null) this.changed.add(existing);
      this.history.push({ asset: existing, changes });
      return { kind: 'updated', asset: existing };
    }
    const { set } = assetInputChanges(null, input, this.refs);
    const held: HeldAsset = {
      row: { id: this.nextStandIn++, ...newAssetValues(set, input.type, this.actorId, this.now) },
      macs: input.hardware ? macsOfHardware(input.hardware) : new Set(),
      written: null,
      macsChanged: false,
    };
    this.assets.set(held.row.id, held);
    this.indexAsset(held, true);
    this.created.push(held);
    this.history.push({ asset: held, changes: [{ field: 'created', from: null, to: set.name ?? null }] });
    return { kind: 'created', asset: held };
  }

  /** Write what the batch's rows changed, in the batch's transaction: multi-row INSERTs, one UPDATE per asset. */
  async write(trx: Transaction<Database>): Promise<void> {
    const created = this.created;
    for (const part of chunks(created, importLimits.insertRows)) {
      const ids = await trx
        .insertInto('assets')
        .values(part.map(({ row: { id: _, ...values } }) => values))
        .returning(['id', 'name'])
        .execute();
      // Both engines return a multi-row INSERT's rows in the order of its VALUES; checked, not assumed.
      if (ids.length !== part.length || ids.some((r, i) => r.name !== part[i]?.row.name))
        throw new Error('asset import: the INSERT returned its rows out of order');
      part.forEach((held, i) => {
        this.indexAsset(held, false);
        this.assets.delete(held.row.id);
        held.row.id = Number(ids[i]?.id);
        this.assets.set(held.row.id, held);
        this.indexAsset(held, true);
      });
    }
    const macRows = created.flatMap((a) => [...a.macs].map((mac) => ({ asset_id: a.row.id, mac })));
    for (const a of this.changed) {
      if (a.written === null) continue;
      const set: Partial<AssetRow> = {};
      for (const key of Object.keys(a.row) as (keyof AssetRow)[])
        if (a.row[key] !== a.written[key]) (set as Record<string, unknown>)[key] = a.row[key];
      if (Object.keys(set).length > 0)
        await trx.updateTable('assets').set(set).where('id', '=', a.row.id).execute();
      if (a.macsChanged) {
        await trx.deleteFrom('asset_macs').where('asset_id', '=', a.row.id).execute();
        for (const mac of a.macs) macRows.push({ asset_id: a.row.id, mac });
      }
    }
    for (const part of chunks(macRows, 1000)) await trx.insertInto('asset_macs').values(part).execute();
    const historyRows = this.history.flatMap(({ asset, changes }) =>
      changes.map((c) => ({
        asset_id: asset.row.id,
        actor_id: this.actorId,
        at: this.now,
        field: c.field,
        from_value: c.from,
        to_value: c.to,
      })),
    );
    for (const part of chunks(historyRows, 1000))
      await trx.insertInto('asset_history').values(part).execute();
  }

  /** After the batch's COMMIT: what was written is what the database holds. */
  committed(): void {
    for (const a of [...this.created, ...this.changed]) {
      a.written = { ...a.row };
      a.macsChanged = false;
    }
    this.created = [];
    this.changed = new Set();
    this.history = [];
  }
}

/** A CSV text read and checked row by row, before anything is written: what importAssetsCsv writes. */
export interface ReadAssetsCsv {
  rowCount: number;
  parsed: ParsedRow[];
  refused: ImportRejection[];
}

/** Read a CSV text (pure: no database); throws Invalid for a file that cannot be imported at all. */
export function readAssetsCsv(csv: string): ReadAssetsCsv {
  const firstLine = csv.slice(0, csv.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = parseCsv(csv, delimiter);
  if (rows.length === 0)
    throw new Invalid('invalid_asset_import', 'The file is empty: a header row and data rows are expected.', [
      { field: '/', message: 'empty' },
    ]);
  if (rows.length - 1 > importLimits.rows)
    throw new Invalid('invalid_asset_import', `At most ${importLimits.rows} rows per import.`, [
      { field: '/', message: 'too many rows' },
    ]);
  const header = rows[0].cells.map((h) => aliases[word(h)] ?? null);
  if (!header.includes('name'))
    throw new Invalid('invalid_asset_import', 'The header row must name a "name" column.', [
      { field: '/', message: 'no name column' },
    ]);
  const parsed: ParsedRow[] = [];
  const refused: ImportRejection[] = [];
  for (const r of rows.slice(1)) {
    try {
      parsed.push(parseRow(r.line, header, r.cells));
    } catch (e) {
      if (e instanceof RowError)
        refused.push({
          line: r.line,
          reason: `${e.field}: ${e.message}`,
          fields: [{ field: e.field, message: e.message }],
        });
      else throw e;
    }
  }
  return { rowCount: rows.length - 1, parsed, refused };
}

/** Import a CSV text; the report names every rejected row (up to importLimits.reportedRejections). */
export async function importAssetsCsv(ctx: ServiceContext, actor: Actor, csv: string): Promise<ImportReport> {
  requireAssetWrite(actor);
  const { rowCount, parsed, refused } = readAssetsCsv(csv);
  return importParsedRows(ctx, actor, rowCount, parsed, refused);
}

/**
 * The write half every import format shares (CSV, GLPI's export): rows already parsed, and those refused while
 * parsing; each good row creates an asset or updates the one with its serial or MAC, in batches.
 */
export async function importParsedRows(
  ctx: ServiceContext,
  actor: Actor,
  rowCount: number,
  parsed: ParsedRow[],
  refused: ImportRejection[],
): Promise<ImportReport> {
  requireAssetWrite(actor);
  const report: ImportReport = {
    rows: rowCount,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
    createdIds: [],
    updatedIds: [],
  };
  const reject = (line: number, field: string, reason: string) => {
    report.rejected++;
    if (report.rejections.length < importLimits.reportedRejections)
      report.rejections.push({ line, reason: `${field}: ${reason}`, fields: [{ field, message: reason }] });
  };
  for (const r of refused) reject(r.line, r.fields[0]?.field ?? 'row', r.fields[0]?.message ?? r.reason);
  // Owners named by email: one read.
  const emails = [...new Set(parsed.flatMap((p) => (p.ownerEmail ? [p.ownerEmail] : [])))];
  const owners = new Map<string, number>();
  for (let i = 0; i < emails.length; i += 500) {
    const users = await ctx.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('email', 'in', emails.slice(i, i + 500))
      .execute();
    for (const u of users) owners.set(u.email.toLowerCase(), u.id);
  }
  const now = ctx.clock.now();
  type Outcome = { kind: 'created' | 'updated' | 'unchanged'; id: number };
  const writeRow = async (trx: Transaction<Database>, p: ParsedRow): Promise<Outcome> => {
    const input = { ...p.input };
    if (p.ownerEmail) {
      const id = owners.get(p.ownerEmail);
      if (id === undefined) throw new RowError('owner', `no user ${p.ownerEmail}`);
      input.ownerId = id;
    }
    let existing: AssetRow | undefined;
    if (p.serial)
      existing = await trx
        .selectFrom('assets')
        .selectAll()
        .where('serial', '=', p.serial)
        .orderBy('id')
        .executeTakeFirst();
    if (!existing && p.macs.length > 0)
      existing = await trx
        .selectFrom('assets')
        .selectAll()
        .where('id', 'in', (eb) => eb.selectFrom('asset_macs').select('asset_id').where('mac', 'in', p.macs))
        .orderBy('id')
        .executeTakeFirst();
    if (existing) {
      // A merge never takes MACs away: the row's join the asset's.
      if (input.hardware && existing.hardware) {
        const had = JSON.parse(existing.hardware) as HardwareFacts;
        const known = new Set((had.networkCards ?? []).map((n) => n.mac));
        input.hardware = {
          ...had,
          networkCards: [
            ...(had.networkCards ?? []),
            ...(input.hardware.networkCards ?? []).filter((n) => !known.has(n.mac)),
          ],
        };
      }
      const changes = await updateAssetIn(trx, existing, actor.id, input, now);
      return { kind: changes.length > 0 ? 'updated' : 'unchanged', id: existing.id };
    }
    await applyAssetInput(trx, null, input);
    return { kind: 'created', id: await insertAsset(trx, actor.id, input, now) };
  };
  const updated = new Set<number>();
  const tally = (o: Outcome) => {
    report[o.kind]++;
    if (o.kind === 'created') report.createdIds.push(o.id);
    if (o.kind === 'updated' && !updated.has(o.id)) {
      updated.add(o.id);
      report.updatedIds.push(o.id);
    }
  };
  const rowFailure = (p: ParsedRow, e: unknown) => {
    if (e instanceof RowError) reject(p.line, e.field, e.message);
    else if (e instanceof DomainError)
      reject(p.line, e.fields[0]?.field.replace(/^\//, '') || 'row', e.fields[0]?.message ?? e.message);
    else throw e;
  };
  let held = new ImportBatch(actor.id, now, owners);
  for (const batch of chunks(parsed, importLimits.batchRows)) {
    try {
      const results = await ctx.db.transaction().execute(async (trx) => {
        await held.load(trx, batch);
        const out: { p: ParsedRow; outcome?: HeldOutcome; error?: unknown }[] = [];
        for (const p of batch) {
          try {
            out.push({ p, outcome: held.apply(p) });
          } catch (e) {
            if (!(e instanceof RowError || e instanceof DomainError)) throw e;
            out.push({ p, error: e });
          }
        }
        await held.write(trx);
        return out;
      });
      held.committed();
      for (const r of results) {
        if (r.outcome) tally({ kind: r.outcome.kind, id: r.outcome.asset.row.id });
        else rowFailure(r.p, r.error);
      }
    } catch (e) {
      ctx.log.warn(
        { err: e, firstLine: batch[0]?.line },
        'asset import: a batch failed whole, its rows go one by one',
      );
      // The batch failed whole (another writer took a tag meanwhile, say): what the import held may be stale, so
      // it starts again from the database, and this batch's rows go one by one, so only the bad ones are refused.
      held = new ImportBatch(actor.id, now, owners);
      for (const p of batch) {
        try {
          tally(await ctx.db.transaction().execute((trx) => writeRow(trx, p)));
        } catch (e) {
          rowFailure(p, e);
        }
      }
    }
  }
  report.rejections.sort((a, b) => a.line - b.line);
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.import',
      subjectType: 'asset',
      subjectId: report.createdIds[0] ?? report.updatedIds[0] ?? 0,
      details: {
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        rejected: report.rejected,
      },
    }),
  );
  return report;
}
