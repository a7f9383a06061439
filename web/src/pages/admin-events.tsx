// Failed event deliveries (admins): events that one subscriber (SLA clocks, mail, webhooks, live updates)
// failed on, being retried or dead-lettered, with the last error and a retry for that subscriber alone.
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useEventFailures, useRetryEventFailure } from '../api/event-failures';
import { t as translate } from '../i18n';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

/** What each subscriber does for people, so the admin knows what a failure held back (an unknown one: its name). */
const subscriberLabel = (subscriber: string) =>
  translate(`admin-events:subscriber.${subscriber}`, { defaultValue: subscriber });

export function EventFailures() {
  const { t } = useTranslation('admin-events');
  useTitle(t('title'));
  const [status, setStatus] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const list = useEventFailures(status);
  const retry = useRetryEventFailure((f, answer) =>
    setSaid(
      t('retried', { event: f.eventId, subscriber: subscriberLabel(f.subscriber), outcome: answer.outcome }),
    ),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="event-failures-title">
      <div className="page-head">
        <h2 id="event-failures-title">{t('heading')}</h2>
        <label className="inline">
          <span>{t('status.label')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('status.any')}</option>
            <option value="dead_lettered">{t('status.dead_lettered')}</option>
            <option value="retrying">{t('status.retrying')}</option>
          </select>
        </label>
      </div>
      <p className="hint">{t('intro')}</p>
      {said && (
        <p role="status" className="ok-text">
          {said}
        </p>
      )}
      <ErrorMessage error={list.error ?? retry.error} title={t('notLoaded')} />
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
                <th scope="col">{t('table.event')}</th>
                <th scope="col">{t('table.failed')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('table.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <tr key={f.id}>
                  <td>
                    <code>{f.eventType}</code>
                    <div className="small">
                      {f.subjectType === 'ticket' ? (
                        <Link to={`/tickets/${f.subjectId}`}>{t('ticket', { id: f.subjectId })}</Link>
                      ) : (
                        `${f.subjectType} ${f.subjectId}`
                      )}
                    </div>
                    <div className="muted small">
                      <Trans
                        t={t}
                        i18nKey="eventAt"
                        values={{ event: f.eventId }}
                        components={{ time: <Time iso={f.eventCreatedAt} /> }}
                      />
                    </div>
                  </td>
                  <td>
                    <strong>{subscriberLabel(f.subscriber)}</strong>{' '}
                    <span className={`badge event-${f.status}`}>
                      {f.status === 'dead_lettered' ? t('badge.dead_lettered') : t('badge.retrying')}
                    </span>
                    <div className="log-error">{f.lastError.split('\n')[0]}</div>
                    <div className="muted small">
                      <Trans
                        t={t}
                        i18nKey="attempts"
                        values={{ count: f.attempts }}
                        components={{ time: <Time iso={f.lastAttemptAt} /> }}
                      />
                      {f.status === 'retrying' &&
                        f.nextAttemptAt &&
                        (Date.parse(f.nextAttemptAt) > Date.now() ? (
                          <Trans t={t} i18nKey="next" components={{ time: <Time iso={f.nextAttemptAt} /> }} />
                        ) : (
                          t('nextNow')
                        ))}
                    </div>
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={retry.isPending}
                      onClick={() => retry.mutate(f)}
                      aria-label={t('retry.label', {
                        event: f.eventId,
                        subscriber: subscriberLabel(f.subscriber),
                      })}
                    >
                      {t('retry.button')}
                    </button>
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
