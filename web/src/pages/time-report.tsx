// The time report for managers: time logged on tickets over a period (whole local days), in total and
// billable, per technician, ticket, group or category; and the "time entry required on resolve" setting
// (an admin changes it). Period and grouping live in the URL.
import { useTranslation } from 'react-i18next';
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

const groupings: TimeReportGrouping[] = ['technician', 'ticket', 'group', 'category'];

const day = (d: Date) => {
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
};

function Share({ part, whole }: { part: number; whole: number }) {
  const { t } = useTranslation('time-report');
  const percent = whole > 0 ? Math.round((part / whole) * 100) : 0;
  return (
    <span className="time-share" title={t('share', { percent })}>
      <span className="time-share-bar" style={{ width: `${percent}%` }} />
    </span>
  );
}

function RequiredSetting() {
  const { t } = useTranslation('time-report');
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
        <span>{t('setting.required')}</span>
      </label>
      <p className="muted small">{admin ? t('setting.hint') : t('setting.adminOnly')}</p>
      <ErrorMessage error={save.error ?? settings.error} title={t('setting.failed')} />
    </div>
  );
}

export default function TimeReportPage() {
  const { t } = useTranslation('time-report');
  useTitle(t('title'));
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
  const grouping = groupings.includes(groupBy) ? groupBy : 'technician';
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
              <span className="kpi-value">{formatLogged(r.totals.minutes)}</span>
              <span className="kpi-label">{t('kpi.logged')}</span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">{formatLogged(r.totals.billableMinutes)}</span>
              <span className="kpi-label">
                {r.totals.minutes > 0
                  ? t('kpi.billableShare', {
                      percent: Math.round((r.totals.billableMinutes / r.totals.minutes) * 100),
                    })
                  : t('kpi.billable')}
              </span>
            </div>
            <div className="card kpi">
              <span className="kpi-value">{r.totals.entries}</span>
              <span className="kpi-label">{t('kpi.entries')}</span>
            </div>
          </div>
          <h2>{t(`perHeading.${grouping}`)}</h2>
          {r.rows.length === 0 ? (
            <Empty title={t('empty')} />
          ) : (
            <div className="table-wrap" role="region" aria-label={t('table.region')} tabIndex={0}>
              <table className="data-table time-table">
                <caption className="visually-hidden">{t(`caption.${grouping}`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(`grouping.${grouping}`)}</th>
                    <th scope="col" className="num">
                      {t('table.logged')}
                    </th>
                    <th scope="col" className="num">
                      {t('table.billable')}
                    </th>
                    <th scope="col" className="num time-extra-col">
                      {t('table.entries')}
                    </th>
                    <th scope="col" className="time-extra-col">
                      {t('table.share')}
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
              {r.truncated && <p className="muted small">{t('truncated', { count: r.rows.length })}</p>}
            </div>
          )}
        </>
      ) : null}
      <h2>{t('setting.title')}</h2>
      <RequiredSetting />
    </div>
  );
}
