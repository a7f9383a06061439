// Prometheus's duration text ("30s", "1h30m", "4h", "500ms"), as its model.ParseDuration reads it: units largest
// first, each at most once. One reader for PromQL, the query API's step and the alert routing document.

const pattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const unitsMs = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** The duration in milliseconds, or null when the text is not a Prometheus duration. */
export function promDurationMs(text: string): number | null {
  if (text === '') return null;
  const m = pattern.exec(text);
  if (!m) return null;
  let ms = 0;
  for (let i = 0; i < unitsMs.length; i++) if (m[i + 1]) ms += Number(m[i + 1]) * (unitsMs[i] as number);
  return ms;
}
