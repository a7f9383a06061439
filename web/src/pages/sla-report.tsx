// SLA compliance for managers: first response and resolution met per policy, group or technician over a
// period (tickets created in it), and the breaches with their causes. Period and grouping live in the URL.
import { Link, useSearchParams } from 'react-router-dom';
import { type SlaReport, type SlaReportQuery, useSlaReport } from '../api/reports';
import { slaSetupStaleMs, usePolicies } from '../api/sla';
import { uiLocale } from '../locale';
import { formatDuration } from '../sla';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { ReportTabs } from '../ui/report-tabs';
import { useTitle } from '../ui/title';

type Row = SlaReport['total'];
type Compliance = Row['firstResponse'];

const causes: Record<string, string> = {
  unassigned: 'Nobody took it',
  waiting_in_group_queue: 'Waiting in the group’s queue',
  with_technician: 'With the technician',
  reopened: 'Reopened',
};
const groupings = [
  ['policy', 'Policy'],
  ['group', 'Group'],
  ['technician', 'Technician'],
] as const;

const day = (d: Date) => d.toISOString().slice(0, 10);
const dtf = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium', timeStyle: 'short' });

function Percent({ c }: { c: Compliance }) {
  if (c.percent === null) return <span className="muted">—</span>;
  const band = c.percent >= 95 ? 'high' : c.percent >= 80 ? 'mid' : 'low';
  return <span className={`percent ${band}`}>{c.percent.toFixed(1)} %</span>;
}

function margin(c: Compliance): string {
  if (c.averageMarginSeconds === null) return '—';
  return c.averageMarginSeconds >= 0
    ? `${formatDuration(c.averageMarginSeconds)} early`
    : `${formatDuration(c.averageMarginSeconds)} late`;
}

export default function SlaReportPage() {
  useTitle('SLA compliance');
  const dir = useDirectory();
  const [params, setParams] = useSearchParams();
  const today = new Date();
  const from = params.get('from') ?? day(new Date(today.getTime() - 30 * 86_400_000));
  const to = params.get('to') ?? day(today);
  const groupBy = params.get('groupBy') ?? 'policy';
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    p.set(k, v);
    setParams(p, { replace: true });
  };
  // Whole local days: from the start of `from` to the end of `to`.
  const fromIso = new Date(`${from}T00:00:00`).toISOString();
  const toIso = new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString();
  const valid = !Number.isNaN(Date.parse(fromIso)) && !Number.isNaN(Date.parse(toIso));
  const report = useSlaReport(
    { from: fromIso, to: toIso, groupBy: groupBy as NonNullable<SlaReportQuery['groupBy']> },
    valid,
  );
  const policies = usePolicies(slaSetupStaleMs);
  const policyName = (id: number | null) =>
    id === null ? '—' : (policies.data?.find((p) => p.id === id)?.name ?? `Policy ${id}`);
  const r = report.data;
  const heading = groupings.find(([g]) => g === groupBy)?.[1] ?? 'Policy';
  return (
    <div className="page">
      <ReportTabs />
      <h1>SLA compliance</h1>
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
        <Loading label="Counting…" />
      ) : r ? (
        <>
          <div className="kpis">
            <div className="card kpi">
              <span className="kpi-value">{r.total.tickets}</span>
              <span className="kpi-label">tickets with an SLA, created in the period</span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">
                <Percent c={r.total.firstResponse} />
              </span>
              <span className="kpi-label">
                first responses on time ({r.total.firstResponse.met} met, {r.total.firstResponse.breached}{' '}
                breached)
              </span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">
                <Percent c={r.total.resolution} />
              </span>
              <span className="kpi-label">
                resolutions on time ({r.total.resolution.met} met, {r.total.resolution.breached} breached)
              </span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">{r.breaches.length}</span>
              <span className="kpi-label">breaches</span>
            </div>
          </div>
          <h2>Per {heading.toLowerCase()}</h2>
          {r.rows.length === 0 ? (
            <Empty title="No tickets with an SLA in this period." />
          ) : (
            <div
              className="table-wrap"
              role="region"
              aria-label="Compliance table (scrolls sideways)"
              tabIndex={0}
            >
              <table className="data-table">
                <caption className="visually-hidden">SLA compliance per {heading.toLowerCase()}</caption>
                <thead>
                  <tr>
                    <th scope="col">{heading}</th>
                    <th scope="col" className="num">
                      Tickets
                    </th>
                    <th scope="col">First response met</th>
                    <th scope="col" className="num">
                      Met / breached / open
                    </th>
                    <th scope="col">Avg. margin</th>
                    <th scope="col">Resolution met</th>
                    <th scope="col" className="num">
                      Met / breached / open
                    </th>
                    <th scope="col">Avg. margin</th>
                  </tr>
                </thead>
                <tbody>
                  {r.rows.map((row) => (
                    <tr key={`${row.key}-${row.name}`}>
                      <th scope="row">{row.name}</th>
                      <td className="num">{row.tickets}</td>
                      <td>
                        <Percent c={row.firstResponse} />
                      </td>
                      <td className="num">
                        {row.firstResponse.met} / {row.firstResponse.breached} / {row.firstResponse.open}
                      </td>
                      <td className="nowrap">{margin(row.firstResponse)}</td>
                      <td>
                        <Percent c={row.resolution} />
                      </td>
                      <td className="num">
                        {row.resolution.met} / {row.resolution.breached} / {row.resolution.open}
                      </td>
                      <td className="nowrap">{margin(row.resolution)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Breaches</h2>
          {r.breaches.length === 0 ? (
            <Empty title="No breaches in this period." />
          ) : (
            <div
              className="table-wrap"
              role="region"
              aria-label="Breaches table (scrolls sideways)"
              tabIndex={0}
            >
              <table className="data-table">
                <caption className="visually-hidden">Breached SLA targets with their causes</caption>
                <thead>
                  <tr>
                    <th scope="col">Ticket</th>
                    <th scope="col">Target</th>
                    <th scope="col">Cause</th>
                    <th scope="col">Due</th>
                    <th scope="col">Late by</th>
                    <th scope="col">Policy</th>
                    <th scope="col">Group</th>
                    <th scope="col">Assignee</th>
                  </tr>
                </thead>
                <tbody>
                  {r.breaches.map((b) => (
                    <tr key={`${b.ticketId}-${b.target}`}>
                      <td>
                        <Link to={`/tickets/${b.ticketId}`}>
                          #{b.ticketId} {b.title}
                        </Link>
                      </td>
                      <td>{b.target === 'first_response' ? 'First response' : 'Resolution'}</td>
                      <td>{causes[b.cause] ?? b.cause}</td>
                      <td>{b.dueAt ? dtf.format(new Date(b.dueAt)) : '—'}</td>
                      <td>
                        {b.overdueSeconds !== null ? formatDuration(b.overdueSeconds) : '—'}
                        {b.achievedAt === null && <span className="muted"> (still open)</span>}
                      </td>
                      <td>{policyName(b.policyId)}</td>
                      <td>{b.groupId === null ? '—' : dir.groupName(b.groupId)}</td>
                      <td>{b.assigneeId === null ? 'Nobody' : dir.userName(b.assigneeId)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}
