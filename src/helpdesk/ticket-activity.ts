// Ticket activity as people read it: a ticket event with the actor's name, the changes with names for
// people, groups and levels, and a one-line summary ("Ana set priority to high on #12"). The live stream
// sends it; internal events (internal notes) are marked for staff only.
import type { Kysely } from 'kysely';
import type { Database } from '../core/db/index.js';
import type { StoredEvent } from '../core/events.js';
import { levelName } from './levels.js';

export interface TicketChangeSummary {
  field: string;
  from: string | null;
  to: string | null;
}

/** One ticket event as people read it: who, what changed, and a one-line summary. */
export interface TicketActivity {
  id: number;
  type: StoredEvent['type'];
  ticketId: number;
  at: string;
  actor: { id: number; name: string } | null;
  changes: TicketChangeSummary[];
  summary: string;
  /** Staff-only events (internal notes) are never sent to requesters. */
  internal: boolean;
}

const fieldNames: Record<string, string> = {
  status: 'status',
  priority: 'priority',
  assignee: 'assignee',
  group: 'group',
  title: 'title',
  tags: 'tags',
  watchers: 'watchers',
  category: 'category',
  impact: 'impact',
  urgency: 'urgency',
  satisfaction: 'rating',
};

/**
 * Describe a ticket event for people: the actor's name, the changes with names for people, groups and levels,
 * and a summary line (the live stream sends it; the names are read in two queries).
 */
export async function describeTicketEvent(db: Kysely<Database>, event: StoredEvent): Promise<TicketActivity> {
  const p = event.payload as Record<string, unknown>;
  const changes: TicketChangeSummary[] = Array.isArray(p.changes) ? (p.changes as TicketChangeSummary[]) : [];
  const userIds = new Set<number>();
  if (event.actorId !== null) userIds.add(event.actorId);
  for (const c of changes) {
    if (c.field === 'assignee')
      for (const v of [c.from, c.to]) if (v !== null && /^\d+$/.test(v)) userIds.add(Number(v));
  }
  const groupIds = new Set<number>();
  for (const c of changes) {
    if (c.field === 'group')
      for (const v of [c.from, c.to]) if (v !== null && /^\d+$/.test(v)) groupIds.add(Number(v));
  }
  const [users, groups] = await Promise.all([
    userIds.size
      ? db
          .selectFrom('users')
          .select(['id', 'name'])
          .where('id', 'in', [...userIds])
          .execute()
      : [],
    groupIds.size
      ? db
          .selectFrom('groups')
          .select(['id', 'name'])
          .where('id', 'in', [...groupIds])
          .execute()
      : [],
  ]);
  const userName = new Map(users.map((u) => [String(u.id), u.name]));
  const groupName = new Map(groups.map((g) => [String(g.id), g.name]));
  const show = (c: TicketChangeSummary, v: string | null): string => {
    if (v === null) return 'none';
    if (c.field === 'assignee') return userName.get(v) ?? `user ${v}`;
    if (c.field === 'group') return groupName.get(v) ?? `group ${v}`;
    if (c.field === 'priority' || c.field === 'impact' || c.field === 'urgency')
      return /^\d$/.test(v) ? levelName(Number(v)).replace('_', ' ') : v;
    return v.replace('_', ' ');
  };
  const actorName = event.actorId !== null ? (userName.get(String(event.actorId)) ?? 'Someone') : 'opsdesk';
  const internal = event.type === 'ticket.commented' && p.internal === true;
  let summary: string;
  switch (event.type) {
    case 'ticket.created':
      summary = `${actorName} filed #${event.subjectId}`;
      break;
    case 'ticket.commented':
      summary = internal
        ? `${actorName} added an internal note to #${event.subjectId}`
        : `${actorName} replied on #${event.subjectId}`;
      break;
    case 'ticket.updated': {
      const parts = changes
        .filter((c) => c.field !== 'description')
        .map((c) =>
          c.field === 'title' || c.field === 'watchers'
            ? `changed the ${fieldNames[c.field] ?? c.field}`
            : `set ${fieldNames[c.field] ?? c.field} to ${show(c, c.to)}`,
        );
      summary = `${actorName} ${parts.length ? parts.join(', ') : 'updated'} on #${event.subjectId}`;
      break;
    }
    default:
      summary = `${actorName} updated #${event.subjectId}`;
  }
  return {
    id: event.id,
    type: event.type,
    ticketId: Number(event.subjectId),
    at: new Date(event.createdAt).toISOString(),
    actor: event.actorId !== null ? { id: event.actorId, name: actorName } : null,
    changes: changes.filter((c) => c.field !== 'description'),
    summary,
    internal,
  };
}
