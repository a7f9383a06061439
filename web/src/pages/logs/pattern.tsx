// One log pattern (/logs/patterns/:id): its template and name (renamed in place), merge, its rate chart over a
// chosen range (uPlot, records a minute and errors a minute), counts, hosts, an example, and its records — the
// search filtered by the pattern. A merged pattern's page moves to the pattern it was merged into.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { usePattern, usePatternRates } from '../../api/logs';
import { numberFormat } from '../../locale';
import { ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { formatRate, LogsTabs, SeverityBadge, severityLabel, TemplateText } from './parts';
import { MergeDialog, PatternName } from './patterns';
import { LogSearchResults } from './search';

const TimeSeriesChart = lazy(() => import('../../ui/time-series-chart'));

// Labels are catalogue keys (logs:pattern.range.*), read when shown.
const ranges = [
  { label: 'h1', ms: 3_600_000, step: 60 },
  { label: 'h6', ms: 6 * 3_600_000, step: 300 },
  { label: 'h24', ms: 86_400_000, step: 900 },
  { label: 'd7', ms: 7 * 86_400_000, step: 3600 },
] as const;

const countFormat = numberFormat();

function RateChart({ id }: { id: string }) {
  const { t } = useTranslation('logs');
  const [range, setRange] = useState<(typeof ranges)[number]>(ranges[0]);
  const now = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
  const rates = usePatternRates(
    [id],
    new Date(now - range.ms).toISOString(),
    new Date(now).toISOString(),
    range.step,
  );
  const series = useMemo(() => {
    const p = rates.data?.patterns[0];
    if (!p) return [];
    const seconds = (iso: string) => Date.parse(iso) / 1000;
    const stepMinutes = range.step / 60;
    return [
      {
        label: t('pattern.series.records'),
        values: p.points.map((pt) => [seconds(pt.t), String(pt.perMinute)] as [number, string]),
      },
      {
        label: t('pattern.series.errors'),
        values: p.points.map((pt) => [seconds(pt.t), String(pt.errors / stepMinutes)] as [number, string]),
      },
    ];
  }, [rates.data, range.step, t]);
  return (
    <section className="card panel" aria-labelledby="rate-title">
      <div className="page-head">
        <h2 id="rate-title" className="flush">
          {t('pattern.rate')}
        </h2>
        <fieldset className="range-picker" aria-label={t('pattern.range')}>
          {ranges.map((r) => (
            <button key={r.label} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>
              {t(`pattern.range.${r.label}`)}
            </button>
          ))}
        </fieldset>
      </div>
      <ErrorMessage error={rates.error} title={t('pattern.chartFailed')} />
      {rates.isPending && <div className="chart-placeholder">{t('common:loading')}</div>}
      {series.length > 0 && (
        <Suspense fallback={<div className="chart-placeholder">{t('common:loading')}</div>}>
          <TimeSeriesChart
            series={series}
            unit={t('pattern.perMinute')}
            label={t('pattern.chartLabel', { range: t(`pattern.range.${range.label}`) })}
          />
        </Suspense>
      )}
    </section>
  );
}

export default function PatternPage() {
  const { t } = useTranslation('logs');
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const pattern = usePattern(id);
  const [merging, setMerging] = useState(false);
  useTitle(
    pattern.data
      ? t('pattern.pageTitle', { name: pattern.data.name ?? pattern.data.template })
      : t('pattern.title'),
  );
  if (pattern.isPending) return <Loading />;
  if (pattern.error)
    return (
      <div className="page">
        <LogsTabs />
        <ErrorMessage error={pattern.error} title={t('pattern.loadFailed')} />
        <Link to="/logs/patterns">{t('pattern.all')}</Link>
      </div>
    );
  const p = pattern.data;
  if (p.mergedInto) return <Navigate to={`/logs/patterns/${encodeURIComponent(p.mergedInto)}`} replace />;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
      </div>
      <LogsTabs />
      <p className="muted small">
        <Link to="/logs/patterns">{t('tabs.patterns')}</Link> / {p.name ?? t('pattern.unnamed')}
      </p>
      <section className="card pattern-head" aria-label={t('pattern.title')}>
        {p.name && <PatternName pattern={p} />}
        <h2 className="pattern-heading">
          <TemplateText template={p.template} />
        </h2>
        {!p.name && <PatternName pattern={p} />}
        <dl className="facts pattern-facts">
          <dt>{t('pattern.records')}</dt>
          <dd>
            {t('pattern.recordsFacts', {
              count: countFormat.format(p.count),
              rate: formatRate(p.ratePerMinute),
              errors: p.errorsLastHour,
            })}
          </dd>
          <dt>{t('pattern.seen')}</dt>
          <dd>
            <Trans
              t={t}
              i18nKey="pattern.seenFacts"
              components={{ first: <Time iso={p.firstSeen} />, last: <Time iso={p.lastSeen} /> }}
            />
          </dd>
          <dt>{t('pattern.severities')}</dt>
          <dd>
            <SeverityBadge severity={p.worstSeverity} />{' '}
            <span className="muted small">{p.severities.map((s) => severityLabel(s)).join(', ')}</span>
          </dd>
          <dt>{t('pattern.hosts')}</dt>
          <dd className="break">
            {p.topHosts.length === 0
              ? '—'
              : p.topHosts.map((h, i) => (
                  <span key={h.host}>
                    {i > 0 && ', '}
                    <Link to={`/logs?pattern=${encodeURIComponent(p.id)}&host=${encodeURIComponent(h.host)}`}>
                      {h.host}
                    </Link>{' '}
                    <span className="muted">({h.count})</span>
                  </span>
                ))}
          </dd>
          <dt>{t('pattern.example')}</dt>
          <dd>
            <pre className="log-message">{p.example}</pre>
          </dd>
        </dl>
        <div className="actions">
          <Link className="button" to={`/logs?pattern=${encodeURIComponent(p.id)}`}>
            {t('pattern.openInSearch')}
          </Link>
          <button type="button" onClick={() => setMerging((m) => !m)} aria-expanded={merging}>
            {t('pattern.mergeInto')}
          </button>
        </div>
        {merging && (
          <MergeDialog
            pattern={p}
            onClose={() => setMerging(false)}
            onMerged={(s) => navigate(`/logs/patterns/${encodeURIComponent(s.id)}`)}
          />
        )}
      </section>
      <RateChart id={p.id} />
      <section aria-labelledby="records-title">
        <h2 id="records-title">{t('pattern.records')}</h2>
        <LogSearchResults fixed={{ pattern: p.id }} />
      </section>
    </div>
  );
}
