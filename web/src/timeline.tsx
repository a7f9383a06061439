// One timeline for a ticket: comments, changes and attachments in the order they happened. The API already
// leaves out what the viewer may not see (internal notes and their history for requesters).
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useTicketAttachments, useTicketComments, useTicketHistory } from './api/tickets';
import type { Attachment, ClockTarget, Comment, HistoryEntry } from './api/types';
import { t as translate } from './i18n';
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

/** Who made a change no person made: the SLA engine, its escalations, or automatic assignment (group, assignee). */
function systemActor(field: string): string {
  if (field === 'sla') return translate('timeline:system.sla');
  if (field === 'escalation' || field === 'priority') return translate('timeline:system.escalation');
  if (field === 'assignment_reason') return translate('timeline:system.assignment');
  if (field === 'status_incident') return translate('timeline:system.statusPage');
  return 'opsdesk';
}

/**
 * An automatic escalation's text from the engine ("first_response level 1: 30 min before the due time;
 * priority raised") in words: "First response reached level 1, 30 min before its due time; priority raised".
 * `inline`: the words follow "SLA escalation:" (English starts them in lower case). Null when the text is not
 * the engine's.
 */
export function automaticEscalation(reason: string, inline = false): string | null {
  const m =
    /^(first_response|next_response|resolution|ola) level (\d+): (at|(\d+) min before|(\d+) min after) the due time(; priority raised)?$/.exec(
      reason,
    );
  if (!m) return null;
  return translate('timeline:escalation.automatic', {
    target: inline ? translate(`timeline:targetInline.${m[1]}`) : targetLabel(m[1] as ClockTarget),
    level: Number(m[2]),
    when: m[3] === 'at' ? 'at' : m[4] !== undefined ? 'before' : 'after',
    minutes: Number(m[4] ?? m[5] ?? 0),
    raised: m[6] ? 'yes' : 'no',
  });
}

/** An SLA clock's warning or breach from the engine ("first_response warning", "OLA of group 3 breached"). */
function slaEvent(text: string, groupName: (id: number) => string): string {
  const m = /^(?:(first_response|next_response|resolution)|OLA of group (\d+)) (warning|breached)$/.exec(
    text,
  );
  if (!m) return text.replace(/_/g, ' ');
  return m[1]
    ? translate('timeline:sla.target', { target: translate(`timeline:targetInline.${m[1]}`), event: m[3] })
    : translate('timeline:sla.ola', { group: groupName(Number(m[2])), event: m[3] });
}

/** A person's escalation or its closing, as the engine wrote it ("to group L2: reason", "level 1 resolved by the
 * manager: note"), as a sentence with who did it; the reason is the person's own text. */
function escalationEvent(actor: string, text: string): string {
  const toGroup = /^to group (.+?): ([\s\S]*)$/.exec(text);
  if (toGroup)
    return translate('timeline:escalation.toGroup', { actor, group: toGroup[1], reason: toGroup[2] });
  const toManager = /^to the manager: ([\s\S]*)$/.exec(text);
  if (toManager) return translate('timeline:escalation.toManager', { actor, reason: toManager[1] });
  const resolved = /^level (\d+) resolved by the manager: ([\s\S]*)$/.exec(text);
  if (resolved)
    return translate('timeline:escalation.resolved', {
      actor,
      level: Number(resolved[1]),
      note: resolved[2],
    });
  const handedOn = /^level (\d+) handed on to group (.+?): ([\s\S]*)$/.exec(text);
  if (handedOn)
    return translate('timeline:escalation.handedOn', {
      actor,
      level: Number(handedOn[1]),
      group: handedOn[2],
      note: handedOn[3],
    });
  return translate('timeline:escalation.other', { actor, text });
}

/** The words for a field a change names; a field this page does not know is shown as its code. */
const fieldName = (field: string) =>
  translate(`timeline:field.${field}`, { defaultValue: field.replace(/_/g, ' ') });

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
  const { t } = useTranslation('timeline');
  const { comments, history, attachments } = useTicketParts(ticketId);
  const dir = useDirectory();
  const staff = isStaff(useSession().user);
  if (comments.isPending || history.isPending || attachments.isPending)
    return <Loading label={t('loading')} />;
  const error = comments.error ?? history.error ?? attachments.error;
  if (error) return <ErrorMessage error={error} title={t('notLoaded')} />;

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

  /** What a change did, as one sentence with who did it (a person, or the part of the service that did). */
  const describe = (h: HistoryEntry): string => {
    // A change without a person is the service's own: say which part of it, not "Nobody".
    const actor = h.actorId === null ? systemActor(h.field) : dir.userName(h.actorId);
    if (h.field.startsWith('link.')) {
      const role = h.field.slice(5);
      return h.to !== null
        ? t('link.added', { actor, id: h.to, role })
        : t('link.removed', { actor, id: h.from ?? '', role });
    }
    const v = (x: string | null): string => {
      if (x === null || x === '') return t('none');
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
        return t('created', { actor });
      case 'merged_into':
        return t('mergedInto', { actor, id: h.to ?? '' });
      case 'merged_from':
        return t('mergedFrom', { actor, id: h.to ?? '' });
      case 'split_to':
        return t('splitTo', { actor, id: h.to ?? '' });
      case 'split_from':
        return t('splitFrom', { actor, id: h.to ?? '' });
      case 'satisfaction':
        return t('satisfaction', { actor, rating: h.to ?? '' });
      case 'description':
        return t('description', { actor });
      case 'title':
        return t('title', { actor, title: h.to ?? '' });
      case 'macro':
        return t('macro', { actor, macro: h.to ?? '' });
      case 'escalation': {
        // Manual: "to group L2: reason" / "to the manager: reason"; closing: "level 1 resolved by …";
        // automatic: the engine's "first_response level 1: at the due time", put in words.
        const auto = automaticEscalation(h.to ?? '', true);
        return auto ? t('said', { actor, text: auto }) : escalationEvent(actor, h.to ?? '');
      }
      case 'sla':
        return t('said', { actor, text: slaEvent(h.to ?? '', dir.groupName) });
      case 'assignment_reason':
      case 'automation':
        return t('said', { actor, text: h.to ?? '' });
      case 'time_entry':
        if (h.from === null) return t('time.logged', { actor, minutes: Number(h.to) });
        if (h.to === null) return t('time.removed', { actor, minutes: Number(h.from) });
        return t('time.changed', { actor, from: Number(h.from), to: Number(h.to) });
      case 'status_incident':
        return t('statusIncident', { actor, title: h.to ?? '' });
      case 'priority':
        if (h.actorId === null && Number(h.to) > Number(h.from))
          return t('priority.raised', { actor, from: v(h.from), to: v(h.to) });
        return t('priority.changed', { actor, from: v(h.from), to: v(h.to) });
      default:
        return t('changed', { actor, field: fieldName(h.field), from: v(h.from), to: v(h.to) });
    }
  };

  return (
    <ol className="timeline" aria-label={t('label')}>
      {items.map((item) => {
        if (item.kind === 'comment') {
          const c = item.comment;
          return (
            <li key={item.key} className={`tl-comment ${c.internal ? 'internal' : ''}`}>
              <div className="tl-head">
                <strong>{dir.userName(c.authorId)}</strong>
                {c.internal && <span className="badge internal-badge">{t('internal')}</span>}
                <Time iso={c.createdAt} />
              </div>
              <div className="tl-body">{c.body}</div>
              {c.splitToTicketId !== null ? (
                <p className="tl-split small">
                  <Trans
                    t={t}
                    i18nKey="splitOff"
                    values={{ id: c.splitToTicketId }}
                    components={{ ticket: <Link to={`/tickets/${c.splitToTicketId}`} /> }}
                  />
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
                    {t('split')}
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
                <Trans
                  t={t}
                  i18nKey="attached"
                  values={{ size: formatBytes(a.sizeBytes) }}
                  // The person's name and the file's are typed by people: components, never read as markup.
                  components={{
                    actor: <span>{dir.userName(a.uploadedBy)}</span>,
                    file: (
                      <a href={a.url} target="_blank" rel="noreferrer">
                        {a.filename}
                      </a>
                    ),
                    muted: <span className="muted" />,
                  }}
                />
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
            <span>{describe(h)}</span>
            <Time iso={h.at} />
          </li>
        );
      })}
    </ol>
  );
}
