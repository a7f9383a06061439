// The one locale every date, time and relative time is formatted in: the UI's language (the page's lang,
// English), with the browser's region for the conventions that carry no words (day before month, a 24-hour
// clock), so a German browser reads "4 days ago" and "Tue, 1 Dec, 16:00", never "vor 4 Tagen" beside English.

function pickLocale(): string {
  const language = (typeof document !== 'undefined' && document.documentElement.lang) || 'en';
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

export const uiLocale = pickLocale();
