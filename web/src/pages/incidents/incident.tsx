// One incident: its state, the escalation policy it follows (as it was when it opened), the timeline of who was
// notified when and by which channel, and acknowledge and resolve.
import { useTranslation } from 'react-i18next';
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

const timelineKinds = new Set([
  'triggered',
  'notified',
  'unreachable',
  'step_skipped',
  'exhausted',
  'acknowledged',
  'ack_timeout',
  'resolved',
  'pages_cancelled',
  'linked_ticket',
]);

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
  const { t } = useTranslation('incidents');
  useTitle(incident.data ? `#${id} ${incident.data.summary}` : t('incident.title'));
  if (incident.isPending) return <Loading />;
  if (incident.error) return <ErrorMessage error={incident.error} />;
  const i = incident.data;
  const targetName = (target: { kind: string; id: number }) =>
    target.kind === 'user'
      ? dir.userName(target.id)
      : target.kind === 'group'
        ? t('target.group', { name: dir.groupName(target.id) })
        : t('target.schedule', {
            name:
              schedules.data?.find((s) => s.id === target.id)?.name ??
              t('target.scheduleFallback', { id: target.id }),
          });
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/incidents">{t('title')}</Link> / #{i.id}
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
            {t('actions.acknowledge')}
          </button>
        )}
        {i.state !== 'resolved' && (
          <button type="button" disabled={respond.isPending} onClick={() => respond.mutate('resolve')}>
            {t('actions.resolve')}
          </button>
        )}
      </div>
      <ErrorMessage error={respond.error} title={t('actions.failed')} />
      <div className="two-col">
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title" className="flush">
            {t('incident.details')}
          </h2>
          <dl className="facts">
            <dt>{t('incident.service')}</dt>
            <dd>{services.data?.find((s) => s.id === i.serviceId)?.name ?? '—'}</dd>
            <dt>{t('incident.severity')}</dt>
            <dd>{i.severity}</dd>
            <dt>{t('incident.opened')}</dt>
            <dd>
              <Time iso={i.createdAt} /> ({i.source})
            </dd>
            {i.ticketId !== null && (
              <>
                <dt>{t('incident.ticket')}</dt>
                <dd>
                  <Link to={`/tickets/${i.ticketId}`}>#{i.ticketId}</Link>
                </dd>
              </>
            )}
            {i.dedupKey && (
              <>
                <dt>{t('incident.dedupKey')}</dt>
                <dd className="break">{i.dedupKey}</dd>
              </>
            )}
            {i.eventCount > 1 && (
              <>
                <dt>{t('incident.events')}</dt>
                <dd>{i.eventCount}</dd>
              </>
            )}
            {i.nextEscalationAt && i.state !== 'resolved' && (
              <>
                <dt>{i.state === 'acknowledged' ? t('incident.escalatesAgain') : t('incident.nextStep')}</dt>
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
            {i.policy.repeatCount > 1
              ? t('policy.hintRepeated', { count: i.policy.repeatCount })
              : t('policy.hint')}
          </p>
          <ol>
            {i.policy.steps.map((s, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
              <li key={`${n}-${s.delayMinutes}`}>
                {t('policy.step', { targets: s.targets.map(targetName).join(', '), minutes: s.delayMinutes })}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <LogContextPanel kind="incident" id={i.id} />
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('timeline.title')}</h2>
        <ol className="timeline-list">
          {i.timeline.map((e) => (
            <li key={e.id} className={entryClass(e)}>
              <strong>{timelineKinds.has(e.kind) ? t(`timeline.kind.${e.kind}`) : e.kind}</strong>
              {e.userId !== null && <> {e.userName ?? dir.userName(e.userId)}</>}
              {e.channel && <> {t('timeline.channel', { channel: e.channel })}</>}
              {e.step !== null && (
                <span className="muted small">
                  {' '}
                  ·{' '}
                  {e.repeat !== null && e.repeat > 1
                    ? t('timeline.stepPass', { step: e.step, pass: e.repeat })
                    : t('timeline.step', { step: e.step })}
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
