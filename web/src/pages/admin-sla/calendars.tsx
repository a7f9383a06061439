// SLA calendars (admins): the list, and the editor of one — zone, weekly hours with split shifts, holidays
// one-off or yearly, 24/7, .ics import — with validation problems shown at the field they name.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCalendars, useDeleteCalendar, useImportHolidays, useSaveCalendar } from '../../api/sla';
import type { Calendar, Holiday, WorkingHours } from '../../api/types';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

import { At, FormActions, Saved } from './form-feedback';

interface CalendarDraft {
  name: string;
  timeZone: string;
  alwaysOpen: boolean;
  hours: WorkingHours[];
  holidays: Holiday[];
}

const officeHours: WorkingHours[] = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));
const zones: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

function CalendarEditor({
  calendar,
  onSaved,
}: {
  calendar: Calendar | null;
  onSaved: (c: Calendar | null) => void;
}) {
  const [d, setD] = useState<CalendarDraft>(() =>
    calendar
      ? {
          name: calendar.name,
          timeZone: calendar.timeZone,
          alwaysOpen: calendar.alwaysOpen,
          hours: calendar.hours,
          holidays: calendar.holidays,
        }
      : {
          name: '',
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          alwaysOpen: false,
          hours: officeHours,
          holidays: [],
        },
  );
  const { t } = useTranslation('admin-sla');
  const days = [
    t('days.monday'),
    t('days.tuesday'),
    t('days.wednesday'),
    t('days.thursday'),
    t('days.friday'),
    t('days.saturday'),
    t('days.sunday'),
  ];
  const [imported, setImported] = useState<number | null>(null);
  const save = useSaveCalendar(calendar?.id, onSaved);
  const remove = useDeleteCalendar(calendar?.id, () => onSaved(null));
  const importIcs = useImportHolidays(calendar?.id, (r) => {
    setImported(r.imported);
    setD((x) => ({ ...x, holidays: r.calendar.holidays }));
  });
  const err = save.error;
  const setHours = (i: number, h: Partial<WorkingHours>) =>
    setD({ ...d, hours: d.hours.map((x, j) => (j === i ? { ...x, ...h } : x)) });
  const setHoliday = (i: number, h: Partial<Holiday>) =>
    setD({ ...d, holidays: d.holidays.map((x, j) => (j === i ? { ...x, ...h } : x)) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(d);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="calendar-editor-title">
      <h2 id="calendar-editor-title" className="flush">
        {calendar ? t('calendars.editTitle', { name: calendar.name }) : t('calendars.new')}
      </h2>
      <div className="grid-form">
        <Field label={t('fields.name')} error={fieldError(err, '/name')}>
          {(id, dsc, inv) => (
            <input
              id={id}
              required
              maxLength={100}
              value={d.name}
              aria-describedby={dsc}
              aria-invalid={inv || undefined}
              onChange={(e) => setD({ ...d, name: e.target.value })}
            />
          )}
        </Field>
        <Field
          label={t('calendars.timeZone')}
          hint={t('calendars.timeZoneHint')}
          error={fieldError(err, '/timeZone')}
        >
          {(id, dsc, inv) => (
            <input
              id={id}
              required
              list="time-zones"
              value={d.timeZone}
              aria-describedby={dsc}
              aria-invalid={inv || undefined}
              onChange={(e) => setD({ ...d, timeZone: e.target.value })}
            />
          )}
        </Field>
        <datalist id="time-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <div className="field">
          <label className="choice">
            <input
              type="checkbox"
              checked={d.alwaysOpen}
              onChange={(e) => setD({ ...d, alwaysOpen: e.target.checked })}
            />
            {t('calendars.alwaysOpen')}
          </label>
        </div>
      </div>
      {!d.alwaysOpen && (
        <fieldset className="sub-card">
          <legend>{t('calendars.hours.title')}</legend>
          <p className="hint">{t('calendars.hours.hint')}</p>
          <At error={err} field="/hours" />
          <ul className="editor-list">
            {d.hours.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
              <li key={i}>
                <div className="hours-row">
                  <select
                    aria-label={t('calendars.hours.day', { row: i + 1 })}
                    value={h.day}
                    onChange={(e) => setHours(i, { day: Number(e.target.value) })}
                  >
                    {days.map((name, n) => (
                      <option key={name} value={n + 1}>
                        {name}
                      </option>
                    ))}
                  </select>
                  <input
                    aria-label={t('calendars.hours.start', { row: i + 1 })}
                    value={h.start}
                    pattern="\d\d:\d\d"
                    placeholder="09:00"
                    aria-invalid={fieldError(err, `/hours/${i}/start`) ? true : undefined}
                    onChange={(e) => setHours(i, { start: e.target.value })}
                  />
                  <input
                    aria-label={t('calendars.hours.end', { row: i + 1 })}
                    value={h.end}
                    pattern="\d\d:\d\d"
                    placeholder="17:00"
                    aria-invalid={fieldError(err, `/hours/${i}/end`) ? true : undefined}
                    onChange={(e) => setHours(i, { end: e.target.value })}
                  />
                  <button
                    type="button"
                    className="ghost"
                    aria-label={t('calendars.hours.remove', { row: i + 1 })}
                    onClick={() => setD({ ...d, hours: d.hours.filter((_, j) => j !== i) })}
                  >
                    {t('remove')}
                  </button>
                </div>
                <At error={err} field={`/hours/${i}/day`} />
                <At error={err} field={`/hours/${i}/start`} />
                <At error={err} field={`/hours/${i}/end`} />
              </li>
            ))}
          </ul>
          <div className="actions">
            <button
              type="button"
              onClick={() => setD({ ...d, hours: [...d.hours, { day: 1, start: '09:00', end: '17:00' }] })}
            >
              {t('calendars.hours.add')}
            </button>
            <button type="button" className="ghost" onClick={() => setD({ ...d, hours: officeHours })}>
              {t('calendars.hours.office')}
            </button>
          </div>
        </fieldset>
      )}
      <fieldset className="sub-card">
        <legend>{t('calendars.holidays.title')}</legend>
        {d.holidays.length === 0 && <p className="muted small">{t('calendars.holidays.empty')}</p>}
        <ul className="editor-list">
          {d.holidays.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
            <li key={i}>
              <div className="hours-row holiday-row">
                <input
                  type="date"
                  aria-label={t('calendars.holidays.date', { row: i + 1 })}
                  value={h.date}
                  required
                  aria-invalid={fieldError(err, `/holidays/${i}/date`) ? true : undefined}
                  onChange={(e) => setHoliday(i, { date: e.target.value })}
                />
                <input
                  aria-label={t('calendars.holidays.name', { row: i + 1 })}
                  value={h.name}
                  maxLength={200}
                  onChange={(e) => setHoliday(i, { name: e.target.value })}
                />
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={h.yearly}
                    onChange={(e) => setHoliday(i, { yearly: e.target.checked })}
                  />
                  {t('calendars.holidays.yearly')}
                </label>
                <button
                  type="button"
                  className="ghost"
                  aria-label={t('calendars.holidays.remove', { row: i + 1 })}
                  onClick={() => setD({ ...d, holidays: d.holidays.filter((_, j) => j !== i) })}
                >
                  {t('remove')}
                </button>
              </div>
              <At error={err} field={`/holidays/${i}/date`} />
            </li>
          ))}
        </ul>
        <div className="actions">
          <button
            type="button"
            onClick={() =>
              setD({
                ...d,
                holidays: [
                  ...d.holidays,
                  { date: new Date().toISOString().slice(0, 10), name: '', yearly: false },
                ],
              })
            }
          >
            {t('calendars.holidays.add')}
          </button>
          {calendar && (
            <label className="inline">
              <span>{t('calendars.holidays.import')}</span>
              <input
                type="file"
                accept=".ics,text/calendar"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) importIcs.mutate(f);
                  e.target.value = '';
                }}
              />
            </label>
          )}
          <Saved show={imported !== null && !importIcs.isPending}>
            {t('calendars.holidays.imported', { count: imported ?? 0 })}
          </Saved>
        </div>
        <ErrorMessage error={importIcs.error} title={t('calendars.holidays.importFailed')} />
      </fieldset>
      <FormActions noun="calendar" existing={calendar} save={save} remove={remove} />
    </form>
  );
}

export function Calendars() {
  const { t } = useTranslation('admin-sla');
  useTitle(t('calendars.title'));
  const list = useCalendars();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const current = selected === 'new' ? null : ((list.data ?? []).find((c) => c.id === selected) ?? null);
  if (list.isPending) return <Loading />;
  return (
    <div className="split">
      <section aria-labelledby="calendars-title">
        <h2 id="calendars-title" className="flush">
          {t('calendars.listTitle')}
        </h2>
        <ErrorMessage error={list.error} />
        <ul className="pick-list">
          {(list.data ?? []).map((c) => (
            <li key={c.id}>
              <button
                type="button"
                aria-current={selected === c.id ? 'true' : undefined}
                onClick={() => setSelected(c.id)}
              >
                {c.name} <span className="muted small">{c.alwaysOpen ? '24/7' : c.timeZone}</span>
              </button>
            </li>
          ))}
        </ul>
        <p>
          <button type="button" className="primary" onClick={() => setSelected('new')}>
            {t('calendars.new')}
          </button>
        </p>
      </section>
      {selected === null ? (
        <Empty title={t('calendars.choose')} />
      ) : (
        <CalendarEditor
          key={String(selected)}
          calendar={current}
          onSaved={(c) => setSelected(c ? c.id : null)}
        />
      )}
    </div>
  );
}
