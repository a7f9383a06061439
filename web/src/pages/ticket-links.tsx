// Links, merge and split on a staff ticket page: the Links panel (both directions, with each other ticket's
// state; add by number or search, remove), "Merge into…" with a confirmation, and the banner a merged ticket
// shows in place of its composer. The rules (cycles, one parent, the parent rule) are the server's.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { type LinkKind, useAddLink, useMergeTicket, useRemoveLink } from '../api/ticket-links';
import { useTicketSearch } from '../api/tickets';
import type { Ticket } from '../api/types';
import { StatusBadge } from '../ui/badges';
import { ErrorMessage } from '../ui/messages';

/** The kinds a person picks when linking: "this ticket is … #n" (kind.<code> in the catalogue). */
const linkKinds: LinkKind[] = ['related', 'parent_of', 'child_of', 'duplicate_of', 'caused_by'];

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
  const { t } = useTranslation('ticket-links');
  const [q, setQ] = useState('');
  const number = /^#?\s*(\d{1,9})$/.exec(q.trim());
  const search = useTicketSearch(number ? '' : q.trim(), 6);
  const hits = (search.data?.items ?? []).filter((hit) => hit.id !== exclude && hit.mergedIntoId === null);
  return (
    <div className="ticket-picker">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        placeholder={t('picker.placeholder')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoComplete="off"
      />
      {q.trim() !== '' && (
        <ul className="picker-results" aria-label={t('picker.matches', { label })}>
          {number && Number(number[1]) !== exclude && (
            <li>
              <button
                type="button"
                className="ghost"
                onClick={() =>
                  onPick({ id: Number(number[1]), title: t('picker.ticket', { id: number[1] }) })
                }
              >
                {t('picker.ticket', { id: number[1] })}
              </button>
            </li>
          )}
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" className="ghost" onClick={() => onPick(hit)}>
                <span className="muted">#{hit.id}</span> {hit.title} <StatusBadge status={hit.status} />
              </button>
            </li>
          ))}
          {!number && search.isSuccess && hits.length === 0 && (
            <li className="muted small">{t('picker.none')}</li>
          )}
        </ul>
      )}
    </div>
  );
}

export function LinksPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-links');
  const add = useAddLink(ticket.id);
  const remove = useRemoveLink(ticket.id);
  const [kind, setKind] = useState<LinkKind>('related');
  const [adding, setAdding] = useState(false);
  const links = ticket.links ?? [];
  const readOnly = ticket.mergedIntoId !== null;
  return (
    <section className="card links-panel" aria-labelledby="links-title">
      <div className="kb-panel-head">
        <h2 id="links-title">{t('title')}</h2>
        {!readOnly && !adding && (
          <button type="button" onClick={() => setAdding(true)}>
            {t('add')}
          </button>
        )}
      </div>
      <ErrorMessage error={add.error ?? remove.error} title={t('failed')} />
      {links.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul className="link-list">
          {links.map((l) => (
            <li key={l.id}>
              <span className="link-role">{t(`role.${l.role}`)}</span>
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
                  aria-label={t('removeNamed', { id: String(l.ticket.id) })}
                  onClick={() => remove.mutate(l)}
                >
                  {t('remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {adding && (
        <div className="link-add">
          <label htmlFor="link-kind">{t('thisTicketIs')}</label>
          <select id="link-kind" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
            {linkKinds.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
          <TicketPicker
            id="link-ticket"
            label={t('ticketToLink')}
            exclude={ticket.id}
            onPick={(other) =>
              add.mutate({ kind, ticketId: other.id }, { onSuccess: () => setAdding(false) })
            }
          />
          <button type="button" className="ghost" onClick={() => setAdding(false)}>
            {t('common:actions.cancel')}
          </button>
        </div>
      )}
    </section>
  );
}

/** "Merge into…": pick the ticket that carries on, confirm, and go there. */
export function MergePanel({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const { t } = useTranslation('ticket-links');
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
        <h2 id="merge-title">{t('merge.title', { id: String(ticket.id) })}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      {into === null ? (
        <TicketPicker id="merge-into" label={t('merge.into')} exclude={ticket.id} onPick={setInto} />
      ) : (
        <form onSubmit={confirm} className="merge-confirm">
          <p>
            <Trans
              t={t}
              i18nKey="merge.confirm"
              values={{ id: String(ticket.id) }}
              components={{
                from: <strong>#{ticket.id}</strong>,
                into: (
                  <strong>
                    #{into.id} {into.title}
                  </strong>
                ),
              }}
            />
          </p>
          <div className="row-actions">
            <button type="submit" className="danger" disabled={merge.isPending}>
              {t('merge.submit', { id: String(into.id) })}
            </button>
            <button type="button" className="ghost" onClick={() => setInto(null)}>
              {t('merge.another')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={merge.error} title={t('merge.failed')} />
    </section>
  );
}

/** A merged ticket says where its conversation went on (`base`: /tickets for staff, /requests in the portal). */
export function MergedBanner({ ticket, base = '/tickets' }: { ticket: Ticket; base?: string }) {
  const { t } = useTranslation('ticket-links');
  if (ticket.mergedIntoId === null) return null;
  return (
    <p className="merged-banner" role="status">
      <Trans
        t={t}
        i18nKey="merged"
        values={{ id: String(ticket.mergedIntoId) }}
        components={{ anchor: <Link to={`${base}/${ticket.mergedIntoId}`} /> }}
      />
    </p>
  );
}
