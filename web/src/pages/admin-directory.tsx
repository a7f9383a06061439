// Administration of people moving in: the CSV import (a preview of what each row would do and why a row is
// refused, then the import itself) and the SCIM tokens an identity provider provisions with.
import { useState } from 'react';
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

const example = [
  'email,name,role,department,location,phone,language,time_zone,manager,groups',
  'ada@example.org,Ada Lovelace,technician,IT,Berlin,+49 30 1234,de,Europe/Berlin,boss@example.org,Network',
  'boss@example.org,The Boss,manager,IT,Berlin,,en,Europe/Berlin,,',
].join('\n');

function Report({ report }: { report: UserImportReport }) {
  const verb = report.dryRun ? 'would be' : 'were';
  return (
    <section className="card" aria-labelledby="import-report-title">
      <h2 id="import-report-title">{report.dryRun ? 'Preview' : 'Imported'}</h2>
      <p>
        {report.rows} rows: {report.created} {verb} created, {report.updated} {verb} updated,{' '}
        {report.unchanged} unchanged, {report.rejected.length} refused.
        {report.groupsCreated.length > 0 && (
          <>
            {' '}
            Groups {report.dryRun ? 'to make' : 'made'}: {report.groupsCreated.join(', ')}.
          </>
        )}
      </p>
      {report.rejected.length > 0 && (
        <div className="alert alert-error" role="alert">
          <strong>Refused rows</strong>
          <ul>
            {report.rejected.map((r) => (
              <li key={r.line}>
                Line {r.line}
                {r.email ? ` (${r.email})` : ''}: {r.reasons.join('; ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.preview.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">What each row does</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Email</th>
                <th scope="col">Action</th>
                <th scope="col">Changes</th>
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
  useTitle('Import people');
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
        <h2 id="import-title">Import people from CSV</h2>
        <p className="muted">
          A header row names the columns: email (required), name (required for someone new), role, department,
          location, phone, language, time_zone, manager (an email), groups (separated by ;), active, vip.
          People are matched by email, so importing a file again updates them; an empty cell leaves a field as
          it is.
        </p>
        <Field label="CSV file">
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
        <Field label="Or paste it here">
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
            Preview
          </button>
          <button
            type="button"
            className="primary"
            disabled={!previewed || (report?.created ?? 0) + (report?.updated ?? 0) === 0}
            onClick={() => run.mutate({ csv, dryRun: false })}
          >
            Import {report?.dryRun ? `${report.created + report.updated} people` : ''}
          </button>
        </div>
        <ErrorMessage error={run.error} title="Not imported." />
      </form>
      {report && <Report report={report} />}
    </>
  );
}

export function ScimTokens() {
  useTitle('SCIM provisioning');
  const list = useScimTokens();
  const [name, setName] = useState('');
  const [role, setRole] = useState<'requester' | 'technician' | 'manager'>('requester');
  const [made, setMade] = useState<CreatedScimToken | null>(null);
  const create = useCreateScimToken((t) => {
    setMade(t);
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
        <h2 id="scim-title">SCIM provisioning</h2>
        <p className="muted">
          Entra ID, Okta and other identity providers create, update and deactivate people and groups here.
          Make a token, then give the provider the tenant URL and the token.
        </p>
        <label htmlFor="scim-name">Name</label>
        <input
          id="scim-name"
          required
          maxLength={100}
          value={name}
          placeholder="e.g. Entra ID"
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="scim-role">New people are</label>
        <select id="scim-role" value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
          <option value="requester">requesters</option>
          <option value="technician">technicians</option>
          <option value="manager">managers</option>
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          Make token
        </button>
      </form>
      {made && (
        <div className="alert alert-ok" role="status">
          Tenant URL: <code className="break">{made.tenantUrl}</code>
          <br />
          Secret token (copy it now — it will not be shown again): <code className="break">{made.token}</code>
        </div>
      )}
      <ErrorMessage error={create.error ?? revoke.error ?? list.error} title="Not saved." />
      {list.isPending && <Loading />}
      {list.data?.length === 0 && <Empty title="No SCIM tokens yet." />}
      <ul className="card-list">
        {(list.data ?? []).map((t) => (
          <li key={t.id} className="card token">
            <div>
              <strong>{t.name}</strong> <code>{t.prefix}…</code>
              <p className="muted small">
                new people: {t.defaultRole}s · made <Time iso={t.createdAt} />
                {t.lastUsedAt && (
                  <>
                    {' '}
                    · last used <Time iso={t.lastUsedAt} />
                  </>
                )}
              </p>
            </div>
            {t.revokedAt ? (
              <span className="badge">Revoked</span>
            ) : (
              <button type="button" className="danger" onClick={() => revoke.mutate(t.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
