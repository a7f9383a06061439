// Personal API tokens: create (the token is shown once), list and revoke.
import { useState } from 'react';
import { useCreateToken, useRevokeToken, useTokens } from '../api/tokens';
import { AccountTabs } from '../ui/account-tabs';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

export default function Tokens() {
  useTitle('API tokens');
  const list = useTokens();
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [shown, setShown] = useState<string | null>(null);
  const create = useCreateToken((t) => {
    setShown(t.token);
    setName('');
  });
  const revoke = useRevokeToken();
  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>API tokens</h1>
      <p className="muted">
        Tokens let scripts and integrations call the opsdesk API as you. Send one as “Authorization: Bearer
        …”.
      </p>
      <form
        className="card form inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, expiresInDays: days ? Number(days) : null });
        }}
      >
        <label htmlFor="token-name">Name</label>
        <input
          id="token-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. monitoring"
        />
        <label htmlFor="token-days">Expires in</label>
        <select id="token-days" value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
          <option value="365">1 year</option>
          <option value="">Never</option>
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {shown && (
        <div className="alert alert-ok" role="status">
          Copy your token now — it will not be shown again: <code className="break">{shown}</code>
        </div>
      )}
      <ErrorMessage error={create.error ?? revoke.error ?? list.error} title="Not saved." />
      {list.isPending && <Loading />}
      {list.data?.length === 0 && <Empty title="No tokens yet." />}
      <ul className="card-list">
        {(list.data ?? []).map((t) => (
          <li key={t.id} className="card token">
            <div>
              <strong>{t.name}</strong> <code>{t.prefix}…</code>
              <p className="muted small">
                created <Time iso={t.createdAt} />
                {t.lastUsedAt && (
                  <>
                    {' '}
                    · last used <Time iso={t.lastUsedAt} />
                  </>
                )}
                {t.expiresAt && <> · expires {t.expiresAt.slice(0, 10)}</>}
              </p>
            </div>
            {t.revokedAt ? (
              <span className="badge">Revoked</span>
            ) : (
              <button type="button" className="danger" onClick={() => revoke.mutate(t.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
