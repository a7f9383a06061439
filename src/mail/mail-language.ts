// The language and time zone a mail is written in: the recipient's own (their profile), else the organisation's
// default (admin settings, core/organisation-locale.ts; English and UTC until set), which is also what an address
// that is no account is written to. The default templates and every other mail's words live in
// src/mail/i18n/<language>.json (the same keys and placeholders in each, checked by test/mail/mail-language.test.ts);
// a template an admin saved is one text for everyone and wins over them.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { type OrganisationLocale, supportedLanguages } from '../core/organisation-locale.js';

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

export const mailLanguages = supportedLanguages;
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

/** The supported language a profile's BCP 47 tag asks for ("de-AT" → "de"); the fallback (English) otherwise. */
export function mailLanguageOf(tag: string | null | undefined, fallback: MailLanguage = 'en'): MailLanguage {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return (mailLanguages as readonly string[]).includes(base) ? (base as MailLanguage) : fallback;
}

/** The language and time zone one mail is written in. */
export interface MailLocale {
  language: MailLanguage;
  /** An IANA time zone. */
  timeZone: string;
}

/**
 * A recipient's language and zone: their profile's, else the organisation's default. An address that is no
 * account (null) is written to in the organisation's default.
 */
export function recipientLocale(
  person: { language?: string | null; time_zone?: string | null } | null | undefined,
  organisation: OrganisationLocale,
): MailLocale {
  return {
    language: mailLanguageOf(person?.language, organisation.language),
    timeZone: person?.time_zone || organisation.timeZone,
  };
}

const placeholderPattern = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;

/** A catalogue text with its {{placeholders}} filled in; a key the catalogue lacks is a bug, not a blank mail. */
export function mailText(
  language: MailLanguage,
  key: string,
  values: Record<string, string | number> = {},
): string {
  const text = mailCatalogues[language][key] ?? mailCatalogues.en[key];
  if (text === undefined) throw new Error(`mail catalogue has no text ${key}`);
  return text.replace(placeholderPattern, (_m, name: string) => String(values[name] ?? ''));
}

/** A counted phrase ("1 update", "3 updates"): the catalogue's `<key>.one` or `<key>.other`, by the language's rule. */
export function mailCount(language: MailLanguage, key: string, count: number): string {
  const form = new Intl.PluralRules(language).select(count) === 'one' ? 'one' : 'other';
  return mailText(language, `${key}.${form}`, { count });
}

/** A day as the recipient reads it ("Mar 2, 2026", "2. März 2026"), in their time zone. */
export function formatMailDate(
  at: number,
  language: MailLanguage,
  timeZone: string | null | undefined,
): string {
  const dt = DateTime.fromMillis(at).setZone(timeZone || 'UTC');
  return (dt.isValid ? dt : DateTime.fromMillis(at, { zone: 'UTC' }))
    .setLocale(language)
    .toLocaleString(DateTime.DATE_MED);
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
