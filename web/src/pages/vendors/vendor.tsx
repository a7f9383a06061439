// One vendor: contacts, categories, what it supplies, its performance score with the reasons, its contracts
// (running term and notice deadline), the quotes it gave among the recent requests, and its ticket tag. Managers
// edit the tag, notes and whether it is active.
import { useQueries } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { client, unwrap } from '../../api/client';
import {
  formatDay,
  formatMoney,
  supplierKeys,
  useContracts,
  useQuoteRequests,
  useUpdateVendor,
  useVendor,
  type Vendor,
} from '../../api/vendors';
import { t as translate } from '../../i18n';
import { isManager, useUser } from '../../session';
import { Field } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { SupplierTabs, splitList } from './parts';
import { ScoreBadge } from './vendors';

/** "4 h", "6.5 days": whole hours below a day, one decimal of a day from a day on. */
function durationText(ms: number): string {
  if (ms < 86_400_000) return translate('vendors:duration.hours', { hours: Math.round(ms / 3_600_000) });
  const d = Math.round((ms / 86_400_000) * 10) / 10;
  return translate('vendors:duration.days', { days: d });
}

function VendorQuotes({ vendorId }: { vendorId: number }) {
  const { t } = useTranslation('vendors');
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
  if (quotes.length === 0) return <p className="muted">{t('vendor.noQuotes')}</p>;
  return (
    <ul className="plain-list">
      {quotes.map(({ q, r }) => (
        <li key={q.id}>
          <Link to={`/quote-requests/${r.id}`}>
            {t('rfqNumber', { id: r.id })} {r.what}
          </Link>{' '}
          <span className="muted small">
            {q.reference || t('vendor.quoteFallback', { id: q.id })} · {q.currency} ·{' '}
            {t('vendor.lines', { count: q.lines.length })}
            {r.awardedQuoteId === q.id ? ` · ${t('vendor.awarded')}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

function EditVendor({ vendor }: { vendor: Vendor }) {
  const { t } = useTranslation('vendors');
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
        {t('common:actions.edit')}
      </h2>
      <div className="field-row">
        <Field label={t('vendor.categories')}>
          {(id) => <input id={id} value={categories} onChange={(e) => setCategories(e.target.value)} />}
        </Field>
        <Field label={t('vendor.supplies')}>
          {(id) => <input id={id} value={supplies} onChange={(e) => setSupplies(e.target.value)} />}
        </Field>
        <Field label={t('vendor.ticketTag')}>
          {(id) => <input id={id} value={tag} onChange={(e) => setTag(e.target.value)} />}
        </Field>
      </div>
      <Field label={t('vendor.notes')}>
        {(id) => <textarea id={id} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <div className="actions">
        <label className="inline">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
          <span>{t('vendor.active')}</span>
        </label>
        <button type="submit" disabled={update.isPending}>
          {t('common:actions.save')}
        </button>
        {saved && (
          <span className="ok-text" role="status">
            {t('saved')}
          </span>
        )}
      </div>
      <ErrorMessage error={update.error} title={t('vendor.notSaved')} />
    </form>
  );
}

export default function VendorPage() {
  const { t } = useTranslation('vendors');
  const id = Number(useParams().id);
  const user = useUser();
  const vendor = useVendor(id);
  const contracts = useContracts({ vendorId: id });
  useTitle(vendor.data?.name ?? t('vendors.vendor'));
  if (vendor.isPending) return <Loading />;
  if (!vendor.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={vendor.error} title={t('vendor.loadFailed')} />
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
          <ScoreBadge vendor={v} /> {!v.active && <span className="badge">{t('vendor.inactive')}</span>}
          {v.categories.map((c) => (
            <span key={c} className="badge">
              {c}
            </span>
          ))}
        </p>
        <section className="card panel" aria-labelledby="contacts-title">
          <h2 id="contacts-title">{t('vendor.contacts')}</h2>
          {v.contacts.length === 0 ? (
            <p className="muted">{t('vendor.noContacts')}</p>
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
          <h2 id="contracts-title">{t('tabs.contracts')}</h2>
          {contracts.isPending && <Loading />}
          {contracts.data && contracts.data.items.length === 0 && <Empty title={t('vendor.noContracts')} />}
          {contracts.data && contracts.data.items.length > 0 && (
            <div className="table-wrap">
              <table className="data-table supplier-table">
                <caption className="visually-hidden">{t('vendor.contractsWith', { name: v.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('contracts.contract')}</th>
                    <th scope="col">{t('contracts.termEnds')}</th>
                    <th scope="col" className="wide-only">
                      {t('vendor.cost')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {contracts.data.items.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/contracts/${c.id}`}>{c.title}</Link>
                        <div className="muted small">{t(`contractType.${c.type}`)}</div>
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
          <h2 id="quotes-title">{t('tabs.quotes')}</h2>
          <VendorQuotes vendorId={v.id} />
        </section>
        {isManager(user) && <EditVendor key={v.updatedAt} vendor={v} />}
      </div>
      <aside className="ticket-side">
        <dl className="facts">
          <dt>{t('vendors.suppliesColumn')}</dt>
          <dd>{v.supplies.join(', ') || '—'}</dd>
          <dt>{t('vendor.ticketTag')}</dt>
          <dd>{v.ticketTag ? <code>{v.ticketTag}</code> : '—'}</dd>
          <dt>{t('vendors.performance')}</dt>
          <dd>
            {v.performance.score} / 100
            {v.performance.reasons.map((r) => (
              <div key={r} className="muted small">
                {r}
              </div>
            ))}
          </dd>
          <dt>{t('vendor.responseTarget')}</dt>
          <dd>
            {v.performance.slaTargetMs === null
              ? t('vendor.noResponseTarget')
              : t('vendor.responseFigures', {
                  target: durationText(v.performance.slaTargetMs),
                  met: v.performance.slaMet,
                  missed: v.performance.slaMissed,
                })}
            {v.responses.slice(0, 5).map((r) => (
              <div key={r.ticketId} className="small">
                <Link to={`/tickets/${r.ticketId}`}>#{r.ticketId}</Link>{' '}
                {t('vendor.waited', { duration: durationText(r.waitedMs) })} ·{' '}
                {t(`vendor.outcome.${r.outcome}`)}
              </div>
            ))}
          </dd>
          <dt>{t('vendor.rmaTurnaround')}</dt>
          <dd>
            {v.performance.rmaMedianTurnaroundMs === null
              ? t('vendor.noRepairReturned')
              : t('vendor.rmaMedian', {
                  duration: durationText(v.performance.rmaMedianTurnaroundMs),
                  count: v.performance.rmaReturned,
                })}
            {v.performance.rmaOpen > 0 && ` · ${t('vendor.rmaOpen', { count: v.performance.rmaOpen })}`}
            {v.rmas.slice(0, 5).map((r) => (
              <div key={r.repairId} className="small">
                {r.rmaNumber || t('vendor.repairFallback', { id: r.repairId })}:{' '}
                <Link to={`/assets/${r.assetId}`}>{t('vendor.asset', { id: r.assetId })}</Link> ·{' '}
                {r.closedAt
                  ? t('vendor.backIn', { duration: durationText(r.turnaroundMs) })
                  : t('vendor.out', { duration: durationText(r.turnaroundMs) })}
              </div>
            ))}
          </dd>
          {v.notes && (
            <>
              <dt>{t('vendor.notes')}</dt>
              <dd>{v.notes}</dd>
            </>
          )}
          <dt>{t('vendor.added')}</dt>

          <dd>{formatDay(v.createdAt)}</dd>
        </dl>
      </aside>
    </div>
  );
}
