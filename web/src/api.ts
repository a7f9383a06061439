// The API client: same-origin fetch with the session cookie, the CSRF token on writes, problem+json errors
// as ApiError, and one place that reacts to an expired session (back to sign-in).

export type Role = 'admin' | 'manager' | 'technician' | 'requester';
export type Status = 'new' | 'assigned' | 'in_progress' | 'pending' | 'resolved' | 'closed';
export type LevelName = 'very_low' | 'low' | 'medium' | 'high' | 'very_high';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  groupIds: number[];
  createdAt: string;
}

export interface Ticket {
  id: number;
  title: string;
  description: string;
  type: 'incident' | 'request';
  status: Status;
  impact: LevelName;
  urgency: LevelName;
  priority: LevelName;
  priorityLevel: number;
  requesterId: number;
  categoryId: number | null;
  assigneeId: number | null;
  groupId: number | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  satisfaction: number | null;
  satisfactionComment: string | null;
  tags: string[];
  watcherIds: number[];
  allowedTransitions: Status[];
}

export interface Comment {
  id: number;
  authorId: number;
  body: string;
  internal: boolean;
  createdAt: string;
}

export interface HistoryEntry {
  id: number;
  actorId: number | null;
  at: string;
  field: string;
  from: string | null;
  to: string | null;
}

export interface Attachment {
  id: number;
  filename: string;
  contentType: string;
  sizeBytes: number;
  uploadedBy: number;
  createdAt: string;
  url: string;
}

export interface Group {
  id: number;
  name: string;
  description: string;
  memberIds: number[];
}

export interface Category {
  id: number;
  name: string;
  description: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const p = await res.json();
    return new ApiError(res.status, p.code ?? 'error', p.detail ?? res.statusText, p.errors ?? []);
  } catch {
    return new ApiError(res.status, 'error', `The server answered ${res.status} ${res.statusText}.`);
  }
}

export async function api<T>(path: string, options: { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      signal: options.signal,
      body: options.form ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach opsdesk. Check your connection and try again.');
  }
  if (res.status === 401 && !path.startsWith('/api/v1/auth/')) onUnauthorized();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A query string from the set values of an object. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const out = s.toString();
  return out ? `?${out}` : '';
}

export function uploadAttachment(ticketId: number, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api<Attachment>(`/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', form });
}
