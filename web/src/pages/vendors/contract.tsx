// One contract: its term, renewal and notice deadline (the running term, as the server works it out), costs and
// how they are charged, the budget line it draws on, covered services and assets, and the vendor's SLA — and the
// form that adds (/contracts/new) or edits it (managers). Dates are whole days in UTC, as the server counts months.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  type Contract,
  type ContractType,
  contractBriefUrl,
  contractTypes,
  formatDay,
  formatMoney,
  moneyInput,
  parseMoney,
  type RecurringPeriod,
  useBudgetLines,
  useContract,
  useCreateContract,
  useUpdateContract,
  useVendors,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { DaysAway, recurringText } from './contracts';
import { SupplierTabs, splitList } from './parts';

const day = (iso: string) => iso.slice(0, 10);
const utc = (d: string) => `${d}T00:00:00.000Z`;
const periods: RecurringPeriod[] = ['month', 'quarter', 'year'];

export function ContractForm({ contract }: { contract?: Contract }) {
  const { t } = useTranslation('vendors');
  const navigate = useNavigate();
  const vendors = useVendors();
  const lines = useBudgetLines();
  const [f, setF] = useState(() => ({
    vendorId: contract ? String(contract.vendorId) : '',
    title: contract?.title ?? '',
    type: (contract?.type ?? 'support') as ContractType,
    startsAt: contract ? day(contract.startsAt) : new Date().toISOString().slice(0, 10),
    endsAt: contract ? day(contract.endsAt) : '',
    termMonths: contract ? '' : '12',
    autoRenew: contract?.autoRenew ?? true,
    renewalMonths: String(contract?.renewalMonths ?? 12),
    noticeDays: String(contract?.noticeDays ?? 30),
    remindDays: String(contract?.remindDays ?? 30),
    currency: contract?.currency ?? 'EUR',
    oneOff: contract ? moneyInput(contract.oneOffMinor, contract.currency) : '',
    recurring: contract ? moneyInput(contract.recurringMinor, contract.currency) : '',
    period: (contract?.recurringPeriod ?? 'year') as RecurringPeriod,
    budgetLineId: contract?.budgetLineId ? String(contract.budgetLineId) : '',
    services: contract?.services.join(', ') ?? '',
    assetIds: contract?.assetIds.join(', ') ?? '',
    slaText: contract?.slaText ?? '',
    slaTargets: contract?.slaTargets.map((s) => `${s.name}: ${s.target}`).join('\n') ?? '',
    notes: contract?.notes ?? '',
  }));
  const set =
    (k: keyof typeof f) =>
    (e: { target: { value: string } }): void =>
      setF((x) => ({ ...x, [k]: e.target.value }));
  const done = (c: Contract) => navigate(`/contracts/${c.id}`);
  const create = useCreateContract(done);
  const update = useUpdateContract(contract?.id ?? 0, done);
  const write = contract ? update : create;
  const currency = f.currency.trim().toUpperCase();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const recurring = parseMoney(f.recurring, currency) ?? 0;
    const body = {
      vendorId: Number(f.vendorId),
      title: f.title,
      type: f.type,
      startsAt: utc(f.startsAt),
      ...(f.endsAt ? { endsAt: utc(f.endsAt) } : f.termMonths ? { termMonths: Number(f.termMonths) } : {}),
      autoRenew: f.autoRenew,
      renewalMonths: Number(f.renewalMonths) || 12,
      noticeDays: Number(f.noticeDays) || 0,
      remindDays: Number(f.remindDays) || 0,
      currency,
      oneOffMinor: parseMoney(f.oneOff, currency) ?? 0,
      recurringMinor: recurring,
      recurringPeriod: recurring > 0 ? f.period : null,
      budgetLineId: f.budgetLineId ? Number(f.budgetLineId) : null,
      services: splitList(f.services),
      assetIds: splitList(f.assetIds)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0),
      slaText: f.slaText,
      slaTargets: f.slaTargets
        .split('\n')
        .map((l) => l.split(':'))
        .filter((p) => p.length >= 2 && p[0]?.trim())
        .map(([name, ...rest]) => ({ name: (name ?? '').trim(), target: rest.join(':').trim() })),
      notes: f.notes,
    };
    if (contract) update.mutate(body);
    else create.mutate(body);
  };
  const err = (p: string) => fieldError(write.error, p);
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="contract-form-title">
      <h2 id="contract-form-title" className="flush">
        {contract ? t('contract.edit') : t('contract.new')}
      </h2>
      <div className="field-row">
        <Field label={t('vendors.vendor')} error={err('/vendorId')}>
          {(id) => (
            <select id={id} required value={f.vendorId} onChange={set('vendorId')}>
              <option value="">{t('contract.chooseVendor')}</option>
              {vendors.data?.items.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('contract.title')} error={err('/title')}>
          {(id) => <input id={id} required value={f.title} onChange={set('title')} />}
        </Field>
        <Field label={t('contract.type')}>
          {(id) => (
            <select id={id} value={f.type} onChange={set('type')}>
              {contractTypes.map((k) => (
                <option key={k} value={k}>
                  {t(`contractType.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('contract.starts')} error={err('/startsAt')}>
          {(id) => <input id={id} type="date" required value={f.startsAt} onChange={set('startsAt')} />}
        </Field>
        <Field
          label={t('contract.firstTermEnds')}
          hint={t('contract.firstTermEndsHint')}
          error={err('/endsAt')}
        >
          {(id, d) => (
            <input id={id} type="date" aria-describedby={d} value={f.endsAt} onChange={set('endsAt')} />
          )}
        </Field>
        <Field label={t('contract.termMonths')} error={err('/termMonths')}>
          {(id) => <input id={id} inputMode="numeric" value={f.termMonths} onChange={set('termMonths')} />}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('contract.renewalMonths')}>
          {(id) => (
            <input id={id} inputMode="numeric" value={f.renewalMonths} onChange={set('renewalMonths')} />
          )}
        </Field>
        <Field label={t('contract.noticeDays')}>
          {(id) => <input id={id} inputMode="numeric" value={f.noticeDays} onChange={set('noticeDays')} />}
        </Field>
        <Field label={t('contract.remindDays')}>
          {(id) => <input id={id} inputMode="numeric" value={f.remindDays} onChange={set('remindDays')} />}
        </Field>
      </div>
      <label className="inline">
        <input
          type="checkbox"
          checked={f.autoRenew}
          onChange={(e) => setF((x) => ({ ...x, autoRenew: e.target.checked }))}
        />{' '}
        <span>{t('contract.autoRenew')}</span>
      </label>
      <div className="field-row">
        <Field label={t('contract.currency')} error={err('/currency')}>
          {(id) => <input id={id} maxLength={3} required value={f.currency} onChange={set('currency')} />}
        </Field>
        <Field label={t('contract.oneOffCost')} error={err('/oneOffMinor')}>
          {(id) => <input id={id} inputMode="decimal" value={f.oneOff} onChange={set('oneOff')} />}
        </Field>
        <Field label={t('contract.recurringCost')} error={err('/recurringMinor')}>
          {(id) => <input id={id} inputMode="decimal" value={f.recurring} onChange={set('recurring')} />}
        </Field>
        <Field label={t('contract.charged')}>
          {(id) => (
            <select id={id} value={f.period} onChange={set('period')}>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {t(`period.${p}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('contract.budgetLine')} error={err('/budgetLineId')}>
          {(id) => (
            <select id={id} value={f.budgetLineId} onChange={set('budgetLineId')}>
              <option value="">{t('contract.noLine')}</option>
              {lines.data?.items.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} ({l.fiscalYear})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('contract.coveredServices')} hint={t('commaSeparated')}>
          {(id, d) => <input id={id} aria-describedby={d} value={f.services} onChange={set('services')} />}
        </Field>
        <Field label={t('contract.coveredAssets')} hint={t('contract.coveredAssetsHint')}>
          {(id, d) => <input id={id} aria-describedby={d} value={f.assetIds} onChange={set('assetIds')} />}
        </Field>
      </div>
      <Field label={t('contract.vendorSla')}>
        {(id) => <textarea id={id} rows={2} value={f.slaText} onChange={set('slaText')} />}
      </Field>
      <Field label={t('contract.slaTargets')} hint={t('contract.slaTargetsHint')}>
        {(id, d) => (
          <textarea id={id} rows={2} aria-describedby={d} value={f.slaTargets} onChange={set('slaTargets')} />
        )}
      </Field>
      <Field label={t('vendor.notes')}>
        {(id) => <textarea id={id} rows={2} value={f.notes} onChange={set('notes')} />}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={write.isPending}>
          {contract ? t('common:actions.save') : t('contract.submit')}
        </button>
      </div>
      <ErrorMessage error={write.error} title={t('contract.notSaved')} />
    </form>
  );
}

export function NewContractPage() {
  const { t } = useTranslation('vendors');
  useTitle(t('contract.new'));
  return (
    <div className="page narrow">
      <SupplierTabs />
      <h1>{t('contract.new')}</h1>
      <ContractForm />
    </div>
  );
}

export default function ContractPage() {
  const { t } = useTranslation('vendors');
  const id = Number(useParams().id);
  const user = useUser();
  const contract = useContract(id);
  const lines = useBudgetLines();
  const [editing, setEditing] = useState(false);
  useTitle(contract.data?.title ?? t('contracts.contract'));
  if (contract.isPending) return <Loading />;
  if (!contract.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={contract.error} title={t('contract.loadFailed')} />
      </div>
    );
  const c = contract.data;
  const line = lines.data?.items.find((l) => l.id === c.budgetLineId);
  return (
    <div className="ticket-page supplier-page">
      <div className="ticket-main">
        <SupplierTabs />
        <div className="page-head">
          <h1>{c.title}</h1>
          {isManager(user) && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              {t('common:actions.edit')}
            </button>
          )}
        </div>
        <p className="ticket-meta">
          <span className="badge">{t(`contractType.${c.type}`)}</span>
          {c.status === 'cancelled' && <span className="badge score-danger">{t('contract.cancelled')}</span>}
          <Link to={`/vendors/${c.vendorId}`}>{c.vendorName}</Link>
          {c.current.running && (
            <a href={contractBriefUrl(c.id)} target="_blank" rel="noreferrer">
              {t('contract.brief')}
            </a>
          )}
        </p>
        {editing && <ContractForm contract={c} />}
        <div className="supplier-cards">
          <section className="card" aria-labelledby="term-title">
            <h2 id="term-title">{t('contract.termTitle')}</h2>
            <dl className="facts">
              <dt>{t('contract.started')}</dt>
              <dd>{formatDay(c.startsAt)}</dd>
              <dt>{t('contract.firstTermEnded')}</dt>
              <dd>{formatDay(c.endsAt)}</dd>
              <dt>{t('contract.runningTermEnds')}</dt>
              <dd>
                {formatDay(c.current.termEnd)} {c.current.running && <DaysAway iso={c.current.termEnd} />}
              </dd>
              <dt>{t('contract.noticeDeadline')}</dt>
              <dd>
                {formatDay(c.current.noticeDeadline)}{' '}
                {c.current.running && <DaysAway iso={c.current.noticeDeadline} />}
              </dd>
              <dt>{t('contract.then')}</dt>
              <dd>
                {c.current.action === 'renews'
                  ? t('contract.renewsFor', { count: c.renewalMonths })
                  : t('contracts.expires')}
              </dd>
              <dt>{t('contract.noticePeriod')}</dt>
              <dd>{t('contract.days', { count: c.noticeDays })}</dd>
              <dt>{t('contract.reminder')}</dt>
              <dd>{t('contract.reminderDays', { count: c.remindDays })}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="costs-title">
            <h2 id="costs-title">{t('contract.costsTitle')}</h2>
            <dl className="facts">
              <dt>{t('contract.oneOff')}</dt>
              <dd>{c.oneOffMinor > 0 ? formatMoney(c.oneOffMinor, c.currency) : '—'}</dd>
              <dt>{t('contracts.recurring')}</dt>
              <dd>{recurringText(c)}</dd>
              <dt>{t('contract.charged')}</dt>
              <dd>
                {t('contract.chargedText', {
                  oneOff: c.oneOffMinor > 0 ? 'yes' : 'no',
                  period: c.recurringPeriod ?? 'none',
                  renews: c.autoRenew ? 'yes' : 'no',
                })}
              </dd>
              <dt>{t('contract.budgetLine')}</dt>
              <dd>
                {c.budgetLineId === null ? (
                  '—'
                ) : (
                  <Link to={`/budgets?line=${c.budgetLineId}`}>
                    {line
                      ? `${line.name} (${line.fiscalYear})`
                      : t('contract.lineFallback', { id: c.budgetLineId })}
                  </Link>
                )}
              </dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="covers-title">
            <h2 id="covers-title">{t('contract.coversTitle')}</h2>
            <dl className="facts">
              <dt>{t('contract.services')}</dt>
              <dd>{c.services.join(', ') || '—'}</dd>
              <dt>{t('contract.assets')}</dt>
              <dd>{c.assetIds.length ? c.assetIds.map((a) => `#${a}`).join(', ') : '—'}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="sla-title">
            <h2 id="sla-title">{t('contract.vendorSla')}</h2>
            {c.slaText ? <p>{c.slaText}</p> : <p className="muted">{t('contract.noSla')}</p>}
            {c.slaTargets.length > 0 && (
              <dl className="facts">
                {c.slaTargets.map((s) => (
                  <div key={s.name} className="contents">
                    <dt>{s.name}</dt>
                    <dd>{s.target}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
        </div>
        {c.notes && <p>{c.notes}</p>}
      </div>
      <aside className="ticket-side">
        <dl className="facts">
          <dt>{t('vendors.vendor')}</dt>
          <dd>
            <Link to={`/vendors/${c.vendorId}`}>{c.vendorName}</Link>
          </dd>
          <dt>{t('contract.currency')}</dt>
          <dd>{c.currency}</dd>
          <dt>{t('contract.status')}</dt>
          <dd>
            {c.status === 'active'
              ? c.current.running
                ? t('contract.running')
                : t('contract.ended')
              : t('contract.cancelled')}
          </dd>
          <dt>{t('contract.updated')}</dt>

          <dd>{formatDay(c.updatedAt)}</dd>
        </dl>
      </aside>
    </div>
  );
}
