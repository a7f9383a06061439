// The knowledge base page: search as you type (debounced) with filters for kind and category (staff also
// audience and status), results with the matching words marked; with no words, browse by category and kind.
// The filters live in the address bar, so a search can be shared and Back returns to it.
import { Link, useSearchParams } from 'react-router-dom';
import {
  type ArticleAudience,
  type ArticleHit,
  type ArticleKind,
  type ArticleQuery,
  type ArticleStatus,
  articleKinds,
  articleStatusLabel,
  audienceLabel,
  kindLabel,
  useArticleSearch,
  useKbCategories,
} from '../../api/knowledge';
import { isManager, isStaff, useUser } from '../../session';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { ManagePanel } from './manage';
import { ArticleBadges, Snippet, useDebounced } from './parts';

function ResultList({ items }: { items: ArticleHit[] }) {
  return (
    <ul className="kb-results">
      {items.map((a) => (
        <li key={a.id} className="card kb-result">
          <div className="kb-result-head">
            <Link to={`/kb/${a.id}`} className="kb-result-title">
              {a.title}
            </Link>
            <ArticleBadges kind={a.kind} audience={a.audience} status={a.status} />
          </div>
          <Snippet parts={a.snippet} />
          <p className="muted small kb-result-meta">
            {a.categoryName ?? 'No category'} · updated <Time iso={a.updatedAt} />
            {a.tags.length > 0 && (
              <span className="tags-inline">
                {a.tags.map((t) => (
                  <span key={t} className="tag">
                    {t}
                  </span>
                ))}
              </span>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}

export default function KnowledgeBase() {
  useTitle('Knowledge base');
  const user = useUser();
  const staff = isStaff(user);
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const q = useDebounced(text.trim(), 250);
  const kind = (params.get('kind') ?? '') as ArticleKind | '';
  const categoryId = params.get('category') ?? '';
  const audience = (params.get('audience') ?? '') as ArticleAudience | '';
  const status = (params.get('status') ?? '') as ArticleStatus | '';
  const manager = isManager(user);
  const managing = manager && params.get('manage') === '1';
  const categories = useKbCategories();

  const set = (name: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      // Typing replaces the entry: Back leaves the search, not each letter.
      { replace: name === 'q' },
    );

  const query: ArticleQuery = {
    limit: 50,
    ...(q ? { q } : {}),
    ...(kind ? { kind } : {}),
    ...(categoryId ? { categoryId: Number(categoryId) } : {}),
    ...(staff && audience ? { audience } : {}),
    ...(staff && status ? { status } : {}),
  };
  const results = useArticleSearch(query);
  const filtered = Boolean(q || kind || categoryId || audience || status);
  const items = results.data?.items ?? [];

  return (
    <div className="page kb-page">
      <div className="page-head">
        <h1>Knowledge base</h1>
        <span className="kb-head-actions">
          {manager && (
            <button type="button" aria-expanded={managing} onClick={() => set('manage', managing ? '' : '1')}>
              {managing ? 'Close manager tools' : 'Categories, import, export'}
            </button>
          )}
          {staff && (
            <Link className="button primary" to="/kb/new">
              New article
            </Link>
          )}
        </span>
      </div>
      <p className="muted">Answers, guides and policies. Search first — most questions are answered here.</p>
      {managing && (
        <div id="kb-manage">
          <ManagePanel />
        </div>
      )}
      <form className="kb-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="kb-q" className="visually-hidden">
          Search the knowledge base
        </label>
        <input
          id="kb-q"
          type="search"
          placeholder="Search articles, e.g. “vpn disconnects”"
          value={text}
          onChange={(e) => set('q', e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: searching is what this page is for
          autoFocus
        />
      </form>
      <div className="filters kb-filters">
        <label className="inline">
          <span>Kind</span>
          <select value={kind} onChange={(e) => set('kind', e.target.value)}>
            <option value="">Any kind</option>
            {articleKinds.map((k) => (
              <option key={k} value={k}>
                {kindLabel[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Category</span>
          <select value={categoryId} onChange={(e) => set('category', e.target.value)}>
            <option value="">Any category</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        {staff && (
          <label className="inline">
            <span>Audience</span>
            <select value={audience} onChange={(e) => set('audience', e.target.value)}>
              <option value="">Any audience</option>
              {(Object.keys(audienceLabel) as ArticleAudience[])
                .filter((a) => a !== 'managers' || isManager(user))
                .map((a) => (
                  <option key={a} value={a}>
                    {audienceLabel[a]}
                  </option>
                ))}
            </select>
          </label>
        )}
        {staff && (
          <label className="inline">
            <span>Status</span>
            <select value={status} onChange={(e) => set('status', e.target.value)}>
              <option value="">Not archived</option>
              {(Object.keys(articleStatusLabel) as ArticleStatus[]).map((s) => (
                <option key={s} value={s}>
                  {articleStatusLabel[s]}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorMessage error={results.error} title="The search did not run." />
      {results.isPending && <Loading label="Searching…" />}
      {results.data && filtered && (
        <section aria-label="Results" aria-busy={results.isFetching}>
          <p className="muted small" role="status">
            {items.length === 0
              ? 'No articles found.'
              : `${items.length}${results.data.nextCursor ? '+' : ''} article${items.length === 1 ? '' : 's'}`}
          </p>
          {items.length === 0 ? (
            <Empty title={q ? `Nothing matches “${q}”.` : 'No articles with these filters.'}>
              {staff ? (
                <p>
                  <Link to={`/kb/new${q ? `?title=${encodeURIComponent(q)}` : ''}`}>Write this article</Link>
                </p>
              ) : (
                <p>
                  Try other words, or <Link to="/requests/new">ask the service desk</Link>.
                </p>
              )}
            </Empty>
          ) : (
            <ResultList items={items} />
          )}
        </section>
      )}
      {results.data && !filtered && (
        <Browse items={items} categories={(categories.data ?? []).map((c) => ({ id: c.id, name: c.name }))} />
      )}
    </div>
  );
}

/** No search: the articles grouped by category, with the kinds to pick from. */
function Browse({ items, categories }: { items: ArticleHit[]; categories: { id: number; name: string }[] }) {
  if (items.length === 0)
    return <Empty title="The knowledge base is empty.">Articles appear here once they are published.</Empty>;
  const kinds = articleKinds.filter((k) => items.some((a) => a.kind === k));
  const groups = [
    ...categories.map((c) => ({
      key: String(c.id),
      name: c.name,
      items: items.filter((a) => a.categoryId === c.id),
    })),
    { key: 'none', name: 'Other articles', items: items.filter((a) => a.categoryId === null) },
  ].filter((g) => g.items.length > 0);
  return (
    <>
      <nav aria-label="Browse by kind" className="kb-kinds">
        {kinds.map((k) => (
          <Link key={k} to={`/kb?kind=${k}`} className="chip">
            {kindLabel[k]} ({items.filter((a) => a.kind === k).length})
          </Link>
        ))}
      </nav>
      <div className="kb-browse">
        {groups.map((g) => (
          <section key={g.key} className="card kb-category" aria-labelledby={`kb-cat-${g.key}`}>
            <h2 id={`kb-cat-${g.key}`}>
              {g.key === 'none' ? g.name : <Link to={`/kb?category=${g.key}`}>{g.name}</Link>}
            </h2>
            <ul className="kb-links">
              {g.items.slice(0, 8).map((a) => (
                <li key={a.id}>
                  <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
                  <ArticleBadges kind={a.kind} audience={a.audience} status={a.status} />
                </li>
              ))}
            </ul>
            {g.items.length > 8 && g.key !== 'none' && (
              <Link to={`/kb?category=${g.key}`} className="small">
                All {g.items.length} articles
              </Link>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
