// SQLite: the vocabularies of the two FTS5 indexes as tables (fts5vocab, no storage of their own), so that a
// search can expand the prefix of its last word into the whole words it stands for. PostgreSQL: nothing.
// Frozen in time.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`CREATE VIRTUAL TABLE ticket_fts_terms USING fts5vocab('ticket_fts', 'row')`.execute(db);
  await sql`CREATE VIRTUAL TABLE comment_fts_terms USING fts5vocab('comment_fts', 'row')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`DROP TABLE comment_fts_terms`.execute(db);
  await sql`DROP TABLE ticket_fts_terms`.execute(db);
}
