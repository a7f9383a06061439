// Who may read and change the knowledge base. The one audience rule: requesters read published public
// articles only; technicians read public and internal articles in every status (they write them); managers
// and admins read everything. Search, suggestions, ticket links and every read ask `canReadArticle` or
// `readableAudiences` — nothing spells the roles out again.
import { type Actor, isStaff } from '../core/auth/index.js';
import type { ArticleAudience, ArticleStatus } from '../core/db/index.js';

export type KnowledgeAction =
  /** Write drafts, edit, submit for review, upload attachments, link to tickets, draft from a ticket. */
  | 'article.write'
  /** Publish, archive, send back, edit a published page's policy fields. */
  | 'article.publish'
  /** Read an article's versions, their diffs, search within them, restore one. */
  | 'article.versions'
  /** Knowledge base categories. */
  | 'kb.manage'
  /** Deflections, gaps, reviews due, who acknowledged: the manager's view. */
  | 'kb.reports'
  /** Import and export the whole knowledge base. */
  | 'kb.transfer';

export interface ArticleSubject {
  audience: ArticleAudience;
  status: ArticleStatus;
}

export function isManagerRole(actor: Pick<Actor, 'role'>): boolean {
  return actor.role === 'manager' || actor.role === 'admin';
}

/** The audiences a reader may see. */
export function readableAudiences(actor: Pick<Actor, 'role'>): ArticleAudience[] {
  if (isManagerRole(actor)) return ['public', 'internal', 'managers'];
  if (isStaff(actor)) return ['public', 'internal'];
  return ['public'];
}

/** The statuses a reader may see: requesters only what is published. */
export function readableStatuses(actor: Pick<Actor, 'role'>): ArticleStatus[] {
  return isStaff(actor) ? ['draft', 'in_review', 'published', 'archived'] : ['published'];
}

export function canReadArticle(actor: Pick<Actor, 'role'>, article: ArticleSubject): boolean {
  return (
    readableAudiences(actor).includes(article.audience) && readableStatuses(actor).includes(article.status)
  );
}

export function canKnowledge(
  actor: Pick<Actor, 'role'>,
  action: KnowledgeAction,
  article?: ArticleSubject,
): boolean {
  const readable = article === undefined || canReadArticle(actor, article);
  switch (action) {
    case 'article.write':
    case 'article.versions':
      return isStaff(actor) && readable;
    case 'article.publish':
      return isManagerRole(actor) && readable;
    case 'kb.manage':
    case 'kb.reports':
    case 'kb.transfer':
      return isManagerRole(actor);
  }
}
