// The knowledge panel on a staff ticket page: the articles linked to the ticket (unlink), the ones that may
// answer it (link), and — once it is resolved — its solution written up as a draft article.
import { Link, useNavigate } from 'react-router-dom';
import {
  kindLabel,
  useDraftFromTicket,
  useLinkArticle,
  useTicketArticles,
  useTicketSuggestions,
  useUnlinkArticle,
} from '../../api/knowledge';
import type { Ticket } from '../../api/types';
import { ErrorMessage } from '../../ui/messages';
import { ArticleBadges } from './parts';

export function KnowledgePanel({ ticket }: { ticket: Ticket }) {
  const navigate = useNavigate();
  const linked = useTicketArticles(ticket.id);
  const suggested = useTicketSuggestions(ticket.id);
  const link = useLinkArticle(ticket.id);
  const unlink = useUnlinkArticle(ticket.id);
  const draft = useDraftFromTicket(ticket.id);
  const done = ticket.status === 'resolved' || ticket.status === 'closed';
  const linkedIds = new Set((linked.data ?? []).map((a) => a.id));
  const suggestions = (suggested.data ?? []).filter((a) => !linkedIds.has(a.id));
  return (
    <section className="card kb-ticket-panel" aria-labelledby="kb-ticket-title">
      <div className="kb-panel-head">
        <h2 id="kb-ticket-title">Knowledge</h2>
        {done && (
          <button
            type="button"
            disabled={draft.isPending}
            onClick={() => draft.mutate(undefined, { onSuccess: (a) => navigate(`/kb/${a.id}/edit`) })}
          >
            Create article from this ticket
          </button>
        )}
      </div>
      <ErrorMessage error={draft.error} title="The draft was not created." />
      <ErrorMessage error={link.error ?? unlink.error} title="The link did not change." />
      <h3>Linked articles</h3>
      {(linked.data ?? []).length === 0 ? (
        <p className="muted small">None yet. Link the article that answers this ticket.</p>
      ) : (
        <ul className="kb-ticket-list">
          {(linked.data ?? []).map((a) => (
            <li key={a.id}>
              <span className="grow-wrap">
                <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
                <ArticleBadges kind={a.kind} audience={a.audience} status={a.status} />
              </span>
              <button
                type="button"
                className="ghost"
                disabled={unlink.isPending}
                aria-label={`Unlink ${a.title}`}
                onClick={() => unlink.mutate(a.id)}
              >
                Unlink
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Suggested</h3>
      {suggestions.length === 0 ? (
        <p className="muted small">No article matches this ticket.</p>
      ) : (
        <ul className="kb-ticket-list">
          {suggestions.map((a) => (
            <li key={a.id}>
              <span className="grow-wrap">
                <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
                <span className="badge kb-kind">{kindLabel[a.kind]}</span>
              </span>
              <button
                type="button"
                disabled={link.isPending}
                aria-label={`Link ${a.title}`}
                onClick={() => link.mutate(a.id)}
              >
                Link
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
