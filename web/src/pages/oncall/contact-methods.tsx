// How a page reaches me: my contact methods (email, webhook, Slack-compatible chat, sms), each tested and
// verified, and my notification rules — which method how many minutes into a page (chat at once, email
// after five…). Readiness reports anyone on call without a working method.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ContactMethod,
  type ContactMethodInput,
  type NotificationRules,
  useAddContactMethod,
  useContactMethods,
  useDeleteContactMethod,
  useNotificationRules,
  useSaveNotificationRules,
  useTestContactMethod,
  useVerifyContactMethod,
} from '../../api/contact-methods';
import { t as translate } from '../../i18n';
import { useUser } from '../../session';
import { AccountTabs } from '../../ui/account-tabs';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

const kinds: ContactMethod['kind'][] = ['email', 'webhook', 'chat', 'sms'];
const kindLabel = (kind: ContactMethod['kind']) => translate(`oncall:contact.kind.${kind}`);
const placeholders: Record<ContactMethod['kind'], string> = {
  email: 'me@example.org',
  webhook: 'https://hooks.example.org/opsdesk',
  chat: 'https://chat.example.org/hooks/…',
  sms: '+4915112345678',
};

function MethodRow({ m, userId }: { m: ContactMethod; userId: number }) {
  const { t } = useTranslation('oncall');
  const test = useTestContactMethod(userId);
  const verify = useVerifyContactMethod(userId);
  const remove = useDeleteContactMethod(userId);
  const [code, setCode] = useState('');
  const needsCode = (m.kind === 'email' || m.kind === 'sms') && !m.verified && test.isSuccess;
  return (
    <li className="request-row">
      <div className="grow">
        <strong>{m.label || kindLabel(m.kind)}</strong>{' '}
        {m.verified ? (
          <span className="badge">{t('contact.verified')}</span>
        ) : (
          <span className="badge sla-warning">{t('contact.notVerified')}</span>
        )}
        {!m.channelEnabled && <span className="badge sla-breached">{t('contact.channelOff')}</span>}
        <div className="muted small">
          {kindLabel(m.kind)} · {m.target}
          {m.lastDelivery && (
            <>
              {' '}
              · {t('contact.lastMessage', { state: m.lastDelivery.state })}
              {m.lastDelivery.reason && ` (${m.lastDelivery.reason})`}
            </>
          )}
        </div>
      </div>
      <div className="actions">
        <button type="button" disabled={test.isPending} onClick={() => test.mutate(m.id)}>
          {t('contact.test')}
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => remove.mutate(m.id)}
          aria-label={t('contact.removeNamed', { name: m.label || m.target })}
        >
          {t('contact.remove')}
        </button>
      </div>
      {needsCode && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            verify.mutate({ methodId: m.id, code });
          }}
        >
          <label className="inline">
            <span>{t('contact.code')}</span>
            <input
              value={code}
              inputMode="numeric"
              maxLength={20}
              required
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={verify.isPending}>
            {t('contact.verify')}
          </button>
        </form>
      )}
      {test.isSuccess && !needsCode && !m.verified && <span role="status">{t('contact.testQueued')}</span>}
      <ErrorMessage error={test.error ?? verify.error ?? remove.error} title={t('requests.failed')} />
    </li>
  );
}

function AddMethod({ userId }: { userId: number }) {
  const { t } = useTranslation('oncall');
  const [kind, setKind] = useState<ContactMethodInput['kind']>('email');
  const [target, setTarget] = useState('');
  const [label, setLabel] = useState('');
  const add = useAddContactMethod(userId, () => {
    setTarget('');
    setLabel('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ kind, target, label: label || undefined });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="add-method">
      <h2 id="add-method" className="flush">
        {t('contact.addTitle')}
      </h2>
      <div className="field-row">
        <Field label={t('contact.kindLabel')}>
          {(id) => (
            <select
              id={id}
              value={kind}
              onChange={(e) => setKind(e.target.value as ContactMethodInput['kind'])}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('contact.label')} hint={t('contact.labelHint')}>
          {(id, d) => (
            <input
              id={id}
              maxLength={100}
              value={label}
              aria-describedby={d}
              onChange={(e) => setLabel(e.target.value)}
            />
          )}
        </Field>
      </div>
      <Field
        label={t('contact.target', { kind })}
        hint={kind === 'sms' ? t('contact.phoneHint') : undefined}
        error={fieldError(add.error, '/target')}
      >
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={2000}
            placeholder={placeholders[kind]}
            value={target}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => setTarget(e.target.value)}
          />
        )}
      </Field>
      {add.data?.secret && (
        <p className="alert">
          {t('contact.secret')} <code>{add.data.secret}</code>
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={add.isPending}>
          {t('participants.add')}
        </button>
      </div>
      <ErrorMessage error={add.error} title={t('contact.addFailed')} />
    </form>
  );
}

function Rules({
  userId,
  methods,
  rules,
}: {
  userId: number;
  methods: ContactMethod[];
  rules: NotificationRules;
}) {
  const { t } = useTranslation('oncall');
  const [draft, setDraft] = useState<NotificationRules['rules'] | null>(null);
  const list = draft ?? rules.rules;
  const save = useSaveNotificationRules(userId, () => setDraft(null));
  const name = (id: number) => {
    const m = methods.find((x) => x.id === id);
    return m ? `${m.label || kindLabel(m.kind)} (${m.target})` : t('rules.methodFallback', { id });
  };
  return (
    <section className="card form" aria-labelledby="rules-title">
      <h2 id="rules-title" className="flush">
        {t('rules.title')}
      </h2>
      <p className="hint">{rules.isDefault && draft === null ? t('rules.default') : t('rules.hint')}</p>
      <ol className="plain-list">
        {list.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
          <li key={`${r.contactMethodId}-${i}`} className="rule-row">
            <span className="rule-name">{name(r.contactMethodId)}</span>
            <label className="inline">
              <span>{t('rules.after')}</span>
              <input
                type="number"
                min={0}
                max={1440}
                value={r.delayMinutes}
                aria-label={t('rules.minutesBefore', { name: name(r.contactMethodId) })}
                onChange={(e) =>
                  setDraft(list.map((x, j) => (j === i ? { ...x, delayMinutes: Number(e.target.value) } : x)))
                }
                style={{ width: '5rem' }}
              />
              <span>{t('rules.min')}</span>
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label={t('rules.remove', { name: name(r.contactMethodId) })}
              onClick={() => setDraft(list.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="actions">
        <label className="inline">
          <span>{t('participants.add')}</span>
          <select
            value=""
            onChange={(e) =>
              e.target.value &&
              setDraft([...list, { contactMethodId: Number(e.target.value), delayMinutes: 0 }])
            }
          >
            <option value="">{t('rules.choose')}</option>
            {methods.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label || kindLabel(m.kind)} ({m.target})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          disabled={draft === null || save.isPending}
          onClick={() => save.mutate(list)}
        >
          {t('rules.save')}
        </button>
      </div>
      <ErrorMessage error={save.error} title={t('rules.failed')} />
    </section>
  );
}

export default function ContactMethodsPage() {
  const { t } = useTranslation('oncall');
  useTitle(t('contact.pageTitle'));
  const user = useUser();
  const methods = useContactMethods(user.id);
  const rules = useNotificationRules(user.id);
  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>{t('contact.heading')}</h1>
      <p className="muted">{t('contact.intro')}</p>
      {methods.isPending && <Loading />}
      <ErrorMessage error={methods.error ?? rules.error} />
      {methods.data && methods.data.length === 0 && (
        <Empty title={t('contact.empty')}>{t('contact.emptyHint')}</Empty>
      )}
      <ul className="plain-list">
        {methods.data?.map((m) => (
          <MethodRow key={m.id} m={m} userId={user.id} />
        ))}
      </ul>
      {methods.data && rules.data && <Rules userId={user.id} methods={methods.data} rules={rules.data} />}
      <AddMethod userId={user.id} />
    </div>
  );
}
