// Log patterns (/logs/patterns): the mined templates with their variables as chips, counts, a rate sparkline over
// the last hour or day, first and last seen, worst severity, top hosts and an example; sorted and filtered in the
// URL; renamed inline and merged into another pattern (a searchable picker, then a confirmation).
import { type FormEvent, useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
import { t as translate } from '../../i18n';
import { numberFormat } from '../../locale';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { formatRate, LogsTabs, RateSparkline, SeverityBadge, severityLabel, TemplateText } from './parts';

// Each range's words are logs:patterns.spark.<key>.
const sparkRanges = {
  hour: { ms: 3_600_000, step: 60 },
  day: { ms: 86_400_000, step: 1800 },
} as const;
type SparkRange = keyof typeof sparkRanges;

const countFormat = numberFormat();

function records(n: number): string {
  return translate('logs:patterns.records', { count: n, formatted: countFormat.format(n) });
}

/** A pattern's name, editable in place: Enter or Save keeps it, an empty name clears it, Escape cancels. */
export function PatternName({ pattern }: { pattern: LogPattern }) {
  const { t } = useTranslation('logs');
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
          {pattern.name ? t('patterns.rename') : t('patterns.nameIt')}
          <span className="visually-hidden">
            {t('patterns.namedSuffix', { name: pattern.name ?? pattern.template })}
          </span>
        </button>
      </div>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate(name.trim() || null, { onSuccess: () => setEditing(false) });
  };
  return (
    <form className="inline-form pattern-rename" onSubmit={submit} aria-label={t('patterns.renameLabel')}>
      <label htmlFor={inputId} className="visually-hidden">
        {t('patterns.nameLabel')}
      </label>
      <input
        id={inputId}
        // biome-ignore lint/a11y/noAutofocus: the reader asked to edit this name
        autoFocus
        value={name}
        maxLength={200}
        placeholder={t('patterns.namePlaceholder')}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
      />
      <button type="submit" className="primary" disabled={rename.isPending}>
        {t('common:actions.save')}
      </button>
      <button type="button" className="ghost" onClick={() => setEditing(false)}>
        {t('common:actions.cancel')}
      </button>
      <ErrorMessage error={rename.error} title={t('patterns.renameFailed')} />
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
  const { t } = useTranslation('logs');
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
    <section
      className="card merge-panel"
      aria-label={t('merge.label', { name: pattern.name ?? pattern.template })}
    >
      <h3 className="flush">{t('merge.title')}</h3>
      {!into ? (
        <>
          <p className="hint">{t('merge.hint')}</p>
          <label htmlFor={searchId}>{t('merge.find')}</label>
          <input
            id={searchId}
            type="search"
            value={q}
            placeholder={t('merge.findPlaceholder')}
            onChange={(e) => setQ(e.target.value)}
          />
          {choices.isPending && <Loading />}
          <ErrorMessage error={choices.error} />
          {choices.data && others.length === 0 && <p className="muted small">{t('merge.noMatch')}</p>}
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
              {t('common:actions.cancel')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>
            <Trans
              t={t}
              i18nKey="merge.confirm"
              values={{ fromCount: records(pattern.count), intoCount: records(into.count) }}
              components={{
                merged: <strong>{pattern.name ?? pattern.template}</strong>,
                survivor: <strong>{into.name ?? into.template}</strong>,
              }}
            />
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={merge.isPending}
              onClick={() => merge.mutate(into.id)}
            >
              {t('merge.submit')}
            </button>
            <button type="button" className="ghost" onClick={() => setInto(null)}>
              {t('merge.pickAnother')}
            </button>
            <button type="button" className="ghost" onClick={onClose}>
              {t('common:actions.cancel')}
            </button>
          </div>
          <ErrorMessage error={merge.error} title={t('merge.failed')} />
        </>
      )}
    </section>
  );
}

function PatternRow({ p, rates, range }: { p: LogPattern; rates?: number[]; range: SparkRange }) {
  const { t } = useTranslation('logs');
  const rangeText = t(`patterns.spark.${range}`);
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
          <p className="small muted flush pattern-example" title={t('patterns.exampleTitle')}>
            <Trans t={t} i18nKey="patterns.example" components={{ example: <code>{p.example}</code> }} />
          </p>
          {!p.name && <PatternName pattern={p} />}
        </td>
        <td data-label={t('patterns.col.records')} className="num">
          {countFormat.format(p.count)}
        </td>
        <td data-label={t('patterns.rateLabel', { range: rangeText })}>
          {rates ? (
            <RateSparkline values={rates} label={t('patterns.sparkLabel', { title, range: rangeText })} />
          ) : (
            <span className="muted small">…</span>
          )}
          <div className="muted small nowrap">
            {t('patterns.lastHourRate', { rate: formatRate(p.ratePerMinute) })}
          </div>
        </td>
        <td data-label={t('patterns.col.seen')} className="nowrap small">
          <Trans t={t} i18nKey="patterns.first" components={{ when: <Time iso={p.firstSeen} /> }} />
          <br />
          <Trans t={t} i18nKey="patterns.last" components={{ when: <Time iso={p.lastSeen} /> }} />
        </td>
        <td data-label={t('patterns.col.worst')}>
          <SeverityBadge severity={p.worstSeverity} />
        </td>
        <td data-label={t('patterns.col.topHosts')} className="break small">
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
            {t('patterns.merge')}
            <span className="visually-hidden">{t('patterns.mergeSuffix', { title })}</span>
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
  const { t } = useTranslation('logs');
  useTitle(t('patterns.pageTitle'));
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
        <h1>{t('title')}</h1>
      </div>
      <LogsTabs />
      <form
        className="log-filters"
        aria-label={t('patterns.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: q.trim(), host: host.trim() });
        }}
      >
        <label className="log-filter-q">
          <span>{t('patterns.q')}</span>
          <input type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          <span>{t('filter.host')}</span>
          <input
            value={host}
            placeholder={t('filter.any')}
            maxLength={255}
            onChange={(e) => setHost(e.target.value)}
          />
        </label>
        <label>
          <span>{t('patterns.hasSeen')}</span>
          <select value={severity} onChange={(e) => set({ severity: e.target.value })}>
            <option value="">{t('patterns.anySeverity')}</option>
            {severityNames.slice(0, 7).map((s) => (
              <option key={s} value={s}>
                {s === 'emerg' ? severityLabel(s) : t('filter.orWorse', { severity: severityLabel(s) })}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('patterns.sortBy')}</span>
          <select
            value={sort}
            onChange={(e) => set({ sort: e.target.value === 'last_seen' ? '' : e.target.value })}
          >
            <option value="last_seen">{t('patterns.sort.lastSeen')}</option>
            <option value="count">{t('patterns.sort.count')}</option>
          </select>
        </label>
        <label>
          <span>{t('patterns.rateOver')}</span>
          <select
            value={range}
            onChange={(e) => set({ rate: e.target.value === 'hour' ? '' : e.target.value })}
          >
            <option value="hour">{t('patterns.rateOver.hour')}</option>
            <option value="day">{t('patterns.rateOver.day')}</option>
          </select>
        </label>
        <div className="log-filter-actions">
          <button type="submit" className="primary">
            {t('filter.apply')}
          </button>
        </div>
      </form>
      {patterns.isPending && <Loading />}
      <ErrorMessage error={patterns.error} title={t('patterns.loadFailed')} />
      {patterns.data && items.length === 0 && (
        <Empty title={params.toString() ? t('patterns.noMatch') : t('patterns.empty')}>
          <p>{t('patterns.emptyHint')}</p>
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table pattern-table">
            <caption className="visually-hidden">{t('patterns.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('patterns.col.pattern')}</th>
                <th scope="col" className="num">
                  {t('patterns.col.records')}
                </th>
                <th scope="col">{t('patterns.col.rate', { range: t(`patterns.spark.${range}`) })}</th>
                <th scope="col">{t('patterns.col.seen')}</th>
                <th scope="col">{t('patterns.col.worst')}</th>
                <th scope="col">{t('patterns.col.topHosts')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('patterns.col.actions')}</span>
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
            {patterns.isFetchingNextPage ? t('common:loading') : t('search.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
