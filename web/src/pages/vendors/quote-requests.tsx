// Requests for quotes, newest first, by state; managers write one by hand (an approved upgrade proposal opens
// one by itself). The request's own page, with its quotes and the comparison, is quote-request.tsx.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import {
  formatDay,
  type QuoteRequestStatus,
  useBudgetLines,
  useCreateQuoteRequest,
  useQuoteRequests,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { SupplierTabs } from './parts';

export function RequestStatusBadge({ status }: { status: QuoteRequestStatus }) {
  const { t } = useTranslation('vendors');
  const tone = { open: 'score-warn', quoted: 'status-new', awarded: 'score-ok', cancelled: '' }[status];
  return <span className={`badge ${tone}`}>{t(`requestStatus.${status}`)}</span>;
}

interface ReqRow {
  key: string;
  text: string;
  mandatory: boolean;
  weight: string;
}

function NewRequestForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('vendors');
  const navigate = useNavigate();
  const lines = useBudgetLines();
  const [what, setWhat] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [spec, setSpec] = useState('');
  const [lineId, setLineId] = useState('');
  const [term, setTerm] = useState('36');
  const [reqs, setReqs] = useState<ReqRow[]>([{ key: '', text: '', mandatory: false, weight: '1' }]);
  const create = useCreateQuoteRequest((r) => navigate(`/quote-requests/${r.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      what,
      quantity: Number(quantity) || 1,
      spec,
      budgetLineId: lineId ? Number(lineId) : null,
      termMonths: Number(term) || 36,
      requirements: reqs
        .filter((r) => r.key.trim())
        .map((r) => ({
          key: r.key.trim(),
          text: r.text || r.key,
          mandatory: r.mandatory,
          weight: Number(r.weight) || 1,
        })),
    });
  };
  const setReq = (i: number, patch: Partial<ReqRow>) =>
    setReqs((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-rfq-title">
      <div className="kb-panel-head">
        <h2 id="new-rfq-title">{t('requests.newTitle')}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <div className="field-row">
        <Field label={t('requests.what')} error={fieldError(create.error, '/what')}>
          {(id) => <input id={id} required value={what} onChange={(e) => setWhat(e.target.value)} />}
        </Field>
        <Field label={t('requests.quantity')}>
          {(id) => (
            <input
              id={id}
              inputMode="numeric"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('contract.termMonths')}>
          {(id) => (
            <input id={id} inputMode="numeric" value={term} onChange={(e) => setTerm(e.target.value)} />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('requests.spec')}>
          {(id) => <input id={id} value={spec} onChange={(e) => setSpec(e.target.value)} />}
        </Field>
        <Field label={t('contract.budgetLine')}>
          {(id) => (
            <select id={id} value={lineId} onChange={(e) => setLineId(e.target.value)}>
              <option value="">{t('contract.noLine')}</option>
              {lines.data?.items.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} ({l.fiscalYear})
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset className="field">
        <legend>{t('requests.requirements')}</legend>
        {reqs.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, never reordered
          <div key={i} className="field-row">
            <Field label={t('requests.key', { n: i + 1 })}>
              {(id) => <input id={id} value={r.key} onChange={(e) => setReq(i, { key: e.target.value })} />}
            </Field>
            <Field label={t('requests.requirement', { n: i + 1 })}>
              {(id) => <input id={id} value={r.text} onChange={(e) => setReq(i, { text: e.target.value })} />}
            </Field>
            <Field label={t('requests.weight', { n: i + 1 })}>
              {(id) => (
                <input
                  id={id}
                  inputMode="numeric"
                  value={r.weight}
                  onChange={(e) => setReq(i, { weight: e.target.value })}
                />
              )}
            </Field>
            <label className="inline">
              <input
                type="checkbox"
                checked={r.mandatory}
                onChange={(e) => setReq(i, { mandatory: e.target.checked })}
              />{' '}
              <span>{t('requests.mandatory')}</span>
            </label>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="ghost"
            onClick={() => setReqs((rs) => [...rs, { key: '', text: '', mandatory: false, weight: '1' }])}
          >
            {t('requests.addRequirement')}
          </button>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('requests.open')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('requests.notSaved')} />
    </form>
  );
}

const views = [
  { key: 'open,quoted', label: 'open' },
  { key: 'awarded', label: 'awarded' },
  { key: 'cancelled', label: 'cancelled' },
  { key: '', label: 'all' },
] as const;

export default function QuoteRequestsPage() {
  const { t } = useTranslation('vendors');
  useTitle(t('requests.title'));
  const user = useUser();
  const [view, setView] = useState('open,quoted');
  const [adding, setAdding] = useState(false);
  const requests = useQuoteRequests(view ? { status: view } : {});
  const items = requests.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('requests.title')}</h1>
        {isManager(user) && !adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t('requests.new')}
          </button>
        )}
      </div>
      <SupplierTabs />
      {adding && <NewRequestForm onClose={() => setAdding(false)} />}
      <div className="segmented" role="group" aria-label={t('requests.which')}>
        {views.map((v) => (
          <button key={v.key} type="button" aria-pressed={view === v.key} onClick={() => setView(v.key)}>
            {t(`requests.view.${v.label}`)}
          </button>
        ))}
      </div>
      {requests.isPending && <Loading />}
      <ErrorMessage error={requests.error} />
      {requests.isSuccess && items.length === 0 && <Empty title={t('requests.empty')} />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table supplier-table">
            <caption className="visually-hidden">{t('requests.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('requests.request')}</th>
                <th scope="col" className="num">
                  {t('tabs.quotes')}
                </th>
                <th scope="col" className="wide-only">
                  {t('requests.opened')}
                </th>
                <th scope="col">{t('requests.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/quote-requests/${r.id}`}>
                      {t('rfqNumber', { id: r.id })} {r.what}
                    </Link>
                    <div className="muted small">
                      {r.quantity} × {r.spec || r.what} · {t('requests.months', { count: r.termMonths })}
                    </div>
                  </td>
                  <td className="num">{r.quoteCount}</td>
                  <td className="wide-only nowrap">{formatDay(r.createdAt)}</td>
                  <td>
                    <RequestStatusBadge status={r.status} />
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
