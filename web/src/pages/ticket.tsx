// A ticket's page for staff: the description and one timeline; a composer for public replies and internal
// notes (with attachments), canned responses and macros (ticket-macros.tsx); and the side panel — state,
// priority, assignment, group, category, watchers, tags; the SLA clocks and manual escalation (ticket-sla.tsx);
// links, merge and split (ticket-links.tsx); its assets, to repair or replace (ticket-assets.tsx); its problem (ticket-problem.tsx); time tracking (ticket-time.tsx). Keys: a assign to me, c comment,
// j/k next/previous ticket in the queue, u back to the queue.
import { type FormEvent, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useSplitComment } from '../api/ticket-links';
import { useStaffReply, useTicket, useUpdateTicket } from '../api/tickets';
import type { LevelName, Status } from '../api/types';
import { useUser } from '../session';
import { Timeline } from '../timeline';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { levelNames, priorityLabel, statusLabel } from '../ui/labels';
import { ErrorMessage, Loading } from '../ui/messages';
import { useShortcuts } from '../ui/shortcuts';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';
import { ApprovalsPanel } from './approvals';
import { LinkedChangesPanel } from './changes/linked-changes';
import { PagePanel } from './incidents/page-panel';
import { KnowledgePanel } from './knowledge/ticket-panel';
import { LogContextPanel } from './logs/context-panel';
import { neighbour, queueHref } from './queue-state';
import { TicketAssetsPanel } from './ticket-assets';
import { TicketFieldsPanel } from './ticket-fields';
import { LinksPanel, MergedBanner, MergePanel } from './ticket-links';
import { InsertResponse, MacroMenu } from './ticket-macros';
import { ProblemPanel } from './ticket-problem';
import { EscalatePanel, SlaPanel } from './ticket-sla';
import { TimePanel } from './ticket-time';

export function TicketPage({ id }: { id: number }) {
  const { t } = useTranslation('ticket');
  const user = useUser();
  const navigate = useNavigate();
  const dir = useDirectory();
  const query = useTicket(id);
  useTitle(query.data ? `#${id} ${query.data.title}` : t('title', { id }));
  const composer = useRef<HTMLTextAreaElement>(null);
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [fileKey, setFileKey] = useState(0);
  const [tagText, setTagText] = useState('');
  const [merging, setMerging] = useState(false);

  const update = useUpdateTicket(id);
  const split = useSplitComment(id);
  const comment = useStaffReply(id, () => {
    setBody('');
    setFiles([]);
    setFileKey((k) => k + 1);
  });

  const go = (step: 1 | -1) => {
    const n = neighbour(id, step);
    if (n !== null) navigate(`/tickets/${n}`);
  };
  useShortcuts({
    a: () => query.data && query.data.assigneeId !== user.id && update.mutate({ assigneeId: user.id }),
    c: () => composer.current?.focus(),
    j: () => go(1),
    n: () => go(1),
    k: () => go(-1),
    u: () => navigate(queueHref()),
  });

  if (query.isPending) return <Loading label={t('opening')} />;
  if (query.error) {
    return (
      <div className="page narrow">
        <ErrorMessage error={query.error} title={t('errors.open', { id })} />
        <Link to={queueHref()}>{t('backToQueue')}</Link>
      </div>
    );
  }
  const ticket = query.data;
  const staffUsers = dir.users.filter((u) => u.role !== 'requester' && u.active);
  const closed = ticket.status === 'closed';

  /** Put text at the composer's cursor (replacing a selection), and leave the cursor after it. */
  function insert(text: string) {
    const el = composer.current;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + text + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (body.trim() || files.length) comment.mutate({ body, internal, files });
  }

  return (
    <div className="ticket-page">
      <div className="ticket-main">
        <nav aria-label={t('nav.label')} className="ticket-nav">
          <Link to={queueHref()}>{t('nav.queue')}</Link>
          <span className="spacer" />
          <button
            type="button"
            className="ghost"
            onClick={() => go(-1)}
            disabled={neighbour(id, -1) === null}
          >
            {t('nav.previous')}
          </button>
          <button type="button" className="ghost" onClick={() => go(1)} disabled={neighbour(id, 1) === null}>
            {t('nav.next')}
          </button>
        </nav>
        <div className="page-head">
          <h1>
            <span className="muted">#{ticket.id}</span> {ticket.title}
          </h1>
          {!closed && !merging && (
            <button type="button" onClick={() => setMerging(true)}>
              {t('mergeInto')}
            </button>
          )}
        </div>
        <MergedBanner ticket={ticket} />
        {merging && !closed && <MergePanel ticket={ticket} onClose={() => setMerging(false)} />}
        <p className="ticket-meta">
          <StatusBadge status={ticket.status} /> <PriorityBadge priority={ticket.priority} />{' '}
          <span className="muted">{ticket.type === 'incident' ? t('meta.incident') : t('meta.request')}</span>{' '}
          · <span>{t('meta.from', { name: dir.userName(ticket.requesterId) })}</span> ·{' '}
          <span className="muted">{t('meta.filed')}</span> <Time iso={ticket.createdAt} />
        </p>
        {ticket.description ? (
          <div className="description">{ticket.description}</div>
        ) : (
          <p className="muted">{t('noDescription')}</p>
        )}
        <div className="sla-row">
          <SlaPanel ticket={ticket} />
          <div className="side-stack">
            <EscalatePanel ticket={ticket} />
            <PagePanel ticket={ticket} />
          </div>
        </div>
        <ApprovalsPanel ticketId={ticket.id} />
        <LinksPanel ticket={ticket} />
        <TicketAssetsPanel ticket={ticket} />
        <ProblemPanel
          ticket={ticket}
          onInsert={
            closed
              ? undefined
              : (text) => {
                  setInternal(false);
                  insert(text);
                }
          }
        />
        <LinkedChangesPanel
          targetType="ticket"
          targetId={ticket.id}
          canRaise={ticket.mergedIntoId === null}
        />
        <TimePanel ticket={ticket} />
        <TicketFieldsPanel ticket={ticket} />
        <LogContextPanel kind="ticket" id={id} />
        <KnowledgePanel ticket={ticket} />
        <h2>{t('timeline')}</h2>
        <ErrorMessage error={split.error} title={t('errors.split')} />
        <Timeline
          ticketId={id}
          onSplit={closed ? undefined : (c) => split.mutate(c.id)}
          splitting={split.isPending}
        />
        {!closed ? (
          <form className={`card form composer ${internal ? 'internal' : ''}`} onSubmit={submit}>
            <div className="composer-tools">
              <div className="segmented" role="group" aria-label={t('composer.kind')}>
                <button type="button" aria-pressed={!internal} onClick={() => setInternal(false)}>
                  {t('composer.publicReply')}
                </button>
                <button type="button" aria-pressed={internal} onClick={() => setInternal(true)}>
                  {t('composer.internalNote')}
                </button>
              </div>
              <span className="spacer" />
              <InsertResponse ticketId={id} internal={internal} onInsert={insert} />
              <MacroMenu ticket={ticket} />
            </div>
            <label htmlFor="composer" className="visually-hidden">
              {internal ? t('composer.internalLabel') : t('composer.publicLabel')}
            </label>
            <textarea
              id="composer"
              ref={composer}
              rows={4}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              placeholder={internal ? t('composer.internalPlaceholder') : t('composer.publicPlaceholder')}
            />
            <div className="composer-foot">
              <label className="inline">
                <span>{t('composer.attach')}</span>
                <input
                  key={fileKey}
                  type="file"
                  multiple
                  onChange={(e) => setFiles([...(e.target.files ?? [])])}
                />
              </label>
              <button type="submit" className="primary" disabled={comment.isPending}>
                {internal ? t('composer.addNote') : t('composer.sendReply')}
              </button>
            </div>
            <ErrorMessage error={comment.error} title={t('errors.send')} />
          </form>
        ) : (
          ticket.mergedIntoId === null && <p className="muted">{t('closed')}</p>
        )}
        <p className="shortcuts-hint muted small">
          <Trans t={t} i18nKey="shortcuts" components={{ kbd: <kbd /> }} />
        </p>
      </div>
      <aside className="ticket-side" aria-label={t('side.label')}>
        <ErrorMessage error={update.error} title={t('errors.update')} />
        <div className="field">
          <label htmlFor="f-status">{t('side.status')}</label>
          <select
            id="f-status"
            value={ticket.status}
            disabled={closed || update.isPending}
            onChange={(e) => update.mutate({ status: e.target.value as Status })}
          >
            {[ticket.status, ...ticket.allowedTransitions.filter((s) => s !== ticket.status)].map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-priority">{t('common:priority.label')}</label>
          <select
            id="f-priority"
            value={ticket.priority}
            disabled={closed || update.isPending}
            onChange={(e) => update.mutate({ priority: e.target.value as LevelName })}
          >
            {levelNames.map((l) => (
              <option key={l} value={l}>
                {priorityLabel[l]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-assignee">{t('side.assignee')}</label>
          <select
            id="f-assignee"
            value={ticket.assigneeId ?? ''}
            disabled={closed || update.isPending}
            onChange={(e) => update.mutate({ assigneeId: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">{t('side.unassigned')}</option>
            {staffUsers.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          {ticket.assigneeId !== user.id && !closed && (
            <button
              type="button"
              className="link-button"
              onClick={() => update.mutate({ assigneeId: user.id })}
            >
              {t('side.assignToMe')}
            </button>
          )}
        </div>
        <div className="field">
          <label htmlFor="f-group">{t('side.group')}</label>
          <select
            id="f-group"
            value={ticket.groupId ?? ''}
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
          <label htmlFor="f-category">{t('side.category')}</label>
          <select
            id="f-category"
            value={ticket.categoryId ?? ''}
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
        <fieldset className="field">
          <legend>{t('side.watchers')}</legend>
          <ul className="chips">
            {ticket.watcherIds.map((w) => (
              <li key={w} className="chip">
                {dir.userName(w)}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('side.removeWatcher', { name: dir.userName(w) })}
                  disabled={closed}
                  onClick={() => update.mutate({ watcherIds: ticket.watcherIds.filter((x) => x !== w) })}
                >
                  ×
                </button>
              </li>
            ))}
            {ticket.watcherIds.length === 0 && <li className="muted small">{t('side.noWatchers')}</li>}
          </ul>
          <label htmlFor="f-watch" className="visually-hidden">
            {t('side.addWatcher')}
          </label>
          <select
            id="f-watch"
            value=""
            disabled={closed}
            onChange={(e) =>
              e.target.value && update.mutate({ watcherIds: [...ticket.watcherIds, Number(e.target.value)] })
            }
          >
            <option value="">{t('side.addWatcherOption')}</option>
            {dir.users
              .filter((u) => u.active && !ticket.watcherIds.includes(u.id))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </fieldset>
        <fieldset className="field">
          <legend>{t('side.tags')}</legend>
          <ul className="chips">
            {ticket.tags.map((tag) => (
              <li key={tag} className="chip tag">
                {tag}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('side.removeTag', { tag })}
                  disabled={closed}
                  onClick={() => update.mutate({ tags: ticket.tags.filter((x) => x !== tag) })}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const tag = tagText.trim().toLowerCase();
              if (tag && !ticket.tags.includes(tag))
                update.mutate({ tags: [...ticket.tags, tag] }, { onSuccess: () => setTagText('') });
            }}
          >
            <label htmlFor="f-tag" className="visually-hidden">
              {t('side.addTag')}
            </label>
            <input
              id="f-tag"
              placeholder={t('side.addTag')}
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              disabled={closed}
              maxLength={50}
            />
            <button type="submit" disabled={closed || !tagText.trim()}>
              {t('side.add')}
            </button>
          </form>
        </fieldset>
        <dl className="facts">
          <dt>{t('facts.requester')}</dt>
          <dd>{dir.userName(ticket.requesterId)}</dd>
          <dt>{t('facts.updated')}</dt>
          <dd>
            <Time iso={ticket.updatedAt} />
          </dd>
          {ticket.satisfaction !== null && (
            <>
              <dt>{t('facts.rating')}</dt>
              <dd>
                {ticket.satisfactionComment
                  ? t('facts.ratingWithComment', {
                      score: ticket.satisfaction,
                      comment: ticket.satisfactionComment,
                    })
                  : t('facts.ratingScore', { score: ticket.satisfaction })}
              </dd>
            </>
          )}
        </dl>
      </aside>
    </div>
  );
}
