// Signing in and out, the current session, and password changes by the user (own password, reset link).
import { ApiError, client, setCsrfToken, unwrap } from './client';
import type { RequestOf, ResponseOf, User } from './types';

/** The signed-in user, or null when there is none; remembers the session's CSRF token for writes. */
export async function loadSession(): Promise<User | null> {
  try {
    const s = await unwrap(client.GET('/api/v1/auth/session'));
    setCsrfToken(s.csrfToken);
    return s.user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function login(email: string, password: string): Promise<User> {
  const r = await unwrap(client.POST('/api/v1/auth/login', { body: { email, password } }));
  setCsrfToken(r.csrfToken);
  return r.user;
}

/** Signs out; answers the identity provider's logout address when the session came from single sign-on. */
export async function logout(): Promise<string | null> {
  return (await unwrap(client.POST('/api/v1/auth/logout'))).endSessionUrl;
}

export type SignInMethods = ResponseOf<'/api/v1/auth/providers', 'get'>;

/** The sign-in methods the sign-in page offers: a password, and each enabled identity provider. */
export async function signInMethods(): Promise<SignInMethods> {
  return unwrap(client.GET('/api/v1/auth/providers'));
}

export async function resetPassword(body: RequestOf<'/api/v1/auth/password-reset', 'post'>): Promise<void> {
  await unwrap(client.POST('/api/v1/auth/password-reset', { body }));
}
