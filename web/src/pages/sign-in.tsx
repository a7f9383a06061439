// Sign-in: each connected identity provider as a button (single sign-on), then email and password; on success,
// back to where the user was going (or their start page). A failed single sign-on comes back here with its reason.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { keys } from '../api/keys';
import { signInMethods } from '../api/session';
import { homeOf, useSession } from '../session';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

export function SignInPage() {
  const { t } = useTranslation('sign-in');
  useTitle(t('title'));
  const { user, loading, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const methods = useQuery({ queryKey: keys.signInMethods, queryFn: signInMethods, staleTime: 60_000 });
  const next = params.get('next');
  const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : null;
  const ssoError = params.get('sso_error');
  const providers = methods.data?.items ?? [];
  const passwordOffered = methods.data?.password ?? true;

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
        <h1 id="sign-in-title">{t('title')}</h1>
        {next && <p className="muted">{t('toContinue')}</p>}
        {params.get('password') === 'changed' && (
          <div className="alert alert-ok" role="status">
            {t('passwordChanged')}
          </div>
        )}
        {ssoError && (
          <div className="alert alert-error" role="alert">
            <strong>{t('ssoFailed')}</strong> {params.get('message') ?? ssoError}
          </div>
        )}
        <ErrorMessage error={error} title={t('failed')} />
        {providers.length > 0 && (
          <div className="sso-methods">
            {providers.map((p) => (
              <a
                key={p.slug}
                className="button wide"
                href={safeNext ? `${p.startUrl}?returnTo=${encodeURIComponent(safeNext)}` : p.startUrl}
              >
                {t('withProvider', { provider: p.displayName })}
              </a>
            ))}
            {passwordOffered && <p className="sso-or muted">{t('orPassword')}</p>}
          </div>
        )}
        {passwordOffered && (
          <>
            <div className="field">
              <label htmlFor="email">{t('email')}</label>
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
              <label htmlFor="password">{t('password')}</label>
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
              {busy ? t('signingIn') : t('submit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
