// My language and time zone: the app and its mails speak to me in the language, and show every date in the
// zone. Unset, both follow the browser (shown as the suggestion); saving switches the app at once.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { updateUser } from '../api/directory';
import { keys } from '../api/keys';
import { browserLanguage, browserTimeZone, type Language, languages } from '../locale';
import { useUser } from '../session';
import { AccountTabs } from '../ui/account-tabs';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage } from '../ui/messages';
import { useTitle } from '../ui/title';

/** Every IANA zone the browser knows, for the picker; the user's own first when it is not among them. */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes(current) ? known : [current, ...known];
}

export default function AccountLanguage() {
  const { t } = useTranslation('account');
  useTitle(t('language.title'));
  const user = useUser();
  const qc = useQueryClient();
  const [language, setLanguage] = useState<string>(user.language ?? browserLanguage());
  const [timeZone, setTimeZone] = useState<string>(user.timeZone ?? browserTimeZone());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await updateUser(user.id, { language, timeZone });
      // The session provider applies the user's language and zone: the page re-renders in them.
      qc.setQueryData(keys.session, updated);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>{t('language.title')}</h1>
      <p className="muted">{t('language.intro')}</p>
      <form className="card form" onSubmit={submit} aria-label={t('language.title')}>
        <ErrorMessage error={error} title={t('language.notSaved')} />
        <Field label={t('language.language')} error={fieldError(error, '/language')}>
          {(id, d, invalid) => (
            <select
              id={id}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              value={language}
              onChange={(e) => setLanguage(e.target.value)}
            >
              {languages.map((l: Language) => (
                <option key={l} value={l}>
                  {t(`language.name.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('language.timeZone')}
          hint={t('language.browserZone', { zone: browserTimeZone() })}
          error={fieldError(error, '/timeZone')}
        >
          {(id, d, invalid) => (
            <select
              id={id}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
            >
              {timeZones(timeZone).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('common:actions.save')}
          </button>
          {saved && (
            <span role="status" className="muted">
              {t('language.saved')}
            </span>
          )}
        </div>
      </form>
    </div>
  );
}
