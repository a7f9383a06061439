// One article: its rendered text (sanitised by the server — the only HTML this page sets), a table of contents,
// badges and facts; for policies the owner, dates, reviews and acknowledgements; for staff editing, status
// moves and the history of versions. Also the generated service agreement's address, /kb/service-agreement.
import { type ReactNode, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, Navigate, useParams } from 'react-router-dom';
import {
  type ArticleStatus,
  isPolicyKind,
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

/** The status moves a role may make from a status, as buttons (the server's transition table, by role); the
 * label is a key of the knowledge catalogue's move.* words. */
function statusActions(status: ArticleStatus, manager: boolean): { to: ArticleStatus; label: string }[] {
  const writer: Partial<Record<ArticleStatus, { to: ArticleStatus; label: string }[]>> = {
    draft: [{ to: 'in_review', label: 'submit' }],
    in_review: [{ to: 'draft', label: 'backToDraft' }],
  };
  const publisher: Record<ArticleStatus, { to: ArticleStatus; label: string }[]> = {
    draft: [
      { to: 'in_review', label: 'submit' },
      { to: 'published', label: 'publish' },
      { to: 'archived', label: 'archive' },
    ],
    in_review: [
      { to: 'published', label: 'publish' },
      { to: 'draft', label: 'sendBack' },
      { to: 'archived', label: 'archive' },
    ],
    published: [
      { to: 'draft', label: 'unpublish' },
      { to: 'archived', label: 'archive' },
    ],
    archived: [
      { to: 'published', label: 'publishAgain' },
      { to: 'draft', label: 'backToDraft' },
    ],
  };
  return manager ? publisher[status] : (writer[status] ?? []);
}

function StatusActions({ article, user }: { article: RenderedArticle; user: User }) {
  const { t } = useTranslation('knowledge');
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
          {t(`move.${a.label}`)}
        </button>
      ))}
      <ErrorMessage error={move.error} title={t('move.failed')} />
    </div>
  );
}

function PolicyPanel({ article, user }: { article: RenderedArticle; user: User }) {
  const { t } = useTranslation('knowledge');
  const review = useMarkReviewed(article.id);
  const [note, setNote] = useState('');
  const overdue = article.nextReviewAt !== null && Date.parse(article.nextReviewAt) < Date.now();
  const mayReview = isManager(user) || article.ownerId === user.id;
  return (
    <section className="card kb-side-card" aria-labelledby="kb-policy-title">
      <h2 id="kb-policy-title">{t(`kind.${article.kind}`)}</h2>
      <dl className="facts">
        <dt>{t('policy.owner')}</dt>
        <dd>{article.ownerName ?? t('policy.nobodyYet')}</dd>
        <dt>{t('policy.effective')}</dt>
        <dd>{formatDay(article.effectiveAt)}</dd>
        <dt>{t('policy.nextReview')}</dt>
        <dd>
          {article.nextReviewAt ? (
            <span className={overdue ? 'badge kb-overdue' : ''}>
              {formatDay(article.nextReviewAt)}
              {overdue ? ` · ${t('policy.overdue')}` : ''}
            </span>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('policy.reviewed')}</dt>
        <dd>{formatDay(article.lastReviewedAt)}</dd>
        {article.reviewIntervalDays !== null && (
          <>
            <dt>{t('policy.every')}</dt>
            <dd>{t('policy.days', { count: article.reviewIntervalDays })}</dd>
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
              {t('policy.reviewNote')} <span className="muted small">{t('policy.optional')}</span>
            </span>
            <input
              type="text"
              value={note}
              maxLength={500}
              placeholder={t('policy.reviewNotePlaceholder')}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button type="submit" disabled={review.isPending}>
            {t('policy.markReviewed')}
          </button>
          {review.isSuccess && <span className="ok-text small">{t('policy.reviewRecorded')}</span>}
        </form>
      )}
      <ErrorMessage error={review.error} title={t('policy.reviewFailed')} />
    </section>
  );
}

function Acknowledge({ article }: { article: RenderedArticle }) {
  const { t } = useTranslation('knowledge');
  const mine = useMyAcknowledgement(article.id, article.requiresAck && article.status === 'published');
  const ack = useAcknowledge(article.id);
  const me = mine.data;
  if (!me?.required) return null;
  if (me.acknowledgedAt || ack.isSuccess)
    return (
      <p className="alert alert-ok kb-ack" role="status">
        {me.acknowledgedAt ? (
          <Trans
            t={t}
            i18nKey="ack.doneAt"
            values={{ version: me.version }}
            components={{ time: <Time iso={me.acknowledgedAt} /> }}
          />
        ) : (
          t('ack.done', { version: me.version })
        )}
      </p>
    );
  return (
    <div className="card kb-ack">
      <p>
        <Trans
          t={t}
          i18nKey="ack.please"
          values={{ kind: article.kind, version: me.version }}
          components={{ strong: <strong /> }}
        />
      </p>
      <button type="button" className="primary" disabled={ack.isPending} onClick={() => ack.mutate()}>
        {t('ack.confirm')}
      </button>
      <ErrorMessage error={ack.error} title={t('ack.failed')} />
    </div>
  );
}

function WhoAcknowledged({ article }: { article: RenderedArticle }) {
  const { t } = useTranslation('knowledge');
  const acks = useAcknowledgements(article.id, article.requiresAck);
  const pages = acks.data?.pages ?? [];
  const first = pages[0];
  const acknowledged = pages.flatMap((p) => p.acknowledged);
  const pending = pages.flatMap((p) => p.pending);
  return (
    <section className="card kb-side-card" aria-labelledby="kb-acks-title">
      <h2 id="kb-acks-title">
        {first ? t('acks.titleVersion', { version: first.version }) : t('acks.title')}
      </h2>
      <ErrorMessage error={acks.error} title={t('acks.failed')} />
      {first && (
        <>
          <p className="small muted kb-ack-totals">
            {t('acks.totals', { acknowledged: first.total.acknowledged, pending: first.total.pending })}
          </p>
          {first.total.pending > 0 && (
            <details>
              <summary>{t('acks.notYet', { count: first.total.pending })}</summary>
              <ul className="kb-people" aria-label={t('acks.notYetLabel')}>
                {pending.map((p) => (
                  <li key={p.userId}>{p.name}</li>
                ))}
              </ul>
            </details>
          )}
          {first.total.acknowledged > 0 && (
            <details>
              <summary>{t('acks.acknowledged', { count: first.total.acknowledged })}</summary>
              <ul className="kb-people" aria-label={t('acks.acknowledgedLabel')}>
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
              {t('acks.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Attachments({ id }: { id: number }) {
  const { t } = useTranslation('knowledge');
  const files = useAttachments(id);
  if (files.error)
    return (
      <section className="card kb-side-card" aria-labelledby="kb-files-title">
        <h2 id="kb-files-title">{t('files.title')}</h2>
        <ErrorMessage error={files.error} title={t('files.loadFailed')} />
      </section>
    );
  if (!files.data || files.data.length === 0) return null;
  return (
    <section className="card kb-side-card" aria-labelledby="kb-files-title">
      <h2 id="kb-files-title">{t('files.title')}</h2>
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
  const { t } = useTranslation('knowledge');
  const user = useUser();
  const staff = isStaff(user);
  const [history, setHistory] = useState(false);
  const policy = isPolicyKind(article.kind);
  return (
    <div className="page kb-article-page">
      <p className="kb-crumbs">
        <Link to="/kb">← {t('title')}</Link>
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
        <Trans
          t={t}
          i18nKey="meta.version"
          values={{
            version: article.version,
            by: article.updatedBy?.name ?? '',
            hasBy: article.updatedBy ? 'yes' : 'no',
          }}
          components={{ time: <Time iso={article.updatedAt} /> }}
        />
        {staff && article.sourceTicketId !== null && (
          <>
            {' · '}
            <Trans
              t={t}
              i18nKey="meta.fromTicket"
              values={{ id: article.sourceTicketId }}
              components={{ anchor: <Link to={`/tickets/${article.sourceTicketId}`} /> }}
            />
          </>
        )}
      </p>
      {extra}
      <div className="kb-toolbar">
        {staff && article.generated === null && (
          <Link className="button" to={`/kb/${article.id}/edit`}>
            {t('common:actions.edit')}
          </Link>
        )}
        <a className="button" href={printHref(article.id)} target="_blank" rel="noreferrer">
          {t('toolbar.print')}
        </a>
        <a className="button" href={pdfHref(article.id)}>
          {t('toolbar.pdf')}
        </a>
        {staff && (
          <button type="button" aria-expanded={history} onClick={() => setHistory((h) => !h)}>
            {history ? t('toolbar.hideHistory') : t('toolbar.history')}
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
        <aside className="kb-side" aria-label={t('side.label')}>
          {article.headings.length > 1 && (
            <nav className="card kb-side-card kb-toc" aria-labelledby="kb-toc-title">
              <h2 id="kb-toc-title">{t('side.contents')}</h2>
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
            <h2 id="kb-facts-title">{t('side.details')}</h2>
            <dl className="facts">
              <dt>{t('filter.kind')}</dt>
              <dd>{t(`kind.${article.kind}`)}</dd>
              {staff && (
                <>
                  <dt>{t('filter.audience')}</dt>
                  <dd>{t(`audience.${article.audience}`)}</dd>
                </>
              )}
              <dt>{t('filter.category')}</dt>
              <dd>{article.categoryName ?? t('side.none')}</dd>
              {article.tags.length > 0 && (
                <>
                  <dt>{t('side.tags')}</dt>
                  <dd className="kb-tags">
                    {article.tags.map((tag) => (
                      <Link key={tag} className="tag" to={`/kb?q=${encodeURIComponent(tag)}`}>
                        {tag}
                      </Link>
                    ))}
                  </dd>
                </>
              )}
              {article.publishedAt && (
                <>
                  <dt>{t('status.published')}</dt>
                  <dd>{formatDay(article.publishedAt)}</dd>
                </>
              )}
              {staff && (
                <>
                  <dt>{t('side.helped')}</dt>
                  <dd>
                    {t('side.helpedText', { helped: article.helpedCount, solved: article.solvedCount })}
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
  const { t } = useTranslation('knowledge');
  const id = Number(useParams().id);
  const article = useArticle(id, Number.isInteger(id) && id > 0);
  useTitle(article.data?.title ?? t('article.title'));
  if (!Number.isInteger(id) || id <= 0) return <Navigate to="/kb" replace />;
  if (article.isPending) return <Loading label={t('article.opening')} />;
  if (article.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={article.error} title={t('article.openFailed')} />
        <Link to="/kb">{t('article.back')}</Link>
      </div>
    );
  return <ArticleView article={article.data} />;
}

/** The help desk's service agreement, written by the service from the SLA policies. */
export function ServiceAgreementPage() {
  const { t } = useTranslation('knowledge');
  const sa = useServiceAgreement();
  useTitle(t('agreement.title'));
  if (sa.isPending) return <Loading label={t('agreement.opening')} />;
  if (sa.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={sa.error} title={t('agreement.openFailed')} />
        <Link to="/kb">{t('article.back')}</Link>
      </div>
    );
  return <ArticleView article={sa.data} />;
}
