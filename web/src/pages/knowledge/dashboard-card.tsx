// The knowledge card on the manager's dashboard: how many requests the knowledge base answered in 30 days
// against those filed, the articles that helped most, the searches that found nothing (to write), the
// policies due for review, and the generated service agreement.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { articleKinds, useDeflectionReport, useSearchGaps } from '../../api/knowledge';
import { useReviewsDue } from '../../api/knowledge-policies';
import { numberFormat } from '../../locale';
import { ErrorMessage } from '../../ui/messages';
import { formatDay } from './parts';

const percent = numberFormat({ style: 'percent', maximumFractionDigits: 0 });

export function KnowledgeCard() {
  const { t } = useTranslation('knowledge');
  const report = useDeflectionReport();
  const gaps = useSearchGaps();
  const reviews = useReviewsDue();
  const r = report.data;
  return (
    <section className="card panel wide kb-dash" aria-labelledby="kb-dash-title">
      <div className="kb-panel-head">
        <h2 id="kb-dash-title">{t('dash.title')}</h2>
        <span className="kb-dash-links">
          <Link to="/kb">{t('title')}</Link>
          <Link to="/kb/service-agreement">{t('agreement.title')}</Link>
        </span>
      </div>
      <ErrorMessage error={report.error} title={t('dash.reportFailed')} />
      {r && (
        <div className="kpis kb-dash-kpis">
          <div className="kpi">
            <span className="kpi-value">{r.rate === null ? '—' : percent.format(r.rate)}</span>
            <span className="kpi-label">{t('dash.rate')}</span>
          </div>
          <div className="kpi">
            <span className="kpi-value">{r.deflected}</span>
            <span className="kpi-label">{t('dash.deflected')}</span>
          </div>
          <div className="kpi">
            <span className="kpi-value">{r.filed}</span>
            <span className="kpi-label">{t('dash.filed')}</span>
          </div>
        </div>
      )}
      <div className="kb-dash-grid">
        <div>
          <h3>{t('dash.helped')}</h3>
          {r && r.top.length === 0 && <p className="muted small">{t('dash.noneHelped')}</p>}
          <ol className="kb-dash-list">
            {(r?.top ?? []).map((a) => (
              <li key={a.id}>
                <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
                <span className="muted small">
                  {(articleKinds as string[]).includes(a.kind) ? t(`kind.${a.kind}`) : a.kind} ·{' '}
                  {t('dash.topCounts', { deflected: a.deflected, solved: a.solved })}
                </span>
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3>{t('dash.gaps')}</h3>
          <ErrorMessage error={gaps.error} title={t('dash.gapsFailed')} />
          {gaps.data && gaps.data.length === 0 && <p className="muted small">{t('dash.noGaps')}</p>}
          <ul className="kb-dash-list">
            {(gaps.data ?? []).map((g) => (
              <li key={g.id}>
                <span className="kb-gap">“{g.query}”</span> <span className="muted small">{g.searches}×</span>{' '}
                <Link to={`/kb/new?title=${encodeURIComponent(g.query)}`}>{t('dash.writeIt')}</Link>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>{t('dash.reviews')}</h3>
          <ErrorMessage error={reviews.error} title={t('dash.reviewsFailed')} />
          {reviews.data && reviews.data.items.length === 0 && (
            <p className="muted small">{t('dash.noReviews')}</p>
          )}
          <ul className="kb-dash-list" aria-label={t('dash.reviews')}>
            {(reviews.data?.items ?? []).map((p) => (
              <li key={p.id}>
                <Link to={`/kb/${p.id}`}>{p.title}</Link>{' '}
                <span className={p.overdue ? 'badge kb-overdue' : 'muted small'}>
                  {t('dash.due', { overdue: p.overdue ? 'yes' : 'no', day: formatDay(p.nextReviewAt) })}
                </span>{' '}
                <span className="muted small">{p.ownerName ?? t('dash.noOwner')}</span>
              </li>
            ))}
          </ul>
          {reviews.data?.nextCursor && <p className="muted small">{t('dash.more')}</p>}
        </div>
      </div>
    </section>
  );
}
