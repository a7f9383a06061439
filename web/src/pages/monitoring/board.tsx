// The status board: every monitored target with its state, since when, 24 h uptime and each check's last run,
// latency and sparkline, from one request (GET /monitoring/board). Filtered in the browser and drawn as a
// virtual list, so 10,000 targets stay responsive; managers add a target with an HTTP check from here.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, useDeferredValue, useMemo, useRef, useState } from 'react';
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
import { formatUptime, MonitoringTabs, MonitorStateBadge, secondsAgo, stateLabels } from './tabs';

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
        Add a target
      </h2>
      <div className="field-row">
        <Field label="Name" error={fieldError(add.error, '/name')}>
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
        <Field label="Kind">
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as 'service' | 'host')}>
              <option value="service">Service</option>
              <option value="host">Host</option>
            </select>
          )}
        </Field>
        <Field
          label="Tags"
          hint="Comma-separated, e.g. env:prod, web"
          error={fieldError(add.error, '/tags/0')}
        >
          {(id, d) => (
            <input id={id} value={tags} aria-describedby={d} onChange={(e) => setTags(e.target.value)} />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field
          label="HTTP check URL"
          hint="Optional: checked from this server"
          error={fieldError(addCheck.error, '/spec/url')}
        >
          {(id, d) => (
            <input
              id={id}
              type="url"
              placeholder="https://example.com/health"
              value={url}
              aria-describedby={d}
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field label="Every (seconds)" error={fieldError(addCheck.error, '/intervalSeconds')}>
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
          Add target
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={add.error} title="Not added." />
      <ErrorMessage error={addCheck.error} title="The target was added, its check was not." />
    </form>
  );
}

function CheckCell({ check, now }: { check: BoardCheck; now: number }) {
  return (
    <li className="board-check">
      <span className="board-check-name">
        <span className={`state-dot monitor-${check.state}`} aria-hidden="true" />
        {check.name}
        <span className="visually-hidden">: {stateLabels[check.state]}</span>
      </span>
      <span className="muted small nowrap" title={check.lastMessage || undefined}>
        {secondsAgo(check.lastRunAt, now)}
        {check.lastLatencyMs !== null && ` · ${Math.round(check.lastLatencyMs)} ms`}
      </span>
      <Sparkline runs={check.recentResults as Run[]} />
    </li>
  );
}

function BoardRow({ target }: { target: BoardTarget }) {
  const now = useServerNow();
  return (
    <>
      <div role="cell" className="board-name">
        <Link to={`/monitoring/targets/${target.id}`}>{target.name}</Link>
        {target.tags.length > 0 && (
          <span className="board-tags">
            {target.tags.map((t) => (
              <span key={t} className="chip">
                {t}
              </span>
            ))}
          </span>
        )}
      </div>
      <div role="cell" className="board-state">
        <MonitorStateBadge state={target.state} />
        <span className="muted small nowrap">since {secondsAgo(target.stateSince, now)}</span>
      </div>
      <div role="cell" className="board-uptime">
        <span className="narrow-label">Uptime 24 h: </span>
        {formatUptime(target.uptime24h)}
      </div>
      <div role="cell">
        <ul className="board-checks" aria-label={`Checks of ${target.name}`}>
          {target.checks.length === 0 && <li className="muted small">No checks</li>}
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
  useTitle('Monitoring');
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
    for (const t of all ?? []) c[t.state]++;
    return c;
  }, [all]);
  const items = useMemo(() => {
    const w = words.toLowerCase().split(/\s+/).filter(Boolean);
    // Down first, then pending, up, paused; by name within a state.
    const order = new Map(monitorStates.map((s, i) => [s, i]));
    return (all ?? [])
      .filter((t) => matches(t, state, tag, w))
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
        <h1>Monitoring</h1>
        {isManager(user) && !adding && (
          <div className="actions">
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              Add a target
            </button>
          </div>
        )}
      </div>
      <MonitoringTabs />
      {adding && <AddTargetForm onClose={() => setAdding(false)} />}
      {all && (
        <ul className="board-summary" aria-label="Targets by state">
          {monitorStates.map((s) => (
            <li key={s}>
              <button
                type="button"
                className={`summary-chip ${state === s ? 'active' : ''}`}
                aria-pressed={state === s}
                onClick={() => setParam('state', state === s ? '' : s)}
              >
                <span className={`state-dot monitor-${s}`} aria-hidden="true" />
                {stateLabels[s]} <strong>{counts[s]}</strong>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="filters" role="group" aria-label="Filters">
        <label className="inline">
          <span>Search targets</span>
          <input
            type="search"
            value={search}
            placeholder="Name, tag or check"
            onChange={(e) => {
              setSearch(e.target.value);
              setParam('q', e.target.value.trim());
            }}
          />
        </label>
        <label className="inline">
          <span>State</span>
          <select value={state} onChange={(e) => setParam('state', e.target.value)}>
            <option value="">Any</option>
            {monitorStates.map((s) => (
              <option key={s} value={s}>
                {stateLabels[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Tag</span>
          <input
            className="short"
            value={tagText}
            placeholder="any"
            maxLength={100}
            onChange={(e) => {
              setTagText(e.target.value);
              setParam('tag', e.target.value.trim().toLowerCase());
            }}
          />
        </label>
        <span className="muted" role="status">
          {all ? `${items.length} of ${all.length} target${all.length === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      {board.isPending && <Loading />}
      <ErrorMessage error={board.error} title="The board could not be loaded." />
      {all && all.length === 0 && (
        <Empty title="Nothing is monitored yet.">
          {isManager(user) && <p>Add a target and an HTTP check to see it here.</p>}
        </Empty>
      )}
      {all && all.length > 0 && items.length === 0 && <Empty title="No targets match these filters." />}
      {items.length > 0 && (
        <div className="board" role="table" aria-label="Targets" aria-rowcount={items.length + 1}>
          <div className="board-row board-header" role="row" aria-rowindex={1}>
            <span role="columnheader">Target</span>
            <span role="columnheader">State</span>
            <span role="columnheader">Uptime 24 h</span>
            <span role="columnheader">Checks: last run, latency, recent runs</span>
          </div>
          <div className="board-scroll" ref={scroller} data-testid="board-scroll">
            <div role="rowgroup" style={{ height: rows.getTotalSize(), position: 'relative' }}>
              {rows.getVirtualItems().map((v) => {
                const t = items[v.index] as BoardTarget;
                return (
                  <div
                    key={t.id}
                    role="row"
                    aria-rowindex={v.index + 2}
                    data-index={v.index}
                    ref={rows.measureElement}
                    className={`board-row state-${t.state}`}
                    style={{ transform: `translateY(${v.start}px)` }}
                  >
                    <BoardRow target={t} />
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
