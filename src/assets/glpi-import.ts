// Importing GLPI's export of its computers list (Assets → Computers → export CSV): semicolon-separated, every field
// quoted, the columns those the GLPI user chose to show, in their order, named in the GLPI user's language
// ("Name";"Entity";"Status";"Manufacturer";"Serial number";"Type";"Model";"Operating system - Name";"Location";
// "Last update";"Component - Processor";"Inventory number";"User" — or "Nom";"Entité";"Statut";"Fabricant";…).
// Each row is mapped to our asset fields and goes through the CSV import's write half (the same report: bad rows
// with line and reason, good rows kept, a serial or MAC already known updates that asset). GLPI's states are the
// site's own words: one we cannot map leaves the status as it is (new assets: in stock) rather than refusing the row.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { AssetStatus, AssetType } from '../core/db/index.js';
import { DomainError, Invalid } from '../core/errors.js';
import {
  type ImportRejection,
  type ImportReport,
  importLimits,
  importParsedRows,
  type ParsedRow,
  parseCsv,
  RowError,
} from './asset-import.js';
import { assetLimits, type HardwareFacts, normaliseMac, normaliseSerial, parseDay } from './asset-model.js';
import { requireAssetWrite } from './assets.js';

type GlpiColumn =
  | 'name'
  | 'entity'
  | 'status'
  | 'manufacturer'
  | 'serial'
  | 'type'
  | 'model'
  | 'os'
  | 'osVersion'
  | 'location'
  | 'lastUpdate'
  | 'cpu'
  | 'assetTag'
  | 'user'
  | 'notes'
  | 'supplier'
  | 'purchaseDate'
  | 'warrantyEnd'
  | 'mac'
  | 'memory';

/** Header words, lower case, accents and punctuation dropped: English and French as GLPI 9.5–10 writes them. */
const headers: Record<string, GlpiColumn> = {
  name: 'name',
  nom: 'name',
  entity: 'entity',
  entite: 'entity',
  status: 'status',
  statut: 'status',
  state: 'status',
  etat: 'status',
  manufacturer: 'manufacturer',
  fabricant: 'manufacturer',
  serialnumber: 'serial',
  numerodeserie: 'serial',
  serial: 'serial',
  type: 'type',
  computertype: 'type',
  typedordinateur: 'type',
  model: 'model',
  modele: 'model',
  computermodel: 'model',
  modeledordinateur: 'model',
  operatingsystemname: 'os',
  systemedexploitationnom: 'os',
  operatingsystem: 'os',
  systemedexploitation: 'os',
  operatingsystemversion: 'osVersion',
  systemedexploitationversion: 'osVersion',
  location: 'location',
  lieu: 'location',
  lastupdate: 'lastUpdate',
  dernieremodification: 'lastUpdate',
  dernieremiseajour: 'lastUpdate',
  componentprocessor: 'cpu',
  composantprocesseur: 'cpu',
  processor: 'cpu',
  processeur: 'cpu',
  inventorynumber: 'assetTag',
  numerodinventaire: 'assetTag',
  user: 'user',
  utilisateur: 'user',
  comments: 'notes',
  commentaires: 'notes',
  supplier: 'supplier',
  fournisseur: 'supplier',
  dateofpurchase: 'purchaseDate',
  financialandadministrativeinformationdateofpurchase: 'purchaseDate',
  datedachat: 'purchaseDate',
  informationsfinancieresetadministrativesdatedachat: 'purchaseDate',
  warrantyexpirationdate: 'warrantyEnd',
  datedexpirationdelagarantie: 'warrantyEnd',
  networkportmac: 'mac',
  portreseauadressemac: 'mac',
  portreseaumac: 'mac',
  macaddress: 'mac',
  adressemac: 'mac',
  componentmemory: 'memory',
  composantmemoire: 'memory',
};

const headerWord = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const statusWords: [RegExp, AssetStatus][] = [
  [/^(in ?use|en service|en production|production|utilise|active|actif|deployed|deploye)$/, 'in_use'],
  [/^(in ?stock|en stock|stock|stocke|spare|de rechange|available|disponible)$/, 'in_stock'],
  [/^(in ?repair|en reparation|reparation|repair|en panne|broken|sav|rma)$/, 'in_repair'],
  [/^(retired|retire|rebut|au rebut|hors service|disposed|scrapped|archive|archived|recycle)$/, 'retired'],
];

const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();

function glpiStatus(s: string): AssetStatus | undefined {
  const w = plain(s);
  return statusWords.find(([re]) => re.test(w))?.[1];
}

function glpiType(s: string): AssetType {
  return /serv/.test(plain(s)) ? 'server' : 'computer';
}

/** GLPI's HTML-escaped text (&amp; &lt; &#039;) back to characters. */
function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#0?39|apos);/g, (m) =>
    m === '&amp;' ? '&' : m === '&lt;' ? '<' : m === '&gt;' ? '>' : m === '&quot;' ? '"' : "'",
  );
}

/** A multi-valued cell: GLPI joins values with its separator ($$##$$), a line break or <br>. */
const values = (s: string) =>
  s
    .split(/\$\$##\$\$|<br\s*\/?>|\r?\n/i)
    .map((v) => v.trim())
    .filter(Boolean);

/** GLPI's date display: YYYY-MM-DD, DD-MM-YYYY or MM-DD-YYYY (the user's preference), with a time or not. */
export function glpiDay(field: string, s: string): string {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/.exec(t);
  let day: string | null = null;
  if (m) day = `${m[1]}-${m[2]}-${m[3]}`;
  else {
    m = /^(\d{2})[-/.](\d{2})[-/.](\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?$/.exec(t);
    // Day first (GLPI's default outside the US) unless the first part cannot be a day-of-month's month partner.
    if (m) day = Number(m[2]) > 12 ? `${m[3]}-${m[1]}-${m[2]}` : `${m[3]}-${m[2]}-${m[1]}`;
  }
  if (day) {
    try {
      parseDay(`/${field}`, day);
      return day;
    } catch {
      // falls through
    }
  }
  throw new RowError(field, `"${t.slice(0, 40)}" is not a date (YYYY-MM-DD or DD-MM-YYYY)`);
}

interface GlpiRow extends ParsedRow {
  /** GLPI's user: an email, or a login / display name matched to our users' names. */
  userName: string | null;
}

function glpiRow(line: number, header: (GlpiColumn | null)[], cells: string[]): GlpiRow {
  const v: Partial<Record<GlpiColumn, string>> = {};
  header.forEach((col, i) => {
    const cell = cells[i];
    if (col && cell !== undefined && cell.trim() !== '' && v[col] === undefined)
      v[col] = unescapeHtml(cell.trim());
  });
  if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== ''))
    throw new RowError('row', `has ${cells.length} fields, the header ${header.length}`);
  const name = v.name ?? '';
  if (name === '') throw new RowError('name', 'is empty');
  if (name.length > assetLimits.nameMaxLength)
    throw new RowError('name', `is longer than ${assetLimits.nameMaxLength} characters`);
  for (const col of ['serial', 'assetTag', 'model', 'manufacturer', 'location', 'supplier'] as const)
    if ((v[col]?.length ?? 0) > assetLimits.shortTextMaxLength)
      throw new RowError(col, `is longer than ${assetLimits.shortTextMaxLength} characters`);
  const macs: string[] = [];
  for (const part of values(v.mac ?? '').flatMap((x) => x.split(/[\s,;|]+/).filter(Boolean))) {
    const mac = normaliseMac(part);
    if (!mac) throw new RowError('mac', `"${part.slice(0, 40)}" is not a MAC address`);
    if (!macs.includes(mac)) macs.push(mac);
  }
  const hardware: HardwareFacts = {};
  const cpus = values(v.cpu ?? '').slice(0, assetLimits.hardwareItemsMax);
  if (cpus.length > 0)
    hardware.cpus = cpus.map((c) => ({ name: c.slice(0, assetLimits.shortTextMaxLength) }));
  const memory = /^(\d{1,9})/.exec(values(v.memory ?? '')[0] ?? '');
  if (memory) hardware.memoryMb = Number(memory[1]);
  if (v.os)
    hardware.os = {
      name: v.os.slice(0, assetLimits.shortTextMaxLength),
      ...(v.osVersion ? { version: v.osVersion.slice(0, assetLimits.shortTextMaxLength) } : {}),
    };
  if (macs.length > 0) hardware.networkCards = macs.map((mac, i) => ({ name: `port${i}`, mac }));
  const serial = normaliseSerial(v.serial);
  const notes = [
    v.entity ? `GLPI entity: ${v.entity}` : '',
    v.notes ?? '',
    v.lastUpdate ? `GLPI last update: ${v.lastUpdate}` : '',
  ]
    .filter(Boolean)
    .join('\n')
    .slice(0, assetLimits.notesMaxLength);
  const status = v.status ? glpiStatus(v.status) : undefined;
  const purchaseDate = v.purchaseDate ? glpiDay('purchaseDate', v.purchaseDate) : undefined;
  const warrantyEnd = v.warrantyEnd ? glpiDay('warrantyEnd', v.warrantyEnd) : undefined;
  const user = v.user ? (values(v.user)[0] ?? null) : null;
  return {
    line,
    input: {
      name,
      type: glpiType(v.type ?? ''),
      ...(status ? { status } : {}),
      ...(serial ? { serial } : {}),
      ...(v.assetTag ? { assetTag: v.assetTag } : {}),
      ...(v.model ? { model: v.model } : {}),
      ...(v.manufacturer ? { manufacturer: v.manufacturer } : {}),
      ...(v.location ? { location: v.location } : {}),
      ...(v.supplier ? { supplier: v.supplier } : {}),
      ...(notes ? { notes } : {}),
      ...(purchaseDate ? { purchaseDate } : {}),
      ...(warrantyEnd ? { warrantyEnd } : {}),
      ...(Object.keys(hardware).length > 0 ? { hardware } : {}),
    },
    serial,
    macs,
    ownerEmail: user?.includes('@') ? user.toLowerCase() : null,
    userName: user && !user.includes('@') ? user : null,
  };
}

export interface GlpiParse {
  /** Data rows in the file. */
  rows: number;
  parsed: GlpiRow[];
  refused: ImportRejection[];
}

/** Parse a GLPI computers export; throws only a file-level Invalid (no header, unclosed quote, too many rows). */
export function parseGlpiExport(text: string): GlpiParse {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (first.match(/;/g)?.length ?? 0) >= (first.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = parseCsv(text, delimiter);
  if (rows.length === 0)
    throw new Invalid(
      'invalid_asset_import',
      'The file is empty: GLPI’s header row and data rows are expected.',
      [{ field: '/', message: 'empty' }],
    );
  if (rows.length - 1 > importLimits.rows)
    throw new Invalid('invalid_asset_import', `At most ${importLimits.rows} rows per import.`, [
      { field: '/', message: 'too many rows' },
    ]);
  const header = rows[0].cells.map((h) => headers[headerWord(h)] ?? null);
  if (!header.includes('name'))
    throw new Invalid(
      'invalid_asset_import',
      'The header row must name a "Name" (or "Nom") column, as GLPI’s computers export does.',
      [{ field: '/', message: 'no name column' }],
    );
  const out: GlpiParse = { rows: rows.length - 1, parsed: [], refused: [] };
  for (const r of rows.slice(1)) {
    try {
      out.parsed.push(glpiRow(r.line, header, r.cells));
    } catch (e) {
      if (e instanceof RowError)
        out.refused.push({
          line: r.line,
          reason: `${e.field}: ${e.message}`,
          fields: [{ field: e.field, message: e.message }],
        });
      else if (e instanceof DomainError)
        out.refused.push({ line: r.line, reason: e.message, fields: e.fields.map((f) => ({ ...f })) });
      else throw e;
    }
  }
  return out;
}

/** Import a GLPI computers export; the report is the CSV import's. */
export async function importAssetsGlpi(
  ctx: ServiceContext,
  actor: Actor,
  text: string,
): Promise<ImportReport> {
  requireAssetWrite(actor);
  const { rows, parsed, refused } = parseGlpiExport(text);
  // GLPI's users by login or display name: matched to ours by name (case-insensitive); unknown ones go to notes.
  const names = [...new Set(parsed.flatMap((p) => (p.userName ? [p.userName.toLowerCase()] : [])))];
  const byName = new Map<string, number>();
  for (let i = 0; i < names.length; i += 500) {
    const users = await ctx.db
      .selectFrom('users')
      .select(['id', 'name', 'user_name'])
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'in', names.slice(i, i + 500)),
          eb(eb.fn('lower', ['user_name']), 'in', names.slice(i, i + 500)),
        ]),
      )
      .execute();
    for (const u of users) {
      byName.set(u.name.toLowerCase(), u.id);
      if (u.user_name) byName.set(u.user_name.toLowerCase(), u.id);
    }
  }
  for (const p of parsed) {
    if (!p.userName) continue;
    const id = byName.get(p.userName.toLowerCase());
    if (id !== undefined) p.input.ownerId = id;
    else
      p.input.notes = [p.input.notes, `GLPI user: ${p.userName}`]
        .filter(Boolean)
        .join('\n')
        .slice(0, assetLimits.notesMaxLength);
  }
  return importParsedRows(ctx, actor, rows, parsed, refused);
}
