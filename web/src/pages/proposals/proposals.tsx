// Upgrade proposals for staff: the list by state (tabs), the soonest due first, with where each came from and
// what it may cost; "Show more" follows the server's cursor. "Propose an upgrade" writes one up by hand for a
// monitoring target. The proposal's own page is proposal.tsx.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { fromLocalInput } from '../../api/changes';
import {
  type ProposalResource,
  type ProposalStatus,
  proposalResources,
  useCreateProposal,
  useProposalPages,
} from '../../api/proposals';
import { t as translate } from '../../i18n';
import { dateTimeFormat, numberFormat } from '../../locale';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { TargetCombobox, type TargetRef } from '../../ui/target-picker';
import { useTitle } from '../../ui/title';

// The server's codes in the user's language, read when shown; a code this page does not know is shown as it is.
export const proposalStatusText = (s: string) => translate(`proposals:status.${s}`, { defaultValue: s });
export const proposalSourceText = (s: string) => translate(`proposals:source.${s}`, { defaultValue: s });
export const resourceText = (r: string) => translate(`proposals:resource.${r}`, { defaultValue: r });

const dayFormat = dateTimeFormat({ year: 'numeric', month: 'short', day: 'numeric' });

/** A day in the user's language and zone, or a dash. */
export function formatDay(iso: string | null): string {
  return iso ? dayFormat.format(new Date(iso)) : '—';
}

/** An amount in its currency, written in the user's language, or a dash. */
export function formatCost(cost: { amountMinor: number; currency: string } | null): string {
  if (!cost) return '—';
  try {
    return numberFormat({ style: 'currency', currency: cost.currency }).format(cost.amountMinor / 100);
  } catch {
    return `${numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cost.amountMinor / 100)} ${cost.currency}`;
  }
}

export function ProposalStatusBadge({ status }: { status: ProposalStatus }) {
  return <span className={`badge proposal-${status}`}>{proposalStatusText(status)}</span>;
}

/** A due date, marked when it has passed (and the proposal still waits). */
export function DueDate({ iso, open }: { iso: string | null; open: boolean }) {
  const { t } = useTranslation('proposals');
  const overdue = open && iso !== null && Date.parse(iso) < Date.now();
  return (
    <span className={overdue ? 'danger-text' : undefined}>
      {overdue ? t('overdue', { day: formatDay(iso) }) : formatDay(iso)}
    </span>
  );
}

const views: { key: 'proposed' | 'deferred' | 'approved' | 'rejected' | 'all'; status?: string }[] = [
  { key: 'proposed', status: 'proposed' },
  { key: 'deferred', status: 'deferred' },
  { key: 'approved', status: 'approved' },
  { key: 'rejected', status: 'rejected' },
  { key: 'all' },
];

/** "1250.00" → 125000 minor units; null for an empty or unreadable amount. */
export function minorUnits(text: string): number | null {
  const amount = text.trim().replace(',', '.');
  if (amount === '' || !/^\d+(\.\d{1,2})?$/.test(amount)) return null;
  return Math.round(Number(amount) * 100);
}

function NewProposalForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('proposals');
  const navigate = useNavigate();
  const [target, setTarget] = useState<TargetRef | null>(null);
  const [resource, setResource] = useState<ProposalResource>('disk');
  const [title, setTitle] = useState('');
  const [what, setWhat] = useState('');
  const [summary, setSummary] = useState('');
  const [due, setDue] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const create = useCreateProposal((p) => navigate(`/proposals/${p.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!target) return;
    const minor = minorUnits(amount);
    const dueAt = fromLocalInput(due);
    create.mutate({
      title,
      targetId: target.id,
      resource,
      what,
      summary,
      ...(dueAt ? { dueAt } : {}),
      ...(minor !== null ? { cost: { amountMinor: minor, currency: currency.trim().toUpperCase() } } : {}),
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-proposal-title">
      <div className="kb-panel-head">
        <h2 id="new-proposal-title">{t('new.title')}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <div className="field-row">
        <Field label={t('new.target')} error={fieldError(create.error, '/targetId')}>
          {(id, d, invalid) => (
            <TargetCombobox
              id={id}
              describedBy={d}
              invalid={invalid}
              value={target}
              onPick={setTarget}
              required
            />
          )}
        </Field>
        <Field label={t('new.resource')}>
          {(id) => (
            <select
              id={id}
              value={resource}
              onChange={(e) => setResource(e.target.value as ProposalResource)}
            >
              {proposalResources.map((r) => (
                <option key={r} value={r}>
                  {resourceText(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('new.titleLabel')} error={fieldError(create.error, '/title')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={200}
            value={title}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setTitle(e.target.value)}
            placeholder={t('new.titlePlaceholder')}
          />
        )}
      </Field>
      <Field label={t('form.what')}>
        {(id) => (
          <input
            id={id}
            maxLength={2000}
            value={what}
            onChange={(e) => setWhat(e.target.value)}
            placeholder={t('new.whatPlaceholder')}
          />
        )}
      </Field>
      <Field label={t('form.why')} hint={t('new.whyHint')}>
        {(id, d) => (
          <textarea
            id={id}
            rows={2}
            maxLength={2000}
            value={summary}
            aria-describedby={d}
            onChange={(e) => setSummary(e.target.value)}
          />
        )}
      </Field>
      <div className="field-row">
        <Field label={t('form.neededBy')} error={fieldError(create.error, '/dueAt')}>
          {(id, d) => (
            <input
              id={id}
              type="datetime-local"
              value={due}
              aria-describedby={d}
              onChange={(e) => setDue(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('form.cost')}
          hint={t('new.costHint')}
          error={fieldError(create.error, '/cost/amountMinor')}
        >
          {(id, d) => (
            <input
              id={id}
              inputMode="decimal"
              value={amount}
              aria-describedby={d}
              onChange={(e) => setAmount(e.target.value)}
              placeholder="1250.00"
            />
          )}
        </Field>
        <Field label={t('form.currency')} error={fieldError(create.error, '/cost/currency')}>
          {(id) => (
            <input
              id={id}
              maxLength={3}
              size={4}
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending || !target}>
          {t('new.submit')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('form.failed')} />
    </form>
  );
}

export default function ProposalsPage() {
  const { t } = useTranslation('proposals');
  useTitle(t('title'));
  const [view, setView] = useState('proposed');
  const [adding, setAdding] = useState(false);
  const status = views.find((v) => v.key === view)?.status;
  const proposals = useProposalPages({ limit: 50, ...(status ? { status } : {}) });
  const items = proposals.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t('new.title')}
          </button>
        )}
      </div>
      {adding && <NewProposalForm onClose={() => setAdding(false)} />}
      <div className="problem-filters proposal-filters">
        <div className="segmented" role="group" aria-label={t('filters.label')}>
          {views.map((v) => (
            <button key={v.key} type="button" aria-pressed={view === v.key} onClick={() => setView(v.key)}>
              {t(`filters.${v.key}`)}
            </button>
          ))}
        </div>
      </div>
      {proposals.isPending && <Loading />}
      <ErrorMessage error={proposals.error} />
      {proposals.isSuccess && items.length === 0 && <Empty title={t('empty')} />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table proposal-table">
            <caption className="visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.proposal')}</th>
                <th scope="col">{t('table.due')}</th>
                <th scope="col" className="wide-only">
                  {t('table.source')}
                </th>
                <th scope="col" className="wide-only">
                  {t('table.cost')}
                </th>
                <th scope="col">{t('table.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td className="proposal-title">
                    <Link to={`/proposals/${p.id}`}>{p.title}</Link>
                    <div className="muted small">
                      {p.subjectName} · {resourceText(p.resource)}
                      {p.detail ? ` ${p.detail}` : ''}
                    </div>
                  </td>
                  <td className="nowrap">
                    <DueDate iso={p.dueAt} open={p.status === 'proposed' || p.status === 'deferred'} />
                  </td>
                  <td className="nowrap wide-only">{proposalSourceText(p.source)}</td>
                  <td className="nowrap wide-only">{formatCost(p.cost)}</td>
                  <td className="nowrap">
                    <ProposalStatusBadge status={p.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {proposals.hasNextPage && (
        <button
          type="button"
          onClick={() => proposals.fetchNextPage()}
          disabled={proposals.isFetchingNextPage}
        >
          {t('showMore')}
        </button>
      )}
    </div>
  );
}
