// The Problem panel on a staff ticket page: "caused by known problem P" with its workaround, or a search
// over the open problems (known errors say so) that links the ticket and puts the workaround into the
// composer as a public reply draft the agent edits and sends. Unlink when it was the wrong problem.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  openProblemStatuses,
  problemNumber,
  type TicketProblem,
  useClearTicketProblem,
  useProblems,
  useSetTicketProblem,
  useTicketProblem,
} from '../api/problems';
import type { Ticket } from '../api/types';
import { t as translate } from '../i18n';
import { ErrorMessage } from '../ui/messages';
import { ProblemStatusBadge } from './problems';

/** The reply draft a workaround becomes. */
export function workaroundReply(p: Pick<TicketProblem, 'id' | 'title' | 'workaround'>): string {
  return translate('ticket-problem:workaroundReply', {
    problem: problemNumber(p.id),
    title: p.title,
    workaround: p.workaround.trim(),
  });
}

function ProblemPicker({
  ticketId,
  onLinked,
  onCancel,
}: {
  ticketId: number;
  onLinked: (p: TicketProblem) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('ticket-problem');
  const [q, setQ] = useState('');
  const problems = useProblems({
    status: openProblemStatuses.join(','),
    limit: 8,
    ...(q.trim() ? { q: q.trim() } : {}),
  });
  const link = useSetTicketProblem(ticketId);
  const items = problems.data?.items ?? [];
  return (
    <div className="link-add">
      <div className="ticket-picker">
        <label htmlFor="problem-search-ticket" className="visually-hidden">
          {t('picker.search')}
        </label>
        <input
          id="problem-search-ticket"
          type="search"
          placeholder={t('picker.placeholder')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
        />
        <ul className="picker-results problem-picker-results" aria-label={t('picker.results')}>
          {items.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="ghost"
                disabled={link.isPending}
                onClick={() => link.mutate(p.id, { onSuccess: onLinked })}
              >
                <span className="muted">{problemNumber(p.id)}</span> {p.title}
                <ProblemStatusBadge status={p.status} />
              </button>
            </li>
          ))}
          {problems.isSuccess && items.length === 0 && <li className="muted small">{t('picker.none')}</li>}
        </ul>
      </div>
      <button type="button" className="ghost" onClick={onCancel}>
        {t('common:actions.cancel')}
      </button>
      <ErrorMessage error={link.error} title={t('picker.error')} />
    </div>
  );
}

export function ProblemPanel({
  ticket,
  onInsert,
}: {
  ticket: Ticket;
  /** Put a public reply draft into the composer (absent on a closed ticket). */
  onInsert?: (text: string) => void;
}) {
  const { t } = useTranslation('ticket-problem');
  const problem = useTicketProblem(ticket.id);
  const clear = useClearTicketProblem(ticket.id);
  const [picking, setPicking] = useState(false);
  const readOnly = ticket.mergedIntoId !== null;
  const p = problem.data;
  return (
    <section className="card problem-panel" aria-labelledby="problem-panel-title">
      <div className="kb-panel-head">
        <h2 id="problem-panel-title">{t('title')}</h2>
        {!readOnly && !p && !picking && problem.isSuccess && (
          <button type="button" onClick={() => setPicking(true)}>
            {t('causedByKnown')}
          </button>
        )}
      </div>
      <ErrorMessage error={problem.error ?? clear.error} title={t('error')} />
      {p ? (
        <>
          <p>
            {p.knownError ? t('causedBy.knownError') : t('causedBy.problem')}{' '}
            <Link to={`/problems/${p.id}`}>
              <span className="muted">{problemNumber(p.id)}</span> {p.title}
            </Link>{' '}
            <ProblemStatusBadge status={p.status} />
          </p>
          {p.workaround.trim() ? (
            <>
              <p className="small muted">{t('workaround')}</p>
              <p className="workaround">{p.workaround}</p>
            </>
          ) : (
            <p className="muted small">{t('noWorkaround')}</p>
          )}
          {!readOnly && (
            <div className="row-actions">
              {onInsert && p.workaround.trim() && (
                <button type="button" onClick={() => onInsert(workaroundReply(p))}>
                  {t('insertWorkaround')}
                </button>
              )}
              <button
                type="button"
                className="ghost"
                disabled={clear.isPending}
                onClick={() => clear.mutate()}
              >
                {t('unlink')}
              </button>
            </div>
          )}
        </>
      ) : (
        !picking && <p className="muted small">{t('notLinked')}</p>
      )}
      {picking && !p && (
        <ProblemPicker
          ticketId={ticket.id}
          onCancel={() => setPicking(false)}
          onLinked={(linked) => {
            setPicking(false);
            if (onInsert && linked.workaround.trim()) onInsert(workaroundReply(linked));
          }}
        />
      )}
    </section>
  );
}
