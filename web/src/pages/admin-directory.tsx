// Administration of people moving in: the CSV import (a preview of what each row would do and why a row is
// refused, then the import itself) and the SCIM tokens an identity provider provisions with.
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import {
  type CreatedScimToken,
  type UserImportReport,
  useCreateScimToken,
  useImportUsers,
  useRevokeScimToken,
  useScimTokens,
} from '../api/directory-import';
import { Field } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

// i18n-ignore: a sample file, not words
const example = [
  'email,name,role,department,location,phone,language,time_zone,manager,groups',
  'ada@example.org,Ada Lovelace,technician,IT,Berlin,+49 30 1234,de,Europe/Berlin,boss@example.org,Network',
  'boss@example.org,The Boss,manager,IT,Berlin,,en,Europe/Berlin,,',
].join('\n');

function Report({ report }: { report: UserImportReport }) {
  const { t } = useTranslation('admin-directory');
  const dry = report.dryRun ? 'yes' : 'no';
  return (
    <section className="card" aria-labelledby="import-report-title">
      <h2 id="import-report-title">{report.dryRun ? t('report.preview') : t('report.imported')}</h2>
      <p>
        {t('report.summary', {
          dry,
          rows: report.rows,
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          rejected: report.rejected.length,
        })}
        {report.groupsCreated.length > 0 && (
          <> {t('report.groups', { dry, groups: report.groupsCreated.join(', ') })}</>
        )}
      </p>
      {report.rejected.length > 0 && (
        <div className="alert alert-error" role="alert">
          <strong>{t('report.refused')}</strong>
          <ul>
            {report.rejected.map((r) => (
              <li key={r.line}>
                {r.email
                  ? t('report.lineWithEmail', { line: r.line, email: r.email, reasons: r.reasons.join('; ') })
                  : t('report.line', { line: r.line, reasons: r.reasons.join('; ') })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.preview.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('report.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('report.column.line')}</th>
                <th scope="col">{t('report.column.email')}</th>
                <th scope="col">{t('report.column.action')}</th>
                <th scope="col">{t('report.column.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {report.preview.map((p) => (
                <tr key={p.line}>
                  <td>{p.line}</td>
                  <td className="break">{p.email}</td>
                  <td>
                    <span className="badge">{p.action}</span>
                  </td>
                  <td>{p.changes.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function PeopleImport() {
  const { t } = useTranslation('admin-directory');
  useTitle(t('import.title'));
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<UserImportReport | null>(null);
  const run = useImportUsers(setReport);
  const previewed = report?.dryRun === true && !run.isPending;
  return (
    <>
      <form
        className="card form"
        aria-labelledby="import-title"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate({ csv, dryRun: true });
        }}
      >
        <h2 id="import-title">{t('import.heading')}</h2>
        <p className="muted">{t('import.intro')}</p>
        <Field label={t('import.file')}>
          {(id) => (
            <input
              id={id}
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) {
                  setCsv(await f.text());
                  setReport(null);
                }
              }}
            />
          )}
        </Field>
        <Field label={t('import.paste')}>
          {(id) => (
            <textarea
              id={id}
              rows={8}
              required
              spellCheck={false}
              placeholder={example}
              value={csv}
              onChange={(e) => {
                setCsv(e.target.value);
                setReport(null);
              }}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" disabled={run.isPending || csv.trim() === ''}>
            {t('import.preview')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={!previewed || (report?.created ?? 0) + (report?.updated ?? 0) === 0}
            onClick={() => run.mutate({ csv, dryRun: false })}
          >
            {report?.dryRun
              ? t('import.submitCount', { count: report.created + report.updated })
              : t('import.submit')}
          </button>
        </div>
        <ErrorMessage error={run.error} title={t('import.failed')} />
      </form>
      {report && <Report report={report} />}
    </>
  );
}

export function ScimTokens() {
  const { t } = useTranslation('admin-directory');
  useTitle(t('scim.title'));
  const list = useScimTokens();
  const [name, setName] = useState('');
  const [role, setRole] = useState<'requester' | 'technician' | 'manager'>('requester');
  const [made, setMade] = useState<CreatedScimToken | null>(null);
  const create = useCreateScimToken((token) => {
    setMade(token);
    setName('');
  });
  const revoke = useRevokeScimToken();
  return (
    <>
      <form
        className="card form inline-form"
        aria-labelledby="scim-title"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, defaultRole: role });
        }}
      >
        <h2 id="scim-title">{t('scim.title')}</h2>
        <p className="muted">{t('scim.intro')}</p>
        <label htmlFor="scim-name">{t('scim.name')}</label>
        <input
          id="scim-name"
          required
          maxLength={100}
          value={name}
          placeholder={t('scim.namePlaceholder')}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="scim-role">{t('scim.role')}</label>
        <select id="scim-role" value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
          <option value="requester">{t('scim.roles.requester')}</option>
          <option value="technician">{t('scim.roles.technician')}</option>
          <option value="manager">{t('scim.roles.manager')}</option>
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('scim.submit')}
        </button>
      </form>
      {made && (
        <div className="alert alert-ok" role="status">
          {t('scim.tenantUrl')} <code className="break">{made.tenantUrl}</code>
          <br />
          {t('scim.secret')} <code className="break">{made.token}</code>
        </div>
      )}
      <ErrorMessage error={create.error ?? revoke.error ?? list.error} title={t('scim.notSaved')} />
      {list.isPending && <Loading />}
      {list.data?.length === 0 && <Empty title={t('scim.empty')} />}
      <ul className="card-list">
        {(list.data ?? []).map((tok) => (
          <li key={tok.id} className="card token">
            <div>
              <strong>{tok.name}</strong> <code>{tok.prefix}…</code>
              <p className="muted small">
                <Trans
                  t={t}
                  i18nKey="scim.tokenMade"
                  values={{ role: tok.defaultRole }}
                  components={{ made: <Time iso={tok.createdAt} /> }}
                />
                {tok.lastUsedAt && (
                  <>
                    {' '}
                    <Trans
                      t={t}
                      i18nKey="scim.tokenUsed"
                      components={{ used: <Time iso={tok.lastUsedAt} /> }}
                    />
                  </>
                )}
              </p>
            </div>
            {tok.revokedAt ? (
              <span className="badge">{t('scim.revoked')}</span>
            ) : (
              <button type="button" className="danger" onClick={() => revoke.mutate(tok.id)}>
                {t('scim.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
