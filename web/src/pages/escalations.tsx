// The manager's escalation queue: open escalations, oldest first (manual ones with the technician's reason,
// automatic ones from the policies' levels), each resolved with a note or handed on to a group.
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useCloseEscalation, useEscalations } from '../api/sla';
import { useTickets } from '../api/tickets';
import type { Escalation, Ticket } from '../api/types';
import { automaticEscalation } from '../timeline';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

const views = {
  open: { label: 'All open', query: { status: 'open' } },
  manager: { label: 'Open, to the manager', query: { status: 'open', toManager: true } },
  resolved: { label: 'Resolved', query: { status: 'resolved' } },
  handed_on: { label: 'Handed on', query: { status: 'handed_on' } },
} as const;
type View = keyof typeof views;

function CloseForm({ e, mode, onDone }: { e: Escalation; mode: 'resolve' | 'hand-on'; onDone: () => void }) {
  const dir = useDirectory();
  const [note, setNote] = useState('');
  const [groupId, setGroupId] = useState('');
  const close = useCloseEscalation(e.id, e.ticketId, onDone);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    close.mutate(mode === 'resolve' ? { mode, note } : { mode, note, groupId: Number(groupId) });
  };
  return (
    <form
      className="form sub-card"
      onSubmit={submit}
      aria-label={mode === 'resolve' ? `Resolve escalation of #${e.ticketId}` : `Hand on #${e.ticketId}`}
    >
      {mode === 'hand-on' && (
        <Field label="Hand on to group" error={fieldError(close.error, '/groupId')}>
          {(id, d, invalid) => (
            <select
              id={id}
              required
              value={groupId}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(x) => setGroupId(x.target.value)}
            >
              <option value="">Choose a group…</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Note" hint="Saved on the ticket's timeline" error={fieldError(close.error, '/note')}>
        {(id, d, invalid) => (
          <textarea
            id={id}
            rows={2}
            required
            maxLength={1000}
            value={note}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(x) => setNote(x.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={close.isPending}>
          {mode === 'resolve' ? 'Resolve escalation' : 'Hand on'}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={close.error} title="Not saved." />
    </form>
  );
}

function EscalationCard({ e, ticket }: { e: Escalation; ticket: Ticket | undefined }) {
  const dir = useDirectory();
  const [mode, setMode] = useState<'resolve' | 'hand-on' | null>(null);
  // An automatic level may only notify or raise the priority: then it goes to no one, and says nothing of it.
  const to = e.toManager ? 'the manager' : e.toGroupId !== null ? dir.groupName(e.toGroupId) : null;
  const reason = e.kind === 'automatic' ? (automaticEscalation(e.reason) ?? e.reason) : `“${e.reason}”`;
  return (
    <li className="card escalation-card">
      <div className="sla-panel-head">
        <h2 className="escalation-title">
          <Link to={`/tickets/${e.ticketId}`}>
            <span className="muted">#{e.ticketId}</span> {ticket?.title ?? 'Ticket'}
          </Link>
        </h2>
        <span className="status-line">
          {ticket && <StatusBadge status={ticket.status} />}
          {ticket && <PriorityBadge priority={ticket.priority} />}
          <span className={`badge ${e.status === 'open' ? 'sla-warning' : 'sla-phase-achieved'}`}>
            Level {e.level} ·{' '}
            {e.status === 'open' ? 'open' : e.status === 'resolved' ? 'resolved' : 'handed on'}
          </span>
        </span>
      </div>
      <p className="escalation-reason">{reason}</p>
      <p className="muted small">
        {e.kind === 'manual'
          ? `${dir.userName(e.actorId)} escalated`
          : 'Escalated automatically by the SLA policy'}
        {e.fromGroupId !== null ? ` from ${dir.groupName(e.fromGroupId)}` : ''}
        {to !== null ? ` to ${to}` : ''} · <Time iso={e.createdAt} />
      </p>
      {e.note && (
        <p className="small">
          Note: {e.note} {e.closedBy !== null && <span className="muted">— {dir.userName(e.closedBy)}</span>}
        </p>
      )}
      {e.status === 'open' && mode === null && (
        <div className="actions">
          <button type="button" onClick={() => setMode('resolve')}>
            Resolve…
          </button>
          <button type="button" onClick={() => setMode('hand-on')}>
            Hand on…
          </button>
        </div>
      )}
      {mode && <CloseForm e={e} mode={mode} onDone={() => setMode(null)} />}
    </li>
  );
}

export default function EscalationsPage() {
  useTitle('Escalations');
  const [params, setParams] = useSearchParams();
  const view = ((params.get('view') ?? 'open') in views ? (params.get('view') ?? 'open') : 'open') as View;
  const list = useEscalations(view, views[view].query);
  const ids = [...new Set((list.data ?? []).map((e) => e.ticketId))];
  const tickets = useTickets(ids, 30_000);
  const ticketOf = (id: number) => tickets[ids.indexOf(id)]?.data;
  const items = view === 'open' || view === 'manager' ? (list.data ?? []) : [...(list.data ?? [])].reverse();
  return (
    <div className="page">
      <div className="page-head">
        <h1>Escalations</h1>
        <label className="inline">
          <span>Show</span>
          <select
            value={view}
            onChange={(e) =>
              setParams(e.target.value === 'open' ? {} : { view: e.target.value }, { replace: true })
            }
          >
            {(Object.keys(views) as View[]).map((v) => (
              <option key={v} value={v}>
                {views[v].label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted">
        Tickets a technician could not move on, and those the SLA levels escalated. Oldest first.
      </p>
      <ErrorMessage error={list.error} title="The escalations could not be loaded." />
      {list.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title="No escalations here.">
          <p>{view === 'open' || view === 'manager' ? 'Nothing is waiting for you.' : 'None yet.'}</p>
        </Empty>
      ) : (
        <ul className="card-list" aria-label="Escalations">
          {items.map((e) => (
            <EscalationCard key={e.id} e={e} ticket={ticketOf(e.ticketId)} />
          ))}
        </ul>
      )}
    </div>
  );
}
