// Moving from Opsgenie, Grafana OnCall or PagerDuty (managers): their JSON export in, a preview out — the
// schedules and escalation policies as opsdesk will hold them, the people matched by email, what cannot be
// carried over and why, and the next 4 weeks of each imported schedule beside the original's — then the import,
// all in one transaction.
import { type ChangeEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { type ImportPreview, type ImportRequest, useImport } from '../../api/oncall';
import { Empty, ErrorMessage } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { formatRange } from './parts';

const sources: Record<ImportRequest['source'], string> = {
  opsgenie: 'Opsgenie',
  'grafana-oncall': 'Grafana OnCall',
  pagerduty: 'PagerDuty',
};

function Preview({ p }: { p: ImportPreview }) {
  return (
    <>
      {p.applied && (
        <div className="alert" role="status">
          Imported {p.applied.schedules.length} schedules, {p.applied.policies.length} escalation policies and{' '}
          {p.applied.overrides} overrides still to come.{' '}
          {p.applied.schedules.map((s) => (
            <Link key={s.id} to={`/oncall/schedules/${s.id}`} className="spaced">
              {s.name}
            </Link>
          ))}
        </div>
      )}
      <section className="card" aria-labelledby="people-title">
        <h2 id="people-title" className="flush">
          People
        </h2>
        <p>
          {p.users.length - p.unmatchedUsers.length} of {p.users.length} matched to opsdesk users by email.
        </p>
        {p.unmatchedUsers.length > 0 && (
          <p className="field-error">
            No opsdesk account for: {p.unmatchedUsers.join(', ')}. Create them (or leave them out of the
            export) before importing.
          </p>
        )}
      </section>
      <section aria-labelledby="schedules-title">
        <h2 id="schedules-title">Schedules, next 4 weeks beside the original</h2>
        {p.schedules.length === 0 && <Empty title="No schedules in the export." />}
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
                    <span className="muted small">no original final schedule in the export to compare</span>
                  )}
                </div>
                <p className="muted small">
                  {s.timeZone} · {s.layers.length} layers ({s.layers.map((l) => l.name).join(', ')}) ·{' '}
                  {s.overrides.length} overrides
                </p>
                {differing.length > 0 && (
                  <details>
                    <summary>{differing.length} stretches differ</summary>
                    <ul className="plain-list small">
                      {differing.slice(0, 50).map((d) => (
                        <li key={d.start}>
                          {formatRange(d.start, d.end, s.timeZone)}: theirs {d.theirs.join(' + ') || 'nobody'}
                          , ours {d.ours ?? 'nobody'}
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
        <h2 id="policies-title">Escalation policies</h2>
        {p.policies.length === 0 && <Empty title="No escalation policies in the export." />}
        <ul className="plain-list">
          {p.policies.map((pol) => (
            <li key={pol.sourceId} className="request-row">
              <div className="grow">
                <strong>{pol.name}</strong>
                <div className="muted small">
                  {pol.steps.length} steps, run through {pol.repeatCount}{' '}
                  {pol.repeatCount === 1 ? 'time' : 'times'}
                </div>
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="not-carried-title">
        <h2 id="not-carried-title">Not carried over</h2>
        {p.notCarried.length === 0 ? (
          <Empty title="Everything in the export has a place in opsdesk." />
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
  useTitle('Import on-call');
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
        throw new Error('not a JSON object');
      setData(parsed);
    } catch (err) {
      setFileError(
        `${file.name} is not a JSON export (${err instanceof Error ? err.message : 'unreadable'}).`,
      );
    }
  };
  const preview = run.data;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/oncall">On call</Link> / Import
      </p>
      <h1>Import from another on-call tool</h1>
      <p className="muted">
        Opsgenie’s support ends on 2027-04-05 and Grafana OnCall’s open-source edition was archived on
        2026-03-24. Bring their schedules, overrides and escalation policies here: nothing is written until
        you press Import.
      </p>
      <div className="card form">
        <div className="field-row">
          <label className="inline">
            <span>From</span>
            <select value={source} onChange={(e) => setSource(e.target.value as ImportRequest['source'])}>
              {Object.entries(sources).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <span>Export (JSON)</span>
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
            Preview
          </button>
          <button
            type="button"
            className="primary"
            disabled={!data || !preview?.dryRun || preview.unmatchedUsers.length > 0 || run.isPending}
            onClick={() => data && run.mutate({ source, data, dryRun: false })}
          >
            Import
          </button>
        </div>
        <ErrorMessage error={run.error} title="Not imported." />
      </div>
      {preview && <Preview p={preview} />}
    </div>
  );
}
