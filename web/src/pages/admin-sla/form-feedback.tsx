// The feedback pieces of the SLA admin forms: a message at the field an API error names, the save / delete
// row with the outcome of either, and a transient "Saved.".
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../ui/field';
import { ErrorMessage } from '../../ui/messages';

/** A message at the field, for error pointers under a prefix such as "/hours/2". */
export function At({ error, field }: { error: unknown; field: string }) {
  const m = fieldError(error, field);
  return m ? <p className="field-error">{m}</p> : null;
}

/** The save / delete row under an admin form, with the outcome of either. */
export function FormActions({
  noun,
  existing,
  save,
  remove,
}: {
  noun: 'calendar' | 'policy';
  existing: { name: string } | null | undefined;
  save: { isPending: boolean; isSuccess: boolean; error: unknown };
  remove: { isPending: boolean; error: unknown; mutate: () => void };
}) {
  const { t } = useTranslation('admin-sla');
  return (
    <>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {existing ? t('form.save', { noun }) : t('form.create', { noun })}
        </button>
        {existing && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() =>
              window.confirm(t('form.confirmDelete', { noun, name: existing.name })) && remove.mutate()
            }
          >
            {t('common:actions.delete')}
          </button>
        )}
        <Saved show={save.isSuccess} />
      </div>
      <ErrorMessage error={save.error ?? remove.error} title={t('form.failed', { noun })} />
    </>
  );
}

export function Saved({ show, children }: { show: boolean; children?: ReactNode }) {
  const { t } = useTranslation('admin-sla');
  return show ? (
    <span role="status" className="ok-text">
      {children ?? t('form.saved')}
    </span>
  ) : null;
}

// ---- calendars -------------------------------------------------------------------------------------------
