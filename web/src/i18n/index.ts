// The web app's words: every catalogue web/src/i18n/<language>/<namespace>.json, bundled eagerly (a few
// kilobytes each) and read by i18next with ICU messages — plurals, selects, and dates in the user's time
// zone. locale.ts owns the language and zone; this file follows it. How to translate a page: docs/i18n.md.
/// <reference types="vite/client" />
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import { currentLanguage, currentLocale, currentTimeZone, languages, onPreferencesChange } from '../locale';

type Catalogue = Record<string, string>;

const files = import.meta.glob<Catalogue>('./*/*.json', { eager: true, import: 'default' });

/** { en: { common: {…}, shell: {…} }, de: {…} } from the files' paths. */
const resources: Record<string, Record<string, Catalogue>> = {};
for (const [path, catalogue] of Object.entries(files)) {
  const match = /^\.\/([a-z]{2}(?:-[A-Z]{2})?)\/([a-z0-9-]+)\.json$/.exec(path);
  if (!match) throw new Error(`i18n: unexpected catalogue path ${path}`);
  const [, language, namespace] = match;
  resources[language] ??= {};
  resources[language][namespace] = catalogue;
}

/** ICU's named date and time styles ({when, date, medium}) in the user's time zone. */
function zonedFormats(timeZone: string) {
  const styles = ['short', 'medium', 'long', 'full'] as const;
  const date = Object.fromEntries(styles.map((s) => [s, { dateStyle: s, timeZone }]));
  const time = Object.fromEntries(styles.map((s) => [s, { timeStyle: s, timeZone }]));
  return { date, time };
}

const icu = new ICU({
  // ICU formats numbers and dates in the regional locale (de-CH groups digits differently from de-DE).
  parseLngForICU: () => currentLocale(),
  formats: zonedFormats(currentTimeZone()),
});

export const i18n = i18next.createInstance();
i18n
  .use(icu)
  .use(initReactI18next)
  .init({
    resources,
    lng: currentLanguage(),
    fallbackLng: 'en',
    supportedLngs: languages,
    ns: Object.keys(resources.en ?? {}),
    defaultNS: 'common',
    // Keys are flat within a namespace ("filters.open"): one line per key, so merges touch only their lines.
    keySeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    react: { useSuspense: false },
  });

onPreferencesChange(() => {
  icu.addUserDefinedFormats(zonedFormats(currentTimeZone()));
  icu.clearCache();
  void i18n.changeLanguage(currentLanguage());
});

/** For code outside components (labels, confirmations): t('ns:key', values). Components use useTranslation. */
export const t = i18n.t.bind(i18n);
