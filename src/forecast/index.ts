// Forecast's face: curve fits chosen by out-of-sample error with a prediction band and the time left until a
// threshold (what PromQL's forecast()/timeleft(), the forecast API and upgrade proposals build on), and the capacity
// report over node_exporter's series. Pure: it reads metrics only through the port its callers hand it.

export type {
  CapacityHost,
  CapacityItem,
  CapacityOptions,
  CapacityResource,
  CapacityThresholds,
  RangeQuery,
  UsageSeries,
} from './capacity.js';
export {
  capacityHosts,
  capacityItems,
  capacityQueries,
  capacityReport,
  capacityResources,
  defaultThresholds,
  readUsage,
} from './capacity.js';
export type { FitKind, Forecast, ForecastOptions } from './forecast.js';
export { dayMs, defaultMaxHorizonMs, fitKinds, forecastSeries, weekMs } from './forecast.js';
