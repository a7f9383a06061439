// Failed event deliveries (admins): events that one subscriber (SLA clocks, mail, webhooks, live updates)
// failed on, being retried or dead-lettered, with the last error and a retry for that subscriber alone.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type RetryAnswer, useEventFailures, useRetryEventFailure } from '../api/event-failures';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

/** What each subscriber does for people, so the admin knows what a failure held back. */
const subscriberLabel: Record<string, string> = {
  'sla-clocks': 'SLA clocks',
  mail: 'Mail notifications',
  webhooks: 'Webhooks',
  'live-stream': 'Live updates',
};

const outcomeText: Record<RetryAnswer['outcome'], string> = {
  delivered: 'delivered',
  failed: 'failed again; it is set aside with the new error',
  pending: 'queued; another instance will deliver it',
};

export function EventFailures() {
  useTitle('Event deliveries');
  const [status, setStatus] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const list = useEventFailures(status);
  const retry = useRetryEventFailure((f, answer) =>
    setSaid(
      `Event ${f.eventId} to ${subscriberLabel[f.subscriber] ?? f.subscriber}: ${outcomeText[answer.outcome]}.`,
    ),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="event-failures-title">
      <div className="page-head">
        <h2 id="event-failures-title">Failed event deliveries</h2>
        <label className="inline">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            <option value="dead_lettered">Set aside</option>
            <option value="retrying">Retrying</option>
          </select>
        </label>
      </div>
      <p className="hint">
        When one part of opsdesk fails on an event, the others still get it. The failed part tries again with
        growing pauses, then sets the event aside here. Retry it once the cause is fixed: only that part gets
        it again.
      </p>
      {said && (
        <p role="status" className="ok-text">
          {said}
        </p>
      )}
      <ErrorMessage
        error={list.error ?? retry.error}
        title="The failed deliveries could not be loaded or retried."
      />
      {list.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title="No failed deliveries: every event reached every part." />
      ) : (
        <div
          className="table-wrap"
          role="region"
          aria-label="Failed event deliveries (scrolls sideways)"
          tabIndex={0}
        >
          <table className="data-table">
            <caption className="visually-hidden">Failed event deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">What failed</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
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
                        <Link to={`/tickets/${f.subjectId}`}>Ticket #{f.subjectId}</Link>
                      ) : (
                        `${f.subjectType} ${f.subjectId}`
                      )}
                    </div>
                    <div className="muted small">
                      event {f.eventId}, <Time iso={f.eventCreatedAt} />
                    </div>
                  </td>
                  <td>
                    <strong>{subscriberLabel[f.subscriber] ?? f.subscriber}</strong>{' '}
                    <span className={`badge event-${f.status}`}>
                      {f.status === 'dead_lettered' ? 'set aside' : 'retrying'}
                    </span>
                    <div className="log-error">{f.lastError.split('\n')[0]}</div>
                    <div className="muted small">
                      {f.attempts} {f.attempts === 1 ? 'attempt' : 'attempts'}, last{' '}
                      <Time iso={f.lastAttemptAt} />
                      {f.status === 'retrying' &&
                        f.nextAttemptAt &&
                        (Date.parse(f.nextAttemptAt) > Date.now() ? (
                          <>
                            , next <Time iso={f.nextAttemptAt} />
                          </>
                        ) : (
                          ', next try due now'
                        ))}
                    </div>
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={retry.isPending}
                      onClick={() => retry.mutate(f)}
                      aria-label={`Retry event ${f.eventId} for ${subscriberLabel[f.subscriber] ?? f.subscriber}`}
                    >
                      Retry
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
          Show older
        </button>
      )}
    </section>
  );
}
