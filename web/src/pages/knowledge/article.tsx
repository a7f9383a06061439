// One article: its rendered text (sanitised by the server — the only HTML this page sets), a table of contents,
// badges and facts; for policies the owner, dates, reviews and acknowledgements; for staff editing, status
// moves and the history of versions. Also the generated service agreement's address, /kb/service-agreement.
import { type ReactNode, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import {
  type ArticleStatus,
  audienceLabel,
  isPolicyKind,
  kindLabel,
  type RenderedArticle,
  useArticle,
  useTransitionArticle,
} from '../../api/knowledge';
import {
  useAcknowledge,
  useAcknowledgements,
  useMarkReviewed,
  useMyAcknowledgement,
  useServiceAgreement,
} from '../../api/knowledge-policies';
import { pdfHref, printHref, useAttachments } from '../../api/knowledge-transfer';
import type { User } from '../../api/types';
import { isManager, isStaff, useUser } from '../../session';
import { ErrorMessage, Loading } from '../../ui/messages';
import { formatBytes, Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { HistoryPanel } from './history';
import { ArticleBadges, formatDay } from './parts';

/** The status moves a role may make from a status, as buttons (the server's transition table, by role). */
function statusActions(status: ArticleStatus, manager: boolean): { to: ArticleStatus; label: string }[] {
  const writer: Partial<Record<ArticleStatus, { to: ArticleStatus; label: string }[]>> = {
    draft: [{ to: 'in_review', label: 'Submit for review' }],
    in_review: [{ to: 'draft', label: 'Back to draft' }],
  };
  const publisher: Record<ArticleStatus, { to: ArticleStatus; label: string }[]> = {
    draft: [
      { to: 'in_review', label: 'Submit for review' },
      { to: 'published', label: 'Publish' },
      { to: 'archived', label: 'Archive' },
    ],
    in_review: [
      { to: 'published', label: 'Publish' },
      { to: 'draft', label: 'Send back' },
      { to: 'archived', label: 'Archive' },
    ],
    published: [
      { to: 'draft', label: 'Unpublish' },
      { to: 'archived', label: 'Archive' },
    ],
    archived: [
      { to: 'published', label: 'Publish again' },
      { to: 'draft', label: 'Back to draft' },
    ],
  };
  return manager ? publisher[status] : (writer[status] ?? []);
}

function StatusActions({ article, user }: { article: RenderedArticle; user: User }) {
  const move = useTransitionArticle(article.id);
  const actions = statusActions(article.status, isManager(user));
  if (actions.length === 0) return null;
  return (
    <div className="kb-status-actions">
      {actions.map((a) => (
        <button
          key={a.to}
          type="button"
          className={a.to === 'published' ? 'primary' : a.to === 'archived' ? 'danger' : ''}
          disabled={move.isPending}
          onClick={() => move.mutate(a.to)}
        >
          {a.label}
        </button>
      ))}
      <ErrorMessage error={move.error} title="The status did not change." />
    </div>
  );
}

function PolicyPanel({ article, user }: { article: RenderedArticle; user: User }) {
  const review = useMarkReviewed(article.id);
  const [note, setNote] = useState('');
  const overdue = article.nextReviewAt !== null && Date.parse(article.nextReviewAt) < Date.now();
  const mayReview = isManager(user) || article.ownerId === user.id;
  return (
    <section className="card kb-side-card" aria-labelledby="kb-policy-title">
      <h2 id="kb-policy-title">{kindLabel[article.kind]}</h2>
      <dl className="facts">
        <dt>Owner</dt>
        <dd>{article.ownerName ?? 'Nobody yet'}</dd>
        <dt>Effective</dt>
        <dd>{formatDay(article.effectiveAt)}</dd>
        <dt>Next review</dt>
        <dd>
          {article.nextReviewAt ? (
            <span className={overdue ? 'badge kb-overdue' : ''}>
              {formatDay(article.nextReviewAt)}
              {overdue ? ' · overdue' : ''}
            </span>
          ) : (
            '—'
          )}
        </dd>
        <dt>Reviewed</dt>
        <dd>{formatDay(article.lastReviewedAt)}</dd>
        {article.reviewIntervalDays !== null && (
          <>
            <dt>Every</dt>
            <dd>{article.reviewIntervalDays} days</dd>
          </>
        )}
      </dl>
      {mayReview && isStaff(user) && article.status === 'published' && (
        <form
          className="actions kb-review-form"
          onSubmit={(e) => {
            e.preventDefault();
            review.mutate(note.trim() || undefined, { onSuccess: () => setNote('') });
          }}
        >
          <label className="kb-review-note">
            <span>
              Review note <span className="muted small">(optional)</span>
            </span>
            <input
              type="text"
              value={note}
              maxLength={500}
              placeholder="What was checked"
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button type="submit" disabled={review.isPending}>
            Mark reviewed
          </button>
          {review.isSuccess && <span className="ok-text small">Review recorded.</span>}
        </form>
      )}
      <ErrorMessage error={review.error} title="The review was not recorded." />
    </section>
  );
}

function Acknowledge({ article }: { article: RenderedArticle }) {
  const mine = useMyAcknowledgement(article.id, article.requiresAck && article.status === 'published');
  const ack = useAcknowledge(article.id);
  const me = mine.data;
  if (!me?.required) return null;
  if (me.acknowledgedAt || ack.isSuccess)
    return (
      <p className="alert alert-ok kb-ack" role="status">
        You acknowledged version {me.version}
        {me.acknowledgedAt ? (
          <>
            {' '}
            <Time iso={me.acknowledgedAt} />
          </>
        ) : null}
        .
      </p>
    );
  return (
    <div className="card kb-ack">
      <p>
        <strong>Please read this {kindLabel[article.kind].toLowerCase()} and confirm.</strong> Your
        acknowledgement of version {me.version} is recorded.
      </p>
      <button type="button" className="primary" disabled={ack.isPending} onClick={() => ack.mutate()}>
        I have read and acknowledge this
      </button>
      <ErrorMessage error={ack.error} title="Your acknowledgement was not recorded." />
    </div>
  );
}

function WhoAcknowledged({ article }: { article: RenderedArticle }) {
  const acks = useAcknowledgements(article.id, article.requiresAck);
  const pages = acks.data?.pages ?? [];
  const first = pages[0];
  const acknowledged = pages.flatMap((p) => p.acknowledged);
  const pending = pages.flatMap((p) => p.pending);
  return (
    <section className="card kb-side-card" aria-labelledby="kb-acks-title">
      <h2 id="kb-acks-title">Acknowledgements{first ? ` (v${first.version})` : ''}</h2>
      <ErrorMessage error={acks.error} title="Who acknowledged could not be loaded." />
      {first && (
        <>
          <p className="small muted kb-ack-totals">
            {first.total.acknowledged} acknowledged · {first.total.pending} not yet
          </p>
          {first.total.pending > 0 && (
            <details>
              <summary>Not yet ({first.total.pending})</summary>
              <ul className="kb-people" aria-label="Not yet acknowledged">
                {pending.map((p) => (
                  <li key={p.userId}>{p.name}</li>
                ))}
              </ul>
            </details>
          )}
          {first.total.acknowledged > 0 && (
            <details>
              <summary>Acknowledged ({first.total.acknowledged})</summary>
              <ul className="kb-people" aria-label="Acknowledged">
                {acknowledged.map((p) => (
                  <li key={p.userId}>
                    {p.name} · <Time iso={p.acknowledgedAt} />
                  </li>
                ))}
              </ul>
            </details>
          )}
          {acks.hasNextPage && (
            <button
              type="button"
              className="small"
              disabled={acks.isFetchingNextPage}
              onClick={() => void acks.fetchNextPage()}
            >
              Show more people
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Attachments({ id }: { id: number }) {
  const files = useAttachments(id);
  if (files.error)
    return (
      <section className="card kb-side-card" aria-labelledby="kb-files-title">
        <h2 id="kb-files-title">Attachments</h2>
        <ErrorMessage error={files.error} title="The attachments could not be loaded." />
      </section>
    );
  if (!files.data || files.data.length === 0) return null;
  return (
    <section className="card kb-side-card" aria-labelledby="kb-files-title">
      <h2 id="kb-files-title">Attachments</h2>
      <ul className="kb-people kb-files">
        {files.data.map((f) => (
          <li key={f.id}>
            <a href={f.url} download={f.filename}>
              {f.filename}
            </a>{' '}
            <span className="muted small">{formatBytes(f.size)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ArticleView({ article, extra }: { article: RenderedArticle; extra?: ReactNode }) {
  const user = useUser();
  const staff = isStaff(user);
  const [history, setHistory] = useState(false);
  const policy = isPolicyKind(article.kind);
  return (
    <div className="page kb-article-page">
      <p className="kb-crumbs">
        <Link to="/kb">← Knowledge base</Link>
        {article.categoryName && (
          <>
            {' · '}
            <Link to={`/kb?category=${article.categoryId}`}>{article.categoryName}</Link>
          </>
        )}
      </p>
      <div className="page-head">
        <h1>{article.title}</h1>
        <ArticleBadges kind={article.kind} audience={article.audience} status={article.status} />
      </div>
      <p className="muted small kb-meta">
        Version {article.version} · updated <Time iso={article.updatedAt} />
        {article.updatedBy ? ` by ${article.updatedBy.name}` : ''}
        {staff && article.sourceTicketId !== null && (
          <>
            {' · from '}
            <Link to={`/tickets/${article.sourceTicketId}`}>ticket #{article.sourceTicketId}</Link>
          </>
        )}
      </p>
      {extra}
      <div className="kb-toolbar">
        {staff && article.generated === null && (
          <Link className="button" to={`/kb/${article.id}/edit`}>
            Edit
          </Link>
        )}
        <a className="button" href={printHref(article.id)} target="_blank" rel="noreferrer">
          Print
        </a>
        <a className="button" href={pdfHref(article.id)}>
          PDF
        </a>
        {staff && (
          <button type="button" aria-expanded={history} onClick={() => setHistory((h) => !h)}>
            {history ? 'Hide history' : 'History'}
          </button>
        )}
        {staff && <StatusActions article={article} user={user} />}
      </div>
      {staff && history && <HistoryPanel article={article} />}
      <Acknowledge article={article} />
      <div className="kb-layout">
        <article className="card kb-body">
          {/* The server renders Markdown without raw HTML and sanitises with an allow-list: trusted here. */}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side (article-rendering.ts) */}
          <div className="kb-html" dangerouslySetInnerHTML={{ __html: article.html }} />
        </article>
        <aside className="kb-side" aria-label="About this article">
          {article.headings.length > 1 && (
            <nav className="card kb-side-card kb-toc" aria-labelledby="kb-toc-title">
              <h2 id="kb-toc-title">Contents</h2>
              <ol>
                {article.headings.map((h) => (
                  <li key={h.id} className={`kb-toc-${Math.min(h.level, 4)}`}>
                    <a href={`#${h.id}`}>{h.text}</a>
                  </li>
                ))}
              </ol>
            </nav>
          )}
          <section className="card kb-side-card" aria-labelledby="kb-facts-title">
            <h2 id="kb-facts-title">Details</h2>
            <dl className="facts">
              <dt>Kind</dt>
              <dd>{kindLabel[article.kind]}</dd>
              {staff && (
                <>
                  <dt>Audience</dt>
                  <dd>{audienceLabel[article.audience]}</dd>
                </>
              )}
              <dt>Category</dt>
              <dd>{article.categoryName ?? 'None'}</dd>
              {article.tags.length > 0 && (
                <>
                  <dt>Tags</dt>
                  <dd className="kb-tags">
                    {article.tags.map((t) => (
                      <Link key={t} className="tag" to={`/kb?q=${encodeURIComponent(t)}`}>
                        {t}
                      </Link>
                    ))}
                  </dd>
                </>
              )}
              {article.publishedAt && (
                <>
                  <dt>Published</dt>
                  <dd>{formatDay(article.publishedAt)}</dd>
                </>
              )}
              {staff && (
                <>
                  <dt>Helped</dt>
                  <dd>
                    {article.helpedCount} deflected · {article.solvedCount} tickets solved
                  </dd>
                </>
              )}
            </dl>
          </section>
          {policy && <PolicyPanel article={article} user={user} />}
          {policy && isManager(user) && <WhoAcknowledged article={article} />}
          <Attachments id={article.id} />
        </aside>
      </div>
    </div>
  );
}

export default function ArticlePage() {
  const id = Number(useParams().id);
  const article = useArticle(id, Number.isInteger(id) && id > 0);
  useTitle(article.data?.title ?? 'Article');
  if (!Number.isInteger(id) || id <= 0) return <Navigate to="/kb" replace />;
  if (article.isPending) return <Loading label="Opening the article…" />;
  if (article.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={article.error} title="This article could not be opened." />
        <Link to="/kb">Back to the knowledge base</Link>
      </div>
    );
  return <ArticleView article={article.data} />;
}

/** The help desk's service agreement, written by the service from the SLA policies. */
export function ServiceAgreementPage() {
  const sa = useServiceAgreement();
  useTitle('Service agreement');
  if (sa.isPending) return <Loading label="Opening the service agreement…" />;
  if (sa.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={sa.error} title="The service agreement could not be opened." />
        <Link to="/kb">Back to the knowledge base</Link>
      </div>
    );
  return <ArticleView article={sa.data} />;
}
