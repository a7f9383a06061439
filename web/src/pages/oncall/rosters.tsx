// Roster generation (managers): the people, the coverage (24/7 in two or three shifts, or business hours) and
// the labour rules in; out comes a roster that meets every rule with its fairness figures — or the rules that
// cannot be met — and the roster goes onto a schedule as a layer of shifts.
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { client, unwrap } from '../../api/client';
import {
  type RosterAnswer,
  type RosterRequest,
  useGenerateRoster,
  useSchedules,
  useUpdateSchedule,
} from '../../api/oncall';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage } from '../../ui/messages';
import { ShiftTimeline, wallToIso } from '../../ui/shift-timeline';
import { useTitle } from '../../ui/title';
import { ParticipantPicker, timeZones } from './parts';

type Coverage = '24/7-3' | '24/7-2' | 'business';

const coverages: Record<Coverage, { label: string; shifts: RosterRequest['shifts'] }> = {
  '24/7-3': {
    label: '24/7 in three 8-hour shifts',
    shifts: [
      { name: 'Early', start: '06:00', end: '14:00' },
      { name: 'Late', start: '14:00', end: '22:00' },
      { name: 'Night', start: '22:00', end: '06:00' },
    ],
  },
  '24/7-2': {
    label: '24/7 in two 12-hour shifts',
    shifts: [
      { name: 'Day', start: '08:00', end: '20:00' },
      { name: 'Night', start: '20:00', end: '08:00' },
    ],
  },
  business: {
    label: 'Business hours, weekdays 09:00–17:00',
    shifts: [{ name: 'Office', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }],
  },
};

const ruleLabels: Record<string, string> = {
  coverage: 'Coverage',
  maxHoursPerWeek: 'Most hours a week',
  minRestHours: 'Least rest between shifts',
  maxConsecutiveNights: 'Most nights in a row',
  maxConsecutiveDays: 'Most days in a row',
  timeOff: 'Time off',
  eligibility: 'Who may work a shift',
  overlap: 'One shift at a time',
};

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function Result({ answer, request }: { answer: RosterAnswer; request: RosterRequest }) {
  const dir = useDirectory();
  const schedules = useSchedules();
  const [scheduleId, setScheduleId] = useState('');
  const schedule = schedules.data?.find((s) => s.id === Number(scheduleId));
  const apply = useUpdateSchedule(Number(scheduleId) || 0);
  if (!answer.feasible)
    return (
      <section className="card alert-error" aria-labelledby="infeasible-title">
        <h2 id="infeasible-title" className="flush">
          No roster meets every rule
        </h2>
        <p>Nothing was bent to make it fit. What cannot be met:</p>
        <ul>
          {(answer.violations ?? []).map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
            <li key={`${v.rule}-${i}`}>
              <strong>{ruleLabels[v.rule] ?? v.rule}:</strong> {v.explanation}
            </li>
          ))}
        </ul>
      </section>
    );
  const layer = answer.layer!;
  const zone = request.period.timeZone;
  const from = wallToIso(`${request.period.start}T00:00`, zone);
  const twoWeeks = new Date(Date.parse(from) + 14 * 86_400_000).toISOString();
  return (
    <section aria-labelledby="roster-title">
      <h2 id="roster-title">
        Roster: {layer.shifts.length} shifts, every rule met {answer.checks?.ok ? '✓' : ''}
      </h2>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="visually-hidden">Shifts and fairness per person</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Shifts</th>
              <th scope="col">Hours</th>
              <th scope="col">Nights</th>
              <th scope="col">Weekends</th>
              <th scope="col">Holidays</th>
            </tr>
          </thead>
          <tbody>
            {(answer.stats ?? []).map((s) => (
              <tr key={s.userId}>
                <th scope="row">{dir.userName(s.userId)}</th>
                <td>{s.shifts}</td>
                <td>{Math.round(s.hours)}</td>
                <td>{s.nights}</td>
                <td>{s.weekends}</td>
                <td>{s.holidays}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {answer.fairness && (
        <p className="hint">
          Spread between the most and the least: {Math.round(answer.fairness.hours.spread)} h,{' '}
          {answer.fairness.nights.spread} nights, {answer.fairness.weekends.spread} weekend shifts,{' '}
          {answer.fairness.holidays.spread} holiday shifts.
        </p>
      )}
      <ShiftTimeline
        label="The roster's first two weeks"
        from={from}
        to={twoWeeks}
        timeZone={zone}
        nameOf={(id) => dir.userName(id)}
        rows={[
          {
            label: 'Roster',
            segments: layer.shifts
              .map((s) => ({
                start: wallToIso(s.start, zone),
                end: wallToIso(s.end, zone),
                userId: s.userId,
              }))
              .filter((s) => s.start < twoWeeks),
          },
        ]}
      />
      <div className="card form">
        <h3 className="flush">Put it on a schedule</h3>
        <p className="hint">
          Added as the schedule’s top layer: it wins where it has shifts; overrides still win over it.
        </p>
        <div className="actions">
          <select aria-label="Schedule" value={scheduleId} onChange={(e) => setScheduleId(e.target.value)}>
            <option value="">Choose a schedule…</option>
            {schedules.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.timeZone})
              </option>
            ))}
          </select>
          <button
            type="button"
            className="primary"
            disabled={!schedule || apply.isPending}
            onClick={() => schedule && apply.mutate({ layers: [...schedule.layers, layer] })}
          >
            Add as a layer
          </button>
          {apply.isSuccess && schedule && (
            <span role="status">
              Added to <Link to={`/oncall/schedules/${schedule.id}`}>{schedule.name}</Link>.
            </span>
          )}
        </div>
        {schedule && schedule.timeZone !== zone && (
          <p className="field-error">
            The schedule is in {schedule.timeZone}; the roster was made in {zone}. Choose a schedule in the
            same zone.
          </p>
        )}
        <ErrorMessage error={apply.error} title="Not added." />
      </div>
    </section>
  );
}

export default function RostersPage() {
  useTitle('Generate a roster');
  const today = Date.now();
  const [name, setName] = useState('Generated roster');
  const [start, setStart] = useState(isoDate(today + 86_400_000));
  const [end, setEnd] = useState(isoDate(today + 29 * 86_400_000));
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [coverage, setCoverage] = useState<Coverage>('24/7-3');
  const [people, setPeople] = useState<number[]>([]);
  const [maxHours, setMaxHours] = useState(48);
  const [minRest, setMinRest] = useState(11);
  const [maxNights, setMaxNights] = useState(3);
  const generate = useGenerateRoster();
  const [sent, setSent] = useState<RosterRequest | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Each person's time off, as the Technicians page records it, is a rule the roster keeps.
    const timeOff = await Promise.all(
      people.map((userId) =>
        unwrap(client.GET('/api/v1/technicians/{userId}/time-off', { params: { path: { userId } } }))
          .then((r) => r.items.map((o) => ({ start: o.startsAt, end: o.endsAt })))
          .catch(() => []),
      ),
    );
    const request: RosterRequest = {
      name,
      period: { start, end, timeZone },
      shifts: coverages[coverage].shifts,
      people: people.map((userId, i) => ({
        userId,
        ...(timeOff[i].length ? { timeOff: timeOff[i].slice(0, 100) } : {}),
      })),
      rules: { maxHoursPerWeek: maxHours, minRestHours: minRest, maxConsecutiveNights: maxNights },
    };
    setSent(request);
    generate.mutate(request);
  };
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/oncall">On call</Link> / Generate a roster
      </p>
      <h1>Generate a roster</h1>
      <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Roster request">
        <div className="field-row">
          <Field label="Name" error={fieldError(generate.error, '/name')}>
            {(id) => (
              <input
                id={id}
                required
                maxLength={120}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <Field label="Time zone">
            {(id) => (
              <select id={id} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
                {timeZones(timeZone).map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="field-row">
          <Field label="First day" error={fieldError(generate.error, '/period/start')}>
            {(id) => (
              <input id={id} type="date" required value={start} onChange={(e) => setStart(e.target.value)} />
            )}
          </Field>
          <Field label="Last day" error={fieldError(generate.error, '/period/end')}>
            {(id) => (
              <input id={id} type="date" required value={end} onChange={(e) => setEnd(e.target.value)} />
            )}
          </Field>
        </div>
        <Field label="Coverage">
          {(id) => (
            <select id={id} value={coverage} onChange={(e) => setCoverage(e.target.value as Coverage)}>
              {Object.entries(coverages).map(([k, c]) => (
                <option key={k} value={k}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ParticipantPicker
          label="People"
          value={people}
          onChange={setPeople}
          error={fieldError(generate.error, '/people')}
        />
        <fieldset className="sub-card">
          <legend>Rules</legend>
          <div className="field-row">
            <Field label="Most hours a week">
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={1}
                  max={168}
                  value={maxHours}
                  onChange={(e) => setMaxHours(Number(e.target.value))}
                />
              )}
            </Field>
            <Field label="Least rest between shifts (h)">
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={0}
                  max={72}
                  value={minRest}
                  onChange={(e) => setMinRest(Number(e.target.value))}
                />
              )}
            </Field>
            <Field label="Most nights in a row">
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={1}
                  max={366}
                  value={maxNights}
                  onChange={(e) => setMaxNights(Number(e.target.value))}
                />
              )}
            </Field>
          </div>
          <p className="hint">Everyone’s time off from the Technicians page is kept.</p>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={generate.isPending || people.length === 0}>
            {generate.isPending ? 'Generating…' : 'Generate'}
          </button>
        </div>
        <ErrorMessage error={generate.error} title="Not generated." />
      </form>
      {generate.data && sent && <Result answer={generate.data} request={sent} />}
    </div>
  );
}
