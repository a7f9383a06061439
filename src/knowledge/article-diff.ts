// What changed between two versions of an article: the text line by line (jsdiff's Myers diff), and each
// other field that differs. Readers of the version history see additions and removals, not two copies.
import { diffLines } from 'diff';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { type ArticleVersion, getArticleVersion } from './articles.js';

export interface DiffPart {
  op: 'equal' | 'add' | 'remove';
  text: string;
}

export interface ArticleDiff {
  from: number;
  to: number;
  /** Fields other than the text whose value differs: [name, from, to]. */
  fields: { field: string; from: string; to: string }[];
  body: DiffPart[];
}

/** The text's lines as additions, removals and unchanged runs. */
export function diffText(from: string, to: string): DiffPart[] {
  const withNewline = (s: string) => (s.endsWith('\n') || s.length === 0 ? s : `${s}\n`);
  return diffLines(withNewline(from), withNewline(to)).map((c) => ({
    op: c.added ? 'add' : c.removed ? 'remove' : 'equal',
    text: c.value,
  }));
}

function fieldChanges(a: ArticleVersion, b: ArticleVersion): ArticleDiff['fields'] {
  const out: ArticleDiff['fields'] = [];
  const pairs: [string, string, string][] = [
    ['title', a.title, b.title],
    ['kind', a.kind, b.kind],
    ['audience', a.audience, b.audience],
    ['category', String(a.categoryId ?? ''), String(b.categoryId ?? '')],
    ['tags', a.tags.join(' '), b.tags.join(' ')],
  ];
  for (const [field, x, y] of pairs) if (x !== y) out.push({ field, from: x, to: y });
  return out;
}

export async function diffArticleVersions(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  from: number,
  to: number,
): Promise<ArticleDiff> {
  const a = await getArticleVersion(ctx, actor, id, from);
  const b = await getArticleVersion(ctx, actor, id, to);
  return { from, to, fields: fieldChanges(a, b), body: diffText(a.body, b.body) };
}
