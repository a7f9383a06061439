// Administration → Directories: the LDAP and Active Directory directories people sign in through with their
// directory password. An admin connects one (where it is, the service account, where people and groups are, which
// directory groups give which role and opsdesk groups), tests it, previews a sync (who would be added, changed,
// deactivated) and syncs. Every form keeps its text when a request fails.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('admin-ldap');
  return (
    <section className="card" aria-label={report.dryRun ? t('report.previewLabel') : t('report.label')}>
      <h3>{report.dryRun ? t('report.preview') : t('report.synced')}</h3>
      <p>
        {t(report.dryRun ? 'report.wouldSync' : 'report.didSync', {
          people: report.people,
          groups: report.groups,
          added: report.added,
          changed: report.changed,
          deactivated: report.deactivated,
          unchanged: report.unchanged,
          errors: report.errors,
        })}
      </p>
      {report.items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('report.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('report.person')}</th>
                <th scope="col">{t('report.action')}</th>
                <th scope="col">{t('report.why')}</th>
              </tr>
            </thead>
            <tbody>
              {report.items.map((i) => (
                <tr key={`${i.action}-${i.dn}`}>
                  <td className="break">{i.email ?? i.dn}</td>
                  <td>
                    <span className="badge">
                      {t(`report.actions.${i.action}`, { defaultValue: i.action })}
                    </span>
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
  const { t } = useTranslation('admin-ldap');
  return (
    <div className="alert alert-ok" role="status">
      {t('test.connected', {
        tls: result.tls,
        nested: t(`test.nested.${result.nestedGroups}`, { defaultValue: result.nestedGroups }),
        people: result.people,
        groups: result.groups,
      })}
      {result.sample.length > 0 &&
        ` ${t('test.sample', {
          people: result.sample.map((s) => `${s.name} <${s.email ?? t('test.noEmail')}>`).join(', '),
        })}`}
      {result.warnings.map((w) => (
        <p key={w} className="small">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}

function DirectoryCard({ d }: { d: LdapDirectory }) {
  const { t } = useTranslation('admin-ldap');
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
        {d.name} {!d.enabled && <span className="badge">{t('card.off')}</span>}
      </h3>
      <p className="muted small break">
        {d.url} ·{' '}
        {t('card.tls', { tls: d.url.startsWith('ldaps:') ? 'ldaps' : d.startTls ? 'starttls' : 'none' })} ·{' '}
        {t('card.people', { base: d.userBase })} ·{' '}
        {d.syncEnabled ? t('card.syncEvery', { minutes: d.syncIntervalMinutes }) : t('card.syncByHand')}
        {d.lastSyncAt && (
          <>
            {' · '}
            <Trans t={t} i18nKey="card.lastSync" components={{ time: <Time iso={d.lastSyncAt} /> }} />
          </>
        )}
      </p>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => test.mutate(d.id)}>
          {t('card.test')}
        </button>
        <button type="button" disabled={busy} onClick={() => sync.mutate({ id: d.id, dryRun: true })}>
          {t('card.preview')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || report?.dryRun !== true}
          onClick={() => sync.mutate({ id: d.id, dryRun: false })}
        >
          {t('card.sync')}
        </button>
        <button type="button" onClick={() => update.mutate({ id: d.id, enabled: !d.enabled })}>
          {d.enabled ? t('card.turnOff') : t('card.turnOn')}
        </button>
        <button type="button" className="danger" onClick={() => remove.mutate(d.id)}>
          {t('card.disconnect')}
        </button>
      </div>
      <ErrorMessage
        error={test.error ?? sync.error ?? update.error ?? remove.error}
        title={t('card.failed')}
      />
      {tested && <TestResult result={tested} />}
      {report && <SyncReport report={report} />}
    </li>
  );
}

export function LdapDirectories() {
  const { t } = useTranslation('admin-ldap');
  useTitle(t('title'));
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
        <h2 id="ldap-title">{t('form.title')}</h2>
        <p className="muted" style={{ gridColumn: '1 / -1' }}>
          {t('form.intro')}
        </p>
        {text(t('form.name'), 'name', undefined, true)}
        {text(t('form.url'), 'url', t('form.urlHint'), true)}
        {/* i18n-ignore: the protocol's name */}
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
        <Field label={t('form.tlsCa')} hint={t('form.tlsCaHint')}>
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
        {text(t('form.bindDn'), 'bindDn', t('form.bindDnHint'))}
        <Field label={t('form.bindPassword')} hint={t('form.bindPasswordHint')}>
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
        {text(t('form.userBase'), 'userBase', t('form.userBaseHint'), true)}
        {text(t('form.groupBase'), 'groupBase', t('form.groupBaseHint'))}
        {text(t('form.loginAttribute'), 'loginAttribute', t('form.loginAttributeHint'))}
        {text(t('form.emailAttribute'), 'emailAttribute')}
        {text(t('form.idAttribute'), 'idAttribute', t('form.idAttributeHint'))}
        {text(t('form.disabledFilter'), 'disabledFilter', t('form.disabledFilterHint'))}
        <Field label={t('form.nestedGroups')}>
          {(id) => (
            <select
              id={id}
              value={form.nestedGroups}
              onChange={(e) => set({ nestedGroups: e.target.value as typeof form.nestedGroups })}
            >
              <option value="auto">{t('nested.auto')}</option>
              <option value="matching-rule">{t('nested.matching-rule')}</option>
              <option value="walk">{t('nested.walk')}</option>
              <option value="off">{t('nested.off')}</option>
            </select>
          )}
        </Field>
        <Field label={t('form.roleLines')} hint={t('form.roleLinesHint')}>
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={3}
              spellCheck={false}
              placeholder="it-staff = technician" // i18n-ignore: a directory group and a role code
              value={form.roleLines}
              onChange={(e) => set({ roleLines: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('form.groupLines')} hint={t('form.groupLinesHint')}>
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={3}
              spellCheck={false}
              placeholder={t('form.groupLinesPlaceholder')}
              value={form.groupLines}
              onChange={(e) => set({ groupLines: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('form.defaultRole')}>
          {(id) => (
            <select
              id={id}
              value={form.defaultRole}
              onChange={(e) => set({ defaultRole: e.target.value as Role })}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`admin:roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('form.syncEnabled')}>
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
            {t('form.submit')}
          </button>
        </div>
        <ErrorMessage error={create.error} title={t('form.failed')} />
      </form>
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} title={t('notLoaded')} />
      {list.data?.length === 0 && <Empty title={t('empty')} />}
      <ul className="card-list">
        {(list.data ?? []).map((d) => (
          <DirectoryCard key={d.id} d={d} />
        ))}
      </ul>
    </>
  );
}
