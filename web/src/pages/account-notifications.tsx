// Which mail reaches me: each kind off, at once or in one daily digest, and the digest's local time and zone.
// The server knows the kinds a person may receive (requesters: their own requests) and when the next digest
// goes; the page only shows and sends choices.
import { type FormEvent, useState } from 'react';
import {
  type NotificationMode,
  type NotificationPreferences,
  useNotificationPreferences,
  useSaveNotificationPreferences,
} from '../api/notification-preferences';
import { uiLocale } from '../locale';
import { AccountTabs } from '../ui/account-tabs';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

const modes: { mode: NotificationMode; label: string }[] = [
  { mode: 'off', label: 'Off' },
  { mode: 'immediate', label: 'At once' },
  { mode: 'digest', label: 'Digest' },
];

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
    ? new Intl.DateTimeFormat(uiLocale, {
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
        Mail about
      </h2>
      <div className="table-wrap">
        <table className="data-table notification-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              {modes.map((m) => (
                <th scope="col" key={m.mode} className="mode-col">
                  {m.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {saved.kinds.map((k) => (
              <tr key={k.kind}>
                <th scope="row">
                  {k.label}
                  {k.note && <span className="hint kind-note">{k.note}</span>}
                </th>
                {modes.map((m) => (
                  <td key={m.mode} className="mode-col">
                    <input
                      type="radio"
                      name={`mode-${k.kind}`}
                      value={m.mode}
                      checked={(choices[k.kind] ?? k.mode) === m.mode}
                      aria-label={`${k.label}: ${m.label}`}
                      onChange={() => setChoices({ ...choices, [k.kind]: m.mode })}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Daily digest</h3>
      <p className="hint">
        One mail a day at this time lists everything set to “Digest”, grouped by ticket.
        {!usesDigest && ' No event goes to the digest now.'}
      </p>
      <div className="field-row">
        <Field label="Time" error={fieldError(save.error, '/digest/time')}>
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
        <Field label="Time zone" error={fieldError(save.error, '/digest/timeZone')}>
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
          Next digest: {next}
          {saved.digest.pending > 0 &&
            ` · ${saved.digest.pending} ${saved.digest.pending === 1 ? 'item waits' : 'items wait'} for it`}
        </p>
      )}
      <ErrorMessage error={save.error} title="The preferences were not saved." />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        {done && !save.isPending && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

export default function AccountNotifications() {
  useTitle('Notifications');
  const prefs = useNotificationPreferences();
  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>Notifications</h1>
      <p className="muted">
        Choose which events mail you at once, which wait for your daily digest, and which send nothing. Mail
        about your password and account always comes.
      </p>
      {prefs.isPending ? (
        <Loading />
      ) : prefs.error ? (
        <ErrorMessage error={prefs.error} title="Your preferences could not be loaded." />
      ) : (
        <PreferencesForm key={prefs.data.userId} saved={prefs.data} />
      )}
    </div>
  );
}
