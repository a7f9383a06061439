// Change my password: the current one, the new one twice, and whether my API tokens keep working. The
// server ends every session of mine (this one too), so on success the user signs in again with the new one.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { setCsrfToken } from '../api/client';
import { updateUser } from '../api/directory';
import { keys } from '../api/keys';
import { useUser } from '../session';
import { AccountTabs } from '../ui/account-tabs';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage } from '../ui/messages';
import { useTitle } from '../ui/title';

export default function AccountPassword() {
  const { t } = useTranslation('account-password');
  useTitle(t('title'));
  const user = useUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [keepTokens, setKeepTokens] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat.length > 0 && next !== repeat;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) return;
    setBusy(true);
    setError(null);
    try {
      await updateUser(user.id, { currentPassword: current, password: next, keepApiTokens: keepTokens });
      // Every session ended with the change, this one too: sign in again with the new password.
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(keys.session, null);
      navigate('/sign-in?password=changed', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form className="card form password-form" onSubmit={submit} aria-label={t('title')}>
        <ErrorMessage error={error} title={t('failed')} />
        <Field label={t('current')} error={fieldError(error, '/currentPassword')}>
          {(id, d, invalid) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              required
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
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
        <label className="check-row">
          <input type="checkbox" checked={keepTokens} onChange={(e) => setKeepTokens(e.target.checked)} />
          <span>
            {t('keepTokens')}
            <span className="hint">{t('keepTokensHint')}</span>
          </span>
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || mismatch}>
            {busy ? t('changing') : t('title')}
          </button>
        </div>
      </form>
    </div>
  );
}
