// The organisation's default language and time zone (admin settings): what opsdesk writes in for a person who chose
// neither, and for an address that is no account (a status-page subscriber, an alert receiver's address). One row
// of the settings table; English and UTC until an admin sets it.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from './audit.js';
import { type Actor, canAccounts, checkTimeZone } from './auth/index.js';
import type { ServiceContext } from './context.js';
import type { Database } from './db/index.js';
import { Forbidden, Invalid } from './errors.js';

/** The languages opsdesk is written in (its mail catalogues and the web app's). */
export const supportedLanguages = ['en', 'de'] as const;
export type SupportedLanguage = (typeof supportedLanguages)[number];

export interface OrganisationLocale {
  language: SupportedLanguage;
  /** An IANA time zone. */
  timeZone: string;
}

export const defaultOrganisationLocale: OrganisationLocale = { language: 'en', timeZone: 'UTC' };

const localeKey = 'organisation_locale';

type Db = Kysely<Database> | Transaction<Database>;

export async function getOrganisationLocale(db: Db): Promise<OrganisationLocale> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', localeKey).executeTakeFirst();
  if (!row) return { ...defaultOrganisationLocale };
  const saved = JSON.parse(row.value) as Partial<OrganisationLocale>;
  return {
    language: (supportedLanguages as readonly string[]).includes(saved.language ?? '')
      ? (saved.language as SupportedLanguage)
      : defaultOrganisationLocale.language,
    timeZone: saved.timeZone || defaultOrganisationLocale.timeZone,
  };
}

/** Change the default language and time zone (admin); a language opsdesk is not written in is refused. */
export async function setOrganisationLocale(
  ctx: ServiceContext,
  actor: Actor,
  input: { language: string; timeZone: string },
): Promise<OrganisationLocale> {
  if (!canAccounts(actor, 'settings.manage'))
    throw new Forbidden('forbidden', 'Only an admin may change the default language and time zone.');
  const language = input.language.trim().toLowerCase();
  if (!(supportedLanguages as readonly string[]).includes(language))
    throw new Invalid(
      'validation_failed',
      `language: "${input.language.slice(0, 40)}" is not one opsdesk is written in (${supportedLanguages.join(', ')}).`,
      [{ field: '/language', message: `one of ${supportedLanguages.join(', ')}` }],
    );
  const timeZone = checkTimeZone(input.timeZone, '/timeZone');
  if (!timeZone)
    throw new Invalid('validation_failed', 'timeZone: must not be empty.', [
      { field: '/timeZone', message: 'an IANA time zone' },
    ]);
  const after: OrganisationLocale = { language: language as SupportedLanguage, timeZone };
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await getOrganisationLocale(trx);
    const value = JSON.stringify(after);
    await trx
      .insertInto('settings')
      .values({ key: localeKey, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'settings.organisation_locale',
      subjectType: 'settings',
      subjectId: localeKey,
      details: { before, after },
    });
  });
  return after;
}
