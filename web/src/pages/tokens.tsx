// Personal API tokens: create (the token is shown once), list and revoke.
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useCreateToken, useRevokeToken, useTokens } from '../api/tokens';
import { dateTimeFormat } from '../locale';
import { AccountTabs } from '../ui/account-tabs';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

const dayFormat = dateTimeFormat({ dateStyle: 'medium' });

export default function Tokens() {
  const { t } = useTranslation('tokens');
  useTitle(t('title'));
  const list = useTokens();
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [shown, setShown] = useState<string | null>(null);
  const create = useCreateToken((made) => {
    setShown(made.token);
    setName('');
  });
  const revoke = useRevokeToken();
  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form
        className="card form inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, expiresInDays: days ? Number(days) : null });
        }}
      >
        <label htmlFor="token-name">{t('name')}</label>
        <input
          id="token-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('namePlaceholder')}
        />
        <label htmlFor="token-days">{t('expiresIn')}</label>
        <select id="token-days" value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="30">{t('days', { count: 30 })}</option>
          <option value="90">{t('days', { count: 90 })}</option>
          <option value="365">{t('oneYear')}</option>
          <option value="">{t('never')}</option>
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('create')}
        </button>
      </form>
      {shown && (
        <div className="alert alert-ok" role="status">
          {t('copyNow')} <code className="break">{shown}</code>
        </div>
      )}
      <ErrorMessage error={create.error ?? revoke.error ?? list.error} title={t('notSaved')} />
      {list.isPending && <Loading />}
      {list.data?.length === 0 && <Empty title={t('empty')} />}
      <ul className="card-list">
        {(list.data ?? []).map((token) => (
          <li key={token.id} className="card token">
            <div>
              <strong>{token.name}</strong> <code>{token.prefix}…</code>
              <p className="muted small">
                <Trans t={t} i18nKey="created" components={{ when: <Time iso={token.createdAt} /> }} />
                {token.lastUsedAt && (
                  <>
                    {' · '}
                    <Trans t={t} i18nKey="lastUsed" components={{ when: <Time iso={token.lastUsedAt} /> }} />
                  </>
                )}
                {token.expiresAt && (
                  <> · {t('expires', { day: dayFormat.format(new Date(token.expiresAt)) })}</>
                )}
              </p>
            </div>
            {token.revokedAt ? (
              <span className="badge">{t('revoked')}</span>
            ) : (
              <button type="button" className="danger" onClick={() => revoke.mutate(token.id)}>
                {t('revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
