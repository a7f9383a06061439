// The composer's two helpers on a ticket's page: "Insert response" (a searchable list of canned responses;
// the chosen one is filled in by the server for this ticket and inserted at the cursor) and "Macros"
// (apply one: its replies, notes and changes at once; the result is said in words).
import { useState } from 'react';
import {
  type MacroResult,
  renderCannedResponse,
  useApplyMacro,
  useCannedResponses,
  useMacros,
} from '../api/macros';
import type { Ticket } from '../api/types';
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
        Insert response
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label="Insert a canned response">
          <input
            type="search"
            aria-label="Search responses"
            placeholder="Search responses"
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
          {list.isPending && <p className="muted small">Loading…</p>}
          <ErrorMessage error={list.error ?? error} title="The response could not be inserted." />
          {list.data && shown.length === 0 && <p className="muted small">No response matches.</p>}
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
  const t = r.ticket;
  const parts: string[] = [];
  if (t.status !== before.status) parts.push(`status ${statusLabel[t.status]}`);
  if (t.priority !== before.priority) parts.push(`priority ${priorityLabel[t.priority]}`);
  if (t.groupId !== before.groupId)
    parts.push(t.groupId === null ? 'no group' : `group ${groupName(t.groupId)}`);
  if (t.assigneeId !== before.assigneeId)
    parts.push(t.assigneeId === null ? 'unassigned' : 'assignee changed');
  if (t.tags.join() !== before.tags.join()) parts.push(`tags ${t.tags.join(', ') || 'none'}`);
  const replies = r.comments.filter((c) => !c.internal).length;
  const notes = r.comments.length - replies;
  if (replies) parts.push(`${replies} ${replies === 1 ? 'reply' : 'replies'}`);
  if (notes) parts.push(`${notes} ${notes === 1 ? 'note' : 'notes'}`);
  return `Applied “${name}”: ${parts.length ? parts.join(', ') : 'nothing to change'}.`;
}

export function MacroMenu({ ticket }: { ticket: Ticket }) {
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
        Macros
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label="Apply a macro">
          <input
            type="search"
            aria-label="Search macros"
            placeholder="Search macros"
            value={q}
            // biome-ignore lint/a11y/noAutofocus: the panel opens to be typed in
            autoFocus
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
          />
          {list.isPending && <p className="muted small">Loading…</p>}
          {list.data && shown.length === 0 && <p className="muted small">No macro matches.</p>}
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
      <ErrorMessage error={apply.error} title="The macro was not applied; nothing changed." />
      {result && (
        <p role="status" className="macro-result">
          {result}
        </p>
      )}
    </div>
  );
}
