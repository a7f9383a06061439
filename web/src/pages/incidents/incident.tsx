// One incident: its state, the escalation policy it follows (as it was when it opened), the timeline of who was
// notified when and by which channel, and acknowledge and resolve.
import { Link, useParams } from 'react-router-dom';
import { type TimelineEntry, useIncident, useRespond, useServices } from '../../api/incidents';
import { useSchedules } from '../../api/oncall';
import { useDirectory } from '../../ui/directory';
import { ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { LogContextPanel } from '../logs/context-panel';
import { WhenLocal } from '../oncall/parts';
import { IncidentState } from './incidents';

const kindText: Record<string, string> = {
  triggered: 'Triggered',
  notified: 'Notified',
  unreachable: 'Could not reach',
  step_skipped: 'Step skipped: nobody on call',
  exhausted: 'Policy exhausted: nobody acknowledged',
  acknowledged: 'Acknowledged',
  ack_timeout: 'Acknowledgement timed out: escalating again',
  resolved: 'Resolved',
  pages_cancelled: 'Pages still waiting cancelled',
  linked_ticket: 'Linked to a ticket',
};

function entryClass(e: TimelineEntry): string {
  if (e.kind === 'acknowledged' || e.kind === 'resolved') return 'tl-ack';
  if (e.kind === 'notified') return 'tl-page';
  if (
    e.kind === 'triggered' ||
    e.kind === 'unreachable' ||
    e.kind === 'exhausted' ||
    e.kind === 'ack_timeout'
  )
    return 'tl-alert';
  return '';
}

export default function IncidentPage() {
  const id = Number(useParams().id);
  const incident = useIncident(id);
  const respond = useRespond(id);
  const services = useServices();
  const schedules = useSchedules();
  const dir = useDirectory();
  useTitle(incident.data ? `#${id} ${incident.data.summary}` : 'Incident');
  if (incident.isPending) return <Loading />;
  if (incident.error) return <ErrorMessage error={incident.error} />;
  const i = incident.data;
  const targetName = (t: { kind: string; id: number }) =>
    t.kind === 'user'
      ? dir.userName(t.id)
      : t.kind === 'group'
        ? `everyone in ${dir.groupName(t.id)}`
        : `on call in ${schedules.data?.find((s) => s.id === t.id)?.name ?? `schedule ${t.id}`}`;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/incidents">Incidents</Link> / #{i.id}
      </p>
      <div className="page-head">
        <h1>
          #{i.id} {i.summary}
        </h1>
        <IncidentState state={i.state} />
      </div>
      <div className="actions">
        {i.state === 'triggered' && (
          <button
            type="button"
            className="primary"
            disabled={respond.isPending}
            onClick={() => respond.mutate('acknowledge')}
          >
            Acknowledge
          </button>
        )}
        {i.state !== 'resolved' && (
          <button type="button" disabled={respond.isPending} onClick={() => respond.mutate('resolve')}>
            Resolve
          </button>
        )}
      </div>
      <ErrorMessage error={respond.error} title="Not done." />
      <div className="two-col">
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title" className="flush">
            Details
          </h2>
          <dl className="facts">
            <dt>Service</dt>
            <dd>{services.data?.find((s) => s.id === i.serviceId)?.name ?? '—'}</dd>
            <dt>Severity</dt>
            <dd>{i.severity}</dd>
            <dt>Opened</dt>
            <dd>
              <Time iso={i.createdAt} /> ({i.source})
            </dd>
            {i.ticketId !== null && (
              <>
                <dt>Ticket</dt>
                <dd>
                  <Link to={`/tickets/${i.ticketId}`}>#{i.ticketId}</Link>
                </dd>
              </>
            )}
            {i.dedupKey && (
              <>
                <dt>Dedup key</dt>
                <dd className="break">{i.dedupKey}</dd>
              </>
            )}
            {i.eventCount > 1 && (
              <>
                <dt>Events</dt>
                <dd>{i.eventCount}</dd>
              </>
            )}
            {i.nextEscalationAt && i.state !== 'resolved' && (
              <>
                <dt>{i.state === 'acknowledged' ? 'Escalates again' : 'Next step'}</dt>
                <dd>
                  <WhenLocal iso={i.nextEscalationAt} />
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="policy-title">
          <h2 id="policy-title" className="flush">
            {i.policy.name}
          </h2>
          <p className="hint">
            The policy as it was when the incident opened
            {i.policy.repeatCount > 1 && <>, run through {i.policy.repeatCount} times</>}.
          </p>
          <ol>
            {i.policy.steps.map((s, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
              <li key={`${n}-${s.delayMinutes}`}>
                {s.targets.map(targetName).join(', ')}; wait {s.delayMinutes} min
              </li>
            ))}
          </ol>
        </section>
      </div>
      <LogContextPanel kind="incident" id={i.id} />
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ol className="timeline-list">
          {i.timeline.map((e) => (
            <li key={e.id} className={entryClass(e)}>
              <strong>{kindText[e.kind] ?? e.kind}</strong>
              {e.userId !== null && <> {e.userName ?? dir.userName(e.userId)}</>}
              {e.channel && <> by {e.channel}</>}
              {e.step !== null && (
                <span className="muted small">
                  {' '}
                  · step {e.step}
                  {e.repeat !== null && e.repeat > 1 && <>, pass {e.repeat}</>}
                </span>
              )}
              <div className="muted small">
                <WhenLocal iso={e.at} />
                {e.detail && <> · {e.detail}</>}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
