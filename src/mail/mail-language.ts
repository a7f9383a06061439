// The language and time zone a mail is written in: the recipient's own (their profile), else English and UTC.
// The default templates of each language live in src/mail/i18n/<language>.json (the same keys in each, checked
// by test/mail/mail-language.test.ts); a template an admin saved is one text for everyone and wins over them.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';

/** The notifications a mail template exists for. */
export const mailTemplateNames = [
  'ticket_created',
  'comment_added',
  'requester_replied',
  'ticket_resolved',
  'ticket_assigned',
  'sla_warning',
  'sla_breached',
  'escalated',
  'group_ticket',
  'mentioned',
  'approval_waiting',
] as const;
export type MailTemplateName = (typeof mailTemplateNames)[number];

export const mailLanguages = ['en', 'de'] as const;
export type MailLanguage = (typeof mailLanguages)[number];

type Catalogue = Record<string, string>;

// Read beside the compiled file too: dist/src/mail/i18n is not emitted by tsc, so fall back to the source tree.
function readCatalogue(language: MailLanguage): Catalogue {
  for (const path of [`./i18n/${language}.json`, `../../../src/mail/i18n/${language}.json`]) {
    try {
      return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Catalogue;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`mail catalogue ${language}.json not found`);
}

export const mailCatalogues: Record<MailLanguage, Catalogue> = {
  en: readCatalogue('en'),
  de: readCatalogue('de'),
};

/** The supported language a profile's BCP 47 tag asks for ("de-AT" → "de"); English otherwise. */
export function mailLanguageOf(tag: string | null | undefined, fallback: MailLanguage = 'en'): MailLanguage {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return (mailLanguages as readonly string[]).includes(base) ? (base as MailLanguage) : fallback;
}

const footer = '\n\n--\n{{ticket.url}}';
// Not in a ticket's thread: no link to the ticket below it.
const withoutFooter = new Set<MailTemplateName>(['approval_waiting']);

/** A template's default subject and text in a language. */
export function defaultTemplateIn(
  name: MailTemplateName,
  language: MailLanguage,
): { subject: string; text: string } {
  const words = mailCatalogues[language];
  const text = words[`${name}.text`];
  return { subject: words[`${name}.subject`], text: withoutFooter.has(name) ? text : text + footer };
}

/** A word for a server code in a language (an SLA target), or the code itself when the catalogue has none. */
export function mailWord(language: MailLanguage, key: string, code: string): string {
  return mailCatalogues[language][key] ?? code;
}

/** A moment as the recipient reads it: their language's medium date and short time, in their time zone. */
export function formatMailTime(
  at: number | string | null | undefined,
  language: MailLanguage,
  timeZone: string | null | undefined,
): string {
  if (at === null || at === undefined || at === '') return '';
  const dt = typeof at === 'number' ? DateTime.fromMillis(at) : DateTime.fromISO(at);
  if (!dt.isValid) return String(at);
  const zoned = dt.setZone(timeZone || 'UTC');
  const inZone = zoned.isValid ? zoned : dt.setZone('UTC');
  return `${inZone.setLocale(language).toLocaleString(DateTime.DATETIME_MED)} (${inZone.zoneName})`;
}

/** The template in the recipient's language: an admin's saved template as it is, else that language's default. */
export function templateIn<
  T extends { event: MailTemplateName; isDefault: boolean; subject: string; text: string },
>(template: T, language: MailLanguage): T {
  return template.isDefault ? { ...template, ...defaultTemplateIn(template.event, language) } : template;
}

/** The values that read differently per recipient: the SLA target's word and the due time in their zone. */
export function localValues(
  values: Partial<Record<'sla.target' | 'sla.dueAt', string>>,
  language: MailLanguage,
  timeZone: string | null | undefined,
): Partial<Record<'sla.target' | 'sla.dueAt', string>> {
  const out: Partial<Record<'sla.target' | 'sla.dueAt', string>> = {};
  if (values['sla.target'])
    out['sla.target'] = mailWord(language, `sla.${values['sla.target']}`, values['sla.target']);
  if (values['sla.dueAt']) {
    const raw = values['sla.dueAt'];
    out['sla.dueAt'] = formatMailTime(/^\d+$/.test(raw) ? Number(raw) : raw, language, timeZone);
  }
  return out;
}
