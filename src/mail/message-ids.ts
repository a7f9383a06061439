// Message-IDs: how a mail names itself and the mails it answers (RFC 5322 §3.6.4). We keep them normalised
// (no angle brackets, lower-case) so the same id written two ways maps to one ticket, and we mint our own
// under the configured mail domain so a reply to any mail we sent finds its ticket.
import { createHash, randomBytes } from 'node:crypto';

const maxIdLength = 500;

/** One Message-ID, normalised; null when it is not one. */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const v = raw.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  if (v.length === 0 || v.length > maxIdLength || /\s/.test(v) || !v.includes('@')) return null;
  return v;
}

/** Every Message-ID in a header value such as References ("<a@x> <b@y>") or a parsed list. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => normaliseMessageId(m[1]));
  // A bare id without brackets (some clients) counts when it is the whole value.
  if (ids.length === 0) ids.push(...text.split(/[\s,]+/).map((t) => normaliseMessageId(t)));
  return [...new Set(ids.filter((v): v is string => v !== null))].slice(0, 100);
}

/** A stable id for a mail that has none: the digest of its bytes, so the same mail twice is one mail. */
export function syntheticMessageId(raw: Buffer): string {
  return `sha256.${createHash('sha256').update(raw).digest('hex')}@opsdesk.invalid`;
}

/** The id of a mail we send, tied to its ticket for readability (threading uses the map, not the name). */
export function mintMessageId(domain: string, ticketId: number | null): string {
  return `opsdesk.${ticketId ?? 0}.${Date.now().toString(36)}.${randomBytes(6).toString('hex')}@${domain}`;
}

/** The id a ticket's thread hangs from when it was not opened by mail. */
export function ticketThreadId(domain: string, ticketId: number): string {
  return `opsdesk.ticket.${ticketId}@${domain}`;
}

/** Did we mint this id? A mail that calls itself by one of ours is our own mail come back: a loop. */
export function isOurMessageId(id: string, domain: string): boolean {
  return id.startsWith('opsdesk.') && id.endsWith(`@${domain.toLowerCase()}`);
}

export function bracket(id: string): string {
  return `<${id}>`;
}
