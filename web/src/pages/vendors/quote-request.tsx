// One request for quotes: what is asked for, its requirements, the quotes received (entered here line by line or
// imported from CSV, with the rows the import refused and why), the comparison side by side and the award.
import { type FormEvent, useState } from 'react';
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
        Enter a quote
      </h2>
      <div className="field-row">
        <Field label="Vendor" error={fieldError(add.error, '/vendorId')}>
          {(id) => (
            <select id={id} required value={vendorId} onChange={(e) => setVendorId(e.target.value)}>
              <option value="">Choose a vendor</option>
              {vendors.data?.items.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Reference">
          {(id) => <input id={id} value={reference} onChange={(e) => setReference(e.target.value)} />}
        </Field>
        <Field label="Currency">
          {(id) => (
            <input id={id} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} />
          )}
        </Field>
        <Field
          label="Stated rate"
          hint="When the currency differs from the request's."
          error={fieldError(add.error, '/rate')}
        >
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
          <legend>Requirements met</legend>
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
        <legend>Line items</legend>
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, never reordered
          <div key={i} className="quote-line-row">
            <Field label={`Item ${i + 1}`}>
              {(id) => (
                <input
                  id={id}
                  required
                  value={l.description}
                  onChange={(e) => setLine(i, { description: e.target.value })}
                />
              )}
            </Field>
            <Field label="Kind">
              {(id) => (
                <select
                  id={id}
                  value={l.kind}
                  onChange={(e) => setLine(i, { kind: e.target.value as LineRow['kind'] })}
                >
                  {lineKinds.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Quantity">
              {(id) => (
                <input
                  id={id}
                  inputMode="numeric"
                  value={l.quantity}
                  onChange={(e) => setLine(i, { quantity: e.target.value })}
                />
              )}
            </Field>
            <Field label="Unit price">
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
            <Field label="Period">
              {(id) => (
                <select
                  id={id}
                  value={l.period}
                  onChange={(e) => setLine(i, { period: e.target.value as LineRow['period'] })}
                >
                  {chargePeriods.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Discount %">
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
              aria-label={`Remove item ${i + 1}`}
              disabled={lines.length === 1}
              onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <div>
          <button type="button" className="ghost" onClick={() => setLines((ls) => [...ls, { ...emptyLine }])}>
            Add a line
          </button>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={add.isPending}>
          Save the quote
        </button>
        {saved && (
          <span className="ok-text" role="status">
            Saved.
          </span>
        )}
      </div>
      <ErrorMessage error={add.error} title="The quote was not saved." />
    </form>
  );
}

const csvExample =
  'vendor,reference,currency,description,kind,quantity,unit_price,period,requirements_met\nAcme,Q-1,EUR,Server,purchase,2,4200.00,once,ecc;rack';

function ImportForm({ request }: { request: QuoteRequest }) {
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
        Import quotes from CSV
      </h2>
      <Field label="CSV file">
        {(id) => (
          <input
            id={id}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)}
          />
        )}
      </Field>
      <Field
        label="Or paste the rows"
        hint="One line item a row; the header names the columns (docs/vendors.md)."
      >
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
          Import
        </button>
      </div>
      <ErrorMessage error={run.error} title="Nothing was imported." />
      {report && (
        <div className="import-report" role="status">
          <p className={report.quotes.length ? 'ok-text' : 'warn-text'}>
            {report.quotes.length} quote{report.quotes.length === 1 ? '' : 's'} imported
            {report.rejected.length > 0 &&
              `; ${report.rejected.length} row${report.rejected.length === 1 ? '' : 's'} refused`}
            .
          </p>
          {report.rejected.length > 0 && (
            <div className="table-wrap">
              <table className="data-table supplier-table">
                <caption className="visually-hidden">Rows refused</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Row
                    </th>
                    <th scope="col">Why</th>
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
  const id = Number(useParams().id);
  const user = useUser();
  const request = useQuoteRequest(id);
  useTitle(request.data ? `RFQ-${id} ${request.data.what}` : 'Request for quotes');
  if (request.isPending) return <Loading />;
  if (!request.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={request.error} title="The request could not be loaded." />
      </div>
    );
  const r = request.data;
  const open = r.status === 'open' || r.status === 'quoted';
  return (
    <div className="page">
      <SupplierTabs />
      <div className="page-head">
        <h1>
          RFQ-{r.id} {r.what}
        </h1>
        <RequestStatusBadge status={r.status} />
      </div>
      <p className="ticket-meta">
        {r.quantity} × {r.spec || r.what} · {r.termMonths} months
        {r.proposalId !== null && (
          <>
            {' '}
            · from <Link to={`/proposals/${r.proposalId}`}>proposal {r.proposalId}</Link>
          </>
        )}
        {r.awardedAt && ` · awarded ${formatDay(r.awardedAt)}`}
      </p>
      <div className="supplier-cards">
        <section className="card" aria-labelledby="req-title">
          <h2 id="req-title">Requirements</h2>
          {r.requirements.length === 0 ? (
            <p className="muted">None stated.</p>
          ) : (
            <ul className="plain-list">
              {r.requirements.map((q) => (
                <li key={q.key}>
                  {q.text} <span className="muted small">weight {q.weight}</span>
                  {q.mandatory && <span className="badge score-warn">Must</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="quotes-title">
          <h2 id="quotes-title">Quotes ({r.quotes.length})</h2>
          {r.quotes.length === 0 ? (
            <p className="muted">No quotes yet.</p>
          ) : (
            <ul className="plain-list">
              {r.quotes.map((q) => (
                <li key={q.id}>
                  <Link to={`/vendors/${q.vendorId}`}>{q.vendorName}</Link>{' '}
                  <span className="muted small">
                    {q.reference || `quote ${q.id}`} · {q.lines.length} line{q.lines.length === 1 ? '' : 's'}{' '}
                    · {q.currency}
                    {q.source === 'csv' ? ' · CSV' : ''}
                    {r.awardedQuoteId === q.id ? ' · awarded' : ''}
                  </span>{' '}
                  <a
                    className="small"
                    href={purchaseBriefUrl(r.id, q.vendorId)}
                    target="_blank"
                    rel="noreferrer"
                  >
                    Negotiation brief
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
