// The manager's escalation queue: open escalations, oldest first (manual ones with the technician's reason,
// automatic ones from the policies' levels), each resolved with a note or handed on to a group.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  open: { query: { status: 'open' } },
  manager: { query: { status: 'open', toManager: true } },
  resolved: { query: { status: 'resolved' } },
  handed_on: { query: { status: 'handed_on' } },
} as const;
type View = keyof typeof views;

function CloseForm({ e, mode, onDone }: { e: Escalation; mode: 'resolve' | 'hand-on'; onDone: () => void }) {
  const { t } = useTranslation('escalations');
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
      aria-label={
        mode === 'resolve'
          ? t('close.resolveLabel', { id: String(e.ticketId) })
          : t('close.handOnLabel', { id: String(e.ticketId) })
      }
    >
      {mode === 'hand-on' && (
        <Field label={t('close.group')} error={fieldError(close.error, '/groupId')}>
          {(id, d, invalid) => (
            <select
              id={id}
              required
              value={groupId}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(x) => setGroupId(x.target.value)}
            >
              <option value="">{t('close.chooseGroup')}</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t('close.note')} hint={t('close.noteHint')} error={fieldError(close.error, '/note')}>
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
          {mode === 'resolve' ? t('close.resolve') : t('close.handOn')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <ErrorMessage error={close.error} title={t('close.failed')} />
    </form>
  );
}

function EscalationCard({ e, ticket }: { e: Escalation; ticket: Ticket | undefined }) {
  const { t } = useTranslation('escalations');
  const dir = useDirectory();
  const [mode, setMode] = useState<'resolve' | 'hand-on' | null>(null);
  // An automatic level may only notify or raise the priority: then it goes to no one, and says nothing of it.
  const to = e.toManager ? t('card.theManager') : e.toGroupId !== null ? dir.groupName(e.toGroupId) : null;
  const reason =
    e.kind === 'automatic'
      ? (automaticEscalation(e.reason) ?? e.reason)
      : t('card.quoted', { reason: e.reason });
  return (
    <li className="card escalation-card">
      <div className="sla-panel-head">
        <h2 className="escalation-title">
          <Link to={`/tickets/${e.ticketId}`}>
            <span className="muted">#{e.ticketId}</span> {ticket?.title ?? t('card.ticket')}
          </Link>
        </h2>
        <span className="status-line">
          {ticket && <StatusBadge status={ticket.status} />}
          {ticket && <PriorityBadge priority={ticket.priority} />}
          <span className={`badge ${e.status === 'open' ? 'sla-warning' : 'sla-phase-achieved'}`}>
            {t('card.level', { level: e.level, status: e.status })}
          </span>
        </span>
      </div>
      <p className="escalation-reason">{reason}</p>
      <p className="muted small">
        {t('card.escalated', {
          kind: e.kind,
          actor: e.kind === 'manual' ? dir.userName(e.actorId) : '',
          hasFrom: e.fromGroupId !== null ? 'yes' : 'no',
          from: e.fromGroupId !== null ? dir.groupName(e.fromGroupId) : '',
          hasTo: to !== null ? 'yes' : 'no',
          to: to ?? '',
        })}{' '}
        · <Time iso={e.createdAt} />
      </p>
      {e.note && (
        <p className="small">
          {t('card.note', { note: e.note })}{' '}
          {e.closedBy !== null && <span className="muted">— {dir.userName(e.closedBy)}</span>}
        </p>
      )}
      {e.status === 'open' && mode === null && (
        <div className="actions">
          <button type="button" onClick={() => setMode('resolve')}>
            {t('card.resolve')}
          </button>
          <button type="button" onClick={() => setMode('hand-on')}>
            {t('card.handOn')}
          </button>
        </div>
      )}
      {mode && <CloseForm e={e} mode={mode} onDone={() => setMode(null)} />}
    </li>
  );
}

export default function EscalationsPage() {
  const { t } = useTranslation('escalations');
  useTitle(t('title'));
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
        <h1>{t('title')}</h1>
        <label className="inline">
          <span>{t('show')}</span>
          <select
            value={view}
            onChange={(e) =>
              setParams(e.target.value === 'open' ? {} : { view: e.target.value }, { replace: true })
            }
          >
            {(Object.keys(views) as View[]).map((v) => (
              <option key={v} value={v}>
                {t(`view.${v}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted">{t('intro')}</p>
      <ErrorMessage error={list.error} title={t('loadFailed')} />
      {list.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title={t('empty')}>
          <p>{view === 'open' || view === 'manager' ? t('emptyOpen') : t('emptyClosed')}</p>
        </Empty>
      ) : (
        <ul className="card-list" aria-label={t('title')}>
          {items.map((e) => (
            <EscalationCard key={e.id} e={e} ticket={ticketOf(e.ticketId)} />
          ))}
        </ul>
      )}
    </div>
  );
}
