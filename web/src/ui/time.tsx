// Times and sizes as people read them: "5 minutes ago" with the exact time on hover, and file sizes.
import { uiLocale } from '../locale';

const rtf = new Intl.RelativeTimeFormat(uiLocale, { numeric: 'auto' });
const dtf = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium', timeStyle: 'short' });

export function timeAgo(iso: string): string {
  const diff = (Date.parse(iso) - Date.now()) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return dtf.format(new Date(iso));
}

export function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={dtf.format(new Date(iso))}>
      {timeAgo(iso)}
    </time>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Staff see the directory; a requester sees names only for themself ("Support" for the others). */
