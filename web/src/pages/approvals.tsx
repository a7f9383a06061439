// Approvals in the web app: the approver's inbox (portal and agent app alike: a manager who is a plain
// requester approves here too), the page a mail's signed link opens (it shows the request and decides only on
// a click, so a mail scanner opening the link decides nothing), and the approvals panel of a ticket page.
import { type FormEvent, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import {
  type Approval,
  type Decision,
  useApprovalByLink,
  useDecide,
  useDecideByLink,
  useMyApprovals,
  useTicketApprovals,
} from '../api/approvals';
import { uiLocale } from '../locale';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

const when = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium', timeStyle: 'short' });
const at = (iso: string | null) => (iso ? when.format(new Date(iso)) : '');

const stateLabel: Record<string, string> = {
  waiting: 'Not asked yet',
  pending: 'Waiting',
  approved: 'Approved',
  rejected: 'Rejected',
  skipped: 'Not needed',
  cancelled: 'Withdrawn',
};

function who(step: Approval['steps'][number]): string {
  if (step.approverKind === 'manager') return "Requester's manager";
  if (step.approverKind === 'group') return `Group ${step.groupName ?? ''}`.trim();
  return 'Named people';
}

/** The steps, their approvers, decisions and comments. */
function Steps({ approval }: { approval: Approval }) {
  return (
    <ol className="approval-steps">
      {approval.steps.map((s) => (
        <li key={s.position} className="approval-step">
          <div className="approval-step-head">
            <span>
              Step {s.position + 1}: {who(s)} ·{' '}
              {s.rule === 'all' ? 'all must approve' : 'one approval suffices'}
            </span>
            <span className={`badge approval-${s.state}`}>{stateLabel[s.state]}</span>
          </div>
          <ul className="approval-approvers">
            {s.approvers.map((p) => (
              <li key={p.userId}>
                <span className="approver-name">{p.userName}</span>{' '}
                <span className={`badge approval-${p.state}`}>{stateLabel[p.state]}</span>
                {p.decidedAt && (
                  <span className="muted">
                    {' '}
                    {at(p.decidedAt)}
                    {p.via === 'link' ? ' (mail link)' : ''}
                  </span>
                )}
                {p.comment && <blockquote className="approval-comment">{p.comment}</blockquote>}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

/** Approve, or reject with the reason the requester will read. */
function DecisionForm({
  onDecide,
  pending,
}: {
  onDecide: (decision: Decision, comment: string) => void;
  pending: boolean;
}) {
  const [comment, setComment] = useState('');
  const [needReason, setNeedReason] = useState(false);
  function decide(e: FormEvent, decision: Decision) {
    e.preventDefault();
    if (decision === 'reject' && !comment.trim()) {
      setNeedReason(true);
      return;
    }
    onDecide(decision, comment.trim());
  }
  return (
    <form className="approval-decision" onSubmit={(e) => decide(e, 'approve')}>
      <label>
        Comment <span className="muted">(required to reject; the requester reads it)</span>
        <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      </label>
      {needReason && <p className="field-error">Say why you reject it.</p>}
      <div className="button-row">
        <button type="submit" className="primary" disabled={pending}>
          Approve
        </button>
        <button type="button" className="danger" disabled={pending} onClick={(e) => decide(e, 'reject')}>
          Reject
        </button>
      </div>
    </form>
  );
}

function ApprovalCard({ approval, children }: { approval: Approval; children?: React.ReactNode }) {
  return (
    <article className="card approval-card" aria-label={`Approval of ${approval.title}`}>
      <header className="approval-head">
        <h2>{approval.title}</h2>
        <span className={`badge approval-${approval.state}`}>{stateLabel[approval.state]}</span>
      </header>
      <p className="muted">
        Requested by {approval.requesterName} on {at(approval.createdAt)}
        {approval.subjectType === 'ticket'
          ? ` · request #${approval.subjectId}`
          : ` · change #${approval.subjectId}`}
      </p>
      {approval.summary && <div className="description approval-summary">{approval.summary}</div>}
      {approval.reason && <p>Reason: {approval.reason}</p>}
      <Steps approval={approval} />
      {children}
    </article>
  );
}

/** The approver's inbox: what waits for my decision, then what I decided. */
export default function ApprovalsPage() {
  useTitle('Approvals');
  const [show, setShow] = useState<'pending' | 'all'>('pending');
  const list = useMyApprovals(show === 'pending' ? 'pending' : undefined);
  const decide = useDecide();
  return (
    <main className="page narrow approvals-page">
      <h1>Approvals</h1>
      <div className="segmented" role="group" aria-label="Which approvals">
        <button type="button" aria-pressed={show === 'pending'} onClick={() => setShow('pending')}>
          Waiting for me
        </button>
        <button type="button" aria-pressed={show === 'all'} onClick={() => setShow('all')}>
          All mine
        </button>
      </div>
      <ErrorMessage error={list.error} />
      <ErrorMessage error={decide.error} title="Not decided." />
      {list.isLoading && <Loading />}
      {list.data?.items.length === 0 && (
        <p className="muted">
          {show === 'pending' ? 'Nothing waits for your approval.' : 'No approvals yet.'}
        </p>
      )}
      {list.data?.items.map((a) => (
        <ApprovalCard key={a.id} approval={a}>
          {a.awaitingMe && (
            <DecisionForm
              pending={decide.isPending}
              onDecide={(decision, comment) => decide.mutate({ id: a.id, decision, comment })}
            />
          )}
        </ApprovalCard>
      ))}
    </main>
  );
}

/** The page of a mail's signed link: no sign-in; the request, and the decision on a click. */
export function ApprovalLinkPage() {
  const id = Number(useParams().id);
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  useTitle('Approve a request');
  const read = useApprovalByLink(id, token);
  const decide = useDecideByLink(id, token);
  const shown = decide.data ?? read.data;
  const mine = shown?.approver;
  return (
    <main className="page narrow approval-link-page">
      <h1>Approve a request</h1>
      {!token && <p className="field-error">This link has no token: open the one in your mail.</p>}
      {read.isLoading && <Loading />}
      <ErrorMessage error={read.error} title="This link does not work." />
      {shown && mine && (
        <ApprovalCard approval={shown.approval}>
          {mine.state === 'pending' ? (
            <>
              <p>{mine.name}, you are asked to decide. Nothing is decided until you press a button.</p>
              <DecisionForm
                pending={decide.isPending}
                onDecide={(decision, comment) => decide.mutate({ decision, comment })}
              />
            </>
          ) : (
            <p className="alert" role="status">
              {decide.data
                ? `Thank you, ${mine.name}: you ${mine.state === 'approved' ? 'approved' : 'rejected'} this request.`
                : `Your part is already decided (${stateLabel[mine.state].toLowerCase()}); this link works only once.`}
            </p>
          )}
        </ApprovalCard>
      )}
      <ErrorMessage error={decide.error} title="Not decided." />
    </main>
  );
}

/** A ticket's approvals: who, which step, where each stands, and their comments. */
export function ApprovalsPanel({ ticketId }: { ticketId: number }) {
  const list = useTicketApprovals(ticketId);
  const items = list.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card approvals-panel" aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      {items.map((a) => (
        <div key={a.id} className="approvals-panel-item">
          <p>
            <span className={`badge approval-${a.state}`}>{stateLabel[a.state]}</span>{' '}
            {a.order === 'sequence' ? 'Steps in turn' : 'Steps at once'} · asked {at(a.createdAt)}
            {a.reason ? ` · reason: ${a.reason}` : ''}
          </p>
          <Steps approval={a} />
        </div>
      ))}
    </section>
  );
}
