// The change calendar: a week or a month of days in the viewer's time zone (a day is local midnight to local
// midnight, so a DST day has 23 or 25 hours), each with the changes whose windows overlap it; changes in
// conflict are marked, days in a blackout period shaded and named. Managers add and remove blackouts here.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import {
  type Blackout,
  type Change,
  fromLocalInput,
  useChangeCalendar,
  useCreateBlackout,
  useDeleteBlackout,
} from '../../api/changes';
import { useServices } from '../../api/incidents';
import { browserTimeZone, dateTimeFormat } from '../../locale';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

type View = 'week' | 'month';

// The grid's days are the browser's local midnights (calendar arithmetic on Date): their names and times are
// written in the UI's language in that same zone, so a day's label never slips to its neighbour.
const localFormat = (options: Intl.DateTimeFormatOptions) =>
  dateTimeFormat({ ...options, timeZone: browserTimeZone() });
const weekLabel = localFormat({ day: 'numeric', month: 'short', year: 'numeric' });
const monthLabel = localFormat({ month: 'long', year: 'numeric' });
const weekdayFormat = localFormat({ weekday: 'short' });
const dayNumberFormat = localFormat({ day: 'numeric', month: 'short' });
const blackoutFormat = dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });

/** Local midnight of a date, by calendar arithmetic (never by adding 24 hours, which DST breaks). */
const midnight = (y: number, m: number, d: number) => new Date(y, m, d);
const addDays = (d: Date, n: number) => midnight(d.getFullYear(), d.getMonth(), d.getDate() + n);
/** The Monday of a date's week. */
const weekStart = (d: Date) => addDays(d, -((d.getDay() + 6) % 7));
const ymd = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
function parseYmd(s: string | null): Date {
  const m = s?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  const now = new Date();
  return m
    ? midnight(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    : midnight(now.getFullYear(), now.getMonth(), now.getDate());
}

/** The days shown: a week from Monday, or the whole weeks that hold a month. */
function daysOf(view: View, anchor: Date): { days: Date[]; from: Date; to: Date; label: string } {
  if (view === 'week') {
    const from = weekStart(anchor);
    const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
    return {
      days,
      from,
      to: addDays(from, 7),
      label: `${weekLabel.format(from)} – ${weekLabel.format(days[6])}`,
    };
  }
  const first = midnight(anchor.getFullYear(), anchor.getMonth(), 1);
  const from = weekStart(first);
  const next = midnight(anchor.getFullYear(), anchor.getMonth() + 1, 1);
  const days: Date[] = [];
  for (let d = from; d < next || days.length % 7 !== 0; d = addDays(d, 1)) days.push(d);
  const label = monthLabel.format(first);
  return { days, from, to: addDays(days[days.length - 1], 1), label };
}

const overlaps = (s: number, e: number, from: Date, to: Date) => s < to.getTime() && e > from.getTime();
const hm = localFormat({ hour: '2-digit', minute: '2-digit' });

function ChangeChip({ c, day, next }: { c: Change; day: Date; next: Date }) {
  const { t } = useTranslation('changes');
  const s = Date.parse(c.windowStart ?? '');
  const e = Date.parse(c.windowEnd ?? '');
  // The part of the window on this day, as the viewer's clock reads it.
  const from = s < day.getTime() ? '…' : hm.format(s);
  const to = e > next.getTime() ? '…' : hm.format(e);
  const conflict = c.conflicts.length > 0;
  return (
    <li className={`change-chip change-chip-${c.state}${conflict ? ' change-chip-conflict' : ''}`}>
      <Link
        to={`/changes/${c.id}`}
        title={t('calendar.chipTitle', {
          number: c.number,
          title: c.title,
          conflict: conflict ? 'yes' : 'no',
        })}
      >
        <span className="change-chip-time">
          {from}–{to}
        </span>{' '}
        <span className="change-chip-title">{c.title}</span>
        {conflict && (
          <span className="change-chip-flag">
            {' '}
            ⚠<span className="visually-hidden"> {t('calendar.inConflict')}</span>
          </span>
        )}
      </Link>
    </li>
  );
}

function BlackoutForm() {
  const { t } = useTranslation('changes');
  const services = useServices();
  const [name, setName] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [serviceId, setServiceId] = useState('');
  const create = useCreateBlackout(() => setName(''));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name,
      startsAt: fromLocalInput(start) ?? '',
      endsAt: fromLocalInput(end) ?? '',
      ...(serviceId ? { serviceIds: [Number(serviceId)] } : {}),
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="blackout-title">
      <h2 id="blackout-title" className="flush">
        {t('blackout.add')}
      </h2>
      <p className="muted small">{t('blackout.explained')}</p>
      <div className="field-row">
        <Field label={t('blackout.name')} error={fieldError(create.error, '/name')}>
          {(id) => (
            <input id={id} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field label={t('blackout.starts')} error={fieldError(create.error, '/startsAt')}>
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              required
              value={start}
              onChange={(e) => setStart(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('blackout.ends')} error={fieldError(create.error, '/endsAt')}>
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              required
              value={end}
              onChange={(e) => setEnd(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('blackout.service')}>
          {(id) => (
            <select id={id} value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">{t('blackout.everyService')}</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          {t('blackout.submit')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('notAdded')} />
    </form>
  );
}

function BlackoutList({ blackouts, manager }: { blackouts: Blackout[]; manager: boolean }) {
  const { t } = useTranslation('changes');
  const remove = useDeleteBlackout();
  const services = useServices();
  const fmt = blackoutFormat;
  if (blackouts.length === 0) return null;
  return (
    <section className="card" aria-labelledby="blackouts-title">
      <h2 id="blackouts-title" className="flush">
        {t('blackout.title')}
      </h2>
      <ul className="change-blackouts">
        {blackouts.map((b) => (
          <li key={b.id}>
            <strong>{b.name}</strong> {fmt.format(new Date(b.startsAt))} – {fmt.format(new Date(b.endsAt))}
            <span className="muted small">
              {' '}
              ·{' '}
              {b.serviceIds.length === 0
                ? t('blackout.everyServiceLower')
                : b.serviceIds
                    .map((id) => services.data?.find((s) => s.id === id)?.name ?? `#${id}`)
                    .join(', ')}
            </span>
            {manager && (
              <button
                type="button"
                className="link-button"
                onClick={() => remove.mutate(b.id)}
                aria-label={t('blackout.removeNamed', { name: b.name })}
              >
                {t('blackout.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorMessage error={remove.error} title={t('notRemoved')} />
    </section>
  );
}

export default function ChangeCalendarPage() {
  const { t } = useTranslation('changes');
  useTitle(t('calendarLink'));
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'month' ? 'month' : 'week';
  const anchor = parseYmd(params.get('date'));
  const { days, from, to, label } = daysOf(view, anchor);
  const calendar = useChangeCalendar(from.toISOString(), to.toISOString());
  const go = (next: Partial<{ view: View; date: Date }>) => {
    const p = new URLSearchParams(params);
    p.set('view', next.view ?? view);
    p.set('date', ymd(next.date ?? anchor));
    setParams(p, { replace: true });
  };
  const step = (n: number) =>
    go({
      date:
        view === 'week' ? addDays(anchor, 7 * n) : midnight(anchor.getFullYear(), anchor.getMonth() + n, 1),
    });
  const items = calendar.data?.items ?? [];
  const blackouts = calendar.data?.blackouts ?? [];
  const conflicted = items.filter((c) => c.conflicts.length > 0).length;
  const today = ymd(new Date());
  const weekday = weekdayFormat;
  const dayNumber = dayNumberFormat;
  const zone = browserTimeZone();
  return (
    <div className="page change-calendar-page">
      <div className="page-head">
        <h1>{t('calendarLink')}</h1>
        <div className="actions">
          <Link to="/changes">{t('calendar.all')}</Link>
          <Link to="/changes/new" className="button primary">
            {t('new')}
          </Link>
        </div>
      </div>
      <div className="change-calendar-bar">
        <div className="segmented" role="group" aria-label={t('calendar.view')}>
          <button type="button" aria-pressed={view === 'week'} onClick={() => go({ view: 'week' })}>
            {t('calendar.week')}
          </button>
          <button type="button" aria-pressed={view === 'month'} onClick={() => go({ view: 'month' })}>
            {t('calendar.month')}
          </button>
        </div>
        <div className="actions">
          <button type="button" onClick={() => step(-1)} aria-label={t('calendar.previous', { view })}>
            ‹
          </button>
          <button type="button" onClick={() => go({ date: parseYmd(null) })}>
            {t('calendar.today')}
          </button>
          <button type="button" onClick={() => step(1)} aria-label={t('calendar.next', { view })}>
            ›
          </button>
        </div>
        <h2 className="flush change-calendar-label">{label}</h2>
      </div>
      <p className="muted small">
        {t('calendar.zone', { zone })}{' '}
        {conflicted > 0 && (
          <span className="change-conflict-note">{t('calendar.conflicts', { count: conflicted })}</span>
        )}
      </p>
      {calendar.isPending && <Loading />}
      <ErrorMessage error={calendar.error} />
      <ol
        className={`change-calendar change-calendar-${view}`}
        aria-label={t('calendar.gridLabel', { label })}
      >
        {days.map((day) => {
          const next = addDays(day, 1);
          const inDay = items.filter((c) =>
            overlaps(Date.parse(c.windowStart ?? ''), Date.parse(c.windowEnd ?? ''), day, next),
          );
          const frozen = blackouts.filter((b) =>
            overlaps(Date.parse(b.startsAt), Date.parse(b.endsAt), day, next),
          );
          const outside = view === 'month' && day.getMonth() !== anchor.getMonth();
          const classes = [
            'change-day',
            frozen.length > 0 ? 'change-day-blackout' : '',
            outside ? 'change-day-outside' : '',
            ymd(day) === today ? 'change-day-today' : '',
          ];
          return (
            <li key={ymd(day)} className={classes.filter(Boolean).join(' ')}>
              <div className="change-day-head">
                <span className="change-day-name">{weekday.format(day)}</span>{' '}
                <span>{dayNumber.format(day)}</span>
              </div>
              {frozen.map((b) => (
                <div key={b.id} className="change-blackout-label">
                  {b.name}
                </div>
              ))}
              {inDay.length > 0 && (
                <ul className="change-day-items">
                  {inDay.map((c) => (
                    <ChangeChip key={c.id} c={c} day={day} next={next} />
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
      <BlackoutList blackouts={blackouts} manager={isManager(user)} />
      {isManager(user) && <BlackoutForm />}
    </div>
  );
}
