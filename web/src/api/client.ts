// The API client: openapi-fetch over the generated schema (schema.d.ts), same-origin with the session
// cookie, the CSRF token on writes, problem+json errors as ApiError, the server's clock offset for
// countdowns, and one place that reacts to an expired session (back to sign-in).
import createClient, { type Middleware } from 'openapi-fetch';
import { t } from '../i18n';
import type { paths } from './schema';

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
let onUnauthorized: () => void = () => {};

/** Now, by the server's clock (to the second): countdowns to due times agree with the server's. */
export function serverNow(): number {
  return Date.now() + serverSkewMs;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** A query string from the set values of an object (empty strings, null and undefined are left out). */
function queryString(params: Record<string, unknown>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  return s.toString();
}

const session: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept', 'application/json');
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
  },
  onResponse({ request, response }) {
    const date = response.headers.get('date');
    // The header has whole seconds: the middle of that second is the best guess.
    if (date) serverSkewMs = Date.parse(date) + 500 - Date.now() || 0;
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/'))
      onUnauthorized();
  },
  onError({ error }) {
    if ((error as Error).name === 'AbortError') return error as Error;
    return new ApiError(0, 'network', t('common:error.network'));
  },
};

export const client = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  credentials: 'same-origin',
  querySerializer: queryString,
});
client.use(session);

function toError(response: Response, body: unknown): ApiError {
  if (body !== null && typeof body === 'object') {
    const p = body as { code?: string; detail?: string; errors?: FieldError[] };
    return new ApiError(response.status, p.code ?? 'error', p.detail ?? response.statusText, p.errors ?? []);
  }
  return new ApiError(
    response.status,
    'error',
    t('common:error.status', { status: response.status, text: response.statusText }),
  );
}

/** The body of a successful answer; a problem+json answer becomes an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toError(response, error);
  return data as T;
}
