// One upgrade proposal: what to upgrade on which host, by when, why — the evidence, with a chart of each metric
// query over its range and links to the tickets, incidents and problems — the forecast behind it, the estimated
// cost, and the decision. Managers approve (landing on the change it raises), defer until a date, or reject with a
// reason; staff edit a proposal still proposed.
import { type FormEvent, lazy, Suspense, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { fromLocalInput, localInput } from '../../api/changes';
import { problemNumber } from '../../api/problems';
import {
  type Proposal,
  type ProposalEvidence,
  useDecideProposal,
  useEvidenceChart,
  useProposal,
  useUpdateProposal,
} from '../../api/proposals';
import { numberFormat } from '../../locale';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { ForecastChart } from '../../ui/forecast-chart';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import {
  DueDate,
  formatCost,
  formatDay,
  minorUnits,
  ProposalStatusBadge,
  proposalSourceText,
  resourceText,
} from './proposals';

const TimeSeriesChart = lazy(() => import('../../ui/time-series-chart'));

const percentFormat = numberFormat({ style: 'percent', maximumFractionDigits: 1 });
const levelFormat = numberFormat({ maximumFractionDigits: 2 });

/** "12 %" for a ratio, the number otherwise (as the server words its summaries), in the user's language. */
const level = (v: number) => (Math.abs(v) <= 1 ? percentFormat.format(v) : levelFormat.format(v));

function MetricChart({ evidence }: { evidence: Extract<ProposalEvidence, { kind: 'metric' }> }) {
  const { t } = useTranslation('proposals');
  const data = useEvidenceChart(evidence.query, evidence.from, evidence.to);
  // A ratio (every value within 0–1, as disk or memory used) reads as a percentage.
  const { series, unit } = useMemo(() => {
    const raw = data.data?.series ?? [];
    const ratio =
      raw.length > 0 &&
      raw.every((s) =>
        s.values.every(([, v]) => !Number.isFinite(Number(v)) || (Number(v) >= 0 && Number(v) <= 1)),
      );
    return {
      unit: ratio ? '%' : '',
      series: raw.map((s) => ({
        label:
          Object.entries(s.metric)
            .filter(([k]) => k !== '__name__')
            .map(([k, v]) => `${k}=${v}`)
            .join(', ') || t('chart.value'),
        values: ratio
          ? s.values.map(([t, v]): [number, string] => [t, String(Math.round(Number(v) * 10_000) / 100)])
          : s.values,
      })),
    };
  }, [data.data, t]);
  return (
    <figure className="proposal-chart">
      <figcaption>
        <strong>{evidence.title}</strong>{' '}
        <span className="muted small">
          {formatDay(evidence.from)} – {formatDay(evidence.to)}
        </span>
        <code className="proposal-query" tabIndex={0}>
          {evidence.query}
        </code>
      </figcaption>
      <ErrorMessage error={data.error} title={t('chart.failed')} />
      {data.isPending && <div className="chart-placeholder">{t('common:loading')}</div>}
      {data.data && series.length === 0 && <div className="chart-placeholder">{t('chart.noData')}</div>}
      {series.length > 0 && (
        <Suspense fallback={<div className="chart-placeholder">{t('common:loading')}</div>}>
          <TimeSeriesChart
            series={series}
            unit={unit}
            label={t('chart.label', { title: evidence.title, from: evidence.from, to: evidence.to })}
          />
        </Suspense>
      )}
    </figure>
  );
}

const recordPath = { ticket: '/tickets', incident: '/incidents', problem: '/problems' } as const;

function EvidencePanel({ proposal }: { proposal: Proposal }) {
  const { t } = useTranslation('proposals');
  const metrics = proposal.evidence.flatMap((e) => (e.kind === 'metric' ? [e] : []));
  const records = proposal.evidence.flatMap((e) => (e.kind === 'metric' ? [] : [e]));
  return (
    <section className="card panel" aria-labelledby="evidence-title">
      <h2 id="evidence-title" className="flush">
        {t('form.why')}
      </h2>
      {proposal.summary && <p className="proposal-summary">{proposal.summary}</p>}
      {proposal.forecast && (
        <dl className="facts proposal-forecast">
          <dt>{t('forecast.crosses', { level: level(proposal.forecast.threshold) })}</dt>
          <dd>
            {formatDay(proposal.forecast.crossesAt)}
            {proposal.forecast.earliest && proposal.forecast.latest && (
              <span className="muted">
                {' '}
                {t('forecast.between', {
                  earliest: formatDay(proposal.forecast.earliest),
                  latest: formatDay(proposal.forecast.latest),
                })}
              </span>
            )}
          </dd>
          <dt>{t('forecast.headroom')}</dt>
          <dd>{level(proposal.forecast.headroom)}</dd>
        </dl>
      )}
      {metrics.map((e) =>
        // The forecast's own series: its history with the forecast, band and threshold ahead of it.
        proposal.forecast && e.query === proposal.forecast.query ? (
          <figure className="proposal-chart" key={`${e.query} ${e.from} ${e.to}`}>
            <figcaption>
              <strong>{e.title}</strong> <span className="muted small">{t('forecast.range')}</span>
              <code className="proposal-query" tabIndex={0}>
                {e.query}
              </code>
            </figcaption>
            <ForecastChart
              query={e.query}
              threshold={proposal.forecast.threshold}
              range="30d"
              horizon="60d"
              label={t('forecast.label', { title: e.title })}
            />
          </figure>
        ) : (
          <MetricChart key={`${e.query} ${e.from} ${e.to}`} evidence={e} />
        ),
      )}
      {records.length > 0 && (
        <ul className="link-list proposal-records">
          {records.map((e) => (
            <li key={`${e.kind}-${e.id}`}>
              <span className="link-role">{t('record', { kind: e.kind, id: String(e.id) })}</span>
              {e.title === null ? (
                <span className="muted">{t('recordGone')}</span>
              ) : (
                <Link to={`${recordPath[e.kind]}/${e.id}`}>{e.title}</Link>
              )}
            </li>
          ))}
        </ul>
      )}
      {proposal.evidence.length === 0 && !proposal.summary && <p className="muted">{t('noEvidence')}</p>}
    </section>
  );
}

function DecisionPanel({ proposal }: { proposal: Proposal }) {
  const { t } = useTranslation('proposals');
  const navigate = useNavigate();
  const [mode, setMode] = useState<'approve' | 'defer' | 'reject' | null>(null);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [spec, setSpec] = useState('');
  const decide = useDecideProposal(proposal.id, (p) => {
    if (p.status === 'approved' && p.changeId !== null) navigate(`/changes/${p.changeId}`);
    else setMode(null);
  });
  if (proposal.allowedDecisions.length === 0) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'approve')
      decide.mutate({
        decision: 'approve',
        ...(Number(quantity) >= 1 ? { quantity: Math.floor(Number(quantity)) } : {}),
        ...(spec.trim() ? { spec } : {}),
      });
    else if (mode === 'defer') {
      const at = fromLocalInput(until);
      decide.mutate({
        decision: 'defer',
        ...(at ? { until: at } : {}),
        ...(reason.trim() ? { reason } : {}),
      });
    } else if (mode === 'reject') decide.mutate({ decision: 'reject', reason });
  };
  return (
    <section className="card panel" aria-labelledby="decide-title">
      <h2 id="decide-title" className="flush">
        {t('decide.title')}
      </h2>
      <div className="segmented" role="group" aria-label={t('decide.label')}>
        {(['approve', 'defer', 'reject'] as const).map((d) => (
          <button key={d} type="button" aria-pressed={mode === d} onClick={() => setMode(d)}>
            {t(`decide.choose.${d}`)}
          </button>
        ))}
      </div>
      {mode !== null && (
        <form className="form proposal-decision" onSubmit={submit}>
          {mode === 'approve' && (
            <>
              <p className="muted small">
                {proposal.problemId !== null ? t('decide.approveHintProblem') : t('decide.approveHint')}
              </p>
              <div className="field-row">
                <Field label={t('decide.quantity')} error={fieldError(decide.error, '/quantity')}>
                  {(id) => (
                    <input
                      id={id}
                      type="number"
                      min={1}
                      max={100000}
                      value={quantity}
                      onChange={(e) => setQuantity(e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('decide.spec')} error={fieldError(decide.error, '/spec')}>
                  {(id) => (
                    <input
                      id={id}
                      maxLength={4000}
                      value={spec}
                      onChange={(e) => setSpec(e.target.value)}
                      placeholder={proposal.what}
                    />
                  )}
                </Field>
              </div>
            </>
          )}
          {mode === 'defer' && (
            <Field
              label={t('decide.until')}
              hint={t('decide.untilHint')}
              error={fieldError(decide.error, '/until')}
            >
              {(id, d, invalid) => (
                <input
                  id={id}
                  type="datetime-local"
                  required
                  value={until}
                  aria-describedby={d}
                  aria-invalid={invalid || undefined}
                  onChange={(e) => setUntil(e.target.value)}
                />
              )}
            </Field>
          )}
          {mode !== 'approve' && (
            <Field
              label={mode === 'reject' ? t('decide.reason') : t('decide.reasonOptional')}
              error={fieldError(decide.error, '/reason')}
            >
              {(id, d, invalid) => (
                <textarea
                  id={id}
                  rows={2}
                  maxLength={2000}
                  required={mode === 'reject'}
                  value={reason}
                  aria-describedby={d}
                  aria-invalid={invalid || undefined}
                  onChange={(e) => setReason(e.target.value)}
                />
              )}
            </Field>
          )}
          <div className="actions">
            <button
              type="submit"
              className={mode === 'reject' ? 'danger' : 'primary'}
              disabled={decide.isPending}
            >
              {t(`decide.submit.${mode}`)}
            </button>
          </div>
          <ErrorMessage error={decide.error} title={t('decide.failed')} />
        </form>
      )}
    </section>
  );
}

function EditPanel({ proposal }: { proposal: Proposal }) {
  const { t } = useTranslation('proposals');
  const [what, setWhat] = useState(proposal.what);
  const [summary, setSummary] = useState(proposal.summary);
  const [due, setDue] = useState(localInput(proposal.dueAt));
  const [amount, setAmount] = useState(proposal.cost ? (proposal.cost.amountMinor / 100).toFixed(2) : '');
  const [currency, setCurrency] = useState(proposal.cost?.currency ?? 'EUR');
  const [saved, setSaved] = useState(false);
  const update = useUpdateProposal(proposal.id, () => setSaved(true));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const minor = minorUnits(amount);
    update.mutate({
      what,
      summary,
      dueAt: fromLocalInput(due),
      cost: minor === null ? null : { amountMinor: minor, currency: currency.trim().toUpperCase() },
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="edit-proposal-title">
      <h2 id="edit-proposal-title" className="flush">
        {t('edit.title')}
      </h2>
      <Field label={t('form.what')} error={fieldError(update.error, '/what')}>
        {(id) => <input id={id} maxLength={2000} value={what} onChange={(e) => setWhat(e.target.value)} />}
      </Field>
      <Field label={t('form.why')} error={fieldError(update.error, '/summary')}>
        {(id) => (
          <textarea
            id={id}
            rows={2}
            maxLength={2000}
            value={summary}
            onChange={(e) => setSummary(e.target.value)}
          />
        )}
      </Field>
      <div className="field-row">
        <Field
          label={t('form.neededBy')}
          hint={proposal.dueByHand ? t('edit.dueByHand') : t('edit.dueFromForecast')}
          error={fieldError(update.error, '/dueAt')}
        >
          {(id, d) => (
            <input
              id={id}
              type="datetime-local"
              value={due}
              aria-describedby={d}
              onChange={(e) => setDue(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('form.cost')} error={fieldError(update.error, '/cost/amountMinor')}>
          {(id) => (
            <input
              id={id}
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              placeholder="1250.00"
            />
          )}
        </Field>
        <Field label={t('form.currency')} error={fieldError(update.error, '/cost/currency')}>
          {(id) => (
            <input
              id={id}
              maxLength={3}
              size={4}
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={update.isPending}>
          {t('common:actions.save')}
        </button>
        {saved && (
          <span className="ok-text" role="status">
            {t('edit.saved')}
          </span>
        )}
      </div>
      <ErrorMessage error={update.error} title={t('form.failed')} />
    </form>
  );
}

export default function ProposalPage() {
  const { t } = useTranslation('proposals');
  const id = Number(useParams().id);
  const user = useUser();
  const proposal = useProposal(id);
  useTitle(proposal.data ? proposal.data.title : t('proposal'));
  if (proposal.isPending) return <Loading />;
  if (proposal.error || !proposal.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={proposal.error} title={t('loadFailed')} />
      </div>
    );
  const p = proposal.data;
  const open = p.status === 'proposed' || p.status === 'deferred';
  return (
    <div className="ticket-page proposal-page">
      <div className="ticket-main">
        <nav aria-label={t('nav')} className="ticket-nav">
          <Link to="/proposals">{t('navBack')}</Link>
        </nav>
        <div className="page-head">
          <h1>{p.title}</h1>
        </div>
        <p className="ticket-meta">
          <ProposalStatusBadge status={p.status} /> <span className="badge">{resourceText(p.resource)}</span>{' '}
          <span className="muted">{proposalSourceText(p.source)}</span>
        </p>
        {p.status === 'approved' && p.changeId !== null && (
          <p className="ok-text" role="status">
            {p.quoteRequest ? (
              <Trans
                t={t}
                i18nKey="approvedWithQuotes"
                values={{
                  change: String(p.changeId),
                  id: String(p.quoteRequest.id),
                  quantity: p.quoteRequest.quantity,
                }}
                components={{
                  change: <Link to={`/changes/${p.changeId}`} />,
                  spec: <span>{p.quoteRequest.spec}</span>,
                }}
              />
            ) : (
              <Trans
                t={t}
                i18nKey="approved"
                values={{ change: String(p.changeId) }}
                components={{ change: <Link to={`/changes/${p.changeId}`} /> }}
              />
            )}
          </p>
        )}
        <EvidencePanel proposal={p} />
        {isManager(user) && <DecisionPanel key={p.status} proposal={p} />}
        {p.status === 'proposed' && <EditPanel key={p.updatedAt} proposal={p} />}
      </div>
      <aside className="ticket-side">
        <section className="card">
          <dl className="facts">
            <dt>{t('side.subject')}</dt>
            <dd>
              {p.targetId !== null ? (
                <Link to={`/monitoring/targets/${p.targetId}`}>{p.subjectName}</Link>
              ) : (
                p.subjectName
              )}
            </dd>
            <dt>{t('side.upgrade')}</dt>
            <dd>
              {p.what || '—'}
              {p.detail && <span className="muted"> ({p.detail})</span>}
            </dd>
            <dt>{t('form.neededBy')}</dt>
            <dd>
              <DueDate iso={p.dueAt} open={open} />
            </dd>
            <dt>{t('form.cost')}</dt>
            <dd>{formatCost(p.cost)}</dd>
            {p.problemId !== null && (
              <>
                <dt>{t('side.problem')}</dt>
                <dd>
                  <Link to={`/problems/${p.problemId}`}>{problemNumber(p.problemId)}</Link>
                </dd>
              </>
            )}
            {p.deferredUntil && (
              <>
                <dt>{t('side.deferredUntil')}</dt>
                <dd>{formatDay(p.deferredUntil)}</dd>
              </>
            )}
            {p.decidedAt && (
              <>
                <dt>{t('side.decided')}</dt>
                <dd>
                  {p.decidedByName
                    ? t('side.decidedBy', { day: formatDay(p.decidedAt), name: p.decidedByName })
                    : formatDay(p.decidedAt)}
                </dd>
              </>
            )}
            {p.decisionReason && (
              <>
                <dt>{t('decide.reason')}</dt>
                <dd className="proposal-reason">{p.decisionReason}</dd>
              </>
            )}
            <dt>{t('side.proposed')}</dt>
            <dd>{formatDay(p.createdAt)}</dd>
          </dl>
        </section>
      </aside>
    </div>
  );
}
