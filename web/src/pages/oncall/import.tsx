// Moving from Opsgenie, Grafana OnCall or PagerDuty (managers): their JSON export in, a preview out — the
// schedules and escalation policies as opsdesk will hold them, the people matched by email, what cannot be
// carried over and why, and the next 4 weeks of each imported schedule beside the original's — then the import,
// all in one transaction.
import { type ChangeEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type ImportPreview, type ImportRequest, useImport } from '../../api/oncall';
import { Empty, ErrorMessage } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { formatRange } from './parts';

const sources: Record<ImportRequest['source'], string> = {
  opsgenie: 'Opsgenie', // i18n-ignore: a product name
  'grafana-oncall': 'Grafana OnCall', // i18n-ignore: a product name
  pagerduty: 'PagerDuty', // i18n-ignore: a product name
};

/** The dates the intro names, at noon UTC so they are the same calendar day in every zone. */
const opsgenieEnds = new Date('2027-04-05T12:00:00Z');
const grafanaArchived = new Date('2026-03-24T12:00:00Z');

function Preview({ p }: { p: ImportPreview }) {
  const { t } = useTranslation('oncall');
  return (
    <>
      {p.applied && (
        <div className="alert" role="status">
          {t('import.applied', {
            schedules: p.applied.schedules.length,
            policies: p.applied.policies.length,
            overrides: p.applied.overrides,
          })}{' '}
          {p.applied.schedules.map((s) => (
            <Link key={s.id} to={`/oncall/schedules/${s.id}`} className="spaced">
              {s.name}
            </Link>
          ))}
        </div>
      )}
      <section className="card" aria-labelledby="people-title">
        <h2 id="people-title" className="flush">
          {t('import.people')}
        </h2>
        <p>
          {t('import.matched', { matched: p.users.length - p.unmatchedUsers.length, total: p.users.length })}
        </p>
        {p.unmatchedUsers.length > 0 && (
          <p className="field-error">{t('import.unmatched', { emails: p.unmatchedUsers.join(', ') })}</p>
        )}
      </section>
      <section aria-labelledby="schedules-title">
        <h2 id="schedules-title">{t('import.schedules')}</h2>
        {p.schedules.length === 0 && <Empty title={t('import.noSchedules')} />}
        <ul className="plain-list">
          {p.schedules.map((s) => {
            const c = p.comparisons.find((x) => x.scheduleSourceId === s.sourceId);
            const differing = c?.stretches.filter((x) => !x.agree) ?? [];
            return (
              <li key={s.sourceId} className="card">
                <div className="page-head">
                  <h3 className="flush">{s.name}</h3>
                  {c ? (
                    <span
                      className={`score score-${c.agreementPercent >= 99.9 ? 'ok' : c.agreementPercent >= 90 ? 'warn' : 'bad'}`}
                    >
                      {c.agreementPercent.toFixed(1)} %
                    </span>
                  ) : (
                    <span className="muted small">{t('import.noComparison')}</span>
                  )}
                </div>
                <p className="muted small">
                  {s.timeZone} ·{' '}
                  {t('import.layers', {
                    count: s.layers.length,
                    names: s.layers.map((l) => l.name).join(', '),
                  })}{' '}
                  · {t('import.overrides', { count: s.overrides.length })}
                </p>
                {differing.length > 0 && (
                  <details>
                    <summary>{t('import.differ', { count: differing.length })}</summary>
                    <ul className="plain-list small">
                      {differing.slice(0, 50).map((d) => (
                        <li key={d.start}>
                          {t('import.stretch', {
                            range: formatRange(d.start, d.end, s.timeZone),
                            theirs: d.theirs.join(' + ') || t('import.nobody'),
                            ours: d.ours ?? t('import.nobody'),
                          })}
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="policies-title">
        <h2 id="policies-title">{t('import.policies')}</h2>
        {p.policies.length === 0 && <Empty title={t('import.noPolicies')} />}
        <ul className="plain-list">
          {p.policies.map((pol) => (
            <li key={pol.sourceId} className="request-row">
              <div className="grow">
                <strong>{pol.name}</strong>
                <div className="muted small">
                  {t('import.policySteps', { steps: pol.steps.length, count: pol.repeatCount })}
                </div>
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="not-carried-title">
        <h2 id="not-carried-title">{t('import.notCarried')}</h2>
        {p.notCarried.length === 0 ? (
          <Empty title={t('import.allCarried')} />
        ) : (
          <ul className="plain-list">
            {p.notCarried.map((n) => (
              <li key={`${n.where}-${n.what}`} className="request-row">
                <div className="grow">
                  <strong>{n.what}</strong> <span className="muted small">({n.where})</span>
                  <div className="small">{n.why}</div>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export default function ImportPage() {
  const { t } = useTranslation('oncall');
  useTitle(t('import.title'));
  const [source, setSource] = useState<ImportRequest['source']>('opsgenie');
  const [data, setData] = useState<Record<string, unknown> | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const run = useImport();
  const read = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setData(null);
    setFileError(null);
    run.reset();
    if (!file) return;
    try {
      const parsed = JSON.parse(await file.text());
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error(t('import.notObject'));
      setData(parsed);
    } catch (err) {
      setFileError(
        t('import.badFile', {
          file: file.name,
          reason: err instanceof Error ? err.message : t('import.unreadable'),
        }),
      );
    }
  };
  const preview = run.data;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/oncall">{t('title')}</Link> / {t('links.import')}
      </p>
      <h1>{t('import.heading')}</h1>
      <p className="muted">{t('import.intro', { opsgenieEnds, grafanaArchived })}</p>
      <div className="card form">
        <div className="field-row">
          <label className="inline">
            <span>{t('import.from')}</span>
            <select value={source} onChange={(e) => setSource(e.target.value as ImportRequest['source'])}>
              {Object.entries(sources).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <span>{t('import.file')}</span>
            <input type="file" accept="application/json,.json" onChange={(e) => void read(e)} />
          </label>
        </div>
        {fileError && <p className="field-error">{fileError}</p>}
        <div className="actions">
          <button
            type="button"
            disabled={!data || run.isPending}
            onClick={() => data && run.mutate({ source, data, dryRun: true })}
          >
            {t('import.preview')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={!data || !preview?.dryRun || preview.unmatchedUsers.length > 0 || run.isPending}
            onClick={() => data && run.mutate({ source, data, dryRun: false })}
          >
            {t('import.submit')}
          </button>
        </div>
        <ErrorMessage error={run.error} title={t('import.failed')} />
      </div>
      {preview && <Preview p={preview} />}
    </div>
  );
}
