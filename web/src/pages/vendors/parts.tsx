// What the supplier pages share: their tabs (one "Suppliers" item in the top bar leads to all of them), a budget
// line's position drawn as bars, and the comma-separated lists the forms take.
import { NavLink } from 'react-router-dom';
import { type BudgetPosition, formatMoney } from '../../api/vendors';
import { isManager, useUser } from '../../session';
import './vendors.css';

export function SupplierTabs() {
  const user = useUser();
  return (
    <nav className="account-tabs" aria-label="Suppliers">
      {isManager(user) && <NavLink to="/suppliers">Overview</NavLink>}
      <NavLink to="/vendors">Vendors</NavLink>
      <NavLink to="/contracts">Contracts</NavLink>
      <NavLink to="/budgets">Budgets</NavLink>
      <NavLink to="/quote-requests">Quotes</NavLink>
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
          <dt>Planned</dt>
          <dd>{formatMoney(p.plannedMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key spent" /> Spent
          </dt>
          <dd>{formatMoney(p.spentMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key committed" /> Committed
          </dt>
          <dd>{formatMoney(p.committedMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key remaining" /> Remaining
          </dt>
          <dd className={over ? 'danger-text' : undefined}>{formatMoney(p.remainingMinor, currency)}</dd>
        </div>
        <div>
          <dt>
            <span className="key forecast" /> Forecast
          </dt>
          <dd className={p.forecastRemainingMinor < 0 ? 'danger-text' : undefined}>
            {formatMoney(p.forecastMinor, currency)}
          </dd>
        </div>
      </dl>
    </div>
  );
}
