// Assets: the inventory's records (GLPI's computers, monitors, network devices, printers, phones, peripherals,
// software and licences) with lifecycle, money and warranty fields and hardware facts. Every write is one
// transaction with the asset's own history (who, when, field, old → new) and the audit log; one function,
// applyAssetInput, turns an input into the changed columns and history rows for every entry path (the API,
// bulk edit, CSV import, inventory agents). Lists are keyset-paginated, sorted by last change or by name.
import type { Kysely, RawBuilder, Transaction } from 'kysely';
import { sql } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import {
  type AssetStatus,
  type AssetsTable,
  type AssetType,
  type Database,
  defineIndex,
} from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { searchTerms } from '../core/search-names.js';
import {
  type Asset,
  type AssetInput,
  assetLimits,
  checkCost,
  dayOrNull,
  type HardwareFacts,
  invalidField,
  normaliseMac,
  parseDay,
} from './asset-model.js';
import { assetOwnerScope, canAsset } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;
export type AssetRow = Omit<AssetsTable, 'id'> & { id: number };

export interface AssetChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface AssetHistoryItem {
  id: number;
  assetId: number;
  actorId: number | null;
  at: number;
  field: string;
  from: string | null;
  to: string | null;
}

export type AssetSort = 'updated' | 'name';

export interface AssetFilter {
  type?: AssetType[];
  status?: AssetStatus[];
  /** Exact location. */
  location?: string;
  ownerId?: number;
  /** Words of the name, serial, asset tag, model or manufacturer; a MAC address; an id ("#12"). */
  q?: string;
  /** Warranty ends before this moment (and has not no end). */
  warrantyEndsBefore?: number;
  sort?: AssetSort;
  limit: number;
  cursor?: string;
}

// ---- cursors ---------------------------------------------------------------------------------------------

interface AssetCursor {
  s: AssetSort;
  v: number | string;
  id: number;
}

export function encodeAssetCursor(sort: AssetSort, row: Pick<Asset, 'id' | 'name' | 'updatedAt'>): string {
  const c: AssetCursor = { s: sort, v: sort === 'name' ? row.name : row.updatedAt, id: row.id };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeAssetCursor(sort: AssetSort, s: string): AssetCursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as AssetCursor;
    const valueOk = sort === 'name' ? typeof c.v === 'string' : Number.isSafeInteger(c.v);
    if (c && c.s === sort && valueOk && Number.isSafeInteger(c.id)) return c;
  } catch {
    // fall through to the error below
  }
  throw new Invalid('invalid_cursor', 'The cursor was not issued by this service for this sort.', [
    { field: 'querystring/cursor', message: 'unknown cursor' },
  ]);
}

// ---- reading ---------------------------------------------------------------------------------------------

function parseHardware(json: string | null): HardwareFacts | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as HardwareFacts;
  } catch {
    return null;
  }
}

export function toAsset(r: AssetRow, macs: string[]): Asset {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    status: r.status,
    serial: r.serial,
    assetTag: r.asset_tag,
    model: r.model,
    manufacturer: r.manufacturer,
    location: r.location,
    ownerId: r.owner_id,
    purchasedOn: r.purchased_on,
    cost:
      r.cost_minor !== null && r.cost_currency !== null
        ? { amountMinor: Number(r.cost_minor), currency: r.cost_currency }
        : null,
    supplier: r.supplier,
    warrantyEndsOn: r.warranty_ends_on,
    endOfLifeOn: r.end_of_life_on,
    notes: r.notes,
    hardware: parseHardware(r.hardware),
    macs,
    inventory:
      r.inventory_device_id !== null
        ? { agentId: r.inventory_agent_id, deviceId: r.inventory_device_id, at: r.inventoried_at }
        : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function macsOf(db: Db, ids: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('asset_macs')
    .select(['asset_id', 'mac'])
    .where('asset_id', 'in', ids)
    .orderBy('asset_id')
    .orderBy('mac')
    .execute();
  for (const r of rows) out.get(r.asset_id)?.push(r.mac);
  return out;
}

/** The asset row, or NotFound. */
export async function loadAsset(db: Db, id: number): Promise<AssetRow> {
  const row = await db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('asset_not_found', `No asset ${id}.`);
  return row;
}

/** The asset the actor may read, else NotFound (a requester does not learn that another's asset exists). */
export async function loadReadableAsset(db: Db, actor: Actor, id: number): Promise<AssetRow> {
  const row = await loadAsset(db, id);
  if (!canAsset(actor, 'asset.read', row)) throw new NotFound('asset_not_found', `No asset ${id}.`);
  return row;
}

export function requireAssetWrite(actor: Actor): void {
  if (!canAsset(actor, 'asset.write'))
    throw new Forbidden('forbidden', 'Assets are kept by staff: requesters see their own, read only.');
}

export async function readAsset(db: Db, id: number): Promise<Asset> {
  const row = await loadAsset(db, id);
  return toAsset(row, (await macsOf(db, [id])).get(id) ?? []);
}

/**
 * The words of an asset's name, serial, asset tag, model and manufacturer, for the list's search (q). The index
 * follows the row by itself: triggers on SQLite, a generated column on PostgreSQL (migration 2026-12-11).
 */
export const assetSearchIndex = defineIndex({
  table: 'assets',
  fts5Table: 'asset_fts',
  vectorColumn: 'search_vector',
  fields: [
    { name: 'name', weight: 1, label: 'A' },
    { name: 'serial', weight: 1, label: 'A' },
    { name: 'asset_tag', weight: 1, label: 'A' },
    { name: 'model', weight: 1, label: 'A' },
    { name: 'manufacturer', weight: 1, label: 'A' },
  ],
});

function numberIn(q: string): number | null {
  const m = /^(?:#|ast-?)\s*(\d{1,9})$/i.exec(q.trim());
  return m ? Number(m[1]) : null;
}

/**
 * A filter matching more assets than this is tested on the rows read in the list's order (the page is found
 * within a few hundred rows) rather than driving the read (every match fetched, then sorted). Counting up to it
 * reads at most this many index entries. Neither engine's planner can tell the two cases apart without
 * statistics of the data, which SQLite does not keep by itself.
 */
const manyMatches = 500;

/**
 * Words that match many assets, beside other conditions (type=server and "proliant"): the rows passing them all
 * may be few, and bunched anywhere in the list's order (every ProLiant sorts after the others by name), where
 * reading in that order would walk most of the table to fill a page. Up to this many are fetched whole (the
 * engine combines the conditions' indexes) and sorted instead.
 */
const sortedMatches = 5_000; // where the engine can combine them (PostgreSQL: see matchMeetsOtherIndexes)

async function firstMatches(ctx: ServiceContext, matching: RawBuilder<unknown>): Promise<number[]> {
  const found = await sql<{ id: number }>`SELECT m.id FROM (${matching}) m LIMIT ${manyMatches}`.execute(
    ctx.db,
  );
  return found.rows.map((r) => Number(r.id));
}

async function matchesMany(ctx: ServiceContext, matching: RawBuilder<unknown>): Promise<boolean> {
  const found = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM (SELECT 1 AS one FROM (${matching}) m LIMIT ${manyMatches}) c`.execute(ctx.db);
  return Number(found.rows[0]?.n ?? 0) >= manyMatches;
}

/** Up to limit + 1 assets (the extra one says there is a next page); a requester's own only. */
export async function listAssets(ctx: ServiceContext, actor: Actor, filter: AssetFilter): Promise<Asset[]> {
  const sort = filter.sort ?? 'updated';
  let q = ctx.db.selectFrom('assets').selectAll();
  const scope = assetOwnerScope(actor);
  const narrowed =
    scope !== null ||
    (filter.type?.length ?? 0) > 0 ||
    (filter.status?.length ?? 0) > 0 ||
    filter.location !== undefined ||
    filter.ownerId !== undefined ||
    filter.warrantyEndsBefore !== undefined;
  if (scope !== null) q = q.where('owner_id', '=', scope);
  if (filter.type && filter.type.length > 0) q = q.where('type', 'in', filter.type);
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.location !== undefined) q = q.where('location', '=', filter.location);
  if (filter.ownerId !== undefined) q = q.where('owner_id', '=', filter.ownerId);
  if (filter.warrantyEndsBefore !== undefined) {
    const before = filter.warrantyEndsBefore;
    const ending = sql`SELECT id FROM assets WHERE warranty_ends_on IS NOT NULL AND warranty_ends_on < ${before}`;
    // As for common words below: when many warranties end before then, the list's own order finds the page.
    q = (await matchesMany(ctx, ending))
      ? q.where(sql<boolean>`+warranty_ends_on < ${before}`)
      : q.where('warranty_ends_on', 'is not', null).where('warranty_ends_on', '<', before);
  }
  const text = filter.q?.trim().slice(0, assetLimits.searchMaxLength) ?? '';
  if (text !== '') {
    // Every way the words can name an asset gives its ids, read from an index (never a scan of the table):
    // the full-text index of the name, serial, tag, model and manufacturer (every word, the last as a prefix),
    // a MAC in any spelling, an id. "#12" names the asset by id alone.
    const mac = normaliseMac(text);
    const number = numberIn(text);
    // A serial number or an asset tag typed whole names its assets alone, as a scanner's input does: its words
    // ("GLPI", "SN", "002") would also match every asset of the same series.
    const spellings = [...new Set([text, text.toUpperCase()])];
    const exact = /\s/.test(text)
      ? []
      : await ctx.db
          .selectFrom('assets')
          .select('id')
          .where((eb) => eb.or([eb('serial', 'in', spellings), eb('asset_tag', 'in', spellings)]))
          .limit(manyMatches)
          .execute();
    const terms = exact.length > 0 || (text.startsWith('#') && number !== null) ? [] : searchTerms(text);
    const sources: RawBuilder<unknown>[] = [];
    const words = terms.length > 0 ? ctx.caps.search.query(terms) : null;
    if (words) {
      const m = ctx.caps.search.match(assetSearchIndex, words);
      sources.push(sql`SELECT ${m.id} AS id FROM ${m.from} WHERE ${m.where}`);
    }
    if (exact.length > 0)
      sources.push(sql`SELECT id FROM assets WHERE id IN (${sql.join(exact.map((e) => Number(e.id)))})`);
    if (mac) sources.push(sql`SELECT asset_id AS id FROM asset_macs WHERE mac = ${mac}`);
    if (number !== null) sources.push(sql`SELECT id FROM assets WHERE id = ${number}`);
    const matching = sql.join(sources, sql` UNION `);
    const ids = sources.length === 0 ? [] : await firstMatches(ctx, matching);
    const together =
      ids.length >= manyMatches &&
      narrowed &&
      words &&
      sources.length === 1 &&
      ctx.caps.search.matchMeetsOtherIndexes
        ? await q
            .clearSelect()
            .select('assets.id')
            .where(ctx.caps.search.matches(assetSearchIndex, words, 'assets'))
            .limit(sortedMatches)
            .execute()
        : null;
    if (together && together.length < sortedMatches) {
      // Few pass them all: by their ids, as below.
      q =
        together.length > 0
          ? q.where(
              'assets.id',
              'in',
              together.map((r) => Number(r.id)),
            )
          : q.where(sql<boolean>`1 = 0`);
    } else if (ids.length >= manyMatches) {
      // Common words ("thinkpad"): the page is found sooner by reading the list in its order and keeping the
      // rows that match than by sorting every match. The unary plus keeps the id out of index choices, so the
      // planner reads the order's index and tests each row against the matches.
      q = q.where(sql<boolean>`+assets.id IN (${matching})`);
    } else if (ids.length > 0) {
      // Few: by their ids. (Given the subquery instead, neither planner can tell how few a prefix matches.)
      q = q.where('assets.id', 'in', ids);
    } else q = q.where(sql<boolean>`1 = 0`);
  }
  if (filter.cursor) {
    const c = decodeAssetCursor(sort, filter.cursor);
    q =
      sort === 'name'
        ? q.where((eb) =>
            eb.or([
              eb('name', '>', String(c.v)),
              eb.and([eb('name', '=', String(c.v)), eb('id', '>', c.id)]),
            ]),
          )
        : q.where((eb) =>
            eb.or([
              eb('updated_at', '<', Number(c.v)),
              eb.and([eb('updated_at', '=', Number(c.v)), eb('id', '<', c.id)]),
            ]),
          );
  }
  q =
    sort === 'name' ? q.orderBy('name').orderBy('id') : q.orderBy('updated_at', 'desc').orderBy('id', 'desc');
  const rows = await q.limit(filter.limit + 1).execute();
  const macs = await macsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toAsset(r, macs.get(r.id) ?? []));
}

export async function listAssetHistory(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<AssetHistoryItem[]> {
  await loadReadableAsset(ctx.db, actor, id);
  const rows = await ctx.db
    .selectFrom('asset_history')
    .selectAll()
    .where('asset_id', '=', id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    assetId: r.asset_id,
    actorId: r.actor_id,
    at: r.at,
    field: r.field,
    from: r.from_value,
    to: r.to_value,
  }));
}

// ---- writing ---------------------------------------------------------------------------------------------

/** Record an asset's changes by one actor at one moment, in the caller's transaction. */
export async function recordAssetChange(
  trx: Transaction<Database>,
  assetId: number,
  actorId: number | null,
  at: number,
  changes: AssetChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await trx
    .insertInto('asset_history')
    .values(
      changes.map((c) => ({
        asset_id: assetId,
        actor_id: actorId,
        at,
        field: c.field,
        from_value: c.from,
        to_value: c.to,
      })),
    )
    .execute();
}

const str = (v: number | null) => (v === null ? null : String(v));
const money = (minor: number | null, currency: string | null) =>
  minor === null || currency === null ? null : `${minor} ${currency}`;

/** One line per part of the hardware facts, for the history: what changed reads as old → new. */
export function hardwareDigest(h: HardwareFacts | null): Record<string, string> {
  if (!h) return {};
  const out: Record<string, string> = {};
  if (h.cpus?.length)
    out.cpus = h.cpus.map((c) => `${c.name}${c.cores ? ` (${c.cores} cores)` : ''}`).join('; ');
  if (h.memoryMb !== undefined) out.memory = `${h.memoryMb} MiB`;
  if (h.disks?.length)
    out.disks = h.disks.map((d) => `${d.name}${d.sizeMb ? ` ${d.sizeMb} MB` : ''}`).join('; ');
  if (h.networkCards?.length)
    out.networkCards = h.networkCards
      .filter((n) => n.mac)
      .map((n) => `${n.name} ${n.mac}`)
      .join('; ');
  if (h.os) out.os = [h.os.name, h.os.version, h.os.kernel].filter(Boolean).join(' ');
  if (h.bios?.serial) out.biosSerial = h.bios.serial;
  return out;
}

function hardwareChanges(before: HardwareFacts | null, after: HardwareFacts | null): AssetChange[] {
  const a = hardwareDigest(before);
  const b = hardwareDigest(after);
  const changes: AssetChange[] = [];
  for (const part of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[part] === b[part]) continue;
    changes.push({
      field: `hardware.${part}`,
      from: a[part]?.slice(0, 2000) ?? null,
      to: b[part]?.slice(0, 2000) ?? null,
    });
  }
  return changes;
}

function cleanName(v: string): string {
  const t = v.trim();
  if (t.length === 0 || t.length > assetLimits.nameMaxLength)
    throw invalidField('/name', `must be 1–${assetLimits.nameMaxLength} characters`);
  return t;
}

function cleanShort(field: string, v: string): string {
  const t = v.trim();
  if (t.length > assetLimits.shortTextMaxLength)
    throw invalidField(field, `must be at most ${assetLimits.shortTextMaxLength} characters`);
  return t;
}

function cleanOptionalShort(field: string, v: string | null): string | null {
  if (v === null) return null;
  const t = cleanShort(field, v);
  return t === '' ? null : t;
}

/** What checking an input needs from the database, read beforehand (one asset's, or a whole import's at once). */
export interface AssetReferences {
  /** The id of another asset carrying the tag, if any. */
  tagCarrier(tag: string): number | undefined;
  /** The account exists and is active. */
  activeUser(id: number): boolean;
}

/** The owner must be an active account (of any role: a requester owns a laptop). */
function checkOwner(refs: AssetReferences, ownerId: number | null | undefined): void {
  if (ownerId === undefined || ownerId === null) return;
  if (!refs.activeUser(ownerId))
    throw invalidField('/ownerId', `no active user ${ownerId}`, 'invalid_reference');
}

function checkTag(refs: AssetReferences, tag: string | null, selfId: number | null): void {
  if (tag === null) return;
  const other = refs.tagCarrier(tag);
  if (other !== undefined && other !== selfId)
    throw new Conflict('asset_tag_taken', `Asset ${other} already carries the asset tag "${tag}".`);
}

/** The references one input names, read from the database in the caller's transaction. */
async function readReferences(db: Db, input: AssetInput): Promise<AssetReferences> {
  const tag = input.assetTag ? input.assetTag.trim() : '';
  const carrier =
    tag === ''
      ? undefined
      : await db.selectFrom('assets').select('id').where('asset_tag', '=', tag).executeTakeFirst();
  const owner =
    input.ownerId === undefined || input.ownerId === null
      ? undefined
      : await db.selectFrom('users').select(['active']).where('id', '=', input.ownerId).executeTakeFirst();
  return { tagCarrier: () => carrier?.id, activeUser: () => owner?.active === 1 };
}

/**
 * The columns an input changes on a row (or sets on a new one: row null) and their history. Checks every
 * value; references (owner, asset tag) are checked against the database in the caller's transaction.
 */
export async function applyAssetInput(
  db: Db,
  row: AssetRow | null,
  input: AssetInput,
): Promise<{ set: Partial<AssetRow>; changes: AssetChange[] }> {
  return assetInputChanges(row, input, await readReferences(db, input));
}

/** applyAssetInput with its references already read: no database, so an import checks thousands of rows at once. */
export function assetInputChanges(
  row: AssetRow | null,
  input: AssetInput,
  refs: AssetReferences,
): { set: Partial<AssetRow>; changes: AssetChange[] } {
  const set: Partial<AssetRow> = {};
  const changes: AssetChange[] = [];
  const put = <K extends keyof AssetRow>(
    key: K,
    field: string,
    value: AssetRow[K],
    show: (v: AssetRow[K]) => string | null,
  ) => {
    const before = row ? row[key] : undefined;
    if (row && before === value) return;
    set[key] = value;
    if (row) changes.push({ field, from: show(before as AssetRow[K]), to: show(value) });
  };
  const text = (v: string) => v;
  if (input.name !== undefined) put('name', 'name', cleanName(input.name), text);
  if (input.type !== undefined) put('type', 'type', input.type, text);
  if (input.status !== undefined) put('status', 'status', input.status, text);
  if (input.serial !== undefined)
    put('serial', 'serial', cleanOptionalShort('/serial', input.serial), (v) => v);
  if (input.assetTag !== undefined) {
    const tag = cleanOptionalShort('/assetTag', input.assetTag);
    checkTag(refs, tag, row?.id ?? null);
    put('asset_tag', 'assetTag', tag, (v) => v);
  }
  for (const [key, field] of [
    ['model', 'model'],
    ['manufacturer', 'manufacturer'],
    ['location', 'location'],
    ['supplier', 'supplier'],
  ] as const) {
    const v = input[field];
    if (v !== undefined) put(key, field, cleanShort(`/${field}`, v), text);
  }
  if (input.notes !== undefined) {
    if (input.notes.length > assetLimits.notesMaxLength)
      throw invalidField('/notes', `must be at most ${assetLimits.notesMaxLength} characters`);
    put('notes', 'notes', input.notes.trim(), (v) => (v.length > 200 ? `${v.slice(0, 199)}…` : v));
  }
  if (input.ownerId !== undefined) {
    checkOwner(refs, input.ownerId);
    put('owner_id', 'owner', input.ownerId, str);
  }
  for (const [key, field, pointer] of [
    ['purchased_on', 'purchaseDate', '/purchaseDate'],
    ['warranty_ends_on', 'warrantyEnd', '/warrantyEnd'],
    ['end_of_life_on', 'endOfLife', '/endOfLife'],
  ] as const) {
    const v = input[field];
    if (v !== undefined) put(key, field, v === null ? null : parseDay(pointer, v), dayOrNull);
  }
  if (input.cost !== undefined) {
    const c = input.cost === null ? null : checkCost('/cost', input.cost);
    const beforeMoney = row
      ? money(row.cost_minor === null ? null : Number(row.cost_minor), row.cost_currency)
      : null;
    const afterMoney = c ? money(c.amountMinor, c.currency) : null;
    if (!row || beforeMoney !== afterMoney) {
      set.cost_minor = c?.amountMinor ?? null;
      set.cost_currency = c?.currency ?? null;
      if (row) changes.push({ field: 'cost', from: beforeMoney, to: afterMoney });
    }
  }
  if (input.hardware !== undefined) {
    const json = input.hardware === null ? null : JSON.stringify(input.hardware);
    if (!row || json !== row.hardware) {
      set.hardware = json;
      if (row) changes.push(...hardwareChanges(parseHardware(row.hardware), input.hardware));
    }
  }
  return { set, changes };
}

/** The MACs of the asset's network cards, kept in step with its hardware facts (what inventories match on). */
export async function syncMacs(
  trx: Transaction<Database>,
  assetId: number,
  hardware: HardwareFacts | null,
): Promise<void> {
  const macs = new Set<string>();
  for (const n of hardware?.networkCards ?? []) {
    const m = n.mac ? normaliseMac(n.mac) : null;
    if (m) macs.add(m);
  }
  await trx.deleteFrom('asset_macs').where('asset_id', '=', assetId).execute();
  if (macs.size > 0)
    await trx
      .insertInto('asset_macs')
      .values([...macs].map((mac) => ({ asset_id: assetId, mac })))
      .execute();
}

/** The row of a new asset: the columns its input set, the rest at their defaults. */
export function newAssetValues(
  set: Partial<AssetRow>,
  type: AssetType,
  actorId: number | null,
  now: number,
  extra: Partial<AssetRow> = {},
): Omit<AssetRow, 'id'> {
  return {
    name: set.name ?? '',
    type,
    status: set.status ?? 'in_stock',
    serial: set.serial ?? null,
    asset_tag: set.asset_tag ?? null,
    model: set.model ?? '',
    manufacturer: set.manufacturer ?? '',
    location: set.location ?? '',
    owner_id: set.owner_id ?? null,
    purchased_on: set.purchased_on ?? null,
    cost_minor: set.cost_minor ?? null,
    cost_currency: set.cost_currency ?? null,
    supplier: set.supplier ?? '',
    warranty_ends_on: set.warranty_ends_on ?? null,
    end_of_life_on: set.end_of_life_on ?? null,
    notes: set.notes ?? '',
    hardware: set.hardware ?? null,
    inventory_agent_id: null,
    inventory_device_id: null,
    inventoried_at: null,
    replacement_request_id: null,
    monitoring_target_id: null,
    host_facts_at: null,
    created_by: actorId,
    created_at: now,
    updated_at: now,
    ...extra,
  };
}

/** Insert a new asset in the caller's transaction; returns its id. */
export async function insertAsset(
  trx: Transaction<Database>,
  actorId: number | null,
  input: AssetInput & { name: string; type: AssetType },
  now: number,
  extra: Partial<AssetRow> = {},
): Promise<number> {
  const { set } = await applyAssetInput(trx, null, input);
  const row = await trx
    .insertInto('assets')
    .values(newAssetValues(set, input.type, actorId, now, extra))
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.hardware) await syncMacs(trx, row.id, input.hardware);
  await recordAssetChange(trx, row.id, actorId, now, [
    { field: 'created', from: null, to: set.name ?? null },
  ]);
  return row.id;
}

/** Change an asset in the caller's transaction: columns, MACs, history; returns the changes (none: nothing written). */
export async function updateAssetIn(
  trx: Transaction<Database>,
  row: AssetRow,
  actorId: number | null,
  input: AssetInput,
  now: number,
  extra: Partial<AssetRow> = {},
): Promise<AssetChange[]> {
  const { set, changes } = await applyAssetInput(trx, row, input);
  if (changes.length === 0 && Object.keys(extra).length === 0) return [];
  await trx
    .updateTable('assets')
    .set({ ...set, ...extra, updated_at: now })
    .where('id', '=', row.id)
    .execute();
  if (set.hardware !== undefined) await syncMacs(trx, row.id, parseHardware(set.hardware ?? null));
  await recordAssetChange(trx, row.id, actorId, now, changes);
  return changes;
}

export async function createAsset(
  ctx: ServiceContext,
  actor: Actor,
  input: AssetInput & { name: string; type: AssetType },
): Promise<Asset> {
  requireAssetWrite(actor);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const id = await insertAsset(trx, actor.id, input, now);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.create',
      subjectType: 'asset',
      subjectId: id,
      details: { name: input.name, type: input.type },
    });
    return id;
  });
  return readAsset(ctx.db, id);
}

export async function updateAsset(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: AssetInput,
): Promise<Asset> {
  requireAssetWrite(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadAsset(trx, id);
    const changes = await updateAssetIn(trx, row, actor.id, input, now);
    if (changes.length > 0)
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'asset.update',
        subjectType: 'asset',
        subjectId: id,
        details: { changes: changes.map((c) => c.field) },
      });
  });
  return readAsset(ctx.db, id);
}

/** Only the fields a bulk edit may set on many assets at once (never a name, serial or tag: those are one asset's). */
export type BulkAssetInput = Pick<
  AssetInput,
  | 'status'
  | 'location'
  | 'ownerId'
  | 'supplier'
  | 'warrantyEnd'
  | 'endOfLife'
  | 'type'
  | 'model'
  | 'manufacturer'
>;

/** The same change on many assets: one transaction, each asset's own history, one audit entry. */
export async function bulkUpdateAssets(
  ctx: ServiceContext,
  actor: Actor,
  ids: number[],
  input: BulkAssetInput,
): Promise<{ updatedIds: number[]; unchangedIds: number[] }> {
  requireAssetWrite(actor);
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > assetLimits.bulkMax)
    throw invalidField('/ids', `must name 1–${assetLimits.bulkMax} assets`);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('assets').selectAll().where('id', 'in', unique).execute();
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw invalidField('/ids', `no asset ${missing.slice(0, 10).join(', ')}`, 'invalid_reference');
    const updatedIds: number[] = [];
    const unchangedIds: number[] = [];
    for (const row of rows.sort((a, b) => a.id - b.id)) {
      const changes = await updateAssetIn(trx, row, actor.id, input, now);
      (changes.length > 0 ? updatedIds : unchangedIds).push(row.id);
    }
    if (updatedIds.length > 0)
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'asset.bulk_update',
        subjectType: 'asset',
        subjectId: updatedIds[0],
        details: { ids: updatedIds, fields: Object.keys(input) },
      });
    return { updatedIds, unchangedIds };
  });
}
