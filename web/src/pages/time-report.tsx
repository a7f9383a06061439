// The time report for managers: time logged on tickets over a period (whole local days), in total and
// billable, per technician, ticket, group or category; and the "time entry required on resolve" setting
// (an admin changes it). Period and grouping live in the URL.
import { Link, useSearchParams } from 'react-router-dom';
import {
  formatLogged,
  type TimeReportGrouping,
  useSaveTimeSettings,
  useTimeReport,
  useTimeSettings,
} from '../api/time-tracking';
import { useUser } from '../session';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { ReportTabs } from '../ui/report-tabs';
import { useTitle } from '../ui/title';

const groupings: [TimeReportGrouping, string][] = [
  ['technician', 'Technician'],
  ['ticket', 'Ticket'],
  ['group', 'Group'],
  ['category', 'Category'],
];

const day = (d: Date) => {
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
};

function Share({ part, whole }: { part: number; whole: number }) {
  const percent = whole > 0 ? Math.round((part / whole) * 100) : 0;
  return (
    <span className="time-share" title={`${percent} % of the total`}>
      <span className="time-share-bar" style={{ width: `${percent}%` }} />
    </span>
  );
}

function RequiredSetting() {
  const user = useUser();
  const settings = useTimeSettings();
  const save = useSaveTimeSettings();
  const admin = user.role === 'admin';
  const on = settings.data?.requiredOnResolve ?? false;
  return (
    <div className="card time-setting">
      <label className="inline">
        <input
          type="checkbox"
          checked={on}
          disabled={!admin || settings.isPending || save.isPending}
          onChange={(e) => save.mutate({ requiredOnResolve: e.target.checked })}
        />
        <span>Require a time entry to resolve a ticket</span>
      </label>
      <p className="muted small">
        {admin
          ? 'When on, a ticket with no time logged cannot be resolved — alone or in a bulk change.'
          : 'An admin changes this setting.'}
      </p>
      <ErrorMessage error={save.error ?? settings.error} title="The setting was not saved." />
    </div>
  );
}

export default function TimeReportPage() {
  useTitle('Time report');
  const [params, setParams] = useSearchParams();
  const today = new Date();
  const from = params.get('from') ?? day(new Date(today.getTime() - 29 * 86_400_000));
  const to = params.get('to') ?? day(today);
  const groupBy = (params.get('groupBy') ?? 'technician') as TimeReportGrouping;
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    p.set(k, v);
    setParams(p, { replace: true });
  };
  // Whole local days: from the start of `from` to the end of `to`.
  const fromMs = new Date(`${from}T00:00:00`).getTime();
  const toMs = new Date(`${to}T00:00:00`).getTime() + 86_400_000;
  const valid = Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs;
  const report = useTimeReport(
    {
      from: valid ? new Date(fromMs).toISOString() : '',
      to: valid ? new Date(toMs).toISOString() : '',
      groupBy,
    },
    valid,
  );
  const r = report.data;
  const heading = groupings.find(([g]) => g === groupBy)?.[1] ?? 'Technician';
  return (
    <div className="page">
      <ReportTabs />
      <h1>Time report</h1>
      <form
        className="card form report-filters"
        aria-label="Report period"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label="From" error={fieldError(report.error, 'querystring/from')}>
          {(id, d, invalid) => (
            <input
              id={id}
              type="date"
              value={from}
              max={to}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => e.target.value && set('from', e.target.value)}
            />
          )}
        </Field>
        <Field label="To" error={fieldError(report.error, 'querystring/to')}>
          {(id, d, invalid) => (
            <input
              id={id}
              type="date"
              value={to}
              min={from}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => e.target.value && set('to', e.target.value)}
            />
          )}
        </Field>
        <Field label="Per">
          {(id) => (
            <select id={id} value={groupBy} onChange={(e) => set('groupBy', e.target.value)}>
              {groupings.map(([g, l]) => (
                <option key={g} value={g}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorMessage error={report.error} title="The report could not be made." />
      {report.isPending && valid ? (
        <Loading label="Adding up…" />
      ) : r ? (
        <>
          <div className="kpis">
            <div className="card kpi">
              <span className="kpi-value">{formatLogged(r.totals.minutes)}</span>
              <span className="kpi-label">logged in the period</span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">{formatLogged(r.totals.billableMinutes)}</span>
              <span className="kpi-label">
                billable
                {r.totals.minutes > 0 &&
                  ` (${Math.round((r.totals.billableMinutes / r.totals.minutes) * 100)} %)`}
              </span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">{r.totals.entries}</span>
              <span className="kpi-label">entries</span>
            </div>
          </div>
          <h2>Per {heading.toLowerCase()}</h2>
          {r.rows.length === 0 ? (
            <Empty title="No time logged in this period." />
          ) : (
            <div className="table-wrap" role="region" aria-label="Time table (scrolls sideways)" tabIndex={0}>
              <table className="data-table time-table">
                <caption className="visually-hidden">Time logged per {heading.toLowerCase()}</caption>
                <thead>
                  <tr>
                    <th scope="col">{heading}</th>
                    <th scope="col" className="num">
                      Logged
                    </th>
                    <th scope="col" className="num">
                      Billable
                    </th>
                    <th scope="col" className="num time-extra-col">
                      Entries
                    </th>
                    <th scope="col" className="time-extra-col">
                      Share
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.rows.map((row) => (
                    <tr key={`${row.id}-${row.label}`}>
                      <th scope="row">
                        {groupBy === 'ticket' && row.id !== null ? (
                          <Link to={`/tickets/${row.id}`}>{row.label}</Link>
                        ) : (
                          row.label
                        )}
                      </th>
                      <td className="num nowrap">{formatLogged(row.minutes)}</td>
                      <td className="num nowrap">{formatLogged(row.billableMinutes)}</td>
                      <td className="num time-extra-col">{row.entries}</td>
                      <td className="time-extra-col">
                        <Share part={row.minutes} whole={r.totals.minutes} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {r.truncated && <p className="muted small">Only the largest {r.rows.length} are listed.</p>}
            </div>
          )}
        </>
      ) : null}
      <h2>Setting</h2>
      <RequiredSetting />
    </div>
  );
}
