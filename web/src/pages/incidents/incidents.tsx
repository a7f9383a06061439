// Incidents: what is triggered, acknowledged or resolved, newest first, and paging by hand ("page the network
// on-call"): a service and a summary open an incident that runs the service's escalation policy.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { type Incident, useIncidents, useOpenIncident, useServices } from '../../api/incidents';
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';

const stateLabels: Record<Incident['state'], string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

export function IncidentState({ state }: { state: Incident['state'] }) {
  const cls =
    state === 'triggered'
      ? 'badge sla-breached'
      : state === 'acknowledged'
        ? 'badge sla-warning'
        : 'badge badge-ok';
  return <span className={cls}>{stateLabels[state]}</span>;
}

function PageForm() {
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
        Page the on-call
      </h2>
      <div className="field-row">
        <Field label="Service" error={fieldError(open.error, '/serviceId')}>
          {(id, d, invalid) => (
            <select
              id={id}
              required
              value={serviceId}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setServiceId(e.target.value)}
            >
              <option value="">Choose a service…</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="What is wrong" error={fieldError(open.error, '/summary')}>
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
          Page now
        </button>
      </div>
      <ErrorMessage error={open.error} title="Not paged." />
    </form>
  );
}

export default function IncidentsPage() {
  useTitle('Incidents');
  const user = useUser();
  const dir = useDirectory();
  const [state, setState] = useState<Incident['state'] | ''>('');
  const incidents = useIncidents(state || undefined);
  const services = useServices();
  const serviceName = (id: number | null) =>
    services.data?.find((s) => s.id === id)?.name ?? (id === null ? '—' : `Service ${id}`);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Incidents</h1>
        <div className="actions">
          {isManager(user) && <Link to="/oncall/policies">Services and escalation policies</Link>}
          <label className="inline">
            <span>Show</span>
            <select value={state} onChange={(e) => setState(e.target.value as Incident['state'] | '')}>
              <option value="">All</option>
              {Object.entries(stateLabels).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {incidents.isPending && <Loading />}
      <ErrorMessage error={incidents.error} />
      {incidents.data?.length === 0 && <Empty title="No incidents." />}
      {incidents.data && incidents.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Incidents</caption>
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">State</th>
                <th scope="col">Service</th>
                <th scope="col">Opened</th>
                <th scope="col">Acknowledged by</th>
              </tr>
            </thead>
            <tbody>
              {incidents.data.map((i) => (
                <tr key={i.id}>
                  <td className="break">
                    <Link to={`/incidents/${i.id}`}>
                      #{i.id} {i.summary}
                    </Link>
                    {i.eventCount > 1 && <span className="muted small"> · {i.eventCount} events</span>}
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
