// The account pages' tabs: password, language and time zone, which mail reaches me, how pages reach me
// (staff), API tokens — reached from the name in the top bar, so the main navigation keeps to the work.
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { isStaff, useSession } from '../session';

export function AccountTabs() {
  const { t } = useTranslation('account');
  const { user } = useSession();
  return (
    <nav className="account-tabs" aria-label={t('tabs.label')}>
      <NavLink to="/account/password">{t('tabs.password')}</NavLink>
      <NavLink to="/account/language">{t('tabs.language')}</NavLink>
      <NavLink to="/account/notifications">{t('tabs.notifications')}</NavLink>
      {isStaff(user) && <NavLink to="/account/paging">{t('tabs.paging')}</NavLink>}
      <NavLink to="/account/tokens">{t('tabs.tokens')}</NavLink>
    </nav>
  );
}
