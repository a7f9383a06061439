// On a ticket: page the on-call engineer of a service ("page the network on-call") — an incident linked to the
// ticket that runs the service's escalation policy — and the ticket's incidents with their state.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useIncidents, usePageFromTicket, useServices } from '../../api/incidents';
import type { Ticket } from '../../api/types';
import { ErrorMessage } from '../../ui/messages';
import { IncidentState } from './incidents';

export function PagePanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('incidents');
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
        <h2 id={`${formId}-title`}>{t('panel.title')}</h2>
        {!open && ticket.status !== 'closed' && (
          <button
            type="button"
            aria-expanded={false}
            aria-controls={`${formId}-form`}
            onClick={() => setOpen(true)}
          >
            {t('panel.open')}
          </button>
        )}
      </div>
      {list.length > 0 && (
        <ul className="plain-list">
          {list.map((i) => (
            <li key={i.id}>
              <Link to={`/incidents/${i.id}`}>{t('panel.incident', { id: i.id })}</Link>{' '}
              <IncidentState state={i.state} />
            </li>
          ))}
        </ul>
      )}
      {list.length === 0 && !open && <p className="muted small">{t('panel.none')}</p>}
      {open && (
        <form id={`${formId}-form`} className="form" onSubmit={submit}>
          <label className="inline">
            <span>{t('panel.service')}</span>
            <select required value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">{t('panel.choose')}</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <span>{t('panel.summary')}</span>
            <input required maxLength={1024} value={summary} onChange={(e) => setSummary(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={page.isPending}>
              {t('page.submit')}
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              {t('common:actions.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={page.error} title={t('page.failed')} />
    </section>
  );
}
