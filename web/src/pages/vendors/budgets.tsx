// Budget lines of a fiscal year, each drawn as bars — spent, committed, what remains of the plan, the forecast of
// the year's end marked — with its figures. Opening a line lists its entries (purchases and spending; contract
// charges are counted by the server) and lets a manager record a purchase or spending; managers add lines.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import {
  type BudgetLineSummary,
  formatDay,
  formatMoney,
  parseMoney,
  useAddBudgetEntry,
  useBudgetLine,
  useBudgetLines,
  useCreateBudgetLine,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { BudgetBars, SupplierTabs } from './parts';

function NewLineForm({ year, onClose }: { year: number; onClose: () => void }) {
  const { t } = useTranslation('vendors');
  const [name, setName] = useState('');
  const [category, setCategory] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [planned, setPlanned] = useState('');
  const create = useCreateBudgetLine(onClose);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const cur = currency.trim().toUpperCase();
    create.mutate({
      name,
      category,
      fiscalYear: year,
      currency: cur,
      plannedMinor: parseMoney(planned, cur) ?? 0,
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-line-title">
      <div className="kb-panel-head">
        <h2 id="new-line-title">{t('budgets.newLine', { year: String(year) })}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <div className="field-row">
        <Field label={t('vendor.name')} error={fieldError(create.error, '/name')}>
          {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('budgets.category')} error={fieldError(create.error, '/category')}>
          {(id) => <input id={id} required value={category} onChange={(e) => setCategory(e.target.value)} />}
        </Field>
        <Field label={t('contract.currency')}>
          {(id) => (
            <input id={id} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} />
          )}
        </Field>
        <Field label={t('budget.planned')} error={fieldError(create.error, '/plannedMinor')}>
          {(id) => (
            <input
              id={id}
              inputMode="decimal"
              required
              value={planned}
              onChange={(e) => setPlanned(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('budgets.addLine')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('budgets.lineNotSaved')} />
    </form>
  );
}

function LineEntries({ line }: { line: BudgetLineSummary }) {
  const { t } = useTranslation('vendors');
  const user = useUser();
  const detail = useBudgetLine(line.id);
  const [kind, setKind] = useState<'purchase' | 'spend'>('purchase');
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const add = useAddBudgetEntry(line.id, () => {
    setAmount('');
    setDescription('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoney(amount, line.currency);
    if (minor === null) return;
    add.mutate({ kind, amountMinor: minor, description });
  };
  const entries = detail.data?.entries ?? [];
  return (
    <div className="budget-entries">
      {detail.isPending && <Loading />}
      {detail.data && entries.length === 0 && <p className="muted small">{t('budgets.noEntries')}</p>}
      {entries.length > 0 && (
        <div className="table-wrap">
          <table className="data-table supplier-table">
            <caption className="visually-hidden">{t('budgets.entriesOn', { name: line.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('budgets.entry')}</th>
                <th scope="col" className="wide-only">
                  {t('budgets.date')}
                </th>
                <th scope="col" className="num">
                  {t('budgets.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((x) => (
                <tr key={x.id}>
                  <td>
                    {x.description || (x.kind === 'purchase' ? t('budgets.purchase') : t('budgets.spending'))}
                    <div className="muted small">
                      {x.kind === 'purchase' ? t('budgets.purchaseCommitted') : t('budget.spent')}
                    </div>
                  </td>
                  <td className="wide-only nowrap">{formatDay(x.at)}</td>
                  <td className="num">{formatMoney(x.amountMinor, line.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isManager(user) && (
        <form className="form" onSubmit={submit} aria-label={t('budgets.recordOn', { name: line.name })}>
          <div className="field-row">
            <Field label={t('budgets.record')}>
              {(id) => (
                <select
                  id={id}
                  value={kind}
                  onChange={(e) => setKind(e.target.value as 'purchase' | 'spend')}
                >
                  <option value="purchase">{t('budgets.aPurchase')}</option>
                  <option value="spend">{t('budgets.spending')}</option>
                </select>
              )}
            </Field>
            <Field
              label={t('budgets.amountIn', { currency: line.currency })}
              error={fieldError(add.error, '/amountMinor')}
            >
              {(id) => (
                <input
                  id={id}
                  inputMode="decimal"
                  required
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                />
              )}
            </Field>
            <Field label={t('budgets.description')}>
              {(id) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" disabled={add.isPending}>
              {t('budgets.record')}
            </button>
          </div>
          <ErrorMessage error={add.error} title={t('budgets.notRecorded')} />
        </form>
      )}
    </div>
  );
}

export default function BudgetsPage() {
  const { t } = useTranslation('vendors');
  useTitle(t('tabs.budgets'));
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const [year, setYear] = useState(() => Number(params.get('year')) || new Date().getFullYear());
  const [adding, setAdding] = useState(false);
  const open = Number(params.get('line')) || null;
  const lines = useBudgetLines({ fiscalYear: year });
  const items = lines.data?.items ?? [];
  const toggle = (id: number) => setParams(open === id ? {} : { line: String(id), year: String(year) });
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('tabs.budgets')}</h1>
        {isManager(user) && !adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t('budgets.add')}
          </button>
        )}
      </div>
      <SupplierTabs />
      <div className="segmented" role="group" aria-label={t('budgets.fiscalYear')}>
        {[year - 1, year, year + 1].map((y) => (
          <button key={y} type="button" aria-pressed={y === year} onClick={() => setYear(y)}>
            {y}
          </button>
        ))}
      </div>
      {adding && <NewLineForm year={year} onClose={() => setAdding(false)} />}
      {lines.isPending && <Loading />}
      <ErrorMessage error={lines.error} />
      {lines.isSuccess && items.length === 0 && (
        <Empty title={t('overview.noLines', { year: String(year) })} />
      )}
      <div className="supplier-cards budget-lines">
        {items.map((l) => (
          <section key={l.id} className="card" aria-labelledby={`line-${l.id}`}>
            <h2 id={`line-${l.id}`}>{l.name}</h2>
            <p className="muted small">
              {l.category} · {l.fiscalYear} · {l.currency} · {t('budgets.contracts', { count: l.contracts })}
            </p>
            <BudgetBars position={l.position} currency={l.currency} />
            <button
              type="button"
              className="ghost"
              aria-expanded={open === l.id}
              onClick={() => toggle(l.id)}
            >
              {open === l.id ? t('budgets.hideEntries') : t('budgets.entries')}
            </button>
            {open === l.id && <LineEntries line={l} />}
          </section>
        ))}
      </div>
    </div>
  );
}
