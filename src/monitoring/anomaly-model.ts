// What anomaly rules share with the rules around them (alert-rules.ts reads these without the detector's code).

/** The name of the score series an anomaly rule writes. */
export const anomalyScoreMetric = 'opsdesk_anomaly_score';
/** The score at which a series is anomalous when a rule sets no threshold: the single threshold that scores best
 * on the NAB corpus (bench/nab.ts, standard profile). */
export const defaultAnomalyThreshold = 0.32;
