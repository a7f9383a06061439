// Technicians: each person's skills with levels, working calendar, capacity and load, whether they are on
// shift or on leave now, and their time off. Managers edit profiles and anyone's time off; a technician
// keeps their own time off.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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

function Availability({ tech }: { tech: Technician }) {
  const { t } = useTranslation('technicians');
  if (tech.onLeave)
    return (
      <span className="badge sla-warning">
        {tech.leaveUntil ? (
          <Trans
            t={t}
            i18nKey="availability.onLeaveUntil"
            components={{ when: <WhenLocal iso={tech.leaveUntil} /> }}
          />
        ) : (
          t('availability.onLeave')
        )}
      </span>
    );
  if (!tech.onShift)
    return (
      <span className="badge">
        {tech.nextShiftAt ? (
          <Trans
            t={t}
            i18nKey="availability.offShiftBack"
            components={{ when: <WhenLocal iso={tech.nextShiftAt} /> }}
          />
        ) : (
          t('availability.offShift')
        )}
      </span>
    );
  return (
    <span className="badge badge-ok">
      {tech.onShiftUntil ? (
        <Trans
          t={t}
          i18nKey="availability.onShiftUntil"
          components={{ when: <WhenLocal iso={tech.onShiftUntil} timeZone={tech.timeZone} /> }}
        />
      ) : (
        t('availability.onShift')
      )}
    </span>
  );
}

function ProfileEditor({ tech, onDone }: { tech: Technician; onDone: () => void }) {
  const { t } = useTranslation('technicians');
  const skills = useSkills();
  const calendars = useCalendars();
  const [levels, setLevels] = useState<Record<number, number>>(() =>
    Object.fromEntries(tech.skills.map((s) => [s.skillId, s.level])),
  );
  const [calendarId, setCalendarId] = useState(tech.calendarId === null ? '' : String(tech.calendarId));
  const [max, setMax] = useState(tech.maxOpenTickets);
  const save = useUpdateTechnician(tech.userId, onDone);
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
    <form className="sub-card form" onSubmit={submit} aria-label={t('profile.label', { name: tech.name })}>
      <fieldset className="plain-fieldset">
        <legend>{t('profile.skills')}</legend>
        {skills.data?.length === 0 && <p className="muted small">{t('profile.noSkills')}</p>}
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
          label={t('profile.calendar')}
          hint={t('profile.calendarHint')}
          error={fieldError(save.error, '/calendarId')}
        >
          {(id, d) => (
            <select
              id={id}
              value={calendarId}
              aria-describedby={d}
              onChange={(e) => setCalendarId(e.target.value)}
            >
              <option value="">{t('profile.alwaysOnShift')}</option>
              {calendars.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('profile.maxOpen')} error={fieldError(save.error, '/maxOpenTickets')}>
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
          {t('profile.save')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <ErrorMessage error={save.error} title={t('notSaved')} />
    </form>
  );
}

function TimeOffList({ tech, editable }: { tech: Technician; editable: boolean }) {
  const { t } = useTranslation('technicians');
  const timeOff = useTimeOff(tech.userId);
  const remove = useDeleteTimeOff(tech.userId);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const add = useAddTimeOff(tech.userId, () => {
    setStart('');
    setEnd('');
    setReason('');
  });
  return (
    <div className="sub-card">
      <h3 className="flush">{t('timeOff.title')}</h3>
      {timeOff.isPending && <Loading />}
      {timeOff.data?.length === 0 && <p className="muted small">{t('timeOff.none')}</p>}
      <ul className="plain-list">
        {timeOff.data?.map((o) => (
          <li key={o.id} className="request-row">
            <span className="grow">
              {formatRange(o.startsAt, o.endsAt)}
              {o.reason && <> · {o.reason}</>}
            </span>
            {editable && (
              <button type="button" className="ghost" onClick={() => remove.mutate(o.id)}>
                {t('timeOff.remove')}
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
          aria-label={t('timeOff.addFor', { name: tech.name })}
        >
          <Field label={t('timeOff.from')} error={fieldError(add.error, '/startsAt')}>
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
          <Field label={t('timeOff.until')} error={fieldError(add.error, '/endsAt')}>
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
          <Field label={t('timeOff.reason')}>
            {(id) => (
              <input id={id} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
            )}
          </Field>
          <div className="actions">
            <button type="submit" disabled={add.isPending}>
              {t('timeOff.add')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={add.error ?? remove.error} title={t('notSaved')} />
    </div>
  );
}

function TechnicianCard({ tech }: { tech: Technician }) {
  const { t } = useTranslation('technicians');
  const user = useUser();
  const dir = useDirectory();
  const manager = isManager(user);
  const [editing, setEditing] = useState(false);
  const [showTimeOff, setShowTimeOff] = useState(false);
  const load = tech.maxOpenTickets > 0 ? tech.openTickets / tech.maxOpenTickets : 1;
  return (
    <li className="card">
      <div className="page-head">
        <h2 className="flush">{tech.name}</h2>
        <Availability tech={tech} />
      </div>
      <p className="muted small">
        {tech.groupIds.map((g) => dir.groupName(g)).join(', ') || t('card.noGroup')} · {tech.timeZone}
      </p>
      <div className="load-row">
        <span>{t('card.load', { open: tech.openTickets, max: tech.maxOpenTickets })}</span>
        <meter
          min={0}
          max={1}
          low={0.7}
          high={0.9}
          optimum={0.3}
          value={load}
          aria-label={t('card.loadOf', { name: tech.name })}
        />
      </div>
      <div className="skill-chips" role="group" aria-label={t('card.skillsOf', { name: tech.name })}>
        {tech.skills.length === 0 && <span className="muted small">{t('card.noSkills')}</span>}
        {tech.skills.map((s) => (
          <span key={s.skillId} className="chip">
            {s.name} {s.level}/5
          </span>
        ))}
      </div>
      <div className="actions">
        {manager && !editing && (
          <button type="button" onClick={() => setEditing(true)}>
            {t('card.edit')}
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-expanded={showTimeOff}
          onClick={() => setShowTimeOff((x) => !x)}
        >
          {t('timeOff.title')}
        </button>
      </div>
      {editing && <ProfileEditor tech={tech} onDone={() => setEditing(false)} />}
      {showTimeOff && <TimeOffList tech={tech} editable={manager || tech.userId === user.id} />}
    </li>
  );
}

export default function TechniciansPage() {
  const { t } = useTranslation('technicians');
  useTitle(t('title'));
  const user = useUser();
  const technicians = useTechnicians();
  const dir = useDirectory();
  const [groupId, setGroupId] = useState('');
  const shown = (technicians.data ?? []).filter(
    (tech) => !groupId || tech.groupIds.includes(Number(groupId)),
  );
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        {isManager(user) && <Link to="/assignment">{t('assignmentLink')}</Link>}
        <label className="inline">
          <span>{t('group')}</span>
          <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">{t('everyone')}</option>
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
      {technicians.data && shown.length === 0 && <Empty title={t('empty')} />}
      <ul className="card-list technician-list">
        {shown.map((tech) => (
          <TechnicianCard key={tech.userId} tech={tech} />
        ))}
      </ul>
    </div>
  );
}
