// One vendor: contacts, categories, what it supplies, its performance score with the reasons, its contracts
// (running term and notice deadline), the quotes it gave among the recent requests, and its ticket tag. Managers
// edit the tag, notes and whether it is active.
import { useQueries } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { client, unwrap } from '../../api/client';
import {
  contractTypeLabel,
  formatDay,
  formatMoney,
  supplierKeys,
  useContracts,
  useQuoteRequests,
  useUpdateVendor,
  useVendor,
  type Vendor,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { SupplierTabs, splitList } from './parts';
import { ScoreBadge } from './vendors';

/** "4 h", "6.5 days": whole hours below a day, one decimal of a day from a day on. */
function durationText(ms: number): string {
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  const d = Math.round((ms / 86_400_000) * 10) / 10;
  return `${d} day${d === 1 ? '' : 's'}`;
}

function VendorQuotes({ vendorId }: { vendorId: number }) {
  // No endpoint lists a vendor's quotes: look through the twenty latest requests that have any.
  const requests = useQuoteRequests({ limit: 20 });
  const withQuotes = (requests.data?.items ?? []).filter((r) => r.quoteCount > 0);
  const details = useQueries({
    queries: withQuotes.map((r) => ({
      queryKey: supplierKeys.request(r.id),
      queryFn: () => unwrap(client.GET('/api/v1/quote-requests/{id}', { params: { path: { id: r.id } } })),
    })),
  });
  const quotes = details.flatMap((d) =>
    d.data ? d.data.quotes.filter((q) => q.vendorId === vendorId).map((q) => ({ q, r: d.data })) : [],
  );
  if (requests.isPending) return <Loading />;
  if (quotes.length === 0) return <p className="muted">No quotes among the recent requests.</p>;
  return (
    <ul className="plain-list">
      {quotes.map(({ q, r }) => (
        <li key={q.id}>
          <Link to={`/quote-requests/${r.id}`}>
            RFQ-{r.id} {r.what}
          </Link>{' '}
          <span className="muted small">
            {q.reference || `quote ${q.id}`} · {q.currency} · {q.lines.length} lines
            {r.awardedQuoteId === q.id ? ' · awarded' : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

function EditVendor({ vendor }: { vendor: Vendor }) {
  const [tag, setTag] = useState(vendor.ticketTag ?? '');
  const [categories, setCategories] = useState(vendor.categories.join(', '));
  const [supplies, setSupplies] = useState(vendor.supplies.join(', '));
  const [notes, setNotes] = useState(vendor.notes);
  const [active, setActive] = useState(vendor.active);
  const [saved, setSaved] = useState(false);
  const update = useUpdateVendor(vendor.id, () => setSaved(true));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    update.mutate({
      ticketTag: tag.trim() || null,
      categories: splitList(categories),
      supplies: splitList(supplies),
      notes,
      active,
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="edit-vendor-title">
      <h2 id="edit-vendor-title" className="flush">
        Edit
      </h2>
      <div className="field-row">
        <Field label="Categories">
          {(id) => <input id={id} value={categories} onChange={(e) => setCategories(e.target.value)} />}
        </Field>
        <Field label="Products and services">
          {(id) => <input id={id} value={supplies} onChange={(e) => setSupplies(e.target.value)} />}
        </Field>
        <Field label="Ticket tag">
          {(id) => <input id={id} value={tag} onChange={(e) => setTag(e.target.value)} />}
        </Field>
      </div>
      <Field label="Notes">
        {(id) => <textarea id={id} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <div className="actions">
        <label className="inline">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
          <span>Active</span>
        </label>
        <button type="submit" disabled={update.isPending}>
          Save
        </button>
        {saved && (
          <span className="ok-text" role="status">
            Saved.
          </span>
        )}
      </div>
      <ErrorMessage error={update.error} title="The vendor was not saved." />
    </form>
  );
}

export default function VendorPage() {
  const id = Number(useParams().id);
  const user = useUser();
  const vendor = useVendor(id);
  const contracts = useContracts({ vendorId: id });
  useTitle(vendor.data?.name ?? 'Vendor');
  if (vendor.isPending) return <Loading />;
  if (!vendor.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={vendor.error} title="The vendor could not be loaded." />
      </div>
    );
  const v = vendor.data;
  return (
    <div className="ticket-page supplier-page">
      <div className="ticket-main">
        <SupplierTabs />
        <div className="page-head">
          <h1>{v.name}</h1>
        </div>
        <p className="ticket-meta">
          <ScoreBadge vendor={v} /> {!v.active && <span className="badge">Inactive</span>}
          {v.categories.map((c) => (
            <span key={c} className="badge">
              {c}
            </span>
          ))}
        </p>
        <section className="card panel" aria-labelledby="contacts-title">
          <h2 id="contacts-title">Contacts</h2>
          {v.contacts.length === 0 ? (
            <p className="muted">No contacts recorded.</p>
          ) : (
            <ul className="plain-list">
              {v.contacts.map((c) => (
                <li key={`${c.name}${c.email}`}>
                  <strong>{c.name}</strong>
                  {c.role && <span className="muted"> · {c.role}</span>}
                  <div className="small">
                    {c.email && <a href={`mailto:${c.email}`}>{c.email}</a>} {c.phone}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card panel" aria-labelledby="contracts-title">
          <h2 id="contracts-title">Contracts</h2>
          {contracts.isPending && <Loading />}
          {contracts.data && contracts.data.items.length === 0 && <Empty title="No contracts." />}
          {contracts.data && contracts.data.items.length > 0 && (
            <div className="table-wrap">
              <table className="data-table supplier-table">
                <caption className="visually-hidden">Contracts with {v.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Contract</th>
                    <th scope="col">Term ends</th>
                    <th scope="col" className="wide-only">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {contracts.data.items.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/contracts/${c.id}`}>{c.title}</Link>
                        <div className="muted small">{contractTypeLabel[c.type]}</div>
                      </td>
                      <td className="nowrap">{formatDay(c.current.termEnd)}</td>
                      <td className="wide-only num">
                        {c.recurringPeriod ? formatMoney(c.recurringMinor, c.currency) : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="card panel" aria-labelledby="quotes-title">
          <h2 id="quotes-title">Quotes</h2>
          <VendorQuotes vendorId={v.id} />
        </section>
        {isManager(user) && <EditVendor key={v.updatedAt} vendor={v} />}
      </div>
      <aside className="ticket-side">
        <dl className="facts">
          <dt>Supplies</dt>
          <dd>{v.supplies.join(', ') || '—'}</dd>
          <dt>Ticket tag</dt>
          <dd>{v.ticketTag ? <code>{v.ticketTag}</code> : '—'}</dd>
          <dt>Performance</dt>
          <dd>
            {v.performance.score} / 100
            {v.performance.reasons.map((r) => (
              <div key={r} className="muted small">
                {r}
              </div>
            ))}
          </dd>
          <dt>Response target</dt>
          <dd>
            {v.performance.slaTargetMs === null
              ? '— (no response target in its contracts)'
              : `${durationText(v.performance.slaTargetMs)}: met ${v.performance.slaMet}, missed ${v.performance.slaMissed}`}
            {v.responses.slice(0, 5).map((r) => (
              <div key={r.ticketId} className="small">
                <Link to={`/tickets/${r.ticketId}`}>#{r.ticketId}</Link> waited {durationText(r.waitedMs)} ·{' '}
                {r.outcome.replace('_', ' ')}
              </div>
            ))}
          </dd>
          <dt>RMA turnaround</dt>
          <dd>
            {v.performance.rmaMedianTurnaroundMs === null
              ? 'no repair returned yet'
              : `median ${durationText(v.performance.rmaMedianTurnaroundMs)} over ${v.performance.rmaReturned} returned`}
            {v.performance.rmaOpen > 0 && ` · ${v.performance.rmaOpen} still out`}
            {v.rmas.slice(0, 5).map((r) => (
              <div key={r.repairId} className="small">
                {r.rmaNumber || `repair ${r.repairId}`}:{' '}
                <Link to={`/assets/${r.assetId}`}>asset {r.assetId}</Link> ·{' '}
                {r.closedAt
                  ? `back in ${durationText(r.turnaroundMs)}`
                  : `out ${durationText(r.turnaroundMs)}`}
              </div>
            ))}
          </dd>
          {v.notes && (
            <>
              <dt>Notes</dt>
              <dd>{v.notes}</dd>
            </>
          )}
          <dt>Added</dt>
          <dd>{formatDay(v.createdAt)}</dd>
        </dl>
      </aside>
    </div>
  );
}
