// Contracts for staff, soonest term end first, and the renewals calendar: the next twelve months as a grid, each
// month listing the notice deadlines and term ends that fall in it. "Renewing within" narrows both to the
// server's renewals calendar (?renewingWithinDays=N). Managers add a contract (contract.tsx holds the form).
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type Contract,
  type ContractType,
  contractTypeLabel,
  contractTypes,
  daysUntil,
  formatDay,
  formatMoney,
  periodLabel,
  useContracts,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { SupplierTabs } from './parts';

interface CalendarMark {
  at: string;
  kind: 'notice' | 'end';
  contract: Contract;
}

/** The next twelve months, each with the notice deadlines and term ends in it (in the reader's zone). */
export function RenewalCalendar({ contracts, months = 12 }: { contracts: Contract[]; months?: number }) {
  const now = new Date();
  const grid = Array.from({ length: months }, (_, i) => new Date(now.getFullYear(), now.getMonth() + i, 1));
  const marks: CalendarMark[] = contracts
    .filter((c) => c.current.running)
    .flatMap((c) => [
      { at: c.current.noticeDeadline, kind: 'notice' as const, contract: c },
      { at: c.current.termEnd, kind: 'end' as const, contract: c },
    ])
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const monthName = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
  return (
    <section className="renewal-calendar" aria-label="Renewals calendar">
      {grid.map((m) => {
        const inMonth = marks.filter((x) => {
          const d = new Date(x.at);
          return d.getFullYear() === m.getFullYear() && d.getMonth() === m.getMonth();
        });
        return (
          <div key={m.toISOString()} className="renewal-month">
            <h3>{monthName.format(m)}</h3>
            {inMonth.length === 0 ? (
              <p className="muted small flush">Nothing due.</p>
            ) : (
              <ul>
                {inMonth.map((x) => (
                  <li key={`${x.kind}${x.contract.id}`}>
                    <span className="day">{new Date(x.at).getDate()}</span>
                    <span className={`badge ${x.kind === 'notice' ? 'score-warn' : 'score-danger'}`}>
                      {x.kind === 'notice'
                        ? 'Notice'
                        : x.contract.current.action === 'renews'
                          ? 'Renews'
                          : 'Ends'}
                    </span>
                    <Link to={`/contracts/${x.contract.id}`}>{x.contract.title}</Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </section>
  );
}

/** "in 12 days", "today", "5 days ago" */
export function DaysAway({ iso }: { iso: string }) {
  const d = daysUntil(iso);
  const text = d === 0 ? 'today' : d > 0 ? `in ${d} day${d === 1 ? '' : 's'}` : `${-d} days ago`;
  return <span className={d < 0 ? 'danger-text' : d <= 30 ? 'warn-text' : 'muted'}>{text}</span>;
}

export function recurringText(c: Contract): string {
  return c.recurringPeriod && c.recurringMinor > 0
    ? `${formatMoney(c.recurringMinor, c.currency)} ${periodLabel[c.recurringPeriod]}`
    : '—';
}

const windows = [0, 30, 60, 90, 180, 365];

export default function ContractsPage() {
  useTitle('Contracts');
  const user = useUser();
  const [within, setWithin] = useState(0);
  const [type, setType] = useState<ContractType | ''>('');
  const contracts = useContracts({
    ...(within > 0 ? { renewingWithinDays: within } : {}),
    ...(type ? { type } : {}),
  });
  const items = contracts.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Contracts</h1>
        {isManager(user) && (
          <Link className="button primary" to="/contracts/new">
            Add a contract
          </Link>
        )}
      </div>
      <SupplierTabs />
      <div className="filters-row">
        <Field label="Renewing within">
          {(id) => (
            <select id={id} value={within} onChange={(e) => setWithin(Number(e.target.value))}>
              {windows.map((w) => (
                <option key={w} value={w}>
                  {w === 0 ? 'Any time' : `${w} days`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Type">
          {(id) => (
            <select id={id} value={type} onChange={(e) => setType(e.target.value as ContractType | '')}>
              <option value="">All types</option>
              {contractTypes.map((t) => (
                <option key={t} value={t}>
                  {contractTypeLabel[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {contracts.isPending && <Loading />}
      <ErrorMessage error={contracts.error} />
      {contracts.data && <RenewalCalendar contracts={items} />}
      {contracts.isSuccess && items.length === 0 && <Empty title="No contracts here." />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table supplier-table">
            <caption className="visually-hidden">Contracts</caption>
            <thead>
              <tr>
                <th scope="col">Contract</th>
                <th scope="col">Notice by</th>
                <th scope="col" className="wide-only">
                  Term ends
                </th>
                <th scope="col" className="wide-only num">
                  Recurring
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/contracts/${c.id}`}>{c.title}</Link>
                    <div className="muted small">
                      {c.vendorName} · {contractTypeLabel[c.type]}
                      {c.status === 'cancelled' ? ' · cancelled' : ''}
                    </div>
                  </td>
                  <td>
                    <div className="nowrap">{formatDay(c.current.noticeDeadline)}</div>
                    {c.current.running && (
                      <div className="small">
                        <DaysAway iso={c.current.noticeDeadline} />
                      </div>
                    )}
                  </td>
                  <td className="wide-only nowrap">
                    {formatDay(c.current.termEnd)}
                    <div className="muted small">{c.current.action === 'renews' ? 'renews' : 'expires'}</div>
                  </td>
                  <td className="wide-only num">{recurringText(c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
