// The five levels of impact, urgency and priority (GLPI's scale): stored as 1–5, named in the API.
export const levelNames = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type LevelName = (typeof levelNames)[number];
export type Level = 1 | 2 | 3 | 4 | 5;

export function levelName(level: number): LevelName {
  return levelNames[Math.min(5, Math.max(1, level)) - 1];
}

/** Accept 1–5 or a level name; undefined for anything else. */
export function parseLevel(value: unknown): Level | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5) return value as Level;
  if (typeof value === 'string') {
    const i = levelNames.indexOf(value as LevelName);
    if (i >= 0) return (i + 1) as Level;
    if (/^[1-5]$/.test(value)) return Number(value) as Level;
  }
  return undefined;
}
