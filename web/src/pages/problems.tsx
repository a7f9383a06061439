// Problems for staff: the list (the latest changed first; filters by state and a search over titles and
// numbers; "Show more" pages with the server's cursor) and "Log a problem" — title, description, workaround,
// priority. The problem's own page is problem.tsx.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import {
  type Problem,
  type ProblemStatus,
  problemNumber,
  useCreateProblem,
  useProblemPages,
} from '../api/problems';
import type { LevelName } from '../api/types';
import { t as translate } from '../i18n';
import { PriorityBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

/** A problem's state in the user's language; a state this page does not know is shown by its code. */
export function problemStatusText(status: string): string {
  return translate(`problems:status.${status}`, { defaultValue: status });
}

export function ProblemStatusBadge({ status }: { status: ProblemStatus }) {
  return <span className={`badge problem-${status}`}>{problemStatusText(status)}</span>;
}

/** "Known error" beside the state, when it is one (or was, before it was resolved). */
export function KnownErrorBadge({ problem }: { problem: Pick<Problem, 'knownError' | 'status'> }) {
  const { t } = useTranslation('problems');
  if (!problem.knownError || problem.status === 'known_error') return null;
  return <span className="badge problem-known_error">{t('knownError')}</span>;
}

const views: { key: 'open' | 'known' | 'resolved' | 'closed' | 'all'; status?: string }[] = [
  { key: 'open', status: 'new,investigating,known_error' },
  { key: 'known', status: 'known_error' },
  { key: 'resolved', status: 'resolved' },
  { key: 'closed', status: 'closed' },
  { key: 'all' },
];

function NewProblemForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('problems');
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
        <h2 id="new-problem-title">{t('new.title')}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <Field label={t('new.titleLabel')} error={fieldError(create.error, '/title')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={200}
            value={title}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setTitle(e.target.value)}
            placeholder={t('new.titlePlaceholder')}
          />
        )}
      </Field>
      <Field label={t('new.description')}>
        {(id) => (
          <textarea id={id} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <Field label={t('new.workaround')} hint={t('new.workaroundHint')}>
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
      <Field label={t('common:priority.label')}>
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
          {t('new.submit')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('new.failed')} />
    </form>
  );
}

export default function ProblemsPage() {
  const { t } = useTranslation('problems');
  useTitle(t('title'));
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
        <h1>{t('title')}</h1>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t('new.title')}
          </button>
        )}
      </div>
      {adding && <NewProblemForm onClose={() => setAdding(false)} />}
      <div className="problem-filters">
        <div className="segmented" role="group" aria-label={t('filters.label')}>
          {views.map((v) => (
            <button key={v.key} type="button" aria-pressed={view === v.key} onClick={() => setView(v.key)}>
              {t(`filters.${v.key}`)}
            </button>
          ))}
        </div>
        <label htmlFor="problem-search" className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id="problem-search"
          type="search"
          placeholder={t('search.placeholder')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {problems.isPending && <Loading />}
      <ErrorMessage error={problems.error} />
      {problems.isSuccess && items.length === 0 && <Empty title={t('empty')} />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table problem-table">
            <caption className="visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.problem')}</th>
                <th scope="col">{t('table.state')}</th>
                <th scope="col" className="wide-only">
                  {t('common:priority.label')}
                </th>
                <th scope="col">{t('table.incidents')}</th>
                <th scope="col" className="wide-only">
                  {t('table.owner')}
                </th>
                <th scope="col" className="wide-only">
                  {t('table.updated')}
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
                      <span className="muted small">
                        {' '}
                        {t('table.openIncidents', { count: p.openIncidentCount })}
                      </span>
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
          {t('showMore')}
        </button>
      )}
    </div>
  );
}
