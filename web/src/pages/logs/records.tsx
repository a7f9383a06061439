// Log records as a table, newest first: time (local, with the zone), host, app, severity, the message (monospace,
// wrapping) and its pattern as a link. The search and the live tail both draw it; the patterns' names come from
// one pattern-rates request per set of records (it answers each id's template and name).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type LogRecord, usePatternRates } from '../../api/logs';
import { patternTitle, RecordTime, SeverityBadge } from './parts';

export function RecordTable({ records, caption }: { records: readonly LogRecord[]; caption: string }) {
  const { t } = useTranslation('logs');
  // A minute's window: the answer's counts are not used, only each pattern's template and name.
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const names = usePatternRates(
    records.map((r) => r.templateId),
    new Date(now - 60_000).toISOString(),
    new Date(now).toISOString(),
    60,
  );
  const byId = new Map(names.data?.patterns.map((p) => [p.patternId, p]));
  return (
    <div className="table-wrap">
      <table className="data-table stack-table log-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('records.time')}</th>
            <th scope="col">{t('records.host')}</th>
            <th scope="col">{t('records.app')}</th>
            <th scope="col">{t('records.severity')}</th>
            <th scope="col">{t('records.message')}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const p = byId.get(r.templateId);
            return (
              <tr key={r.id} className={r.severity <= 3 ? 'log-row-error' : undefined}>
                <td data-label={t('records.time')} className="log-time">
                  <RecordTime iso={r.time} />
                </td>
                <td data-label={t('records.host')} className="break">
                  {r.host ?? <span className="muted">—</span>}
                </td>
                <td data-label={t('records.app')} className="break">
                  {r.app ?? <span className="muted">—</span>}
                  {r.procId && <span className="muted small"> [{r.procId}]</span>}
                </td>
                <td data-label={t('records.severity')}>
                  <SeverityBadge severity={r.severity} />
                </td>
                <td data-label={t('records.message')} className="log-message-cell">
                  <pre className="log-message">{r.message}</pre>
                  {r.truncated && <span className="badge sev-warning">{t('records.truncated')}</span>}
                  <Link
                    className="log-pattern-link small"
                    to={`/logs/patterns/${encodeURIComponent(r.templateId)}`}
                  >
                    <span className="muted">{t('records.pattern')} </span>
                    {p ? patternTitle(p) : r.templateId}
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
