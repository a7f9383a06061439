// Suggestions on several instances of one database: each holds its own index; an article published, archived
// or found helpful through one instance changes what every instance suggests within a second (the version row
// in cache_versions), and at once on the instance that wrote it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ServiceContext } from '../../src/core/context.js';
import { createArticle, suggestArticles, transitionArticle } from '../../src/knowledge/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('suggestions across instances on %s', (dialect) => {
  let t: TestContext;
  let other: { ctx: ServiceContext; close(): Promise<void> };
  let otherClock: ManualClock;
  let manager: ReturnType<typeof actorForUser>;

  beforeAll(async () => {
    t = await makeContext(dialect);
    otherClock = new ManualClock(t.clock.now());
    other = await t.openAnother(otherClock);
    const user = await createUser(t.ctx, null, {
      email: 'kb-manager@example.test',
      name: 'KB Manager',
      role: 'manager',
      password: 'correct horse battery',
      groupIds: [],
    });
    manager = actorForUser({ ...user, groupIds: [] });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  const ids = async (ctx: ServiceContext, text: string) =>
    (await suggestArticles(ctx, manager, text, 5)).map((s) => s.article.id);

  it('an article published on one instance is suggested by the other within a second', async () => {
    expect(await ids(other.ctx, 'projector in meeting room')).toEqual([]);
    const a = await createArticle(t.ctx, manager, {
      title: 'Projector in the meeting room shows no picture',
      body: 'Press the input button on the projector remote until it shows HDMI 1.',
      kind: 'faq',
      audience: 'public',
      status: 'published',
    });
    // The writer sees it at once.
    expect(await ids(t.ctx, 'projector in meeting room')).toEqual([a.id]);
    // The other instance reads the versions at most once a second: within a second, it sees it too.
    otherClock.advance(1000);
    expect(await ids(other.ctx, 'projector in meeting room')).toEqual([a.id]);
    await transitionArticle(other.ctx, manager, a.id, 'archived');
    expect(await ids(other.ctx, 'projector in meeting room')).toEqual([]);
    t.clock.advance(1000);
    expect(await ids(t.ctx, 'projector in meeting room')).toEqual([]);
  });
});
