// The change list: every change, newest first, with its state, window (in the viewer's time zone) and
// conflicts; for managers, the CAB groups and the templates of standard changes.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
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
import { ChangeStateBadge, ChangeTypeBadge, changeStates, formatChangeWindow } from './change-badges';

function CabSettings() {
  const { t } = useTranslation('changes');
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
        {t('cab.title')}
      </h2>
      <div className="field-row">
        <Field label={t('cab.group')} hint={t('cab.groupHint')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={s.cabGroupId ?? ''}
              onChange={(e) => pick('cabGroupId', e.target.value)}
            >
              <option value="">{t('cab.noneSet')}</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('cab.emergencyGroup')} hint={t('cab.emergencyHint')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={s.emergencyCabGroupId ?? ''}
              onChange={(e) => pick('emergencyCabGroupId', e.target.value)}
            >
              <option value="">{t('cab.theCab')}</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorMessage error={save.error} title={t('notSaved')} />
    </section>
  );
}

function Templates() {
  const { t } = useTranslation('changes');
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
        {t('templates.title')}
      </h2>
      <p className="muted small">{t('templates.intro')}</p>
      {templates.data && templates.data.length > 0 && (
        <ul className="change-templates">
          {templates.data.map((tpl) => (
            <li key={tpl.id}>
              <strong>{tpl.name}</strong>{' '}
              <span className="muted small">{t('templates.risk', { risk: tpl.risk })}</span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="field-row" aria-label={t('templates.new')}>
        <Field label={t('templates.new')} error={fieldError(create.error, '/name')}>
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
        <Field label={t('templates.plan')}>
          {(id) => <input id={id} maxLength={2000} value={plan} onChange={(e) => setPlan(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {t('templates.add')}
          </button>
        </div>
      </form>
      <ErrorMessage error={create.error} title={t('notAdded')} />
    </section>
  );
}

export default function ChangesPage() {
  const { t } = useTranslation('changes');
  useTitle(t('title'));
  const user = useUser();
  const [state, setState] = useState('');
  const [q, setQ] = useState('');
  const changes = useChanges({ state, q });
  const items = changes.data?.items;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <div className="actions">
          <Link to="/changes/calendar">{t('calendarLink')}</Link>
          <Link to="/changes/new" className="button primary">
            {t('new')}
          </Link>
        </div>
      </div>
      <div className="change-filters">
        <label className="inline">
          <span>{t('filter.show')}</span>
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t('filter.all')}</option>
            <option value="draft,assessment,awaiting_cab,scheduled,implementing,review">
              {t('filter.open')}
            </option>
            {changeStates.map((k) => (
              <option key={k} value={k}>
                {t(`state.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          aria-label={t('filter.search')}
          placeholder={t('filter.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {changes.isPending && <Loading />}
      <ErrorMessage error={changes.error} />
      {items?.length === 0 && <Empty title={t('empty')} />}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table change-table">
            <caption className="visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.change')}</th>
                <th scope="col">{t('table.state')}</th>
                <th scope="col">{t('table.type')}</th>
                <th scope="col">{t('table.window')}</th>
                <th scope="col">{t('table.services')}</th>
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
                        {t('conflicts', { count: c.conflicts.length })}
                      </span>
                    )}
                  </td>
                  <td>
                    <ChangeStateBadge state={c.state} />
                  </td>
                  <td>
                    <ChangeTypeBadge type={c.type} />
                  </td>
                  <td>{formatChangeWindow(c.windowStart, c.windowEnd)}</td>

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
