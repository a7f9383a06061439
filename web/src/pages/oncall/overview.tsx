// On call: who holds each schedule now and until when, the schedules, swap and cover requests (a manager
// approves or rejects; a technician sees and withdraws their own), and a new schedule for managers.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import {
  type ShiftRequest,
  useCreateSchedule,
  useDecideShiftRequest,
  useMyFeedToken,
  useOnCallNow,
  useReadiness,
  useSchedules,
  useShiftRequests,
} from '../../api/oncall';
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { FeedLink, formatRange, ParticipantPicker, timeZones, WhenLocal } from './parts';

function OnCallNow() {
  const { t } = useTranslation('oncall');
  const now = useOnCallNow();
  const dir = useDirectory();
  if (now.isPending) return <Loading />;
  if (now.error) return <ErrorMessage error={now.error} />;
  if (now.data.length === 0) return <Empty title={t('schedules.empty')} />;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">{t('now.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('now.schedule')}</th>
            <th scope="col">{t('now.onCall')}</th>
            <th scope="col">{t('now.until')}</th>
          </tr>
        </thead>
        <tbody>
          {now.data.map((a) => (
            <tr key={a.scheduleId}>
              <th scope="row">
                <Link to={`/oncall/schedules/${a.scheduleId}`}>{a.scheduleName}</Link>
              </th>
              <td className="person-cell">
                {a.userId === null ? (
                  <span className="badge sla-breached">{t('now.gap')}</span>
                ) : (
                  <>
                    {dir.userName(a.userId)}
                    {a.source?.kind === 'override' && <span className="badge">{t('now.override')}</span>}
                  </>
                )}
              </td>
              <td className="nowrap">{a.end ? <WhenLocal iso={a.end} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewSchedule() {
  const { t } = useTranslation('oncall');
  const navigate = useNavigate();
  const dir = useDirectory();
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [teamId, setTeamId] = useState('');
  const [participants, setParticipants] = useState<number[]>([]);
  const [start, setStart] = useState(() => `${new Date().toISOString().slice(0, 10)}T09:00`);
  const [unit, setUnit] = useState<'day' | 'week'>('week');
  const create = useCreateSchedule((s) => navigate(`/oncall/schedules/${s.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name,
      timeZone,
      teamId: teamId ? Number(teamId) : null,
      layers: [
        {
          kind: 'rotation',
          name: 'Primary',
          start,
          end: null,
          turn: { unit, count: 1 },
          participants,
          restrictions: [],
        },
      ],
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-schedule">
      <h2 id="new-schedule" className="flush">
        {t('newSchedule.title')}
      </h2>
      <p className="hint">{t('newSchedule.hint')}</p>
      <Field label={t('newSchedule.name')} error={fieldError(create.error, '/name')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={100}
            value={name}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('newSchedule.timeZone')}
        hint={t('newSchedule.timeZoneHint')}
        error={fieldError(create.error, '/timeZone')}
      >
        {(id, d) => (
          <select id={id} value={timeZone} aria-describedby={d} onChange={(e) => setTimeZone(e.target.value)}>
            {timeZones(timeZone).map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('newSchedule.team')}>
        {(id) => (
          <select id={id} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">{t('newSchedule.noTeam')}</option>
            {dir.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ParticipantPicker
        value={participants}
        onChange={setParticipants}
        error={fieldError(create.error, '/layers/0/participants')}
      />
      <div className="field-row">
        <Field label={t('newSchedule.firstHandoff')} hint={t('newSchedule.firstHandoffHint')}>
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
        <Field label={t('newSchedule.turn')}>
          {(id) => (
            <select id={id} value={unit} onChange={(e) => setUnit(e.target.value as 'day' | 'week')}>
              <option value="day">{t('newSchedule.turnDay')}</option>
              <option value="week">{t('newSchedule.turnWeek')}</option>
            </select>
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending || participants.length === 0}>
          {t('newSchedule.create')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('newSchedule.failed')} />
    </form>
  );
}

function RequestRow({ r, manager, mine }: { r: ShiftRequest; manager: boolean; mine: boolean }) {
  const { t } = useTranslation('oncall');
  const dir = useDirectory();
  const decide = useDecideShiftRequest();
  const what =
    r.kind === 'cover'
      ? t('requests.covers', {
          covering: dir.userName(r.coveringUserId),
          requester: dir.userName(r.requesterId),
        })
      : t('requests.swaps', {
          requester: dir.userName(r.requesterId),
          covering: dir.userName(r.coveringUserId),
        });
  return (
    <li className="request-row">
      <div className="grow">
        <strong>{what}</strong>
        <div className="muted small">
          {formatRange(r.start, r.end)}
          {r.swapStart && r.swapEnd && (
            <> · {t('requests.inReturn', { range: formatRange(r.swapStart, r.swapEnd) })}</>
          )}
          {r.reason && <> · “{r.reason}”</>}
        </div>
      </div>
      {r.state === 'pending' ? (
        <div className="actions">
          {manager && (
            <>
              <button
                type="button"
                className="primary"
                disabled={decide.isPending}
                onClick={() => decide.mutate({ id: r.id, decision: 'approve' })}
              >
                {t('requests.approve')}
              </button>
              <button
                type="button"
                disabled={decide.isPending}
                onClick={() => decide.mutate({ id: r.id, decision: 'reject' })}
              >
                {t('requests.reject')}
              </button>
            </>
          )}
          {mine && (
            <button
              type="button"
              className="ghost"
              disabled={decide.isPending}
              onClick={() => decide.mutate({ id: r.id, decision: 'cancel' })}
            >
              {t('requests.withdraw')}
            </button>
          )}
        </div>
      ) : (
        <span className="badge">{t('requests.state', { state: r.state })}</span>
      )}
      <ErrorMessage error={decide.error} title={t('requests.failed')} />
    </li>
  );
}

function Requests() {
  const { t } = useTranslation('oncall');
  const user = useUser();
  const requests = useShiftRequests('pending');
  if (requests.isPending) return <Loading />;
  if (requests.error) return <ErrorMessage error={requests.error} />;
  if (requests.data.length === 0) return <Empty title={t('requests.empty')} />;
  return (
    <ul className="plain-list">
      {requests.data.map((r) => (
        <RequestRow key={r.id} r={r} manager={isManager(user)} mine={r.requesterId === user.id} />
      ))}
    </ul>
  );
}

function Readiness() {
  const { t } = useTranslation('oncall');
  const readiness = useReadiness(7);
  if (readiness.isPending) return <Loading />;
  if (readiness.error) return <ErrorMessage error={readiness.error} />;
  const r = readiness.data;
  if (r.items.length === 0)
    return <p className="muted">{t('readiness.allReachable', { count: r.onCallPeople })}</p>;
  return (
    <ul className="plain-list">
      {r.items.map((p) => (
        <li key={p.userId} className="request-row">
          <div className="grow">
            <strong>{p.name}</strong>{' '}
            <span className="muted small">
              <Trans
                t={t}
                i18nKey="readiness.from"
                components={{ when: <WhenLocal iso={p.firstOnCallAt} /> }}
              />
            </span>
            <div className="small warn-text">{p.reasons.map((x) => x.message).join(' · ')}</div>
          </div>
        </li>
      ))}
    </ul>
  );
}

export default function OnCallOverview() {
  const { t } = useTranslation('oncall');
  useTitle(t('title'));
  const user = useUser();
  const schedules = useSchedules();
  const feed = useMyFeedToken();
  const manager = isManager(user);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <div className="actions">
          {manager && <Link to="/oncall/rosters">{t('links.rosters')}</Link>}
          {manager && <Link to="/oncall/import">{t('links.import')}</Link>}
          <Link to="/incidents">{t('links.incidents')}</Link>
        </div>
      </div>
      <section aria-labelledby="now-title">
        <h2 id="now-title">{t('now.title')}</h2>
        <OnCallNow />
      </section>
      {manager && (
        <section aria-labelledby="readiness-title">
          <h2 id="readiness-title">{t('readiness.title')}</h2>
          <Readiness />
        </section>
      )}
      <section aria-labelledby="requests-title">
        <h2 id="requests-title">{t('requests.title')}</h2>
        <Requests />
      </section>
      <section aria-labelledby="schedules-title">
        <h2 id="schedules-title">{t('schedules.title')}</h2>
        {schedules.isPending && <Loading />}
        <ErrorMessage error={schedules.error} />
        {schedules.data && schedules.data.length === 0 && <Empty title={t('schedules.empty')} />}
        <ul className="card-list">
          {schedules.data?.map((s) => (
            <li key={s.id} className="card">
              <Link to={`/oncall/schedules/${s.id}`}>
                <strong>{s.name}</strong>
              </Link>
              <div className="muted small">
                {s.timeZone} · {t('schedules.layers', { count: s.layers.length })}
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="feed-title" className="card">
        <h2 id="feed-title" className="flush">
          {t('feed.title')}
        </h2>
        <p className="hint">{t('feed.subscribe')}</p>
        <FeedLink mutation={feed} label={t('feed.make')} />
      </section>
      {manager && <NewSchedule />}
    </div>
  );
}
