// Saved views get a scope: the list they filter ('tickets', the queue's views as before, or 'assets', the
// inventory list's). Existing views are the queue's. Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('saved_views')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('tickets'))
    .execute();
  await db.schema
    .createIndex('saved_views_user_scope')
    .on('saved_views')
    .columns(['user_id', 'scope', 'id'])
    .execute();
}
