// Silences: the active, pending and expired ones with their matchers, a form to make one (matchers, a duration or
// an end, a comment) that an alert's "Silence" prefills through ?matcher=…, and Expire to end one now.
import { type FormEvent, useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from 'react-router-dom';
import { type Silence, useCreateSilence, useExpireSilence, useSilences } from '../../api/monitoring-alerts';
import { t as translate } from '../../i18n';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { MonitoringTabs } from './tabs';

// Labels are catalogue keys (monitoring:silences.duration.*), read when shown.
const durations: [string, number][] = [
  ['hour1', 3_600_000],
  ['hours2', 7_200_000],
  ['hours4', 14_400_000],
  ['day1', 86_400_000],
  ['week1', 7 * 86_400_000],
];

const silenceStates: Silence['state'][] = ['active', 'pending', 'expired'];

function silenceStateLabel(state: Silence['state']): string {
  return translate(`monitoring:silences.state.${state}`);
}

function SilenceState({ state }: { state: Silence['state'] }) {
  const cls = state === 'active' ? 'badge sla-paused' : state === 'pending' ? 'badge sla-warning' : 'badge';
  return <span className={cls}>{silenceStateLabel(state)}</span>;
}

/** A datetime-local value (the browser's zone) for an instant. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function SilenceForm({ initialMatchers }: { initialMatchers: string[] }) {
  const { t } = useTranslation('monitoring');
  const [matchers, setMatchers] = useState(initialMatchers.join('\n'));
  const [duration, setDuration] = useState(String(durations[1][1]));
  const [endsAt, setEndsAt] = useState(() => localInput(Date.now() + 2 * 3_600_000));
  const [comment, setComment] = useState('');
  const [made, setMade] = useState<Silence | null>(null);
  const create = useCreateSilence((s) => {
    setMade(s);
    setComment('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const end = duration === 'custom' ? new Date(endsAt).getTime() : Date.now() + Number(duration);
    create.mutate({
      matchers: matchers
        .split('\n')
        .map((m) => m.trim())
        .filter(Boolean),
      endsAt: new Date(end).toISOString(),
      comment,
    });
  };
  const matcherError = fieldError(create.error, '/matchers');
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-silence-title">
      <h2 id="new-silence-title" className="flush">
        {t('silences.new')}
      </h2>
      <Field label={t('silences.matchers')} hint={t('silences.matchersHint')} error={matcherError}>
        {(id, d, invalid) => (
          <textarea
            id={id}
            required
            rows={Math.max(3, matchers.split('\n').length)}
            value={matchers}
            spellCheck={false}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setMatchers(e.target.value)}
          />
        )}
      </Field>
      <div className="field-row">
        <Field label={t('silences.for')}>
          {(id) => (
            <select id={id} value={duration} onChange={(e) => setDuration(e.target.value)}>
              {durations.map(([l, ms]) => (
                <option key={ms} value={ms}>
                  {t(`silences.duration.${l}`)}
                </option>
              ))}
              <option value="custom">{t('silences.untilTime')}</option>
            </select>
          )}
        </Field>
        {duration === 'custom' && (
          <Field label={t('silences.ends')} error={fieldError(create.error, '/endsAt')}>
            {(id, d, invalid) => (
              <input
                id={id}
                type="datetime-local"
                required
                value={endsAt}
                aria-describedby={d}
                aria-invalid={invalid || undefined}
                onChange={(e) => setEndsAt(e.target.value)}
              />
            )}
          </Field>
        )}
        <Field
          label={t('silences.comment')}
          hint={t('silences.commentHint')}
          error={fieldError(create.error, '/comment')}
        >
          {(id, d, invalid) => (
            <input
              id={id}
              required
              maxLength={1024}
              value={comment}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setComment(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('silences.submit')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('silences.failed')} />
      {made && !create.error && (
        <p className="alert alert-ok" role="status">
          <Trans
            t={t}
            i18nKey="silences.made"
            values={{ id: String(made.id), state: made.state }}
            components={{ until: <Time iso={made.endsAt} /> }}
          />
        </p>
      )}
    </form>
  );
}

export default function SilencesPage() {
  const { t } = useTranslation('monitoring');
  useTitle(t('silences.title'));
  const [params] = useSearchParams();
  const prefill = params.getAll('matcher');
  const [state, setState] = useState<Silence['state'] | ''>('');
  const silences = useSilences(state || undefined);
  const expire = useExpireSilence();
  const dir = useDirectory();
  const { hash } = useLocation();
  const loaded = silences.data !== undefined;
  // An alert's "silenced by #n" links here with #silence-n: the row exists only once the list has loaded.
  useEffect(() => {
    if (loaded && hash) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'center' });
  }, [loaded, hash]);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('silences.title')}</h1>
        <div className="actions">
          <label className="inline">
            <span>{t('silences.show')}</span>
            <select value={state} onChange={(e) => setState(e.target.value as Silence['state'] | '')}>
              <option value="">{t('silences.show.all')}</option>
              {silenceStates.map((k) => (
                <option key={k} value={k}>
                  {silenceStateLabel(k)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <MonitoringTabs />
      {/* The key remounts the form when an alert's Silence link brings other matchers. */}
      <SilenceForm key={prefill.join('\n')} initialMatchers={prefill} />
      <ErrorMessage error={expire.error} title={t('silences.expireFailed')} />
      {silences.isPending && <Loading />}
      <ErrorMessage error={silences.error} />
      {silences.data?.length === 0 && <Empty title={t('silences.empty')} />}
      {silences.data && silences.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">{t('silences.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('silences.table.silence')}</th>
                <th scope="col">{t('silences.matchers')}</th>
                <th scope="col">{t('silences.ends')}</th>
                <th scope="col">{t('silences.comment')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('silences.table.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {silences.data.map((s) => (
                <tr key={s.id} id={`silence-${s.id}`}>
                  <td className="nowrap">
                    #{s.id} <SilenceState state={s.state} />
                  </td>
                  <td data-label={t('silences.matchers')}>
                    <ul
                      className="chips label-chips"
                      aria-label={t('silences.matchersOf', { id: String(s.id) })}
                    >
                      {s.matchers.map((m) => (
                        <li key={`${m.name}${m.op}${m.value}`} className="chip label-chip">
                          {m.name}
                          {m.op}
                          {JSON.stringify(m.value)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('silences.ends')} className="nowrap">
                    <Time iso={s.endsAt} />
                  </td>
                  <td data-label={t('silences.comment')} className="break">
                    {s.comment}
                    {s.createdBy !== null && (
                      <span className="muted small"> · {dir.userName(s.createdBy)}</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {s.state !== 'expired' && (
                      <button
                        type="button"
                        disabled={expire.isPending}
                        aria-label={t('silences.expireNamed', { id: String(s.id) })}
                        onClick={() => expire.mutate(s.id)}
                      >
                        {t('silences.expire')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
