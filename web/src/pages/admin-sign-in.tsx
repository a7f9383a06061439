// Administration of single sign-on: the identity providers connected (OpenID Connect or SAML 2.0), with what to
// register at each provider (the callback URL; for SAML this service's entity ID, ACS URL and metadata), and a
// form to connect another, its attributes mapped to a role and to groups.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useGroups } from '../api/directory';
import {
  type IdentityProviderInput,
  useCreateIdentityProvider,
  useDeleteIdentityProvider,
  useIdentityProviders,
  useSetIdentityProviderEnabled,
} from '../api/identity-providers';
import type { Role } from '../api/types';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

// A directory or identity provider never gives admin: admins are made in opsdesk (the server refuses such a mapping).
const roles: Role[] = ['requester', 'technician', 'manager'];

const blank = {
  kind: 'saml' as 'oidc' | 'saml',
  slug: '',
  displayName: '',
  issuer: '',
  clientId: '',
  clientSecret: '',
  ssoUrl: '',
  certificate: '',
  emailAttribute: 'email',
  nameAttribute: 'displayName',
  rolesClaim: '',
  roleMap: '',
  defaultRole: 'requester' as Role,
  groupsClaim: '',
  groupMap: '',
  domains: '',
};

/** "value = thing" lines into pairs; blank lines are skipped. */
function pairs(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.split('='))
    .filter((parts) => parts.length >= 2 && parts[0].trim() !== '')
    .map((parts) => [parts[0].trim(), parts.slice(1).join('=').trim()]);
}

export function IdentityProviders() {
  const { t } = useTranslation('admin-sign-in');
  useTitle(t('title'));
  const list = useIdentityProviders();
  const groups = useGroups();
  const [form, setForm] = useState(blank);
  const [mappingError, setMappingError] = useState<string | null>(null);
  const create = useCreateIdentityProvider(() => setForm(blank));
  const setEnabled = useSetIdentityProviderEnabled();
  const remove = useDeleteIdentityProvider();
  const set = (patch: Partial<typeof blank>) => setForm((f) => ({ ...f, ...patch }));
  const saml = form.kind === 'saml';

  const submit = () => {
    const roleMap: Record<string, Role> = {};
    for (const [value, role] of pairs(form.roleMap)) {
      if (!roles.includes(role as Role)) return setMappingError(t('errors.notRole', { role }));
      roleMap[value] = role as Role;
    }
    const groupMap: Record<string, number[]> = {};
    for (const [value, name] of pairs(form.groupMap)) {
      const group = groups.data?.find((g) => g.name.toLowerCase() === name.toLowerCase());
      if (!group) return setMappingError(t('errors.noGroup', { name }));
      groupMap[value] = [...(groupMap[value] ?? []), group.id];
    }
    setMappingError(null);
    const body: IdentityProviderInput = {
      kind: form.kind,
      slug: form.slug.trim(),
      displayName: form.displayName.trim(),
      issuer: form.issuer.trim(),
      mapping: {
        rolesClaim: form.rolesClaim.trim() || null,
        roleMap,
        defaultRole: form.defaultRole,
        groupsClaim: form.groupsClaim.trim() || null,
        groupMap,
      },
      domains: form.domains
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean),
      ...(saml
        ? {
            saml: {
              ssoUrl: form.ssoUrl.trim(),
              certificates: [form.certificate.trim()],
              emailAttribute: form.emailAttribute.trim() || null,
              nameAttribute: form.nameAttribute.trim() || null,
            },
          }
        : { clientId: form.clientId.trim(), clientSecret: form.clientSecret || null }),
    };
    create.mutate(body);
  };

  return (
    <>
      <ErrorMessage error={setEnabled.error ?? remove.error ?? list.error} title={t('notSaved')} />
      {list.isPending && <Loading />}
      {list.data?.length === 0 && <Empty title={t('empty')} />}
      <ul className="card-list">
        {(list.data ?? []).map((p) => (
          <li key={p.id} className="card idp">
            <div className="idp-body">
              <strong>{p.displayName}</strong> {/* i18n-ignore: the protocols' names */}
              <span className="badge spaced">{p.kind === 'saml' ? 'SAML 2.0' : 'OpenID Connect'}</span>
              {!p.enabled && <span className="badge spaced">{t('card.disabled')}</span>}
              <dl className="facts idp-facts">
                <dt>{p.kind === 'saml' ? t('card.entityId') : t('card.issuer')}</dt>
                <dd>
                  <code className="break">{p.issuer}</code>
                </dd>
                {p.saml ? (
                  <>
                    <dt>{t('card.ourEntityId')}</dt>
                    <dd>
                      <code className="break">{p.saml.spEntityId}</code>
                    </dd>
                    <dt>{t('card.ourAcsUrl')}</dt>
                    <dd>
                      <code className="break">{p.saml.acsUrl}</code>
                    </dd>
                    <dt>{t('card.metadata')}</dt>
                    <dd>
                      <a href={p.saml.metadataUrl} className="break">
                        {p.saml.metadataUrl}
                      </a>
                    </dd>
                  </>
                ) : (
                  <>
                    <dt>{t('card.callbackUrl')}</dt>
                    <dd>
                      <code className="break">{p.redirectUri}</code>
                    </dd>
                  </>
                )}
                {p.domains.length > 0 && (
                  <>
                    <dt>{t('card.domains')}</dt>
                    <dd>{p.domains.join(', ')}</dd>
                  </>
                )}
              </dl>
            </div>
            <div className="actions">
              <button type="button" onClick={() => setEnabled.mutate({ id: p.id, enabled: !p.enabled })}>
                {p.enabled ? t('card.disable') : t('card.enable')}
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  if (window.confirm(t('card.disconnectConfirm', { name: p.displayName })))
                    remove.mutate(p.id);
                }}
              >
                {t('card.disconnect')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <form
        className="card form"
        aria-labelledby="idp-title"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2 id="idp-title">{t('form.title')}</h2>
        <p className="muted">{t('form.intro')}</p>
        <Field label={t('form.protocol')}>
          {(id) => (
            <select
              id={id}
              value={form.kind}
              onChange={(e) => set({ kind: e.target.value as 'oidc' | 'saml' })}
            >
              {/* i18n-ignore: the protocols' names */}
              <option value="saml">SAML 2.0</option>
              {/* i18n-ignore: the protocols' names */}
              <option value="oidc">OpenID Connect</option>
            </select>
          )}
        </Field>
        <Field label={t('form.displayName')} error={fieldError(create.error, '/displayName')}>
          {(id) => (
            <input
              id={id}
              required
              maxLength={100}
              placeholder={t('form.displayNamePlaceholder')}
              value={form.displayName}
              onChange={(e) => set({ displayName: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('form.slug')} hint={t('form.slugHint')} error={fieldError(create.error, '/slug')}>
          {(id, describedBy) => (
            <input
              id={id}
              required
              maxLength={40}
              pattern="[a-z0-9][a-z0-9\-]*"
              aria-describedby={describedBy}
              placeholder="corp" // i18n-ignore: an example short name
              value={form.slug}
              onChange={(e) => set({ slug: e.target.value })}
            />
          )}
        </Field>
        <Field
          label={saml ? t('form.entityId') : t('form.issuerUrl')}
          error={fieldError(create.error, '/issuer')}
        >
          {(id) => (
            <input
              id={id}
              required
              maxLength={500}
              placeholder={saml ? 'https://sts.windows.net/…/' : 'https://login.example.org'} // i18n-ignore: example addresses
              value={form.issuer}
              onChange={(e) => set({ issuer: e.target.value })}
            />
          )}
        </Field>
        {saml ? (
          <>
            <Field label={t('form.ssoUrl')} error={fieldError(create.error, '/saml/ssoUrl')}>
              {(id) => (
                <input
                  id={id}
                  required
                  type="url"
                  maxLength={1000}
                  placeholder="https://login.example.org/saml2" // i18n-ignore: an example address
                  value={form.ssoUrl}
                  onChange={(e) => set({ ssoUrl: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('form.certificate')}
              hint={t('form.certificateHint')}
              error={fieldError(create.error, '/saml/certificates')}
            >
              {(id, describedBy) => (
                <textarea
                  id={id}
                  required
                  rows={4}
                  spellCheck={false}
                  aria-describedby={describedBy}
                  placeholder="-----BEGIN CERTIFICATE-----" // i18n-ignore: the PEM header
                  value={form.certificate}
                  onChange={(e) => set({ certificate: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('form.emailAttribute')} hint={t('form.emailAttributeHint')}>
              {(id, describedBy) => (
                <input
                  id={id}
                  maxLength={200}
                  aria-describedby={describedBy}
                  value={form.emailAttribute}
                  onChange={(e) => set({ emailAttribute: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('form.nameAttribute')}>
              {(id) => (
                <input
                  id={id}
                  maxLength={200}
                  value={form.nameAttribute}
                  onChange={(e) => set({ nameAttribute: e.target.value })}
                />
              )}
            </Field>
          </>
        ) : (
          <>
            <Field label={t('form.clientId')} error={fieldError(create.error, '/clientId')}>
              {(id) => (
                <input
                  id={id}
                  required
                  maxLength={500}
                  value={form.clientId}
                  onChange={(e) => set({ clientId: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('form.clientSecret')} hint={t('form.clientSecretHint')}>
              {(id, describedBy) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="off"
                  maxLength={2000}
                  aria-describedby={describedBy}
                  value={form.clientSecret}
                  onChange={(e) => set({ clientSecret: e.target.value })}
                />
              )}
            </Field>
          </>
        )}
        <Field label={saml ? t('form.roleAttribute') : t('form.roleClaim')} hint={t('form.roleHint')}>
          {(id, describedBy) => (
            <input
              id={id}
              maxLength={100}
              aria-describedby={describedBy}
              placeholder="role" // i18n-ignore: an example attribute name
              value={form.rolesClaim}
              onChange={(e) => set({ rolesClaim: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('form.roles')} hint={t('form.rolesHint')}>
          {(id, describedBy) => (
            <textarea
              id={id}
              rows={2}
              spellCheck={false}
              aria-describedby={describedBy}
              placeholder="it-staff = technician" // i18n-ignore: a claim value and a role code
              value={form.roleMap}
              onChange={(e) => set({ roleMap: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('form.defaultRole')}>
          {(id) => (
            <select
              id={id}
              value={form.defaultRole}
              onChange={(e) => set({ defaultRole: e.target.value as Role })}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`admin:roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={saml ? t('form.groupsAttribute') : t('form.groupsClaim')}>
          {(id) => (
            <input
              id={id}
              maxLength={100}
              placeholder="groups" // i18n-ignore: an example attribute name
              value={form.groupsClaim}
              onChange={(e) => set({ groupsClaim: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('form.groups')} hint={t('form.groupsHint')}>
          {(id, describedBy) => (
            <textarea
              id={id}
              rows={2}
              spellCheck={false}
              aria-describedby={describedBy}
              placeholder={t('form.groupsPlaceholder')}
              value={form.groupMap}
              onChange={(e) => set({ groupMap: e.target.value })}
            />
          )}
        </Field>
        <Field
          label={t('form.domains')}
          hint={t('form.domainsHint')}
          error={fieldError(create.error, '/domains')}
        >
          {(id, describedBy) => (
            <input
              id={id}
              aria-describedby={describedBy}
              placeholder="example.org" // i18n-ignore: an example domain
              value={form.domains}
              onChange={(e) => set({ domains: e.target.value })}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('form.submit')}
          </button>
        </div>
        {mappingError && (
          <div className="alert alert-error" role="alert">
            {mappingError}
          </div>
        )}
        <ErrorMessage error={create.error} title={t('form.failed')} />
      </form>
    </>
  );
}
