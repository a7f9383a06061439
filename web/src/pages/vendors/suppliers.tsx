// The manager's view of suppliers: renewals in the next 90 days (with their notice deadlines), what is left on
// each budget line this year, and the open requests for quotes. Assembled from the list endpoints
// (contracts?renewingWithinDays=90, budget-lines?fiscalYear=, quote-requests?status=open,quoted); once
// GET /api/v1/vendors/overview exists, useSupplierOverview is the one place to switch to it.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type BudgetLineSummary,
  type Contract,
  contractBriefUrl,
  formatDay,
  formatMoney,
  type QuoteRequestSummary,
  useBudgetLines,
  useContracts,
  useQuoteRequests,
} from '../../api/vendors';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { DaysAway, recurringText } from './contracts';
import { BudgetBars, SupplierTabs } from './parts';
import { RequestStatusBadge } from './quote-requests';

interface SupplierOverview {
  renewals: Contract[];
  lines: BudgetLineSummary[];
  requests: QuoteRequestSummary[];
}

function useSupplierOverview(fiscalYear: number) {
  const renewals = useContracts({ renewingWithinDays: 90 });
  const lines = useBudgetLines({ fiscalYear });
  const requests = useQuoteRequests({ status: 'open,quoted' });
  const parts = [renewals, lines, requests];
  const data: SupplierOverview | undefined =
    renewals.data && lines.data && requests.data
      ? { renewals: renewals.data.items, lines: lines.data.items, requests: requests.data.items }
      : undefined;
  return {
    data,
    error: parts.find((p) => p.error)?.error ?? null,
    isPending: parts.some((p) => p.isPending),
  };
}

export default function SuppliersPage() {
  const { t } = useTranslation('vendors');
  useTitle(t('tabs.label'));
  const year = new Date().getFullYear();
  const overview = useSupplierOverview(year);
  const o = overview.data;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('tabs.label')}</h1>
      </div>
      <SupplierTabs />
      {overview.isPending && <Loading />}
      <ErrorMessage error={overview.error} />
      {o && (
        <div className="supplier-cards">
          <section className="card" aria-labelledby="renewals-title">
            <h2 id="renewals-title">{t('overview.renewals')}</h2>
            {o.renewals.length === 0 ? (
              <p className="muted">{t('overview.noRenewals')}</p>
            ) : (
              <ul className="plain-list">
                {o.renewals.map((c) => (
                  <li key={c.id}>
                    <Link to={`/contracts/${c.id}`}>{c.title}</Link>{' '}
                    <span className="muted small">
                      {c.vendorName} ·{' '}
                      {t('overview.termEnd', { action: c.current.action, day: formatDay(c.current.termEnd) })}
                    </span>
                    <div className="small">
                      {t('overview.noticeBy', { day: formatDay(c.current.noticeDeadline) })}{' '}
                      <DaysAway iso={c.current.noticeDeadline} /> · {recurringText(c)} ·{' '}
                      <a href={contractBriefUrl(c.id)} target="_blank" rel="noreferrer">
                        {t('brief')}
                      </a>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="left-title">
            <h2 id="left-title">{t('overview.budgetLeft', { year: String(year) })}</h2>
            {o.lines.length === 0 ? (
              <p className="muted">{t('overview.noLines', { year: String(year) })}</p>
            ) : (
              <ul className="plain-list">
                {o.lines.map((l) => (
                  <li key={l.id}>
                    <Link to={`/budgets?line=${l.id}&year=${l.fiscalYear}`}>{l.name}</Link>{' '}
                    <span className={l.position.remainingMinor < 0 ? 'danger-text' : 'muted'}>
                      {t('overview.left', { amount: formatMoney(l.position.remainingMinor, l.currency) })}
                    </span>
                    <BudgetBars position={l.position} currency={l.currency} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="open-title">
            <h2 id="open-title">{t('overview.openRequests')}</h2>
            {o.requests.length === 0 ? (
              <p className="muted">{t('overview.noRequests')}</p>
            ) : (
              <ul className="plain-list">
                {o.requests.map((r) => (
                  <li key={r.id}>
                    <Link to={`/quote-requests/${r.id}`}>
                      {t('rfqNumber', { id: r.id })} {r.what}
                    </Link>{' '}
                    <RequestStatusBadge status={r.status} />
                    <div className="muted small">
                      {t('overview.quotes', { count: r.quoteCount })} ·{' '}
                      {t('overview.opened', { day: formatDay(r.createdAt) })}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
