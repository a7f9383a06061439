// One log pattern (/logs/patterns/:id): its template and name (renamed in place), merge, its rate chart over a
// chosen range (uPlot, records a minute and errors a minute), counts, hosts, an example, and its records — the
// search filtered by the pattern. A merged pattern's page moves to the pattern it was merged into.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { usePattern, usePatternRates } from '../../api/logs';
import { ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { formatRate, LogsTabs, SeverityBadge, severityLabel, TemplateText } from './parts';
import { MergeDialog, PatternName } from './patterns';
import { LogSearchResults } from './search';

const TimeSeriesChart = lazy(() => import('../../ui/time-series-chart'));

const ranges = [
  { label: '1 h', ms: 3_600_000, step: 60 },
  { label: '6 h', ms: 6 * 3_600_000, step: 300 },
  { label: '24 h', ms: 86_400_000, step: 900 },
  { label: '7 d', ms: 7 * 86_400_000, step: 3600 },
] as const;

function RateChart({ id }: { id: string }) {
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
    const t = (iso: string) => Date.parse(iso) / 1000;
    const stepMinutes = range.step / 60;
    return [
      {
        label: 'records a minute',
        values: p.points.map((pt) => [t(pt.t), String(pt.perMinute)] as [number, string]),
      },
      {
        label: 'errors a minute',
        values: p.points.map((pt) => [t(pt.t), String(pt.errors / stepMinutes)] as [number, string]),
      },
    ];
  }, [rates.data, range.step]);
  return (
    <section className="card panel" aria-labelledby="rate-title">
      <div className="page-head">
        <h2 id="rate-title" className="flush">
          Rate
        </h2>
        <fieldset className="range-picker" aria-label="Range">
          {ranges.map((r) => (
            <button key={r.label} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>
              {r.label}
            </button>
          ))}
        </fieldset>
      </div>
      <ErrorMessage error={rates.error} title="The chart could not be loaded." />
      {rates.isPending && <div className="chart-placeholder">Loading…</div>}
      {series.length > 0 && (
        <Suspense fallback={<div className="chart-placeholder">Loading…</div>}>
          <TimeSeriesChart
            series={series}
            unit="/min"
            label={`Records a minute of this pattern, last ${range.label}`}
          />
        </Suspense>
      )}
    </section>
  );
}

export default function PatternPage() {
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const pattern = usePattern(id);
  const [merging, setMerging] = useState(false);
  useTitle(pattern.data ? `${pattern.data.name ?? pattern.data.template} · Patterns` : 'Pattern');
  if (pattern.isPending) return <Loading />;
  if (pattern.error)
    return (
      <div className="page">
        <LogsTabs />
        <ErrorMessage error={pattern.error} title="This pattern could not be opened." />
        <Link to="/logs/patterns">All patterns</Link>
      </div>
    );
  const p = pattern.data;
  if (p.mergedInto) return <Navigate to={`/logs/patterns/${encodeURIComponent(p.mergedInto)}`} replace />;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Logs</h1>
      </div>
      <LogsTabs />
      <p className="muted small">
        <Link to="/logs/patterns">Patterns</Link> / {p.name ?? 'unnamed'}
      </p>
      <section className="card pattern-head" aria-label="Pattern">
        {p.name && <PatternName pattern={p} />}
        <h2 className="pattern-heading">
          <TemplateText template={p.template} />
        </h2>
        {!p.name && <PatternName pattern={p} />}
        <dl className="facts pattern-facts">
          <dt>Records</dt>
          <dd>
            {p.count.toLocaleString()} · {formatRate(p.ratePerMinute)} a minute over the last hour ·{' '}
            {p.errorsLastHour} error{p.errorsLastHour === 1 ? '' : 's'} in the last hour
          </dd>
          <dt>Seen</dt>
          <dd>
            first <Time iso={p.firstSeen} />, last <Time iso={p.lastSeen} />
          </dd>
          <dt>Severities</dt>
          <dd>
            <SeverityBadge severity={p.worstSeverity} />{' '}
            <span className="muted small">{p.severities.map((s) => severityLabel(s)).join(', ')}</span>
          </dd>
          <dt>Hosts</dt>
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
          <dt>Example</dt>
          <dd>
            <pre className="log-message">{p.example}</pre>
          </dd>
        </dl>
        <div className="actions">
          <Link className="button" to={`/logs?pattern=${encodeURIComponent(p.id)}`}>
            Open in search
          </Link>
          <button type="button" onClick={() => setMerging((m) => !m)} aria-expanded={merging}>
            Merge into another…
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
        <h2 id="records-title">Records</h2>
        <LogSearchResults fixed={{ pattern: p.id }} />
      </section>
    </div>
  );
}
