// The asset list at scale (issue 16: lists over 200,000 assets, p99 ≤ 50 ms): indexes that give each filter its
// rows already in the list's order (last change first), and a full-text index of the words of an asset's name,
// serial, asset tag, model and manufacturer, so a search reads the matching assets instead of every row. FTS5
// (contentless, deletable) on SQLite, filled here from the assets already kept and kept in step by triggers, so
// every path that writes an asset (the API, imports, inventory agents, host facts) is indexed alike; a generated
// tsvector column with GIN on PostgreSQL. Frozen in time: Kysely<any>.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  // Type and status (one of each is the common filter) in the list's order; type alone in either order (by last
  // change, by name), status alone, location and owner.
  await db.schema.dropIndex('assets_type_status').execute();
  await db.schema
    .createIndex('assets_type_status_updated')
    .on('assets')
    .columns(['type', 'status', 'updated_at', 'id'])
    .execute();
  await db.schema
    .createIndex('assets_type_updated')
    .on('assets')
    .columns(['type', 'updated_at', 'id'])
    .execute();
  await db.schema.createIndex('assets_type_name').on('assets').columns(['type', 'name', 'id']).execute();
  await db.schema
    .createIndex('assets_status_updated')
    .on('assets')
    .columns(['status', 'updated_at', 'id'])
    .execute();
  await db.schema
    .createIndex('assets_location_updated')
    .on('assets')
    .columns(['location', 'updated_at', 'id'])
    .execute();
  await db.schema.dropIndex('assets_owner').execute();
  await db.schema
    .createIndex('assets_owner_updated')
    .on('assets')
    .columns(['owner_id', 'updated_at', 'id'])
    .execute();
  if (pg) {
    await sql`ALTER TABLE assets ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('english', coalesce(name, '') || ' ' || coalesce(serial, '') || ' ' || coalesce(asset_tag, '')
        || ' ' || coalesce(model, '') || ' ' || coalesce(manufacturer, ''))) STORED`.execute(db);
    await sql`CREATE INDEX assets_search ON assets USING gin (search_vector)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE asset_fts USING fts5(name, serial, asset_tag, model, manufacturer, content='', contentless_delete=1, tokenize='porter unicode61')`.execute(
      db,
    );
    await sql`INSERT INTO asset_fts (rowid, name, serial, asset_tag, model, manufacturer)
      SELECT id, name, coalesce(serial, ''), coalesce(asset_tag, ''), model, manufacturer FROM assets`.execute(
      db,
    );
    await sql`CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN
      INSERT INTO asset_fts (rowid, name, serial, asset_tag, model, manufacturer)
      VALUES (new.id, new.name, coalesce(new.serial, ''), coalesce(new.asset_tag, ''), new.model, new.manufacturer);
    END`.execute(db);
    await sql`CREATE TRIGGER assets_fts_update AFTER UPDATE OF name, serial, asset_tag, model, manufacturer ON assets BEGIN
      DELETE FROM asset_fts WHERE rowid = old.id;
      INSERT INTO asset_fts (rowid, name, serial, asset_tag, model, manufacturer)
      VALUES (new.id, new.name, coalesce(new.serial, ''), coalesce(new.asset_tag, ''), new.model, new.manufacturer);
    END`.execute(db);
    await sql`CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN
      DELETE FROM asset_fts WHERE rowid = old.id;
    END`.execute(db);
  }
}
