// Sign-in: email and password; on success, back to where the user was going (or their start page).
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { homeOf, useSession } from '../session';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

export function SignInPage() {
  useTitle('Sign in');
  const { user, loading, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next');
  const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : null;

  if (loading) return <Loading />;
  if (user) return <Navigate to={safeNext ?? homeOf(user)} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await signIn(email, password);
      navigate(safeNext ?? homeOf(u), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="brand big" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="var(--accent)" />
            <path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" />
          </svg>
          <span>opsdesk</span>
        </div>
        <h1 id="sign-in-title">Sign in</h1>
        {next && <p className="muted">Sign in to continue.</p>}
        {params.get('password') === 'changed' && (
          <div className="alert alert-ok" role="status">
            Your password is changed and every session ended: sign in with the new one.
          </div>
        )}
        <ErrorMessage error={error} title="Could not sign in." />
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
