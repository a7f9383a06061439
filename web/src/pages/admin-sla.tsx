// SLA administration (admins): business calendars (zone, weekly hours with split shifts, holidays one-off or
// yearly, 24/7, .ics import), SLA policies in the order they are tried (conditions, targets with calendar,
// warning and pause states, escalation levels), group OLAs and the escalation path. Validation problems
// from the API are shown at the field they name.
import { type FormEvent, type ReactNode, useState } from 'react';
import {
  useCalendars,
  useDeleteCalendar,
  useDeletePolicy,
  useEscalationPath,
  useImportHolidays,
  useOlas,
  usePolicies,
  useReorderPolicies,
  useSaveCalendar,
  useSaveEscalationPath,
  useSaveOla,
  useSavePolicy,
} from '../api/sla';
import type {
  Calendar,
  EscalationLevel,
  Group,
  Holiday,
  Ola,
  SlaPolicy,
  SlaTarget,
  SlaTargetName,
  Status,
  WorkingHours,
} from '../api/types';
import { targetLabel } from '../sla';
import {
  Empty,
  ErrorMessage,
  Field,
  fieldError,
  Loading,
  levelNames,
  priorityLabel,
  statusLabel,
  useDirectory,
  useTitle,
} from '../ui';

const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const targetNames: SlaTargetName[] = ['first_response', 'next_response', 'resolution'];
const pausable: Status[] = ['new', 'assigned', 'in_progress', 'pending', 'resolved'];

/** A message at the field, for error pointers under a prefix such as "/hours/2". */
function At({ error, field }: { error: unknown; field: string }) {
  const m = fieldError(error, field);
  return m ? <p className="field-error">{m}</p> : null;
}

/** The save / delete row under an admin form, with the outcome of either. */
function FormActions({
  noun,
  existing,
  save,
  remove,
}: {
  noun: string;
  existing: { name: string } | null | undefined;
  save: { isPending: boolean; isSuccess: boolean; error: unknown };
  remove: { isPending: boolean; error: unknown; mutate: () => void };
}) {
  return (
    <>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {existing ? `Save ${noun}` : `Create ${noun}`}
        </button>
        {existing && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => window.confirm(`Delete the ${noun} ${existing.name}?`) && remove.mutate()}
          >
            Delete
          </button>
        )}
        <Saved show={save.isSuccess} />
      </div>
      <ErrorMessage error={save.error ?? remove.error} title={`The ${noun} was not saved.`} />
    </>
  );
}

function Saved({ show, children = 'Saved.' }: { show: boolean; children?: ReactNode }) {
  return show ? (
    <span role="status" className="ok-text">
      {children}
    </span>
  ) : null;
}

// ---- calendars -------------------------------------------------------------------------------------------

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
        {calendar ? `Calendar: ${calendar.name}` : 'New calendar'}
      </h2>
      <div className="grid-form">
        <Field label="Name" error={fieldError(err, '/name')}>
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
        <Field label="Time zone" hint="IANA name, e.g. Europe/Berlin" error={fieldError(err, '/timeZone')}>
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
            Open 24/7 (holidays still close whole days)
          </label>
        </div>
      </div>
      {!d.alwaysOpen && (
        <fieldset className="sub-card">
          <legend>Weekly hours</legend>
          <p className="hint">
            Several rows on one day make split shifts (e.g. 08:00–12:00 and 13:00–17:00). 24:00 ends at
            midnight.
          </p>
          <At error={err} field="/hours" />
          <ul className="editor-list">
            {d.hours.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
              <li key={i}>
                <div className="hours-row">
                  <select
                    aria-label={`Day of hours row ${i + 1}`}
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
                    aria-label={`Start of hours row ${i + 1}`}
                    value={h.start}
                    pattern="\d\d:\d\d"
                    placeholder="09:00"
                    aria-invalid={fieldError(err, `/hours/${i}/start`) ? true : undefined}
                    onChange={(e) => setHours(i, { start: e.target.value })}
                  />
                  <input
                    aria-label={`End of hours row ${i + 1}`}
                    value={h.end}
                    pattern="\d\d:\d\d"
                    placeholder="17:00"
                    aria-invalid={fieldError(err, `/hours/${i}/end`) ? true : undefined}
                    onChange={(e) => setHours(i, { end: e.target.value })}
                  />
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Remove hours row ${i + 1}`}
                    onClick={() => setD({ ...d, hours: d.hours.filter((_, j) => j !== i) })}
                  >
                    Remove
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
              Add hours
            </button>
            <button type="button" className="ghost" onClick={() => setD({ ...d, hours: officeHours })}>
              Monday–Friday 09:00–17:00
            </button>
          </div>
        </fieldset>
      )}
      <fieldset className="sub-card">
        <legend>Holidays</legend>
        {d.holidays.length === 0 && <p className="muted small">No holidays.</p>}
        <ul className="editor-list">
          {d.holidays.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
            <li key={i}>
              <div className="hours-row holiday-row">
                <input
                  type="date"
                  aria-label={`Date of holiday ${i + 1}`}
                  value={h.date}
                  required
                  aria-invalid={fieldError(err, `/holidays/${i}/date`) ? true : undefined}
                  onChange={(e) => setHoliday(i, { date: e.target.value })}
                />
                <input
                  aria-label={`Name of holiday ${i + 1}`}
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
                  Every year
                </label>
                <button
                  type="button"
                  className="ghost"
                  aria-label={`Remove holiday ${i + 1}`}
                  onClick={() => setD({ ...d, holidays: d.holidays.filter((_, j) => j !== i) })}
                >
                  Remove
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
            Add holiday
          </button>
          {calendar && (
            <label className="inline">
              <span>Import .ics</span>
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
          <Saved show={imported !== null && !importIcs.isPending}>Imported {imported} holidays.</Saved>
        </div>
        <ErrorMessage error={importIcs.error} title="The file was not imported." />
      </fieldset>
      <FormActions noun="calendar" existing={calendar} save={save} remove={remove} />
    </form>
  );
}

export function Calendars() {
  useTitle('Business calendars');
  const list = useCalendars();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const current = selected === 'new' ? null : ((list.data ?? []).find((c) => c.id === selected) ?? null);
  if (list.isPending) return <Loading />;
  return (
    <div className="split">
      <section aria-labelledby="calendars-title">
        <h2 id="calendars-title" className="flush">
          Calendars
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
            New calendar
          </button>
        </p>
      </section>
      {selected === null ? (
        <Empty title="Choose a calendar to edit, or create one." />
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

// ---- policies --------------------------------------------------------------------------------------------

type PolicyDraft = Pick<SlaPolicy, 'name' | 'active' | 'conditions' | 'targets' | 'levels'>;

function toggle<T>(list: T[] | undefined, v: T, on: boolean): T[] {
  const l = list ?? [];
  return on ? [...l.filter((x) => x !== v), v] : l.filter((x) => x !== v);
}

function Checks<T extends string | number>({
  legend,
  options,
  value,
  onChange,
}: {
  legend: string;
  options: [T, string][];
  value: T[] | undefined;
  onChange: (v: T[]) => void;
}) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="chips">
        {options.map(([v, label]) => (
          <label key={String(v)} className="choice chip">
            <input
              type="checkbox"
              checked={(value ?? []).includes(v)}
              onChange={(e) => onChange(toggle(value, v, e.target.checked))}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function TargetEditor({
  name,
  path = `/targets/${name}`,
  value,
  calendars,
  error,
  onChange,
}: {
  name: string;
  /** Where the API's field errors for this target point. */
  path?: string;
  value: SlaTarget | undefined;
  calendars: Calendar[];
  error: unknown;
  onChange: (t: SlaTarget | undefined) => void;
}) {
  const label = targetLabel[name as SlaTargetName] ?? name;
  return (
    <fieldset className="sub-card">
      <legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={value !== undefined}
            onChange={(e) =>
              onChange(
                e.target.checked
                  ? { minutes: 60, calendarId: null, warnPercent: 80, pauseStatuses: ['pending'] }
                  : undefined,
              )
            }
          />
          {label}
        </label>
      </legend>
      {value && (
        <div className="grid-form">
          <Field
            label={`${label}: minutes`}
            hint="Business minutes"
            error={fieldError(error, `${path}/minutes`)}
          >
            {(id, d, inv) => (
              <input
                id={id}
                type="number"
                min={1}
                required
                value={value.minutes}
                aria-describedby={d}
                aria-invalid={inv || undefined}
                onChange={(e) => onChange({ ...value, minutes: Number(e.target.value) })}
              />
            )}
          </Field>
          <Field label={`${label}: calendar`} error={fieldError(error, `${path}/calendarId`)}>
            {(id, d, inv) => (
              <select
                id={id}
                value={value.calendarId ?? ''}
                aria-describedby={d}
                aria-invalid={inv || undefined}
                onChange={(e) =>
                  onChange({ ...value, calendarId: e.target.value ? Number(e.target.value) : null })
                }
              >
                <option value="">24/7 (no calendar)</option>
                {calendars.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={`${label}: warn at %`}
            hint="Of the target used; empty: no warning"
            error={fieldError(error, `${path}/warnPercent`)}
          >
            {(id, d, inv) => (
              <input
                id={id}
                type="number"
                min={1}
                max={99}
                value={value.warnPercent ?? ''}
                aria-describedby={d}
                aria-invalid={inv || undefined}
                onChange={(e) =>
                  onChange({ ...value, warnPercent: e.target.value ? Number(e.target.value) : null })
                }
              />
            )}
          </Field>
          <Checks
            legend={`${label}: paused while`}
            options={pausable.map((s) => [s, statusLabel[s]])}
            value={value.pauseStatuses}
            onChange={(pauseStatuses) => onChange({ ...value, pauseStatuses })}
          />
        </div>
      )}
    </fieldset>
  );
}

function LevelEditor({
  level,
  i,
  groups,
  error,
  onChange,
  onRemove,
}: {
  level: EscalationLevel;
  i: number;
  groups: Group[];
  error: unknown;
  onChange: (l: EscalationLevel) => void;
  onRemove: () => void;
}) {
  const notify = level.actions.flatMap((a) => (a.type === 'notify' ? [a.who] : []));
  const reassign = level.actions.find((a) => a.type === 'reassign');
  const raise = level.actions.some((a) => a.type === 'raise_priority');
  const setActions = (n: typeof notify, groupId: number | null, r: boolean) =>
    onChange({
      ...level,
      actions: [
        ...n.map((who) => ({ type: 'notify' as const, who })),
        ...(groupId !== null ? [{ type: 'reassign' as const, groupId }] : []),
        ...(r ? [{ type: 'raise_priority' as const }] : []),
      ],
    });
  const p = `/levels/${i}`;
  return (
    <li className="sub-card">
      <div className="grid-form">
        <Field label={`Level ${i + 1}: number`} error={fieldError(error, `${p}/level`)}>
          {(id, d, inv) => (
            <input
              id={id}
              type="number"
              min={1}
              max={20}
              value={level.level}
              aria-describedby={d}
              aria-invalid={inv || undefined}
              onChange={(e) => onChange({ ...level, level: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field label={`Level ${i + 1}: target`} error={fieldError(error, `${p}/target`)}>
          {(id, d) => (
            <select
              id={id}
              value={level.target}
              aria-describedby={d}
              onChange={(e) => onChange({ ...level, target: e.target.value as SlaTargetName })}
            >
              {targetNames.map((t) => (
                <option key={t} value={t}>
                  {targetLabel[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={`Level ${i + 1}: minutes from due`}
          hint="Negative: before the breach"
          error={fieldError(error, `${p}/offsetMinutes`)}
        >
          {(id, d, inv) => (
            <input
              id={id}
              type="number"
              value={level.offsetMinutes}
              aria-describedby={d}
              aria-invalid={inv || undefined}
              onChange={(e) => onChange({ ...level, offsetMinutes: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field label={`Level ${i + 1}: reassign to`} error={fieldError(error, `${p}/actions`)}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={reassign?.type === 'reassign' ? reassign.groupId : ''}
              onChange={(e) => setActions(notify, e.target.value ? Number(e.target.value) : null, raise)}
            >
              <option value="">Nobody (keep)</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Checks
          legend={`Level ${i + 1}: notify`}
          options={[
            ['assignee', 'Assignee'],
            ['group', 'Group'],
            ['manager', 'Manager'],
          ]}
          value={notify}
          onChange={(n) =>
            setActions(n as typeof notify, reassign?.type === 'reassign' ? reassign.groupId : null, raise)
          }
        />
        <div className="field">
          <label className="choice">
            <input
              type="checkbox"
              checked={raise}
              onChange={(e) =>
                setActions(notify, reassign?.type === 'reassign' ? reassign.groupId : null, e.target.checked)
              }
            />
            Raise the priority
          </label>
        </div>
      </div>
      <button type="button" className="ghost" onClick={onRemove}>
        Remove level {i + 1}
      </button>
    </li>
  );
}

function PolicyEditor({
  policy,
  onSaved,
}: {
  policy: SlaPolicy | null;
  onSaved: (p: SlaPolicy | null) => void;
}) {
  const dir = useDirectory();
  const calendars = useCalendars();
  const [d, setD] = useState<PolicyDraft>(() =>
    policy
      ? {
          name: policy.name,
          active: policy.active,
          conditions: policy.conditions,
          targets: policy.targets,
          levels: policy.levels,
        }
      : {
          name: '',
          active: true,
          conditions: {},
          targets: {
            first_response: { minutes: 60, calendarId: null, warnPercent: 80, pauseStatuses: ['pending'] },
            resolution: { minutes: 480, calendarId: null, warnPercent: 80, pauseStatuses: ['pending'] },
          },
          levels: [],
        },
  );
  const save = useSavePolicy(policy?.id, onSaved);
  const remove = useDeletePolicy(policy?.id, () => onSaved(null));
  const err = save.error;
  const c = d.conditions;
  return (
    <form
      className="card form"
      aria-labelledby="policy-editor-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(d);
      }}
    >
      <h2 id="policy-editor-title" className="flush">
        {policy ? `Policy: ${policy.name}` : 'New policy'}
      </h2>
      <div className="grid-form">
        <Field label="Name" error={fieldError(err, '/name')}>
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
        <div className="field">
          <label className="choice">
            <input
              type="checkbox"
              checked={d.active}
              onChange={(e) => setD({ ...d, active: e.target.checked })}
            />
            Active
          </label>
        </div>
      </div>
      <fieldset className="sub-card">
        <legend>Applies to (all that are set must match; none set: every ticket)</legend>
        <Checks
          legend="Priorities"
          options={levelNames.map((l, i) => [i + 1, priorityLabel[l]])}
          value={c.priorities}
          onChange={(priorities) => setD({ ...d, conditions: { ...c, priorities } })}
        />
        <Checks
          legend="Types"
          options={[
            ['incident', 'Incident'],
            ['request', 'Request'],
          ]}
          value={c.types}
          onChange={(types) =>
            setD({ ...d, conditions: { ...c, types: types as ('incident' | 'request')[] } })
          }
        />
        {dir.categories.length > 0 && (
          <Checks
            legend="Categories"
            options={dir.categories.map((x) => [x.id, x.name])}
            value={c.categoryIds}
            onChange={(categoryIds) => setD({ ...d, conditions: { ...c, categoryIds } })}
          />
        )}
        {dir.groups.length > 0 && (
          <Checks
            legend="Requester in group"
            options={dir.groups.map((x) => [x.id, x.name])}
            value={c.requesterGroupIds}
            onChange={(requesterGroupIds) => setD({ ...d, conditions: { ...c, requesterGroupIds } })}
          />
        )}
        <At error={err} field="/conditions" />
      </fieldset>
      <h3>Targets</h3>
      <At error={err} field="/targets" />
      {targetNames.map((t) => (
        <TargetEditor
          key={t}
          name={t}
          value={d.targets[t]}
          calendars={calendars.data ?? []}
          error={err}
          onChange={(v) => {
            const targets = { ...d.targets };
            if (v) targets[t] = v;
            else delete targets[t];
            setD({ ...d, targets });
          }}
        />
      ))}
      <h3>Escalation levels</h3>
      {d.levels.length === 0 && (
        <p className="muted small">No levels: warnings and breaches are still recorded and mailed.</p>
      )}
      <ul className="editor-list">
        {d.levels.map((l, i) => (
          <LevelEditor
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
            key={i}
            level={l}
            i={i}
            groups={dir.groups}
            error={err}
            onChange={(x) => setD({ ...d, levels: d.levels.map((y, j) => (j === i ? x : y)) })}
            onRemove={() => setD({ ...d, levels: d.levels.filter((_, j) => j !== i) })}
          />
        ))}
      </ul>
      <p>
        <button
          type="button"
          onClick={() =>
            setD({
              ...d,
              levels: [
                ...d.levels,
                {
                  level: d.levels.length + 1,
                  target: 'resolution',
                  offsetMinutes: 0,
                  actions: [{ type: 'notify', who: 'manager' }],
                },
              ],
            })
          }
        >
          Add level
        </button>
      </p>
      <FormActions noun="policy" existing={policy} save={save} remove={remove} />
    </form>
  );
}

export function Policies() {
  useTitle('SLA policies');
  const list = usePolicies();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const order = useReorderPolicies();
  const items = list.data ?? [];
  const move = (i: number, step: number) => {
    const ids = items.map((p) => p.id);
    [ids[i], ids[i + step]] = [ids[i + step], ids[i]];
    order.mutate(ids);
  };
  const current = selected === 'new' ? null : (items.find((p) => p.id === selected) ?? null);
  if (list.isPending) return <Loading />;
  return (
    <div className="split">
      <section aria-labelledby="policies-title">
        <h2 id="policies-title" className="flush">
          Policies
        </h2>
        <p className="hint">Tried in this order; the first whose conditions match a ticket applies.</p>
        <ErrorMessage error={list.error ?? order.error} />
        <ol className="pick-list">
          {items.map((p, i) => (
            <li key={p.id} className="pick-row">
              <button
                type="button"
                aria-current={selected === p.id ? 'true' : undefined}
                onClick={() => setSelected(p.id)}
              >
                {i + 1}. {p.name} {!p.active && <span className="muted small">(inactive)</span>}
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${p.name} up`}
                disabled={i === 0 || order.isPending}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${p.name} down`}
                disabled={i === items.length - 1 || order.isPending}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
            </li>
          ))}
        </ol>
        <p>
          <button type="button" className="primary" onClick={() => setSelected('new')}>
            New policy
          </button>
        </p>
      </section>
      {selected === null ? (
        <Empty title="Choose a policy to edit, or create one." />
      ) : (
        <PolicyEditor key={String(selected)} policy={current} onSaved={(p) => setSelected(p ? p.id : null)} />
      )}
    </div>
  );
}

// ---- OLAs and the escalation path ------------------------------------------------------------------------

function OlaRow({ group, ola, calendars }: { group: Group; ola: Ola | undefined; calendars: Calendar[] }) {
  const [t, setT] = useState<SlaTarget | undefined>(ola);
  const save = useSaveOla(group.id);
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(t);
      }}
    >
      <TargetEditor
        name={`OLA ${group.name}`}
        path=""
        value={t}
        calendars={calendars}
        error={save.error}
        onChange={setT}
      />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save OLA of {group.name}
        </button>
        <Saved show={save.isSuccess} />
      </div>
      <ErrorMessage error={save.error} title="The OLA was not saved." />
    </form>
  );
}

export function Olas() {
  useTitle('OLAs and escalation path');
  const dir = useDirectory();
  const calendars = useCalendars();
  const olas = useOlas();
  const path = useEscalationPath();
  const [draft, setDraft] = useState<number[] | null>(null);
  const ids = draft ?? path.data ?? [];
  const savePath = useSaveEscalationPath(() => setDraft(null));
  if (olas.isPending || path.isPending) return <Loading />;
  return (
    <>
      <section className="card form" aria-labelledby="path-title">
        <h2 id="path-title" className="flush">
          Escalation path
        </h2>
        <p className="hint">
          A technician’s manual escalation hands the ticket to the next group here; after the last, to the
          manager.
        </p>
        <ol className="pick-list">
          {ids.map((id, i) => (
            <li key={id} className="pick-row">
              <span className="grow">
                {i + 1}. {dir.groupName(id)}
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${dir.groupName(id)} up`}
                disabled={i === 0}
                onClick={() => setDraft(ids.map((x, j) => (j === i - 1 ? id : j === i ? ids[i - 1] : x)))}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${dir.groupName(id)} from the path`}
                onClick={() => setDraft(ids.filter((x) => x !== id))}
              >
                ×
              </button>
            </li>
          ))}
          <li className="muted small">then: the manager</li>
        </ol>
        <div className="actions">
          <label className="inline">
            <span>Add group</span>
            <select value="" onChange={(e) => e.target.value && setDraft([...ids, Number(e.target.value)])}>
              <option value="">Choose…</option>
              {dir.groups
                .filter((g) => !ids.includes(g.id))
                .map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
            </select>
          </label>
          <button
            type="button"
            className="primary"
            disabled={draft === null || savePath.isPending}
            onClick={() => savePath.mutate(ids)}
          >
            Save path
          </button>
          <Saved show={savePath.isSuccess && draft === null} />
        </div>
        <ErrorMessage error={savePath.error ?? olas.error ?? path.error} title="Not saved." />
      </section>
      <h2>OLAs per group</h2>
      <p className="hint">
        An internal resolution target for the time a group holds a ticket, counted from its assignment.
      </p>
      {dir.groups.length === 0 && <Empty title="No groups yet." />}
      {dir.groups.map((g) => (
        <OlaRow
          key={g.id}
          group={g}
          ola={olas.data?.find((o) => o.groupId === g.id)}
          calendars={calendars.data ?? []}
        />
      ))}
    </>
  );
}
