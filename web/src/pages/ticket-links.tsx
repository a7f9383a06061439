// Links, merge and split on a staff ticket page: the Links panel (both directions, with each other ticket's
// state; add by number or search, remove), "Merge into…" with a confirmation, and the banner a merged ticket
// shows in place of its composer. The rules (cycles, one parent, the parent rule) are the server's.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  type LinkKind,
  linkKindLabel,
  linkRoleLabel,
  useAddLink,
  useMergeTicket,
  useRemoveLink,
} from '../api/ticket-links';
import { useTicketSearch } from '../api/tickets';
import type { Ticket } from '../api/types';
import { StatusBadge } from '../ui/badges';
import { ErrorMessage } from '../ui/messages';

/** A ticket chosen by number ("#42", "42") or by a search over titles. */
export function TicketPicker({
  id,
  label,
  exclude,
  onPick,
}: {
  id: string;
  label: string;
  exclude: number;
  onPick: (t: { id: number; title: string }) => void;
}) {
  const [q, setQ] = useState('');
  const number = /^#?\s*(\d{1,9})$/.exec(q.trim());
  const search = useTicketSearch(number ? '' : q.trim(), 6);
  const hits = (search.data?.items ?? []).filter((t) => t.id !== exclude && t.mergedIntoId === null);
  return (
    <div className="ticket-picker">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        placeholder="Ticket number or words of its title"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoComplete="off"
      />
      {q.trim() !== '' && (
        <ul className="picker-results" aria-label={`${label}: matches`}>
          {number && Number(number[1]) !== exclude && (
            <li>
              <button
                type="button"
                className="ghost"
                onClick={() => onPick({ id: Number(number[1]), title: `Ticket #${number[1]}` })}
              >
                Ticket #{number[1]}
              </button>
            </li>
          )}
          {hits.map((t) => (
            <li key={t.id}>
              <button type="button" className="ghost" onClick={() => onPick(t)}>
                <span className="muted">#{t.id}</span> {t.title} <StatusBadge status={t.status} />
              </button>
            </li>
          ))}
          {!number && search.isSuccess && hits.length === 0 && <li className="muted small">No match.</li>}
        </ul>
      )}
    </div>
  );
}

export function LinksPanel({ ticket }: { ticket: Ticket }) {
  const add = useAddLink(ticket.id);
  const remove = useRemoveLink(ticket.id);
  const [kind, setKind] = useState<LinkKind>('related');
  const [adding, setAdding] = useState(false);
  const links = ticket.links ?? [];
  const readOnly = ticket.mergedIntoId !== null;
  return (
    <section className="card links-panel" aria-labelledby="links-title">
      <div className="kb-panel-head">
        <h2 id="links-title">Links</h2>
        {!readOnly && !adding && (
          <button type="button" onClick={() => setAdding(true)}>
            Add link
          </button>
        )}
      </div>
      <ErrorMessage error={add.error ?? remove.error} title="The link did not change." />
      {links.length === 0 ? (
        <p className="muted small">No linked tickets.</p>
      ) : (
        <ul className="link-list">
          {links.map((l) => (
            <li key={l.id}>
              <span className="link-role">{linkRoleLabel[l.role]}</span>
              <span className="grow-wrap">
                <Link to={`/tickets/${l.ticket.id}`}>
                  <span className="muted">#{l.ticket.id}</span> {l.ticket.title}
                </Link>{' '}
                <StatusBadge status={l.ticket.status} />
              </span>
              {!readOnly && (
                <button
                  type="button"
                  className="ghost"
                  disabled={remove.isPending}
                  aria-label={`Remove link to #${l.ticket.id}`}
                  onClick={() => remove.mutate(l)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {adding && (
        <div className="link-add">
          <label htmlFor="link-kind">This ticket is</label>
          <select id="link-kind" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
            {(Object.keys(linkKindLabel) as LinkKind[]).map((k) => (
              <option key={k} value={k}>
                {linkKindLabel[k]}
              </option>
            ))}
          </select>
          <TicketPicker
            id="link-ticket"
            label="Ticket to link"
            exclude={ticket.id}
            onPick={(t) => add.mutate({ kind, ticketId: t.id }, { onSuccess: () => setAdding(false) })}
          />
          <button type="button" className="ghost" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

/** "Merge into…": pick the ticket that carries on, confirm, and go there. */
export function MergePanel({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const navigate = useNavigate();
  const merge = useMergeTicket(ticket.id);
  const [into, setInto] = useState<{ id: number; title: string } | null>(null);
  function confirm(e: FormEvent) {
    e.preventDefault();
    if (into)
      merge.mutate(into.id, {
        onSuccess: (s) => {
          onClose();
          navigate(`/tickets/${s.id}`);
        },
      });
  }
  return (
    <section className="card merge-panel" aria-labelledby="merge-title">
      <div className="kb-panel-head">
        <h2 id="merge-title">Merge #{ticket.id} into another ticket</h2>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      {into === null ? (
        <TicketPicker id="merge-into" label="Ticket to merge into" exclude={ticket.id} onPick={setInto} />
      ) : (
        <form onSubmit={confirm} className="merge-confirm">
          <p>
            Merge <strong>#{ticket.id}</strong> into{' '}
            <strong>
              #{into.id} {into.title}
            </strong>
            ? Its comments, files, watchers and links move there, its requester follows as a watcher, and #
            {ticket.id} is closed. This cannot be undone.
          </p>
          <div className="row-actions">
            <button type="submit" className="danger" disabled={merge.isPending}>
              Merge into #{into.id}
            </button>
            <button type="button" className="ghost" onClick={() => setInto(null)}>
              Pick another
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={merge.error} title="The tickets were not merged." />
    </section>
  );
}

/** A merged ticket says where its conversation went on (`base`: /tickets for staff, /requests in the portal). */
export function MergedBanner({ ticket, base = '/tickets' }: { ticket: Ticket; base?: string }) {
  if (ticket.mergedIntoId === null) return null;
  return (
    <p className="merged-banner" role="status">
      This ticket was merged into{' '}
      <Link to={`${base}/${ticket.mergedIntoId}`}>ticket #{ticket.mergedIntoId}</Link>; it is closed and
      read-only. Replies to its mails land there.
    </p>
  );
}
