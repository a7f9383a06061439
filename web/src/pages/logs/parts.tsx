// What the logs pages share: the tab bar (Search · Live tail · Patterns), the filter kept in the URL and its form,
// severity badges, record times in local time with the zone, a template with its variables as chips, and a
// pattern's rate as a small SVG line (the list draws fifty; no chart library for that).
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation, useSearchParams } from 'react-router-dom';
import { type LogFilterQuery, type SeverityName, severityNames } from '../../api/logs';
import { t as translate } from '../../i18n';
import { dateTimeFormat, numberFormat } from '../../locale';

export function LogsTabs() {
  const { t } = useTranslation('logs');
  // A pattern's page belongs to the patterns tab.
  const onPatterns = useLocation().pathname.startsWith('/logs/patterns');
  return (
    <nav className="tabs" aria-label={t('title')}>
      <NavLink to="/logs" end>
        {t('tabs.search')}
      </NavLink>
      <NavLink to="/logs/tail">{t('tabs.tail')}</NavLink>
      <NavLink
        to="/logs/patterns"
        className={onPatterns ? 'active' : undefined}
        aria-current={onPatterns ? 'page' : undefined}
      >
        {t('tabs.patterns')}
      </NavLink>
    </nav>
  );
}

/** A syslog severity in words (logs:severity.*), read when shown so it follows the language. */
export function severityLabel(s: number | string): string {
  const name = typeof s === 'number' ? severityNames[s] : s;
  if (!name) return String(s);
  return severityNames.includes(name as SeverityName) ? translate(`logs:severity.${name}`) : name;
}

/** Errors and worse look alike (danger), warnings warn, the rest are quiet: the word carries the meaning. */
export function SeverityBadge({ severity }: { severity: number }) {
  const tone = severity <= 3 ? 'sev-error' : severity === 4 ? 'sev-warning' : 'sev-info';
  return <span className={`badge ${tone}`}>{severityLabel(severity)}</span>;
}

const recordTime = dateTimeFormat({
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});
const shortTime = dateTimeFormat({
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A record's time in the browser's zone, to the second, with the zone named (logs are compared across hosts). */
export function RecordTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{recordTime.format(new Date(iso))}</time>;
}

export function formatShort(iso: string | number): string {
  return shortTime.format(new Date(iso));
}

/** A template's constant words as text and each `<*>` as a chip: where messages of the pattern differ. */
export function TemplateText({ template }: { template: string }) {
  const parts = template.split('<*>');
  return (
    <span className="template">
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string, in order
        <span key={i}>
          {p}
          {i < parts.length - 1 && (
            <span className="var-chip" title={translate('logs:template.variable')}>
              {'<*>'}
            </span>
          )}
        </span>
      ))}
    </span>
  );
}

export function patternTitle(p: { name: string | null; template: string }) {
  return p.name ? <strong>{p.name}</strong> : <TemplateText template={p.template} />;
}

/** Records per minute as a small line; the label says the peak and the latest, for people who cannot see it. */
export function RateSparkline({
  values,
  label,
  width = 110,
  height = 26,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  if (values.length === 0) return <span className="muted small">{translate('logs:rate.noData')}</span>;
  const max = Math.max(...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => height - 2 - (max > 0 ? (v / max) * (height - 4) : 0);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values[values.length - 1] ?? 0;
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={translate('logs:rate.label', { label, peak: formatRate(max), latest: formatRate(last) })}
    >
      <polyline points={points} fill="none" stroke="var(--accent)" strokeWidth="1.5" />
    </svg>
  );
}

const oneDecimal = numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = numberFormat({ maximumFractionDigits: 0 });

export function formatRate(perMinute: number): string {
  if (perMinute === 0) return '0';
  if (perMinute < 0.1) return `<${oneDecimal.format(0.1)}`;
  return perMinute < 10 ? oneDecimal.format(perMinute) : whole.format(perMinute);
}

// -- the filter, kept in the URL --

// Each preset's words are logs:filter.range.<key>.
export const rangePresets = [
  { key: '15m', ms: 15 * 60_000 },
  { key: '1h', ms: 3_600_000 },
  { key: '6h', ms: 6 * 3_600_000 },
  { key: '24h', ms: 86_400_000 },
  { key: '7d', ms: 7 * 86_400_000 },
  { key: '30d', ms: 30 * 86_400_000 },
] as const;
export const defaultRange = '24h';

export interface LogParams {
  q: string;
  host: string;
  app: string;
  /** A severity name: that severity or worse. */
  severity: string;
  /** A preset's key, or 'custom' (then from and to). */
  range: string;
  from: string;
  to: string;
  pattern: string;
}

const paramNames: (keyof LogParams)[] = ['q', 'host', 'app', 'severity', 'range', 'from', 'to', 'pattern'];

export function useLogParams(): [LogParams, (next: Partial<LogParams>) => void] {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => {
    const p = Object.fromEntries(paramNames.map((k) => [k, search.get(k) ?? ''])) as unknown as LogParams;
    if (!p.range) p.range = p.from || p.to ? 'custom' : defaultRange;
    return p;
  }, [search]);
  const set = (next: Partial<LogParams>) => {
    const merged = { ...params, ...next };
    const s = new URLSearchParams();
    for (const k of paramNames) {
      const v = merged[k];
      if (!v || (k === 'range' && v === defaultRange)) continue;
      if ((k === 'from' || k === 'to') && merged.range !== 'custom') continue;
      s.set(k, v);
    }
    setSearch(s, { replace: false });
  };
  return [params, set];
}

/**
 * The filter the API takes. A preset range ends at `now` (fixed when the filter was last set, so that pages and
 * the histogram agree and new records do not shift the pages under the reader).
 */
export function filterOf(p: LogParams, now: number, withRange = true): LogFilterQuery {
  const f: LogFilterQuery = {
    q: p.q,
    host: p.host,
    app: p.app,
    severity: p.severity,
    templateId: p.pattern,
  };
  if (!withRange) return f;
  if (p.range === 'custom') {
    if (p.from) f.from = new Date(p.from).toISOString();
    if (p.to) f.to = new Date(p.to).toISOString();
  } else {
    const preset = rangePresets.find((r) => r.key === p.range) ?? rangePresets[3];
    f.from = new Date(now - preset.ms).toISOString();
  }
  return f;
}

/** An ISO time as a datetime-local input's value (local time, to the minute). */
export function localInput(iso: string | number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The filter form: words, host, app, severity and (for search) the time range; applied on submit. */
export function LogFilterForm({
  params,
  onApply,
  withRange = true,
}: {
  params: LogParams;
  onApply: (next: Partial<LogParams>) => void;
  withRange?: boolean;
}) {
  const { t } = useTranslation('logs');
  const [q, setQ] = useState(params.q);
  const [host, setHost] = useState(params.host);
  const [app, setApp] = useState(params.app);
  const [from, setFrom] = useState(params.from ? localInput(params.from) : '');
  const [to, setTo] = useState(params.to ? localInput(params.to) : '');
  const [seen, setSeen] = useState(params);
  // The URL changed under the form (a bar clicked, back or forward): show what is applied.
  if (seen !== params) {
    setSeen(params);
    setQ(params.q);
    setHost(params.host);
    setApp(params.app);
    setFrom(params.from ? localInput(params.from) : '');
    setTo(params.to ? localInput(params.to) : '');
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Partial<LogParams> = { q: q.trim(), host: host.trim(), app: app.trim() };
    if (params.range === 'custom')
      Object.assign(next, {
        from: from ? new Date(from).toISOString() : '',
        to: to ? new Date(to).toISOString() : '',
      });
    onApply(next);
  };
  return (
    <form className="log-filters" onSubmit={submit} aria-label={t('filter.label')}>
      <label className="log-filter-q">
        <span>{t('filter.q')}</span>
        <input
          type="search"
          value={q}
          placeholder={t('filter.qPlaceholder')}
          maxLength={500}
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      <label>
        <span>{t('filter.host')}</span>
        <input
          value={host}
          placeholder={t('filter.any')}
          maxLength={500}
          onChange={(e) => setHost(e.target.value)}
        />
      </label>
      <label>
        <span>{t('filter.app')}</span>
        <input
          value={app}
          placeholder={t('filter.any')}
          maxLength={500}
          onChange={(e) => setApp(e.target.value)}
        />
      </label>
      <label>
        <span>{t('filter.severity')}</span>
        <select value={params.severity} onChange={(e) => onApply({ severity: e.target.value })}>
          <option value="">{t('filter.anySeverity')}</option>
          {severityNames.map((s) => (
            <option key={s} value={s}>
              {s === 'emerg' ? severityLabel(s) : t('filter.orWorse', { severity: severityLabel(s) })}
            </option>
          ))}
        </select>
      </label>
      {withRange && (
        <label>
          <span>{t('filter.time')}</span>
          <select
            value={params.range}
            onChange={(e) => {
              const range = e.target.value;
              if (range === 'custom') {
                const now = Date.now();
                onApply({
                  range,
                  from: new Date(now - 3_600_000).toISOString(),
                  to: new Date(now).toISOString(),
                });
              } else onApply({ range, from: '', to: '' });
            }}
          >
            {rangePresets.map((r) => (
              <option key={r.key} value={r.key}>
                {t(`filter.range.${r.key}`)}
              </option>
            ))}
            <option value="custom">{t('filter.custom')}</option>
          </select>
        </label>
      )}
      {withRange && params.range === 'custom' && (
        <>
          <label>
            <span>{t('filter.from')}</span>
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            <span>{t('filter.to')}</span>
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
        </>
      )}
      <div className="log-filter-actions">
        <button type="submit" className="primary">
          {t('filter.apply')}
        </button>
      </div>
    </form>
  );
}
