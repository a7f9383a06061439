// A labelled form field with its hint and validation message tied to the control, and the message a
// problem+json answer gives for one field.
import { type ReactNode, useId } from 'react';
import { ApiError } from '../api/client';

/** The message a problem+json answer gives for one field (a JSON pointer such as "/hours/0/start"). */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.fields.find((f) => f.field.replace(/^body(?=\/)/, '') === field)?.message;
}

export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  /** A validation message for this field, shown under it and tied to the control. */
  error?: string;
  children: (id: string, describedBy?: string, invalid?: boolean) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy, Boolean(error))}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
