// The queue: built-in queues (mine, my groups, unassigned, all open) and saved views; filters and sort in
// the URL (so views deep-link and survive reloads); server-side paging with virtualised rows, so thousands
// of tickets scroll smoothly; each row's nearest SLA clock counting down its business time left (sla.tsx);
// selection with bulk actions; keyboard moves (j/k, Enter, x, a).

import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useCustomFields } from '../api/catalog';
import { useMacros } from '../api/macros';
import { problemNumber } from '../api/problems';
import { useDeleteView, useSavedViews, useSaveView } from '../api/saved-views';
import { seedTicket, useBulkUpdateTickets, useTicketQueue } from '../api/tickets';
import type { LevelName, Status } from '../api/types';
import { t as translate } from '../i18n';
import { useUser } from '../session';
import { SlaCountdown } from '../sla';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { levelNames, priorityLabel, statusLabel } from '../ui/labels';
import { Empty, ErrorMessage } from '../ui/messages';
import { useShortcuts } from '../ui/shortcuts';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';
import { anyStatus, rememberQueue } from './queue-state';
import { useSlaSetup } from './ticket-sla';

// Labels are catalogue keys (queue:queues.*), read when shown so they follow a change of language.
const queues = {
  mine: { params: { assigneeId: 'me' } },
  groups: { params: { groupId: 'mine' } },
  unassigned: { params: { assigneeId: 'none' } },
  open: { params: {} },
} as const;
type QueueName = keyof typeof queues;

/** The heading names the queue and, when it is not the default (open), the status filter: "All open",
 * "All waiting", "All tickets, any status", "Mine, resolved". */
function queueHeading(queue: QueueName, status: string | null): string {
  const base = queues[queue] ? queueLabel(queue) : translate('queue:heading.queue');
  if (!status || status === 'open') return base;
  if (queue === 'open' && status === anyStatus) return translate('queue:heading.allAnyStatus');
  const named =
    status === anyStatus
      ? translate('queue:heading.anyStatus')
      : status
          .split(',')
          .map((s) => (s in statusLabel ? translate(`queue:heading.status.${s}`) : s))
          .join(', ');
  if (queue === 'open') return translate('queue:heading.allWithStatus', { statuses: named });
  return translate('queue:heading.queueWithStatus', { queue: base, statuses: named });
}

function queueLabel(queue: QueueName): string {
  return translate(`queue:queues.${queue}`);
}

const sorts = [
  ['-updated', 'sort.recentlyUpdated'],
  ['-created', 'sort.newestFirst'],
  ['created', 'sort.oldestFirst'],
  ['-priority', 'sort.highestPriority'],
  ['priority', 'sort.lowestPriority'],
] as const;

const pageSize = 100;

/** The queue's visible columns, as the export names them (ticket, status, priority, assignee or group, SLA, updated). */
const visibleColumns = 'id,title,status,priority,assignee,group,resolutionDueAt,updatedAt';

/**
 * The export of what the queue shows: its filters and sort, its visible columns (CSV with a BOM, for Excel), and
 * the custom field it is filtered on as a column of its own (`field.<key>`).
 */
function exportUrl(query: string, format: 'csv' | 'xlsx'): string {
  const q = new URLSearchParams(query);
  const fieldColumns = [...q.keys()].filter((k) => k.startsWith('field.'));
  q.set('columns', [visibleColumns, ...fieldColumns].join(','));
  if (format === 'csv') q.set('bom', 'true');
  return `/api/v1/tickets/export.${format}?${q}`;
}

export function apiQuery(params: URLSearchParams): string {
  const queue = (params.get('queue') ?? 'open') as QueueName;
  const out = new URLSearchParams(queues[queue]?.params ?? {});
  out.set('status', params.get('status') || 'open');
  for (const k of ['priority', 'tag', 'q', 'groupId', 'assigneeId', 'categoryId', 'problemId']) {
    const v = params.get(k);
    if (v) out.set(k, v);
  }
  // Custom field filters pass through as they are (field.<key>=value).
  for (const [k, v] of params) if (k.startsWith('field.') && v) out.set(k, v);
  out.set('sort', params.get('sort') || '-updated');
  return out.toString();
}

/** Filter the queue on one custom field's value: choices from a list, other types typed. */
function CustomFieldFilter({
  params,
  setParams,
}: {
  params: URLSearchParams;
  setParams: (p: URLSearchParams) => void;
}) {
  const { t } = useTranslation('queue');
  const defs = useCustomFields();
  const current = [...params.keys()].find((k) => k.startsWith('field.'));
  const [key, setKey] = useState(current?.slice('field.'.length) ?? '');
  const def = defs.data?.find((d) => d.key === key);
  const apply = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    for (const old of [...p.keys()]) if (old.startsWith('field.')) p.delete(old);
    if (k && v) p.set(`field.${k}`, v);
    setParams(p);
  };
  const filterable = (defs.data ?? []).filter(
    (d) => d.active && d.type !== 'attachment' && d.type !== 'user',
  );
  if (filterable.length === 0) return null;
  const value = current ? (params.get(current) ?? '') : '';
  return (
    <span className="inline field-filter">
      <label className="inline">
        <span>{t('field.label')}</span>
        <select
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
            apply('', '');
          }}
        >
          <option value="">{t('any')}</option>
          {filterable.map((d) => (
            <option key={d.key} value={d.key}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {def && (def.type === 'choice' || def.type === 'multi_choice') && (
        <select
          aria-label={t('field.is', { field: def.label })}
          value={value}
          onChange={(e) => apply(def.key, e.target.value)}
        >
          <option value="">{t('field.anyValue')}</option>
          {def.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
      {def && def.type !== 'choice' && def.type !== 'multi_choice' && (
        <input
          className="short"
          aria-label={t('field.is', { field: def.label })}
          type={def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text'}
          defaultValue={value}
          key={def.key}
          onBlur={(e) => apply(def.key, e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply(def.key, (e.target as HTMLInputElement).value);
          }}
        />
      )}
    </span>
  );
}

function SavedViews({ current }: { current: string }) {
  const { t } = useTranslation('queue');
  const views = useSavedViews();
  const [name, setName] = useState('');
  const save = useSaveView(() => setName(''));
  const remove = useDeleteView();
  return (
    <section aria-labelledby="saved-views-title" className="saved-views">
      <h2 id="saved-views-title" className="side-title">
        {t('views.title')}
      </h2>
      {views.data && views.data.length === 0 && <p className="muted small">{t('views.empty')}</p>}
      <ul>
        {(views.data ?? []).map((v) => (
          <li key={v.id} className="saved-view">
            <Link to={`/queue?${v.query}`} aria-current={v.query === current ? 'page' : undefined}>
              {v.name}
            </Link>
            <button
              type="button"
              className="icon-button"
              aria-label={t('views.delete', { name: v.name })}
              onClick={() => remove.mutate(v.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="save-view"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) save.mutate({ name, query: current });
        }}
      >
        <label htmlFor="save-view-name" className="visually-hidden">
          {t('views.nameLabel')}
        </label>
        <input
          id="save-view-name"
          placeholder={t('views.namePlaceholder')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
        />
        <button type="submit" disabled={!name.trim() || save.isPending}>
          {t('common:actions.save')}
        </button>
      </form>
      <ErrorMessage error={save.error ?? remove.error} title={t('views.error')} />
    </section>
  );
}

function BulkBar({
  ids,
  onDone,
}: {
  ids: number[];
  onDone: (message: string | null, clear: boolean) => void;
}) {
  const { t } = useTranslation('queue');
  const user = useUser();
  const dir = useDirectory();
  const macros = useMacros();
  const bulk = useBulkUpdateTickets(ids, (r) => {
    const failed = r.results.filter((x) => !x.ok);
    onDone(
      failed.length === 0
        ? t('bulk.changed', { count: r.results.length })
        : t('bulk.partly', {
            changed: r.results.length - failed.length,
            refused: failed.length,
            details: failed.map((f) => `#${f.id} ${f.error?.detail ?? ''}`).join('; '),
          }),
      failed.length === 0,
    );
  });
  return (
    <div className="bulk-bar" role="region" aria-label={t('bulk.label')}>
      <strong>{t('bulk.selected', { count: ids.length })}</strong>
      <button type="button" onClick={() => bulk.mutate({ assigneeId: user.id })} disabled={bulk.isPending}>
        {t('bulk.assignToMe')}
      </button>
      <label className="inline">
        <span>{t('status')}</span>
        <select
          value=""
          onChange={(e) => e.target.value && bulk.mutate({ status: e.target.value as Status })}
          disabled={bulk.isPending}
        >
          <option value="">{t('bulk.setStatus')}</option>
          {(['in_progress', 'pending', 'resolved'] as Status[]).map((s) => (
            <option key={s} value={s}>
              {statusLabel[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span>{t('common:priority.label')}</span>
        <select
          value=""
          onChange={(e) => e.target.value && bulk.mutate({ priority: e.target.value as LevelName })}
          disabled={bulk.isPending}
        >
          <option value="">{t('bulk.setPriority')}</option>
          {levelNames.map((l) => (
            <option key={l} value={l}>
              {priorityLabel[l]}
            </option>
          ))}
        </select>
      </label>
      {dir.groups.length > 0 && (
        <label className="inline">
          <span>{t('bulk.group')}</span>
          <select
            value=""
            onChange={(e) => e.target.value && bulk.mutate({ groupId: Number(e.target.value) })}
            disabled={bulk.isPending}
          >
            <option value="">{t('bulk.moveToGroup')}</option>
            {dir.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {macros.data && macros.data.length > 0 && (
        <label className="inline">
          <span>{t('bulk.macro')}</span>
          <select
            value=""
            onChange={(e) => e.target.value && bulk.mutate({ macroId: Number(e.target.value) })}
            disabled={bulk.isPending}
          >
            <option value="">{t('bulk.applyMacro')}</option>
            {macros.data.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" className="ghost" onClick={() => onDone(null, true)}>
        {t('bulk.clear')}
      </button>
      {bulk.isPending && <span className="bulk-status">{t('bulk.working')}</span>}
      <ErrorMessage error={bulk.error} title={t('bulk.error')} />
    </div>
  );
}

export function QueuePage() {
  const { t } = useTranslation('queue');
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const dir = useDirectory();
  const slaSetup = useSlaSetup();
  const queue = (params.get('queue') ?? 'open') as QueueName;
  const query = useMemo(() => apiQuery(params), [params]);
  const viewQuery = params.toString();
  const heading = queueHeading(queue, params.get('status'));
  useTitle(heading);

  const list = useTicketQueue(query, pageSize);
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  useEffect(
    () =>
      rememberQueue(
        items.map((x) => x.id),
        viewQuery,
      ),
    [items, viewQuery],
  );

  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [bulkMessage, setBulkMessage] = useState<string | null>(null);
  const [cursor, setCursor] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another list (query) starts with nothing selected
  useEffect(() => setSelected(new Set()), [query]);

  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: list.hasNextPage ? items.length + 1 : items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 52,
    overscan: 12,
  });
  const virtualItems = rows.getVirtualItems();
  const lastIndex = virtualItems.length ? virtualItems[virtualItems.length - 1].index : 0;
  useEffect(() => {
    if (lastIndex >= items.length - 20 && list.hasNextPage && !list.isFetchingNextPage)
      void list.fetchNextPage();
  }, [lastIndex, items.length, list]);

  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const focusRow = (i: number) => {
    const idx = Math.max(0, Math.min(items.length - 1, i));
    setCursor(idx);
    rows.scrollToIndex(idx, { align: 'auto' });
    window.requestAnimationFrame(() => document.getElementById(`row-link-${items[idx]?.id}`)?.focus());
  };
  const prefetch = (id: number) => {
    const ticket = items.find((x) => x.id === id);
    if (ticket) seedTicket(qc, ticket);
  };

  useShortcuts({
    j: () => focusRow(cursor + 1),
    k: () => focusRow(cursor - 1),
    x: () => items[cursor] && toggle(items[cursor].id),
    o: () => items[cursor] && navigate(`/tickets/${items[cursor].id}`),
  });

  // Typed filters reach the URL (and the server) after a short pause.
  const [filterText, setFilterText] = useState(params.get('q') ?? '');
  const [tagText, setTagText] = useState(params.get('tag') ?? '');
  const latest = useRef(params);
  latest.current = params;
  // Through a ref: react-router makes a new setParams whenever the URL changes, and an effect rerun by that
  // alone would write the old typed text back over a link's URL if its timer fired before the fields caught up.
  const write = useRef(setParams);
  write.current = setParams;
  // What this page last wrote to the URL: anything else (a queue link, a saved view) resets the fields.
  const written = useRef({ q: params.get('q') ?? '', tag: params.get('tag') ?? '' });
  useEffect(() => {
    const q = params.get('q') ?? '';
    const tag = params.get('tag') ?? '';
    if (q !== written.current.q) setFilterText(q);
    if (tag !== written.current.tag) setTagText(tag);
    written.current = { q, tag };
  }, [params]);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const p = new URLSearchParams(latest.current);
      let changed = false;
      for (const [k, v] of [
        ['q', filterText.trim()],
        ['tag', tagText.trim().toLowerCase()],
      ] as const) {
        if ((p.get(k) ?? '') === v) continue;
        changed = true;
        if (v) p.set(k, v);
        else p.delete(k);
      }
      if (!changed) return;
      written.current = { q: p.get('q') ?? '', tag: p.get('tag') ?? '' };
      write.current(p, { replace: true });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [filterText, tagText]);

  return (
    <div className="workspace">
      <aside className="sidebar" aria-label={t('queues.label')}>
        <h2 className="side-title">{t('queues.label')}</h2>
        <ul className="queue-nav">
          {(Object.keys(queues) as QueueName[]).map((name) => (
            <li key={name}>
              <Link
                to={`/queue?queue=${name}`}
                aria-current={queue === name && params.size <= 1 ? 'page' : undefined}
              >
                {queueLabel(name)}
              </Link>
            </li>
          ))}
        </ul>
        <SavedViews current={viewQuery} />
      </aside>
      <section className="queue" aria-labelledby="queue-title">
        <div className="page-head">
          <h1 id="queue-title">{heading}</h1>
          <span className="spacer" />
          <Link to="/macros">{t('links.macros')}</Link>
          <Link className="button primary" to="/tickets/new">
            {t('links.newTicket')}
          </Link>
          <span className="muted" role="status">
            {list.isPending
              ? t('common:loading')
              : list.hasNextPage
                ? t('countMore', { count: items.length })
                : t('count', { count: items.length })}
          </span>
        </div>
        <div className="filters" role="group" aria-label={t('filters.label')}>
          <label className="inline">
            <span>{t('filters.words')}</span>
            <input
              type="search"
              value={filterText}
              onChange={(e) => setFilterText(e.target.value)}
              placeholder={t('filters.wordsPlaceholder')}
            />
          </label>
          <label className="inline">
            <span>{t('status')}</span>
            <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('filters.open')}</option>
              {(Object.keys(statusLabel) as Status[]).map((s) => (
                <option key={s} value={s}>
                  {statusLabel[s]}
                </option>
              ))}
              <option value={anyStatus}>{t('any')}</option>
            </select>
          </label>
          <label className="inline">
            <span>{t('common:priority.label')}</span>
            <select value={params.get('priority') ?? ''} onChange={(e) => set('priority', e.target.value)}>
              <option value="">{t('any')}</option>
              {levelNames.map((l) => (
                <option key={l} value={l}>
                  {priorityLabel[l]}
                </option>
              ))}
              <option value="high,very_high">{t('filters.highAndCritical')}</option>
            </select>
          </label>
          <CustomFieldFilter params={params} setParams={(p) => setParams(p, { replace: true })} />
          {dir.categories.length > 0 && (
            <label className="inline">
              <span>{t('filters.category')}</span>
              <select
                value={params.get('categoryId') ?? ''}
                onChange={(e) => set('categoryId', e.target.value)}
              >
                <option value="">{t('any')}</option>
                {dir.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="inline">
            <span>{t('filters.tag')}</span>
            <input
              className="short"
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              placeholder={t('filters.tagPlaceholder')}
              maxLength={50}
            />
          </label>
          {/^[1-9]\d{0,9}$/.test(params.get('problemId') ?? '') && (
            <span className="chip problem-filter">
              <Link to={`/problems/${params.get('problemId')}`}>
                {t('filters.incidentsOf', { problem: problemNumber(Number(params.get('problemId'))) })}
              </Link>
              <button
                type="button"
                className="icon-button"
                aria-label={t('filters.removeProblem')}
                onClick={() => set('problemId', '')}
              >
                ×
              </button>
            </span>
          )}
          <label className="inline">
            <span>{t('filters.sort')}</span>
            <select value={params.get('sort') ?? '-updated'} onChange={(e) => set('sort', e.target.value)}>
              {sorts.map(([v, l]) => (
                <option key={v} value={v}>
                  {t(l)}
                </option>
              ))}
            </select>
          </label>
          <span className="inline export-links">
            <a href={exportUrl(query, 'csv')} download>
              {t('export.csv')}
            </a>{' '}
            <a href={exportUrl(query, 'xlsx')} download>
              {t('export.xlsx')}
            </a>
          </span>
        </div>
        {selected.size > 0 && (
          <BulkBar
            ids={[...selected]}
            onDone={(message, clear) => {
              setBulkMessage(message);
              if (clear) setSelected(new Set());
            }}
          />
        )}
        <p role="status" className="bulk-status">
          {bulkMessage}
        </p>
        <ErrorMessage error={list.error} title={t('errors.load')} />
        {list.data && items.length === 0 && (
          <Empty title={t('empty.title')}>
            <p>{queue === 'mine' ? t('empty.mine') : t('empty.filtered')}</p>
          </Empty>
        )}
        {items.length > 0 && (
          <div
            className="ticket-table"
            role="table"
            aria-label={t('table.label')}
            aria-rowcount={items.length}
          >
            <div className="tt-row tt-header" role="row">
              <span role="columnheader" className="tt-check">
                <input
                  type="checkbox"
                  aria-label={t('table.selectAll')}
                  checked={selected.size > 0 && selected.size === items.length}
                  onChange={(e) =>
                    setSelected(e.target.checked ? new Set(items.map((x) => x.id)) : new Set())
                  }
                />
              </span>
              <span role="columnheader" className="tt-title">
                {t('table.ticket')}
              </span>
              <span role="columnheader" className="tt-status">
                {t('status')}
              </span>
              <span role="columnheader" className="tt-prio">
                {t('common:priority.label')}
              </span>
              <span role="columnheader" className="tt-who">
                {t('table.assignee')}
              </span>
              <span role="columnheader" className="tt-sla">
                {t('table.businessTimeLeft')}
              </span>
              <span role="columnheader" className="tt-time">
                {t('table.updated')}
              </span>
            </div>
            <div className="tt-scroll" ref={scroller} data-testid="queue-scroll">
              <div role="rowgroup" style={{ height: rows.getTotalSize(), position: 'relative' }}>
                {virtualItems.map((v) => {
                  const row = items[v.index];
                  if (!row) {
                    return (
                      <div
                        key="more"
                        role="row"
                        className="tt-row tt-more"
                        style={{ transform: `translateY(${v.start}px)` }}
                      >
                        <span role="cell">{t('table.loadingMore')}</span>
                      </div>
                    );
                  }
                  return (
                    <div
                      key={row.id}
                      role="row"
                      aria-rowindex={v.index + 1}
                      data-index={v.index}
                      ref={rows.measureElement}
                      className={`tt-row ${selected.has(row.id) ? 'selected' : ''} ${v.index === cursor ? 'cursor' : ''}`}
                      style={{ transform: `translateY(${v.start}px)` }}
                    >
                      <span role="cell" className="tt-check">
                        <input
                          type="checkbox"
                          aria-label={t('table.select', { id: row.id })}
                          checked={selected.has(row.id)}
                          onChange={() => toggle(row.id)}
                        />
                      </span>
                      {/* A title cut short at phone width reads whole on hover. */}
                      <span role="cell" className="tt-title" title={row.title}>
                        <Link
                          id={`row-link-${row.id}`}
                          to={`/tickets/${row.id}`}
                          onFocus={() => setCursor(v.index)}
                          onMouseEnter={() => prefetch(row.id)}
                        >
                          <span className="muted">#{row.id}</span> {row.title}
                        </Link>
                        {row.tags.length > 0 && (
                          <span className="tags-inline">
                            {row.tags.slice(0, 3).map((tag) => (
                              <span key={tag} className="tag">
                                {tag}
                              </span>
                            ))}
                          </span>
                        )}
                      </span>
                      <span role="cell" className="tt-status">
                        <StatusBadge status={row.status} />
                      </span>
                      <span role="cell" className="tt-prio">
                        <PriorityBadge priority={row.priority} />
                      </span>
                      <span
                        role="cell"
                        className="tt-who"
                        title={
                          row.assigneeId
                            ? dir.userName(row.assigneeId)
                            : row.groupId
                              ? dir.groupName(row.groupId)
                              : undefined
                        }
                      >
                        {row.assigneeId ? (
                          dir.userName(row.assigneeId)
                        ) : row.groupId ? (
                          dir.groupName(row.groupId)
                        ) : (
                          <span className="muted">{t('table.unassigned')}</span>
                        )}
                      </span>
                      <span role="cell" className="tt-sla">
                        <SlaCountdown
                          sla={row.sla}
                          calendarOf={(c) => (slaSetup.ready ? slaSetup.calendarOf(row.sla, c) : undefined)}
                        />
                      </span>
                      <span role="cell" className="tt-time">
                        <Time iso={row.updatedAt} />
                      </span>
                    </div>
                  );
                })}
              </div>
            </div>
          </div>
        )}
        <p className="shortcuts-hint muted small">
          <Trans t={t} i18nKey="shortcuts" components={{ kbd: <kbd /> }} />
        </p>
      </section>
    </div>
  );
}
