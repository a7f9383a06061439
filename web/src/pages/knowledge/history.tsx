// An article's history for staff: every version with its author and note; pick two to see what changed (lines
// added and removed), open one as it read then, bring one back; search within the versions' text.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ArticleDiff,
  type RenderedArticle,
  useArticleDiff,
  useArticleVersion,
  useArticleVersions,
  useRestoreVersion,
  useVersionSearch,
} from '../../api/knowledge';
import { ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { Snippet, useDebounced } from './parts';

/** The diff's parts (each may hold several lines) as one entry per line. */
function diffLines(diff: ArticleDiff): { op: ArticleDiff['body'][number]['op']; text: string }[] {
  return diff.body.flatMap((part) => {
    const lines = part.text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return lines.map((text) => ({ op: part.op, text }));
  });
}

function DiffView({ diff }: { diff: ArticleDiff }) {
  const { t } = useTranslation('knowledge');
  return (
    <div className="kb-diff">
      <h3>{t('history.diffTitle', { from: diff.from, to: diff.to })}</h3>
      {diff.fields.length > 0 && (
        <dl className="facts kb-diff-fields">
          {diff.fields.map((f) => (
            <div key={f.field} className="kb-diff-field">
              <dt>{f.field}</dt>
              <dd>
                <del>{f.from || '—'}</del> → <ins>{f.to || '—'}</ins>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {diff.body.every((l) => l.op === 'equal') ? (
        <p className="muted small">{t('history.sameText')}</p>
      ) : (
        <pre className="kb-diff-body">
          {diffLines(diff).map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of one diff, in order
            <span key={i} className={`kb-diff-line kb-diff-${l.op}`}>
              <span className="kb-diff-sign" aria-hidden="true">
                {l.op === 'add' ? '+' : l.op === 'remove' ? '−' : ' '}
              </span>
              {l.op !== 'equal' && (
                <span className="visually-hidden">
                  {l.op === 'add' ? t('history.added') : t('history.removed')}{' '}
                </span>
              )}
              {l.text || ' '}
            </span>
          ))}
        </pre>
      )}
    </div>
  );
}

export function HistoryPanel({ article }: { article: RenderedArticle }) {
  const { t } = useTranslation('knowledge');
  const versions = useArticleVersions(article.id, true);
  const [picked, setPicked] = useState<number[]>([]);
  const [viewing, setViewing] = useState<number | null>(null);
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const found = useVersionSearch(article.id, q);
  const pair: [number, number] | null =
    picked.length === 2 ? [Math.min(...picked), Math.max(...picked)] : null;
  const diff = useArticleDiff(article.id, pair);
  const shown = useArticleVersion(article.id, viewing);
  const restore = useRestoreVersion(article.id);
  const editable = article.generated === null;

  const toggle = (v: number) =>
    setPicked((p) => (p.includes(v) ? p.filter((x) => x !== v) : [...p.slice(-1), v]));

  return (
    <section className="card kb-history" aria-labelledby="kb-history-title">
      <h2 id="kb-history-title">{t('toolbar.history')}</h2>
      <div className="kb-history-search">
        <label htmlFor="kb-version-q" className="visually-hidden">
          {t('history.search')}
        </label>
        <input
          id="kb-version-q"
          type="search"
          placeholder={t('history.search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {q && found.data && (
        <ul className="kb-version-hits" aria-label={t('history.matches')}>
          {found.data.length === 0 && <li className="muted small">{t('history.noMatch')}</li>}
          {found.data.map((h) => (
            <li key={h.version}>
              <button type="button" className="link-button" onClick={() => setViewing(h.version)}>
                {t('history.version', { version: h.version })}
              </button>{' '}
              <span className="muted small">{h.author?.name ?? t('history.someone')}</span>
              <Snippet parts={h.snippet} />
            </li>
          ))}
        </ul>
      )}
      {versions.isPending && <Loading />}
      <ErrorMessage error={versions.error} title={t('history.loadFailed')} />
      <p className="muted small">{t('history.tickTwo')}</p>
      <ul className="kb-versions">
        {(versions.data ?? []).map((v) => (
          <li key={v.version} className={v.version === article.version ? 'current' : ''}>
            <label className="kb-version-pick">
              <input
                type="checkbox"
                checked={picked.includes(v.version)}
                onChange={() => toggle(v.version)}
              />
              <span className="visually-hidden">{t('history.compare', { version: v.version })}</span>
            </label>
            <div className="kb-version-main">
              <strong>{t('history.short', { version: v.version })}</strong>
              {v.version === article.version && <span className="badge">{t('history.current')}</span>}{' '}
              <span>{v.author?.name ?? t('history.someone')}</span>{' '}
              <span className="muted small">
                <Time iso={v.createdAt} />
              </span>
              {v.note && <p className="kb-version-note">{v.note}</p>}
            </div>
            <div className="kb-version-actions">
              <button type="button" className="ghost" onClick={() => setViewing(v.version)}>
                {t('history.view')}
              </button>
              {editable && v.version !== article.version && (
                <button
                  type="button"
                  disabled={restore.isPending}
                  onClick={() => {
                    if (window.confirm(t('history.restoreConfirm', { version: v.version })))
                      restore.mutate(v.version);
                  }}
                >
                  {t('history.restore')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <ErrorMessage error={restore.error} title={t('history.restoreFailed')} />
      {restore.isSuccess && (
        <p className="alert alert-ok" role="status">
          {t('history.restored', { version: restore.data.version })}
        </p>
      )}
      {diff.isFetching && <Loading label={t('history.comparing')} />}
      <ErrorMessage error={diff.error} title={t('history.compareFailed')} />
      {pair && diff.data && <DiffView diff={diff.data} />}
      {viewing !== null && (
        <div className="kb-version-view">
          <div className="page-head">
            <h3>
              {t('history.version', { version: viewing })}
              {shown.data ? ` · ${shown.data.title}` : ''}
            </h3>
            <button type="button" className="ghost" onClick={() => setViewing(null)}>
              {t('common:actions.close')}
            </button>
          </div>
          <ErrorMessage error={shown.error} title={t('history.openFailed')} />

          {shown.data && (
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side (article-rendering.ts)
            <div className="kb-html" dangerouslySetInnerHTML={{ __html: shown.data.html }} />
          )}
        </div>
      )}
    </section>
  );
}
