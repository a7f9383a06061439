// Incidents: what is triggered, acknowledged or resolved, newest first, and paging by hand ("page the network
// on-call"): a service and a summary open an incident that runs the service's escalation policy.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { type Incident, useIncidents, useOpenIncident, useServices } from '../../api/incidents';
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';

const states: Incident['state'][] = ['triggered', 'acknowledged', 'resolved'];

export function IncidentState({ state }: { state: Incident['state'] }) {
  const { t } = useTranslation('incidents');
  const cls =
    state === 'triggered'
      ? 'badge sla-breached'
      : state === 'acknowledged'
        ? 'badge sla-warning'
        : 'badge badge-ok';
  return <span className={cls}>{t(`state.${state}`)}</span>;
}

function PageForm() {
  const { t } = useTranslation('incidents');
  const navigate = useNavigate();
  const services = useServices();
  const [serviceId, setServiceId] = useState('');
  const [summary, setSummary] = useState('');
  const open = useOpenIncident((i) => navigate(`/incidents/${i.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    open.mutate({ serviceId: Number(serviceId), summary });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="page-title">
      <h2 id="page-title" className="flush">
        {t('page.title')}
      </h2>
      <div className="field-row">
        <Field label={t('page.service')} error={fieldError(open.error, '/serviceId')}>
          {(id, d, invalid) => (
            <select
              id={id}
              required
              value={serviceId}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setServiceId(e.target.value)}
            >
              <option value="">{t('page.chooseService')}</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('page.summary')} error={fieldError(open.error, '/summary')}>
          {(id, d, invalid) => (
            <input
              id={id}
              required
              maxLength={1024}
              value={summary}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setSummary(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={open.isPending}>
          {t('page.submit')}
        </button>
      </div>
      <ErrorMessage error={open.error} title={t('page.failed')} />
    </form>
  );
}

export default function IncidentsPage() {
  const { t } = useTranslation('incidents');
  useTitle(t('title'));
  const user = useUser();
  const dir = useDirectory();
  const [state, setState] = useState<Incident['state'] | ''>('');
  const incidents = useIncidents(state || undefined);
  const services = useServices();
  const serviceName = (id: number | null) =>
    services.data?.find((s) => s.id === id)?.name ?? (id === null ? '—' : t('serviceFallback', { id }));
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <div className="actions">
          {isManager(user) && <Link to="/oncall/policies">{t('policiesLink')}</Link>}
          <label className="inline">
            <span>{t('filter.show')}</span>
            <select value={state} onChange={(e) => setState(e.target.value as Incident['state'] | '')}>
              <option value="">{t('filter.all')}</option>
              {states.map((k) => (
                <option key={k} value={k}>
                  {t(`state.${k}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {incidents.isPending && <Loading />}
      <ErrorMessage error={incidents.error} />
      {incidents.data?.length === 0 && <Empty title={t('empty')} />}
      {incidents.data && incidents.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.incident')}</th>
                <th scope="col">{t('table.state')}</th>
                <th scope="col">{t('table.service')}</th>
                <th scope="col">{t('table.opened')}</th>
                <th scope="col">{t('table.acknowledgedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {incidents.data.map((i) => (
                <tr key={i.id}>
                  <td className="break">
                    <Link to={`/incidents/${i.id}`}>
                      #{i.id} {i.summary}
                    </Link>
                    {i.eventCount > 1 && (
                      <span className="muted small"> · {t('events', { count: i.eventCount })}</span>
                    )}
                  </td>
                  <td>
                    <IncidentState state={i.state} />
                  </td>
                  <td className="nowrap">{serviceName(i.serviceId)}</td>
                  <td className="nowrap">
                    <Time iso={i.createdAt} />
                  </td>
                  <td className="nowrap">
                    {i.acknowledgedBy === null ? '—' : dir.userName(i.acknowledgedBy)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PageForm />
    </div>
  );
}
