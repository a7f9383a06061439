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
  /** Staff only: the ticket's SLA clocks (exact on the single-ticket read, as stored in lists). */
  sla?: TicketSla;
}

export type ClockTarget = 'first_response' | 'next_response' | 'resolution' | 'ola';
export type SlaTargetName = Exclude<ClockTarget, 'ola'>;

export interface SlaClock {
  target: ClockTarget;
  phase: 'inactive' | 'running' | 'paused' | 'achieved';
  cycle: number;
  groupId: number | null;
  startedAt: string | null;
  dueAt: string | null;
  warnAt: string | null;
  targetSeconds: number;
  elapsedSeconds: number;
  remainingSeconds: number;
  pausedSeconds: number;
  warned: boolean;
  breached: boolean;
  achievedAt: string | null;
  achievedMinutes: number | null;
  marginMinutes: number | null;
}

export interface TicketSla {
  policyId: number | null;
  policyName: string | null;
  pinned: boolean;
  computedAt: string;
  firstResponseDueAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
  breached: boolean;
  clocks: SlaClock[];
}

export interface WorkingHours {
  day: number;
  start: string;
  end: string;
}

export interface Holiday {
  date: string;
  name: string;
  yearly: boolean;
}

export interface Calendar {
  id: number;
  name: string;
  timeZone: string;
  alwaysOpen: boolean;
  hours: WorkingHours[];
  holidays: Holiday[];
  createdAt: string;
  updatedAt: string;
}

export interface SlaTarget {
  minutes: number;
  calendarId: number | null;
  warnPercent: number | null;
  pauseStatuses: Status[];
}

export type EscalationAction =
  | { type: 'notify'; who: 'assignee' | 'group' | 'manager' }
  | { type: 'reassign'; groupId: number }
  | { type: 'raise_priority' };

export interface EscalationLevel {
  level: number;
  target: SlaTargetName;
  offsetMinutes: number;
  actions: EscalationAction[];
}

export interface SlaConditions {
  priorities?: number[];
  categoryIds?: number[];
  types?: ('incident' | 'request')[];
  requesterGroupIds?: number[];
}

export interface SlaPolicy {
  id: number;
  name: string;
  position: number;
  active: boolean;
  conditions: SlaConditions;
  targets: Partial<Record<SlaTargetName, SlaTarget>>;
  levels: EscalationLevel[];
  createdAt: string;
  updatedAt: string;
}

export interface Ola extends SlaTarget {
  groupId: number;
}

export interface Escalation {
  id: number;
  ticketId: number;
  kind: 'manual' | 'automatic';
  level: number;
  target: string | null;
  reason: string;
  fromGroupId: number | null;
  toGroupId: number | null;
  toManager: boolean;
  actorId: number | null;
  status: 'open' | 'resolved' | 'handed_on';
  createdAt: string;
  closedAt: string | null;
  closedBy: number | null;
  note: string | null;
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
/** The server's clock minus ours, from the Date header of the latest answer (SLA countdowns use it). */
let serverSkewMs = 0;

/** Now, by the server's clock (to the second): countdowns to due times agree with the server's. */
export function serverNow(): number {
  return Date.now() + serverSkewMs;
}
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

export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal } = {},
): Promise<T> {
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
  const date = res.headers.get('date');
  // The header has whole seconds: the middle of that second is the best guess.
  if (date) serverSkewMs = Date.parse(date) + 500 - Date.now() || 0;
  if (res.status === 401 && !path.startsWith('/api/v1/auth/')) onUnauthorized();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A query string from the set values of an object. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const out = s.toString();
  return out ? `?${out}` : '';
}

export function uploadAttachment(ticketId: number, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api<Attachment>(`/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', form });
}

/**
 * Upload files for a request or reply still to be sent (POST /api/v1/uploads): the server checks each one
 * first, so a refused file stops the send before anything is filed. Returns the ids to send with it.
 */
export async function uploadFiles(files: File[]): Promise<number[]> {
  const ids: number[] = [];
  for (const f of files) {
    const form = new FormData();
    form.append('file', f, f.name);
    try {
      ids.push((await api<{ id: number }>('/api/v1/uploads', { method: 'POST', form })).id);
    } catch (err) {
      throw new Error(`${f.name}: ${(err as Error).message}`);
    }
  }
  return ids;
}
