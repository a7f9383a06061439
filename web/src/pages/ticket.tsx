// A ticket's page for staff: the description and one timeline; a composer for public replies and internal
// notes (with attachments), canned responses and macros (ticket-macros.tsx); and the side panel — state,
// priority, assignment, group, category, watchers, tags; the SLA clocks and manual escalation (ticket-sla.tsx);
// links, merge and split (ticket-links.tsx); its assets, to repair or replace (ticket-assets.tsx); its problem (ticket-problem.tsx); time tracking (ticket-time.tsx). Keys: a assign to me, c comment,
// j/k next/previous ticket in the queue, u back to the queue.
import { type FormEvent, useRef, useState } from 'react';
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
  const user = useUser();
  const navigate = useNavigate();
  const dir = useDirectory();
  const ticket = useTicket(id);
  useTitle(ticket.data ? `#${id} ${ticket.data.title}` : `Ticket #${id}`);
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
    a: () => ticket.data && ticket.data.assigneeId !== user.id && update.mutate({ assigneeId: user.id }),
    c: () => composer.current?.focus(),
    j: () => go(1),
    n: () => go(1),
    k: () => go(-1),
    u: () => navigate(queueHref()),
  });

  if (ticket.isPending) return <Loading label="Opening the ticket…" />;
  if (ticket.error) {
    return (
      <div className="page narrow">
        <ErrorMessage error={ticket.error} title={`Ticket #${id} could not be opened.`} />
        <Link to={queueHref()}>Back to the queue</Link>
      </div>
    );
  }
  const t = ticket.data;
  const staffUsers = dir.users.filter((u) => u.role !== 'requester' && u.active);
  const closed = t.status === 'closed';

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
        <nav aria-label="Ticket navigation" className="ticket-nav">
          <Link to={queueHref()}>← Queue</Link>
          <span className="spacer" />
          <button
            type="button"
            className="ghost"
            onClick={() => go(-1)}
            disabled={neighbour(id, -1) === null}
          >
            Previous
          </button>
          <button type="button" className="ghost" onClick={() => go(1)} disabled={neighbour(id, 1) === null}>
            Next ticket
          </button>
        </nav>
        <div className="page-head">
          <h1>
            <span className="muted">#{t.id}</span> {t.title}
          </h1>
          {!closed && !merging && (
            <button type="button" onClick={() => setMerging(true)}>
              Merge into…
            </button>
          )}
        </div>
        <MergedBanner ticket={t} />
        {merging && !closed && <MergePanel ticket={t} onClose={() => setMerging(false)} />}
        <p className="ticket-meta">
          <StatusBadge status={t.status} /> <PriorityBadge priority={t.priority} />{' '}
          <span className="muted">{t.type === 'incident' ? 'Incident' : 'Request'}</span> ·{' '}
          <span>From {dir.userName(t.requesterId)}</span> · <span className="muted">filed</span>{' '}
          <Time iso={t.createdAt} />
        </p>
        {t.description ? (
          <div className="description">{t.description}</div>
        ) : (
          <p className="muted">No description.</p>
        )}
        <div className="sla-row">
          <SlaPanel ticket={t} />
          <div className="side-stack">
            <EscalatePanel ticket={t} />
            <PagePanel ticket={t} />
          </div>
        </div>
        <ApprovalsPanel ticketId={t.id} />
        <LinksPanel ticket={t} />
        <TicketAssetsPanel ticket={t} />
        <ProblemPanel
          ticket={t}
          onInsert={
            closed
              ? undefined
              : (text) => {
                  setInternal(false);
                  insert(text);
                }
          }
        />
        <LinkedChangesPanel targetType="ticket" targetId={t.id} canRaise={t.mergedIntoId === null} />
        <TimePanel ticket={t} />
        <TicketFieldsPanel ticket={t} />
        <LogContextPanel kind="ticket" id={id} />
        <KnowledgePanel ticket={t} />
        <h2>Timeline</h2>
        <ErrorMessage error={split.error} title="The reply was not split off." />
        <Timeline
          ticketId={id}
          onSplit={closed ? undefined : (c) => split.mutate(c.id)}
          splitting={split.isPending}
        />
        {!closed ? (
          <form className={`card form composer ${internal ? 'internal' : ''}`} onSubmit={submit}>
            <div className="composer-tools">
              <div className="segmented" role="group" aria-label="Kind of comment">
                <button type="button" aria-pressed={!internal} onClick={() => setInternal(false)}>
                  Public reply
                </button>
                <button type="button" aria-pressed={internal} onClick={() => setInternal(true)}>
                  Internal note
                </button>
              </div>
              <span className="spacer" />
              <InsertResponse ticketId={id} internal={internal} onInsert={insert} />
              <MacroMenu ticket={t} />
            </div>
            <label htmlFor="composer" className="visually-hidden">
              {internal ? 'Internal note (staff only)' : 'Public reply to the requester'}
            </label>
            <textarea
              id="composer"
              ref={composer}
              rows={4}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              placeholder={
                internal ? 'A note for staff only — the requester will not see it' : 'Reply to the requester'
              }
            />
            <div className="composer-foot">
              <label className="inline">
                <span>Attach</span>
                <input
                  key={fileKey}
                  type="file"
                  multiple
                  onChange={(e) => setFiles([...(e.target.files ?? [])])}
                />
              </label>
              <button type="submit" className="primary" disabled={comment.isPending}>
                {internal ? 'Add note' : 'Send reply'}
              </button>
            </div>
            <ErrorMessage error={comment.error} title="Not sent — your text is still here." />
          </form>
        ) : (
          t.mergedIntoId === null && <p className="muted">This ticket is closed.</p>
        )}
        <p className="shortcuts-hint muted small">
          Keys: <kbd>a</kbd> assign to me · <kbd>c</kbd> comment · <kbd>j</kbd>/<kbd>k</kbd> next/previous ·{' '}
          <kbd>u</kbd> back to queue
        </p>
      </div>
      <aside className="ticket-side" aria-label="Ticket properties">
        <ErrorMessage error={update.error} title="The change was not saved." />
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select
            id="f-status"
            value={t.status}
            disabled={closed || update.isPending}
            onChange={(e) => update.mutate({ status: e.target.value as Status })}
          >
            {[t.status, ...t.allowedTransitions.filter((s) => s !== t.status)].map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-priority">Priority</label>
          <select
            id="f-priority"
            value={t.priority}
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
          <label htmlFor="f-assignee">Assignee</label>
          <select
            id="f-assignee"
            value={t.assigneeId ?? ''}
            disabled={closed || update.isPending}
            onChange={(e) => update.mutate({ assigneeId: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">Unassigned</option>
            {staffUsers.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          {t.assigneeId !== user.id && !closed && (
            <button
              type="button"
              className="link-button"
              onClick={() => update.mutate({ assigneeId: user.id })}
            >
              Assign to me
            </button>
          )}
        </div>
        <div className="field">
          <label htmlFor="f-group">Group</label>
          <select
            id="f-group"
            value={t.groupId ?? ''}
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
          <label htmlFor="f-category">Category</label>
          <select
            id="f-category"
            value={t.categoryId ?? ''}
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
        <fieldset className="field">
          <legend>Watchers</legend>
          <ul className="chips">
            {t.watcherIds.map((w) => (
              <li key={w} className="chip">
                {dir.userName(w)}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove watcher ${dir.userName(w)}`}
                  disabled={closed}
                  onClick={() => update.mutate({ watcherIds: t.watcherIds.filter((x) => x !== w) })}
                >
                  ×
                </button>
              </li>
            ))}
            {t.watcherIds.length === 0 && <li className="muted small">Nobody is watching.</li>}
          </ul>
          <label htmlFor="f-watch" className="visually-hidden">
            Add a watcher
          </label>
          <select
            id="f-watch"
            value=""
            disabled={closed}
            onChange={(e) =>
              e.target.value && update.mutate({ watcherIds: [...t.watcherIds, Number(e.target.value)] })
            }
          >
            <option value="">Add a watcher…</option>
            {dir.users
              .filter((u) => u.active && !t.watcherIds.includes(u.id))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </fieldset>
        <fieldset className="field">
          <legend>Tags</legend>
          <ul className="chips">
            {t.tags.map((tag) => (
              <li key={tag} className="chip tag">
                {tag}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove tag ${tag}`}
                  disabled={closed}
                  onClick={() => update.mutate({ tags: t.tags.filter((x) => x !== tag) })}
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
              if (tag && !t.tags.includes(tag))
                update.mutate({ tags: [...t.tags, tag] }, { onSuccess: () => setTagText('') });
            }}
          >
            <label htmlFor="f-tag" className="visually-hidden">
              Add a tag
            </label>
            <input
              id="f-tag"
              placeholder="Add a tag"
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              disabled={closed}
              maxLength={50}
            />
            <button type="submit" disabled={closed || !tagText.trim()}>
              Add
            </button>
          </form>
        </fieldset>
        <dl className="facts">
          <dt>Requester</dt>
          <dd>{dir.userName(t.requesterId)}</dd>
          <dt>Updated</dt>
          <dd>
            <Time iso={t.updatedAt} />
          </dd>
          {t.satisfaction !== null && (
            <>
              <dt>Rating</dt>
              <dd>
                {t.satisfaction} of 5{t.satisfactionComment ? ` — “${t.satisfactionComment}”` : ''}
              </dd>
            </>
          )}
        </dl>
      </aside>
    </div>
  );
}
