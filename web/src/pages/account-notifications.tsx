// Which mail reaches me: each kind off, at once or in one daily digest, and the digest's local time and zone.
// The server knows the kinds a person may receive (requesters: their own requests) and when the next digest
// goes; the page only shows and sends choices.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type NotificationMode,
  type NotificationPreferences,
  useNotificationPreferences,
  useSaveNotificationPreferences,
} from '../api/notification-preferences';
import { dateTimeFormat } from '../locale';
import { AccountTabs } from '../ui/account-tabs';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

const modes: NotificationMode[] = ['off', 'immediate', 'digest'];

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function knownZones(current: string): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : [];
  return [...new Set([current, 'UTC', ...zones])].sort();
}

function PreferencesForm({ saved }: { saved: NotificationPreferences }) {
  const { t } = useTranslation('account-notifications');
  // The server's label is English; the kind's code finds the user's words (a kind this page does not know
  // yet keeps the server's label).
  const kindLabel = (k: { kind: string; label: string }) => t(`kind.${k.kind}`, { defaultValue: k.label });
  const modeLabel = (m: NotificationMode) => t(`mode.${m}`);
  const [choices, setChoices] = useState<Record<string, NotificationMode>>(() =>
    Object.fromEntries(saved.kinds.map((k) => [k.kind, k.mode])),
  );
  const [time, setTime] = useState(saved.digest.time);
  // Never saved: propose the browser's zone rather than the server's default.
  const [zone, setZone] = useState(saved.digest.timeZoneSaved ? saved.digest.timeZone : browserZone());
  const [done, setDone] = useState(false);
  const save = useSaveNotificationPreferences(() => setDone(true));
  const usesDigest = Object.values(choices).includes('digest');

  function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    save.mutate({
      preferences: saved.kinds.map((k) => ({ kind: k.kind, mode: choices[k.kind] ?? k.mode })),
      digest: { time, timeZone: zone },
    });
  }

  const next = saved.digest.nextAt
    ? dateTimeFormat({
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: saved.digest.timeZone,
        timeZoneName: 'short',
      }).format(new Date(saved.digest.nextAt))
    : null;

  return (
    <form className="card form notification-form" onSubmit={submit} aria-labelledby="notifications-title">
      <h2 id="notifications-title" className="flush">
        {t('form.title')}
      </h2>
      <div className="table-wrap">
        <table className="data-table notification-table">
          <thead>
            <tr>
              <th scope="col">{t('form.event')}</th>
              {modes.map((m) => (
                <th scope="col" key={m} className="mode-col">
                  {modeLabel(m)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {saved.kinds.map((k) => (
              <tr key={k.kind}>
                <th scope="row">
                  {kindLabel(k)}
                  {k.note && <span className="hint kind-note">{k.note}</span>}
                </th>
                {modes.map((m) => (
                  <td key={m} className="mode-col">
                    <input
                      type="radio"
                      name={`mode-${k.kind}`}
                      value={m}
                      checked={(choices[k.kind] ?? k.mode) === m}
                      aria-label={t('form.choice', { kind: kindLabel(k), mode: modeLabel(m) })}
                      onChange={() => setChoices({ ...choices, [k.kind]: m })}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('digest.title')}</h3>
      <p className="hint">
        {t('digest.intro')}
        {!usesDigest && ` ${t('digest.unused')}`}
      </p>
      <div className="field-row">
        <Field label={t('digest.time')} error={fieldError(save.error, '/digest/time')}>
          {(id, d, invalid) => (
            <input
              id={id}
              type="time"
              required
              value={time}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setTime(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('digest.timeZone')} error={fieldError(save.error, '/digest/timeZone')}>
          {(id, d, invalid) => (
            <select
              id={id}
              value={zone}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setZone(e.target.value)}
            >
              {knownZones(zone).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {next && (
        <p className="muted small">
          {saved.digest.pending > 0
            ? t('digest.nextWaiting', { next, count: saved.digest.pending })
            : t('digest.next', { next })}
        </p>
      )}
      <ErrorMessage error={save.error} title={t('notSaved')} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('saving') : t('common:actions.save')}
        </button>
        {done && !save.isPending && (
          <span className="muted" role="status">
            {t('saved')}
          </span>
        )}
      </div>
    </form>
  );
}

export default function AccountNotifications() {
  const { t } = useTranslation('account-notifications');
  useTitle(t('title'));
  const prefs = useNotificationPreferences();
  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {prefs.isPending ? (
        <Loading />
      ) : prefs.error ? (
        <ErrorMessage error={prefs.error} title={t('notLoaded')} />
      ) : (
        <PreferencesForm key={prefs.data.userId} saved={prefs.data} />
      )}
    </div>
  );
}
