// A problem's page for staff: its details (title, description, root cause and workaround, edited in place),
// state, priority, impact, owner, group and category in the side panel; its incidents (link one by number or
// search, unlink); "Resolve" — with the open incidents and a message to their requesters, in one go — and the
// incident count over time (the dashboard's chart), and the history.
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  type ProblemDetail,
  type ProblemStatus,
  problemNumber,
  problemStatusLabel,
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
import { KnownErrorBadge, ProblemStatusBadge } from './problems';
import { incidentsQueueHref } from './queue-state';
import { TicketPicker } from './ticket-links';

const DailyChart = lazy(() => import('./daily-chart'));

const historyLabel: Record<string, string> = {
  created: 'logged the problem',
  title: 'changed the title',
  description: 'changed the description',
  root_cause: 'changed the root cause',
  workaround: 'changed the workaround',
  priority: 'changed the priority',
  impact: 'changed the impact',
  owner: 'changed the owner',
  group: 'changed the group',
  category: 'changed the category',
  status: 'changed the state',
  incidents_resolved: 'resolved incidents with the problem',
};

function DetailsForm({ problem }: { problem: ProblemDetail }) {
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
        Details
      </h2>
      <Field label="Title" error={fieldError(update.error, '/title')}>
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
      {area('description', 'Description')}
      {area('rootCause', 'Root cause')}
      {area(
        'workaround',
        'Workaround',
        'Agents insert it into their reply when they link a ticket to this problem.',
      )}
      {!closed && (
        <div className="actions">
          <button type="submit" className="primary" disabled={changed.length === 0 || update.isPending}>
            Save details
          </button>
        </div>
      )}
      <ErrorMessage error={update.error} title="The problem was not saved." />
    </form>
  );
}

function IncidentsPanel({ problem }: { problem: ProblemDetail }) {
  const dir = useDirectory();
  const link = useLinkIncident(problem.id);
  const unlink = useUnlinkIncident(problem.id);
  const [adding, setAdding] = useState(false);
  const closed = problem.status === 'closed';
  return (
    <section className="card" aria-labelledby="incidents-title">
      <div className="kb-panel-head">
        <h2 id="incidents-title">
          Incidents <span className="muted">({problem.incidents.length})</span>
        </h2>
        {!closed && !adding && (
          <button type="button" onClick={() => setAdding(true)}>
            Link incident
          </button>
        )}
      </div>
      <ErrorMessage error={link.error ?? unlink.error} title="The incidents did not change." />
      {adding && (
        <div className="link-add">
          <TicketPicker
            id="problem-incident"
            label="Ticket to link"
            exclude={0}
            onPick={(t) => link.mutate(t.id, { onSuccess: () => setAdding(false) })}
          />
          <button type="button" className="ghost" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </div>
      )}
      {problem.incidents.length === 0 ? (
        <p className="muted small">No incidents linked yet.</p>
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
                  aria-label={`Unlink #${i.id}`}
                  onClick={() => unlink.mutate(i.id)}
                >
                  Unlink
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
        {problem.status === 'resolved' ? 'Resolve the incidents linked since' : 'Resolve the problem'}
      </h2>

      <Field label="Root cause" error={fieldError(resolve.error, '/rootCause')}>
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
        <span>
          Also resolve the {problem.openIncidentCount} open incident
          {problem.openIncidentCount === 1 ? '' : 's'}
        </span>
      </label>
      {withIncidents && (
        <Field
          label="Message to their requesters"
          hint="Sent as a public reply on each incident before it is resolved."
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
              placeholder="What was fixed, and what they should do if it happens again"
            />
          )}
        </Field>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={resolve.isPending}>
          {withIncidents
            ? `Resolve with ${problem.openIncidentCount} incident${problem.openIncidentCount === 1 ? '' : 's'}`
            : 'Resolve problem'}
        </button>
      </div>

      <ErrorMessage error={resolve.error} title="Nothing was resolved." />
    </form>
  );
}

function CountsPanel({ problem }: { problem: ProblemDetail }) {
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const days = bucket === 'day' ? 30 : 182;
  const counts = useIncidentCounts(problem.id, bucket, days);
  return (
    <section className="card" aria-labelledby="counts-title">
      <div className="kb-panel-head">
        <h2 id="counts-title">Incidents over time</h2>
        <div className="segmented" role="group" aria-label="Count per">
          <button type="button" aria-pressed={bucket === 'day'} onClick={() => setBucket('day')}>
            Daily, 30 days
          </button>
          <button type="button" aria-pressed={bucket === 'week'} onClick={() => setBucket('week')}>
            Weekly, 6 months
          </button>
        </div>
      </div>
      <ErrorMessage error={counts.error} />
      {counts.data && (
        <>
          <p className="muted small">
            {counts.data.items.reduce((n, d) => n + d.created, 0)} reported and{' '}
            {counts.data.items.reduce((n, d) => n + d.resolved, 0)} resolved in this window (
            {counts.data.total} linked in all).
          </p>
          <Suspense fallback={<div className="chart-placeholder" />}>
            <DailyChart
              daily={counts.data.items}
              names={['Reported', 'Resolved']}
              label={`Line chart of ${problemNumber(problem.id)}'s incidents reported and resolved per ${bucket}`}
            />
          </Suspense>
        </>
      )}
    </section>
  );
}

function HistoryPanel({ id }: { id: number }) {
  const dir = useDirectory();
  const history = useProblemHistory(id);
  return (
    <section aria-labelledby="problem-history-title">
      <h2 id="problem-history-title">History</h2>
      <ErrorMessage error={history.error} />
      <ol className="problem-history">
        {history.data?.map((h) => (
          <li key={h.id}>
            <Time iso={h.at} /> · <strong>{dir.userName(h.actorId)}</strong>{' '}
            {h.field === 'incident'
              ? h.to
                ? `linked incident #${h.to}`
                : `unlinked incident #${h.from}`
              : (historyLabel[h.field] ?? h.field)}
            {h.field === 'status' && (
              <span className="muted">
                {' '}
                {problemStatusLabel[h.from as ProblemStatus] ?? h.from} →{' '}
                {problemStatusLabel[h.to as ProblemStatus] ?? h.to}
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
  const user = useUser();
  const dir = useDirectory();
  const update = useUpdateProblem(problem.id);
  const closed = problem.status === 'closed';
  const staff = dir.users.filter((u) => u.role !== 'requester' && u.active);
  // Closing is a manager's: a technician is not offered it.
  const moves = problem.allowedTransitions.filter((s) => s !== 'closed' || isManager(user));
  return (
    <aside className="ticket-side" aria-label="Problem properties">
      <ErrorMessage error={update.error} title="The change was not saved." />
      <div className="field">
        <label htmlFor="p-status">State</label>
        <select
          id="p-status"
          value={problem.status}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ status: e.target.value as ProblemStatus })}
        >
          {[problem.status, ...moves].map((s) => (
            <option key={s} value={s}>
              {problemStatusLabel[s]}
            </option>
          ))}
        </select>
      </div>
      {(['priority', 'impact'] as const).map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`p-${key}`}>{key === 'priority' ? 'Priority' : 'Impact'}</label>
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
        <label htmlFor="p-owner">Owner</label>
        <select
          id="p-owner"
          value={problem.ownerId ?? ''}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ ownerId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">Nobody</option>
          {staff.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        {problem.ownerId !== user.id && !closed && (
          <button type="button" className="link-button" onClick={() => update.mutate({ ownerId: user.id })}>
            Take it
          </button>
        )}
      </div>
      <div className="field">
        <label htmlFor="p-group">Group</label>
        <select
          id="p-group"
          value={problem.groupId ?? ''}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ groupId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">No group</option>
          {dir.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="p-category">Category</label>
        <select
          id="p-category"
          value={problem.categoryId ?? ''}
          disabled={closed || update.isPending}
          onChange={(e) => update.mutate({ categoryId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">None</option>
          {dir.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <dl className="facts">
        <dt>Logged</dt>
        <dd>
          <Time iso={problem.createdAt} /> by {dir.userName(problem.createdBy)}
        </dd>
        {problem.knownErrorAt && (
          <>
            <dt>Known error since</dt>
            <dd>
              <Time iso={problem.knownErrorAt} />
            </dd>
          </>
        )}
        {problem.resolvedAt && (
          <>
            <dt>Resolved</dt>
            <dd>
              <Time iso={problem.resolvedAt} />
            </dd>
          </>
        )}
        {problem.closedAt && (
          <>
            <dt>Closed</dt>
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
  const id = Number(useParams().id);
  const problem = useProblem(id);
  const [resolved, setResolved] = useState<number | null>(null);
  useTitle(problem.data ? `${problemNumber(id)} ${problem.data.title}` : problemNumber(id));
  if (problem.isPending) return <Loading label="Opening the problem…" />;
  if (problem.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={problem.error} title={`${problemNumber(id)} could not be opened.`} />
        <Link to="/problems">Back to the problems</Link>
      </div>
    );
  const p = problem.data;
  return (
    <div className="ticket-page problem-page">
      <div className="ticket-main">
        <nav aria-label="Problem navigation" className="ticket-nav">
          <Link to="/problems">← Problems</Link>
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
            <Link to={incidentsQueueHref(p.id)} title="These incidents in the ticket queue">
              {p.incidentIds.length} incident{p.incidentIds.length === 1 ? '' : 's'}, {p.openIncidentCount}{' '}
              open
            </Link>
          ) : (
            <span>0 incidents</span>
          )}
        </p>
        {resolved !== null && (
          <p className="ok-text" role="status">
            {problemNumber(p.id)} is resolved
            {resolved > 0
              ? `, with ${resolved} incident${resolved === 1 ? '' : 's'}: each requester got your message.`
              : '.'}
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
