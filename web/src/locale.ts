// The one language and time zone every word, date, time and relative time is shown in: the signed-in user's
// choice (their profile's language and time zone), else the browser's language (English when it asks for none
// we have) and time zone (see unchosenLanguage). The UI's language gives the words; the browser's region gives
// the conventions that carry no words (day before month, a 24-hour clock), so an English page in a German
// browser reads "4 days ago" with German dates, never "vor 4 Tagen" beside English. Formatters made here follow
// a change of language or zone without a reload.

/** The languages the web app and the mails are written in (docs/i18n.md adds one). */
export const languages = ['en', 'de'] as const;
export type Language = (typeof languages)[number];

const storageKey = { language: 'opsdesk.language', timeZone: 'opsdesk.timeZone' } as const;

/** The supported language a BCP 47 tag asks for ("de-AT" → "de"), or undefined. */
export function supportedLanguage(tag: string | null | undefined): Language | undefined {
  if (!tag) return undefined;
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return (languages as readonly string[]).includes(base) ? (base as Language) : undefined;
}

/** The browser's first supported language, else English. */
export function browserLanguage(): Language {
  const asked = typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : [];
  for (const tag of asked) {
    const found = supportedLanguage(tag);
    if (found) return found;
  }
  return 'en';
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function regionalLocale(language: string): string {
  const browser = typeof navigator !== 'undefined' ? navigator.language : '';
  try {
    const region = browser ? new Intl.Locale(browser).maximize().region : undefined;
    const regional = region ? `${language}-${region}` : language;
    // Intl falls back from an unknown regional variant to the language itself: the words stay the UI's.
    return Intl.DateTimeFormat.supportedLocalesOf([regional]).length > 0 ? regional : language;
  } catch {
    return language;
  }
}

function stored(key: string): string | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage.getItem(key) : null;
  } catch {
    return null;
  }
}

function store(key: string, value: string) {
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(key, value);
  } catch {
    // A browser that refuses storage (private mode) still shows the language; the next page load asks the
    // server again.
  }
}

/**
 * The language of someone who has not chosen one: the browser's, now that every page is in the catalogues
 * (English when the browser asks for no language we have). The account page makes a choice the user's own.
 */
const unchosenLanguage = (): Language => browserLanguage();

// The last choice is remembered in the browser so the first paint, before the session answers, is already
// in the user's language.
let language: Language = supportedLanguage(stored(storageKey.language)) ?? unchosenLanguage();
let timeZone: string = ((z) => (z && isTimeZone(z) ? z : browserTimeZone()))(stored(storageKey.timeZone));
let locale = regionalLocale(language);

/** The locale (language plus the browser's region) formatters use. A live binding: read it when formatting. */
export let uiLocale = locale;

export const currentLanguage = (): Language => language;
export const currentTimeZone = (): string => timeZone;
export const currentLocale = (): string => locale;

type Listener = () => void;
const listeners = new Set<Listener>();

/** Called when the language or time zone changes (i18n/ switches i18next; the root re-renders). */
export function onPreferencesChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Switch to a user's language and time zone; null or unknown values fall back to the browser's language and
 * zone. Returns whether anything changed.
 */
export function setPreferences(next: { language?: string | null; timeZone?: string | null }): boolean {
  const nextLanguage = supportedLanguage(next.language) ?? unchosenLanguage();
  const nextZone = next.timeZone && isTimeZone(next.timeZone) ? next.timeZone : browserTimeZone();
  if (nextLanguage === language && nextZone === timeZone) return false;
  language = nextLanguage;
  timeZone = nextZone;
  locale = regionalLocale(language);
  uiLocale = locale;
  store(storageKey.language, language);
  store(storageKey.timeZone, timeZone);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  for (const listener of listeners) listener();
  return true;
}

if (typeof document !== 'undefined') document.documentElement.lang = language;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormatFor(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const resolved = { timeZone, ...options };
  const key = `${locale}|${JSON.stringify(resolved)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, resolved);
    dateFormats.set(key, f);
  }
  return f;
}

export interface DateFormat {
  format(date?: Date | number): string;
  formatToParts(date?: Date | number): Intl.DateTimeFormatPart[];
  formatRange(start: Date | number, end: Date | number): string;
  resolvedOptions(): Intl.ResolvedDateTimeFormatOptions;
}

/**
 * A date/time formatter in the current language and the user's time zone (unless the options name another
 * zone, as a schedule's own zone). Safe to create at module level: each call reads the current preferences.
 */
export function dateTimeFormat(options: Intl.DateTimeFormatOptions = {}): DateFormat {
  return {
    format: (date) => dateFormatFor(options).format(date),
    formatToParts: (date) => dateFormatFor(options).formatToParts(date),
    formatRange: (start, end) => dateFormatFor(options).formatRange(start, end),
    resolvedOptions: () => dateFormatFor(options).resolvedOptions(),
  };
}

/** A relative-time formatter ("in 3 hours", "vor 2 Tagen") in the current language. */
export function relativeTimeFormat(options: Intl.RelativeTimeFormatOptions = {}) {
  return {
    format: (value: number, unit: Intl.RelativeTimeFormatUnit) =>
      new Intl.RelativeTimeFormat(locale, options).format(value, unit),
  };
}

/** A number formatter in the current language. */
export function numberFormat(options: Intl.NumberFormatOptions = {}) {
  return { format: (value: number | bigint) => new Intl.NumberFormat(locale, options).format(value) };
}
