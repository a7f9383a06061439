// The audit log (admins and managers): every admin change, sign-in and failed sign-in, API token and role
// change, newest first, with filters (action prefix, actor, subject, time) and paging; exported as CSV.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditFilters, auditExportUrl, useAuditLog } from '../api/audit-log';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

/** A date input's day as the ISO time of its local midnight (the filter's bounds). */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

export function AuditLog() {
  const { t } = useTranslation('admin-audit');
  useTitle(t('title'));
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState('');
  const [subjectType, setSubjectType] = useState('');
  const [subjectId, setSubjectId] = useState('');
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const filters: AuditFilters = {
    action: action.trim() || undefined,
    actorId: /^\d+$/.test(actorId) ? Number(actorId) : undefined,
    subjectType: subjectType.trim() || undefined,
    subjectId: subjectId.trim() || undefined,
    from: dayStart(fromDay),
    to: dayStart(toDay, 1),
  };
  const list = useAuditLog(filters);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h2 id="audit-title">{t('title')}</h2>
        <a className="button" href={auditExportUrl(filters)} download>
          {t('export')}
        </a>
      </div>
      <p className="hint">{t('intro')}</p>
      <div className="filters" role="group" aria-label={t('filters.label')}>
        <label className="inline">
          <span>{t('filters.action')}</span>
          <input
            value={action}
            onChange={(e) => setAction(e.target.value)}
            placeholder="user." // i18n-ignore: an action code
            maxLength={100}
          />
        </label>
        <label className="inline">
          <span>{t('filters.actor')}</span>
          <input
            className="short"
            value={actorId}
            onChange={(e) => setActorId(e.target.value)}
            inputMode="numeric"
          />
        </label>
        <label className="inline">
          <span>{t('filters.subjectType')}</span>
          <input
            className="short"
            value={subjectType}
            onChange={(e) => setSubjectType(e.target.value)}
            placeholder="user" // i18n-ignore: a subject type code
            maxLength={100}
          />
        </label>
        <label className="inline">
          <span>{t('filters.subjectId')}</span>
          <input
            className="short"
            value={subjectId}
            onChange={(e) => setSubjectId(e.target.value)}
            maxLength={320}
          />
        </label>
        <label className="inline">
          <span>{t('filters.from')}</span>
          <input type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} />
        </label>
        <label className="inline">
          <span>{t('filters.to')}</span>
          <input type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} />
        </label>
      </div>
      <ErrorMessage error={list.error} title={t('notLoaded')} />
      {list.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title={t('empty')} />
      ) : (
        <div className="table-wrap" role="region" aria-label={t('table.label')} tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">{t('table.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.when')}</th>
                <th scope="col">{t('table.who')}</th>
                <th scope="col">{t('table.action')}</th>
                <th scope="col">{t('table.subject')}</th>
                <th scope="col">{t('table.details')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>
                    {e.actorName ?? (e.actorId === null ? <span className="muted">—</span> : `#${e.actorId}`)}
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.subjectType} {e.subjectId}
                  </td>
                  <td className="small">
                    <code>{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
