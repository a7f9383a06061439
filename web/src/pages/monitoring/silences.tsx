// Silences: the active, pending and expired ones with their matchers, a form to make one (matchers, a duration or
// an end, a comment) that an alert's "Silence" prefills through ?matcher=…, and Expire to end one now.
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { type Silence, useCreateSilence, useExpireSilence, useSilences } from '../../api/monitoring-alerts';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { MonitoringTabs } from './tabs';

const durations: [string, number][] = [
  ['1 hour', 3_600_000],
  ['2 hours', 7_200_000],
  ['4 hours', 14_400_000],
  ['1 day', 86_400_000],
  ['1 week', 7 * 86_400_000],
];

const stateLabels: Record<Silence['state'], string> = {
  active: 'Active',
  pending: 'Pending',
  expired: 'Expired',
};

function SilenceState({ state }: { state: Silence['state'] }) {
  const cls = state === 'active' ? 'badge sla-paused' : state === 'pending' ? 'badge sla-warning' : 'badge';
  return <span className={cls}>{stateLabels[state]}</span>;
}

/** A datetime-local value (the browser's zone) for an instant. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function SilenceForm({ initialMatchers }: { initialMatchers: string[] }) {
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
        New silence
      </h2>
      <Field
        label="Matchers"
        hint='One per line: name="value", name!="value", name=~"regex" or name!~"regex". An alert is silenced when every matcher matches.'
        error={matcherError}
      >
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
        <Field label="For">
          {(id) => (
            <select id={id} value={duration} onChange={(e) => setDuration(e.target.value)}>
              {durations.map(([l, ms]) => (
                <option key={ms} value={ms}>
                  {l}
                </option>
              ))}
              <option value="custom">Until a time…</option>
            </select>
          )}
        </Field>
        {duration === 'custom' && (
          <Field label="Ends" error={fieldError(create.error, '/endsAt')}>
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
        <Field label="Comment" hint="Why, and who to ask." error={fieldError(create.error, '/comment')}>
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
          Silence
        </button>
      </div>
      <ErrorMessage error={create.error} title="Not silenced." />
      {made && !create.error && (
        <p className="alert alert-ok" role="status">
          Silence #{made.id} is {stateLabels[made.state].toLowerCase()} until <Time iso={made.endsAt} />.
        </p>
      )}
    </form>
  );
}

export default function SilencesPage() {
  useTitle('Silences');
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
        <h1>Silences</h1>
        <div className="actions">
          <label className="inline">
            <span>Show</span>
            <select value={state} onChange={(e) => setState(e.target.value as Silence['state'] | '')}>
              <option value="">All</option>
              {Object.entries(stateLabels).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <MonitoringTabs />
      {/* The key remounts the form when an alert's Silence link brings other matchers. */}
      <SilenceForm key={prefill.join('\n')} initialMatchers={prefill} />
      <ErrorMessage error={expire.error} title="Not expired." />
      {silences.isPending && <Loading />}
      <ErrorMessage error={silences.error} />
      {silences.data?.length === 0 && <Empty title="No silences." />}
      {silences.data && silences.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">Silences</caption>
            <thead>
              <tr>
                <th scope="col">Silence</th>
                <th scope="col">Matchers</th>
                <th scope="col">Ends</th>
                <th scope="col">Comment</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {silences.data.map((s) => (
                <tr key={s.id} id={`silence-${s.id}`}>
                  <td className="nowrap">
                    #{s.id} <SilenceState state={s.state} />
                  </td>
                  <td data-label="Matchers">
                    <ul className="chips label-chips" aria-label={`Matchers of silence ${s.id}`}>
                      {s.matchers.map((m) => (
                        <li key={`${m.name}${m.op}${m.value}`} className="chip label-chip">
                          {m.name}
                          {m.op}
                          {JSON.stringify(m.value)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Ends" className="nowrap">
                    <Time iso={s.endsAt} />
                  </td>
                  <td data-label="Comment" className="break">
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
                        aria-label={`Expire silence ${s.id}`}
                        onClick={() => expire.mutate(s.id)}
                      >
                        Expire
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
