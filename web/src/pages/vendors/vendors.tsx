// Vendors for staff: the list (search by name, each with its categories, what it supplies, its performance score
// and the ticket tag that records waits on it) and, for managers, a form to add one. The vendor's own page is
// vendor.tsx.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useCreateVendor, useVendors, type Vendor } from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { SupplierTabs, splitList } from './parts';

export function ScoreBadge({ vendor }: { vendor: Vendor }) {
  const s = vendor.performance.score;
  const tone = s >= 80 ? 'ok' : s >= 50 ? 'warn' : 'danger';
  return (
    <span className={`badge score-${tone}`} title={vendor.performance.reasons.join(' ')}>
      {s} / 100
    </span>
  );
}

function NewVendorForm({ onClose }: { onClose: () => void }) {
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
        <h2 id="new-vendor-title">Add a vendor</h2>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <div className="field-row">
        <Field label="Name" error={fieldError(create.error, '/name')}>
          {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Ticket tag" hint="Pending tickets with this tag wait on the vendor.">
          {(id, d) => (
            <input id={id} aria-describedby={d} value={tag} onChange={(e) => setTag(e.target.value)} />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label="Categories" hint="Separated by commas.">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={categories}
              onChange={(e) => setCategories(e.target.value)}
            />
          )}
        </Field>
        <Field label="Products and services" hint="Separated by commas.">
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
        <Field label="Contact name">
          {(id) => <input id={id} value={contact.name} onChange={setC('name')} />}
        </Field>
        <Field label="Contact role">
          {(id) => <input id={id} value={contact.role} onChange={setC('role')} />}
        </Field>
        <Field label="Contact email">
          {(id) => <input id={id} type="email" value={contact.email} onChange={setC('email')} />}
        </Field>
        <Field label="Contact phone">
          {(id) => <input id={id} value={contact.phone} onChange={setC('phone')} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Add vendor
        </button>
      </div>
      <ErrorMessage error={create.error} title="The vendor was not saved." />
    </form>
  );
}

export default function VendorsPage() {
  useTitle('Vendors');
  const user = useUser();
  const [q, setQ] = useState('');
  const [adding, setAdding] = useState(false);
  const vendors = useVendors(q.trim() ? { q: q.trim() } : {});
  const items = vendors.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Vendors</h1>
        {isManager(user) && !adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add a vendor
          </button>
        )}
      </div>
      <SupplierTabs />
      {adding && <NewVendorForm onClose={() => setAdding(false)} />}
      <div className="filters-row">
        <Field label="Find a vendor">
          {(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
      </div>
      {vendors.isPending && <Loading />}
      <ErrorMessage error={vendors.error} />
      {vendors.isSuccess && items.length === 0 && <Empty title="No vendors yet." />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table supplier-table">
            <caption className="visually-hidden">Vendors</caption>
            <thead>
              <tr>
                <th scope="col">Vendor</th>
                <th scope="col" className="wide-only">
                  Supplies
                </th>
                <th scope="col" className="wide-only">
                  Ticket tag
                </th>
                <th scope="col">Performance</th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.id}>
                  <td>
                    <Link to={`/vendors/${v.id}`}>{v.name}</Link>
                    {!v.active && <span className="badge">Inactive</span>}
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
