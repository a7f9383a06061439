// On a ticket: page the on-call engineer of a service ("page the network on-call") — an incident linked to the
// ticket that runs the service's escalation policy — and the ticket's incidents with their state.
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { useIncidents, usePageFromTicket, useServices } from '../../api/incidents';
import type { Ticket } from '../../api/types';
import { ErrorMessage } from '../../ui/messages';
import { IncidentState } from './incidents';

export function PagePanel({ ticket }: { ticket: Ticket }) {
  const formId = useId();
  const [open, setOpen] = useState(false);
  const services = useServices();
  const incidents = useIncidents(undefined, ticket.id);
  const [serviceId, setServiceId] = useState('');
  const [summary, setSummary] = useState(ticket.title);
  const page = usePageFromTicket(ticket.id, () => setOpen(false));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    page.mutate({ serviceId: Number(serviceId), summary });
  };
  const list = incidents.data ?? [];
  return (
    <section className="card escalate" aria-labelledby={`${formId}-title`}>
      <div className="sla-panel-head">
        <h2 id={`${formId}-title`}>On-call</h2>
        {!open && ticket.status !== 'closed' && (
          <button
            type="button"
            aria-expanded={false}
            aria-controls={`${formId}-form`}
            onClick={() => setOpen(true)}
          >
            Page the on-call…
          </button>
        )}
      </div>
      {list.length > 0 && (
        <ul className="plain-list">
          {list.map((i) => (
            <li key={i.id}>
              <Link to={`/incidents/${i.id}`}>Incident #{i.id}</Link> <IncidentState state={i.state} />
            </li>
          ))}
        </ul>
      )}
      {list.length === 0 && !open && <p className="muted small">Nobody paged for this ticket.</p>}
      {open && (
        <form id={`${formId}-form`} className="form" onSubmit={submit}>
          <label className="inline">
            <span>Service to page</span>
            <select required value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">Choose…</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <span>Summary</span>
            <input required maxLength={1024} value={summary} onChange={(e) => setSummary(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={page.isPending}>
              Page now
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={page.error} title="Not paged." />
    </section>
  );
}
