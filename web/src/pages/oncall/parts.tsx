// Pieces the on-call pages share: times in a schedule's zone, a participant picker that keeps turn order, the
// time zone list, and a calendar-feed link made on request (its secret is shown once).
import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type DateFormat, dateTimeFormat } from '../../locale';
import { useDirectory } from '../../ui/directory';

const whenOptions: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
};
const whenFormats = new Map<string, DateFormat>();

/** "Mon, Nov 30, 07:00" in the zone (the user's when none is given) and language, one formatter per zone. */
function whenFormat(timeZone = ''): DateFormat {
  let f = whenFormats.get(timeZone);
  if (!f) {
    f = dateTimeFormat(timeZone ? { ...whenOptions, timeZone } : whenOptions);
    whenFormats.set(timeZone, f);
  }
  return f;
}

export function WhenLocal({ iso, timeZone }: { iso: string; timeZone?: string }) {
  return <time dateTime={iso}>{whenFormat(timeZone).format(new Date(iso))}</time>;
}

export function formatRange(from: string, to: string, timeZone?: string): string {
  const fmt = whenFormat(timeZone);
  return `${fmt.format(new Date(from))} – ${fmt.format(new Date(to))}`;
}

/** The zones the browser knows, with the current one first when it is missing. */
export function timeZones(current: string): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
    'timeZone',
  ) ?? ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Tokyo'];
  return all.includes(current) ? all : [current, ...all];
}

/** A local `YYYY-MM-DDTHH:MM` from a datetime-local input, as the ISO instant the browser's zone gives it. */
export function localInputToIso(value: string): string {
  return new Date(value).toISOString();
}

/** Staff in turn order: add from a list, move up, remove. */
export function ParticipantPicker({
  value,
  onChange,
  label,
  error,
}: {
  value: number[];
  onChange: (ids: number[]) => void;
  label?: string;
  error?: string;
}) {
  const { t } = useTranslation('oncall');
  const dir = useDirectory();
  const staff = dir.users.filter((u) => u.role !== 'requester');
  return (
    <fieldset className="sub-card">
      <legend>{label ?? t('participants.label')}</legend>
      {value.length === 0 && <p className="muted small">{t('participants.none')}</p>}
      <ol className="pick-list">
        {value.map((id, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
          <li key={`${id}-${i}`} className="pick-row">
            <span className="grow">
              {i + 1}. {dir.userName(id)}
            </span>
            <button
              type="button"
              className="icon-button"
              aria-label={t('participants.moveUp', { name: dir.userName(id) })}
              disabled={i === 0}
              onClick={() => onChange(value.map((x, j) => (j === i - 1 ? id : j === i ? value[i - 1] : x)))}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={t('participants.remove', { name: dir.userName(id) })}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <label className="inline">
        <span>{t('participants.add')}</span>
        <select value="" onChange={(e) => e.target.value && onChange([...value, Number(e.target.value)])}>
          <option value="">{t('participants.choose')}</option>
          {staff
            .filter((u) => !value.includes(u.id))
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
        </select>
      </label>
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}

type FeedToken = { token: string; path: string; url: string | null };

/** A button that makes a new feed secret, then shows the link once, with a copy button. */
export function FeedLink({
  mutation,
  label,
}: {
  mutation: UseMutationResult<FeedToken, Error, void>;
  label: string;
}) {
  const { t } = useTranslation('oncall');
  const [copied, setCopied] = useState(false);
  const link = mutation.data ? (mutation.data.url ?? `${location.origin}${mutation.data.path}`) : null;
  return (
    <div className="feed-link">
      {link ? (
        <>
          <p className="hint">{t('feed.hint')}</p>
          <div className="actions">
            <input
              className="grow"
              readOnly
              value={link}
              aria-label={t('feed.link')}
              onFocus={(e) => e.target.select()}
            />
            <button
              type="button"
              onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true))}
            >
              {copied ? t('feed.copied') : t('feed.copy')}
            </button>
          </div>
        </>
      ) : (
        <button type="button" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
          {label}
        </button>
      )}
      {mutation.error && <p className="field-error">{mutation.error.message}</p>}
    </div>
  );
}
