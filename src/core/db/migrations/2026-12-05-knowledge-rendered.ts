// The knowledge base, faster to read (issue 13's bars): each article keeps its body rendered (HTML and the
// headings, rendered when it is written, so a reader never waits for Markdown and the sanitiser; null until
// an article written before this migration is first read), and on PostgreSQL a second, small tsvector of the
// lead fields (title and tags) with its GIN index, so a search for a common word ranks the articles with it in
// their title or tags, a few, instead of every article with it in the text. Both article indexes go without
// GIN's pending list. Frozen in time: Kysely<any>.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('articles').addColumn('body_html', 'text').execute();
  await db.schema.alterTable('articles').addColumn('headings_json', 'text').execute();
  if (pg) {
    await sql`ALTER TABLE articles ADD COLUMN lead_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
      setweight(to_tsvector('english', coalesce(tag_text, '')), 'B')) STORED`.execute(db);
    // Without GIN's pending list: articles are written seldom and searched often, and a search would otherwise
    // read every entry written since the last vacuum one by one.
    await sql`CREATE INDEX articles_lead_search ON articles USING gin (lead_vector) WITH (fastupdate = off)`.execute(
      db,
    );
    await sql`ALTER INDEX articles_search SET (fastupdate = off)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`ALTER INDEX articles_search RESET (fastupdate)`.execute(db);
    await sql`DROP INDEX articles_lead_search`.execute(db);
    await sql`ALTER TABLE articles DROP COLUMN lead_vector`.execute(db);
  }
  await db.schema.alterTable('articles').dropColumn('headings_json').execute();
  await db.schema.alterTable('articles').dropColumn('body_html').execute();
}
