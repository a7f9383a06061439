// Domain objects → API shapes: ISO 8601 times and level names. Response schemas then drop anything else.
import type { ApiToken, User } from '../core/auth/index.js';
import { toIso } from '../core/clock.js';
import {
  type Attachment,
  allowedTransitions,
  type Comment,
  type HistoryItem,
  levelName,
  type Ticket,
  type TicketLink,
} from '../helpdesk/index.js';

export function userView(u: User) {
  return { ...u, createdAt: toIso(u.createdAt), updatedAt: toIso(u.updatedAt) };
}

export function ticketView(t: Ticket) {
  return {
    ...t,
    impact: levelName(t.impact),
    urgency: levelName(t.urgency),
    priority: levelName(t.priority),
    priorityLevel: t.priority,
    createdAt: toIso(t.createdAt),
    updatedAt: toIso(t.updatedAt),
    resolvedAt: toIso(t.resolvedAt),
    closedAt: toIso(t.closedAt),
    allowedTransitions: [...allowedTransitions(t.status)],
  };
}

export function commentView(c: Comment) {
  return { ...c, createdAt: toIso(c.createdAt) };
}

export function historyView(h: HistoryItem) {
  return { ...h, at: toIso(h.at) };
}

export function attachmentView(a: Attachment) {
  return { ...a, createdAt: toIso(a.createdAt), url: `/api/v1/attachments/${a.id}` };
}

export function apiTokenView(t: ApiToken) {
  return {
    ...t,
    createdAt: toIso(t.createdAt),
    expiresAt: toIso(t.expiresAt),
    lastUsedAt: toIso(t.lastUsedAt),
    revokedAt: toIso(t.revokedAt),
  };
}

export function groupView(g: {
  id: number;
  name: string;
  description: string;
  memberIds: number[];
  createdAt: number;
}) {
  return { ...g, createdAt: toIso(g.createdAt) };
}

export function ticketLinkView(l: TicketLink) {
  return { ...l, createdAt: toIso(l.createdAt) };
}
