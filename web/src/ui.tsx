// Small shared pieces: badges, messages for errors and empty states, labelled fields, time formatting, and
// the directory (users, groups, categories) that turns ids into names.
import { type ReactNode, useEffect, useId } from 'react';
import { ApiError } from './api/client';
import { directoryStaleMs, useCategories, useGroups, useUsers } from './api/directory';
import type { LevelName, Status } from './api/types';
import { uiLocale } from './locale';
import { isStaff, useSession } from './session';

export const statusLabel: Record<Status, string> = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  pending: 'Waiting',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const priorityLabel: Record<LevelName, string> = {
  very_low: 'Very low',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  very_high: 'Critical',
};

export const levelNames: LevelName[] = ['very_low', 'low', 'medium', 'high', 'very_high'];

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge status-${status}`}>{statusLabel[status]}</span>;
}

export function PriorityBadge({ priority }: { priority: LevelName }) {
  return (
    <span className={`badge prio-${priority}`}>
      <span className="visually-hidden">Priority </span>
      {priorityLabel[priority]}
    </span>
  );
}

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const fields = error instanceof ApiError ? error.fields : [];
  return (
    <div className="alert alert-error" role="alert">
      <strong>{title ?? 'Something went wrong.'}</strong> {message}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.field + f.message}>
              {f.field.replace(/^\/|^body\//, '')}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

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

const rtf = new Intl.RelativeTimeFormat(uiLocale, { numeric: 'auto' });
const dtf = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium', timeStyle: 'short' });

export function timeAgo(iso: string): string {
  const diff = (Date.parse(iso) - Date.now()) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return dtf.format(new Date(iso));
}

export function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={dtf.format(new Date(iso))}>
      {timeAgo(iso)}
    </time>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Staff see the directory; a requester sees names only for themself ("Support" for the others). */
export function useDirectory() {
  const { user } = useSession();
  const staff = isStaff(user);
  const users = useUsers(staff, directoryStaleMs);
  const groups = useGroups(staff, directoryStaleMs);
  const categories = useCategories(directoryStaleMs);
  const userMap = new Map((users.data ?? []).map((u) => [u.id, u]));
  return {
    users: users.data ?? [],
    groups: groups.data ?? [],
    categories: categories.data ?? [],
    userName(id: number | null | undefined): string {
      if (id === null || id === undefined) return 'Nobody';
      if (user && id === user.id) return user.role === 'requester' ? 'You' : `${user.name} (you)`;
      return userMap.get(id)?.name ?? (staff ? `User ${id}` : 'Support team');
    },
    groupName(id: number | null | undefined): string {
      if (id === null || id === undefined) return 'No group';
      return (groups.data ?? []).find((g) => g.id === id)?.name ?? `Group ${id}`;
    },
    categoryName(id: number | null | undefined): string {
      if (id === null || id === undefined) return 'None';
      return (categories.data ?? []).find((c) => c.id === id)?.name ?? `Category ${id}`;
    },
  };
}

export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · opsdesk`;
  }, [title]);
}

/** Keyboard shortcuts that stay quiet while the user types in a field. */
export function useShortcuts(map: Record<string, (e: KeyboardEvent) => void>, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      const handler = map[e.key];
      if (handler) {
        e.preventDefault();
        handler(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [map, enabled]);
}
