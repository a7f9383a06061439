// One on-call schedule: who is on call now, its quality score, a two-week calendar of the final schedule beside
// each layer (a higher layer wins, overrides win over all), overrides and cover requests, its calendar feed,
// and — for managers — its layers: rotations with handoff, turn length, participants and restrictions.
import { type FormEvent, useState } from 'react';
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
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { ShiftTimeline } from '../../ui/shift-timeline';
import { useTitle } from '../../ui/title';
import { FeedLink, formatRange, localInputToIso, ParticipantPicker } from './parts';

const dayMs = 86_400_000;
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function startOfToday(): number {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function Calendar({ schedule }: { schedule: Schedule }) {
  const dir = useDirectory();
  const [offsetWeeks, setOffsetWeeks] = useState(0);
  const from = new Date(startOfToday() + offsetWeeks * 7 * dayMs).toISOString();
  const to = new Date(startOfToday() + (offsetWeeks + 2) * 7 * dayMs).toISOString();
  const final = useFinalSchedule(schedule.id, from, to);
  const layerName = (i: number | undefined) =>
    i === undefined ? 'layer' : (schedule.layers[i]?.name ?? `Layer ${i + 1}`);
  return (
    <section aria-labelledby="calendar-title">
      <div className="page-head">
        <h2 id="calendar-title">Calendar</h2>
        <div className="actions">
          <button type="button" onClick={() => setOffsetWeeks((w) => w - 2)}>
            ← Earlier
          </button>
          <button type="button" disabled={offsetWeeks === 0} onClick={() => setOffsetWeeks(0)}>
            Today
          </button>
          <button type="button" onClick={() => setOffsetWeeks((w) => w + 2)}>
            Later →
          </button>
        </div>
      </div>
      <p className="hint">
        Days in {schedule.timeZone}. Where layers overlap the higher one wins; an override wins over every
        layer.
      </p>
      {final.isPending && <Loading />}
      <ErrorMessage error={final.error} />
      {final.data && (
        <ShiftTimeline
          label={`${schedule.name}: final schedule and layers`}
          from={final.data.from}
          to={final.data.to}
          timeZone={schedule.timeZone}
          nameOf={(id) => dir.userName(id)}
          rows={[
            {
              label: 'Final',
              segments: final.data.final.map((s) => ({
                ...s,
                source:
                  s.source.kind === 'override'
                    ? 'override'
                    : s.source.kind === 'gap'
                      ? 'gap'
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
  const report = useScheduleReport(id);
  const dir = useDirectory();
  if (report.isPending) return <Loading label="Scoring the next 52 weeks…" />;
  if (report.error) return <ErrorMessage error={report.error} />;
  const r = report.data;
  const q = r.quality;
  const tone = q.total >= 90 ? 'ok' : q.total >= 60 ? 'warn' : 'bad';
  return (
    <section className="card" aria-labelledby="quality-title">
      <h2 id="quality-title" className="flush">
        Quality <span className={`score score-${tone}`}>{q.total}</span>
      </h2>
      <p className="hint">
        Over the next 52 weeks, as Grafana OnCall scores it: the mean of coverage and balance.
      </p>
      <dl className="facts">
        <dt>Coverage</dt>
        <dd>{q.coverage} % of the time someone is on call</dd>
        <dt>Balance</dt>
        <dd>{q.balance} % (hours spread evenly between people = 100 %)</dd>
        <dt>Overlap</dt>
        <dd>{q.overlap} % of covered time has layers overlapping</dd>
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
          <summary>Hours per person</summary>
          <ul className="plain-list">
            {r.hoursPerPerson.map((h) => (
              <li key={h.userId}>
                {h.userName ?? dir.userName(h.userId)}: {Math.round(h.hours)} h
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Overrides({ schedule, manager }: { schedule: Schedule; manager: boolean }) {
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
      <h2 id="overrides-title">Overrides, next 30 days</h2>
      {overrides.isPending && <Loading />}
      <ErrorMessage error={overrides.error ?? remove.error} />
      {overrides.data?.length === 0 && <Empty title="No overrides." />}
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
                aria-label={`Remove the override of ${dir.userName(o.userId)}`}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form className="card form" onSubmit={submit} aria-labelledby="override-form-title">
        <h3 id="override-form-title" className="flush">
          {manager ? 'Add an override' : 'Ask someone to cover you'}
        </h3>
        {!manager && <p className="hint">A manager approves it; then it wins over the layers.</p>}
        <Field
          label={manager ? 'Who covers' : 'Who covers you'}
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
              <option value="">Choose a person…</option>
              {staff.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field-row">
          <Field label="From" hint="Your local time" error={fieldError(mutation.error, '/start')}>
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
          <Field label="Until" error={fieldError(mutation.error, '/end')}>
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
        <Field label="Reason" error={fieldError(mutation.error, '/reason')}>
          {(id) => (
            <input id={id} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={mutation.isPending}>
            {manager ? 'Add override' : 'Send request'}
          </button>
          {request.isSuccess && !manager && <span role="status">Sent for approval.</span>}
        </div>
        <ErrorMessage error={mutation.error} title="Not saved." />
      </form>
    </section>
  );
}

type Rotation = Extract<Layer, { kind: 'rotation' }>;

function RotationEditor({ layer, onChange }: { layer: Rotation; onChange: (l: Rotation) => void }) {
  return (
    <>
      <div className="field-row">
        <Field label="First handoff" hint="Local time; every handoff keeps this time of day">
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
        <Field label="Ends" hint="Leave empty to run on">
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
        <Field label="Turn length">
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
        <Field label="Unit">
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
              <option value="hour">hours</option>
              <option value="day">days</option>
              <option value="week">weeks</option>
            </select>
          )}
        </Field>
      </div>
      <ParticipantPicker
        value={layer.participants}
        onChange={(participants) => onChange({ ...layer, participants })}
      />
      <fieldset className="sub-card">
        <legend>On duty only (restrictions)</legend>
        {layer.restrictions.length === 0 && <p className="muted small">Around the clock.</p>}
        {layer.restrictions.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
          <div key={`${i}-${r.start}`} className="restriction-row">
            <div className="day-picks" role="group" aria-label={`Days of window ${i + 1}`}>
              {weekdays.map((w, d) => {
                const day = (d + 1) as (typeof r.days)[number];
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
                    {w}
                  </label>
                );
              })}
            </div>
            <label className="inline">
              <span>from</span>
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
              <span>to</span>
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
              aria-label={`Remove window ${i + 1}`}
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
          Add a window
        </button>
      </fieldset>
    </>
  );
}

function Layers({ schedule }: { schedule: Schedule }) {
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
      <h2 id="layers-title">Layers</h2>
      <p className="hint">Listed top first: a higher layer wins where both are on duty.</p>
      {layers
        .map((l, i) => ({ l, i }))
        .reverse()
        .map(({ l, i }) => (
          <fieldset key={i} className="card form">
            <legend>
              Layer {i + 1}: {l.name || 'unnamed'}
            </legend>
            <Field label="Name" error={fieldError(save.error, `/layers/${i}/name`)}>
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
                {l.shifts.length} explicit shifts (a generated roster)
                {l.shifts.length > 0 && (
                  <>
                    {' '}
                    from {l.shifts[0].start.replace('T', ' ')} to{' '}
                    {l.shifts[l.shifts.length - 1].end.replace('T', ' ')}
                  </>
                )}
                .
              </p>
            )}
            <div className="actions">
              <button type="button" disabled={i === layers.length - 1} onClick={() => move(i, 1)}>
                Raise
              </button>
              <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                Lower
              </button>
              <button
                type="button"
                className="ghost"
                onClick={() => setDraft(layers.filter((_, j) => j !== i))}
              >
                Remove layer
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
                name: `Layer ${layers.length + 1}`,
                start: `${new Date().toISOString().slice(0, 10)}T09:00`,
                end: null,
                turn: { unit: 'week', count: 1 },
                participants: [],
                restrictions: [],
              },
            ])
          }
        >
          Add a layer
        </button>
        <button
          type="button"
          className="primary"
          disabled={draft === null || save.isPending}
          onClick={() => save.mutate({ layers })}
        >
          Save layers
        </button>
        {draft !== null && (
          <button type="button" className="ghost" onClick={() => setDraft(null)}>
            Discard changes
          </button>
        )}
      </div>
      <ErrorMessage error={save.error} title="Not saved." />
    </section>
  );
}

export default function SchedulePage() {
  const id = Number(useParams().id);
  const user = useUser();
  const manager = isManager(user);
  const dir = useDirectory();
  const schedule = useSchedule(id);
  const feed = useScheduleFeedToken(id);
  useTitle(schedule.data?.name ?? 'Schedule');
  if (schedule.isPending) return <Loading />;
  if (schedule.error) return <ErrorMessage error={schedule.error} />;
  const s = schedule.data;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/oncall">On call</Link> / {s.name}
      </p>
      <div className="page-head">
        <h1>{s.name}</h1>
        <a className="button" href={`/api/v1/schedules/${s.id}/calendar.ics`} download={`${s.name}.ics`}>
          Download .ics
        </a>
      </div>
      <p className="muted">
        {s.timeZone}
        {s.teamId !== null && <> · team {dir.groupName(s.teamId)}</>}
        {s.description && <> · {s.description}</>}
      </p>
      <div className="two-col">
        <Quality id={s.id} />
        {manager && (
          <section className="card" aria-labelledby="feed-title">
            <h2 id="feed-title" className="flush">
              Calendar subscription
            </h2>
            <p className="hint">A link for Google Calendar or Outlook that needs no sign-in.</p>
            <FeedLink mutation={feed} label="Make a subscription link" />
          </section>
        )}
      </div>
      <Calendar schedule={s} />
      <Overrides schedule={s} manager={manager} />
      {manager && <Layers schedule={s} />}
    </div>
  );
}
