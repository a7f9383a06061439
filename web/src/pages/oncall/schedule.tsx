// One on-call schedule: who is on call now, its quality score, a two-week calendar of the final schedule beside
// each layer (a higher layer wins, overrides win over all), overrides and cover requests, its calendar feed,
// and — for managers — its layers: rotations with handoff, turn length, participants and restrictions.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  type Layer,
  type Schedule,
  useAddOverride,
  useDeleteOverride,
  useFinalSchedule,
  useOverrides,
  useRequestShift,
  useSchedule,
  useScheduleFeedToken,
  useScheduleReport,
  useUpdateSchedule,
} from '../../api/oncall';
import { dateTimeFormat } from '../../locale';
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { ShiftTimeline } from '../../ui/shift-timeline';
import { useTitle } from '../../ui/title';
import { FeedLink, formatRange, localInputToIso, ParticipantPicker } from './parts';

const dayMs = 86_400_000;
const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;
// 1 January 2024 was a Monday: the short weekday names Monday first, in the user's language.
const weekdayFormat = dateTimeFormat({ weekday: 'short', timeZone: 'UTC' });
const weekdayName = (isoDay: number) => weekdayFormat.format(Date.UTC(2024, 0, isoDay));

function startOfToday(): number {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function Calendar({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation('oncall-schedule');
  const dir = useDirectory();
  const [offsetWeeks, setOffsetWeeks] = useState(0);
  const from = new Date(startOfToday() + offsetWeeks * 7 * dayMs).toISOString();
  const to = new Date(startOfToday() + (offsetWeeks + 2) * 7 * dayMs).toISOString();
  const final = useFinalSchedule(schedule.id, from, to);
  const layerName = (i: number | undefined) =>
    i === undefined
      ? t('calendar.layer')
      : (schedule.layers[i]?.name ?? t('layers.defaultName', { n: i + 1 }));
  return (
    <section aria-labelledby="calendar-title">
      <div className="page-head">
        <h2 id="calendar-title">{t('calendar.title')}</h2>
        <div className="actions">
          <button type="button" onClick={() => setOffsetWeeks((w) => w - 2)}>
            {t('calendar.earlier')}
          </button>
          <button type="button" disabled={offsetWeeks === 0} onClick={() => setOffsetWeeks(0)}>
            {t('calendar.today')}
          </button>
          <button type="button" onClick={() => setOffsetWeeks((w) => w + 2)}>
            {t('calendar.later')}
          </button>
        </div>
      </div>
      <p className="hint">{t('calendar.hint', { zone: schedule.timeZone })}</p>
      {final.isPending && <Loading />}
      <ErrorMessage error={final.error} />
      {final.data && (
        <ShiftTimeline
          label={t('calendar.label', { name: schedule.name })}
          from={final.data.from}
          to={final.data.to}
          timeZone={schedule.timeZone}
          nameOf={(id) => dir.userName(id)}
          rows={[
            {
              label: t('calendar.final'),
              segments: final.data.final.map((s) => ({
                ...s,
                source:
                  s.source.kind === 'override'
                    ? t('calendar.override')
                    : s.source.kind === 'gap'
                      ? t('calendar.gap')
                      : layerName(s.source.layer),
              })),
            },
            ...[...final.data.layers].reverse().map((l) => ({
              label: l.name,
              segments: l.segments
                .filter((s) => s.userId !== null)
                .map((s) => ({ start: s.start, end: s.end, userId: s.userId })),
            })),
          ]}
        />
      )}
    </section>
  );
}

function Quality({ id }: { id: number }) {
  const { t } = useTranslation('oncall-schedule');
  const report = useScheduleReport(id);
  const dir = useDirectory();
  if (report.isPending) return <Loading label={t('quality.loading')} />;
  if (report.error) return <ErrorMessage error={report.error} />;
  const r = report.data;
  const q = r.quality;
  const tone = q.total >= 90 ? 'ok' : q.total >= 60 ? 'warn' : 'bad';
  return (
    <section className="card" aria-labelledby="quality-title">
      <h2 id="quality-title" className="flush">
        {t('quality.title')} <span className={`score score-${tone}`}>{q.total}</span>
      </h2>
      <p className="hint">{t('quality.hint')}</p>
      <dl className="facts">
        <dt>{t('quality.coverage')}</dt>
        <dd>{t('quality.coverageValue', { percent: q.coverage })}</dd>
        <dt>{t('quality.balance')}</dt>
        <dd>{t('quality.balanceValue', { percent: q.balance })}</dd>
        <dt>{t('quality.overlap')}</dt>
        <dd>{t('quality.overlapValue', { percent: q.overlap })}</dd>
      </dl>
      {q.comments.length > 0 && (
        <ul className="plain-list small">
          {q.comments.map((c) => (
            <li key={c.text} className={c.type === 'warning' ? 'warn-text' : 'muted'}>
              {c.text}
            </li>
          ))}
        </ul>
      )}
      {r.hoursPerPerson.length > 0 && (
        <details>
          <summary>{t('quality.hoursPerPerson')}</summary>
          <ul className="plain-list">
            {r.hoursPerPerson.map((h) => (
              <li key={h.userId}>
                {t('quality.hours', {
                  name: h.userName ?? dir.userName(h.userId),
                  hours: Math.round(h.hours),
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Overrides({ schedule, manager }: { schedule: Schedule; manager: boolean }) {
  const { t } = useTranslation('oncall-schedule');
  const dir = useDirectory();
  const user = useUser();
  const from = new Date(startOfToday()).toISOString();
  const to = new Date(startOfToday() + 30 * dayMs).toISOString();
  const overrides = useOverrides(schedule.id, from, to);
  const remove = useDeleteOverride(schedule.id);
  const [who, setWho] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const reset = () => {
    setWho('');
    setStart('');
    setEnd('');
    setReason('');
  };
  const add = useAddOverride(schedule.id, reset);
  const request = useRequestShift(schedule.id, reset);
  const mutation = manager ? add : request;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { start: localInputToIso(start), end: localInputToIso(end), reason: reason || undefined };
    if (manager) add.mutate({ ...body, userId: Number(who) });
    else request.mutate({ kind: 'cover', coveringUserId: Number(who), ...body });
  };
  const staff = dir.users.filter((u) => u.role !== 'requester' && (manager || u.id !== user.id));
  return (
    <section aria-labelledby="overrides-title">
      <h2 id="overrides-title">{t('overrides.title')}</h2>
      {overrides.isPending && <Loading />}
      <ErrorMessage error={overrides.error ?? remove.error} />
      {overrides.data?.length === 0 && <Empty title={t('overrides.empty')} />}
      <ul className="plain-list">
        {overrides.data?.map((o) => (
          <li key={o.id} className="request-row">
            <div className="grow">
              <strong>{dir.userName(o.userId)}</strong>
              <div className="muted small">
                {formatRange(o.start, o.end, schedule.timeZone)}
                {o.reason && <> · “{o.reason}”</>}
              </div>
            </div>
            {manager && (
              <button
                type="button"
                className="ghost"
                onClick={() => remove.mutate(o.id)}
                aria-label={t('overrides.removeNamed', { name: dir.userName(o.userId) })}
              >
                {t('overrides.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form className="card form" onSubmit={submit} aria-labelledby="override-form-title">
        <h3 id="override-form-title" className="flush">
          {manager ? t('overrides.addTitle') : t('overrides.askTitle')}
        </h3>
        {!manager && <p className="hint">{t('overrides.askHint')}</p>}
        <Field
          label={manager ? t('overrides.who') : t('overrides.whoCoversYou')}
          error={fieldError(mutation.error, manager ? '/userId' : '/coveringUserId')}
        >
          {(id, d, invalid) => (
            <select
              id={id}
              required
              value={who}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setWho(e.target.value)}
            >
              <option value="">{t('overrides.choose')}</option>
              {staff.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field-row">
          <Field
            label={t('overrides.from')}
            hint={t('overrides.fromHint')}
            error={fieldError(mutation.error, '/start')}
          >
            {(id, d) => (
              <input
                id={id}
                type="datetime-local"
                required
                value={start}
                aria-describedby={d}
                onChange={(e) => setStart(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('overrides.until')} error={fieldError(mutation.error, '/end')}>
            {(id, d) => (
              <input
                id={id}
                type="datetime-local"
                required
                value={end}
                aria-describedby={d}
                onChange={(e) => setEnd(e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label={t('overrides.reason')} error={fieldError(mutation.error, '/reason')}>
          {(id) => (
            <input id={id} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={mutation.isPending}>
            {manager ? t('overrides.add') : t('overrides.send')}
          </button>
          {request.isSuccess && !manager && <span role="status">{t('overrides.sent')}</span>}
        </div>
        <ErrorMessage error={mutation.error} title={t('notSaved')} />
      </form>
    </section>
  );
}

type Rotation = Extract<Layer, { kind: 'rotation' }>;

function RotationEditor({ layer, onChange }: { layer: Rotation; onChange: (l: Rotation) => void }) {
  const { t } = useTranslation('oncall-schedule');
  return (
    <>
      <div className="field-row">
        <Field label={t('rotation.firstHandoff')} hint={t('rotation.firstHandoffHint')}>
          {(id, d) => (
            <input
              id={id}
              type="datetime-local"
              required
              value={layer.start}
              aria-describedby={d}
              onChange={(e) => onChange({ ...layer, start: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('rotation.ends')} hint={t('rotation.endsHint')}>
          {(id, d) => (
            <input
              id={id}
              type="datetime-local"
              value={layer.end ?? ''}
              aria-describedby={d}
              onChange={(e) => onChange({ ...layer, end: e.target.value || null })}
            />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('rotation.turnLength')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={1}
              max={8760}
              required
              value={layer.turn.count}
              onChange={(e) => onChange({ ...layer, turn: { ...layer.turn, count: Number(e.target.value) } })}
            />
          )}
        </Field>
        <Field label={t('rotation.unit')}>
          {(id) => (
            <select
              id={id}
              value={layer.turn.unit}
              onChange={(e) =>
                onChange({
                  ...layer,
                  turn: { ...layer.turn, unit: e.target.value as Rotation['turn']['unit'] },
                })
              }
            >
              <option value="hour">{t('rotation.hours')}</option>
              <option value="day">{t('rotation.days')}</option>
              <option value="week">{t('rotation.weeks')}</option>
            </select>
          )}
        </Field>
      </div>
      <ParticipantPicker
        value={layer.participants}
        onChange={(participants) => onChange({ ...layer, participants })}
      />
      <fieldset className="sub-card">
        <legend>{t('rotation.restrictions')}</legend>
        {layer.restrictions.length === 0 && <p className="muted small">{t('rotation.aroundTheClock')}</p>}
        {layer.restrictions.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
          <div key={`${i}-${r.start}`} className="restriction-row">
            <div className="day-picks" role="group" aria-label={t('rotation.windowDays', { n: i + 1 })}>
              {weekdays.map((w) => {
                const day = w as (typeof r.days)[number];
                return (
                  <label key={w} className="inline">
                    <input
                      type="checkbox"
                      checked={r.days.includes(day)}
                      onChange={(e) => {
                        const days = e.target.checked
                          ? [...r.days, day].sort()
                          : r.days.filter((x) => x !== day);
                        onChange({
                          ...layer,
                          restrictions: layer.restrictions.map((x, j) => (j === i ? { ...x, days } : x)),
                        });
                      }}
                    />
                    {weekdayName(w)}
                  </label>
                );
              })}
            </div>
            <label className="inline">
              <span>{t('rotation.windowFrom')}</span>
              <input
                type="time"
                value={r.start}
                onChange={(e) =>
                  onChange({
                    ...layer,
                    restrictions: layer.restrictions.map((x, j) =>
                      j === i ? { ...x, start: e.target.value } : x,
                    ),
                  })
                }
              />
            </label>
            <label className="inline">
              <span>{t('rotation.windowTo')}</span>
              <input
                type="time"
                value={r.end === '24:00' ? '23:59' : r.end}
                onChange={(e) =>
                  onChange({
                    ...layer,
                    restrictions: layer.restrictions.map((x, j) =>
                      j === i ? { ...x, end: e.target.value } : x,
                    ),
                  })
                }
              />
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label={t('rotation.removeWindow', { n: i + 1 })}
              onClick={() =>
                onChange({ ...layer, restrictions: layer.restrictions.filter((_, j) => j !== i) })
              }
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            onChange({
              ...layer,
              restrictions: [...layer.restrictions, { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
            })
          }
        >
          {t('rotation.addWindow')}
        </button>
      </fieldset>
    </>
  );
}

function Layers({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation('oncall-schedule');
  const [draft, setDraft] = useState<Layer[] | null>(null);
  const layers = draft ?? schedule.layers;
  const save = useUpdateSchedule(schedule.id, () => setDraft(null));
  const set = (i: number, l: Layer) => setDraft(layers.map((x, j) => (j === i ? l : x)));
  const move = (i: number, by: number) => {
    const next = [...layers];
    const [l] = next.splice(i, 1);
    next.splice(i + by, 0, l);
    setDraft(next);
  };
  return (
    <section aria-labelledby="layers-title">
      <h2 id="layers-title">{t('layers.title')}</h2>
      <p className="hint">{t('layers.hint')}</p>
      {layers
        .map((l, i) => ({ l, i }))
        .reverse()
        .map(({ l, i }) => (
          <fieldset key={i} className="card form">
            <legend>
              {l.name
                ? t('layers.legend', { n: i + 1, name: l.name })
                : t('layers.legendUnnamed', { n: i + 1 })}
            </legend>
            <Field label={t('layers.name')} error={fieldError(save.error, `/layers/${i}/name`)}>
              {(id) => (
                <input
                  id={id}
                  required
                  maxLength={100}
                  value={l.name}
                  onChange={(e) => set(i, { ...l, name: e.target.value })}
                />
              )}
            </Field>
            {l.kind === 'rotation' ? (
              <RotationEditor layer={l} onChange={(x) => set(i, x)} />
            ) : (
              <p className="muted">
                {l.shifts.length > 0
                  ? t('layers.shiftsFromTo', {
                      count: l.shifts.length,
                      from: l.shifts[0].start.replace('T', ' '),
                      to: l.shifts[l.shifts.length - 1].end.replace('T', ' '),
                    })
                  : t('layers.shifts', { count: l.shifts.length })}
              </p>
            )}
            <div className="actions">
              <button type="button" disabled={i === layers.length - 1} onClick={() => move(i, 1)}>
                {t('layers.raise')}
              </button>
              <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                {t('layers.lower')}
              </button>
              <button
                type="button"
                className="ghost"
                onClick={() => setDraft(layers.filter((_, j) => j !== i))}
              >
                {t('layers.remove')}
              </button>
            </div>
          </fieldset>
        ))}
      <div className="actions">
        <button
          type="button"
          onClick={() =>
            setDraft([
              ...layers,
              {
                kind: 'rotation',
                name: t('layers.defaultName', { n: layers.length + 1 }),
                start: `${new Date().toISOString().slice(0, 10)}T09:00`,
                end: null,
                turn: { unit: 'week', count: 1 },
                participants: [],
                restrictions: [],
              },
            ])
          }
        >
          {t('layers.add')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={draft === null || save.isPending}
          onClick={() => save.mutate({ layers })}
        >
          {t('layers.save')}
        </button>
        {draft !== null && (
          <button type="button" className="ghost" onClick={() => setDraft(null)}>
            {t('layers.discard')}
          </button>
        )}
      </div>
      <ErrorMessage error={save.error} title={t('notSaved')} />
    </section>
  );
}

export default function SchedulePage() {
  const { t } = useTranslation('oncall-schedule');
  const id = Number(useParams().id);
  const user = useUser();
  const manager = isManager(user);
  const dir = useDirectory();
  const schedule = useSchedule(id);
  const feed = useScheduleFeedToken(id);
  useTitle(schedule.data?.name ?? t('title'));
  if (schedule.isPending) return <Loading />;
  if (schedule.error) return <ErrorMessage error={schedule.error} />;
  const s = schedule.data;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/oncall">{t('breadcrumb')}</Link> / {s.name}
      </p>
      <div className="page-head">
        <h1>{s.name}</h1>
        <a className="button" href={`/api/v1/schedules/${s.id}/calendar.ics`} download={`${s.name}.ics`}>
          {t('downloadIcs')}
        </a>
      </div>
      <p className="muted">
        {s.timeZone}
        {s.teamId !== null && <> · {t('team', { name: dir.groupName(s.teamId) })}</>}
        {s.description && <> · {s.description}</>}
      </p>
      <div className="two-col">
        <Quality id={s.id} />
        {manager && (
          <section className="card" aria-labelledby="feed-title">
            <h2 id="feed-title" className="flush">
              {t('feed.title')}
            </h2>
            <p className="hint">{t('feed.hint')}</p>
            <FeedLink mutation={feed} label={t('feed.make')} />
          </section>
        )}
      </div>
      <Calendar schedule={s} />
      <Overrides schedule={s} manager={manager} />
      {manager && <Layers schedule={s} />}
    </div>
  );
}
