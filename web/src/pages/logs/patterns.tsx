// Log patterns (/logs/patterns): the mined templates with their variables as chips, counts, a rate sparkline over
// the last hour or day, first and last seen, worst severity, top hosts and an example; sorted and filtered in the
// URL; renamed inline and merged into another pattern (a searchable picker, then a confirmation).
import { type FormEvent, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  type LogPattern,
  type PatternSort,
  severityNames,
  useMergePattern,
  usePatternChoices,
  usePatternRates,
  usePatterns,
  useRenamePattern,
} from '../../api/logs';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { formatRate, LogsTabs, RateSparkline, SeverityBadge, severityLabel, TemplateText } from './parts';

const sparkRanges = {
  hour: { label: 'last hour', ms: 3_600_000, step: 60 },
  day: { label: 'last day', ms: 86_400_000, step: 1800 },
} as const;
type SparkRange = keyof typeof sparkRanges;

function records(n: number): string {
  return `${n.toLocaleString()} record${n === 1 ? '' : 's'}`;
}

/** A pattern's name, editable in place: Enter or Save keeps it, an empty name clears it, Escape cancels. */
export function PatternName({ pattern }: { pattern: LogPattern }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(pattern.name ?? '');
  const rename = useRenamePattern(pattern.id);
  const inputId = useId();
  if (!editing)
    return (
      <div className="pattern-name">
        {pattern.name ? <strong>{pattern.name}</strong> : null}
        <button
          type="button"
          className="link-button small"
          onClick={() => {
            setName(pattern.name ?? '');
            setEditing(true);
          }}
        >
          {pattern.name ? 'Rename' : 'Name it'}
          <span className="visually-hidden">: pattern {pattern.name ?? pattern.template}</span>
        </button>
      </div>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate(name.trim() || null, { onSuccess: () => setEditing(false) });
  };
  return (
    <form className="inline-form pattern-rename" onSubmit={submit} aria-label="Rename pattern">
      <label htmlFor={inputId} className="visually-hidden">
        Pattern name
      </label>
      <input
        id={inputId}
        // biome-ignore lint/a11y/noAutofocus: the reader asked to edit this name
        autoFocus
        value={name}
        maxLength={200}
        placeholder="A name people recognise"
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
      />
      <button type="submit" className="primary" disabled={rename.isPending}>
        Save
      </button>
      <button type="button" className="ghost" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorMessage error={rename.error} title="Not renamed." />
    </form>
  );
}

/** Merge one pattern into another: search, pick, confirm. The survivor keeps its id and takes the counts. */
export function MergeDialog({
  pattern,
  onClose,
  onMerged,
}: {
  pattern: LogPattern;
  onClose: () => void;
  onMerged?: (survivor: LogPattern) => void;
}) {
  const [q, setQ] = useState('');
  const [into, setInto] = useState<LogPattern | null>(null);
  const choices = usePatternChoices(q, true);
  const merge = useMergePattern(pattern.id, (s) => {
    onClose();
    onMerged?.(s);
  });
  const searchId = useId();
  const others = (choices.data ?? []).filter((p) => p.id !== pattern.id);
  return (
    <section className="card merge-panel" aria-label={`Merge pattern ${pattern.name ?? pattern.template}`}>
      <h3 className="flush">Merge into another pattern</h3>
      {!into ? (
        <>
          <p className="hint">
            Its records will be counted and searched as the pattern you pick. This cannot be undone.
          </p>
          <label htmlFor={searchId}>Find the pattern to keep</label>
          <input
            id={searchId}
            type="search"
            value={q}
            placeholder="Words of its template or name"
            onChange={(e) => setQ(e.target.value)}
          />
          {choices.isPending && <Loading />}
          <ErrorMessage error={choices.error} />
          {choices.data && others.length === 0 && <p className="muted small">No other pattern matches.</p>}
          <ul className="pick-list merge-choices">
            {others.map((p) => (
              <li key={p.id}>
                <button type="button" className="merge-choice" onClick={() => setInto(p)}>
                  {p.name && <strong>{p.name} </strong>}
                  <TemplateText template={p.template} />
                  <span className="muted small"> · {records(p.count)}</span>
                </button>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" className="ghost" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <>
          <p>
            Merge <strong>{pattern.name ?? pattern.template}</strong> ({records(pattern.count)}) into{' '}
            <strong>{into.name ?? into.template}</strong> ({records(into.count)})?
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={merge.isPending}
              onClick={() => merge.mutate(into.id)}
            >
              Merge
            </button>
            <button type="button" className="ghost" onClick={() => setInto(null)}>
              Pick another
            </button>
            <button type="button" className="ghost" onClick={onClose}>
              Cancel
            </button>
          </div>
          <ErrorMessage error={merge.error} title="Not merged." />
        </>
      )}
    </section>
  );
}

function PatternRow({ p, rates, range }: { p: LogPattern; rates?: number[]; range: SparkRange }) {
  const [merging, setMerging] = useState(false);
  const title = p.name ?? p.template;
  return (
    <>
      <tr>
        <td className="pattern-cell">
          {/* A name leads; an unnamed pattern offers one after its template. */}
          {p.name && <PatternName pattern={p} />}
          <Link to={`/logs/patterns/${encodeURIComponent(p.id)}`} className="pattern-template">
            <TemplateText template={p.template} />
          </Link>
          <p className="small muted flush pattern-example" title="An example">
            e.g. <code>{p.example}</code>
          </p>
          {!p.name && <PatternName pattern={p} />}
        </td>
        <td data-label="Records" className="num">
          {p.count.toLocaleString()}
        </td>
        <td data-label={`Rate, ${sparkRanges[range].label}`}>
          {rates ? (
            <RateSparkline
              values={rates}
              label={`Records a minute of ${title}, ${sparkRanges[range].label}`}
            />
          ) : (
            <span className="muted small">…</span>
          )}
          <div className="muted small nowrap">{formatRate(p.ratePerMinute)}/min last hour</div>
        </td>
        <td data-label="Seen" className="nowrap small">
          first <Time iso={p.firstSeen} />
          <br />
          last <Time iso={p.lastSeen} />
        </td>
        <td data-label="Worst">
          <SeverityBadge severity={p.worstSeverity} />
        </td>
        <td data-label="Top hosts" className="break small">
          {p.topHosts.length === 0 ? (
            <span className="muted">—</span>
          ) : (
            p.topHosts.slice(0, 3).map((h) => (
              <div key={h.host}>
                {h.host} <span className="muted">{h.count}</span>
              </div>
            ))
          )}
        </td>
        <td className="nowrap">
          <button type="button" onClick={() => setMerging((m) => !m)} aria-expanded={merging}>
            Merge…<span className="visually-hidden"> pattern {title}</span>
          </button>
        </td>
      </tr>
      {merging && (
        <tr className="merge-row">
          <td colSpan={7}>
            <MergeDialog pattern={p} onClose={() => setMerging(false)} />
          </td>
        </tr>
      )}
    </>
  );
}

export default function PatternsPage() {
  useTitle('Patterns · Logs');
  const [params, setParams] = useSearchParams();
  const sort = (params.get('sort') ?? 'last_seen') as PatternSort;
  const range = (params.get('rate') === 'day' ? 'day' : 'hour') as SparkRange;
  const severity = params.get('severity') ?? '';
  const [q, setQ] = useState(params.get('q') ?? '');
  const [host, setHost] = useState(params.get('host') ?? '');
  const set = (next: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };
  const patterns = usePatterns({
    sort,
    q: params.get('q') ?? '',
    host: params.get('host') ?? '',
    severity,
  });
  const items = patterns.data?.pages.flatMap((p) => p.items) ?? [];
  // Fixed to the minute, so the sparklines' request is the same while the list is.
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const spark = sparkRanges[range];
  const rates = usePatternRates(
    items.slice(0, 100).map((p) => p.id),
    new Date(now - spark.ms + 60_000).toISOString(),
    new Date(now + 60_000).toISOString(),
    spark.step,
  );
  const ratesOf = new Map(rates.data?.patterns.map((r) => [r.patternId, r.points.map((pt) => pt.perMinute)]));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Logs</h1>
      </div>
      <LogsTabs />
      <form
        className="log-filters"
        aria-label="Pattern filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: q.trim(), host: host.trim() });
        }}
      >
        <label className="log-filter-q">
          <span>Template or name</span>
          <input type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          <span>Host</span>
          <input value={host} placeholder="any" maxLength={255} onChange={(e) => setHost(e.target.value)} />
        </label>
        <label>
          <span>Has seen</span>
          <select value={severity} onChange={(e) => set({ severity: e.target.value })}>
            <option value="">Any severity</option>
            {severityNames.slice(0, 7).map((s) => (
              <option key={s} value={s}>
                {severityLabel(s)}
                {s === 'emerg' ? '' : ' or worse'}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Sort by</span>
          <select
            value={sort}
            onChange={(e) => set({ sort: e.target.value === 'last_seen' ? '' : e.target.value })}
          >
            <option value="last_seen">Last seen</option>
            <option value="count">Most records</option>
          </select>
        </label>
        <label>
          <span>Rate over</span>
          <select
            value={range}
            onChange={(e) => set({ rate: e.target.value === 'hour' ? '' : e.target.value })}
          >
            <option value="hour">Last hour</option>
            <option value="day">Last day</option>
          </select>
        </label>
        <div className="log-filter-actions">
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
      {patterns.isPending && <Loading />}
      <ErrorMessage error={patterns.error} title="The patterns could not be loaded." />
      {patterns.data && items.length === 0 && (
        <Empty title={params.toString() ? 'No patterns match these filters.' : 'No log patterns yet.'}>
          <p>
            Patterns form as log records arrive: each kind of message becomes one, its variable parts masked.
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table pattern-table">
            <caption className="visually-hidden">Log patterns</caption>
            <thead>
              <tr>
                <th scope="col">Pattern</th>
                <th scope="col" className="num">
                  Records
                </th>
                <th scope="col">Rate ({spark.label})</th>
                <th scope="col">Seen</th>
                <th scope="col">Worst</th>
                <th scope="col">Top hosts</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <PatternRow key={p.id} p={p} rates={ratesOf.get(p.id)} range={range} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {patterns.hasNextPage && (
        <div className="load-row">
          <button
            type="button"
            disabled={patterns.isFetchingNextPage}
            onClick={() => void patterns.fetchNextPage()}
          >
            {patterns.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}
