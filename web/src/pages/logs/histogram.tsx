// The search's counts over time as bars stacked by severity (errors at the bottom, in the danger colour), drawn
// as buttons in a flex row so the chart fits any width and every bar can be clicked (or tabbed to) to narrow the
// time range to that step.
import type { LogHistogram } from '../../api/logs';
import { formatShort } from './parts';

/** The severities grouped as the bars draw them, worst first. */
const bands = [
  { key: 'error', label: 'Error or worse', sev: [0, 1, 2, 3] },
  { key: 'warning', label: 'Warning', sev: [4] },
  { key: 'info', label: 'Notice, info, debug', sev: [5, 6, 7] },
] as const;

export function Histogram({
  data,
  onPick,
}: {
  data: LogHistogram;
  onPick: (from: string, to: string) => void;
}) {
  const max = Math.max(1, ...data.buckets.map((b) => b.total));
  const total = data.buckets.reduce((s, b) => s + b.total, 0);
  const stepMs = data.stepSeconds * 1000;
  const first = data.buckets[0];
  const last = data.buckets[data.buckets.length - 1];
  return (
    <figure className="histogram" aria-label="Records over time by severity">
      <div className="histogram-bars">
        {data.buckets.map((b) => {
          const end = new Date(Date.parse(b.start) + stepMs).toISOString();
          const parts = bands.map((band) => ({
            ...band,
            count: band.sev.reduce((s: number, i: number) => s + (b.bySeverity[i] ?? 0), 0),
          }));
          const detail = parts
            .filter((p) => p.count > 0)
            .map((p) => `${p.count} ${p.key === 'error' ? 'error' : p.key}`)
            .join(', ');
          return (
            <button
              key={b.start}
              type="button"
              className="histogram-bar"
              disabled={b.total === 0}
              title={`${formatShort(b.start)}: ${b.total} record${b.total === 1 ? '' : 's'}${detail ? ` (${detail})` : ''}`}
              aria-label={`${formatShort(b.start)} to ${formatShort(end)}: ${b.total} records${detail ? `, ${detail}` : ''}. Show only this time`}
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
        <span>
          {total} record{total === 1 ? '' : 's'} · a bar is {stepText(data.stepSeconds)} · click one to zoom
          in
        </span>
        <span>{last ? formatShort(data.to) : ''}</span>
      </figcaption>
      <ul className="histogram-legend small" aria-label="Colours">
        {bands.map((b) => (
          <li key={b.key}>
            <span className={`histogram-swatch sev-${b.key}`} aria-hidden="true" />
            {b.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}

function stepText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  if (seconds < 86_400) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round((seconds / 86_400) * 10) / 10} d`;
}
