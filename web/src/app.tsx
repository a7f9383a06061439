// Pages and navigation shaped by the user's role: requesters get the portal, technicians the workspace,
// managers and admins also the dashboard, escalations, the reports (SLA, time) and administration. Areas load on demand to keep first load small.
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import type { Role } from './api/types';
import { useLive } from './live';
import { MainNav } from './main-nav';
import { SignInPage } from './pages/sign-in';
import { SearchBox } from './search-box';
import { homeOf, isStaff, useSession } from './session';
import { Loading } from './ui/messages';

const Portal = lazy(() => import('./pages/portal'));
const Workspace = lazy(() => import('./pages/workspace'));
const Dashboard = lazy(() => import('./pages/dashboard'));
const Admin = lazy(() => import('./pages/admin'));
const Tokens = lazy(() => import('./pages/tokens'));
const AccountPassword = lazy(() => import('./pages/account-password'));
const AccountLanguage = lazy(() => import('./pages/account-language'));
const ResetPassword = lazy(() => import('./pages/reset-password'));
const Escalations = lazy(() => import('./pages/escalations'));
const SlaReport = lazy(() => import('./pages/sla-report'));
const TimeReport = lazy(() => import('./pages/time-report'));
const OnCall = lazy(() => import('./pages/oncall/overview'));
const SchedulePage = lazy(() => import('./pages/oncall/schedule'));
const Rosters = lazy(() => import('./pages/oncall/rosters'));
const ContactMethods = lazy(() => import('./pages/oncall/contact-methods'));
const Incidents = lazy(() => import('./pages/incidents/incidents'));
const IncidentPage = lazy(() => import('./pages/incidents/incident'));
const Technicians = lazy(() => import('./pages/technicians'));
const Assignment = lazy(() => import('./pages/assignment'));
const Policies = lazy(() => import('./pages/oncall/policies'));
const ImportOnCall = lazy(() => import('./pages/oncall/import'));
const Respond = lazy(() => import('./pages/incidents/respond'));
const Approvals = lazy(() => import('./pages/approvals'));
const ApprovalLink = lazy(() => import('./pages/approvals').then((m) => ({ default: m.ApprovalLinkPage })));
const StatusPage = lazy(() => import('./pages/status-page'));
const StatusPagesAdmin = lazy(() => import('./pages/status-pages'));
const MonitoringBoard = lazy(() => import('./pages/monitoring/board'));
const MonitoringTarget = lazy(() => import('./pages/monitoring/target'));
const MonitoringAlerts = lazy(() => import('./pages/monitoring/alerts'));
const MonitoringSilences = lazy(() => import('./pages/monitoring/silences'));
const MonitoringRules = lazy(() => import('./pages/monitoring/rules'));
const MonitoringCapacity = lazy(() => import('./pages/monitoring/capacity'));
// -- logs pages --
const LogSearch = lazy(() => import('./pages/logs/search'));
const LogTail = lazy(() => import('./pages/logs/tail'));
const LogPatterns = lazy(() => import('./pages/logs/patterns'));
const LogPattern = lazy(() => import('./pages/logs/pattern'));
// -- knowledge pages --
const KnowledgeBase = lazy(() => import('./pages/knowledge/kb'));
const ArticlePage = lazy(() => import('./pages/knowledge/article'));
const ArticleEditor = lazy(() => import('./pages/knowledge/editor'));
// -- notification preferences --
const AccountNotifications = lazy(() => import('./pages/account-notifications'));
const MacrosPage = lazy(() => import('./pages/macros'));
const ProblemsPage = lazy(() => import('./pages/problems'));
const ProblemPage = lazy(() => import('./pages/problem'));
const NewTicket = lazy(() => import('./pages/new-ticket'));
const ChangesPage = lazy(() => import('./pages/changes/changes'));
const ChangePage = lazy(() => import('./pages/changes/change'));
const ChangeCalendar = lazy(() => import('./pages/changes/calendar'));
const ProposalsPage = lazy(() => import('./pages/proposals/proposals'));
const ProposalPage = lazy(() => import('./pages/proposals/proposal'));
// -- asset pages --
const AssetsPage = lazy(() => import('./pages/assets/assets'));
const AssetPage = lazy(() => import('./pages/assets/asset'));
const AssetLabels = lazy(() => import('./pages/assets/labels'));
const AssetLifecycle = lazy(() => import('./pages/assets/lifecycle'));
// -- suppliers pages --
const VendorsPage = lazy(() => import('./pages/vendors/vendors'));
const VendorPage = lazy(() => import('./pages/vendors/vendor'));
const ContractsPage = lazy(() => import('./pages/vendors/contracts'));
const ContractPage = lazy(() => import('./pages/vendors/contract'));
const NewContractPage = lazy(() =>
  import('./pages/vendors/contract').then((m) => ({ default: m.NewContractPage })),
);
const BudgetsPage = lazy(() => import('./pages/vendors/budgets'));
const QuoteRequestsPage = lazy(() => import('./pages/vendors/quote-requests'));
const QuoteRequestPage = lazy(() => import('./pages/vendors/quote-request'));
const SuppliersPage = lazy(() => import('./pages/vendors/suppliers'));
const ServiceAgreement = lazy(() =>
  import('./pages/knowledge/article').then((m) => ({ default: m.ServiceAgreementPage })),
);

type Theme = 'system' | 'light' | 'dark';

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem('opsdesk-theme') as Theme | null) ?? 'system',
  );
  useEffect(() => {
    if (theme === 'system') {
      delete document.documentElement.dataset.theme;
      localStorage.removeItem('opsdesk-theme');
    } else {
      document.documentElement.dataset.theme = theme;
      localStorage.setItem('opsdesk-theme', theme);
    }
  }, [theme]);
  const next: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
  return [theme, () => setTheme((t) => next[t])];
}

function LiveToasts() {
  const { t } = useTranslation('shell');
  const { recent, dismiss } = useLive();
  return (
    <div className="toasts" aria-live="polite" aria-atomic="false">
      {recent.map((e) => (
        <div className="toast" key={e.id}>
          <span>{e.summary}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('dismissNotification')}
            onClick={() => dismiss(e.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

function Layout() {
  const { t } = useTranslation('shell');
  const { user, signOut } = useSession();
  const { connected } = useLive();
  const [theme, toggleTheme] = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu whenever the page changes
  useEffect(() => setMenuOpen(false), [location.pathname]);
  if (!user) return null;
  const staff = isStaff(user);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <NavLink to={homeOf(user)} className="brand" aria-label={t('home')}>
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="var(--accent)" />
            <path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" />
          </svg>
          <span>opsdesk</span>
        </NavLink>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          {t('menu')}
        </button>
        <MainNav user={user} open={menuOpen} />
        {staff && <SearchBox />}
        <div className="topbar-end">
          <span
            className={`live-dot ${connected ? 'on' : ''}`}
            title={connected ? t('live.on') : t('live.reconnecting')}
          >
            <span className="visually-hidden">{connected ? t('live.on') : t('live.reconnecting')}</span>
          </span>
          <button
            type="button"
            className="ghost"
            onClick={toggleTheme}
            aria-label={t('theme.change', { theme })}
          >
            {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
          </button>
          <NavLink
            to="/account/password"
            className="whoami"
            title={t('account.title', { email: user.email })}
            aria-label={t('account.label', { name: user.name })}
          >
            {user.name}
          </NavLink>
          <button type="button" className="ghost" onClick={() => void signOut()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <LiveToasts />
    </div>
  );
}

function RequireUser({ roles }: { roles?: Role[] }) {
  const { t } = useTranslation('shell');
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading label={t('signingIn')} />;
  if (!user)
    return (
      <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    );
  if (roles && !roles.includes(user.role)) {
    return (
      <div className="page narrow">
        <h1>{t('notAvailable.title')}</h1>
        <p>{t('notAvailable.body')}</p>
        <NavLink to={homeOf(user)}>{t('goHome')}</NavLink>
      </div>
    );
  }
  return <Outlet />;
}

function Home() {
  const { user, loading } = useSession();
  if (loading) return <Loading />;
  return <Navigate to={user ? homeOf(user) : '/sign-in'} replace />;
}

const staffRoles: Role[] = ['technician', 'manager', 'admin'];
const managerRoles: Role[] = ['manager', 'admin'];

export function App() {
  const { t } = useTranslation('shell');
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        path="/reset-password"
        element={
          <Suspense fallback={<Loading />}>
            <ResetPassword />
          </Suspense>
        }
      />
      <Route path="/" element={<Home />} />
      <Route
        path="/approve/:id"
        element={
          <Suspense fallback={<Loading />}>
            <ApprovalLink />
          </Suspense>
        }
      />
      <Route
        path="/respond/incidents/:id"
        element={
          <Suspense fallback={<Loading />}>
            <Respond />
          </Suspense>
        }
      />
      <Route
        path="/status/:slug"
        element={
          <Suspense fallback={<Loading />}>
            <StatusPage />
          </Suspense>
        }
      />
      <Route element={<RequireUser />}>
        <Route element={<Layout />}>
          <Route path="/requests/*" element={<Portal />} />
          <Route path="/account/tokens" element={<Tokens />} />
          <Route path="/account/password" element={<AccountPassword />} />
          <Route path="/account/language" element={<AccountLanguage />} />
          <Route path="/account/notifications" element={<AccountNotifications />} />
          <Route path="/approvals" element={<Approvals />} />
          <Route path="/kb" element={<KnowledgeBase />} />
          <Route path="/kb/service-agreement" element={<ServiceAgreement />} />
          <Route path="/kb/:id" element={<ArticlePage />} />
          {/* Staff see the inventory; a requester sees the equipment they own, read only. */}
          <Route path="/assets" element={<AssetsPage />} />
          <Route path="/assets/:id" element={<AssetPage />} />
          <Route element={<RequireUser roles={staffRoles} />}>
            <Route path="/kb/new" element={<ArticleEditor />} />
            <Route path="/kb/:id/edit" element={<ArticleEditor />} />
            <Route path="/queue" element={<Workspace />} />
            <Route path="/tickets/:id" element={<Workspace />} />
            <Route path="/oncall" element={<OnCall />} />
            <Route path="/oncall/schedules/:id" element={<SchedulePage />} />
            <Route path="/incidents" element={<Incidents />} />
            <Route path="/incidents/:id" element={<IncidentPage />} />
            <Route path="/technicians" element={<Technicians />} />
            <Route path="/account/paging" element={<ContactMethods />} />
            <Route path="/monitoring" element={<MonitoringBoard />} />
            <Route path="/monitoring/targets/:id" element={<MonitoringTarget />} />
            <Route path="/monitoring/alerts" element={<MonitoringAlerts />} />
            <Route path="/monitoring/silences" element={<MonitoringSilences />} />
            <Route path="/monitoring/rules/*" element={<MonitoringRules />} />
            <Route path="/monitoring/capacity" element={<MonitoringCapacity />} />
            <Route path="/logs" element={<LogSearch />} />
            <Route path="/logs/tail" element={<LogTail />} />
            <Route path="/logs/patterns" element={<LogPatterns />} />
            <Route path="/logs/patterns/:id" element={<LogPattern />} />
            <Route path="/macros" element={<MacrosPage />} />
            <Route path="/tickets/new" element={<NewTicket />} />
            <Route path="/problems" element={<ProblemsPage />} />
            <Route path="/problems/:id" element={<ProblemPage />} />
            <Route path="/changes" element={<ChangesPage />} />
            <Route path="/changes/calendar" element={<ChangeCalendar />} />
            <Route path="/changes/:id" element={<ChangePage />} />
            <Route path="/proposals" element={<ProposalsPage />} />
            <Route path="/proposals/:id" element={<ProposalPage />} />
            <Route path="/assets/labels" element={<AssetLabels />} />
            <Route path="/vendors" element={<VendorsPage />} />
            <Route path="/vendors/:id" element={<VendorPage />} />
            <Route path="/contracts" element={<ContractsPage />} />
            <Route path="/contracts/:id" element={<ContractPage />} />
            <Route path="/budgets" element={<BudgetsPage />} />
            <Route path="/quote-requests" element={<QuoteRequestsPage />} />
            <Route path="/quote-requests/:id" element={<QuoteRequestPage />} />
          </Route>
          <Route element={<RequireUser roles={managerRoles} />}>
            <Route path="/dashboard" element={<Dashboard />} />
            <Route path="/escalations" element={<Escalations />} />
            <Route path="/reports/sla" element={<SlaReport />} />
            <Route path="/reports/time" element={<TimeReport />} />
            <Route path="/reports" element={<Navigate to="/reports/sla" replace />} />
            <Route path="/oncall/rosters" element={<Rosters />} />
            <Route path="/oncall/policies" element={<Policies />} />
            <Route path="/oncall/import" element={<ImportOnCall />} />
            <Route path="/assignment" element={<Assignment />} />
            <Route path="/assets/lifecycle" element={<AssetLifecycle />} />
            <Route path="/admin/*" element={<Admin />} />
            <Route path="/status-pages" element={<StatusPagesAdmin />} />
            <Route path="/suppliers" element={<SuppliersPage />} />
            <Route path="/contracts/new" element={<NewContractPage />} />
          </Route>
          <Route
            path="*"
            element={
              <div className="page narrow">
                <h1>{t('notFound.title')}</h1>
                <p>
                  {t('notFound.body')} <NavLink to="/">{t('goHome')}</NavLink>
                </p>
              </div>
            }
          />
        </Route>
      </Route>
    </Routes>
  );
}
