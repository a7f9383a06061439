// A ticket's custom fields on the staff ticket page: every value it holds, and for technicians an editor of
// the active fields (each checked by the server against its definition; null clears one).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FieldValue, useCustomFields } from '../api/catalog';
import { useUpdateTicket } from '../api/tickets';
import type { Ticket } from '../api/types';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage } from '../ui/messages';
import { FieldInput, FieldValues } from './catalog';

export function TicketFieldsPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-fields');
  const defs = useCustomFields();
  const update = useUpdateTicket(ticket.id);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<string, FieldValue | null>>({});
  const editable = (defs.data ?? []).filter((d) => d.active && d.type !== 'attachment');
  return (
    <section className="card ticket-fields" aria-label={t('label')}>
      <div className="page-head">
        <h2>{t('title')}</h2>
        {!editing && editable.length > 0 && ticket.status !== 'closed' && (
          <button
            type="button"
            onClick={() => {
              setDraft({ ...ticket.fields });
              setEditing(true);
            }}
          >
            {t('edit')}
          </button>
        )}
      </div>
      {!editing && Object.keys(ticket.fields).length === 0 && <p className="muted">{t('none')}</p>}
      {!editing && <FieldValues fields={ticket.fields} />}
      {editing && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const changes: Record<string, FieldValue | null> = {};
            for (const d of editable) {
              const before = ticket.fields[d.key] ?? null;
              const after = draft[d.key] ?? null;
              if (JSON.stringify(before) !== JSON.stringify(after)) changes[d.key] = after;
            }
            if (Object.keys(changes).length === 0) return setEditing(false);
            update.mutate({ fields: changes }, { onSuccess: () => setEditing(false) });
          }}
        >
          <ErrorMessage error={update.error} title={t('error')} />
          {editable.map((d) => (
            <Field
              key={d.key}
              label={d.label}
              hint={d.helpText || undefined}
              error={fieldError(update.error, `/fields/${d.key}`)}
            >
              {(id, hint) => (
                <FieldInput
                  field={d}
                  id={id}
                  describedBy={hint}
                  value={draft[d.key]}
                  onChange={(v) => setDraft((x) => ({ ...x, [d.key]: v }))}
                />
              )}
            </Field>
          ))}
          <div className="actions">
            <button type="submit" className="primary" disabled={update.isPending}>
              {t('save')}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t('common:actions.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
