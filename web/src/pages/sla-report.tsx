// SLA compliance for managers: first response and resolution met per policy, group or technician over a
// period (tickets created in it), and the breaches with their causes. Period and grouping live in the URL.
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { type SlaReport, type SlaReportQuery, useSlaReport } from '../api/reports';
import { slaSetupStaleMs, usePolicies } from '../api/sla';
import { t as translate } from '../i18n';
import { dateTimeFormat, numberFormat } from '../locale';
import { formatDuration } from '../sla';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { ReportTabs } from '../ui/report-tabs';
import { useTitle } from '../ui/title';

type Row = SlaReport['total'];
type Compliance = Row['firstResponse'];

/** The breach causes the catalogue has words for (cause.<code>); another is shown by its code. */
const causes = new Set(['unassigned', 'waiting_in_group_queue', 'with_technician', 'reopened']);
const groupings = ['policy', 'group', 'technician'] as const;
type Grouping = (typeof groupings)[number];

const day = (d: Date) => d.toISOString().slice(0, 10);
const dtf = dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });
const percentFormat = numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 });

function Percent({ c }: { c: Compliance }) {
  if (c.percent === null) return <span className="muted">—</span>;
  const band = c.percent >= 95 ? 'high' : c.percent >= 80 ? 'mid' : 'low';
  return <span className={`percent ${band}`}>{percentFormat.format(c.percent)} %</span>;
}

function margin(c: Compliance): string {
  if (c.averageMarginSeconds === null) return '—';
  return c.averageMarginSeconds >= 0
    ? translate('sla-report:margin.early', { duration: formatDuration(c.averageMarginSeconds) })
    : translate('sla-report:margin.late', { duration: formatDuration(c.averageMarginSeconds) });
}

export default function SlaReportPage() {
  const { t } = useTranslation('sla-report');
  useTitle(t('title'));
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
    id === null
      ? '—'
      : (policies.data?.find((p) => p.id === id)?.name ?? t('policyFallback', { id: String(id) }));
  const r = report.data;
  const grouping: Grouping = (groupings as readonly string[]).includes(groupBy)
    ? (groupBy as Grouping)
    : 'policy';
  return (
    <div className="page">
      <ReportTabs />
      <h1>{t('title')}</h1>
      <form
        className="card form report-filters"
        aria-label={t('period')}
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label={t('from')} error={fieldError(report.error, 'querystring/from')}>
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
        <Field label={t('to')} error={fieldError(report.error, 'querystring/to')}>
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
        <Field label={t('per')}>
          {(id) => (
            <select id={id} value={groupBy} onChange={(e) => set('groupBy', e.target.value)}>
              {groupings.map((g) => (
                <option key={g} value={g}>
                  {t(`grouping.${g}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorMessage error={report.error} title={t('failed')} />
      {report.isPending && valid ? (
        <Loading label={t('loading')} />
      ) : r ? (
        <>
          <div className="kpis">
            <div className="card kpi">
              <span className="kpi-value">{r.total.tickets}</span>
              <span className="kpi-label">{t('kpi.tickets')}</span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">
                <Percent c={r.total.firstResponse} />
              </span>
              <span className="kpi-label">
                {t('kpi.firstResponse', {
                  met: r.total.firstResponse.met,
                  breached: r.total.firstResponse.breached,
                })}
              </span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">
                <Percent c={r.total.resolution} />
              </span>
              <span className="kpi-label">
                {t('kpi.resolution', { met: r.total.resolution.met, breached: r.total.resolution.breached })}
              </span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">{r.breaches.length}</span>
              <span className="kpi-label">{t('kpi.breaches')}</span>
            </div>
          </div>
          <h2>{t(`perHeading.${grouping}`)}</h2>
          {r.rows.length === 0 ? (
            <Empty title={t('empty')} />
          ) : (
            <div className="table-wrap" role="region" aria-label={t('table.region')} tabIndex={0}>
              <table className="data-table">
                <caption className="visually-hidden">{t(`caption.${grouping}`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(`grouping.${grouping}`)}</th>
                    <th scope="col" className="num">
                      {t('table.tickets')}
                    </th>
                    <th scope="col">{t('table.firstResponseMet')}</th>
                    <th scope="col" className="num">
                      {t('table.counts')}
                    </th>
                    <th scope="col">{t('table.margin')}</th>
                    <th scope="col">{t('table.resolutionMet')}</th>
                    <th scope="col" className="num">
                      {t('table.counts')}
                    </th>
                    <th scope="col">{t('table.margin')}</th>
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
          <h2>{t('breaches.title')}</h2>
          {r.breaches.length === 0 ? (
            <Empty title={t('breaches.empty')} />
          ) : (
            <div className="table-wrap" role="region" aria-label={t('breaches.region')} tabIndex={0}>
              <table className="data-table">
                <caption className="visually-hidden">{t('breaches.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('breaches.ticket')}</th>
                    <th scope="col">{t('breaches.target')}</th>
                    <th scope="col">{t('breaches.cause')}</th>
                    <th scope="col">{t('breaches.due')}</th>
                    <th scope="col">{t('breaches.lateBy')}</th>
                    <th scope="col">{t('grouping.policy')}</th>
                    <th scope="col">{t('grouping.group')}</th>
                    <th scope="col">{t('breaches.assignee')}</th>
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
                      <td>
                        {b.target === 'first_response'
                          ? t('breaches.firstResponse')
                          : t('breaches.resolution')}
                      </td>
                      <td>{causes.has(b.cause) ? t(`cause.${b.cause}`) : b.cause}</td>
                      <td>{b.dueAt ? dtf.format(new Date(b.dueAt)) : '—'}</td>
                      <td>
                        {b.overdueSeconds !== null ? formatDuration(b.overdueSeconds) : '—'}
                        {b.achievedAt === null && <span className="muted"> {t('breaches.stillOpen')}</span>}
                      </td>
                      <td>{policyName(b.policyId)}</td>
                      <td>{b.groupId === null ? '—' : dir.groupName(b.groupId)}</td>
                      <td>{b.assigneeId === null ? t('breaches.nobody') : dir.userName(b.assigneeId)}</td>
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
