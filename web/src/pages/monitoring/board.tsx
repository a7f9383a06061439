// The status board: every monitored target with its state, since when, 24 h uptime and each check's last run,
// latency and sparkline, from one request (GET /monitoring/board). Filtered in the browser and drawn as a
// virtual list, so 10,000 targets stay responsive; managers add a target with an HTTP check from here.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import {
  type BoardCheck,
  type BoardTarget,
  type MonitorState,
  monitorStates,
  useBoard,
  useCreateCheck,
  useCreateTarget,
} from '../../api/monitoring';
import { isManager, useUser } from '../../session';
import { useServerNow } from '../../sla';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { type Run, Sparkline } from '../../ui/sparkline';
import { useTitle } from '../../ui/title';
import { formatUptime, MonitoringTabs, MonitorStateBadge, monitorStateLabel, secondsAgo } from './tabs';

/** Tags as the API takes them: "key" or "key:value", comma-separated in the field. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

function AddTargetForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('monitoring');
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'service' | 'host'>('service');
  const [tags, setTags] = useState('');
  const [url, setUrl] = useState('');
  const [interval, setIntervalSeconds] = useState('60');
  const addCheck = useCreateCheck();
  const add = useCreateTarget();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const target = await add.mutateAsync({ name: name.trim(), kind, tags: parseTags(tags) });
    if (url.trim()) {
      const seconds = Number(interval);
      await addCheck.mutateAsync({
        targetId: target.id,
        body: {
          name: 'HTTP',
          spec: { kind: 'http', url: url.trim() },
          intervalSeconds: seconds,
          timeoutSeconds: Math.min(10, seconds),
        },
      });
    }
    onClose();
    navigate(`/monitoring/targets/${target.id}`);
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e).catch(() => {})} aria-labelledby="add-target">
      <h2 id="add-target" className="flush">
        {t('board.add.title')}
      </h2>
      <div className="field-row">
        <Field label={t('board.add.name')} error={fieldError(add.error, '/name')}>
          {(id, d, invalid) => (
            <input
              id={id}
              required
              maxLength={200}
              value={name}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('board.add.kind')}>
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as 'service' | 'host')}>
              <option value="service">{t('board.add.kind.service')}</option>
              <option value="host">{t('board.add.kind.host')}</option>
            </select>
          )}
        </Field>
        <Field
          label={t('board.add.tags')}
          hint={t('board.add.tagsHint')}
          error={fieldError(add.error, '/tags/0')}
        >
          {(id, d) => (
            <input id={id} value={tags} aria-describedby={d} onChange={(e) => setTags(e.target.value)} />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field
          label={t('board.add.url')}
          hint={t('board.add.urlHint')}
          error={fieldError(addCheck.error, '/spec/url')}
        >
          {(id, d) => (
            <input
              id={id}
              type="url"
              placeholder="https://example.com/health" // i18n-ignore: an example address
              value={url}
              aria-describedby={d}
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('board.add.interval')} error={fieldError(addCheck.error, '/intervalSeconds')}>
          {(id, d, invalid) => (
            <input
              id={id}
              className="short"
              type="number"
              min={1}
              max={86400}
              required={Boolean(url.trim())}
              value={interval}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setIntervalSeconds(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={add.isPending || addCheck.isPending}>
          {t('board.add.submit')}
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <ErrorMessage error={add.error} title={t('board.add.failed')} />
      <ErrorMessage error={addCheck.error} title={t('board.add.checkFailed')} />
    </form>
  );
}

function CheckCell({ check, now }: { check: BoardCheck; now: number }) {
  const { t } = useTranslation('monitoring');
  return (
    <li className="board-check">
      <span className="board-check-name">
        <span className={`state-dot monitor-${check.state}`} aria-hidden="true" />
        {check.name}
        <span className="visually-hidden">: {monitorStateLabel(check.state)}</span>
      </span>
      <span className="muted small nowrap" title={check.lastMessage || undefined}>
        {secondsAgo(check.lastRunAt, now)}
        {check.lastLatencyMs !== null && ` · ${t('board.latency', { ms: Math.round(check.lastLatencyMs) })}`}
      </span>
      <Sparkline runs={check.recentResults as Run[]} />
    </li>
  );
}

function BoardRow({ target }: { target: BoardTarget }) {
  const { t } = useTranslation('monitoring');
  const now = useServerNow();
  return (
    <>
      <div role="cell" className="board-name">
        <Link to={`/monitoring/targets/${target.id}`}>{target.name}</Link>
        {target.tags.length > 0 && (
          <span className="board-tags">
            {target.tags.map((tag) => (
              <span key={tag} className="chip">
                {tag}
              </span>
            ))}
          </span>
        )}
      </div>
      <div role="cell" className="board-state">
        <MonitorStateBadge state={target.state} />
        <span className="muted small nowrap">
          {t('board.since', { ago: secondsAgo(target.stateSince, now) })}
        </span>
      </div>
      <div role="cell" className="board-uptime">
        <span className="narrow-label">{t('board.uptimeLabel')} </span>
        {formatUptime(target.uptime24h)}
      </div>
      <div role="cell">
        <ul className="board-checks" aria-label={t('board.checksOf', { name: target.name })}>
          {target.checks.length === 0 && <li className="muted small">{t('board.noChecks')}</li>}
          {target.checks.map((c) => (
            <CheckCell key={c.id} check={c} now={now} />
          ))}
        </ul>
      </div>
    </>
  );
}

function matches(t: BoardTarget, state: string, tag: string, words: string[]): boolean {
  if (state && t.state !== state) return false;
  if (tag && !t.tags.some((x) => x === tag || x.startsWith(`${tag}:`))) return false;
  if (words.length === 0) return true;
  const hay = `${t.name} ${t.tags.join(' ')} ${t.checks.map((c) => c.name).join(' ')}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export default function BoardPage() {
  const { t } = useTranslation('monitoring');
  useTitle(t('board.title'));
  const user = useUser();
  const board = useBoard();
  const [params, setParams] = useSearchParams();
  const [adding, setAdding] = useState(false);
  const state = params.get('state') ?? '';
  const [tagText, setTagText] = useState(params.get('tag') ?? '');
  const [search, setSearch] = useState(params.get('q') ?? '');
  const tag = useDeferredValue(tagText.trim().toLowerCase());
  const words = useDeferredValue(search);
  const setParam = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  const all = board.data?.targets;
  const counts = useMemo(() => {
    const c: Record<MonitorState, number> = { up: 0, down: 0, pending: 0, paused: 0 };
    for (const target of all ?? []) c[target.state]++;
    return c;
  }, [all]);
  const items = useMemo(() => {
    const w = words.toLowerCase().split(/\s+/).filter(Boolean);
    // Down first, then pending, up, paused; by name within a state.
    const order = new Map(monitorStates.map((s, i) => [s, i]));
    return (all ?? [])
      .filter((target) => matches(target, state, tag, w))
      .sort((a, b) => (order.get(a.state) ?? 0) - (order.get(b.state) ?? 0) || a.name.localeCompare(b.name));
  }, [all, state, tag, words]);

  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 10,
    getItemKey: (i) => items[i]?.id ?? i,
  });

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('board.title')}</h1>
        {isManager(user) && !adding && (
          <div className="actions">
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              {t('board.add.title')}
            </button>
          </div>
        )}
      </div>
      <MonitoringTabs />
      {adding && <AddTargetForm onClose={() => setAdding(false)} />}
      {all && (
        <ul className="board-summary" aria-label={t('board.byState')}>
          {monitorStates.map((s) => (
            <li key={s}>
              <button
                type="button"
                className={`summary-chip ${state === s ? 'active' : ''}`}
                aria-pressed={state === s}
                onClick={() => setParam('state', state === s ? '' : s)}
              >
                <span className={`state-dot monitor-${s}`} aria-hidden="true" />
                {monitorStateLabel(s)} <strong>{counts[s]}</strong>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="filters" role="group" aria-label={t('board.filters')}>
        <label className="inline">
          <span>{t('board.search')}</span>
          <input
            type="search"
            value={search}
            placeholder={t('board.searchPlaceholder')}
            onChange={(e) => {
              setSearch(e.target.value);
              setParam('q', e.target.value.trim());
            }}
          />
        </label>
        <label className="inline">
          <span>{t('board.state')}</span>
          <select value={state} onChange={(e) => setParam('state', e.target.value)}>
            <option value="">{t('board.anyState')}</option>
            {monitorStates.map((s) => (
              <option key={s} value={s}>
                {monitorStateLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>{t('board.tag')}</span>
          <input
            className="short"
            value={tagText}
            placeholder={t('board.anyTag')}
            maxLength={100}
            onChange={(e) => {
              setTagText(e.target.value);
              setParam('tag', e.target.value.trim().toLowerCase());
            }}
          />
        </label>
        <span className="muted" role="status">
          {all ? t('board.shown', { shown: items.length, total: all.length }) : ''}
        </span>
      </div>
      {board.isPending && <Loading />}
      <ErrorMessage error={board.error} title={t('board.loadFailed')} />
      {all && all.length === 0 && (
        <Empty title={t('board.empty')}>{isManager(user) && <p>{t('board.emptyHint')}</p>}</Empty>
      )}
      {all && all.length > 0 && items.length === 0 && <Empty title={t('board.noMatch')} />}
      {items.length > 0 && (
        <div className="board" role="table" aria-label={t('board.targets')} aria-rowcount={items.length + 1}>
          <div className="board-row board-header" role="row" aria-rowindex={1}>
            <span role="columnheader">{t('board.column.target')}</span>
            <span role="columnheader">{t('board.column.state')}</span>
            <span role="columnheader">{t('board.column.uptime')}</span>
            <span role="columnheader">{t('board.column.checks')}</span>
          </div>
          <div className="board-scroll" ref={scroller} data-testid="board-scroll">
            <div role="rowgroup" style={{ height: rows.getTotalSize(), position: 'relative' }}>
              {rows.getVirtualItems().map((v) => {
                const target = items[v.index] as BoardTarget;
                return (
                  <div
                    key={target.id}
                    role="row"
                    aria-rowindex={v.index + 2}
                    data-index={v.index}
                    ref={rows.measureElement}
                    className={`board-row state-${target.state}`}
                    style={{ transform: `translateY(${v.start}px)` }}
                  >
                    <BoardRow target={target} />
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
