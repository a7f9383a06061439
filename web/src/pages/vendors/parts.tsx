// What the supplier pages share: their tabs (one "Suppliers" item in the top bar leads to all of them), a budget
// line's position drawn as bars, and the comma-separated lists the forms take.
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { type BudgetPosition, formatMoney } from '../../api/vendors';
import { isManager, useUser } from '../../session';
import './vendors.css';

export function SupplierTabs() {
  const { t } = useTranslation('vendors');
  const user = useUser();
  return (
    <nav className="account-tabs" aria-label={t('tabs.label')}>
      {isManager(user) && <NavLink to="/suppliers">{t('tabs.overview')}</NavLink>}
      <NavLink to="/vendors">{t('tabs.vendors')}</NavLink>
      <NavLink to="/contracts">{t('tabs.contracts')}</NavLink>
      <NavLink to="/budgets">{t('tabs.budgets')}</NavLink>
      <NavLink to="/quote-requests">{t('tabs.quotes')}</NavLink>
    </nav>
  );
}

/** "a, b ,c" → ["a", "b", "c"] */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Planned against spent, committed and what remains, with the forecast of the year's end marked. */
export function BudgetBars({ position: p, currency }: { position: BudgetPosition; currency: string }) {
  const { t } = useTranslation('vendors');
  const scale = Math.max(p.plannedMinor, p.spentMinor + p.committedMinor, p.forecastMinor, 1);
  const pct = (v: number) => `${Math.max(0, (v / scale) * 100)}%`;
  const over = p.remainingMinor < 0;
  return (
    <div className="budget-bars">
      <div className="budget-bar" aria-hidden="true">
        <span className="seg spent" style={{ width: pct(p.spentMinor) }} />
        <span className="seg committed" style={{ width: pct(p.committedMinor) }} />
        {!over && <span className="seg remaining" style={{ width: pct(p.remainingMinor) }} />}
        <span className="forecast-mark" style={{ left: pct(p.forecastMinor) }} />
      </div>
      <dl className="budget-figures">
        <div>
          <dt>{t('budget.planned')}</dt>
          <dd>{formatMoney(p.plannedMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key spent" /> {t('budget.spent')}
          </dt>
          <dd>{formatMoney(p.spentMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key committed" /> {t('budget.committed')}
          </dt>
          <dd>{formatMoney(p.committedMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key remaining" /> {t('budget.remaining')}
          </dt>
          <dd className={over ? 'danger-text' : undefined}>{formatMoney(p.remainingMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key forecast" /> {t('budget.forecast')}
          </dt>
          <dd className={p.forecastRemainingMinor < 0 ? 'danger-text' : undefined}>
            {formatMoney(p.forecastMinor, currency)}
          </dd>
        </div>
      </dl>
    </div>
  );
}
