// Created vs resolved per day as a uPlot line chart: uPlot is loaded with this module, only on the pages that
// draw it (the dashboard; a problem's incidents over time, with its own names and description).
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export default function DailyChart({
  daily,
  names: givenNames,
  label,
}: {
  daily: { day: string; created: number; resolved: number }[];
  names?: [string, string];
  label?: string;
}) {
  const { t } = useTranslation('dashboard');
  const names = givenNames ?? [t('chart.created'), t('chart.resolved')];
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue('--accent').trim() || '#2563eb';
    const ok = css.getPropertyValue('--ok').trim() || '#16a34a';
    const text = css.getPropertyValue('--text-muted').trim() || '#666';
    const grid = css.getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const data: uPlot.AlignedData = [
      daily.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
      daily.map((d) => d.created),
      daily.map((d) => d.resolved),
    ];
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 240,
        series: [
          {},
          { label: names[0], stroke: accent, width: 2 },
          { label: names[1], stroke: ok, width: 2 },
        ],
        axes: [axis, axis],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [daily, names[0], names[1]]);
  return <div ref={box} className="chart" role="img" aria-label={label ?? t('chart.label')} />;
}
