// The knowledge card on the manager's dashboard: how many requests the knowledge base answered in 30 days
// against those filed, the articles that helped most, the searches that found nothing (to write), the
// policies due for review, and the generated service agreement.
import { Link } from 'react-router-dom';
import { kindLabel, useDeflectionReport, useSearchGaps } from '../../api/knowledge';
import { useReviewsDue } from '../../api/knowledge-policies';
import { ErrorMessage } from '../../ui/messages';
import { formatDay } from './parts';

export function KnowledgeCard() {
  const report = useDeflectionReport();
  const gaps = useSearchGaps();
  const reviews = useReviewsDue();
  const r = report.data;
  return (
    <section className="card panel wide kb-dash" aria-labelledby="kb-dash-title">
      <div className="kb-panel-head">
        <h2 id="kb-dash-title">Knowledge base (30 days)</h2>
        <span className="kb-dash-links">
          <Link to="/kb">Knowledge base</Link>
          <Link to="/kb/service-agreement">Service agreement</Link>
        </span>
      </div>
      <ErrorMessage error={report.error} title="The deflection report could not be loaded." />
      {r && (
        <div className="kpis kb-dash-kpis">
          <div className="kpi">
            <span className="kpi-value">{r.rate === null ? '—' : `${Math.round(r.rate * 100)}%`}</span>
            <span className="kpi-label">deflection rate</span>
          </div>
          <div className="kpi">
            <span className="kpi-value">{r.deflected}</span>
            <span className="kpi-label">answered by an article</span>
          </div>
          <div className="kpi">
            <span className="kpi-value">{r.filed}</span>
            <span className="kpi-label">requests filed</span>
          </div>
        </div>
      )}
      <div className="kb-dash-grid">
        <div>
          <h3>Articles that helped</h3>
          {r && r.top.length === 0 && <p className="muted small">No article was the answer yet.</p>}
          <ol className="kb-dash-list">
            {(r?.top ?? []).map((a) => (
              <li key={a.id}>
                <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
                <span className="muted small">
                  {kindLabel[a.kind as keyof typeof kindLabel] ?? a.kind} · {a.deflected} deflected ·{' '}
                  {a.solved} solved
                </span>
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3>Searches that found nothing</h3>
          <ErrorMessage error={gaps.error} title="The search gaps could not be loaded." />
          {gaps.data && gaps.data.length === 0 && (
            <p className="muted small">Every search found something.</p>
          )}
          <ul className="kb-dash-list">
            {(gaps.data ?? []).map((g) => (
              <li key={g.id}>
                <span className="kb-gap">“{g.query}”</span> <span className="muted small">{g.searches}×</span>{' '}
                <Link to={`/kb/new?title=${encodeURIComponent(g.query)}`}>Write it</Link>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>Policy reviews due</h3>
          <ErrorMessage error={reviews.error} title="The reviews due could not be loaded." />
          {reviews.data && reviews.data.items.length === 0 && (
            <p className="muted small">Nothing due in the next 30 days.</p>
          )}
          <ul className="kb-dash-list" aria-label="Policy reviews due">
            {(reviews.data?.items ?? []).map((p) => (
              <li key={p.id}>
                <Link to={`/kb/${p.id}`}>{p.title}</Link>{' '}
                <span className={p.overdue ? 'badge kb-overdue' : 'muted small'}>
                  {p.overdue ? 'Overdue' : 'Due'} {formatDay(p.nextReviewAt)}
                </span>{' '}
                <span className="muted small">{p.ownerName ?? 'No owner'}</span>
              </li>
            ))}
          </ul>
          {reviews.data?.nextCursor && <p className="muted small">More are due than are listed here.</p>}
        </div>
      </div>
    </section>
  );
}
