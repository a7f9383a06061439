// SQLite: the words of both FTS5 indexes as a plain table, so that a search can spell out the prefix of its
// last word without FTS5's vocabulary tables (which walk every word's whole doclist to count it: ~20 ms for
// a word in most of a million tickets). Filled here from the indexes' own vocabularies; kept current as text
// is indexed (src/helpdesk/ticket-search.ts). PostgreSQL: nothing. Frozen in time.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`CREATE TABLE search_words (word TEXT PRIMARY KEY) WITHOUT ROWID`.execute(db);
  await sql`INSERT OR IGNORE INTO search_words (word) SELECT term FROM ticket_fts_terms`.execute(db);
  await sql`INSERT OR IGNORE INTO search_words (word) SELECT term FROM comment_fts_terms`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`DROP TABLE search_words`.execute(db);
}
