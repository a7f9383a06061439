// Forecasts and the capacity report: a PromQL expression's series with their forecast and band (and, given a
// threshold, when each crosses it), and every host's disk, memory, CPU and network headroom with its crossing date.
import { useQuery } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { ResponseOf } from './types';

export type ForecastReply = ResponseOf<'/api/v1/forecast', 'get'>;
export type ForecastSeries = ForecastReply['series'][number];
export type CapacityReport = ResponseOf<'/api/v1/capacity', 'get'>;
export type CapacityItem = CapacityReport['items'][number];
export type CapacityResource = CapacityItem['resource'];

export function useCapacity(horizon: string) {
  return useQuery({
    queryKey: ['monitoring', 'capacity', horizon],
    queryFn: () => unwrap(client.GET('/api/v1/capacity', { params: { query: { horizon } } })),
    staleTime: 60_000,
  });
}

export function useForecast(input: { query: string; range: string; horizon: string; threshold?: number }) {
  return useQuery({
    queryKey: ['monitoring', 'forecast', input.query, input.range, input.horizon, input.threshold ?? null],
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/forecast', {
          params: {
            query: {
              query: input.query,
              range: input.range,
              horizon: input.horizon,
              ...(input.threshold !== undefined ? { threshold: String(input.threshold) } : {}),
            },
          },
        }),
      ),
    staleTime: 60_000,
  });
}
