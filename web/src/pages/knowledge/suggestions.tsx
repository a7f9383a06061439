// Deflection on the requester's new-request form: while they type, the articles that may answer it, each
// opened in place; "This solved my problem" records the answer and no request is filed. Also the articles
// linked to a requester's own request.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type Suggestion,
  useArticle,
  useDeflect,
  useSuggestions,
  useTicketArticles,
} from '../../api/knowledge';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useDebounced } from './parts';

function SuggestedArticle({
  s,
  open,
  onToggle,
  onSolved,
  busy,
}: {
  s: Suggestion;
  open: boolean;
  onToggle: () => void;
  onSolved: () => void;
  busy: boolean;
}) {
  const { t } = useTranslation('knowledge');
  const article = useArticle(s.id, open);
  const bodyId = `kb-suggestion-${s.id}`;
  return (
    <li className={`kb-suggestion ${open ? 'open' : ''}`}>
      <button
        type="button"
        className="kb-suggestion-toggle"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={onToggle}
      >
        <span className="kb-suggestion-title">{s.title}</span>
        <span className="badge kb-kind">{t(`kind.${s.kind}`)}</span>
      </button>
      {open && (
        <div id={bodyId} className="kb-suggestion-body">
          {article.isPending && <Loading label={t('suggest.opening')} />}
          <ErrorMessage error={article.error} title={t('article.openFailed')} />
          {article.data && (
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side (article-rendering.ts)
            <div className="kb-html" dangerouslySetInnerHTML={{ __html: article.data.html }} />
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={onSolved}>
              {t('suggest.solved')}
            </button>
            <Link to={`/kb/${s.id}`} target="_blank" rel="noreferrer">
              {t('suggest.newTab')}
            </Link>
          </div>
        </div>
      )}
    </li>
  );
}

/** The suggestions for what the requester typed; `onSolved` once one of them answered it. */
export function DeflectionSuggestions({ text, onSolved }: { text: string; onSolved: () => void }) {
  const { t } = useTranslation('knowledge');
  const settled = useDebounced(text, 300);
  const found = useSuggestions(settled, 5);
  const deflect = useDeflect();
  const [open, setOpen] = useState<number | null>(null);
  const items = settled.trim().length >= 3 ? (found.data ?? []) : [];
  if (items.length === 0) return null;
  return (
    <section className="card kb-deflect" aria-labelledby="kb-deflect-title" aria-live="polite">
      <h2 id="kb-deflect-title">{t('suggest.title')}</h2>
      <ul className="kb-suggestions">
        {items.map((s) => (
          <SuggestedArticle
            key={s.id}
            s={s}
            open={open === s.id}
            onToggle={() => setOpen((o) => (o === s.id ? null : s.id))}
            busy={deflect.isPending}
            onSolved={() =>
              deflect.mutate({ articleId: s.id, text: text.slice(0, 4000) }, { onSuccess: onSolved })
            }
          />
        ))}
      </ul>
      <ErrorMessage error={deflect.error} title={t('suggest.failed')} />
      <p className="muted small">{t('suggest.carryOn')}</p>
    </section>
  );
}

/** The published articles staff linked to a requester's request. */
export function LinkedArticlesForRequester({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation('knowledge');
  const linked = useTicketArticles(ticketId);
  if (!linked.data || linked.data.length === 0) return null;
  return (
    <section className="card kb-linked" aria-labelledby="kb-linked-title">
      <h2 id="kb-linked-title">{t('suggest.mayHelp')}</h2>
      <ul className="kb-links">
        {linked.data.map((a) => (
          <li key={a.id}>
            <Link to={`/kb/${a.id}`}>{a.title}</Link>{' '}
            <span className="badge kb-kind">{t(`kind.${a.kind}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
