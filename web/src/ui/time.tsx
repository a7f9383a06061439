// Times and sizes as people read them: "5 minutes ago" with the exact time on hover, and file sizes, in the
// reader's language and time zone.
import { t } from '../i18n';
import { dateTimeFormat, numberFormat, relativeTimeFormat } from '../locale';

const rtf = relativeTimeFormat({ numeric: 'auto' });
const dtf = dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });

export function timeAgo(iso: string): string {
  const diff = (Date.parse(iso) - Date.now()) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return t('ui:time.justNow');
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

const oneDecimal = numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatBytes(n: number): string {
  if (n < 1024) return t('ui:size.bytes', { n });
  if (n < 1024 * 1024) return t('ui:size.kilobytes', { n: oneDecimal.format(n / 1024) });
  return t('ui:size.megabytes', { n: oneDecimal.format(n / 1024 / 1024) });
}
