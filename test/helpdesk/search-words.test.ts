// The search word list on SQLite (search_words): it must hold exactly the words FTS5 indexed — FTS5's own
// tokenizer fills it — so that a broad search spells out a prefix into the words the indexes really hold.
// Checked against the indexes' vocabularies over random texts, and across a rolled-back transaction.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/index.js';
import { createUser } from '../../src/core/auth/index.js';
import { defineWordList } from '../../src/core/db/index.js';
import { addComment, createTicket } from '../../src/helpdesk/index.js';
import { searchWords } from '../../src/helpdesk/ticket-search.js';
import { makeContext, type TestContext } from '../support/context.js';

const pieces = [
  'printer',
  'Printing',
  'PRINTED',
  'errors',
  'connection',
  'connecting',
  'naïve',
  'Ünïcödé',
  'Réseau',
  'straße',
  'ΑΘΗΝΑ',
  '東京',
  'srv0042.example.com',
  'x86_64',
  'e-mail',
  "don't",
  '3rd',
  '—',
  '...',
  '😀',
  'generalizations',
  'happily',
];

describe('search word list on sqlite', () => {
  let t: TestContext;
  let tech: Actor;

  beforeAll(async () => {
    t = await makeContext('sqlite');
    const user = await createUser(t.ctx, null, {
      email: 'tech@example.test',
      name: 'Tech',
      role: 'technician',
    });
    tech = { ...user, groupIds: [], via: 'system', csrfToken: null };
  });
  afterAll(async () => t?.close());

  const words = async () =>
    (await t.ctx.db.selectFrom('search_words').select('word').orderBy('word').execute()).map((r) => r.word);
  const indexed = async () =>
    (
      await sql<{ term: string }>`SELECT term FROM ticket_fts_terms UNION SELECT term FROM comment_fts_terms
        ORDER BY term`.execute(t.ctx.db)
    ).rows.map((r) => r.term);

  it('holds exactly the words of the indexed titles, descriptions and comments', async () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 12 })), {
        minLength: 1,
        maxLength: 12,
      })
      .map((parts) => parts.join(' '));
    await fc.assert(
      fc.asyncProperty(text, text, fc.option(text), async (title, description, comment) => {
        const ticket = await createTicket(t.ctx, tech, { title: `T ${title}`.slice(0, 200), description });
        // A blank comment is refused (addComment's own rule), so only one with text is added.
        if (comment?.trim()) await addComment(t.ctx, tech, ticket.id, { body: comment });
        expect(await words()).toEqual(await indexed());
      }),
      { numRuns: 40 },
    );
  });

  it('keeps no word of a transaction that rolled back', async () => {
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.caps.search.addWords(trx, searchWords, 'zyzzyva quokkas');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await words()).not.toContain('zyzzyva');
    await createTicket(t.ctx, tech, { title: 'Zyzzyva', description: 'quokkas' });
    expect(await words()).toEqual(expect.arrayContaining(['zyzzyva', 'quokka']));
  });

  it('fills each word list with its own texts only, when one transaction adds to two', async () => {
    await sql`CREATE TABLE other_words (word TEXT PRIMARY KEY) WITHOUT ROWID`.execute(t.ctx.db);
    const other = defineWordList({ table: 'other_words' });
    const before = await words();
    await t.ctx.db.transaction().execute(async (trx) => {
      await t.ctx.caps.search.addWords(trx, other, 'Kangaroos jumping');
      await t.ctx.caps.search.addWords(trx, searchWords, 'wombats digging');
    });
    const others = await sql<{ word: string }>`SELECT word FROM other_words ORDER BY word`.execute(t.ctx.db);
    expect(others.rows.map((r) => r.word)).toEqual(['jump', 'kangaroo']);
    const after = await words();
    expect(new Set(after)).toEqual(new Set([...before, 'dig', 'wombat']));
  });
});
