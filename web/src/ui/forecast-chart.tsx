// A series' history, its forecast (dashed) with the band of the prediction filled, and the threshold it is measured
// against, on one time axis: what the capacity report and an upgrade proposal show. Loads GET /api/v1/forecast.
import { lazy, Suspense, useMemo } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { type ForecastSeries, useForecast } from '../api/forecast';
import { t as translate } from '../i18n';
import { ErrorMessage } from './messages';
import { Time } from './time';
import type { ChartSeries } from './time-series-chart';

const TimeSeriesChart = lazy(() => import('./time-series-chart'));

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The chart's lines for one forecast: history, forecast, its band's two edges, the threshold. */
export function forecastLines(s: ForecastSeries, threshold: number | null, scale = 1): ChartSeries[] {
  const history: [number, string][] = s.history.map((p) => [seconds(p.t), String(p.v * scale)]);
  const ahead = s.forecast.map((p) => seconds(p.t));
  // The forecast starts from the last sample, so the two lines meet.
  const last = history.at(-1);
  const join = (pick: (p: ForecastSeries['forecast'][number]) => number): [number, string][] => [
    ...(last ? [last] : []),
    ...s.forecast.map((p, i) => [ahead[i] as number, String(pick(p) * scale)] as [number, string]),
  ];
  const lines: ChartSeries[] = [
    { label: translate('ui:forecast.history'), values: history, colour: '--accent' },
    {
      label: translate('ui:forecast.forecast'),
      values: join((p) => p.value),
      colour: '--accent',
      dash: [6, 4],
      spanGaps: true,
    },
    {
      label: translate('ui:forecast.upper'),
      values: join((p) => p.upper),
      colour: '--accent',
      edge: true,
      spanGaps: true,
    },
    {
      label: translate('ui:forecast.lower'),
      values: join((p) => p.lower),
      colour: '--accent',
      edge: true,
      spanGaps: true,
    },
  ];
  if (threshold !== null) {
    const from = history[0]?.[0] ?? ahead[0];
    const to = ahead.at(-1) ?? history.at(-1)?.[0];
    if (from !== undefined && to !== undefined)
      lines.push({
        label: translate('ui:forecast.threshold'),
        values: [
          [from, String(threshold * scale)],
          [to, String(threshold * scale)],
        ],
        colour: '--danger',
        dash: [2, 3],
        spanGaps: true,
      });
  }
  return lines;
}

const bands: [number, number][] = [[2, 3]];

export function ForecastChart({
  query,
  range = '30d',
  horizon = '30d',
  threshold,
  unit = '%',
  scale = 100,
  label,
}: {
  query: string;
  range?: string;
  horizon?: string;
  /** In the series' own unit (a fraction for a ratio). */
  threshold?: number;
  unit?: string;
  /** Multiplies values for display (100: a fraction shown in %). */
  scale?: number;
  label: string;
}) {
  const { t, i18n } = useTranslation('ui');
  const forecast = useForecast({ query, range, horizon, threshold });
  const first = forecast.data?.series[0];
  // The legend's words are read when the lines are made: a change of language makes them again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the language changes the words
  const lines = useMemo(
    () => (first ? forecastLines(first, threshold ?? null, scale) : []),
    [first, threshold, scale, i18n.language],
  );
  if (forecast.isPending) return <div className="chart-placeholder">{t('common:loading')}</div>;
  if (forecast.error) return <ErrorMessage error={forecast.error} title={t('forecast.notLoaded')} />;
  if (!first || first.history.length === 0)
    return <div className="chart-placeholder">{t('forecast.noData')}</div>;
  return (
    <div className="forecast-chart">
      <Suspense fallback={<div className="chart-placeholder">{t('common:loading')}</div>}>
        <TimeSeriesChart series={lines} unit={unit} bands={bands} label={label} />
      </Suspense>
      <p className="small muted flush">
        {first.fit ? t('forecast.fit', { fit: first.fit }) : t('forecast.tooLittle')}
        {first.crossing ? (
          <>
            {' · '}
            <Trans
              t={t}
              i18nKey={threshold !== undefined ? 'forecast.crosses' : 'forecast.crossesThreshold'}
              values={{ threshold: threshold !== undefined ? `${Math.round(threshold * scale)}${unit}` : '' }}
              components={{ time: <Time iso={first.crossing.at} /> }}
            />
            {(first.crossing.latest === null ||
              Date.parse(first.crossing.latest) - Date.parse(first.crossing.earliest) > 12 * 3_600_000) && (
              <>
                {' '}
                {first.crossing.latest ? (
                  <Trans
                    t={t}
                    i18nKey="forecast.between"
                    components={{
                      from: <Time iso={first.crossing.earliest} />,
                      to: <Time iso={first.crossing.latest} />,
                    }}
                  />
                ) : (
                  <Trans
                    t={t}
                    i18nKey="forecast.betweenLater"
                    components={{ from: <Time iso={first.crossing.earliest} /> }}
                  />
                )}
              </>
            )}
          </>
        ) : threshold !== undefined && first.fit ? (
          ` · ${t('forecast.noCrossing')}`
        ) : null}
      </p>
    </div>
  );
}
