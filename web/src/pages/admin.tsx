// Administration: users, groups, categories, the priority matrix, the organisation's default language and time
// zone, webhooks, and (loaded on demand) SLA
// calendars, policies, OLAs and the escalation path, mail templates and the mail logs, automation rules. Admins manage all of it;
// managers manage categories and read the matrix. Every form keeps its text when a request fails.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { client, unwrap } from '../api/client';
import {
  useCategories,
  useCreateCategory,
  useCreateGroup,
  useCreateUser,
  useGroups,
  useRenameCategory,
  useResetUserPassword,
  useUpdateGroup,
  useUpdateUser,
  useUsers,
} from '../api/directory';
import { usePriorityMatrix, useSavePriorityMatrix } from '../api/settings';
import type { Category, Role } from '../api/types';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useToggleWebhook,
  useWebhooks,
  type Webhook,
} from '../api/webhooks';
import { type Language, languages } from '../locale';
import { useUser } from '../session';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

// SLA and mail administration load only when opened.
const Calendars = lazy(() => import('./admin-sla/calendars').then((m) => ({ default: m.Calendars })));
const Policies = lazy(() => import('./admin-sla/policies').then((m) => ({ default: m.Policies })));
const Olas = lazy(() => import('./admin-sla/olas').then((m) => ({ default: m.Olas })));
const MailTemplates = lazy(() => import('./admin-mail').then((m) => ({ default: m.MailTemplates })));
const MailLog = lazy(() => import('./admin-mail').then((m) => ({ default: m.MailLog })));
const EventFailures = lazy(() => import('./admin-events').then((m) => ({ default: m.EventFailures })));
const AuditLog = lazy(() => import('./admin-audit').then((m) => ({ default: m.AuditLog })));
const CatalogAdmin = lazy(() => import('./admin-catalog').then((m) => ({ default: m.CatalogAdmin })));
const CustomFieldsAdmin = lazy(() =>
  import('./admin-catalog').then((m) => ({ default: m.CustomFieldsAdmin })),
);
const PeopleImport = lazy(() => import('./admin-directory').then((m) => ({ default: m.PeopleImport })));
const ScimTokens = lazy(() => import('./admin-directory').then((m) => ({ default: m.ScimTokens })));
const IdentityProviders = lazy(() =>
  import('./admin-sign-in').then((m) => ({ default: m.IdentityProviders })),
);
const LdapDirectories = lazy(() => import('./admin-ldap').then((m) => ({ default: m.LdapDirectories })));
const AutomationRules = lazy(() =>
  import('./admin-automation').then((m) => ({ default: m.AutomationRules })),
);

const roles: Role[] = ['requester', 'technician', 'manager', 'admin'];

function Users() {
  const { t } = useTranslation('admin');
  useTitle(t('users.title'));
  const users = useUsers();
  const groups = useGroups();
  const [form, setForm] = useState({
    name: '',
    email: '',
    role: 'requester' as Role,
    password: '',
    groupId: '',
    department: '',
    vip: false,
  });
  const [filter, setFilter] = useState('');
  const create = useCreateUser(() =>
    setForm({
      name: '',
      email: '',
      role: 'requester',
      password: '',
      groupId: '',
      department: '',
      vip: false,
    }),
  );
  const change = useUpdateUser();
  const reset = useResetUserPassword();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name: form.name,
      email: form.email,
      role: form.role,
      ...(form.password ? { password: form.password } : {}),
      groupIds: form.groupId ? [Number(form.groupId)] : [],
      ...(form.department.trim() ? { department: form.department.trim() } : {}),
      vip: form.vip,
    });
  };
  const shown = (users.data ?? []).filter(
    (u) => !filter || `${u.name} ${u.email}`.toLowerCase().includes(filter.toLowerCase()),
  );
  return (
    <>
      <form className="card form grid-form" onSubmit={submit} aria-labelledby="new-user-title">
        <h2 id="new-user-title">{t('users.new.title')}</h2>
        <Field label={t('fields.name')}>
          {(id) => (
            <input
              id={id}
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('fields.email')}>
          {(id) => (
            <input
              id={id}
              type="email"
              required
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('fields.role')}>
          {(id) => (
            <select
              id={id}
              value={form.role}
              onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('fields.password')} hint={t('users.new.passwordHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="password"
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('fields.group')}>
          {(id) => (
            <select
              id={id}
              value={form.groupId}
              onChange={(e) => setForm({ ...form, groupId: e.target.value })}
            >
              <option value="">{t('none')}</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('fields.department')} hint={t('users.new.departmentHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              maxLength={100}
              value={form.department}
              onChange={(e) => setForm({ ...form, department: e.target.value })}
            />
          )}
        </Field>
        <label className="inline">
          <input
            type="checkbox"
            checked={form.vip}
            onChange={(e) => setForm({ ...form, vip: e.target.checked })}
          />
          <span>{t('fields.vip')}</span>
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('users.new.submit')}
          </button>
          {create.isSuccess && (
            <span role="status" className="ok-text">
              {t('users.new.done')}
            </span>
          )}
        </div>
        <ErrorMessage error={create.error} title={t('users.new.failed')} />
      </form>
      <div className="filters">
        <label className="inline">
          <span>{t('users.find')}</span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder={t('users.findPlaceholder')}
          />
        </label>
      </div>
      <ErrorMessage error={users.error ?? change.error ?? reset.error} />
      {reset.data && (
        <div className="alert alert-ok" role="status">
          <Trans
            t={t}
            i18nKey="users.reset.done"
            values={{ email: reset.data.user.email }}
            components={{ expires: <Time iso={reset.data.expiresAt} /> }}
          />
        </div>
      )}
      {users.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('users.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fields.name')}</th>
                <th scope="col">{t('fields.email')}</th>
                <th scope="col">{t('fields.role')}</th>
                <th scope="col">{t('fields.manager')}</th>
                <th scope="col">{t('fields.department')}</th>
                <th scope="col">{t('fields.vip')}</th>
                <th scope="col">{t('fields.active')}</th>
                <th scope="col">{t('fields.password')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select
                      aria-label={t('users.roleOf', { name: u.name })}
                      value={u.role}
                      onChange={(e) => change.mutate({ id: u.id, body: { role: e.target.value as Role } })}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {t(`roles.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={t('users.managerOf', { name: u.name })}
                      value={u.managerId ?? ''}
                      onChange={(e) =>
                        change.mutate({
                          id: u.id,
                          body: { managerId: e.target.value ? Number(e.target.value) : null },
                        })
                      }
                    >
                      <option value="">{t('none')}</option>
                      {(users.data ?? [])
                        .filter((m) => m.id !== u.id && (m.active || m.id === u.managerId))
                        .map((m) => (
                          <option key={m.id} value={m.id}>
                            {m.name}
                          </option>
                        ))}
                    </select>
                  </td>
                  <td>
                    <input
                      className="short"
                      aria-label={t('users.departmentOf', { name: u.name })}
                      maxLength={100}
                      defaultValue={u.department ?? ''}
                      onBlur={(e) => {
                        const department = e.target.value.trim() || null;
                        if (department !== u.department) change.mutate({ id: u.id, body: { department } });
                      }}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('users.isVip', { name: u.name })}
                      checked={u.vip}
                      onChange={(e) => change.mutate({ id: u.id, body: { vip: e.target.checked } })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('users.isActive', { name: u.name })}
                      checked={u.active}
                      onChange={(e) => change.mutate({ id: u.id, body: { active: e.target.checked } })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={t('users.reset.label', { name: u.name })}
                      disabled={!u.active || reset.isPending}
                      onClick={() => {
                        if (window.confirm(t('users.reset.confirm', { name: u.name, email: u.email })))
                          reset.mutate(u);
                      }}
                    >
                      {t('users.reset.submit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Groups() {
  const { t } = useTranslation('admin');
  useTitle(t('groups.title'));
  const groups = useGroups();
  const users = useUsers();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useCreateGroup(() => {
    setName('');
    setDescription('');
  });
  const members = useUpdateGroup();
  const staff = (users.data ?? []).filter((u) => u.role !== 'requester');
  const nameOf = (id: number) =>
    users.data?.find((u) => u.id === id)?.name ?? t('groups.unknownUser', { id });
  return (
    <>
      <form
        className="card form grid-form"
        aria-labelledby="new-group-title"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, description });
        }}
      >
        <h2 id="new-group-title">{t('groups.new.title')}</h2>
        <Field label={t('fields.name')}>
          {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('fields.description')}>
          {(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('groups.new.submit')}
          </button>
        </div>
        <ErrorMessage error={create.error} title={t('groups.new.failed')} />
      </form>
      <ErrorMessage error={groups.error ?? members.error} />
      {groups.data?.length === 0 && <Empty title={t('groups.empty')} />}
      <ul className="card-list">
        {(groups.data ?? []).map((g) => (
          <li key={g.id} className="card">
            <h3>{g.name}</h3>
            {g.description && <p className="muted">{g.description}</p>}
            <ul className="chips" aria-label={t('groups.membersOf', { group: g.name })}>
              {g.memberIds.map((m) => (
                <li key={m} className="chip">
                  {nameOf(m)}
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('groups.remove', { name: nameOf(m), group: g.name })}
                    onClick={() =>
                      members.mutate({ id: g.id, memberIds: g.memberIds.filter((x) => x !== m) })
                    }
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <label className="inline">
              <span>{t('groups.addMember')}</span>
              <select
                value=""
                onChange={(e) =>
                  e.target.value &&
                  members.mutate({ id: g.id, memberIds: [...g.memberIds, Number(e.target.value)] })
                }
              >
                <option value="">{t('choose')}</option>
                {staff
                  .filter((u) => !g.memberIds.includes(u.id))
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            </label>
          </li>
        ))}
      </ul>
    </>
  );
}

function CategoryRow({ c }: { c: Category }) {
  const [name, setName] = useState(c.name);
  const save = useRenameCategory(c.id);
  const { t } = useTranslation('admin');
  return (
    <li>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(name);
        }}
      >
        <label htmlFor={`cat-${c.id}`} className="visually-hidden">
          {t('categories.nameOf', { name: c.name })}
        </label>
        <input id={`cat-${c.id}`} value={name} onChange={(e) => setName(e.target.value)} required />
        <button type="submit" disabled={name === c.name || save.isPending}>
          {t('categories.rename')}
        </button>
      </form>
      <ErrorMessage error={save.error} title={t('categories.notRenamed')} />
    </li>
  );
}

function Categories() {
  const { t } = useTranslation('admin');
  useTitle(t('categories.title'));
  const list = useCategories();
  const [name, setName] = useState('');
  const create = useCreateCategory(() => setName(''));
  return (
    <>
      <form
        className="card form inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name });
        }}
      >
        <label htmlFor="new-category">{t('categories.new')}</label>
        <input id="new-category" required value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('categories.add')}
        </button>
      </form>
      <ErrorMessage error={create.error ?? list.error} title={t('notSaved')} />
      {list.data?.length === 0 && <Empty title={t('categories.empty')} />}
      <ul className="plain-list">
        {(list.data ?? []).map((c) => (
          <CategoryRow key={c.id} c={c} />
        ))}
      </ul>
    </>
  );
}

function Matrix() {
  const { t } = useTranslation('admin');
  useTitle(t('matrix.title'));
  const user = useUser();
  const q = usePriorityMatrix();
  const [m, setM] = useState<number[][] | null>(null);
  useEffect(() => {
    if (q.data) setM(q.data.map((r) => [...r]));
  }, [q.data]);
  const save = useSavePriorityMatrix();
  if (q.isPending || !m) return <Loading />;
  const admin = user.role === 'admin';
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        e.preventDefault();
        if (m) save.mutate(m);
      }}
    >
      <p className="muted">{admin ? t('matrix.intro') : t('matrix.introReadOnly')}</p>
      <div className="table-wrap">
        <table className="data-table matrix">
          <caption className="visually-hidden">{t('matrix.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('matrix.corner')}</th>
              {levelNames.map((l) => (
                <th scope="col" key={l}>
                  {priorityLabel[l]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.map((row, u) => (
              <tr key={levelNames[u]}>
                <th scope="row">{priorityLabel[levelNames[u]]}</th>
                {row.map((v, i) => (
                  <td key={levelNames[i]}>
                    <select
                      aria-label={t('matrix.cell', {
                        urgency: priorityLabel[levelNames[u]],
                        impact: priorityLabel[levelNames[i]],
                      })}
                      value={v}
                      disabled={!admin}
                      onChange={(e) =>
                        setM(
                          m.map((r, ru) =>
                            ru === u ? r.map((x, ri) => (ri === i ? Number(e.target.value) : x)) : r,
                          ),
                        )
                      }
                    >
                      {levelNames.map((l, li) => (
                        <option key={l} value={li + 1}>
                          {priorityLabel[l]}
                        </option>
                      ))}
                    </select>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorMessage error={save.error ?? q.error} title={t('matrix.failed')} />
      {admin && (
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('matrix.save')}
          </button>
          {save.isSuccess && (
            <span role="status" className="ok-text">
              {t('matrix.saved')}
            </span>
          )}
        </div>
      )}
    </form>
  );
}

function Webhooks() {
  const { t } = useTranslation('admin');
  useTitle(t('webhooks.title'));
  const list = useWebhooks();
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<Webhook['format']>('opsdesk');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useCreateWebhook((w) => {
    setUrl('');
    setSecret(w.secret);
  });
  const toggle = useToggleWebhook();
  const remove = useDeleteWebhook();
  return (
    <>
      <form
        className="card form inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ url, format });
        }}
      >
        <label htmlFor="new-webhook">{t('webhooks.url')}</label>
        <input
          id="new-webhook"
          type="url"
          required
          placeholder="https://example.com/hooks/opsdesk" // i18n-ignore: an example address
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <label htmlFor="new-webhook-format">{t('webhooks.sends')}</label>
        <select
          id="new-webhook-format"
          value={format}
          onChange={(e) => setFormat(e.target.value as Webhook['format'])}
        >
          <option value="opsdesk">{t('webhooks.format.opsdesk')}</option>
          <option value="chat">{t('webhooks.format.chat')}</option>
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('webhooks.submit')}
        </button>
      </form>
      {secret && (
        <div className="alert alert-ok" role="status">
          {t('webhooks.secret')} <code>{secret}</code>
        </div>
      )}
      <ErrorMessage error={create.error ?? toggle.error ?? remove.error} title={t('notSaved')} />
      {list.error ? (
        <ErrorMessage error={list.error} title={t('webhooks.loadFailed')} />
      ) : list.data?.length === 0 ? (
        <Empty title={t('webhooks.empty.title')}>
          <p>{t('webhooks.empty.text')}</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('webhooks.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.columns.url')}</th>
                <th scope="col">{t('webhooks.sends')}</th>
                <th scope="col">{t('webhooks.columns.events')}</th>
                <th scope="col">{t('fields.active')}</th>
                <th scope="col">{t('webhooks.columns.created')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('webhooks.columns.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(list.data ?? []).map((w) => (
                <tr key={w.id}>
                  <td className="break">{w.url}</td>
                  <td>{w.format === 'chat' ? t('webhooks.short.chat') : t('webhooks.short.opsdesk')}</td>
                  <td>{w.events.length ? w.events.join(', ') : t('webhooks.allEvents')}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('webhooks.isActive', { url: w.url })}
                      checked={w.active}
                      onChange={() => toggle.mutate(w)}
                    />
                  </td>
                  <td>
                    <Time iso={w.createdAt} />
                  </td>
                  <td>
                    <button type="button" className="danger" onClick={() => remove.mutate(w.id)}>
                      {t('common:actions.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

const organisationLocaleKey = ['settings', 'organisation-locale'] as const;

/** Every IANA zone the browser knows, for the picker; the saved one first when it is not among them. */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes(current) ? known : [current, ...known];
}

/** The organisation's default language and time zone: for people who chose none and for outside addresses. */
function OrganisationLocale() {
  const { t } = useTranslation('admin');
  useTitle(t('locale.title'));
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: organisationLocaleKey,
    queryFn: () => unwrap(client.GET('/api/v1/settings/organisation-locale')),
  });
  const [form, setForm] = useState<{ language: string; timeZone: string } | null>(null);
  useEffect(() => {
    if (q.data) setForm({ language: q.data.language, timeZone: q.data.timeZone });
  }, [q.data]);
  const save = useMutation({
    mutationFn: (body: { language: string; timeZone: string }) =>
      unwrap(client.PUT('/api/v1/settings/organisation-locale', { body })),
    onSuccess: (data) => qc.setQueryData(organisationLocaleKey, data),
  });
  if (q.error) return <ErrorMessage error={q.error} title={t('locale.loadFailed')} />;
  if (!form) return <Loading />;
  return (
    <form
      className="card form"
      aria-label={t('locale.title')}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(form);
      }}
    >
      <p className="muted">{t('locale.intro')}</p>
      <ErrorMessage error={save.error} title={t('locale.failed')} />
      <Field label={t('locale.language')} error={fieldError(save.error, '/language')}>
        {(id, d, invalid) => (
          <select
            id={id}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            value={form.language}
            onChange={(e) => setForm({ ...form, language: e.target.value })}
          >
            {languages.map((l: Language) => (
              <option key={l} value={l}>
                {t(`locale.name.${l}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('locale.timeZone')} error={fieldError(save.error, '/timeZone')}>
        {(id, d, invalid) => (
          <select
            id={id}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            value={form.timeZone}
            onChange={(e) => setForm({ ...form, timeZone: e.target.value })}
          >
            {timeZones(form.timeZone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('locale.save')}
        </button>
        {save.isSuccess && (
          <span role="status" className="ok-text">
            {t('locale.saved')}
          </span>
        )}
      </div>
    </form>
  );
}

export default function Admin() {
  const { t } = useTranslation('admin');
  const user = useUser();
  const admin = user.role === 'admin';
  // The audit log is read by admins and managers (canAccounts 'audit.read').
  const auditReader = admin || user.role === 'manager';
  const tabs: [string, string][] = admin
    ? [
        ['users', t('users.title')],
        ['groups', t('groups.title')],
        ['import-people', t('tabs.importPeople')],
        ['scim', t('tabs.scim')],
        ['sign-in', t('tabs.signIn')],
        ['directories', t('tabs.directories')],
        ['categories', t('categories.title')],
        ['catalogue', t('tabs.catalogue')],
        ['custom-fields', t('tabs.customFields')],
        ['matrix', t('matrix.title')],
        ['language', t('locale.title')],
        ['webhooks', t('webhooks.title')],
        ['calendars', t('tabs.calendars')],
        ['sla-policies', t('tabs.slaPolicies')],
        ['olas', t('tabs.olas')],
        ['mail-templates', t('tabs.mailTemplates')],
        ['mail-log', t('tabs.mailLog')],
        ['events', t('tabs.events')],
        ['audit-log', t('tabs.auditLog')],
        ['automation', t('tabs.automation')],
      ]
    : [
        ['categories', t('categories.title')],
        ['catalogue', t('tabs.catalogue')],
        ['custom-fields', t('tabs.customFields')],
        ['matrix', t('matrix.title')],
        ...(auditReader ? ([['audit-log', t('tabs.auditLog')]] as [string, string][]) : []),
        ...(auditReader ? ([['automation', t('tabs.automation')]] as [string, string][]) : []),
      ];
  return (
    <div className="page">
      <h1>{t('title')}</h1>
      <nav aria-label={t('title')} className="tabs">
        {tabs.map(([path, label]) => (
          <NavLink key={path} to={`/admin/${path}`}>
            {label}
          </NavLink>
        ))}
        <NavLink to="/status-pages">{t('tabs.statusPages')}</NavLink>
        <NavLink to="/account/tokens">{t('tabs.apiTokens')}</NavLink>
      </nav>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route index element={<Navigate to={admin ? 'users' : 'categories'} replace />} />
          {admin && <Route path="users" element={<Users />} />}
          {admin && <Route path="groups" element={<Groups />} />}
          {admin && <Route path="import-people" element={<PeopleImport />} />}
          {admin && <Route path="scim" element={<ScimTokens />} />}
          {admin && <Route path="sign-in" element={<IdentityProviders />} />}
          {admin && <Route path="directories" element={<LdapDirectories />} />}
          <Route path="categories" element={<Categories />} />
          <Route path="catalogue" element={<CatalogAdmin />} />
          <Route path="custom-fields" element={<CustomFieldsAdmin />} />
          <Route path="matrix" element={<Matrix />} />
          {admin && <Route path="language" element={<OrganisationLocale />} />}
          {admin && <Route path="webhooks" element={<Webhooks />} />}
          {admin && <Route path="calendars" element={<Calendars />} />}
          {admin && <Route path="sla-policies" element={<Policies />} />}
          {admin && <Route path="olas" element={<Olas />} />}
          {admin && <Route path="mail-templates" element={<MailTemplates />} />}
          {admin && <Route path="mail-log" element={<MailLog />} />}
          {admin && <Route path="events" element={<EventFailures />} />}
          {auditReader && <Route path="audit-log" element={<AuditLog />} />}
          {auditReader && <Route path="automation" element={<AutomationRules />} />}
          <Route path="*" element={<p>{t('adminOnly')}</p>} />
        </Routes>
      </Suspense>
    </div>
  );
}
