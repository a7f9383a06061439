// An article's rendering is kept (article_renderings), on both databases: made when the body is written
// (created, edited, restored), read back as it was made, never older than the body; an article kept before
// renderings were (no row) is rendered on its first read and kept, and a rendering of an older version is
// never served, but replaced.
// And the ranking on both engines: an article with the word in its title comes before one that only says it
// in its text, and pages of a ranked search fit together (no article twice, none left out) — on PostgreSQL
// across the two tiers of the lead vector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import {
  createArticle,
  getRenderedArticle,
  renderArticle,
  restoreArticleVersion,
  searchArticles,
  updateArticle,
} from '../../src/knowledge/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('kept renderings and ranked pages on %s', (dialect) => {
  let t: TestContext;
  let manager: Actor;

  const kept = (id: number) =>
    t.ctx.db
      .selectFrom('article_renderings')
      .select(['html', 'headings_json', 'version'])
      .where('article_id', '=', id)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await makeContext(dialect);
    const user = await createUser(t.ctx, null, {
      email: 'kb-manager@example.test',
      name: 'Kay Manager',
      role: 'manager',
      password: 'correct horse battery staple',
    });
    manager = actorForUser({ ...user, groupIds: [] });
  });
  afterAll(() => t.close());

  it('keeps the rendering made when the body is written, and a new one for each new body', async () => {
    const a = await createArticle(t.ctx, manager, {
      title: 'Docking station',
      body: '# Docking station\n\nPlug the **USB-C** cable in.\n\n## Still dark?\n\nReplace the dock.',
      kind: 'guide',
      audience: 'public',
      status: 'published',
    });
    const first = await kept(a.id);
    expect(first.html).toBe(renderArticle(a.body).html);
    expect(first.version).toBe(a.version);
    expect(JSON.parse(first.headings_json ?? 'null')).toEqual([
      { level: 1, text: 'Docking station', id: 'docking-station' },
      { level: 2, text: 'Still dark?', id: 'still-dark' },
    ]);

    const edited = await updateArticle(t.ctx, manager, a.id, {
      baseVersion: a.version,
      body: 'Unplug it <script>alert(1)</script> and wait ten seconds.',
    });
    const second = await kept(a.id);
    expect(second.html).toContain('Unplug it');
    expect(second.html).not.toContain('<script');
    expect(second.version).toBe(edited.version);
    const read = await getRenderedArticle(t.ctx, manager, a.id);
    expect(read.html).toBe(second.html);
    expect(read.headings).toEqual([]);

    await restoreArticleVersion(t.ctx, manager, a.id, 1);
    const restored = await getRenderedArticle(t.ctx, manager, a.id);
    expect(restored.article.version).toBe(edited.version + 1);
    expect(restored.html).toBe(first.html);
  });

  it("renders an article kept without a rendering on its first read, and replaces an older version's", async () => {
    const a = await createArticle(t.ctx, manager, {
      title: 'Older article',
      body: 'Written **before** renderings were kept.',
      kind: 'faq',
      audience: 'public',
      status: 'published',
    });
    await t.ctx.db.deleteFrom('article_renderings').where('article_id', '=', a.id).execute();
    const read = await getRenderedArticle(t.ctx, manager, a.id);
    expect(read.html).toContain('<strong>before</strong>');
    expect(await kept(a.id)).toEqual({ html: read.html, headings_json: '[]', version: a.version });

    // A rendering of an older version (a writer's, before the article moved on) is not served, but replaced.
    const edited = await updateArticle(t.ctx, manager, a.id, {
      baseVersion: a.version,
      body: 'Now *newer*.',
    });
    await t.ctx.db
      .updateTable('article_renderings')
      .set({ html: 'stale', version: a.version })
      .where('article_id', '=', a.id)
      .execute();
    const again = await getRenderedArticle(t.ctx, manager, a.id);
    expect(again.html).toContain('<em>newer</em>');
    expect(await kept(a.id)).toMatchObject({ html: again.html, version: edited.version });
  });

  it('ranks a title match first and pages a ranked search without gaps or repeats', async () => {
    // 9 articles say "teleporter" only in their text (several times), 4 in their title, 3 in their tags.
    const ids = { title: [] as number[], tags: [] as number[], text: [] as number[] };
    for (let i = 0; i < 9; i++)
      ids.text.push(
        (
          await createArticle(t.ctx, manager, {
            title: `Lab equipment note ${i}`,
            body: 'The teleporter hums. Teleporter calibration first; the teleporter then needs a reset.',
            kind: 'guide',
            audience: 'public',
            status: 'published',
          })
        ).id,
      );
    for (let i = 0; i < 4; i++)
      ids.title.push(
        (
          await createArticle(t.ctx, manager, {
            title: `Teleporter safety ${i}`,
            body: 'Stand clear of the pad.',
            kind: 'faq',
            audience: 'public',
            status: 'published',
          })
        ).id,
      );
    for (let i = 0; i < 3; i++)
      ids.tags.push(
        (
          await createArticle(t.ctx, manager, {
            title: `Pad maintenance ${i}`,
            body: 'Clean the pad weekly.',
            kind: 'faq',
            audience: 'public',
            status: 'published',
            tags: ['teleporter'],
          })
        ).id,
      );

    const whole = await searchArticles(t.ctx, manager, { q: 'teleporter', limit: 50 });
    const order = whole.items.map((i) => i.article.id);
    expect(order).toHaveLength(16);
    expect(new Set(order.slice(0, 4))).toEqual(new Set(ids.title));
    expect(new Set(order.slice(4, 7))).toEqual(new Set(ids.tags));
    expect(new Set(order.slice(7))).toEqual(new Set(ids.text));
    const scores = whole.items.map((i) => i.score ?? Number.NaN);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));

    // Pages of 3, then of 5: the same articles in the same order, across the tiers' boundaries.
    for (const size of [3, 5]) {
      const paged: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchArticles(t.ctx, manager, {
          q: 'teleporter',
          limit: size,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(size);
        paged.push(...page.items.map((i) => i.article.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(order);
    }
  });
});
