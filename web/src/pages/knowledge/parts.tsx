// Small pieces the knowledge pages share: a search snippet with its hits marked (as text, never as HTML), an
// article's kind/audience/status badges, and a value that settles after the user stops typing.
import { useEffect, useState } from 'react';
import {
  type ArticleAudience,
  type ArticleKind,
  type ArticleStatus,
  articleStatusLabel,
  audienceLabel,
  kindLabel,
  type SnippetPart,
} from '../../api/knowledge';
import { uiLocale } from '../../locale';

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
  return (
    <span className="kb-badges">
      <span className="badge kb-kind">{kindLabel[kind]}</span>
      {audience !== 'public' && (
        <span className={`badge kb-audience-${audience}`}>{audienceLabel[audience]}</span>
      )}
      {showStatus && status !== 'published' && (
        <span className={`badge kb-status-${status}`}>{articleStatusLabel[status]}</span>
      )}
    </span>
  );
}

/** `value`, once it has not changed for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** An ISO time as a date people read (no time of day: reviews and effective dates are days). */
export function formatDay(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(uiLocale, { year: 'numeric', month: 'short', day: 'numeric' });
}
