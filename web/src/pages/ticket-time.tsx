// The Time panel on a staff ticket page: my timer (it runs on the server: a reload or another tab shows the
// same one), a manual entry (minutes or h:mm, billable, a note) and the entries with their totals. Entries are
// deleted by their owner, a manager or an admin, as the server allows.
import { type FormEvent, useState } from 'react';
import {
  formatLogged,
  parseDuration,
  useDeleteTimeEntry,
  useDiscardTimer,
  useLogTime,
  useStartTimer,
  useStopTimer,
  useTicketTime,
} from '../api/time-tracking';
import type { Ticket } from '../api/types';
import { uiLocale } from '../locale';
import { useUser } from '../session';
import { useServerNow } from '../sla';
import { ErrorMessage } from '../ui/messages';

const dayFormat = new Intl.DateTimeFormat(uiLocale, { weekday: 'short', day: 'numeric', month: 'short' });

/** A running timer's face: h:mm:ss. */
function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function RunningClock({ startedAt }: { startedAt: string }) {
  const now = useServerNow();
  return (
    <span className="timer-clock" role="timer" aria-label="Time on the timer">
      {clock(now - Date.parse(startedAt))}
    </span>
  );
}

export function TimePanel({ ticket }: { ticket: Ticket }) {
  const user = useUser();
  const time = useTicketTime(ticket.id);
  const log = useLogTime(ticket.id);
  const start = useStartTimer(ticket.id);
  const stop = useStopTimer(ticket.id);
  const discard = useDiscardTimer(ticket.id);
  const remove = useDeleteTimeEntry(ticket.id);
  const [spent, setSpent] = useState('');
  const [billable, setBillable] = useState(true);
  const [note, setNote] = useState('');
  const [typo, setTypo] = useState(false);
  const closed = ticket.status === 'closed';
  const manager = user.role === 'manager' || user.role === 'admin';
  const timer = time.data?.timer ?? null;
  const minutes = spent.trim() ? parseDuration(spent) : null;

  const clear = () => {
    setSpent('');
    setNote('');
    setTypo(false);
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    if (minutes === null || minutes < 1 || minutes > 1440) {
      setTypo(true);
      return;
    }
    log.mutate({ minutes, billable, ...(note.trim() ? { note } : {}) }, { onSuccess: clear });
  }

  function stopTimer() {
    stop.mutate(
      {
        billable,
        ...(note.trim() ? { note } : {}),
        // What was typed in Time spent, when it reads as minutes, replaces the elapsed time.
        ...(minutes !== null && minutes >= 1 && minutes <= 1440 ? { minutes } : {}),
      },
      { onSuccess: clear },
    );
  }

  const totals = time.data?.totals;
  return (
    <section className="card time-panel" aria-labelledby="time-title">
      <div className="time-head">
        <h2 id="time-title">Time</h2>
        {totals && (
          <p className="time-totals">
            <strong>{formatLogged(totals.minutes)}</strong> logged ·{' '}
            <span>{formatLogged(totals.billableMinutes)} billable</span>
          </p>
        )}
      </div>
      <ErrorMessage error={time.error} title="The time could not be read." />
      {!closed && (
        <div className="time-timer">
          {timer ? (
            <>
              <RunningClock startedAt={timer.startedAt} />
              <button type="button" className="primary" disabled={stop.isPending} onClick={stopTimer}>
                Stop and log
              </button>
              <button
                type="button"
                className="ghost"
                disabled={discard.isPending}
                onClick={() => discard.mutate(undefined)}
              >
                Discard
              </button>
            </>
          ) : (
            <button
              type="button"
              disabled={start.isPending || time.isPending}
              onClick={() => start.mutate(undefined)}
            >
              ▶ Start timer
            </button>
          )}
          <span className="muted small">
            {timer
              ? 'Stop logs the time on the timer (or what you typed in Time spent), with the note and billable box below.'
              : 'The timer keeps running if you leave this page.'}
          </span>
        </div>
      )}
      <ErrorMessage error={start.error ?? stop.error ?? discard.error} title="The timer did not change." />
      {!closed && (
        <form className="time-form" onSubmit={submit} aria-label="Log time">
          <div className="field time-spent">
            <label htmlFor="time-spent">Time spent</label>
            <input
              id="time-spent"
              value={spent}
              inputMode="text"
              placeholder="45 or 1:30"
              aria-invalid={typo || undefined}
              aria-describedby="time-spent-hint"
              onChange={(e) => {
                setSpent(e.target.value);
                setTypo(false);
              }}
            />
            <p className={typo ? 'field-error' : 'hint'} id="time-spent-hint">
              {typo ? 'Minutes (1–1440) or h:mm, e.g. 45 or 1:30.' : 'Minutes or h:mm'}
            </p>
          </div>
          <div className="field time-note">
            <label htmlFor="time-note">Note</label>
            <input
              id="time-note"
              value={note}
              maxLength={2000}
              placeholder="What you did"
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <label className="inline time-billable">
            <input type="checkbox" checked={billable} onChange={(e) => setBillable(e.target.checked)} />
            <span>Billable</span>
          </label>
          <button type="submit" disabled={log.isPending || !spent.trim()}>
            Log time
          </button>
        </form>
      )}
      <ErrorMessage error={log.error} title="The time was not logged." />
      <ErrorMessage error={remove.error} title="The entry was not deleted." />
      {time.data && time.data.items.length === 0 ? (
        <p className="muted small">No time logged yet.</p>
      ) : (
        <ul className="time-list" aria-label="Time entries">
          {(time.data?.items ?? []).map((e) => (
            <li key={e.id}>
              <span className="time-minutes">{formatLogged(e.minutes)}</span>
              <span className="time-who">
                {e.userName} · {dayFormat.format(new Date(e.workedOn))}
                {e.source === 'timer' && <span className="muted"> · timer</span>}
              </span>
              <span className={`badge ${e.billable ? 'time-billable-badge' : 'time-free-badge'}`}>
                {e.billable ? 'Billable' : 'Not billable'}
              </span>
              {!closed && (e.userId === user.id || manager) && (
                <button
                  type="button"
                  className="ghost time-delete"
                  disabled={remove.isPending}
                  aria-label={`Delete ${formatLogged(e.minutes)} by ${e.userName}`}
                  onClick={() => remove.mutate(e.id)}
                >
                  Delete
                </button>
              )}
              {e.note && <span className="time-entry-note">{e.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
