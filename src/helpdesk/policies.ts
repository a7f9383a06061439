// Who may do what to tickets. Requesters see and act on their own (and watched) tickets and only public
// comments; technicians work the queue; managers and admins see everything.
import { type Actor, isStaff } from '../core/auth/index.js';
import type { HistoryVisibility, MacroScope } from '../core/db/index.js';

export type TicketAction =
  | 'ticket.read'
  | 'ticket.create_for_other'
  | 'ticket.update_fields'
  | 'ticket.assign'
  | 'ticket.set_status'
  | 'ticket.close_or_reopen'
  | 'ticket.rate'
  | 'comment.public'
  | 'comment.internal'
  | 'comment.read_internal'
  | 'history.read_internal'
  | 'attachment.add'
  | 'category.manage'
  | 'ticket.merge'
  | 'ticket.link'
  | 'ticket.split'
  | 'time.read'
  | 'time.log'
  | 'time.manage_any'
  | 'time.report';

export interface TicketSubject {
  requester_id: number;
  watcher?: boolean;
}

export function involves(actor: Pick<Actor, 'id'>, ticket: TicketSubject): boolean {
  return ticket.requester_id === actor.id || ticket.watcher === true;
}

/**
 * Who may see a ticket: staff see every ticket, a requester the ones they filed or watch. The one rule: the
 * reads, the mail channel (who may reply into a ticket) and the live stream all ask it.
 */
export function canSeeTicket(actor: Pick<Actor, 'id' | 'role'>, ticket: TicketSubject): boolean {
  return isStaff(actor) || involves(actor, ticket);
}

export function canTicket(actor: Actor, action: TicketAction, ticket?: TicketSubject): boolean {
  const staff = isStaff(actor);
  switch (action) {
    case 'ticket.read':
    case 'comment.public':
    case 'attachment.add':
      return ticket === undefined ? staff : canSeeTicket(actor, ticket);
    case 'ticket.close_or_reopen':
      return staff || (ticket !== undefined && ticket.requester_id === actor.id);
    case 'ticket.rate':
      return ticket !== undefined && ticket.requester_id === actor.id;
    case 'ticket.create_for_other':
    case 'ticket.update_fields':
    case 'ticket.assign':
    case 'ticket.set_status':
    case 'comment.internal':
    case 'comment.read_internal':
    case 'history.read_internal':
    // Merging, linking and splitting are the queue's work (a requester asks for it in a comment).
    case 'ticket.merge':
    case 'ticket.link':
    case 'ticket.split':
    // Time tracking is the staff's: a requester never sees or logs time (as Zammad, Freshservice, GLPI).
    case 'time.read':
    case 'time.log':
      return staff;
    case 'category.manage':
    // Changing anyone's time entry, and the time report across the desk.
    case 'time.manage_any':
    case 'time.report':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

// What a requester may read of a ticket's history, by kind, as the help desks they know show it (Zendesk,
// Freshdesk, Jira Service Management): the request's own text and state, public replies, files, the rating.
// Never who works on it (assignee, group), the staff's labels (tags, watchers, links), the SLA's clocks and
// escalations (reasons and managers' notes), internal notes. A writer may choose stricter: an SLA escalation
// raising the priority marks that change internal.
const publicHistoryKinds: ReadonlySet<string> = new Set([
  'created',
  'status',
  'comment',
  'attachment',
  'title',
  'description',
  'type',
  'category',
  'impact',
  'urgency',
  'priority',
  'satisfaction',
]);

/** The visibility an entry of this kind gets unless its writer says otherwise. */
export function historyVisibility(field: string): HistoryVisibility {
  return publicHistoryKinds.has(field) ? 'public' : 'internal';
}

/** Canned responses, macros and ticket templates: using them, and managing one (its scope decides). */
export type MacroLibraryAction = 'macros.use' | 'macros.manage';

export interface MacroLibrarySubject {
  scope: MacroScope;
  owner_id: number | null;
  group_id: number | null;
}

const managesShared = (actor: Pick<Actor, 'role'>) => actor.role === 'admin' || actor.role === 'manager';

/**
 * Whose canned responses, macros and templates one sees: staff see their own, their groups' and the global
 * ones; managers and admins, who manage every group's, see those too. Requesters see none.
 */
export function canSeeMacroItem(
  actor: Pick<Actor, 'id' | 'role' | 'groupIds'>,
  item: MacroLibrarySubject,
): boolean {
  if (!isStaff(actor)) return false;
  switch (item.scope) {
    case 'global':
      return true;
    case 'user':
      return item.owner_id === actor.id;
    case 'group':
      return managesShared(actor) || (item.group_id !== null && actor.groupIds.includes(item.group_id));
  }
}

/**
 * Using them is the staff's; a technician manages their personal ones, managers and admins also the
 * group and global ones (as Zammad's text modules and Freshservice's canned responses split it).
 */
export function canMacros(
  actor: Pick<Actor, 'id' | 'role'>,
  action: MacroLibraryAction,
  item?: MacroLibrarySubject,
): boolean {
  if (!isStaff(actor)) return false;
  if (action === 'macros.use' || item === undefined) return true;
  return item.scope === 'user' ? item.owner_id === actor.id : managesShared(actor);
}

// -- the service catalogue --

export type CatalogAction =
  /** Custom fields and request types: create, change, deactivate; see inactive and staff-only ones. */
  'catalog.manage';

export function canCatalog(actor: Pick<Actor, 'role'>, action: CatalogAction): boolean {
  switch (action) {
    case 'catalog.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

/** Who may file through a request type: everyone, or staff only (forms for technicians' own requests). */
export function mayUseRequestType(actor: Pick<Actor, 'role'>, audience: 'everyone' | 'staff'): boolean {
  return audience === 'everyone' || isStaff(actor);
}

/** Approvals: staff read every one; a requester reads their own requests' and those they are asked to decide. */
export type ApprovalAction = 'approval.read';

export function canApproval(
  actor: Pick<Actor, 'id' | 'role'>,
  _action: ApprovalAction,
  approval: { requesterId: number; approverIds: ReadonlySet<number> },
): boolean {
  return isStaff(actor) || approval.requesterId === actor.id || approval.approverIds.has(actor.id);
}

// -- automation rules --

export type AutomationAction =
  /** Rules: list, create, change, order, delete, dry-run; read the rule log (with the SLA escalations). */
  'automation.manage';

/** Rules act on every ticket in the name of their author: the department's managers and admins keep them. */
export function canAutomation(actor: Pick<Actor, 'role'>, action: AutomationAction): boolean {
  switch (action) {
    case 'automation.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}
