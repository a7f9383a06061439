// Time series as a uPlot line chart: one line per series of a Prometheus-shaped matrix, on a shared time axis,
// colours from the theme, resized with its box. uPlot is loaded with this module (import it lazily).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** [epoch seconds, value] pairs, ascending, as /api/v1/prom/query_range returns them (values as text). */
  values: [number, string][];
}

const palette = ['--accent', '--ok', '--warn', '--danger', '--text-muted'];

/** The series on one time axis: uPlot wants aligned columns, gaps as null. */
export function alignSeries(series: readonly ChartSeries[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of s.values) {
      const n = Number(v);
      column[index.get(t) as number] = Number.isFinite(n) ? n : null;
    }
    return column;
  });
  return [times, ...columns] as uPlot.AlignedData;
}

export default function TimeSeriesChart({
  series,
  unit,
  height = 220,
  label,
  yRange,
}: {
  series: readonly ChartSeries[];
  /** Shown on the values: 'ms', '%', 'B/s', ''. */
  unit?: string;
  height?: number;
  /** What the chart shows, for people who cannot see it. */
  label: string;
  /** A fixed value axis (a score from 0 to 1), instead of one fitted to the data. */
  yRange?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const colour = (name: string) => css.getPropertyValue(name).trim() || '#2563eb';
    const text = colour('--text-muted');
    const grid = colour('--border');
    const format = (v: number | null) => (v == null ? '–' : `${formatValue(v)}${unit ? ` ${unit}` : ''}`);
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        legend: { show: series.length > 1 && series.length <= 12 },
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: colour(palette[i % palette.length] as string),
            width: 1.5,
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => format(v),
          })),
        ],
        axes: [axis, { ...axis, size: 64, values: (_u, splits) => splits.map((v) => formatValue(v)) }],
        ...(yRange ? { scales: { y: { range: yRange } } } : {}),
      },
      alignSeries(series),
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, unit, height, yRange?.[0], yRange?.[1]]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}

/** 1234567 → 1.23M, 0.00042 → 420µ: short, for axes and legends. */
export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
    [1, ''],
    [1e-3, 'm'],
    [1e-6, 'µ'],
  ];
  for (const [size, suffix] of units) {
    if (a >= size) return `${Number((v / size).toPrecision(3))}${suffix}`;
  }
  return v.toExponential(2);
}
