// Alerts as the alert pipeline sees them: firing or resolved, active or suppressed and why (a silence, an
// inhibiting alert, maintenance, a parent target down, flapping), "Silence" prefilling a silence with the alert's
// labels, and the aggregation groups with the incident each opened.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('monitoring');
  if (alert.status === 'resolved')
    return <span className="badge badge-ok">{t('alerts.status.resolved')}</span>;
  if (alert.status === 'suppressed')
    return <span className="badge sla-paused">{t('alerts.status.suppressed')}</span>;
  return <span className="badge sla-breached">{t('alerts.status.firing')}</span>;
}

function MuteReasons({ reasons, nameOf }: { reasons: MuteReason[]; nameOf: (fp: string) => string }) {
  const { t } = useTranslation('monitoring');
  if (reasons.length === 0) return null;
  return (
    <ul className="plain-list small">
      {reasons.map((r) => (
        <li key={r.kind + (r.silenceIds ?? r.by ?? []).join()}>
          {r.kind === 'silenced' && (
            <>
              {t('alerts.mute.silencedBy')}{' '}
              {(r.silenceIds ?? []).map((id, i) => (
                <span key={id}>
                  {i > 0 && ', '}
                  <Link to={`/monitoring/silences#silence-${id}`}>
                    {t('alerts.mute.silence', { id: String(id) })}
                  </Link>
                </span>
              ))}
            </>
          )}
          {r.kind === 'inhibited' &&
            ((r.by ?? []).length > 0
              ? t('alerts.mute.inhibitedBy', { names: (r.by ?? []).map(nameOf).join(', ') })
              : t('alerts.mute.inhibitedByAnother'))}
          {r.kind === 'maintenance' && t('alerts.mute.maintenance')}
          {r.kind === 'parent_down' && t('alerts.mute.parentDown')}
          {r.kind === 'flapping' && t('alerts.mute.flapping')}
        </li>
      ))}
    </ul>
  );
}

function AlertGroups() {
  const { t } = useTranslation('monitoring');
  const groups = useAlertGroups();
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">{t('groups.title')}</h2>
      {groups.isPending && <Loading />}
      <ErrorMessage error={groups.error} />
      {groups.data?.length === 0 && <Empty title={t('groups.empty')} />}
      {groups.data && groups.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">{t('groups.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('groups.group')}</th>
                <th scope="col">{t('groups.receiver')}</th>
                <th scope="col" className="num">
                  {t('groups.alerts')}
                </th>
                <th scope="col">{t('groups.lastNotified')}</th>
                <th scope="col">{t('groups.incident')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.id}>
                  <td data-label={t('groups.group')}>
                    <LabelChips labels={g.groupLabels} label={t('groups.labels', { id: String(g.id) })} />
                    {g.lastError && (
                      <p className="danger-text small break">
                        {t('groups.lastFailure', { error: g.lastError })}
                      </p>
                    )}
                  </td>
                  <td data-label={t('groups.receiver')} className="break">
                    {g.receiver}
                  </td>
                  <td data-label={t('groups.alerts')} className="num">
                    {g.alertCount}
                  </td>
                  <td data-label={t('groups.lastNotified')} className="nowrap">
                    {g.lastNotifiedAt ? <Time iso={g.lastNotifiedAt} /> : '—'}
                  </td>
                  <td data-label={t('groups.incident')} className="nowrap">
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
  const { t } = useTranslation('monitoring');
  useTitle(t('alerts.title'));
  const [state, setState] = useState<MonitoringAlert['state'] | ''>('firing');
  const alerts = useMonitoringAlerts(state || undefined);
  const byFingerprint = new Map(alerts.data?.map((a) => [a.fingerprint, a]));
  const nameOf = (fp: string) => byFingerprint.get(fp)?.labels.alertname ?? fp.slice(0, 8);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('alerts.title')}</h1>
        <div className="actions">
          <label className="inline">
            <span>{t('alerts.show')}</span>
            <select value={state} onChange={(e) => setState(e.target.value as MonitoringAlert['state'] | '')}>
              <option value="firing">{t('alerts.show.firing')}</option>
              <option value="resolved">{t('alerts.show.resolved')}</option>
              <option value="">{t('alerts.show.all')}</option>
            </select>
          </label>
        </div>
      </div>
      <MonitoringTabs />
      {alerts.isPending && <Loading />}
      <ErrorMessage error={alerts.error} />
      {alerts.data?.length === 0 && (
        <Empty title={state === 'firing' ? t('alerts.empty.firing') : t('alerts.empty.any')} />
      )}
      {alerts.data && alerts.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">{t('alerts.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('alerts.table.alert')}</th>
                <th scope="col">{t('alerts.table.state')}</th>
                <th scope="col">{t('alerts.table.labels')}</th>
                <th scope="col">{t('alerts.table.since')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('alerts.table.actions')}</span>
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
                          <Link to={`/monitoring/targets/${a.targetId}`}>
                            {t('alerts.target', { id: String(a.targetId) })}
                          </Link>
                        </p>
                      )}
                    </td>
                    <td data-label={t('alerts.table.state')}>
                      <AlertStatus alert={a} />
                      <MuteReasons reasons={a.mutedBy} nameOf={nameOf} />
                    </td>
                    <td data-label={t('alerts.table.labels')}>
                      <LabelChips labels={a.labels} label={t('alerts.labelsOf', { name })} />
                    </td>
                    <td data-label={t('alerts.table.since')} className="nowrap">
                      <Time iso={a.startsAt} />
                    </td>
                    <td className="nowrap">
                      {a.state === 'firing' && (
                        <Link
                          className="button"
                          to={silenceLinkFor(a.labels)}
                          aria-label={t('alerts.silenceNamed', { name })}
                        >
                          {t('alerts.silence')}
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
