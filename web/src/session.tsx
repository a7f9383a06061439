// Who is signed in: loaded once from /auth/session, kept in TanStack Query, and cleared on sign-out or when
// any call answers 401 (the API client's handler), which sends the user back to sign-in.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { setCsrfToken, setUnauthorizedHandler } from './api/client';
import { keys } from './api/keys';
import { loadSession, login, logout } from './api/session';
import type { User } from './api/types';
import { setPreferences } from './locale';

interface SessionValue {
  user: User | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<User>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const session = useQuery({
    queryKey: keys.session,
    queryFn: loadSession,
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  });

  // The signed-in user's language and time zone (else the browser's) for every word and date; signed out,
  // the last user's choice stays, remembered by the browser.
  const user = session.data;
  useEffect(() => {
    if (user) setPreferences({ language: user.language, timeZone: user.timeZone });
  }, [user]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      qc.setQueryData(keys.session, null);
      const here = window.location.pathname + window.location.search;
      if (!window.location.pathname.startsWith('/sign-in'))
        navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    });
  }, [qc, navigate]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const user = await login(email, password);
      qc.clear();
      qc.setQueryData(keys.session, user);
      return user;
    },
    [qc],
  );

  const signOut = useCallback(async () => {
    let providerLogout: string | null = null;
    try {
      providerLogout = await logout();
    } finally {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(keys.session, null);
      // A single-sign-on session also ends at its provider, which sends the browser back to the sign-in page.
      if (providerLogout) window.location.assign(providerLogout);
      else navigate('/sign-in', { replace: true });
    }
  }, [qc, navigate]);

  const value = useMemo<SessionValue>(
    () => ({ user: session.data ?? null, loading: session.isPending, signIn, signOut }),
    [session.data, session.isPending, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser needs a signed-in user');
  return user;
}

export const isStaff = (u: User | null) => u !== null && u.role !== 'requester';
export const isManager = (u: User | null) => u !== null && (u.role === 'manager' || u.role === 'admin');

/** Where a user lands after sign-in. */
export function homeOf(u: User): string {
  if (u.role === 'requester') return '/requests';
  if (u.role === 'technician') return '/queue';
  return '/dashboard';
}
