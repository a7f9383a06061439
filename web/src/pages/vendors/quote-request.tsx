// One request for quotes: what is asked for, its requirements, the quotes received (entered here line by line or
// imported from CSV, with the rows the import refused and why), the comparison side by side and the award.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  chargePeriods,
  formatDay,
  formatMoney,
  lineKinds,
  parseMoney,
  purchaseBriefUrl,
  type QuoteImport,
  type QuoteRequest,
  useAddQuote,
  useImportQuotes,
  useQuoteRequest,
  useVendors,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { ComparisonPanel } from './comparison';
import { SupplierTabs } from './parts';
import { RequestStatusBadge } from './quote-requests';

interface LineRow {
  description: string;
  kind: (typeof lineKinds)[number];
  quantity: string;
  price: string;
  period: (typeof chargePeriods)[number];
  discount: string;
}
const emptyLine: LineRow = {
  description: '',
  kind: 'purchase',
  quantity: '1',
  price: '',
  period: 'once',
  discount: '',
};

function AddQuoteForm({ request }: { request: QuoteRequest }) {
  const { t } = useTranslation('vendors');
  const vendors = useVendors({ active: true });
  const [vendorId, setVendorId] = useState('');
  const [reference, setReference] = useState('');
  const [currency, setCurrency] = useState(request.currency ?? 'EUR');
  const [rate, setRate] = useState('');
  const [met, setMet] = useState<string[]>([]);
  const [lines, setLines] = useState<LineRow[]>([{ ...emptyLine }]);
  const [saved, setSaved] = useState(false);
  const add = useAddQuote(request.id, () => {
    setSaved(true);
    setLines([{ ...emptyLine }]);
    setReference('');
    setMet([]);
  });
  const cur = currency.trim().toUpperCase();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    add.mutate({
      vendorId: Number(vendorId),
      reference,
      currency: cur,
      ...(rate.trim() ? { rate: rate.trim() } : {}),
      requirementsMet: met,
      lines: lines.map((l) => ({
        description: l.description,
        kind: l.kind,
        quantity: Number(l.quantity) || 0,
        unitPriceMinor: parseMoney(l.price, cur) ?? 0,
        period: l.period,
        discountBp: Math.round((Number(l.discount.replace(',', '.')) || 0) * 100),
      })),
    });
  };
  const setLine = (i: number, patch: Partial<LineRow>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="add-quote-title">
      <h2 id="add-quote-title" className="flush">
        {t('quote.enter')}
      </h2>
      <div className="field-row">
        <Field label={t('vendors.vendor')} error={fieldError(add.error, '/vendorId')}>
          {(id) => (
            <select id={id} required value={vendorId} onChange={(e) => setVendorId(e.target.value)}>
              <option value="">{t('contract.chooseVendor')}</option>
              {vendors.data?.items.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('quote.reference')}>
          {(id) => <input id={id} value={reference} onChange={(e) => setReference(e.target.value)} />}
        </Field>
        <Field label={t('contract.currency')}>
          {(id) => (
            <input id={id} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} />
          )}
        </Field>
        <Field label={t('quote.rate')} hint={t('quote.rateHint')} error={fieldError(add.error, '/rate')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              inputMode="decimal"
              placeholder="0.92"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
            />
          )}
        </Field>
      </div>
      {request.requirements.length > 0 && (
        <fieldset className="field">
          <legend>{t('quote.requirementsMet')}</legend>
          <div className="checks">
            {request.requirements.map((r) => (
              <label key={r.key}>
                <input
                  type="checkbox"
                  checked={met.includes(r.key)}
                  onChange={(e) =>
                    setMet((m) => (e.target.checked ? [...m, r.key] : m.filter((k) => k !== r.key)))
                  }
                />
                <span>{r.text}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <fieldset className="field">
        <legend>{t('quote.lineItems')}</legend>
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, never reordered
          <div key={i} className="quote-line-row">
            <Field label={t('quote.item', { n: i + 1 })}>
              {(id) => (
                <input
                  id={id}
                  required
                  value={l.description}
                  onChange={(e) => setLine(i, { description: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('quote.kind')}>
              {(id) => (
                <select
                  id={id}
                  value={l.kind}
                  onChange={(e) => setLine(i, { kind: e.target.value as LineRow['kind'] })}
                >
                  {lineKinds.map((k) => (
                    <option key={k} value={k}>
                      {t(`lineKind.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('requests.quantity')}>
              {(id) => (
                <input
                  id={id}
                  inputMode="numeric"
                  value={l.quantity}
                  onChange={(e) => setLine(i, { quantity: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('quote.unitPrice')}>
              {(id) => (
                <input
                  id={id}
                  inputMode="decimal"
                  required
                  value={l.price}
                  onChange={(e) => setLine(i, { price: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('quote.period')}>
              {(id) => (
                <select
                  id={id}
                  value={l.period}
                  onChange={(e) => setLine(i, { period: e.target.value as LineRow['period'] })}
                >
                  {chargePeriods.map((p) => (
                    <option key={p} value={p}>
                      {t(`chargePeriod.${p}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('quote.discount')}>
              {(id) => (
                <input
                  id={id}
                  inputMode="decimal"
                  value={l.discount}
                  onChange={(e) => setLine(i, { discount: e.target.value })}
                />
              )}
            </Field>
            <button
              type="button"
              className="ghost"
              aria-label={t('quote.removeItem', { n: i + 1 })}
              disabled={lines.length === 1}
              onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <div>
          <button type="button" className="ghost" onClick={() => setLines((ls) => [...ls, { ...emptyLine }])}>
            {t('quote.addLine')}
          </button>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={add.isPending}>
          {t('quote.save')}
        </button>
        {saved && (
          <span className="ok-text" role="status">
            {t('saved')}
          </span>
        )}
      </div>
      <ErrorMessage error={add.error} title={t('quote.notSaved')} />
    </form>
  );
}

const csvExample =
  'vendor,reference,currency,description,kind,quantity,unit_price,period,requirements_met\nAcme,Q-1,EUR,Server,purchase,2,4200.00,once,ecc;rack';

function ImportForm({ request }: { request: QuoteRequest }) {
  const { t } = useTranslation('vendors');
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<QuoteImport | null>(null);
  const run = useImportQuotes(request.id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setReport(null);
    run.mutate(csv, { onSuccess: setReport });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="import-title">
      <h2 id="import-title" className="flush">
        {t('import.title')}
      </h2>
      <Field label={t('import.file')}>
        {(id) => (
          <input
            id={id}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)}
          />
        )}
      </Field>
      <Field label={t('import.paste')} hint={t('import.pasteHint')}>
        {(id, d) => (
          <textarea
            id={id}
            className="csv-input"
            rows={4}
            aria-describedby={d}
            placeholder={csvExample}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={run.isPending || !csv.trim()}>
          {t('import.run')}
        </button>
      </div>
      <ErrorMessage error={run.error} title={t('import.failed')} />
      {report && (
        <div className="import-report" role="status">
          <p className={report.quotes.length ? 'ok-text' : 'warn-text'}>
            {t('import.result', { count: report.quotes.length, refused: report.rejected.length })}
          </p>
          {report.rejected.length > 0 && (
            <div className="table-wrap">
              <table className="data-table supplier-table">
                <caption className="visually-hidden">{t('import.refusedRows')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      {t('import.row')}
                    </th>
                    <th scope="col">{t('import.why')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rejected.map((r) => (
                    <tr key={r.row}>
                      <td className="num">{r.row}</td>
                      <td>{r.errors.join('; ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </form>
  );
}

export default function QuoteRequestPage() {
  const { t } = useTranslation('vendors');
  const id = Number(useParams().id);
  const user = useUser();
  const request = useQuoteRequest(id);
  useTitle(request.data ? `${t('rfqNumber', { id })} ${request.data.what}` : t('request.title'));
  if (request.isPending) return <Loading />;
  if (!request.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={request.error} title={t('request.loadFailed')} />
      </div>
    );
  const r = request.data;
  const open = r.status === 'open' || r.status === 'quoted';
  return (
    <div className="page">
      <SupplierTabs />
      <div className="page-head">
        <h1>
          {t('rfqNumber', { id: r.id })} {r.what}
        </h1>
        <RequestStatusBadge status={r.status} />
      </div>
      <p className="ticket-meta">
        {r.quantity} × {r.spec || r.what} · {t('requests.months', { count: r.termMonths })}
        {r.proposalId !== null && (
          <>
            {' '}
            ·{' '}
            <Trans
              t={t}
              i18nKey="request.fromProposal"
              values={{ id: r.proposalId }}
              components={{ anchor: <Link to={`/proposals/${r.proposalId}`} /> }}
            />
          </>
        )}
        {r.awardedAt && ` · ${t('request.awardedOn', { day: formatDay(r.awardedAt) })}`}
      </p>
      <div className="supplier-cards">
        <section className="card" aria-labelledby="req-title">
          <h2 id="req-title">{t('requests.requirements')}</h2>
          {r.requirements.length === 0 ? (
            <p className="muted">{t('request.noneStated')}</p>
          ) : (
            <ul className="plain-list">
              {r.requirements.map((q) => (
                <li key={q.key}>
                  {q.text} <span className="muted small">{t('request.weight', { weight: q.weight })}</span>
                  {q.mandatory && <span className="badge score-warn">{t('request.must')}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="quotes-title">
          <h2 id="quotes-title">{t('request.quotes', { count: r.quotes.length })}</h2>
          {r.quotes.length === 0 ? (
            <p className="muted">{t('request.noQuotes')}</p>
          ) : (
            <ul className="plain-list">
              {r.quotes.map((q) => (
                <li key={q.id}>
                  <Link to={`/vendors/${q.vendorId}`}>{q.vendorName}</Link>{' '}
                  <span className="muted small">
                    {q.reference || t('vendor.quoteFallback', { id: q.id })} ·{' '}
                    {t('request.lines', { count: q.lines.length })} · {q.currency}
                    {/* i18n-ignore: CSV is the format's name */}
                    {q.source === 'csv' ? ' · CSV' : ''}
                    {r.awardedQuoteId === q.id ? ` · ${t('vendor.awarded')}` : ''}
                  </span>{' '}
                  <a
                    className="small"
                    href={purchaseBriefUrl(r.id, q.vendorId)}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {t('brief')}
                  </a>
                  <div className="small">
                    {q.lines
                      .slice(0, 3)
                      .map(
                        (l) =>
                          `${l.quantity} × ${l.description} ${formatMoney(l.unitPriceMinor, q.currency)}`,
                      )
                      .join(' · ')}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {r.quotes.length > 0 && <ComparisonPanel request={r} />}
      {isManager(user) && open && (
        <>
          <AddQuoteForm request={r} />
          <ImportForm request={r} />
        </>
      )}
    </div>
  );
}
