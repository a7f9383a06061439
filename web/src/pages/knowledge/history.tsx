// An article's history for staff: every version with its author and note; pick two to see what changed (lines
// added and removed), open one as it read then, bring one back; search within the versions' text.
import { useState } from 'react';
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
  return (
    <div className="kb-diff">
      <h3>
        Version {diff.from} → version {diff.to}
      </h3>
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
        <p className="muted small">The text is the same.</p>
      ) : (
        <pre className="kb-diff-body">
          {diffLines(diff).map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of one diff, in order
            <span key={i} className={`kb-diff-line kb-diff-${l.op}`}>
              <span className="kb-diff-sign" aria-hidden="true">
                {l.op === 'add' ? '+' : l.op === 'remove' ? '−' : ' '}
              </span>
              {l.op !== 'equal' && (
                <span className="visually-hidden">{l.op === 'add' ? 'Added: ' : 'Removed: '}</span>
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
      <h2 id="kb-history-title">History</h2>
      <div className="kb-history-search">
        <label htmlFor="kb-version-q" className="visually-hidden">
          Search within the versions
        </label>
        <input
          id="kb-version-q"
          type="search"
          placeholder="Search within the versions"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {q && found.data && (
        <ul className="kb-version-hits" aria-label="Versions that match">
          {found.data.length === 0 && <li className="muted small">No version has these words.</li>}
          {found.data.map((h) => (
            <li key={h.version}>
              <button type="button" className="link-button" onClick={() => setViewing(h.version)}>
                Version {h.version}
              </button>{' '}
              <span className="muted small">{h.author?.name ?? 'Someone'}</span>
              <Snippet parts={h.snippet} />
            </li>
          ))}
        </ul>
      )}
      {versions.isPending && <Loading />}
      <ErrorMessage error={versions.error} title="The versions could not be loaded." />
      <p className="muted small">Tick two versions to see what changed between them.</p>
      <ul className="kb-versions">
        {(versions.data ?? []).map((v) => (
          <li key={v.version} className={v.version === article.version ? 'current' : ''}>
            <label className="kb-version-pick">
              <input
                type="checkbox"
                checked={picked.includes(v.version)}
                onChange={() => toggle(v.version)}
              />
              <span className="visually-hidden">Compare version {v.version}</span>
            </label>
            <div className="kb-version-main">
              <strong>v{v.version}</strong>
              {v.version === article.version && <span className="badge">Current</span>}{' '}
              <span>{v.author?.name ?? 'Someone'}</span>{' '}
              <span className="muted small">
                <Time iso={v.createdAt} />
              </span>
              {v.note && <p className="kb-version-note">{v.note}</p>}
            </div>
            <div className="kb-version-actions">
              <button type="button" className="ghost" onClick={() => setViewing(v.version)}>
                View
              </button>
              {editable && v.version !== article.version && (
                <button
                  type="button"
                  disabled={restore.isPending}
                  onClick={() => {
                    if (window.confirm(`Bring version ${v.version} back as a new version?`))
                      restore.mutate(v.version);
                  }}
                >
                  Restore
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <ErrorMessage error={restore.error} title="The version was not restored." />
      {restore.isSuccess && (
        <p className="alert alert-ok" role="status">
          Restored as version {restore.data.version}.
        </p>
      )}
      {diff.isFetching && <Loading label="Comparing…" />}
      <ErrorMessage error={diff.error} title="The versions could not be compared." />
      {pair && diff.data && <DiffView diff={diff.data} />}
      {viewing !== null && (
        <div className="kb-version-view">
          <div className="page-head">
            <h3>
              Version {viewing}
              {shown.data ? ` · ${shown.data.title}` : ''}
            </h3>
            <button type="button" className="ghost" onClick={() => setViewing(null)}>
              Close
            </button>
          </div>
          <ErrorMessage error={shown.error} title="The version could not be opened." />
          {shown.data && (
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side (article-rendering.ts)
            <div className="kb-html" dangerouslySetInnerHTML={{ __html: shown.data.html }} />
          )}
        </div>
      )}
    </section>
  );
}
