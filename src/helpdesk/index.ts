// The help desk's face: what other domains and the edges may use — reading and changing tickets, comments,
// attachments, history, categories, the priority matrix, saved views, and the ticket states. Named, so a new
// export is a decision; the files behind it are free to change.
export {
  type Attachment,
  addAttachment,
  addCommentWithFiles,
  createTicketWithFiles,
  listAttachments,
  openAttachment,
  uploadFile,
  uploadLimits,
} from './attachments.js';
export { createCategory, listCategories, updateCategory } from './categories.js';
export { addComment, type Comment, commentMaxLength, listComments } from './comments.js';
export { type HistoryItem, listHistory } from './history.js';
export { type Level, levelName, parseLevel } from './levels.js';
export { canTicket } from './policies.js';
export { getPriorityMatrix, setPriorityMatrix } from './priority-matrix.js';
export { createSavedView, deleteSavedView, listSavedViews } from './saved-views.js';
export { allowedTransitions, openStatuses, ticketStatuses } from './ticket-states.js';
export {
  createTicket,
  getTicket,
  listTickets,
  rateTicket,
  searchCandidateLimit,
  type Ticket,
  type TicketFilter,
  ticketLimits,
  ticketSorts,
  updateTicket,
} from './tickets.js';
