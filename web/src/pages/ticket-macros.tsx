// The composer's two helpers on a ticket's page: "Insert response" (a searchable list of canned responses;
// the chosen one is filled in by the server for this ticket and inserted at the cursor) and "Macros"
// (apply one: its replies, notes and changes at once; the result is said in words).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type MacroResult,
  renderCannedResponse,
  useApplyMacro,
  useCannedResponses,
  useMacros,
} from '../api/macros';
import type { Ticket } from '../api/types';
import { t as translate } from '../i18n';
import { useDirectory } from '../ui/directory';
import { priorityLabel, statusLabel } from '../ui/labels';
import { ErrorMessage } from '../ui/messages';

/** A long text's first words, for a list. */
export function short(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Words match the title, keywords, shortcut or text, in any order. */
function matches(query: string, ...fields: (string | null)[]): boolean {
  const hay = fields.join(' ').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export function InsertResponse({
  ticketId,
  internal,
  onInsert,
}: {
  ticketId: number;
  internal: boolean;
  onInsert: (text: string) => void;
}) {
  const { t } = useTranslation('ticket-macros');
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const list = useCannedResponses(open);
  const shown = (list.data ?? []).filter((r) => matches(q, r.title, r.keywords, r.shortcut, r.body));

  async function choose(id: number) {
    setBusy(true);
    setError(null);
    try {
      onInsert(await renderCannedResponse(ticketId, id, internal));
      setOpen(false);
      setQ('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="picker">
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t('responses.open')}
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label={t('responses.dialog')}>
          <input
            type="search"
            aria-label={t('responses.search')}
            placeholder={t('responses.search')}
            value={q}
            // biome-ignore lint/a11y/noAutofocus: the panel opens to be typed in
            autoFocus
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setOpen(false);
              if (e.key === 'Enter' && shown[0]) {
                e.preventDefault();
                void choose(shown[0].id);
              }
            }}
          />
          {list.isPending && <p className="muted small">{t('common:loading')}</p>}
          <ErrorMessage error={list.error ?? error} title={t('responses.error')} />
          {list.data && shown.length === 0 && <p className="muted small">{t('responses.none')}</p>}
          <ul className="picker-list">
            {shown.map((r) => (
              <li key={r.id}>
                <button type="button" disabled={busy} onClick={() => void choose(r.id)}>
                  <span className="picker-title">{r.title}</span>
                  <span className="picker-sub muted">{short(r.body)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** What a macro did, in words: "Applied “X”: status Pending, priority High, 1 reply, 1 note." */
function describe(name: string, before: Ticket, r: MacroResult, groupName: (id: number) => string): string {
  const after = r.ticket;
  const parts: string[] = [];
  if (after.status !== before.status)
    parts.push(translate('ticket-macros:result.status', { status: statusLabel[after.status] }));
  if (after.priority !== before.priority)
    parts.push(translate('ticket-macros:result.priority', { priority: priorityLabel[after.priority] }));
  if (after.groupId !== before.groupId)
    parts.push(
      after.groupId === null
        ? translate('ticket-macros:result.noGroup')
        : translate('ticket-macros:result.group', { group: groupName(after.groupId) }),
    );
  if (after.assigneeId !== before.assigneeId)
    parts.push(
      after.assigneeId === null
        ? translate('ticket-macros:result.unassigned')
        : translate('ticket-macros:result.assigneeChanged'),
    );
  if (after.tags.join() !== before.tags.join())
    parts.push(
      after.tags.length
        ? translate('ticket-macros:result.tags', { tags: after.tags.join(', ') })
        : translate('ticket-macros:result.noTags'),
    );
  const replies = r.comments.filter((c) => !c.internal).length;
  const notes = r.comments.length - replies;
  if (replies) parts.push(translate('ticket-macros:result.replies', { count: replies }));
  if (notes) parts.push(translate('ticket-macros:result.notes', { count: notes }));
  return parts.length
    ? translate('ticket-macros:result.applied', { name, changes: parts.join(', ') })
    : translate('ticket-macros:result.appliedNothing', { name });
}

export function MacroMenu({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-macros');
  const dir = useDirectory();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const list = useMacros(open);
  const apply = useApplyMacro(ticket.id, (r) => {
    setResult(describe(chosen, ticket, r, dir.groupName));
    setOpen(false);
  });
  const shown = (list.data ?? []).filter((m) => matches(q, m.name));
  return (
    <div className="picker">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        disabled={apply.isPending}
      >
        {t('macros.open')}
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label={t('macros.dialog')}>
          <input
            type="search"
            aria-label={t('macros.search')}
            placeholder={t('macros.search')}
            value={q}
            // biome-ignore lint/a11y/noAutofocus: the panel opens to be typed in
            autoFocus
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
          />
          {list.isPending && <p className="muted small">{t('common:loading')}</p>}
          {list.data && shown.length === 0 && <p className="muted small">{t('macros.none')}</p>}
          <ul className="picker-list">
            {shown.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  disabled={apply.isPending}
                  onClick={() => {
                    setChosen(m.name);
                    setResult(null);
                    apply.mutate(m.id);
                  }}
                >
                  <span className="picker-title">{m.name}</span>
                  <span className="picker-sub muted">
                    {m.actions.map((a) => a.type.replace('_', ' ')).join(' · ')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage error={apply.error} title={t('macros.error')} />
      {result && (
        <p role="status" className="macro-result">
          {result}
        </p>
      )}
    </div>
  );
}
