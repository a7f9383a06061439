// Where an admin's reset link lands: /reset-password#<one-time token>. The token rides in the fragment, which
// the browser sends to no server; the page takes it out of the address bar and sets the new password with it.
import { type FormEvent, useEffect, useState } from 'react';
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
  useTitle('Set a new password');
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
        <h1 id="reset-title">Set a new password</h1>
        {done ? (
          <>
            <div className="alert alert-ok" role="status">
              Your new password is set.
            </div>
            <Link className="button primary wide" to="/sign-in">
              Sign in
            </Link>
          </>
        ) : deadLink ? (
          <>
            <div className="alert alert-error" role="alert">
              <strong>This link cannot be used.</strong>{' '}
              {token
                ? (error as Error).message
                : 'The address is incomplete: open the link from the mail as it is, or ask an admin for a new one.'}
            </div>
            <Link to="/sign-in">Back to sign-in</Link>
          </>
        ) : (
          <>
            <p className="muted">An admin reset your password. Choose a new one; this link works once.</p>
            <ErrorMessage error={error} title="The password was not set." />
            <Field label="New password" hint="8 to 256 characters" error={fieldError(error, '/password')}>
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
            <Field
              label="Repeat the new password"
              error={mismatch ? 'does not match the new password' : undefined}
            >
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
              {busy ? 'Setting…' : 'Set password'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
