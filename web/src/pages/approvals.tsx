// Approvals in the web app: the approver's inbox (portal and agent app alike: a manager who is a plain
// requester approves here too), the page a mail's signed link opens (it shows the request and decides only on
// a click, so a mail scanner opening the link decides nothing), and the approvals panel of a ticket page.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
import { t as translate } from '../i18n';
import { dateTimeFormat } from '../locale';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

const when = dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });
const at = (iso: string | null) => (iso ? when.format(new Date(iso)) : '');

/** An approval's, a step's or an approver's state in the user's language; an unknown one by its code. */
const stateLabel = (state: string) => translate(`approvals:state.${state}`, { defaultValue: state });

function who(step: Approval['steps'][number]): string {
  if (step.approverKind === 'manager') return translate('approvals:who.manager');
  if (step.approverKind === 'group')
    return step.groupName
      ? translate('approvals:who.group', { name: step.groupName })
      : translate('approvals:who.anyGroup');
  return translate('approvals:who.named');
}

/** The steps, their approvers, decisions and comments. */
function Steps({ approval }: { approval: Approval }) {
  const { t } = useTranslation('approvals');
  return (
    <ol className="approval-steps">
      {approval.steps.map((s) => (
        <li key={s.position} className="approval-step">
          <div className="approval-step-head">
            <span>
              {t('step', { n: s.position + 1, who: who(s), rule: s.rule === 'all' ? 'all' : 'any' })}
            </span>
            <span className={`badge approval-${s.state}`}>{stateLabel(s.state)}</span>
          </div>
          <ul className="approval-approvers">
            {s.approvers.map((p) => (
              <li key={p.userId}>
                <span className="approver-name">{p.userName}</span>{' '}
                <span className={`badge approval-${p.state}`}>{stateLabel(p.state)}</span>
                {p.decidedAt && (
                  <span className="muted">
                    {' '}
                    {p.via === 'link' ? t('decidedViaLink', { when: at(p.decidedAt) }) : at(p.decidedAt)}
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
  const { t } = useTranslation('approvals');
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
        {t('decision.comment')} <span className="muted">{t('decision.commentHint')}</span>
        <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      </label>
      {needReason && <p className="field-error">{t('decision.needReason')}</p>}
      <div className="button-row">
        <button type="submit" className="primary" disabled={pending}>
          {t('decision.approve')}
        </button>
        <button type="button" className="danger" disabled={pending} onClick={(e) => decide(e, 'reject')}>
          {t('decision.reject')}
        </button>
      </div>
    </form>
  );
}

function ApprovalCard({ approval, children }: { approval: Approval; children?: React.ReactNode }) {
  const { t } = useTranslation('approvals');
  return (
    <article className="card approval-card" aria-label={t('card.label', { title: approval.title })}>
      <header className="approval-head">
        <h2>{approval.title}</h2>
        <span className={`badge approval-${approval.state}`}>{stateLabel(approval.state)}</span>
      </header>
      <p className="muted">
        {t('card.requested', {
          name: approval.requesterName,
          when: at(approval.createdAt),
          subject: approval.subjectType === 'ticket' ? 'ticket' : 'change',
          id: String(approval.subjectId),
        })}
      </p>
      {approval.summary && <div className="description approval-summary">{approval.summary}</div>}
      {approval.reason && <p>{t('card.reason', { reason: approval.reason })}</p>}
      <Steps approval={approval} />
      {children}
    </article>
  );
}

/** The approver's inbox: what waits for my decision, then what I decided. */
export default function ApprovalsPage() {
  const { t } = useTranslation('approvals');
  useTitle(t('title'));
  const [show, setShow] = useState<'pending' | 'all'>('pending');
  const list = useMyApprovals(show === 'pending' ? 'pending' : undefined);
  const decide = useDecide();
  return (
    <main className="page narrow approvals-page">
      <h1>{t('title')}</h1>
      <div className="segmented" role="group" aria-label={t('filters.label')}>
        <button type="button" aria-pressed={show === 'pending'} onClick={() => setShow('pending')}>
          {t('filters.pending')}
        </button>
        <button type="button" aria-pressed={show === 'all'} onClick={() => setShow('all')}>
          {t('filters.all')}
        </button>
      </div>
      <ErrorMessage error={list.error} />
      <ErrorMessage error={decide.error} title={t('notDecided')} />
      {list.isLoading && <Loading />}
      {list.data?.items.length === 0 && (
        <p className="muted">{show === 'pending' ? t('emptyPending') : t('emptyAll')}</p>
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
  const { t } = useTranslation('approvals');
  useTitle(t('link.title'));
  const read = useApprovalByLink(id, token);
  const decide = useDecideByLink(id, token);
  const shown = decide.data ?? read.data;
  const mine = shown?.approver;
  return (
    <main className="page narrow approval-link-page">
      <h1>{t('link.title')}</h1>
      {!token && <p className="field-error">{t('link.noToken')}</p>}
      {read.isLoading && <Loading />}
      <ErrorMessage error={read.error} title={t('link.broken')} />
      {shown && mine && (
        <ApprovalCard approval={shown.approval}>
          {mine.state === 'pending' ? (
            <>
              <p>{t('link.asked', { name: mine.name })}</p>
              <DecisionForm
                pending={decide.isPending}
                onDecide={(decision, comment) => decide.mutate({ decision, comment })}
              />
            </>
          ) : (
            <p className="alert" role="status">
              {decide.data
                ? t('link.thanks', {
                    name: mine.name,
                    decision: mine.state === 'approved' ? 'approved' : 'rejected',
                  })
                : t('link.already', { state: mine.state })}
            </p>
          )}
        </ApprovalCard>
      )}
      <ErrorMessage error={decide.error} title={t('notDecided')} />
    </main>
  );
}

/** A ticket's approvals: who, which step, where each stands, and their comments. */
export function ApprovalsPanel({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation('approvals');
  const list = useTicketApprovals(ticketId);
  const items = list.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card approvals-panel" aria-labelledby="approvals-title">
      <h2 id="approvals-title">{t('title')}</h2>
      {items.map((a) => (
        <div key={a.id} className="approvals-panel-item">
          <p>
            <span className={`badge approval-${a.state}`}>{stateLabel(a.state)}</span>{' '}
            {a.reason
              ? t('panel.summaryReason', { order: a.order, when: at(a.createdAt), reason: a.reason })
              : t('panel.summary', { order: a.order, when: at(a.createdAt) })}
          </p>
          <Steps approval={a} />
        </div>
      ))}
    </section>
  );
}
