// The knowledge base's full-text indexes, described for the search port (core/db/full-text.ts): the current
// articles, and every version of them (the technicians' search within versions). Titles weigh most, then
// tags, then the text; on PostgreSQL an article with the words in its title or tags ranks before one with them
// only in its text (the lead vector, see the port's rankedPage).
import { defineIndex } from '../core/db/index.js';

const fields = [
  { name: 'title', weight: 8, label: 'A' },
  { name: 'tag_text', weight: 4, label: 'B' },
  { name: 'body', weight: 1, label: 'C' },
] as const;

export const articleIndex = defineIndex({
  table: 'articles',
  fts5Table: 'article_fts',
  vectorColumn: 'search_vector',
  leadVectorColumn: 'lead_vector',
  fields,
});

export const articleVersionIndex = defineIndex({
  table: 'article_versions',
  fts5Table: 'article_version_fts',
  vectorColumn: 'search_vector',
  fields,
});
