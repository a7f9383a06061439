// The knowledge base, faster to read (issue 13's bars): each article's body is kept rendered (HTML and the
// headings, made when it is written, so a reader never waits for Markdown and the sanitiser; an article written
// before this migration is rendered on its first read) in a table of its own, so the articles table stays narrow
// for the searches that filter its rows; and on PostgreSQL a second, small tsvector of the lead fields (title and
// tags) with its GIN index, so a search for a common word ranks the articles with it in their title or tags, a
// few, instead of every article with it in the text. Both article indexes go without GIN's pending list.
// Frozen in time: Kysely<any>.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('article_renderings')
    .addColumn('article_id', 'integer', (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
    // The article version this rendering is of.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('headings_json', 'text', (c) => c.notNull())
    .execute();
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
  await db.schema.dropTable('article_renderings').execute();
}
