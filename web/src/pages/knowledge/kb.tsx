// The knowledge base page: search as you type (debounced) with filters for kind and category (staff also
// audience and status), results with the matching words marked; with no words, browse by category and kind.
// The filters live in the address bar, so a search can be shared and Back returns to it.
import { Trans, useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import {
  type ArticleAudience,
  type ArticleHit,
  type ArticleKind,
  type ArticleQuery,
  type ArticleStatus,
  articleKinds,
  useArticleSearch,
  useKbCategories,
} from '../../api/knowledge';
import { isManager, isStaff, useUser } from '../../session';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { ManagePanel } from './manage';
import { ArticleBadges, articleAudiences, articleStatuses, Snippet, useDebounced } from './parts';

function ResultList({ items }: { items: ArticleHit[] }) {
  const { t } = useTranslation('knowledge');
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
            {a.categoryName ?? t('noCategory')} ·{' '}
            <Trans t={t} i18nKey="updatedAt" components={{ time: <Time iso={a.updatedAt} /> }} />
            {a.tags.length > 0 && (
              <span className="tags-inline">
                {a.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
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
  const { t } = useTranslation('knowledge');
  useTitle(t('title'));
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
        <h1>{t('title')}</h1>
        <span className="kb-head-actions">
          {manager && (
            <button type="button" aria-expanded={managing} onClick={() => set('manage', managing ? '' : '1')}>
              {managing ? t('manage.close') : t('manage.open')}
            </button>
          )}
          {staff && (
            <Link className="button primary" to="/kb/new">
              {t('newArticle')}
            </Link>
          )}
        </span>
      </div>
      <p className="muted">{t('intro')}</p>
      {managing && (
        <div id="kb-manage">
          <ManagePanel />
        </div>
      )}
      <form className="kb-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="kb-q" className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id="kb-q"
          type="search"
          placeholder={t('search.placeholder')}
          value={text}
          onChange={(e) => set('q', e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: searching is what this page is for
          autoFocus
        />
      </form>
      <div className="filters kb-filters">
        <label className="inline">
          <span>{t('filter.kind')}</span>
          <select value={kind} onChange={(e) => set('kind', e.target.value)}>
            <option value="">{t('filter.anyKind')}</option>
            {articleKinds.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>{t('filter.category')}</span>
          <select value={categoryId} onChange={(e) => set('category', e.target.value)}>
            <option value="">{t('filter.anyCategory')}</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        {staff && (
          <label className="inline">
            <span>{t('filter.audience')}</span>
            <select value={audience} onChange={(e) => set('audience', e.target.value)}>
              <option value="">{t('filter.anyAudience')}</option>
              {articleAudiences
                .filter((a) => a !== 'managers' || isManager(user))
                .map((a) => (
                  <option key={a} value={a}>
                    {t(`audience.${a}`)}
                  </option>
                ))}
            </select>
          </label>
        )}
        {staff && (
          <label className="inline">
            <span>{t('filter.status')}</span>
            <select value={status} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('filter.notArchived')}</option>
              {articleStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorMessage error={results.error} title={t('search.failed')} />
      {results.isPending && <Loading label={t('search.running')} />}
      {results.data && filtered && (
        <section aria-label={t('search.results')} aria-busy={results.isFetching}>
          <p className="muted small" role="status">
            {items.length === 0
              ? t('search.none')
              : t('search.count', { count: items.length, more: results.data.nextCursor ? 'yes' : 'no' })}
          </p>
          {items.length === 0 ? (
            <Empty title={q ? t('search.nothingMatches', { q }) : t('search.noFiltered')}>
              {staff ? (
                <p>
                  <Link to={`/kb/new${q ? `?title=${encodeURIComponent(q)}` : ''}`}>{t('search.write')}</Link>
                </p>
              ) : (
                <p>
                  <Trans
                    t={t}
                    i18nKey="search.askDesk"
                    components={{ anchor: <Link to="/requests/new" /> }}
                  />
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
  const { t } = useTranslation('knowledge');
  if (items.length === 0) return <Empty title={t('browse.empty')}>{t('browse.emptyText')}</Empty>;
  const kinds = articleKinds.filter((k) => items.some((a) => a.kind === k));
  const groups = [
    ...categories.map((c) => ({
      key: String(c.id),
      name: c.name,
      items: items.filter((a) => a.categoryId === c.id),
    })),
    { key: 'none', name: t('browse.other'), items: items.filter((a) => a.categoryId === null) },
  ].filter((g) => g.items.length > 0);
  return (
    <>
      <nav aria-label={t('browse.byKind')} className="kb-kinds">
        {kinds.map((k) => (
          <Link key={k} to={`/kb?kind=${k}`} className="chip">
            {t(`kind.${k}`)} ({items.filter((a) => a.kind === k).length})
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
                {t('browse.all', { count: g.items.length })}
              </Link>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
