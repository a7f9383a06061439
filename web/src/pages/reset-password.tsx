// Where an admin's reset link lands: /reset-password#<one-time token>. The token rides in the fragment, which
// the browser sends to no server; the page takes it out of the address bar and sets the new password with it.
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { resetPassword } from '../api/session';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage } from '../ui/messages';
import { useTitle } from '../ui/title';

function Brand() {
  return (
    <div className="brand big" aria-hidden="true">
      <svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="7" fill="var(--accent)" />
        <path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" />
      </svg>
      <span>opsdesk</span>
    </div>
  );
}

export default function ResetPassword() {
  const { t } = useTranslation('reset-password');
  useTitle(t('title'));
  const [token] = useState(() => window.location.hash.replace(/^#/, ''));
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const mismatch = repeat.length > 0 && next !== repeat;

  // Out of the address bar and the history once read: the link works once, but need not linger.
  useEffect(() => {
    if (window.location.hash) history.replaceState(null, '', window.location.pathname);
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) return;
    setBusy(true);
    setError(null);
    try {
      await resetPassword({ token, password: next });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  // A link that cannot work any more: say so, without the form.
  const deadLink =
    !token ||
    (error instanceof ApiError &&
      ['reset_link_invalid', 'reset_link_used', 'reset_link_expired'].includes(error.code));

  return (
    <main id="main" className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="reset-title">
        <Brand />
        <h1 id="reset-title">{t('title')}</h1>
        {done ? (
          <>
            <div className="alert alert-ok" role="status">
              {t('done')}
            </div>
            <Link className="button primary wide" to="/sign-in">
              {t('signIn')}
            </Link>
          </>
        ) : deadLink ? (
          <>
            <div className="alert alert-error" role="alert">
              <strong>{t('dead')}</strong> {token ? (error as Error).message : t('incomplete')}
            </div>
            <Link to="/sign-in">{t('back')}</Link>
          </>
        ) : (
          <>
            <p className="muted">{t('intro')}</p>
            <ErrorMessage error={error} title={t('failed')} />
            <Field label={t('new')} hint={t('newHint')} error={fieldError(error, '/password')}>
              {(id, d, invalid) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={8}
                  maxLength={256}
                  aria-describedby={d}
                  aria-invalid={invalid || undefined}
                  value={next}
                  onChange={(e) => setNext(e.target.value)}
                />
              )}
            </Field>
            <Field label={t('repeat')} error={mismatch ? t('mismatch') : undefined}>
              {(id, d, invalid) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="new-password"
                  required
                  aria-describedby={d}
                  aria-invalid={invalid || undefined}
                  value={repeat}
                  onChange={(e) => setRepeat(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" className="primary wide" disabled={busy || mismatch}>
              {busy ? t('setting') : t('submit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
