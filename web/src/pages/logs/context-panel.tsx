// "Logs around this": on a ticket's and an incident's page, the log patterns of the hosts it concerns in its window
// (GET /tickets/:id/log-patterns, /incidents/:id/log-patterns) — the sentence first ("This error began 4 minutes
// before the first user report."), each pattern's counts, and a link to the search for those hosts and that
// window. Hidden while loading, on an error (a panel beside the ticket must not get in its way) and when empty.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type LogContext, useLogContext } from '../../api/logs';
import { patternTitle, SeverityBadge } from './parts';

const severityIndex: Record<string, number> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

function searchLink(c: LogContext, p: LogContext['patterns'][number] | null): string {
  const s = new URLSearchParams();
  const hosts = p ? p.hosts : c.hosts.filter((h) => h.logged).map((h) => h.host);
  if (hosts.length) s.set('host', hosts.slice(0, 20).join(','));
  if (p) s.set('pattern', p.id);
  s.set('range', 'custom');
  s.set('from', c.from);
  s.set('to', c.to);
  return `/logs?${s.toString()}`;
}

export function LogContextPanel({ kind, id }: { kind: 'ticket' | 'incident'; id: number }) {
  const { t } = useTranslation('logs');
  const context = useLogContext(kind, id);
  const c = context.data;
  if (!c || c.patterns.length === 0) return null;
  const lead = c.patterns[0];
  const hosts = c.hosts.filter((h) => h.logged).map((h) => h.host);
  return (
    <section className="card log-context" aria-labelledby={`log-context-${kind}-${id}`}>
      <h2 id={`log-context-${kind}-${id}`} className="flush">
        {t('context.title')}
      </h2>
      {lead && <p className="log-context-lead">{lead.sentence}</p>}
      <ul className="log-context-list">
        {c.patterns.slice(0, 8).map((p) => (
          <li key={p.id}>
            <div className="log-context-pattern">
              <SeverityBadge severity={severityIndex[p.worstSeverity] ?? 6} />{' '}
              <Link to={`/logs/patterns/${encodeURIComponent(p.id)}`}>{patternTitle(p)}</Link>
            </div>
            <div className="muted small">
              {p.errors > 0
                ? t('context.countsErrors', { count: p.count, errors: p.errors, hosts: p.hosts.join(', ') })
                : t('context.counts', { count: p.count, hosts: p.hosts.join(', ') })}{' '}
              · <Link to={searchLink(c, p)}>{t('context.see')}</Link>
            </div>
          </li>
        ))}
      </ul>
      <p className="small flush">
        <Link to={searchLink(c, null)}>
          {hosts.length === 1
            ? t('context.searchHost', { host: hosts[0] })
            : t('context.searchHosts', { count: hosts.length })}
        </Link>
        {c.patterns.length > 8 && (
          <span className="muted"> · {t('context.more', { count: c.patterns.length - 8 })}</span>
        )}
      </p>
    </section>
  );
}
