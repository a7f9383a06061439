// The Problem panel on a staff ticket page: "caused by known problem P" with its workaround, or a search
// over the open problems (known errors say so) that links the ticket and puts the workaround into the
// composer as a public reply draft the agent edits and sends. Unlink when it was the wrong problem.
import { useState } from 'react';
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
import { ErrorMessage } from '../ui/messages';
import { ProblemStatusBadge } from './problems';

/** The reply draft a workaround becomes. */
export function workaroundReply(p: Pick<TicketProblem, 'id' | 'title' | 'workaround'>): string {
  return (
    `This is a known problem we are working on (${problemNumber(p.id)}: ${p.title}).\n\n` +
    `Until it is fixed, this works around it:\n${p.workaround.trim()}\n`
  );
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
          Search open problems
        </label>
        <input
          id="problem-search-ticket"
          type="search"
          placeholder="Problem number or words of its title"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
        />
        <ul className="picker-results problem-picker-results" aria-label="Open problems">
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
          {problems.isSuccess && items.length === 0 && (
            <li className="muted small">No open problem matches.</li>
          )}
        </ul>
      </div>
      <button type="button" className="ghost" onClick={onCancel}>
        Cancel
      </button>
      <ErrorMessage error={link.error} title="The ticket was not linked." />
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
  const problem = useTicketProblem(ticket.id);
  const clear = useClearTicketProblem(ticket.id);
  const [picking, setPicking] = useState(false);
  const readOnly = ticket.mergedIntoId !== null;
  const p = problem.data;
  return (
    <section className="card problem-panel" aria-labelledby="problem-panel-title">
      <div className="kb-panel-head">
        <h2 id="problem-panel-title">Problem</h2>
        {!readOnly && !p && !picking && problem.isSuccess && (
          <button type="button" onClick={() => setPicking(true)}>
            Caused by a known problem…
          </button>
        )}
      </div>
      <ErrorMessage error={problem.error ?? clear.error} title="The problem did not change." />
      {p ? (
        <>
          <p>
            Caused by {p.knownError ? 'known problem' : 'problem'}{' '}
            <Link to={`/problems/${p.id}`}>
              <span className="muted">{problemNumber(p.id)}</span> {p.title}
            </Link>{' '}
            <ProblemStatusBadge status={p.status} />
          </p>
          {p.workaround.trim() ? (
            <>
              <p className="small muted">Workaround</p>
              <p className="workaround">{p.workaround}</p>
            </>
          ) : (
            <p className="muted small">No workaround yet.</p>
          )}
          {!readOnly && (
            <div className="row-actions">
              {onInsert && p.workaround.trim() && (
                <button type="button" onClick={() => onInsert(workaroundReply(p))}>
                  Insert workaround in reply
                </button>
              )}
              <button
                type="button"
                className="ghost"
                disabled={clear.isPending}
                onClick={() => clear.mutate()}
              >
                Unlink
              </button>
            </div>
          )}
        </>
      ) : (
        !picking && <p className="muted small">Not linked to a problem.</p>
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
