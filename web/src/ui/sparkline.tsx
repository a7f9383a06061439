// A check's last runs as a small inline SVG line of latencies, failed runs marked: the status board draws
// thousands, so it is plain SVG, no chart library.
import { useTranslation } from 'react-i18next';

export type Run = [atMs: number, latencyMs: number, ok: 0 | 1];

export function Sparkline({
  runs,
  width = 96,
  height = 24,
}: {
  runs: readonly Run[];
  width?: number;
  height?: number;
}) {
  const { t } = useTranslation('ui');
  if (runs.length === 0) return <span className="muted">{t('sparkline.empty')}</span>;
  const max = Math.max(1, ...runs.map((r) => r[1]));
  const step = runs.length > 1 ? width / (runs.length - 1) : 0;
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const points = runs.map((r, i) => `${(i * step).toFixed(1)},${y(r[1]).toFixed(1)}`).join(' ');
  const failed = runs.filter((r) => r[2] === 0).length;
  const last = runs[runs.length - 1] as Run;
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={
        failed
          ? t('sparkline.labelFailed', {
              count: runs.length,
              latest: Math.round(last[1]),
              slowest: Math.round(max),
              failed,
            })
          : t('sparkline.label', {
              count: runs.length,
              latest: Math.round(last[1]),
              slowest: Math.round(max),
            })
      }
    >
      <polyline points={points} fill="none" stroke="var(--accent)" strokeWidth="1.5" />
      {runs.map((r, i) =>
        r[2] === 0 ? <circle key={r[0]} cx={i * step} cy={y(r[1])} r="2.5" fill="var(--danger)" /> : null,
      )}
    </svg>
  );
}
