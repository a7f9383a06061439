// The knowledge base's face: articles and their versions, search, suggestions and deflections, ticket
// links, categories, and who may do what. Named, so a new export is a decision.

// -- policies and procedures: reviews, reminders, acknowledgements, the generated service agreement --
export {
  type Acknowledgement,
  type AcknowledgementReport,
  acknowledgeArticle,
  getOwnAcknowledgement,
  listAcknowledgements,
  type OwnAcknowledgement,
} from './acknowledgements.js';
export {
  type DeflectionReport,
  deflectionReport,
  draftFromTicket,
  linkArticle,
  listTicketArticles,
  recordDeflection,
  type SuggestedArticle,
  suggestArticles,
  suggestForTicket,
  suggestionTextMax,
  unlinkArticle,
} from './answers.js';
// -- attachments, import and export, printing --
export {
  type ArticleAttachment,
  addArticleAttachment,
  articleAttachmentLimits,
  deleteArticleAttachment,
  listArticleAttachments,
  readArticleAttachment,
} from './article-attachments.js';
export { type ArticleDiff, type DiffPart, diffArticleVersions, diffText } from './article-diff.js';
export { articlePdf, printableArticle, printablePagePolicy } from './article-print.js';
export { type Heading, plainText, renderArticle, sanitizeImportedHtml } from './article-rendering.js';
export {
  type ArticleHit,
  type ArticleQuery,
  countArticles,
  dismissSearchGap,
  listSearchGaps,
  queryParts,
  type SearchGap,
  type SnippetPart,
  searchArticles,
  searchArticleVersions,
  snippetOf,
  type VersionHit,
} from './article-search.js';
export {
  type Article,
  type ArticleChanges,
  type ArticleInput,
  type ArticleVersion,
  allowedArticleTransitions,
  articleAudiences,
  articleKinds,
  articleLimits,
  articleStatuses,
  createArticle,
  getArticle,
  getArticleVersion,
  getRenderedArticle,
  isPolicyKind,
  listArticleVersions,
  readArticles,
  restoreArticleVersion,
  transitionArticle,
  updateArticle,
} from './articles.js';
export { deleteKbCategory, type KbCategory, listKbCategories, saveKbCategory } from './kb-categories.js';
export {
  exportKnowledge,
  htmlToArticle,
  importKnowledge,
  importKnowledgeFiles,
  type KbImportResult,
  kbImportLimits,
} from './kb-transfer.js';
export {
  canKnowledge,
  canReadArticle,
  type KnowledgeAction,
  readableAudiences,
  readableStatuses,
} from './policies.js';
export {
  listReviews,
  markReviewed,
  queueReviewReminders,
  type ReviewDue,
  type ReviewQuery,
  reviewLimits,
  reviewReminderLeadDays,
} from './policy-reviews.js';
export { knowledgeIntervalMs, registerKnowledge, runKnowledgeCycle } from './register.js';
export {
  getCurrentRenderedArticle,
  getServiceAgreement,
  refreshServiceAgreement,
  serviceAgreementKey,
  serviceAgreementMarkdown,
  spokenDuration,
} from './service-agreement.js';
export { type IndexedSource, indexTerms, SuggestionIndex } from './suggestion-index.js';
