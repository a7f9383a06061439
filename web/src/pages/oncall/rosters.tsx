// Roster generation (managers): the people, the coverage (24/7 in two or three shifts, or business hours) and
// the labour rules in; out comes a roster that meets every rule with its fairness figures — or the rules that
// cannot be met — and the roster goes onto a schedule as a layer of shifts.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { client, unwrap } from '../../api/client';
import {
  type RosterAnswer,
  type RosterRequest,
  useGenerateRoster,
  useSchedules,
  useUpdateSchedule,
} from '../../api/oncall';
import { t as translate } from '../../i18n';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage } from '../../ui/messages';
import { ShiftTimeline, wallToIso } from '../../ui/shift-timeline';
import { useTitle } from '../../ui/title';
import { ParticipantPicker, timeZones } from './parts';

type Coverage = '24/7-3' | '24/7-2' | 'business';

const coverageCodes: Coverage[] = ['24/7-3', '24/7-2', 'business'];

/** The coverage's shifts, named in the user's language when the roster is asked for (the names go onto the layer). */
function coverageShifts(coverage: Coverage): RosterRequest['shifts'] {
  const shift = (k: string) => translate(`oncall-rosters:shift.${k}`);
  switch (coverage) {
    case '24/7-3':
      return [
        { name: shift('early'), start: '06:00', end: '14:00' },
        { name: shift('late'), start: '14:00', end: '22:00' },
        { name: shift('night'), start: '22:00', end: '06:00' },
      ];
    case '24/7-2':
      return [
        { name: shift('day'), start: '08:00', end: '20:00' },
        { name: shift('night'), start: '20:00', end: '08:00' },
      ];
    case 'business':
      return [{ name: shift('office'), start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }];
  }
}

/** The rules the server names in a violation; an unknown one is shown by its code. */
const ruleCodes = new Set([
  'coverage',
  'maxHoursPerWeek',
  'minRestHours',
  'maxConsecutiveNights',
  'maxConsecutiveDays',
  'timeOff',
  'eligibility',
  'overlap',
]);

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function Result({ answer, request }: { answer: RosterAnswer; request: RosterRequest }) {
  const { t } = useTranslation('oncall-rosters');
  const dir = useDirectory();
  const schedules = useSchedules();
  const [scheduleId, setScheduleId] = useState('');
  const schedule = schedules.data?.find((s) => s.id === Number(scheduleId));
  const apply = useUpdateSchedule(Number(scheduleId) || 0);
  if (!answer.feasible)
    return (
      <section className="card alert-error" aria-labelledby="infeasible-title">
        <h2 id="infeasible-title" className="flush">
          {t('infeasible.title')}
        </h2>
        <p>{t('infeasible.intro')}</p>
        <ul>
          {(answer.violations ?? []).map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
            <li key={`${v.rule}-${i}`}>
              <strong>
                {t('infeasible.rule', { rule: ruleCodes.has(v.rule) ? t(`rule.${v.rule}`) : v.rule })}
              </strong>{' '}
              {v.explanation}
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
        {t('result.title', { count: layer.shifts.length })} {answer.checks?.ok ? '✓' : ''}
      </h2>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="visually-hidden">{t('result.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('result.person')}</th>
              <th scope="col">{t('result.shifts')}</th>
              <th scope="col">{t('result.hours')}</th>
              <th scope="col">{t('result.nights')}</th>
              <th scope="col">{t('result.weekends')}</th>
              <th scope="col">{t('result.holidays')}</th>
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
          {t('result.spread', {
            hours: Math.round(answer.fairness.hours.spread),
            nights: answer.fairness.nights.spread,
            weekends: answer.fairness.weekends.spread,
            holidays: answer.fairness.holidays.spread,
          })}
        </p>
      )}
      <ShiftTimeline
        label={t('result.timeline')}
        from={from}
        to={twoWeeks}
        timeZone={zone}
        nameOf={(id) => dir.userName(id)}
        rows={[
          {
            label: t('result.row'),
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
        <h3 className="flush">{t('apply.title')}</h3>
        <p className="hint">{t('apply.hint')}</p>
        <div className="actions">
          <select
            aria-label={t('apply.schedule')}
            value={scheduleId}
            onChange={(e) => setScheduleId(e.target.value)}
          >
            <option value="">{t('apply.choose')}</option>
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
            {t('apply.submit')}
          </button>
          {apply.isSuccess && schedule && (
            <span role="status">
              <Trans
                t={t}
                i18nKey="apply.done"
                components={{
                  schedule: <Link to={`/oncall/schedules/${schedule.id}`}>{schedule.name}</Link>,
                }}
              />
            </span>
          )}
        </div>
        {schedule && schedule.timeZone !== zone && (
          <p className="field-error">
            {t('apply.otherZone', { scheduleZone: schedule.timeZone, rosterZone: zone })}
          </p>
        )}
        <ErrorMessage error={apply.error} title={t('apply.failed')} />
      </div>
    </section>
  );
}

export default function RostersPage() {
  const { t } = useTranslation('oncall-rosters');
  useTitle(t('title'));
  const today = Date.now();
  const [name, setName] = useState(() => t('defaultName'));
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
      shifts: coverageShifts(coverage),
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
        <Link to="/oncall">{t('breadcrumb')}</Link> / {t('title')}
      </p>
      <h1>{t('title')}</h1>
      <form className="card form" onSubmit={(e) => void submit(e)} aria-label={t('form.label')}>
        <div className="field-row">
          <Field label={t('form.name')} error={fieldError(generate.error, '/name')}>
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
          <Field label={t('form.timeZone')}>
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
          <Field label={t('form.firstDay')} error={fieldError(generate.error, '/period/start')}>
            {(id) => (
              <input id={id} type="date" required value={start} onChange={(e) => setStart(e.target.value)} />
            )}
          </Field>
          <Field label={t('form.lastDay')} error={fieldError(generate.error, '/period/end')}>
            {(id) => (
              <input id={id} type="date" required value={end} onChange={(e) => setEnd(e.target.value)} />
            )}
          </Field>
        </div>
        <Field label={t('form.coverage')}>
          {(id) => (
            <select id={id} value={coverage} onChange={(e) => setCoverage(e.target.value as Coverage)}>
              {coverageCodes.map((k) => (
                <option key={k} value={k}>
                  {t(`coverage.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ParticipantPicker
          label={t('form.people')}
          value={people}
          onChange={setPeople}
          error={fieldError(generate.error, '/people')}
        />
        <fieldset className="sub-card">
          <legend>{t('form.rules')}</legend>
          <div className="field-row">
            <Field label={t('form.maxHours')}>
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
            <Field label={t('form.minRest')}>
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
            <Field label={t('form.maxNights')}>
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
          <p className="hint">{t('form.timeOffHint')}</p>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={generate.isPending || people.length === 0}>
            {generate.isPending ? t('form.generating') : t('form.generate')}
          </button>
        </div>
        <ErrorMessage error={generate.error} title={t('form.failed')} />
      </form>
      {generate.data && sent && <Result answer={generate.data} request={sent} />}
    </div>
  );
}
