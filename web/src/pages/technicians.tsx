// Technicians: each person's skills with levels, working calendar, capacity and load, whether they are on
// shift or on leave now, and their time off. Managers edit profiles and anyone's time off; a technician
// keeps their own time off.
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { useCalendars } from '../api/sla';
import {
  type Technician,
  useAddTimeOff,
  useDeleteTimeOff,
  useSkills,
  useTechnicians,
  useTimeOff,
  useUpdateTechnician,
} from '../api/technicians';
import { isManager, useUser } from '../session';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';
import { formatRange, localInputToIso, WhenLocal } from './oncall/parts';

function Availability({ t }: { t: Technician }) {
  if (t.onLeave)
    return (
      <span className="badge sla-warning">
        On leave
        {t.leaveUntil && (
          <>
            {' '}
            until <WhenLocal iso={t.leaveUntil} />
          </>
        )}
      </span>
    );
  if (!t.onShift)
    return (
      <span className="badge">
        Off shift
        {t.nextShiftAt && (
          <>
            {' '}
            · back <WhenLocal iso={t.nextShiftAt} />
          </>
        )}
      </span>
    );
  return (
    <span className="badge badge-ok">
      On shift
      {t.onShiftUntil && (
        <>
          {' '}
          until <WhenLocal iso={t.onShiftUntil} timeZone={t.timeZone} />
        </>
      )}
    </span>
  );
}

function ProfileEditor({ t, onDone }: { t: Technician; onDone: () => void }) {
  const skills = useSkills();
  const calendars = useCalendars();
  const [levels, setLevels] = useState<Record<number, number>>(() =>
    Object.fromEntries(t.skills.map((s) => [s.skillId, s.level])),
  );
  const [calendarId, setCalendarId] = useState(t.calendarId === null ? '' : String(t.calendarId));
  const [max, setMax] = useState(t.maxOpenTickets);
  const save = useUpdateTechnician(t.userId, onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      skills: Object.entries(levels)
        .filter(([, level]) => level > 0)
        .map(([skillId, level]) => ({ skillId: Number(skillId), level })),
      calendarId: calendarId ? Number(calendarId) : null,
      maxOpenTickets: max,
    });
  };
  return (
    <form className="sub-card form" onSubmit={submit} aria-label={`Profile of ${t.name}`}>
      <fieldset className="plain-fieldset">
        <legend>Skills (0 = none, 5 = expert)</legend>
        {skills.data?.length === 0 && (
          <p className="muted small">No skills in the catalogue yet (Assignment page).</p>
        )}
        <div className="skill-grid">
          {skills.data?.map((s) => (
            <label key={s.id} className="inline">
              <span>{s.name}</span>
              <input
                type="number"
                min={0}
                max={5}
                value={levels[s.id] ?? 0}
                onChange={(e) => setLevels({ ...levels, [s.id]: Number(e.target.value) })}
                style={{ width: '4rem' }}
              />
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <Field
          label="Working calendar"
          hint="When they are on shift"
          error={fieldError(save.error, '/calendarId')}
        >
          {(id, d) => (
            <select
              id={id}
              value={calendarId}
              aria-describedby={d}
              onChange={(e) => setCalendarId(e.target.value)}
            >
              <option value="">Always on shift</option>
              {calendars.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Most open tickets at once" error={fieldError(save.error, '/maxOpenTickets')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={0}
              max={1000}
              value={max}
              onChange={(e) => setMax(Number(e.target.value))}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save profile
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={save.error} title="Not saved." />
    </form>
  );
}

function TimeOffList({ t, editable }: { t: Technician; editable: boolean }) {
  const timeOff = useTimeOff(t.userId);
  const remove = useDeleteTimeOff(t.userId);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const add = useAddTimeOff(t.userId, () => {
    setStart('');
    setEnd('');
    setReason('');
  });
  return (
    <div className="sub-card">
      <h3 className="flush">Time off</h3>
      {timeOff.isPending && <Loading />}
      {timeOff.data?.length === 0 && <p className="muted small">None planned.</p>}
      <ul className="plain-list">
        {timeOff.data?.map((o) => (
          <li key={o.id} className="request-row">
            <span className="grow">
              {formatRange(o.startsAt, o.endsAt)}
              {o.reason && <> · {o.reason}</>}
            </span>
            {editable && (
              <button type="button" className="ghost" onClick={() => remove.mutate(o.id)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form
          className="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({
              startsAt: localInputToIso(start),
              endsAt: localInputToIso(end),
              reason: reason || undefined,
            });
          }}
          aria-label={`Add time off for ${t.name}`}
        >
          <Field label="From" error={fieldError(add.error, '/startsAt')}>
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
          <Field label="Until" error={fieldError(add.error, '/endsAt')}>
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
          <Field label="Reason">
            {(id) => (
              <input id={id} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
            )}
          </Field>
          <div className="actions">
            <button type="submit" disabled={add.isPending}>
              Add time off
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={add.error ?? remove.error} title="Not saved." />
    </div>
  );
}

function TechnicianCard({ t }: { t: Technician }) {
  const user = useUser();
  const dir = useDirectory();
  const manager = isManager(user);
  const [editing, setEditing] = useState(false);
  const [showTimeOff, setShowTimeOff] = useState(false);
  const load = t.maxOpenTickets > 0 ? t.openTickets / t.maxOpenTickets : 1;
  return (
    <li className="card">
      <div className="page-head">
        <h2 className="flush">{t.name}</h2>
        <Availability t={t} />
      </div>
      <p className="muted small">
        {t.groupIds.map((g) => dir.groupName(g)).join(', ') || 'No group'} · {t.timeZone}
      </p>
      <div className="load-row">
        <span>
          {t.openTickets} of {t.maxOpenTickets} open tickets
        </span>
        <meter
          min={0}
          max={1}
          low={0.7}
          high={0.9}
          optimum={0.3}
          value={load}
          aria-label={`Load of ${t.name}`}
        />
      </div>
      <div className="skill-chips" role="group" aria-label={`Skills of ${t.name}`}>
        {t.skills.length === 0 && <span className="muted small">No skills recorded.</span>}
        {t.skills.map((s) => (
          <span key={s.skillId} className="chip">
            {s.name} {s.level}/5
          </span>
        ))}
      </div>
      <div className="actions">
        {manager && !editing && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit profile
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-expanded={showTimeOff}
          onClick={() => setShowTimeOff((x) => !x)}
        >
          Time off
        </button>
      </div>
      {editing && <ProfileEditor t={t} onDone={() => setEditing(false)} />}
      {showTimeOff && <TimeOffList t={t} editable={manager || t.userId === user.id} />}
    </li>
  );
}

export default function TechniciansPage() {
  useTitle('Technicians');
  const user = useUser();
  const technicians = useTechnicians();
  const dir = useDirectory();
  const [groupId, setGroupId] = useState('');
  const shown = (technicians.data ?? []).filter((t) => !groupId || t.groupIds.includes(Number(groupId)));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Technicians</h1>
        {isManager(user) && <Link to="/assignment">Assignment and routing</Link>}
        <label className="inline">
          <span>Group</span>
          <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">Everyone</option>
            {dir.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {technicians.isPending && <Loading />}
      <ErrorMessage error={technicians.error} />
      {technicians.data && shown.length === 0 && <Empty title="Nobody here." />}
      <ul className="card-list technician-list">
        {shown.map((t) => (
          <TechnicianCard key={t.userId} t={t} />
        ))}
      </ul>
    </div>
  );
}
