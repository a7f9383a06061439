// Assets (issue 16): the inventory of hardware and software (GLPI's is the anchor) — assets with their lifecycle,
// money and warranty columns and their hardware facts (JSON), the MAC addresses that identify them, the software
// installed on them, licences with seats and their assignments, relations between assets (a small CMDB), the
// tickets that name them, each asset's own history, and the inventory agents (FusionInventory / GLPI agent)
// that submit inventories, each with its own token. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const serial = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('inventory_agents')
    .addColumn('id', serial, id)
    .addColumn('name', 'text', (c) => c.notNull())
    // SHA-256 of the agent's token (core/auth digest); the token is shown once.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_seen_at', ms)
    .addColumn('revoked_at', ms)
    .execute();

  await db.schema
    .createTable('assets')
    .addColumn('id', serial, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('serial', 'text')
    .addColumn('asset_tag', 'text')
    .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('manufacturer', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // A purchase date is a day: midnight UTC of it.
    .addColumn('purchased_on', ms)
    .addColumn('cost_minor', ms)
    .addColumn('cost_currency', 'text')
    .addColumn('supplier', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('warranty_ends_on', ms)
    .addColumn('end_of_life_on', ms)
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    // JSON: cpus, memory, disks, drives, network cards, operating system, bios (src/assets/asset-model.ts).
    .addColumn('hardware', 'text')
    .addColumn('inventory_agent_id', 'integer', (c) =>
      c.references('inventory_agents.id').onDelete('set null'),
    )
    // The agent's DEVICEID: one asset per device.
    .addColumn('inventory_device_id', 'text', (c) => c.unique())
    .addColumn('inventoried_at', ms)
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addCheckConstraint(
      'assets_type',
      sql`type IN ('computer', 'server', 'network_device', 'printer', 'phone', 'peripheral', 'monitor', 'software', 'licence')`,
    )
    .addCheckConstraint('assets_status', sql`status IN ('in_stock', 'in_use', 'in_repair', 'retired')`)
    .addCheckConstraint(
      'assets_cost',
      sql`(cost_minor IS NULL AND cost_currency IS NULL) OR (cost_minor IS NOT NULL AND cost_currency IS NOT NULL)`,
    )
    .execute();
  await db.schema.createIndex('assets_updated').on('assets').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('assets_name').on('assets').columns(['name', 'id']).execute();
  await db.schema.createIndex('assets_type_status').on('assets').columns(['type', 'status']).execute();
  await db.schema.createIndex('assets_owner').on('assets').columns(['owner_id']).execute();
  await db.schema.createIndex('assets_serial').on('assets').columns(['serial']).execute();
  await db.schema.createIndex('assets_tag').on('assets').columns(['asset_tag']).unique().execute();
  await db.schema.createIndex('assets_warranty').on('assets').columns(['warranty_ends_on']).execute();

  // The MAC addresses of an asset's network cards (lower case, colon-separated): how a device is recognised.
  await db.schema
    .createTable('asset_macs')
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('mac', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_macs_pk', ['asset_id', 'mac'])
    .execute();
  await db.schema.createIndex('asset_macs_mac').on('asset_macs').columns(['mac']).execute();

  await db.schema
    .createTable('asset_software')
    .addColumn('id', serial, id)
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('publisher', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('installed_on', ms)
    // 'inventory' (replaced by each submission) | 'manual'
    .addColumn('source', 'text', (c) => c.notNull())
    .addCheckConstraint('asset_software_source', sql`source IN ('inventory', 'manual')`)
    .execute();
  await db.schema
    .createIndex('asset_software_asset')
    .on('asset_software')
    .columns(['asset_id', 'name'])
    .execute();
  await db.schema.createIndex('asset_software_name').on('asset_software').columns(['name']).execute();

  // The terms of an asset of type licence.
  await db.schema
    .createTable('asset_licences')
    .addColumn('asset_id', 'integer', (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
    .addColumn('software_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('expires_on', ms)
    .addCheckConstraint('asset_licences_seats', sql`seats >= 0`)
    .execute();
  await db.schema
    .createTable('licence_assignments')
    .addColumn('id', serial, id)
    .addColumn('licence_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('asset_id', 'integer', (c) => c.references('assets.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('assigned_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('assigned_at', ms, (c) => c.notNull())
    .addCheckConstraint(
      'licence_assignments_one',
      sql`(asset_id IS NULL AND user_id IS NOT NULL) OR (asset_id IS NOT NULL AND user_id IS NULL)`,
    )
    .execute();
  await db.schema
    .createIndex('licence_assignments_asset')
    .on('licence_assignments')
    .columns(['licence_id', 'asset_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('licence_assignments_user')
    .on('licence_assignments')
    .columns(['licence_id', 'user_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('asset_relations')
    .addColumn('id', serial, id)
    .addColumn('from_asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('to_asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    // 'installed_on' | 'connected_to' | 'depends_on'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addCheckConstraint('asset_relations_kind', sql`kind IN ('installed_on', 'connected_to', 'depends_on')`)
    .addCheckConstraint('asset_relations_not_self', sql`from_asset_id <> to_asset_id`)
    .execute();
  await db.schema
    .createIndex('asset_relations_unique')
    .on('asset_relations')
    .columns(['from_asset_id', 'to_asset_id', 'kind'])
    .unique()
    .execute();
  await db.schema.createIndex('asset_relations_to').on('asset_relations').columns(['to_asset_id']).execute();

  // A ticket names the assets it affects (many to many).
  await db.schema
    .createTable('asset_tickets')
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('linked_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('linked_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_tickets_pk', ['asset_id', 'ticket_id'])
    .execute();
  await db.schema.createIndex('asset_tickets_ticket').on('asset_tickets').columns(['ticket_id']).execute();

  await db.schema
    .createTable('asset_history')
    .addColumn('id', serial, id)
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    // Null: the system (an inventory agent's submission names its agent in the value).
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .execute();
  await db.schema
    .createIndex('asset_history_asset')
    .on('asset_history')
    .columns(['asset_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'asset_history',
    'asset_tickets',
    'asset_relations',
    'licence_assignments',
    'asset_licences',
    'asset_software',
    'asset_macs',
    'assets',
    'inventory_agents',
  ])
    await db.schema.dropTable(t).execute();
}
