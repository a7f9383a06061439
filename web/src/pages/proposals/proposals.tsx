// Upgrade proposals for staff: the list by state (tabs), the soonest due first, with where each came from and
// what it may cost; "Show more" follows the server's cursor. "Propose an upgrade" writes one up by hand for a
// monitoring target. The proposal's own page is proposal.tsx.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { fromLocalInput } from '../../api/changes';
import {
  formatCost,
  formatDay,
  type ProposalResource,
  type ProposalStatus,
  proposalResources,
  proposalSourceLabel,
  proposalStatusLabel,
  resourceLabel,
  useCreateProposal,
  useProposalPages,
} from '../../api/proposals';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { TargetCombobox, type TargetRef } from '../../ui/target-picker';
import { useTitle } from '../../ui/title';

export function ProposalStatusBadge({ status }: { status: ProposalStatus }) {
  return <span className={`badge proposal-${status}`}>{proposalStatusLabel[status]}</span>;
}

/** A due date, marked when it has passed (and the proposal still waits). */
export function DueDate({ iso, open }: { iso: string | null; open: boolean }) {
  const overdue = open && iso !== null && Date.parse(iso) < Date.now();
  return (
    <span className={overdue ? 'danger-text' : undefined}>
      {formatDay(iso)}
      {overdue && ' (overdue)'}
    </span>
  );
}

const views: { key: string; label: string; status?: string }[] = [
  { key: 'proposed', label: 'Proposed', status: 'proposed' },
  { key: 'deferred', label: 'Deferred', status: 'deferred' },
  { key: 'approved', label: 'Approved', status: 'approved' },
  { key: 'rejected', label: 'Rejected', status: 'rejected' },
  { key: 'all', label: 'All' },
];

/** "1250.00" → 125000 minor units; null for an empty or unreadable amount. */
export function minorUnits(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '' || !/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

function NewProposalForm({ onClose }: { onClose: () => void }) {
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
        <h2 id="new-proposal-title">Propose an upgrade</h2>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <div className="field-row">
        <Field label="Host or service" error={fieldError(create.error, '/targetId')}>
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
        <Field label="Resource">
          {(id) => (
            <select
              id={id}
              value={resource}
              onChange={(e) => setResource(e.target.value as ProposalResource)}
            >
              {proposalResources.map((r) => (
                <option key={r} value={r}>
                  {resourceLabel[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Title" error={fieldError(create.error, '/title')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={200}
            value={title}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="More memory for db-01"
          />
        )}
      </Field>
      <Field label="What to upgrade">
        {(id) => (
          <input
            id={id}
            maxLength={2000}
            value={what}
            onChange={(e) => setWhat(e.target.value)}
            placeholder="Add 64 GB RAM"
          />
        )}
      </Field>
      <Field label="Why" hint="One sentence the manager reads first.">
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
        <Field label="Needed by" error={fieldError(create.error, '/dueAt')}>
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
          label="Estimated cost"
          hint="Until quotes arrive."
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
        <Field label="Currency" error={fieldError(create.error, '/cost/currency')}>
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
          Propose
        </button>
      </div>
      <ErrorMessage error={create.error} title="The proposal was not saved." />
    </form>
  );
}

export default function ProposalsPage() {
  useTitle('Upgrade proposals');
  const [view, setView] = useState('proposed');
  const [adding, setAdding] = useState(false);
  const status = views.find((v) => v.key === view)?.status;
  const proposals = useProposalPages({ limit: 50, ...(status ? { status } : {}) });
  const items = proposals.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Upgrade proposals</h1>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Propose an upgrade
          </button>
        )}
      </div>
      {adding && <NewProposalForm onClose={() => setAdding(false)} />}
      <div className="problem-filters proposal-filters">
        <div className="segmented" role="group" aria-label="Which proposals">
          {views.map((v) => (
            <button key={v.key} type="button" aria-pressed={view === v.key} onClick={() => setView(v.key)}>
              {v.label}
            </button>
          ))}
        </div>
      </div>
      {proposals.isPending && <Loading />}
      <ErrorMessage error={proposals.error} />
      {proposals.isSuccess && items.length === 0 && <Empty title="No proposals here." />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table proposal-table">
            <caption className="visually-hidden">Upgrade proposals</caption>
            <thead>
              <tr>
                <th scope="col">Proposal</th>
                <th scope="col">Due</th>
                <th scope="col" className="wide-only">
                  Source
                </th>
                <th scope="col" className="wide-only">
                  Cost
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td className="proposal-title">
                    <Link to={`/proposals/${p.id}`}>{p.title}</Link>
                    <div className="muted small">
                      {p.subjectName} · {resourceLabel[p.resource]}
                      {p.detail ? ` ${p.detail}` : ''}
                    </div>
                  </td>
                  <td className="nowrap">
                    <DueDate iso={p.dueAt} open={p.status === 'proposed' || p.status === 'deferred'} />
                  </td>
                  <td className="nowrap wide-only">{proposalSourceLabel[p.source]}</td>
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
          Show more
        </button>
      )}
    </div>
  );
}
