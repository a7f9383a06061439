// Alerts as the alert pipeline sees them: firing or resolved, active or suppressed and why (a silence, an
// inhibiting alert, maintenance, a parent target down, flapping), "Silence" prefilling a silence with the alert's
// labels, and the aggregation groups with the incident each opened.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type MonitoringAlert,
  type MuteReason,
  useAlertGroups,
  useMonitoringAlerts,
} from '../../api/monitoring-alerts';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { MonitoringTabs } from './tabs';

/** Label pairs as Alertmanager writes matchers: name="value" (the value JSON-quoted, so quotes and \ escape). */
export function labelMatchers(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

export function silenceLinkFor(labels: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const m of labelMatchers(labels)) q.append('matcher', m);
  return `/monitoring/silences?${q.toString()}`;
}

export function LabelChips({ labels, label }: { labels: Record<string, string>; label: string }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="chips label-chips" aria-label={label}>
      {entries.map(([k, v]) => (
        <li key={k} className="chip label-chip">
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

function AlertStatus({ alert }: { alert: MonitoringAlert }) {
  if (alert.status === 'resolved') return <span className="badge badge-ok">Resolved</span>;
  if (alert.status === 'suppressed') return <span className="badge sla-paused">Suppressed</span>;
  return <span className="badge sla-breached">Firing</span>;
}

function MuteReasons({ reasons, nameOf }: { reasons: MuteReason[]; nameOf: (fp: string) => string }) {
  if (reasons.length === 0) return null;
  return (
    <ul className="plain-list small">
      {reasons.map((r) => (
        <li key={r.kind + (r.silenceIds ?? r.by ?? []).join()}>
          {r.kind === 'silenced' && (
            <>
              Silenced by{' '}
              {(r.silenceIds ?? []).map((id, i) => (
                <span key={id}>
                  {i > 0 && ', '}
                  <Link to={`/monitoring/silences#silence-${id}`}>silence #{id}</Link>
                </span>
              ))}
            </>
          )}
          {r.kind === 'inhibited' && (
            <>Inhibited by {(r.by ?? []).map(nameOf).join(', ') || 'another alert'}</>
          )}
          {r.kind === 'maintenance' && <>In a maintenance window</>}
          {r.kind === 'parent_down' && <>Parent target is down</>}
          {r.kind === 'flapping' && <>Flapping: notifications held</>}
        </li>
      ))}
    </ul>
  );
}

function AlertGroups() {
  const groups = useAlertGroups();
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Alert groups</h2>
      {groups.isPending && <Loading />}
      <ErrorMessage error={groups.error} />
      {groups.data?.length === 0 && <Empty title="No alert groups." />}
      {groups.data && groups.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">Alert groups</caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Receiver</th>
                <th scope="col" className="num">
                  Alerts
                </th>
                <th scope="col">Last notified</th>
                <th scope="col">Incident</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.id}>
                  <td data-label="Group">
                    <LabelChips labels={g.groupLabels} label={`Group ${g.id} labels`} />
                    {g.lastError && <p className="danger-text small break">Last failure: {g.lastError}</p>}
                  </td>
                  <td data-label="Receiver" className="break">
                    {g.receiver}
                  </td>
                  <td data-label="Alerts" className="num">
                    {g.alertCount}
                  </td>
                  <td data-label="Last notified" className="nowrap">
                    {g.lastNotifiedAt ? <Time iso={g.lastNotifiedAt} /> : '—'}
                  </td>
                  <td data-label="Incident" className="nowrap">
                    {g.incidentId === null ? (
                      '—'
                    ) : (
                      <Link to={`/incidents/${g.incidentId}`}>#{g.incidentId}</Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function AlertsPage() {
  useTitle('Alerts');
  const [state, setState] = useState<MonitoringAlert['state'] | ''>('firing');
  const alerts = useMonitoringAlerts(state || undefined);
  const byFingerprint = new Map(alerts.data?.map((a) => [a.fingerprint, a]));
  const nameOf = (fp: string) => byFingerprint.get(fp)?.labels.alertname ?? fp.slice(0, 8);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Alerts</h1>
        <div className="actions">
          <label className="inline">
            <span>Show</span>
            <select value={state} onChange={(e) => setState(e.target.value as MonitoringAlert['state'] | '')}>
              <option value="firing">Firing</option>
              <option value="resolved">Resolved</option>
              <option value="">All</option>
            </select>
          </label>
        </div>
      </div>
      <MonitoringTabs />
      {alerts.isPending && <Loading />}
      <ErrorMessage error={alerts.error} />
      {alerts.data?.length === 0 && (
        <Empty title={state === 'firing' ? 'Nothing is firing.' : 'No alerts.'} />
      )}
      {alerts.data && alerts.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">Alerts</caption>
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">State</th>
                <th scope="col">Labels</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.map((a) => {
                const name = a.labels.alertname ?? a.fingerprint.slice(0, 8);
                return (
                  <tr key={a.fingerprint}>
                    <td className="break">
                      <strong>{name}</strong>
                      {a.annotations.summary && <p className="muted small flush">{a.annotations.summary}</p>}
                      {a.targetId !== null && (
                        <p className="small flush">
                          <Link to={`/monitoring/targets/${a.targetId}`}>Target #{a.targetId}</Link>
                        </p>
                      )}
                    </td>
                    <td data-label="State">
                      <AlertStatus alert={a} />
                      <MuteReasons reasons={a.mutedBy} nameOf={nameOf} />
                    </td>
                    <td data-label="Labels">
                      <LabelChips labels={a.labels} label={`Labels of ${name}`} />
                    </td>
                    <td data-label="Since" className="nowrap">
                      <Time iso={a.startsAt} />
                    </td>
                    <td className="nowrap">
                      {a.state === 'firing' && (
                        <Link className="button" to={silenceLinkFor(a.labels)} aria-label={`Silence ${name}`}>
                          Silence
                        </Link>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <AlertGroups />
    </div>
  );
}
