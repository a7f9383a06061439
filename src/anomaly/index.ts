// The anomaly domain's face: a streaming detector for one metric series (pure, no database), and the reader of
// `timestamp,value` series that the command line and the NAB benchmark score through.
export type { AnomalyDetectorOptions, AnomalyDetectorState } from './detector.js';
export { AnomalyDetector, defaultAnomalyDetectorOptions } from './detector.js';
export type { SeriesRow } from './series-csv.js';
export { parseTimestamp, parseValue, SeriesInputError, SeriesReader, scoreSeries } from './series-csv.js';
