// Fills every table of a database with rows made from its own description (columns, types, keys, checks), and
// reads every table back: for testing that migrations keep data they did not mean to change, on both dialects,
// without a fixture per schema version. Values are unique per row, so a lost or altered row is seen.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './context.js';

export interface Column {
  name: string;
  /** The declared type, lower case (SQLite's affinity name or PostgreSQL's data type). */
  type: string;
  notNull: boolean;
  /** Filled by the database when left out: an identity, a rowid alias, a sequence, a generated column. */
  assigned: boolean;
  /** Literals a CHECK on this column names (the allowed values of an enumeration). */
  allowed: (string | number)[];
}

export interface Table {
  name: string;
  columns: Column[];
  /** Each foreign key: its columns and the referenced table's columns, in order. */
  references: { columns: string[]; table: string; to: string[] }[];
}

type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

const internal = /^(kysely_migration|kysely_migration_lock|sqlite_.*)$/;

/** Literals the CHECKs of a table's definition name next to a column: `col IN ('a', 'b')`, `col = 1`. */
function checkLiterals(checks: string[], column: string): (string | number)[] {
  const found: (string | number)[] = [];
  const mention = new RegExp(`(^|[^a-z0-9_])"?${column}"?([^a-z0-9_]|$)`, 'i');
  for (const check of checks) {
    // Only the clause that names this column: a check over several columns is split at AND/OR.
    for (const clause of check.split(/\b(?:and|or)\b/i)) {
      if (!mention.test(clause)) continue;
      for (const m of clause.matchAll(/'((?:[^']|'')*)'|(?<![a-z_0-9.])(-?\d+)(?![a-z_0-9.])/gi)) {
        if (m[1] !== undefined) found.push(m[1].replaceAll("''", "'"));
        else if (m[2] !== undefined) found.push(Number(m[2]));
      }
    }
  }
  return [...new Set(found)];
}

async function describeSqlite(db: AnyDb): Promise<Table[]> {
  const { rows: masters } = await sql<{ name: string; sql: string | null }>`
    SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`.execute(db);
  const virtual = masters.filter((m) => /^create virtual table/i.test(m.sql ?? '')).map((m) => m.name);
  const tables: Table[] = [];
  for (const { name, sql: ddl } of masters) {
    if (internal.test(name) || virtual.some((v) => name === v || name.startsWith(`${v}_`))) continue;
    const info = await sql<{ name: string; type: string; notnull: number; pk: number; hidden: number }>`
      SELECT name, type, "notnull", pk, hidden FROM pragma_table_xinfo(${name})`.execute(db);
    const keys = info.rows.filter((c) => c.pk > 0);
    const checks = [...(ddl ?? '').matchAll(/check\s*\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)/gi)].map(
      (m) => m[1],
    );
    const columns = info.rows.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      notNull: c.notnull === 1,
      // A single INTEGER PRIMARY KEY is the rowid; hidden 2 and 3 are generated columns.
      assigned: (keys.length === 1 && c.pk === 1 && c.type.toUpperCase() === 'INTEGER') || c.hidden >= 2,
      allowed: checkLiterals(checks, c.name),
    }));
    const fks = await sql<{ id: number; seq: number; table: string; from: string; to: string | null }>`
      SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list(${name}) ORDER BY id, seq`.execute(
      db,
    );
    const references = new Map<number, Table['references'][number]>();
    for (const fk of fks.rows) {
      const ref = references.get(fk.id) ?? { columns: [], table: fk.table, to: [] };
      ref.columns.push(fk.from);
      // A key that names no columns references the other table's primary key.
      ref.to.push(fk.to ?? 'id');
      references.set(fk.id, ref);
    }
    tables.push({ name, columns, references: [...references.values()] });
  }
  return tables;
}

async function describePostgres(db: AnyDb): Promise<Table[]> {
  // Two queries for the whole schema (a migration walk describes it at every version).
  const cols = await sql<{ table: string; name: string; type: string; notnull: boolean; assigned: boolean }>`
    SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
      a.attnotnull AS notnull,
      (a.attidentity <> '' OR a.attgenerated <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')
        AS assigned
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0
      AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`.execute(db);
  const cons = await sql<{
    table: string;
    type: string;
    def: string;
    columns: string[];
    parent: string | null;
    to: string[] | null;
  }>`
    SELECT c.relname AS table, k.contype AS type, pg_get_constraintdef(k.oid) AS def,
      ARRAY(SELECT attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
            JOIN pg_attribute ON attrelid = k.conrelid AND attnum = u.n ORDER BY u.i)::text[] AS columns,
      p.relname AS parent,
      ARRAY(SELECT attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
            JOIN pg_attribute ON attrelid = k.confrelid AND attnum = u.n ORDER BY u.i)::text[] AS to
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class p ON p.oid = k.confrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND k.contype IN ('c', 'f')`.execute(db);
  const names = [...new Set(cols.rows.map((c) => c.table))].filter((name) => !internal.test(name));
  return names.map((name) => {
    const own = cons.rows.filter((k) => k.table === name);
    const checks = own.filter((k) => k.type === 'c').map((k) => k.def);
    return {
      name,
      columns: cols.rows
        .filter((c) => c.table === name)
        .map((c) => ({
          name: c.name,
          type: c.type,
          notNull: c.notnull,
          assigned: c.assigned,
          allowed: checkLiterals(checks, c.name),
        })),
      references: own
        .filter((k) => k.type === 'f')
        .map((k) => ({ columns: k.columns, table: k.parent ?? '', to: k.to ?? [] })),
    };
  });
}

export function describeTables(db: AnyDb, dialect: Dialect): Promise<Table[]> {
  return dialect === 'sqlite' ? describeSqlite(db) : describePostgres(db);
}

/** A value for a column of no foreign key, unique to the sequence number n (a CHECK's literals, taken in turn). */
function valueFor(column: Column, n: number, dialect: Dialect): unknown {
  if (column.allowed.length > 0) return column.allowed[n % column.allowed.length];
  const t = column.type;
  if (/bool/.test(t)) return dialect === 'postgres' ? n % 2 === 0 : n % 2;
  // PostgreSQL's integer and smallint are 32 and 16 bits; bigint (and SQLite's INTEGER) hold epoch milliseconds.
  if (/smallint|int2/.test(t)) return n % 30_000;
  if (dialect === 'postgres' && /^(integer|int4|int|serial)/.test(t)) return 1_000 + n;
  if (/int|serial/.test(t)) return 1_700_000_000_000 + n;
  if (/uuid/.test(t)) return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  if (/timestamp|date/.test(t)) return new Date(1_700_000_000_000 + n * 1000).toISOString();
  if (/real|double|float|numeric|decimal/.test(t)) return n + 0.5;
  if (/bytea|blob/.test(t)) return Buffer.from(`bytes ${n}`);
  if (/json/.test(t)) return JSON.stringify({ filled: n });
  if (/tsvector/.test(t)) return `w${n}`;
  if (/\[\]$/.test(t)) return [];
  // Text: JSON (a string), so a column that holds JSON in SQLite's TEXT still parses.
  return JSON.stringify(`v${n}`);
}

/**
 * Adds up to perTable rows to every table, parents before children; a row's foreign keys name rows already
 * there (nullable ones left empty when the parent has none). Returns the tables that took no row, with why.
 */
export async function fillTables(
  db: AnyDb,
  dialect: Dialect,
  tables: Table[],
  perTable: number,
  counter: { n: number },
): Promise<{ table: string; reason: string }[]> {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const refused = new Map<string, string>();
  // Parents first: a table waits for every table it references; when none can go, a table goes whose waiting is
  // only on nullable keys (a cycle is cut there, those keys left empty).
  const parentsOf = (t: Table, strict: boolean) =>
    t.references
      .filter((r) => r.table !== t.name && byName.has(r.table))
      .filter((r) => strict || r.columns.some((c) => t.columns.find((x) => x.name === c)?.notNull))
      .map((r) => r.table);
  const ready = (strict: boolean) =>
    tables.find((t) => !done.has(t.name) && parentsOf(t, strict).every((p) => done.has(p)));
  for (let table = ready(true) ?? ready(false); table; table = ready(true) ?? ready(false)) {
    done.add(table.name);
    const parents = new Map<string, Row[]>();
    for (const ref of table.references) {
      if (ref.table === table.name) continue;
      parents.set(
        ref.table,
        (await sql<Row>`SELECT * FROM ${sql.table(ref.table)} LIMIT 50`.execute(db)).rows,
      );
    }
    for (let i = 0; i < perTable; i++) {
      const n = ++counter.n;
      const row: Row = {};
      for (const column of table.columns)
        if (!column.assigned) row[column.name] = valueFor(column, n, dialect);
      for (const [k, ref] of table.references.entries()) {
        const options = parents.get(ref.table) ?? [];
        // Two keys to one table (a link's two ends) name different rows.
        const parent = options.length ? options[(n + k) % options.length] : undefined;
        ref.columns.forEach((c, j) => {
          row[c] = parent ? parent[ref.to[j]] : null;
        });
      }
      // A CHECK over several columns ("exactly one of asset and user") may refuse the full row: the nullable
      // columns are then left empty, all but one at a time.
      const nullable = table.columns.filter(
        (c) => !c.notNull && row[c.name] !== null && row[c.name] !== undefined,
      );
      const emptied = (keep: string | null) =>
        Object.fromEntries(
          Object.entries(row).map(([c, v]) => [
            c,
            nullable.some((x) => x.name === c && c !== keep) ? null : v,
          ]),
        );
      const variants = [row, ...nullable.map((c) => emptied(c.name)), emptied(null)];
      for (const variant of variants) {
        const failed = await insertRow(db, dialect, table.name, variant);
        if (!failed) break;
        if (variant === row) refused.set(table.name, failed);
      }
    }
  }
  for (const t of tables)
    if (!done.has(t.name)) refused.set(t.name, 'its parents never took a row (a cycle)');
  const empty: { table: string; reason: string }[] = [];
  for (const [table, reason] of refused) {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
    if (Number(rows[0].n) === 0) empty.push({ table, reason });
  }
  return empty;
}

/**
 * Inserts a row; the database's refusal as text, or null. On PostgreSQL under a savepoint: a refused row does not
 * end the transaction the rows are written in.
 */
async function insertRow(db: AnyDb, dialect: Dialect, table: string, row: Row): Promise<string | null> {
  if (dialect === 'postgres') await sql`SAVEPOINT fill_row`.execute(db);
  try {
    await db.insertInto(table).values(row).execute();
    if (dialect === 'postgres') await sql`RELEASE SAVEPOINT fill_row`.execute(db);
    return null;
  } catch (err) {
    if (dialect === 'postgres') await sql`ROLLBACK TO SAVEPOINT fill_row`.execute(db);
    return (err as Error).message;
  }
}

/** Every row of every table, as JSON per column (Buffers as hex), for comparing before and after a migration. */
export async function readTables(db: AnyDb, tables: Table[]): Promise<Map<string, Row[]>> {
  const all = new Map<string, Row[]>();
  for (const table of tables) {
    const { rows } = await sql<Row>`SELECT * FROM ${sql.table(table.name)}`.execute(db);
    all.set(
      table.name,
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? `hex:${v.toString('hex')}` : v]),
        ),
      ),
    );
  }
  return all;
}
