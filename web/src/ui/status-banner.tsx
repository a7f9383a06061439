// The portal banner: the active status page announcements the user may see ("VPN degraded since 09:12 — we
// know"), on the requester's ticket list and new-ticket form, so nobody files a duplicate of a known outage.
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type BannerItem, usePortalBanner } from '../api/status-pages';
import { t as translate } from '../i18n';
import { dateTimeFormat } from '../locale';

const timeOfDay = dateTimeFormat({ timeStyle: 'short' });
const dayAndTime = dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });

/** "09:12" today, "Mar 1, 2026, 09:12" on another day. */
function since(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeOfDay.format(d) : dayAndTime.format(d);
}

/** An announcement's impact in the reader's words. */
export const impactLabel = (impact: BannerItem['impact']): string => translate(`ui:banner.impact.${impact}`);

export function StatusBanner() {
  const { t } = useTranslation('ui');
  const banner = usePortalBanner();
  const items = banner.data ?? [];
  if (items.length === 0) return null;
  return (
    <section className="status-banner" aria-label={t('banner.label')}>
      {items.map((i) => (
        <div key={i.id} className={`status-banner-item impact-${i.impact}`}>
          <p className="status-banner-head">
            <span className={`badge impact-badge impact-${i.impact}`}>{t(`banner.impact.${i.impact}`)}</span>{' '}
            <Trans
              t={t}
              i18nKey="banner.head"
              components={{
                title: <strong>{i.title}</strong>,
                since: <time dateTime={i.startedAt}>{since(i.startedAt)}</time>,
              }}
            />
          </p>
          {i.lastUpdate && <p className="status-banner-update">{i.lastUpdate.message}</p>}
          <p className="status-banner-foot">
            {i.components.length > 0 && (
              <span className="muted">{t('banner.affects', { components: i.components.join(', ') })} </span>
            )}
            <Link to={`/status/${i.pageSlug}`}>{t('banner.follow')}</Link>
          </p>
        </div>
      ))}
    </section>
  );
}
