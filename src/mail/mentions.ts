// @mentions in internal notes: `@ada` (the local part of ada@example.org) or `@AdaLovelace` / `@ada.lovelace`
// (the name, spaces dropped or made dots), case-insensitive. Only staff who may read the ticket's internal
// notes are mentioned (the ticket policy decides); a requester never is, whatever the note says.
import { type Actor, actorForUser } from '../core/auth/index.js';
import type { Role } from '../core/db/index.js';
import { canTicket, type TicketAction } from '../helpdesk/index.js';

/** The longest handle read, and the most mentions one note may make (a pasted list mails no crowd). */
export const mentionHandleMaxLength = 64;
export const mentionsPerNoteMax = 20;

// After the start or a character that cannot be in an address or a handle, so ada@example.org is no mention
// of "example.org", and `foo@bar` in a pasted log line is none either.
const mentionPattern = /(?<![\w@.+-])@([a-z0-9][a-z0-9._-]*)/gi;

/** The handles a note mentions: lower-cased, without sentence punctuation (`@ada.` → ada), each once. */
export function mentionHandles(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(mentionPattern)) {
    const handle = m[1].replace(/[._-]+$/, '').toLowerCase();
    if (handle.length === 0 || handle.length > mentionHandleMaxLength) continue;
    out.add(handle);
    if (out.size >= mentionsPerNoteMax) break;
  }
  return [...out];
}

/** The handles a person answers to: the email's local part and the name without spaces or with dots. */
export function handlesOf(user: { email: string; name: string }): string[] {
  const local = user.email.split('@')[0]?.toLowerCase() ?? '';
  const words = user.name.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return [...new Set([local, words.join(''), words.join('.'), words.join('_')])].filter((h) => h.length > 0);
}

interface Candidate {
  id: number;
  email: string;
  name: string;
  role: Role;
}

const mayReadNote: TicketAction[] = ['ticket.read', 'comment.read_internal'];

/**
 * The people an internal note on this ticket mentions: those whose handle it names and who may read the
 * ticket and its internal notes. A handle that names several people mentions each (all of them may read the
 * note; a missed mention is worse than one too many). The author is not mentioned to themself.
 */
export function resolveMentions(
  body: string,
  ticket: { requester_id: number; watcherIds: number[] },
  authorId: number,
  candidates: Candidate[],
): number[] {
  const handles = new Set(mentionHandles(body));
  if (handles.size === 0) return [];
  const ids: number[] = [];
  for (const c of candidates) {
    if (c.id === authorId || !handlesOf(c).some((h) => handles.has(h))) continue;
    const actor: Actor = actorForUser({ ...c, groupIds: [] });
    const subject = { requester_id: ticket.requester_id, watcher: ticket.watcherIds.includes(c.id) };
    if (mayReadNote.every((action) => canTicket(actor, action, subject))) ids.push(c.id);
  }
  return ids.sort((a, b) => a - b);
}
