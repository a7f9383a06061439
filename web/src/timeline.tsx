// One timeline for a ticket: comments, changes and attachments in the order they happened. The API already
// leaves out what the viewer may not see (internal notes and their history for requesters).
import { Link } from 'react-router-dom';
import { linkRoleLabel, type TicketLink } from './api/ticket-links';
import { useTicketAttachments, useTicketComments, useTicketHistory } from './api/tickets';
import type { Attachment, ClockTarget, Comment, HistoryEntry } from './api/types';
import { isStaff, useSession } from './session';
import { targetLabel } from './sla';
import { useDirectory } from './ui/directory';
import { priorityLabel, statusLabel } from './ui/labels';
import { ErrorMessage, Loading } from './ui/messages';
import { formatBytes, Time } from './ui/time';

type Item =
  | { kind: 'comment'; at: string; key: string; comment: Comment }
  | { kind: 'change'; at: string; key: string; change: HistoryEntry }
  | { kind: 'attachment'; at: string; key: string; attachment: Attachment };

const levelByNumber = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
// A link to a status page announcement tells the requester their problem is known.
const requesterFields = new Set([
  'created',
  'status',
  'title',
  'satisfaction',
  'status_incident',
  'merged_into',
  'merged_from',
  'split_to',
  'split_from',
]);

/** An automatic escalation's text from the engine ("first_response level 1: 30 min before the due time;
 * priority raised") in words: "First response reached level 1, 30 min before its due time; priority raised".
 * Null when the text is not the engine's. */
/** Who made a change no person made: the SLA engine, its escalations, or automatic assignment (group, assignee). */
function systemActor(field: string): string {
  if (field === 'sla') return 'SLA';
  if (field === 'escalation' || field === 'priority') return 'SLA escalation';
  if (field === 'assignment_reason') return 'Automatic assignment';
  if (field === 'status_incident') return 'Status page';
  return 'opsdesk';
}

export function automaticEscalation(reason: string): string | null {
  const m =
    /^(first_response|next_response|resolution|ola) level (\d+): (at|\d+ min before|\d+ min after) the due time(; priority raised)?$/.exec(
      reason,
    );
  if (!m) return null;
  const when = m[3] === 'at' ? 'at its due time' : `${m[3]} its due time`;
  return `${targetLabel[m[1] as ClockTarget]} reached level ${m[2]}, ${when}${m[4] ?? ''}`;
}

/** An SLA clock's warning or breach from the engine ("first_response warning", "OLA of group 3 breached"). */
function slaEvent(text: string, groupName: (id: number) => string): string {
  const m = /^(?:(first_response|next_response|resolution)|OLA of group (\d+)) (warning|breached)$/.exec(
    text,
  );
  if (!m) return text.replace(/_/g, ' ');
  const what = m[1]
    ? targetLabel[m[1] as ClockTarget].toLowerCase()
    : `the OLA of ${groupName(Number(m[2]))}`;
  return m[3] === 'warning' ? `${what} is close to its due time` : `${what} breached its target`;
}

export function useTicketParts(id: number) {
  const comments = useTicketComments(id);
  const history = useTicketHistory(id);
  const attachments = useTicketAttachments(id);
  return { comments, history, attachments };
}

/** onSplit (staff pages): offer "Split to new ticket" on public replies not split yet. */
export function Timeline({
  ticketId,
  onSplit,
  splitting,
}: {
  ticketId: number;
  onSplit?: (c: Comment) => void;
  splitting?: boolean;
}) {
  const { comments, history, attachments } = useTicketParts(ticketId);
  const dir = useDirectory();
  const staff = isStaff(useSession().user);
  if (comments.isPending || history.isPending || attachments.isPending)
    return <Loading label="Loading the timeline…" />;
  const error = comments.error ?? history.error ?? attachments.error;
  if (error) return <ErrorMessage error={error} title="The timeline could not be loaded." />;

  const items: Item[] = [
    ...(comments.data ?? []).map((c) => ({
      kind: 'comment' as const,
      at: c.createdAt,
      key: `c${c.id}`,
      comment: c,
    })),
    // Comments and attachments show themselves; their history entries would only repeat them.
    ...(history.data ?? [])
      .filter((h) => h.field !== 'comment' && h.field !== 'internal_note' && h.field !== 'attachment')
      // A merged ticket's own past, copied here: read on that ticket (its banner points here).
      .filter((h) => !h.field.startsWith('merged.'))
      // Requesters follow the state of their request; the desk's internal routing is noise to them.
      .filter((h) => staff || requesterFields.has(h.field))
      .map((h) => ({ kind: 'change' as const, at: h.at, key: `h${h.id}`, change: h })),
    ...(attachments.data ?? []).map((a) => ({
      kind: 'attachment' as const,
      at: a.createdAt,
      key: `a${a.id}`,
      attachment: a,
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.key.localeCompare(b.key));

  const describe = (h: HistoryEntry): string => {
    if (h.field.startsWith('link.')) {
      const role = linkRoleLabel[h.field.slice(5) as TicketLink['role']] ?? h.field.slice(5);
      return h.to !== null
        ? `linked #${h.to} (${role.toLowerCase()})`
        : `removed the link to #${h.from} (${role.toLowerCase()})`;
    }
    const v = (x: string | null): string => {
      if (x === null || x === '') return 'none';
      switch (h.field) {
        case 'status':
        case 'created':
          return statusLabel[x as keyof typeof statusLabel] ?? x;
        case 'assignee':
          return dir.userName(Number(x));
        case 'group':
          return dir.groupName(Number(x));
        case 'category':
          return dir.categoryName(Number(x));
        case 'priority':
        case 'impact':
        case 'urgency':
          return priorityLabel[levelByNumber[Number(x) - 1]] ?? x;
        case 'watchers':
          return x
            .split(',')
            .map((id) => dir.userName(Number(id)))
            .join(', ');
        default:
          return x;
      }
    };
    switch (h.field) {
      case 'created':
        return 'filed the ticket';
      case 'merged_into':
        return `merged this ticket into #${h.to}`;
      case 'merged_from':
        return `merged #${h.to} into this ticket`;
      case 'split_to':
        return `split a reply off into #${h.to}`;
      case 'split_from':
        return `split this ticket off a reply on #${h.to}`;
      case 'satisfaction':
        return `rated the resolution ${h.to} of 5`;
      case 'description':
        return 'edited the description';
      case 'title':
        return `renamed it to “${h.to ?? ''}”`;
      case 'macro':
        return `applied macro “${h.to ?? ''}”`;
      case 'escalation': {
        // Manual: "to group L2: reason" / "to the manager: reason"; closing: "level 1 resolved by …";
        // automatic: the engine's "first_response level 1: at the due time", put in words.
        if (h.to?.startsWith('to ')) return `escalated ${h.to}`;
        const auto = automaticEscalation(h.to ?? '');
        return auto ? `: ${auto.charAt(0).toLowerCase()}${auto.slice(1)}` : `escalation: ${h.to ?? ''}`;
      }
      case 'sla':
        return `: ${slaEvent(h.to ?? '', dir.groupName)}`;
      case 'assignment_reason':
      case 'automation':
        return `: ${h.to ?? ''}`;
      case 'time_entry':
        if (h.from === null) return `logged ${h.to} min`;
        if (h.to === null) return `removed ${h.from} min of logged time`;
        return `changed logged time from ${h.from} to ${h.to} min`;
      case 'status_incident':
        return `: linked to the known problem “${h.to ?? ''}”`;
      case 'priority':
        if (h.actorId === null && Number(h.to) > Number(h.from))
          return `raised priority from ${v(h.from)} to ${v(h.to)}`;
        return `changed priority from ${v(h.from)} to ${v(h.to)}`;
      default:
        return `changed ${h.field.replace('_', ' ')} from ${v(h.from)} to ${v(h.to)}`;
    }
  };

  return (
    <ol className="timeline" aria-label="Timeline">
      {items.map((item) => {
        if (item.kind === 'comment') {
          const c = item.comment;
          return (
            <li key={item.key} className={`tl-comment ${c.internal ? 'internal' : ''}`}>
              <div className="tl-head">
                <strong>{dir.userName(c.authorId)}</strong>
                {c.internal && <span className="badge internal-badge">Internal note</span>}
                <Time iso={c.createdAt} />
              </div>
              <div className="tl-body">{c.body}</div>
              {c.splitToTicketId !== null ? (
                <p className="tl-split small">
                  Split to <Link to={`/tickets/${c.splitToTicketId}`}>ticket #{c.splitToTicketId}</Link>
                </p>
              ) : (
                onSplit &&
                !c.internal && (
                  <button
                    type="button"
                    className="link-button small"
                    disabled={splitting}
                    onClick={() => onSplit(c)}
                  >
                    Split to new ticket
                  </button>
                )
              )}
            </li>
          );
        }
        if (item.kind === 'attachment') {
          const a = item.attachment;
          return (
            <li key={item.key} className="tl-change">
              <span>
                {dir.userName(a.uploadedBy)} attached{' '}
                <a href={a.url} target="_blank" rel="noreferrer">
                  {a.filename}
                </a>{' '}
                <span className="muted">({formatBytes(a.sizeBytes)})</span>
              </span>
              <Time iso={a.createdAt} />
            </li>
          );
        }
        const h = item.change;
        return (
          <li
            key={item.key}
            className={`tl-change ${h.field === 'escalation' || h.field === 'sla' ? 'tl-escalation' : ''}`}
          >
            <span>
              {/* A change without a person is the service's own: say which part of it, not "Nobody". */}
              {h.actorId === null ? systemActor(h.field) : dir.userName(h.actorId)}
              {describe(h).startsWith(':') ? '' : ' '}
              {describe(h)}
            </span>
            <Time iso={h.at} />
          </li>
        );
      })}
    </ol>
  );
}
