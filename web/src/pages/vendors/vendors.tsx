// Vendors for staff: the list (search by name, each with its categories, what it supplies, its performance score
// and the ticket tag that records waits on it) and, for managers, a form to add one. The vendor's own page is
// vendor.tsx.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useCreateVendor, useVendors, type Vendor } from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { SupplierTabs, splitList } from './parts';

export function ScoreBadge({ vendor }: { vendor: Vendor }) {
  // The reasons are the server's words (see docs/i18n.md: server-side free text is shown as it is).
  const s = vendor.performance.score;
  const tone = s >= 80 ? 'ok' : s >= 50 ? 'warn' : 'danger';
  return (
    <span className={`badge score-${tone}`} title={vendor.performance.reasons.join(' ')}>
      {s} / 100
    </span>
  );
}

function NewVendorForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('vendors');
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [categories, setCategories] = useState('');
  const [supplies, setSupplies] = useState('');
  const [tag, setTag] = useState('');
  const [contact, setContact] = useState({ name: '', role: '', email: '', phone: '' });
  const create = useCreateVendor((v) => navigate(`/vendors/${v.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name,
      categories: splitList(categories),
      supplies: splitList(supplies),
      ticketTag: tag.trim() || null,
      contacts: contact.name.trim() ? [contact] : [],
    });
  };
  const setC = (k: keyof typeof contact) => (e: { target: { value: string } }) =>
    setContact((c) => ({ ...c, [k]: e.target.value }));
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-vendor-title">
      <div className="kb-panel-head">
        <h2 id="new-vendor-title">{t('vendors.add')}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <div className="field-row">
        <Field label={t('vendor.name')} error={fieldError(create.error, '/name')}>
          {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('vendor.ticketTag')} hint={t('vendor.ticketTagHint')}>
          {(id, d) => (
            <input id={id} aria-describedby={d} value={tag} onChange={(e) => setTag(e.target.value)} />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('vendor.categories')} hint={t('commaSeparated')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={categories}
              onChange={(e) => setCategories(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('vendor.supplies')} hint={t('commaSeparated')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={supplies}
              onChange={(e) => setSupplies(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('contact.name')}>
          {(id) => <input id={id} value={contact.name} onChange={setC('name')} />}
        </Field>
        <Field label={t('contact.role')}>
          {(id) => <input id={id} value={contact.role} onChange={setC('role')} />}
        </Field>
        <Field label={t('contact.email')}>
          {(id) => <input id={id} type="email" value={contact.email} onChange={setC('email')} />}
        </Field>
        <Field label={t('contact.phone')}>
          {(id) => <input id={id} value={contact.phone} onChange={setC('phone')} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('vendors.submit')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('vendor.notSaved')} />
    </form>
  );
}

export default function VendorsPage() {
  const { t } = useTranslation('vendors');
  useTitle(t('tabs.vendors'));
  const user = useUser();
  const [q, setQ] = useState('');
  const [adding, setAdding] = useState(false);
  const vendors = useVendors(q.trim() ? { q: q.trim() } : {});
  const items = vendors.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('tabs.vendors')}</h1>
        {isManager(user) && !adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t('vendors.add')}
          </button>
        )}
      </div>
      <SupplierTabs />
      {adding && <NewVendorForm onClose={() => setAdding(false)} />}
      <div className="filters-row">
        <Field label={t('vendors.find')}>
          {(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
      </div>
      {vendors.isPending && <Loading />}
      <ErrorMessage error={vendors.error} />
      {vendors.isSuccess && items.length === 0 && <Empty title={t('vendors.empty')} />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table supplier-table">
            <caption className="visually-hidden">{t('tabs.vendors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('vendors.vendor')}</th>
                <th scope="col" className="wide-only">
                  {t('vendors.suppliesColumn')}
                </th>
                <th scope="col" className="wide-only">
                  {t('vendor.ticketTag')}
                </th>
                <th scope="col">{t('vendors.performance')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.id}>
                  <td>
                    <Link to={`/vendors/${v.id}`}>{v.name}</Link>
                    {!v.active && <span className="badge">{t('vendor.inactive')}</span>}

                    <div className="muted small">{v.categories.join(' · ') || '—'}</div>
                  </td>
                  <td className="wide-only">{v.supplies.join(', ') || '—'}</td>
                  <td className="wide-only">{v.ticketTag ? <code>{v.ticketTag}</code> : '—'}</td>
                  <td className="nowrap">
                    <ScoreBadge vendor={v} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
