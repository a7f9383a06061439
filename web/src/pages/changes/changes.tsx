// The change list: every change, newest first, with its state, window (in the viewer's time zone) and
// conflicts; for managers, the CAB groups and the templates of standard changes.
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  formatWindow,
  stateLabels,
  useChangeSettings,
  useChanges,
  useChangeTemplates,
  useCreateChangeTemplate,
  useSaveChangeSettings,
} from '../../api/changes';
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { ChangeStateBadge, ChangeTypeBadge } from './change-badges';

function CabSettings() {
  const dir = useDirectory();
  const settings = useChangeSettings();
  const save = useSaveChangeSettings();
  const s = settings.data;
  if (!s) return <ErrorMessage error={settings.error} />;
  const pick = (key: 'cabGroupId' | 'emergencyCabGroupId', value: string) =>
    save.mutate({ ...s, [key]: value === '' ? null : Number(value) });
  return (
    <section className="card form" aria-labelledby="cab-title">
      <h2 id="cab-title" className="flush">
        Change advisory board
      </h2>
      <div className="field-row">
        <Field label="CAB group" hint="Approves normal changes: one member's approval is enough.">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={s.cabGroupId ?? ''}
              onChange={(e) => pick('cabGroupId', e.target.value)}
            >
              <option value="">None set</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Emergency CAB group" hint="Approves emergency changes; none: the CAB.">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={s.emergencyCabGroupId ?? ''}
              onChange={(e) => pick('emergencyCabGroupId', e.target.value)}
            >
              <option value="">The CAB</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorMessage error={save.error} title="Not saved." />
    </section>
  );
}

function Templates() {
  const templates = useChangeTemplates();
  const [name, setName] = useState('');
  const [plan, setPlan] = useState('');
  const create = useCreateChangeTemplate(() => {
    setName('');
    setPlan('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, title: name, plan, risk: 'low', impact: 'low' });
  };
  return (
    <section className="card form" aria-labelledby="templates-title">
      <h2 id="templates-title" className="flush">
        Standard change templates
      </h2>
      <p className="muted small">
        A change raised from one of these is pre-approved: it is scheduled without the CAB.
      </p>
      {templates.data && templates.data.length > 0 && (
        <ul className="change-templates">
          {templates.data.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong> <span className="muted small">{t.risk} risk</span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="field-row" aria-label="New template">
        <Field label="New template" error={fieldError(create.error, '/name')}>
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
        <Field label="Its plan">
          {(id) => <input id={id} maxLength={2000} value={plan} onChange={(e) => setPlan(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Add template
          </button>
        </div>
      </form>
      <ErrorMessage error={create.error} title="Not added." />
    </section>
  );
}

export default function ChangesPage() {
  useTitle('Changes');
  const user = useUser();
  const [state, setState] = useState('');
  const [q, setQ] = useState('');
  const changes = useChanges({ state, q });
  const items = changes.data?.items;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Changes</h1>
        <div className="actions">
          <Link to="/changes/calendar">Change calendar</Link>
          <Link to="/changes/new" className="button primary">
            New change
          </Link>
        </div>
      </div>
      <div className="change-filters">
        <label className="inline">
          <span>Show</span>
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">All</option>
            <option value="draft,assessment,awaiting_cab,scheduled,implementing,review">Open</option>
            {Object.entries(stateLabels).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          aria-label="Search titles"
          placeholder="Search titles"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {changes.isPending && <Loading />}
      <ErrorMessage error={changes.error} />
      {items?.length === 0 && <Empty title="No changes." />}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table change-table">
            <caption className="visually-hidden">Changes</caption>
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">State</th>
                <th scope="col">Type</th>
                <th scope="col">Window</th>
                <th scope="col">Services</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/changes/${c.id}`}>
                      {c.number} {c.title}
                    </Link>
                    {c.conflicts.length > 0 && (
                      <span className="badge sla-breached change-conflict-badge">
                        {c.conflicts.length === 1 ? '1 conflict' : `${c.conflicts.length} conflicts`}
                      </span>
                    )}
                  </td>
                  <td>
                    <ChangeStateBadge state={c.state} />
                  </td>
                  <td>
                    <ChangeTypeBadge type={c.type} />
                  </td>
                  <td>{formatWindow(c.windowStart, c.windowEnd)}</td>
                  <td>{c.services.map((s) => s.name).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isManager(user) && (
        <div className="change-admin">
          <CabSettings />
          <Templates />
        </div>
      )}
    </div>
  );
}
