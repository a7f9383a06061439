// The account pages' tabs: password, which mail reaches me, how pages reach me (staff), API tokens —
// reached from the name in the top bar, so the main navigation keeps to the work.
import { NavLink } from 'react-router-dom';
import { isStaff, useSession } from '../session';

export function AccountTabs() {
  const { user } = useSession();
  return (
    <nav className="account-tabs" aria-label="Your account">
      <NavLink to="/account/password">Password</NavLink>
      <NavLink to="/account/notifications">Notifications</NavLink>
      {isStaff(user) && <NavLink to="/account/paging">Paging</NavLink>}
      <NavLink to="/account/tokens">API tokens</NavLink>
    </nav>
  );
}
