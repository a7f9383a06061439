// The search's counts over time as bars stacked by severity (errors at the bottom, in the danger colour), drawn
// as buttons in a flex row so the chart fits any width and every bar can be clicked (or tabbed to) to narrow the
// time range to that step.
import { useTranslation } from 'react-i18next';
import type { LogHistogram } from '../../api/logs';
import { t as translate } from '../../i18n';
import { formatShort } from './parts';

/** The severities grouped as the bars draw them, worst first; their words are logs:histogram.band.*. */
const bands = [
  { key: 'error', sev: [0, 1, 2, 3] },
  { key: 'warning', sev: [4] },
  { key: 'info', sev: [5, 6, 7] },
] as const;

export function Histogram({
  data,
  onPick,
}: {
  data: LogHistogram;
  onPick: (from: string, to: string) => void;
}) {
  const { t } = useTranslation('logs');
  const max = Math.max(1, ...data.buckets.map((b) => b.total));
  const total = data.buckets.reduce((s, b) => s + b.total, 0);
  const stepMs = data.stepSeconds * 1000;
  const first = data.buckets[0];
  const last = data.buckets[data.buckets.length - 1];
  return (
    <figure className="histogram" aria-label={t('histogram.label')}>
      <div className="histogram-bars">
        {data.buckets.map((b) => {
          const end = new Date(Date.parse(b.start) + stepMs).toISOString();
          const parts = bands.map((band) => ({
            ...band,
            count: band.sev.reduce((s: number, i: number) => s + (b.bySeverity[i] ?? 0), 0),
          }));
          const detail = parts
            .filter((p) => p.count > 0)
            .map((p) => t(`histogram.part.${p.key}`, { count: p.count }))
            .join(', ');
          const when = formatShort(b.start);
          return (
            <button
              key={b.start}
              type="button"
              className="histogram-bar"
              disabled={b.total === 0}
              title={
                detail
                  ? t('histogram.barTitleDetail', { when, count: b.total, detail })
                  : t('histogram.barTitle', { when, count: b.total })
              }
              aria-label={
                detail
                  ? t('histogram.barLabelDetail', {
                      from: when,
                      to: formatShort(end),
                      count: b.total,
                      detail,
                    })
                  : t('histogram.barLabel', { from: when, to: formatShort(end), count: b.total })
              }
              onClick={() => onPick(b.start, end)}
            >
              <span className="histogram-stack" style={{ height: `${(b.total / max) * 100}%` }}>
                {parts.map((p) =>
                  p.count > 0 ? (
                    <span
                      key={p.key}
                      className={`histogram-part sev-${p.key}`}
                      style={{ flexGrow: p.count }}
                    />
                  ) : null,
                )}
              </span>
            </button>
          );
        })}
      </div>
      <figcaption className="histogram-axis small muted">
        <span>{first ? formatShort(first.start) : ''}</span>
        <span>{t('histogram.axis', { count: total, step: stepText(data.stepSeconds) })}</span>
        <span>{last ? formatShort(data.to) : ''}</span>
      </figcaption>
      <ul className="histogram-legend small" aria-label={t('histogram.colours')}>
        {bands.map((b) => (
          <li key={b.key}>
            <span className={`histogram-swatch sev-${b.key}`} aria-hidden="true" />
            {t(`histogram.band.${b.key}`)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

function stepText(seconds: number): string {
  if (seconds < 60) return translate('logs:histogram.step.seconds', { n: seconds });
  if (seconds < 3600) return translate('logs:histogram.step.minutes', { n: seconds / 60 });
  if (seconds < 86_400)
    return translate('logs:histogram.step.hours', { n: Math.round((seconds / 3600) * 10) / 10 });
  return translate('logs:histogram.step.days', { n: Math.round((seconds / 86_400) * 10) / 10 });
}
