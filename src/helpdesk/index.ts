// The help desk's face: what other domains and the edges may use — reading and changing tickets, comments,
// attachments, history, categories, the priority matrix, saved views, the ticket states, links, merge and
// split, and the commands other domains call in their own transaction (reassignTicket, raisePriority,
// recordTicketChange), and time tracking (entries, timers, the required-on-resolve setting). Named, so a new
// export is a decision; the files behind it are free to change.

export {
  type ApprovalByLink,
  approvalLinkPath,
  approvalLinkTtlMs,
  decideByLink,
  readByLink,
  signApprovalToken,
  verifyApprovalToken,
} from './approval-links.js';
// -- approvals (issue 14, item 2): the engine, generic over tickets and change requests --
export {
  type Approval,
  type ApprovalApprover,
  type ApprovalListFilter,
  type ApprovalStepView,
  approvalListLimits,
  getApproval,
  listApprovals,
  listSubjectApprovals,
} from './approval-reads.js';
export {
  type ApprovalDecision,
  type ApprovalPlan,
  type ApprovalStep,
  type ApprovalSubjectType,
  type ApproverSpec,
  approvalLimits,
  cancelApprovals,
  checkApprovalPlan,
  checkPlanRefs,
  type DecisionInput,
  decideApproval,
  decideApproverRow,
  requestApproval,
} from './approvals.js';
export {
  type Attachment,
  addAttachment,
  addCommentWithFiles,
  createTicketWithFiles,
  type IncomingFile,
  listAttachments,
  openAttachment,
  openStoredFile,
  type StoredFile,
  storeFile,
  uploadFile,
  uploadLimits,
} from './attachments.js';
// -- automation rules (issue 14 item 6) --
export {
  type Condition,
  type ConditionOp,
  type Conditions,
  conditionFields,
  conditionOps,
} from './automation-conditions.js';
export { registerAutomation, runIdleRules, subscribeAutomation } from './automation-engine.js';
export {
  type AutomationLogEntry,
  type AutomationLogQuery,
  type DryRunMatch,
  dryRunRule,
  dryRunScanLimit,
  type EscalationFirings,
  listAutomationLog,
} from './automation-log.js';
export {
  type AutomationRule,
  type AutomationRuleInput,
  automationLimits,
  automationTriggers,
  createAutomationRule,
  deleteAutomationRule,
  getAutomationRule,
  listAutomationRules,
  orderAutomationRules,
  type RuleAction,
  ruleActionTypes,
  updateAutomationRule,
} from './automation-rules.js';
export { type CatalogRequestInput, fileRequest } from './catalog-requests.js';
export { createCategory, listCategories, updateCategory } from './categories.js';
export { addComment, type Comment, commentMaxLength, listComments } from './comments.js';
export {
  type CustomField,
  type CustomFieldInput,
  createCustomField,
  getCustomField,
  listCustomFields,
  updateCustomField,
} from './custom-fields.js';
export {
  type CompiledForm,
  compileForm,
  customFieldTypes,
  type FieldCondition,
  type FieldValue,
  type FormField,
  fieldLimits,
  patternProblem,
} from './form-validator.js';
export { type HistoryEntry, type HistoryItem, listHistory, recordTicketChange } from './history.js';
export { type Level, levelName, parseLevel } from './levels.js';
// -- macros and templates --
export { type ArticleLinker, applyMacro, type MacroResult, renderCannedResponse } from './macro-apply.js';
export {
  type CannedResponse,
  type CannedResponseInput,
  deleteCannedResponse,
  deleteMacro,
  deleteTicketTemplate,
  listCannedResponses,
  listMacros,
  listTicketTemplates,
  type Macro,
  type MacroInput,
  type MacroStep,
  macroLimits,
  saveCannedResponse,
  saveMacro,
  saveTicketTemplate,
  type TemplateDefaults,
  type TicketTemplate,
  type TicketTemplateInput,
} from './macro-library.js';
export {
  type PlaceholderName,
  parseTemplate,
  placeholderNames,
  renderTemplate,
  type TemplatePart,
} from './macro-placeholders.js';
export {
  type ApprovalAction,
  type CatalogAction,
  canApproval,
  canAutomation,
  canCatalog,
  canMacros,
  canSeeMacroItem,
  canSeeTicket,
  canTicket,
  type MacroLibraryAction,
  mayUseRequestType,
  type TicketAction,
} from './policies.js';
export { getPriorityMatrix, setPriorityMatrix } from './priority-matrix.js';
export {
  createRequestType,
  getRequestType,
  listCatalog,
  listRequestTypes,
  type RequestType,
  type RequestTypeInput,
  updateRequestType,
} from './request-types.js';
export { createSavedView, deleteSavedView, listSavedViews, savedViewScopes } from './saved-views.js';
export { describeTicketEvent, type TicketActivity } from './ticket-activity.js';
export { rateTicket, updateTicket } from './ticket-changes.js';
export { assignTicket, raisePriority, reassignTicket, type TicketChanges } from './ticket-commands.js';
// The opaque list cursor (keyset or offset), for other domains' lists too.
export { type Cursor as ListCursor, decodeCursor, encodeCursor } from './ticket-cursors.js';
export {
  defaultTicketExportColumns,
  exportTickets,
  type FieldExportColumn,
  parseTicketExportColumns,
  rankedExportLimit,
  type TicketExportColumn,
  type TicketExportRow,
  ticketExportColumns,
} from './ticket-export.js';
// -- moving in from another help desk (src/import/ reads, this writes) --
export {
  fitText,
  type ImportedAttachmentWrite,
  type ImportedCommentWrite,
  type ImportedTicketIds,
  type ImportedTicketWrite,
  importedTags,
  writeImportedTickets,
} from './ticket-import.js';
export { ticketLimits } from './ticket-input.js';
// Links, merge and split (issue 14, item 4).
export {
  addTicketLink,
  getTicketLinkSettings,
  type LinkRequestKind,
  listTicketLinks,
  removeTicketLink,
  resolveMergedTicket,
  setTicketLinkSettings,
  type TicketLink,
  type TicketLinkSettings,
  ticketLinkKinds,
  ticketLinkRoles,
} from './ticket-links.js';
export { listTickets, searchCandidateLimit, type TicketFilter, ticketSorts } from './ticket-list.js';
export { mergeTicket, splitComment } from './ticket-merge.js';
export {
  audienceIncludes,
  findVisibleTicket,
  getTicket,
  type Ticket,
  type TicketAudience,
  ticketAudience,
} from './ticket-reads.js';
// Resolving tickets together with a public reply, in another domain's transaction (a problem's incidents).
export { resolveTicketsWithReply } from './ticket-resolution.js';
export { rememberSearchWords } from './ticket-search.js';
export {
  allowedTransitions,
  isOpenStatus,
  openStatuses,
  ticketStatuses,
  workQueueStatuses,
} from './ticket-states.js';
export { createTicket } from './tickets.js';
export {
  type ChangeTimeInput,
  deleteTimeEntry,
  discardTimer,
  getTimeTrackingSettings,
  type LogTimeInput,
  listTimeEntries,
  logTime,
  type StopTimerInput,
  setTimeTrackingSettings,
  startTimer,
  stopTimer,
  type TicketTime,
  type TimeEntry,
  type TimeTrackingSettings,
  timeTrackingLimits,
  updateTimeEntry,
} from './time-entries.js';
