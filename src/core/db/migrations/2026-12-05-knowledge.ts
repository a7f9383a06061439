// The knowledge base (issue 13): articles (FAQs, guides, manuals, runbooks, policies, procedures) with every
// version kept, their categories, tags, attachments (bytes in the database, so every instance serves them),
// policy reviews and acknowledgements, the tickets that used them, the requests they answered before a ticket
// was filed (deflections) and the searches that found nothing (gaps). Full-text search: FTS5 (contentless,
// deletable) on SQLite; generated tsvector columns with GIN on PostgreSQL. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('kb_categories')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('articles')
    .addColumn('id', idType, id)
    // 'faq' | 'guide' | 'manual' | 'runbook' | 'policy' | 'procedure'
    .addColumn('kind', 'text', (c) => c.notNull())
    // 'public' (requesters too) | 'internal' (staff) | 'managers'
    .addColumn('audience', 'text', (c) => c.notNull())
    // 'draft' | 'in_review' | 'published' | 'archived'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    // Markdown, the current version's.
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('category_id', 'integer', (c) => c.references('kb_categories.id').onDelete('set null'))
    // The tags, space-separated (searched; article_tags holds them for filters).
    .addColumn('tag_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('published_at', ms)
    // Policies and procedures: who answers for it, from when it holds, how often it is reviewed.
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('effective_at', ms)
    .addColumn('review_interval_days', 'integer')
    .addColumn('next_review_at', ms)
    .addColumn('last_reviewed_at', ms)
    // The next_review_at a reminder was queued for (one reminder per due date, whichever instance sends it).
    .addColumn('reminded_for', ms)
    .addColumn('requires_ack', 'integer', (c) => c.notNull().defaultTo(0))
    // Pages the service writes itself ('service_agreement'): kept true by it, not edited by hand.
    .addColumn('generated', 'text', (c) => c.unique())
    .addColumn('source_ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    // Requests it answered before a ticket was filed.
    .addColumn('helped_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('articles_status').on('articles').columns(['status', 'updated_at']).execute();
  await db.schema.createIndex('articles_category').on('articles').column('category_id').execute();
  await db.schema.createIndex('articles_review').on('articles').column('next_review_at').execute();

  await db.schema
    .createTable('article_tags')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_tags_pk', ['article_id', 'tag'])
    .execute();
  await db.schema.createIndex('article_tags_tag').on('article_tags').columns(['tag', 'article_id']).execute();

  await db.schema
    .createTable('article_versions')
    .addColumn('id', idType, id)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('category_id', 'integer')
    .addColumn('tag_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // What the author said of the change ('' when nothing), or what made it ('restored version 3').
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addUniqueConstraint('article_versions_number', ['article_id', 'version'])
    .execute();

  await db.schema
    .createTable('article_attachments')
    .addColumn('id', idType, id)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('article_attachments_article')
    .on('article_attachments')
    .column('article_id')
    .execute();

  await db.schema
    .createTable('article_acknowledgements')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The version read: a new version asks everyone again.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('article_acknowledgements_pk', ['article_id', 'user_id', 'version'])
    .execute();

  await db.schema
    .createTable('ticket_articles')
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('linked_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('linked_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_articles_pk', ['ticket_id', 'article_id'])
    .execute();
  await db.schema
    .createIndex('ticket_articles_article')
    .on('ticket_articles')
    .columns(['article_id', 'ticket_id'])
    .execute();

  await db.schema
    .createTable('article_deflections')
    .addColumn('id', idType, id)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // What the requester had typed (bounded): what the article answered, used to rank it for the next one.
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('article_deflections_article')
    .on('article_deflections')
    .columns(['article_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('article_deflections_at')
    .on('article_deflections')
    .column('created_at')
    .execute();

  await db.schema
    .createTable('article_search_gaps')
    .addColumn('id', idType, id)
    // The search as folded words, one space between them.
    .addColumn('query', 'text', (c) => c.notNull().unique())
    .addColumn('searches', 'integer', (c) => c.notNull())
    .addColumn('first_at', ms, (c) => c.notNull())
    .addColumn('last_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('article_search_gaps_last')
    .on('article_search_gaps')
    .column('last_at')
    .execute();

  if (pg) {
    await sql`ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
      setweight(to_tsvector('english', coalesce(tag_text, '')), 'B') ||
      setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED`.execute(db);
    await sql`CREATE INDEX articles_search ON articles USING gin (search_vector)`.execute(db);
    await sql`ALTER TABLE article_versions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
      setweight(to_tsvector('english', coalesce(tag_text, '')), 'B') ||
      setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED`.execute(db);
    await sql`CREATE INDEX article_versions_search ON article_versions USING gin (search_vector)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE article_fts USING fts5(title, tag_text, body, content='', contentless_delete=1, tokenize='porter unicode61')`.execute(
      db,
    );
    await sql`CREATE VIRTUAL TABLE article_version_fts USING fts5(title, tag_text, body, content='', contentless_delete=1, tokenize='porter unicode61')`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (!pg) {
    await sql`DROP TABLE article_version_fts`.execute(db);
    await sql`DROP TABLE article_fts`.execute(db);
  }
  for (const table of [
    'article_search_gaps',
    'article_deflections',
    'ticket_articles',
    'article_acknowledgements',
    'article_attachments',
    'article_versions',
    'article_tags',
    'articles',
    'kb_categories',
  ])
    await db.schema.dropTable(table).execute();
}
