// Contracts for staff, soonest term end first, and the renewals calendar: the next twelve months as a grid, each
// month listing the notice deadlines and term ends that fall in it. "Renewing within" narrows both to the
// server's renewals calendar (?renewingWithinDays=N). Managers add a contract (contract.tsx holds the form).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type Contract,
  type ContractType,
  contractTypes,
  daysUntil,
  formatDay,
  formatMoney,
  useContracts,
} from '../../api/vendors';
import { t as translate } from '../../i18n';
import { browserTimeZone, dateTimeFormat } from '../../locale';
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
// The months are the browser's (calendar arithmetic on Date): named in the UI's language in that same zone.
const monthName = dateTimeFormat({ month: 'long', year: 'numeric', timeZone: browserTimeZone() });

export function RenewalCalendar({ contracts, months = 12 }: { contracts: Contract[]; months?: number }) {
  const { t } = useTranslation('vendors');
  const now = new Date();
  const grid = Array.from({ length: months }, (_, i) => new Date(now.getFullYear(), now.getMonth() + i, 1));
  const marks: CalendarMark[] = contracts
    .filter((c) => c.current.running)
    .flatMap((c) => [
      { at: c.current.noticeDeadline, kind: 'notice' as const, contract: c },
      { at: c.current.termEnd, kind: 'end' as const, contract: c },
    ])
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return (
    <section className="renewal-calendar" aria-label={t('calendar.label')}>
      {grid.map((m) => {
        const inMonth = marks.filter((x) => {
          const d = new Date(x.at);
          return d.getFullYear() === m.getFullYear() && d.getMonth() === m.getMonth();
        });
        return (
          <div key={m.toISOString()} className="renewal-month">
            <h3>{monthName.format(m)}</h3>
            {inMonth.length === 0 ? (
              <p className="muted small flush">{t('calendar.nothingDue')}</p>
            ) : (
              <ul>
                {inMonth.map((x) => (
                  <li key={`${x.kind}${x.contract.id}`}>
                    <span className="day">{new Date(x.at).getDate()}</span>
                    <span className={`badge ${x.kind === 'notice' ? 'score-warn' : 'score-danger'}`}>
                      {x.kind === 'notice'
                        ? t('calendar.notice')
                        : x.contract.current.action === 'renews'
                          ? t('calendar.renews')
                          : t('calendar.ends')}
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
  const { t } = useTranslation('vendors');
  const d = daysUntil(iso);
  const text = d === 0 ? t('days.today') : d > 0 ? t('days.in', { count: d }) : t('days.ago', { count: -d });
  return <span className={d < 0 ? 'danger-text' : d <= 30 ? 'warn-text' : 'muted'}>{text}</span>;
}

export function recurringText(c: Contract): string {
  return c.recurringPeriod && c.recurringMinor > 0
    ? translate('vendors:recurring', {
        amount: formatMoney(c.recurringMinor, c.currency),
        period: c.recurringPeriod,
      })
    : '—';
}

const windows = [0, 30, 60, 90, 180, 365];

export default function ContractsPage() {
  const { t } = useTranslation('vendors');
  useTitle(t('tabs.contracts'));
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
        <h1>{t('tabs.contracts')}</h1>
        {isManager(user) && (
          <Link className="button primary" to="/contracts/new">
            {t('contracts.add')}
          </Link>
        )}
      </div>
      <SupplierTabs />
      <div className="filters-row">
        <Field label={t('contracts.renewingWithin')}>
          {(id) => (
            <select id={id} value={within} onChange={(e) => setWithin(Number(e.target.value))}>
              {windows.map((w) => (
                <option key={w} value={w}>
                  {w === 0 ? t('contracts.anyTime') : t('contracts.days', { count: w })}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('contract.type')}>
          {(id) => (
            <select id={id} value={type} onChange={(e) => setType(e.target.value as ContractType | '')}>
              <option value="">{t('contracts.allTypes')}</option>
              {contractTypes.map((k) => (
                <option key={k} value={k}>
                  {t(`contractType.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {contracts.isPending && <Loading />}
      <ErrorMessage error={contracts.error} />
      {contracts.data && <RenewalCalendar contracts={items} />}
      {contracts.isSuccess && items.length === 0 && <Empty title={t('contracts.empty')} />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table supplier-table">
            <caption className="visually-hidden">{t('tabs.contracts')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('contracts.contract')}</th>
                <th scope="col">{t('contracts.noticeBy')}</th>
                <th scope="col" className="wide-only">
                  {t('contracts.termEnds')}
                </th>
                <th scope="col" className="wide-only num">
                  {t('contracts.recurring')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/contracts/${c.id}`}>{c.title}</Link>
                    <div className="muted small">
                      {c.vendorName} · {t(`contractType.${c.type}`)}
                      {c.status === 'cancelled' ? ` · ${t('contracts.cancelled')}` : ''}
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
                    <div className="muted small">
                      {c.current.action === 'renews' ? t('contracts.renews') : t('contracts.expires')}
                    </div>
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
