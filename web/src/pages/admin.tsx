// Administration: users, groups, categories, the priority matrix, webhooks, and (loaded on demand) SLA
// calendars, policies, OLAs and the escalation path, mail templates and the mail logs, automation rules. Admins manage all of it;
// managers manage categories and read the matrix. Every form keeps its text when a request fails.
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router-dom';
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
import { useUser } from '../session';
import { Field } from '../ui/field';
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
  useTitle('Users');
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
        <h2 id="new-user-title">Add a user</h2>
        <Field label="Name">
          {(id) => (
            <input
              id={id}
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Email">
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
        <Field label="Role">
          {(id) => (
            <select
              id={id}
              value={form.role}
              onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters; leave empty to set later">
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
        <Field label="Group">
          {(id) => (
            <select
              id={id}
              value={form.groupId}
              onChange={(e) => setForm({ ...form, groupId: e.target.value })}
            >
              <option value="">None</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Department" hint="Automation rules can use it">
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
          <span>VIP</span>
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Add user
          </button>
          {create.isSuccess && (
            <span role="status" className="ok-text">
              User added.
            </span>
          )}
        </div>
        <ErrorMessage error={create.error} title="The user was not added." />
      </form>
      <div className="filters">
        <label className="inline">
          <span>Find</span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Name or email"
          />
        </label>
      </div>
      <ErrorMessage error={users.error ?? change.error ?? reset.error} />
      {reset.data && (
        <div className="alert alert-ok" role="status">
          A one-time link to set a new password was mailed to {reset.data.user.email}; it expires{' '}
          <Time iso={reset.data.expiresAt} />. Their old password, sessions and API tokens no longer work.
        </div>
      )}
      {users.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Manager</th>
                <th scope="col">Department</th>
                <th scope="col">VIP</th>
                <th scope="col">Active</th>
                <th scope="col">Password</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      onChange={(e) => change.mutate({ id: u.id, body: { role: e.target.value as Role } })}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Manager of ${u.name}`}
                      value={u.managerId ?? ''}
                      onChange={(e) =>
                        change.mutate({
                          id: u.id,
                          body: { managerId: e.target.value ? Number(e.target.value) : null },
                        })
                      }
                    >
                      <option value="">None</option>
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
                      aria-label={`Department of ${u.name}`}
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
                      aria-label={`${u.name} is a VIP`}
                      checked={u.vip}
                      onChange={(e) => change.mutate({ id: u.id, body: { vip: e.target.checked } })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${u.name} is active`}
                      checked={u.active}
                      onChange={(e) => change.mutate({ id: u.id, body: { active: e.target.checked } })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Reset the password of ${u.name}`}
                      disabled={!u.active || reset.isPending}
                      onClick={() => {
                        if (
                          window.confirm(
                            `Reset the password of ${u.name}? Their password, sessions and API tokens stop working now, and ${u.email} gets a one-time link to set a new one.`,
                          )
                        )
                          reset.mutate(u);
                      }}
                    >
                      Reset
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
  useTitle('Groups');
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
  const nameOf = (id: number) => users.data?.find((u) => u.id === id)?.name ?? `User ${id}`;
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
        <h2 id="new-group-title">Add a group</h2>
        <Field label="Name">
          {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Description">
          {(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Add group
          </button>
        </div>
        <ErrorMessage error={create.error} title="The group was not added." />
      </form>
      <ErrorMessage error={groups.error ?? members.error} />
      {groups.data?.length === 0 && <Empty title="No groups yet." />}
      <ul className="card-list">
        {(groups.data ?? []).map((g) => (
          <li key={g.id} className="card">
            <h3>{g.name}</h3>
            {g.description && <p className="muted">{g.description}</p>}
            <ul className="chips" aria-label={`Members of ${g.name}`}>
              {g.memberIds.map((m) => (
                <li key={m} className="chip">
                  {nameOf(m)}
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove ${nameOf(m)} from ${g.name}`}
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
              <span>Add member</span>
              <select
                value=""
                onChange={(e) =>
                  e.target.value &&
                  members.mutate({ id: g.id, memberIds: [...g.memberIds, Number(e.target.value)] })
                }
              >
                <option value="">Choose…</option>
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
          Name of category {c.name}
        </label>
        <input id={`cat-${c.id}`} value={name} onChange={(e) => setName(e.target.value)} required />
        <button type="submit" disabled={name === c.name || save.isPending}>
          Rename
        </button>
      </form>
      <ErrorMessage error={save.error} title="Not renamed." />
    </li>
  );
}

function Categories() {
  useTitle('Categories');
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
        <label htmlFor="new-category">New category</label>
        <input id="new-category" required value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Add
        </button>
      </form>
      <ErrorMessage error={create.error ?? list.error} title="Not saved." />
      {list.data?.length === 0 && <Empty title="No categories yet." />}
      <ul className="plain-list">
        {(list.data ?? []).map((c) => (
          <CategoryRow key={c.id} c={c} />
        ))}
      </ul>
    </>
  );
}

function Matrix() {
  useTitle('Priority matrix');
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
      <p className="muted">
        A ticket’s priority follows from its impact and urgency.{' '}
        {admin ? '' : 'Only an admin can change the matrix.'}
      </p>
      <div className="table-wrap">
        <table className="data-table matrix">
          <caption className="visually-hidden">Priority by urgency (rows) and impact (columns)</caption>
          <thead>
            <tr>
              <th scope="col">Urgency ↓ / Impact →</th>
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
                      aria-label={`Priority for urgency ${priorityLabel[levelNames[u]]}, impact ${priorityLabel[levelNames[i]]}`}
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
      <ErrorMessage error={save.error ?? q.error} title="The matrix was not saved." />
      {admin && (
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            Save matrix
          </button>
          {save.isSuccess && (
            <span role="status" className="ok-text">
              Saved.
            </span>
          )}
        </div>
      )}
    </form>
  );
}

function Webhooks() {
  useTitle('Webhooks');
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
        <label htmlFor="new-webhook">Endpoint URL</label>
        <input
          id="new-webhook"
          type="url"
          required
          placeholder="https://example.com/hooks/opsdesk"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <label htmlFor="new-webhook-format">Sends</label>
        <select
          id="new-webhook-format"
          value={format}
          onChange={(e) => setFormat(e.target.value as Webhook['format'])}
        >
          <option value="opsdesk">Signed JSON events</option>
          <option value="chat">Chat messages (Slack, Mattermost, Teams)</option>
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          Add webhook
        </button>
      </form>
      {secret && (
        <div className="alert alert-ok" role="status">
          Signing secret (shown once): <code>{secret}</code>
        </div>
      )}
      <ErrorMessage error={create.error ?? toggle.error ?? remove.error} title="Not saved." />
      {list.error ? (
        <ErrorMessage error={list.error} title="Webhooks could not be loaded." />
      ) : list.data?.length === 0 ? (
        <Empty title="No webhooks yet.">
          <p>Webhooks send signed ticket events to other systems, or messages to a chat channel.</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Sends</th>
                <th scope="col">Events</th>
                <th scope="col">Active</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(list.data ?? []).map((w) => (
                <tr key={w.id}>
                  <td className="break">{w.url}</td>
                  <td>{w.format === 'chat' ? 'Chat messages' : 'Signed JSON'}</td>
                  <td>{w.events.length ? w.events.join(', ') : 'all'}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Webhook ${w.url} is active`}
                      checked={w.active}
                      onChange={() => toggle.mutate(w)}
                    />
                  </td>
                  <td>
                    <Time iso={w.createdAt} />
                  </td>
                  <td>
                    <button type="button" className="danger" onClick={() => remove.mutate(w.id)}>
                      Delete
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

export default function Admin() {
  const user = useUser();
  const admin = user.role === 'admin';
  // The audit log is read by admins and managers (canAccounts 'audit.read').
  const auditReader = admin || user.role === 'manager';
  const tabs: [string, string][] = admin
    ? [
        ['users', 'Users'],
        ['groups', 'Groups'],
        ['import-people', 'Import people'],
        ['scim', 'SCIM'],
        ['sign-in', 'Single sign-on'],
        ['directories', 'Directories'],
        ['categories', 'Categories'],
        ['catalogue', 'Service catalogue'],
        ['custom-fields', 'Custom fields'],
        ['matrix', 'Priority matrix'],
        ['webhooks', 'Webhooks'],
        ['calendars', 'Calendars'],
        ['sla-policies', 'SLA policies'],
        ['olas', 'OLAs & path'],
        ['mail-templates', 'Mail templates'],
        ['mail-log', 'Mail log'],
        ['events', 'Event deliveries'],
        ['audit-log', 'Audit log'],
        ['automation', 'Automation'],
      ]
    : [
        ['categories', 'Categories'],
        ['catalogue', 'Service catalogue'],
        ['custom-fields', 'Custom fields'],
        ['matrix', 'Priority matrix'],
        ...(auditReader ? ([['audit-log', 'Audit log']] as [string, string][]) : []),
        ...(auditReader ? ([['automation', 'Automation']] as [string, string][]) : []),
      ];
  return (
    <div className="page">
      <h1>Administration</h1>
      <nav aria-label="Administration" className="tabs">
        {tabs.map(([path, label]) => (
          <NavLink key={path} to={`/admin/${path}`}>
            {label}
          </NavLink>
        ))}
        <NavLink to="/status-pages">Status pages</NavLink>
        <NavLink to="/account/tokens">API tokens</NavLink>
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
          {admin && <Route path="webhooks" element={<Webhooks />} />}
          {admin && <Route path="calendars" element={<Calendars />} />}
          {admin && <Route path="sla-policies" element={<Policies />} />}
          {admin && <Route path="olas" element={<Olas />} />}
          {admin && <Route path="mail-templates" element={<MailTemplates />} />}
          {admin && <Route path="mail-log" element={<MailLog />} />}
          {admin && <Route path="events" element={<EventFailures />} />}
          {auditReader && <Route path="audit-log" element={<AuditLog />} />}
          {auditReader && <Route path="automation" element={<AutomationRules />} />}
          <Route path="*" element={<p>Only an admin can open this page.</p>} />
        </Routes>
      </Suspense>
    </div>
  );
}
