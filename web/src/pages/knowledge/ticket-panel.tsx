// The knowledge panel on a staff ticket page: the articles linked to the ticket (unlink), the ones that may
// answer it (link), and — once it is resolved — its solution written up as a draft article.
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import {
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
  const { t } = useTranslation('knowledge');
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
        <h2 id="kb-ticket-title">{t('panel.title')}</h2>
        {done && (
          <button
            type="button"
            disabled={draft.isPending}
            onClick={() => draft.mutate(undefined, { onSuccess: (a) => navigate(`/kb/${a.id}/edit`) })}
          >
            {t('panel.createArticle')}
          </button>
        )}
      </div>
      <ErrorMessage error={draft.error} title={t('panel.draftFailed')} />
      <ErrorMessage error={link.error ?? unlink.error} title={t('panel.linkFailed')} />
      <h3>{t('panel.linked')}</h3>
      {(linked.data ?? []).length === 0 ? (
        <p className="muted small">{t('panel.noneLinked')}</p>
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
                aria-label={t('panel.unlinkNamed', { title: a.title })}
                onClick={() => unlink.mutate(a.id)}
              >
                {t('panel.unlink')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('panel.suggested')}</h3>
      {suggestions.length === 0 ? (
        <p className="muted small">{t('panel.noMatch')}</p>
      ) : (
        <ul className="kb-ticket-list">
          {suggestions.map((a) => (
            <li key={a.id}>
              <span className="grow-wrap">
                <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
                <span className="badge kb-kind">{t(`kind.${a.kind}`)}</span>
              </span>
              <button
                type="button"
                disabled={link.isPending}
                aria-label={t('panel.linkNamed', { title: a.title })}
                onClick={() => link.mutate(a.id)}
              >
                {t('panel.link')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
