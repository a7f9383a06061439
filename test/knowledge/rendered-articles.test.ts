// Rendered HTML kept by (article, version): a second read of a version is the same rendering, a new version
// is rendered anew, and the least recently read go first once the bound is passed.
import { describe, expect, it } from 'vitest';
import { RenderedArticles } from '../../src/knowledge/article-rendering.js';

describe('rendered articles by version', () => {
  it('renders a version once, a new version anew', () => {
    const cache = new RenderedArticles();
    const first = cache.get(1, 1, '# One');
    expect(first.html).toContain('<h1 id="one">One</h1>');
    expect(cache.get(1, 1, 'ignored: the version is the same text')).toBe(first);
    expect(cache.get(1, 2, '# Two').html).toContain('Two');
  });

  it('lets the least recently read go past the bound', () => {
    const cache = new RenderedArticles(60);
    const a = cache.get(1, 1, 'aaaaaaaaaaaaaaaaaaaa');
    cache.get(2, 1, 'bbbbbbbbbbbbbbbbbbbb');
    // Reading 1 again makes 2 the oldest: the third entry pushes 2 out, not 1.
    expect(cache.get(1, 1, 'x')).toBe(a);
    cache.get(3, 1, 'cccccccccccccccccccc');
    expect(cache.get(1, 1, 'x')).toBe(a);
    expect(cache.get(2, 1, 'changed').html).toContain('changed');
  });
});
