// Small pieces the knowledge pages share: a search snippet with its hits marked (as text, never as HTML), an
// article's kind/audience/status badges, and a value that settles after the user stops typing.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ArticleAudience, ArticleKind, ArticleStatus, SnippetPart } from '../../api/knowledge';
import { dateTimeFormat } from '../../locale';

export const articleAudiences: ArticleAudience[] = ['public', 'internal', 'managers'];
export const articleStatuses: ArticleStatus[] = ['draft', 'in_review', 'published', 'archived'];

/** The snippet's parts as text; the words that matched in <mark>. */
export function Snippet({ parts }: { parts: SnippetPart[] }) {
  if (parts.length === 0) return null;
  return (
    <p className="kb-snippet">
      {parts.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence of one answer
        p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </p>
  );
}

export function ArticleBadges({
  kind,
  audience,
  status,
  showStatus = true,
}: {
  kind: ArticleKind;
  audience: ArticleAudience;
  status: ArticleStatus;
  showStatus?: boolean;
}) {
  const { t } = useTranslation('knowledge');
  return (
    <span className="kb-badges">
      <span className="badge kb-kind">{t(`kind.${kind}`)}</span>
      {audience !== 'public' && (
        <span className={`badge kb-audience-${audience}`}>{t(`audience.${audience}`)}</span>
      )}
      {showStatus && status !== 'published' && (
        <span className={`badge kb-status-${status}`}>{t(`status.${status}`)}</span>
      )}
    </span>
  );
}

/** `value`, once it has not changed for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const dayFormat = dateTimeFormat({ year: 'numeric', month: 'short', day: 'numeric' });

/** An ISO time as a date people read (no time of day: reviews and effective dates are days). */
export function formatDay(iso: string | null): string {
  if (!iso) return '—';
  return dayFormat.format(new Date(iso));
}
