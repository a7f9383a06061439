// The Time panel on a staff ticket page: my timer (it runs on the server: a reload or another tab shows the
// same one), a manual entry (minutes or h:mm, billable, a note) and the entries with their totals. Entries are
// deleted by their owner, a manager or an admin, as the server allows.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
import { dateTimeFormat } from '../locale';
import { useUser } from '../session';
import { useServerNow } from '../sla';
import { ErrorMessage } from '../ui/messages';

const dayFormat = dateTimeFormat({ weekday: 'short', day: 'numeric', month: 'short' });

/** A running timer's face: h:mm:ss. */
function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function RunningClock({ startedAt }: { startedAt: string }) {
  const { t } = useTranslation('ticket-time');
  const now = useServerNow();
  return (
    <span className="timer-clock" role="timer" aria-label={t('clock')}>
      {clock(now - Date.parse(startedAt))}
    </span>
  );
}

export function TimePanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-time');
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
        <h2 id="time-title">{t('title')}</h2>
        {totals && (
          <p className="time-totals">
            <Trans
              t={t}
              i18nKey="totals"
              values={{
                logged: formatLogged(totals.minutes),
                billable: formatLogged(totals.billableMinutes),
              }}
              components={{ strong: <strong />, span: <span /> }}
            />
          </p>
        )}
      </div>
      <ErrorMessage error={time.error} title={t('errors.read')} />
      {!closed && (
        <div className="time-timer">
          {timer ? (
            <>
              <RunningClock startedAt={timer.startedAt} />
              <button type="button" className="primary" disabled={stop.isPending} onClick={stopTimer}>
                {t('timer.stop')}
              </button>
              <button
                type="button"
                className="ghost"
                disabled={discard.isPending}
                onClick={() => discard.mutate(undefined)}
              >
                {t('timer.discard')}
              </button>
            </>
          ) : (
            <button
              type="button"
              disabled={start.isPending || time.isPending}
              onClick={() => start.mutate(undefined)}
            >
              {t('timer.start')}
            </button>
          )}
          <span className="muted small">{timer ? t('timer.stopHint') : t('timer.runningHint')}</span>
        </div>
      )}
      <ErrorMessage error={start.error ?? stop.error ?? discard.error} title={t('errors.timer')} />
      {!closed && (
        <form className="time-form" onSubmit={submit} aria-label={t('form.label')}>
          <div className="field time-spent">
            <label htmlFor="time-spent">{t('form.spent')}</label>
            <input
              id="time-spent"
              value={spent}
              inputMode="text"
              placeholder={t('form.spentPlaceholder')}
              aria-invalid={typo || undefined}
              aria-describedby="time-spent-hint"
              onChange={(e) => {
                setSpent(e.target.value);
                setTypo(false);
              }}
            />
            <p className={typo ? 'field-error' : 'hint'} id="time-spent-hint">
              {typo ? t('form.spentError') : t('form.spentHint')}
            </p>
          </div>
          <div className="field time-note">
            <label htmlFor="time-note">{t('form.note')}</label>
            <input
              id="time-note"
              value={note}
              maxLength={2000}
              placeholder={t('form.notePlaceholder')}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <label className="inline time-billable">
            <input type="checkbox" checked={billable} onChange={(e) => setBillable(e.target.checked)} />
            <span>{t('billable')}</span>
          </label>
          <button type="submit" disabled={log.isPending || !spent.trim()}>
            {t('form.submit')}
          </button>
        </form>
      )}
      <ErrorMessage error={log.error} title={t('errors.log')} />
      <ErrorMessage error={remove.error} title={t('errors.delete')} />
      {time.data && time.data.items.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul className="time-list" aria-label={t('entries')}>
          {(time.data?.items ?? []).map((e) => (
            <li key={e.id}>
              <span className="time-minutes">{formatLogged(e.minutes)}</span>
              <span className="time-who">
                {e.userName} · {dayFormat.format(new Date(e.workedOn))}
                {e.source === 'timer' && <span className="muted"> · {t('fromTimer')}</span>}
              </span>
              <span className={`badge ${e.billable ? 'time-billable-badge' : 'time-free-badge'}`}>
                {e.billable ? t('billable') : t('notBillable')}
              </span>
              {!closed && (e.userId === user.id || manager) && (
                <button
                  type="button"
                  className="ghost time-delete"
                  disabled={remove.isPending}
                  aria-label={t('deleteEntry', { time: formatLogged(e.minutes), name: e.userName })}
                  onClick={() => remove.mutate(e.id)}
                >
                  {t('common:actions.delete')}
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
