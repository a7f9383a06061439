// A problem's page for staff: its details (title, description, root cause and workaround, edited in place),
// state, priority, impact, owner, group and category in the side panel; its incidents (link one by number or
// search, unlink); "Resolve" — with the open incidents and a message to their requesters, in one go — and the
// incident count over time (the dashboard's chart), and the history.
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  type ProblemDetail,
  type ProblemStatus,
  problemNumber,
  useIncidentCounts,
  useLinkIncident,
  useProblem,
  useProblemHistory,
  useResolveProblem,
  useUnlinkIncident,
  useUpdateProblem,
} from '../api/problems';
import type { LevelName } from '../api/types';
import { isManager, useUser } from '../session';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';
import { LinkedChangesPanel } from './changes/linked-changes';
import { KnownErrorBadge, ProblemStatusBadge, problemStatusText } from './problems';
import { incidentsQueueHref } from './queue-state';
import { TicketPicker } from './ticket-links';

const DailyChart = lazy(() => import('./daily-chart'));

/** The history fields the catalogue has words for (history.<field>); another is shown by its code. */
const historyFields = new Set([
  'created',
  'title',
  'description',
  'root_cause',
  'workaround',
  'priority',
  'impact',
  'owner',
  'group',
  'category',
  'status',
  'incidents_resolved',
]);

function DetailsForm({ problem }: { problem: ProblemDetail }) {
  const { t } = useTranslation('problems');
  const update = useUpdateProblem(problem.id);
  const closed = problem.status === 'closed';
  const [draft, setDraft] = useState({
    title: problem.title,
    description: problem.description,
    rootCause: problem.rootCause,
    workaround: problem.workaround,
  });
  // Another change (or another person's) moved the problem on: start from what it is now.
  useEffect(() => {
    setDraft({
      title: problem.title,
      description: problem.description,
      rootCause: problem.rootCause,
      workaround: problem.workaround,
    });
  }, [problem.title, problem.description, problem.rootCause, problem.workaround]);
  const changed = (Object.keys(draft) as (keyof typeof draft)[]).filter((k) => draft[k] !== problem[k]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(Object.fromEntries(changed.map((k) => [k, draft[k]])));
  };
  const area = (key: 'description' | 'rootCause' | 'workaround', label: string, hint?: string) => (
    <Field label={label} hint={hint} error={fieldError(update.error, `/${key}`)}>
      {(id, d, invalid) => (
        <textarea
          id={id}
          rows={key === 'description' ? 4 : 3}
          value={draft[key]}
          disabled={closed}
          aria-describedby={d}
          aria-invalid={invalid || undefined}
          onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="problem-details-title">
      <h2 id="problem-details-title" className="flush">
        {t('details.title')}
      </h2>
      <Field label={t('details.titleLabel')} error={fieldError(update.error, '/title')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={200}
            value={draft.title}
            disabled={closed}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
          />
        )}
      </Field>
      {area('description', t('details.description'))}
      {area('rootCause', t('details.rootCause'))}
      {area('workaround', t('details.workaround'), t('details.workaroundHint'))}
      {!closed && (
        <div className="actions">
          <button type="submit" className="primary" disabled={changed.length === 0 || update.isPending}>
            {t('details.save')}
          </button>
        </div>
      )}
      <ErrorMessage error={update.error} title={t('details.failed')} />
    </form>
  );
}

function IncidentsPanel({ problem }: { problem: ProblemDetail }) {
  const { t } = useTranslation('problems');
  const dir = useDirectory();
  const link = useLinkIncident(problem.id);
  const unlink = useUnlinkIncident(problem.id);
  const [adding, setAdding] = useState(false);
  const closed = problem.status === 'closed';
  return (
    <section className="card" aria-labelledby="incidents-title">
      <div className="kb-panel-head">
        <h2 id="incidents-title">
          {t('incidents.title')} <span className="muted">({problem.incidents.length})</span>
        </h2>
        {!closed && !adding && (
          <button type="button" onClick={() => setAdding(true)}>
            {t('incidents.link')}
          </button>
        )}
      </div>
      <ErrorMessage error={link.error ?? unlink.error} title={t('incidents.failed')} />
      {adding && (
        <div className="link-add">
          <TicketPicker
            id="problem-incident"
            label={t('incidents.ticketToLink')}
            exclude={0}
            onPick={(ticket) => link.mutate(ticket.id, { onSuccess: () => setAdding(false) })}
          />
          <button type="button" className="ghost" onClick={() => setAdding(false)}>
            {t('common:actions.cancel')}
          </button>
        </div>
      )}
      {problem.incidents.length === 0 ? (
        <p className="muted small">{t('incidents.none')}</p>
      ) : (
        <ul className="link-list problem-incidents">
          {problem.incidents.map((i) => (
            <li key={i.id}>
              <span className="grow-wrap">
                <Link to={`/tickets/${i.id}`}>
                  <span className="muted">#{i.id}</span> {i.title}
                </Link>{' '}
                <StatusBadge status={i.status} />
                <span className="muted small">
                  {' '}
                  · {dir.userName(i.requesterId)} · <Time iso={i.createdAt} />
                </span>
              </span>
              {!closed && (
                <button
                  type="button"
                  className="ghost"
                  disabled={unlink.isPending}
                  aria-label={t('incidents.unlinkNamed', { id: String(i.id) })}
                  onClick={() => unlink.mutate(i.id)}
                >
                  {t('incidents.unlink')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ResolvePanel({
  problem,
  onResolved,
}: {
  problem: ProblemDetail;
  onResolved: (count: number) => void;
}) {
  const { t } = useTranslation('problems');
  const resolve = useResolveProblem(problem.id);
  const [rootCause, setRootCause] = useState(problem.rootCause);
  const [withIncidents, setWithIncidents] = useState(problem.openIncidentCount > 0);
  const [message, setMessage] = useState('');
  const canResolve =
    problem.status === 'resolved'
      ? problem.openIncidentCount > 0
      : problem.allowedTransitions.includes('resolved');
  if (!canResolve) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    resolve.mutate(
      { rootCause, resolveIncidents: withIncidents, ...(withIncidents ? { message } : {}) },
      { onSuccess: (r) => onResolved(r.resolvedCount) },
    );
  };
  return (
    <form className="card form resolve-panel" onSubmit={submit} aria-labelledby="resolve-title">
      <h2 id="resolve-title" className="flush">
        {problem.status === 'resolved' ? t('resolve.titleSince') : t('resolve.title')}
      </h2>

      <Field label={t('details.rootCause')} error={fieldError(resolve.error, '/rootCause')}>
        {(id, d) => (
          <textarea
            id={id}
            rows={2}
            value={rootCause}
            aria-describedby={d}
            onChange={(e) => setRootCause(e.target.value)}
          />
        )}
      </Field>
      <label className="check-row">
        <input
          type="checkbox"
          checked={withIncidents}
          disabled={problem.openIncidentCount === 0}
          onChange={(e) => setWithIncidents(e.target.checked)}
        />
        <span>{t('resolve.withIncidents', { count: problem.openIncidentCount })}</span>
      </label>
      {withIncidents && (
        <Field
          label={t('resolve.message')}
          hint={t('resolve.messageHint')}
          error={fieldError(resolve.error, '/message')}
        >
          {(id, d, invalid) => (
            <textarea
              id={id}
              rows={4}
              required
              value={message}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setMessage(e.target.value)}
              placeholder={t('resolve.messagePlaceholder')}
            />
          )}
        </Field>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={resolve.isPending}>
          {withIncidents
            ? t('resolve.submitWith', { count: problem.openIncidentCount })
            : t('resolve.submit')}
        </button>
      </div>

      <ErrorMessage error={resolve.error} title={t('resolve.failed')} />
    </form>
  );
}

function CountsPanel({ problem }: { problem: ProblemDetail }) {
  const { t } = useTranslation('problems');
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const days = bucket === 'day' ? 30 : 182;
  const counts = useIncidentCounts(problem.id, bucket, days);
  return (
    <section className="card" aria-labelledby="counts-title">
      <div className="kb-panel-head">
        <h2 id="counts-title">{t('counts.title')}</h2>
        <div className="segmented" role="group" aria-label={t('counts.per')}>
          <button type="button" aria-pressed={bucket === 'day'} onClick={() => setBucket('day')}>
            {t('counts.daily')}
          </button>
          <button type="button" aria-pressed={bucket === 'week'} onClick={() => setBucket('week')}>
            {t('counts.weekly')}
          </button>
        </div>
      </div>
      <ErrorMessage error={counts.error} />
      {counts.data && (
        <>
          <p className="muted small">
            {t('counts.summary', {
              reported: counts.data.items.reduce((n, d) => n + d.created, 0),
              resolved: counts.data.items.reduce((n, d) => n + d.resolved, 0),
              total: counts.data.total,
            })}
          </p>
          <Suspense fallback={<div className="chart-placeholder" />}>
            <DailyChart
              daily={counts.data.items}
              names={[t('counts.reported'), t('counts.resolved')]}
              label={t('counts.chart', { problem: problemNumber(problem.id), bucket })}
            />
          </Suspense>
        </>
      )}
    </section>
  );
}

function HistoryPanel({ id }: { id: number }) {
  const { t } = useTranslation('problems');
  const dir = useDirectory();
  const history = useProblemHistory(id);
  return (
    <section aria-labelledby="problem-history-title">
      <h2 id="problem-history-title">{t('history.heading')}</h2>
      <ErrorMessage error={history.error} />
      <ol className="problem-history">
        {history.data?.map((h) => (
          <li key={h.id}>
            <Time iso={h.at} /> · <strong>{dir.userName(h.actorId)}</strong>{' '}
            {h.field === 'incident'
              ? h.to
                ? t('history.linked', { id: String(h.to) })
                : t('history.unlinked', { id: String(h.from) })
              : historyFields.has(h.field)
                ? t(`history.field.${h.field}`)
                : h.field}
            {h.field === 'status' && (
              <span className="muted">
                {' '}
                {h.from ? problemStatusText(h.from) : h.from} → {h.to ? problemStatusText(h.to) : h.to}
              </span>
            )}
            {h.field === 'incidents_resolved' && <span className="muted"> ({h.to})</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function SidePanel({ problem }: { problem: ProblemDetail }) {
  const { t } = useTranslation('problems');
  const user = useUser();
  const dir = useDirectory();
  const update = useUpdateProblem(problem.id);
  const closed = problem.status === 'closed';
  const staff = dir.users.filter((u) => u.role !== 'requester' && u.active);
  // Closing is a manager's: a technician is not offered it.
  const moves = problem.allowedTransitions.filter((s) => s !== 'closed' || isManager(user));
  return (
    <aside className="ticket-side" aria-label={t('side.label')}>
      <ErrorMessage error={update.error} title={t('side.failed')} />
      <div className="field">
        <label htmlFor="p-status">{t('table.state')}</label>
        <select
          id="p-status"
          value={problem.status}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ status: e.target.value as ProblemStatus })}
        >
          {[problem.status, ...moves].map((s) => (
            <option key={s} value={s}>
              {problemStatusText(s)}
            </option>
          ))}
        </select>
      </div>
      {(['priority', 'impact'] as const).map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`p-${key}`}>
            {key === 'priority' ? t('common:priority.label') : t('side.impact')}
          </label>
          <select
            id={`p-${key}`}
            value={problem[key]}
            disabled={closed || update.isPending}
            onChange={(e) => update.mutate({ [key]: e.target.value as LevelName })}
          >
            {levelNames.map((l) => (
              <option key={l} value={l}>
                {priorityLabel[l]}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="field">
        <label htmlFor="p-owner">{t('table.owner')}</label>
        <select
          id="p-owner"
          value={problem.ownerId ?? ''}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ ownerId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">{t('side.nobody')}</option>
          {staff.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        {problem.ownerId !== user.id && !closed && (
          <button type="button" className="link-button" onClick={() => update.mutate({ ownerId: user.id })}>
            {t('side.takeIt')}
          </button>
        )}
      </div>
      <div className="field">
        <label htmlFor="p-group">{t('side.group')}</label>
        <select
          id="p-group"
          value={problem.groupId ?? ''}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ groupId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">{t('side.noGroup')}</option>
          {dir.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="p-category">{t('side.category')}</label>
        <select
          id="p-category"
          value={problem.categoryId ?? ''}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ categoryId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">{t('side.noCategory')}</option>
          {dir.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <dl className="facts">
        <dt>{t('side.logged')}</dt>
        <dd>
          <Trans
            t={t}
            i18nKey="side.loggedBy"
            components={{
              when: <Time iso={problem.createdAt} />,
              person: <span>{dir.userName(problem.createdBy)}</span>,
            }}
          />
        </dd>
        {problem.knownErrorAt && (
          <>
            <dt>{t('side.knownErrorSince')}</dt>
            <dd>
              <Time iso={problem.knownErrorAt} />
            </dd>
          </>
        )}
        {problem.resolvedAt && (
          <>
            <dt>{t('side.resolved')}</dt>
            <dd>
              <Time iso={problem.resolvedAt} />
            </dd>
          </>
        )}
        {problem.closedAt && (
          <>
            <dt>{t('side.closed')}</dt>
            <dd>
              <Time iso={problem.closedAt} />
            </dd>
          </>
        )}
      </dl>
    </aside>
  );
}

export default function ProblemPage() {
  const { t } = useTranslation('problems');
  const id = Number(useParams().id);
  const problem = useProblem(id);
  const [resolved, setResolved] = useState<number | null>(null);
  useTitle(problem.data ? `${problemNumber(id)} ${problem.data.title}` : problemNumber(id));
  if (problem.isPending) return <Loading label={t('opening')} />;
  if (problem.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={problem.error} title={t('openFailed', { problem: problemNumber(id) })} />
        <Link to="/problems">{t('back')}</Link>
      </div>
    );
  const p = problem.data;
  return (
    <div className="ticket-page problem-page">
      <div className="ticket-main">
        <nav aria-label={t('nav')} className="ticket-nav">
          <Link to="/problems">{t('navBack')}</Link>
        </nav>
        <div className="page-head">
          <h1>
            <span className="muted">{problemNumber(p.id)}</span> {p.title}
          </h1>
        </div>
        <p className="ticket-meta">
          <ProblemStatusBadge status={p.status} /> <KnownErrorBadge problem={p} />{' '}
          <PriorityBadge priority={p.priority} /> <span className="muted">·</span>{' '}
          {p.incidentIds.length > 0 ? (
            <Link to={incidentsQueueHref(p.id)} title={t('meta.queueLink')}>
              {t('meta.incidents', { count: p.incidentIds.length, open: p.openIncidentCount })}
            </Link>
          ) : (
            <span>{t('meta.noIncidents')}</span>
          )}
        </p>
        {resolved !== null && (
          <p className="ok-text" role="status">
            {resolved > 0
              ? t('resolvedWith', { problem: problemNumber(p.id), count: resolved })
              : t('resolvedAlone', { problem: problemNumber(p.id) })}
          </p>
        )}
        <IncidentsPanel problem={p} />
        <LinkedChangesPanel targetType="problem" targetId={p.id} canRaise={p.status !== 'closed'} />
        <CountsPanel problem={p} />
        <ResolvePanel key={`${p.status}-${p.openIncidentCount}`} problem={p} onResolved={setResolved} />
        <DetailsForm problem={p} />
        <HistoryPanel id={p.id} />
      </div>
      <SidePanel problem={p} />
    </div>
  );
}
