// Problems for staff: the list (the latest changed first; filters by state and a search over titles and
// numbers; "Show more" pages with the server's cursor) and "Log a problem" — title, description, workaround,
// priority. The problem's own page is problem.tsx.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  type Problem,
  type ProblemStatus,
  problemNumber,
  problemStatusLabel,
  useCreateProblem,
  useProblemPages,
} from '../api/problems';
import type { LevelName } from '../api/types';
import { PriorityBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

export function ProblemStatusBadge({ status }: { status: ProblemStatus }) {
  return <span className={`badge problem-${status}`}>{problemStatusLabel[status]}</span>;
}

/** "Known error" beside the state, when it is one (or was, before it was resolved). */
export function KnownErrorBadge({ problem }: { problem: Pick<Problem, 'knownError' | 'status'> }) {
  if (!problem.knownError || problem.status === 'known_error') return null;
  return <span className="badge problem-known_error">Known error</span>;
}

const views: { key: string; label: string; status?: string }[] = [
  { key: 'open', label: 'Open', status: 'new,investigating,known_error' },
  { key: 'known', label: 'Known', status: 'known_error' },
  { key: 'resolved', label: 'Resolved', status: 'resolved' },
  { key: 'closed', label: 'Closed', status: 'closed' },
  { key: 'all', label: 'All' },
];

function NewProblemForm({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [workaround, setWorkaround] = useState('');
  const [priority, setPriority] = useState<LevelName>('medium');
  const create = useCreateProblem((p) => navigate(`/problems/${p.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      title,
      description,
      workaround,
      priority,
      status: workaround.trim() ? 'known_error' : 'new',
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-problem-title">
      <div className="kb-panel-head">
        <h2 id="new-problem-title">Log a problem</h2>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <Field label="Title" error={fieldError(create.error, '/title')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={200}
            value={title}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="What keeps going wrong"
          />
        )}
      </Field>
      <Field label="Description">
        {(id) => (
          <textarea id={id} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <Field label="Workaround" hint="With a workaround the problem is logged as a known error.">
        {(id, d) => (
          <textarea
            id={id}
            rows={3}
            value={workaround}
            aria-describedby={d}
            onChange={(e) => setWorkaround(e.target.value)}
          />
        )}
      </Field>
      <Field label="Priority">
        {(id) => (
          <select id={id} value={priority} onChange={(e) => setPriority(e.target.value as LevelName)}>
            {levelNames.map((l) => (
              <option key={l} value={l}>
                {priorityLabel[l]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Log problem
        </button>
      </div>
      <ErrorMessage error={create.error} title="The problem was not logged." />
    </form>
  );
}

export default function ProblemsPage() {
  useTitle('Problems');
  const dir = useDirectory();
  const [view, setView] = useState('open');
  const [q, setQ] = useState('');
  const [adding, setAdding] = useState(false);
  const status = views.find((v) => v.key === view)?.status;
  const problems = useProblemPages({
    limit: 50,
    ...(status ? { status } : {}),
    ...(q.trim() ? { q: q.trim() } : {}),
  });
  const items = problems.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Problems</h1>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Log a problem
          </button>
        )}
      </div>
      {adding && <NewProblemForm onClose={() => setAdding(false)} />}
      <div className="problem-filters">
        <div className="segmented" role="group" aria-label="Which problems">
          {views.map((v) => (
            <button key={v.key} type="button" aria-pressed={view === v.key} onClick={() => setView(v.key)}>
              {v.label}
            </button>
          ))}
        </div>
        <label htmlFor="problem-search" className="visually-hidden">
          Search problems
        </label>
        <input
          id="problem-search"
          type="search"
          placeholder="Search titles or PRB-number"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {problems.isPending && <Loading />}
      <ErrorMessage error={problems.error} />
      {problems.isSuccess && items.length === 0 && <Empty title="No problems here." />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table problem-table">
            <caption className="visually-hidden">Problems</caption>
            <thead>
              <tr>
                <th scope="col">Problem</th>
                <th scope="col">State</th>
                <th scope="col" className="wide-only">
                  Priority
                </th>
                <th scope="col">Incidents</th>
                <th scope="col" className="wide-only">
                  Owner
                </th>
                <th scope="col" className="wide-only">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td className="problem-title">
                    <Link to={`/problems/${p.id}`}>
                      <span className="muted">{problemNumber(p.id)}</span> {p.title}
                    </Link>
                  </td>
                  <td>
                    <ProblemStatusBadge status={p.status} /> <KnownErrorBadge problem={p} />
                  </td>
                  <td className="wide-only">
                    <PriorityBadge priority={p.priority} />
                  </td>
                  <td className="nowrap">
                    {p.incidentIds.length}
                    {p.openIncidentCount > 0 && (
                      <span className="muted small"> ({p.openIncidentCount} open)</span>
                    )}
                  </td>
                  <td className="nowrap wide-only">{p.ownerId === null ? '—' : dir.userName(p.ownerId)}</td>
                  <td className="nowrap wide-only">
                    <Time iso={p.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {problems.hasNextPage && (
        <button type="button" onClick={() => problems.fetchNextPage()} disabled={problems.isFetchingNextPage}>
          Show more
        </button>
      )}
    </div>
  );
}
