// Administration → Directories: the LDAP and Active Directory directories people sign in through with their
// directory password. An admin connects one (where it is, the service account, where people and groups are, which
// directory groups give which role and opsdesk groups), tests it, previews a sync (who would be added, changed,
// deactivated) and syncs. Every form keeps its text when a request fails.
import { type FormEvent, useState } from 'react';
import { useGroups } from '../api/directory';
import {
  type LdapDirectory,
  type LdapDirectoryInput,
  type LdapSyncReport,
  type LdapTestResult,
  useCreateLdapDirectory,
  useDeleteLdapDirectory,
  useLdapDirectories,
  useSyncLdapDirectory,
  useTestLdapDirectory,
  useUpdateLdapDirectory,
} from '../api/ldap-directories';
import type { Role } from '../api/types';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

// A directory never gives admin: admins are made in opsdesk (the server refuses such a mapping).
const roles: Role[] = ['requester', 'technician', 'manager'];

const empty = {
  name: '',
  url: '',
  startTls: true,
  tlsCa: '',
  bindDn: '',
  bindPassword: '',
  userBase: '',
  groupBase: '',
  loginAttribute: 'uid',
  emailAttribute: 'mail',
  idAttribute: 'entryUUID',
  disabledFilter: '',
  nestedGroups: 'auto' as NonNullable<LdapDirectoryInput['nestedGroups']>,
  roleLines: '',
  groupLines: '',
  defaultRole: 'requester' as Role,
  syncEnabled: true,
};

/** "directory group = value" lines, as pairs (blank lines and lines without "=" are left out). */
function pairs(text: string): [string, string][] {
  return text
    .split('\n')
    .map((l) => l.split('='))
    .filter((p) => p.length >= 2)
    .map((p) => [p.slice(0, -1).join('=').trim(), (p.at(-1) ?? '').trim()] as [string, string])
    .filter(([a, b]) => a !== '' && b !== '');
}

function SyncReport({ report }: { report: LdapSyncReport }) {
  const verb = report.dryRun ? 'would be' : 'were';
  return (
    <section className="card" aria-label={report.dryRun ? 'Sync preview' : 'Sync report'}>
      <h3>{report.dryRun ? 'Preview' : 'Synced'}</h3>
      <p>
        {report.people} people, {report.groups} groups read: {report.added} {verb} added, {report.changed}{' '}
        {verb} changed, {report.deactivated} {verb} deactivated, {report.unchanged} unchanged, {report.errors}{' '}
        not synced.
      </p>
      {report.items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">What the sync does to each person</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Action</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {report.items.map((i) => (
                <tr key={`${i.action}-${i.dn}`}>
                  <td className="break">{i.email ?? i.dn}</td>
                  <td>
                    <span className="badge">{i.action}</span>
                  </td>
                  <td>{i.changes?.join(', ') ?? i.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TestResult({ result }: { result: LdapTestResult }) {
  return (
    <div className="alert alert-ok" role="status">
      Connected ({result.tls === 'none' ? 'no TLS' : result.tls === 'ldaps' ? 'LDAPS' : 'StartTLS'}, nested
      groups: {result.nestedGroups}); first page: {result.people} people, {result.groups} groups.
      {result.sample.length > 0 && (
        <> For example: {result.sample.map((s) => `${s.name} <${s.email ?? 'no e-mail'}>`).join(', ')}.</>
      )}
      {result.warnings.map((w) => (
        <p key={w} className="small">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}

function DirectoryCard({ d }: { d: LdapDirectory }) {
  const [report, setReport] = useState<LdapSyncReport | null>(null);
  const [tested, setTested] = useState<LdapTestResult | null>(null);
  const test = useTestLdapDirectory((_, r) => setTested(r));
  const sync = useSyncLdapDirectory((_, r) => setReport(r));
  const update = useUpdateLdapDirectory();
  const remove = useDeleteLdapDirectory();
  const busy = test.isPending || sync.isPending;
  return (
    <li className="card">
      <h3>
        {d.name} {!d.enabled && <span className="badge">Off</span>}
      </h3>
      <p className="muted small break">
        {d.url} · {d.url.startsWith('ldaps:') ? 'LDAPS' : d.startTls ? 'StartTLS' : 'no TLS'} · people under{' '}
        {d.userBase}
        {d.syncEnabled ? ` · synced every ${d.syncIntervalMinutes} min` : ' · synced by hand'}
        {d.lastSyncAt && (
          <>
            {' '}
            · last sync <Time iso={d.lastSyncAt} />
          </>
        )}
      </p>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => test.mutate(d.id)}>
          Test connection
        </button>
        <button type="button" disabled={busy} onClick={() => sync.mutate({ id: d.id, dryRun: true })}>
          Preview sync
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || report?.dryRun !== true}
          onClick={() => sync.mutate({ id: d.id, dryRun: false })}
        >
          Sync now
        </button>
        <button type="button" onClick={() => update.mutate({ id: d.id, enabled: !d.enabled })}>
          {d.enabled ? 'Turn off' : 'Turn on'}
        </button>
        <button type="button" className="danger" onClick={() => remove.mutate(d.id)}>
          Disconnect
        </button>
      </div>
      <ErrorMessage error={test.error ?? sync.error ?? update.error ?? remove.error} title="Not done." />
      {tested && <TestResult result={tested} />}
      {report && <SyncReport report={report} />}
    </li>
  );
}

export function LdapDirectories() {
  useTitle('Directories');
  const list = useLdapDirectories();
  const groups = useGroups();
  const [form, setForm] = useState(empty);
  const create = useCreateLdapDirectory(() => setForm(empty));
  const set = (patch: Partial<typeof empty>) => setForm({ ...form, ...patch });
  const groupIdOf = (name: string) =>
    (groups.data ?? []).find((g) => g.name.toLowerCase() === name.toLowerCase())?.id;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const groupMap: Record<string, number[]> = {};
    for (const [directoryGroup, name] of pairs(form.groupLines)) {
      const id = groupIdOf(name);
      if (id !== undefined) groupMap[directoryGroup] = [...(groupMap[directoryGroup] ?? []), id];
    }
    create.mutate({
      name: form.name,
      url: form.url,
      startTls: form.url.startsWith('ldap:') && form.startTls,
      tlsCa: form.tlsCa.trim() || null,
      bindDn: form.bindDn.trim() || null,
      ...(form.bindPassword ? { bindPassword: form.bindPassword } : {}),
      userBase: form.userBase,
      groupBase: form.groupBase.trim() || null,
      loginAttribute: form.loginAttribute,
      emailAttribute: form.emailAttribute,
      idAttribute: form.idAttribute,
      disabledFilter: form.disabledFilter.trim() || null,
      nestedGroups: form.nestedGroups,
      mapping: {
        roleMap: Object.fromEntries(
          pairs(form.roleLines).filter((p): p is [string, Role] => roles.includes(p[1] as Role)),
        ),
        defaultRole: form.defaultRole,
        groupMap,
      },
      syncEnabled: form.syncEnabled,
    });
  };
  const text = (label: string, k: keyof typeof empty, hint?: string, required = false) => (
    <Field label={label} hint={hint} error={fieldError(create.error, `/${k}`)}>
      {(id, d, invalid) => (
        <input
          id={id}
          aria-describedby={d}
          aria-invalid={invalid}
          required={required}
          spellCheck={false}
          value={String(form[k])}
          onChange={(e) => set({ [k]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <>
      <form className="card form grid-form" onSubmit={submit} aria-labelledby="ldap-title">
        <h2 id="ldap-title">Connect a directory</h2>
        <p className="muted" style={{ gridColumn: '1 / -1' }}>
          People of an LDAP or Active Directory directory sign in with their directory password; their groups
          give them a role and opsdesk groups. See docs/ldap.md for Active Directory settings.
        </p>
        {text('Name', 'name', undefined, true)}
        {text('URL', 'url', 'ldaps://host:636, or ldap://host with StartTLS', true)}
        <Field label="StartTLS">
          {(id) => (
            <input
              id={id}
              type="checkbox"
              checked={form.startTls}
              onChange={(e) => set({ startTls: e.target.checked })}
            />
          )}
        </Field>
        <Field label="CA certificate (PEM)" hint="Only when the directory's certificate is from your own CA">
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={3}
              spellCheck={false}
              value={form.tlsCa}
              onChange={(e) => set({ tlsCa: e.target.value })}
            />
          )}
        </Field>
        {text('Service account DN', 'bindDn', 'e.g. cn=opsdesk, ou=services, dc=corp, dc=example')}
        <Field label="Service account password" hint="Stored for binding; never shown again">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="password"
              autoComplete="new-password"
              value={form.bindPassword}
              onChange={(e) => set({ bindPassword: e.target.value })}
            />
          )}
        </Field>
        {text('People under', 'userBase', 'e.g. ou=people, dc=corp, dc=example', true)}
        {text('Groups under', 'groupBase', 'e.g. ou=groups, dc=corp, dc=example')}
        {text('Login attribute', 'loginAttribute', 'uid; sAMAccountName on Active Directory')}
        {text('E-mail attribute', 'emailAttribute')}
        {text('Id attribute', 'idAttribute', 'entryUUID; objectGUID on Active Directory')}
        {text('Disabled people', 'disabledFilter', 'An LDAP filter, e.g. (employeeType=disabled)')}
        <Field label="Nested groups">
          {(id) => (
            <select
              id={id}
              value={form.nestedGroups}
              onChange={(e) => set({ nestedGroups: e.target.value as typeof form.nestedGroups })}
            >
              <option value="auto">detect</option>
              <option value="matching-rule">Active Directory's in-chain rule</option>
              <option value="walk">follow member attributes</option>
              <option value="off">direct members only</option>
            </select>
          )}
        </Field>
        <Field
          label="Roles from groups"
          hint="One a line: directory group = role (admin, manager, technician)"
        >
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={3}
              spellCheck={false}
              placeholder="it-staff = technician"
              value={form.roleLines}
              onChange={(e) => set({ roleLines: e.target.value })}
            />
          )}
        </Field>
        <Field label="Groups from groups" hint="One a line: directory group = opsdesk group">
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={3}
              spellCheck={false}
              placeholder="network-team = Network"
              value={form.groupLines}
              onChange={(e) => set({ groupLines: e.target.value })}
            />
          )}
        </Field>
        <Field label="Everyone else is">
          {(id) => (
            <select
              id={id}
              value={form.defaultRole}
              onChange={(e) => set({ defaultRole: e.target.value as Role })}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Sync every hour">
          {(id) => (
            <input
              id={id}
              type="checkbox"
              checked={form.syncEnabled}
              onChange={(e) => set({ syncEnabled: e.target.checked })}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Connect
          </button>
        </div>
        <ErrorMessage error={create.error} title="Not connected." />
      </form>
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} title="Directories not loaded." />
      {list.data?.length === 0 && <Empty title="No directory connected yet." />}
      <ul className="card-list">
        {(list.data ?? []).map((d) => (
          <DirectoryCard key={d.id} d={d} />
        ))}
      </ul>
    </>
  );
}
