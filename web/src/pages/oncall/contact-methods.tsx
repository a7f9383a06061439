// How a page reaches me: my contact methods (email, webhook, Slack-compatible chat, sms), each tested and
// verified, and my notification rules — which method how many minutes into a page (chat at once, email
// after five…). Readiness reports anyone on call without a working method.
import { type FormEvent, useState } from 'react';
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
import { useUser } from '../../session';
import { AccountTabs } from '../../ui/account-tabs';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

const kindLabels: Record<ContactMethod['kind'], string> = {
  email: 'Email',
  webhook: 'Webhook',
  chat: 'Chat (Slack-compatible)',
  sms: 'SMS',
};
const placeholders: Record<ContactMethod['kind'], string> = {
  email: 'me@example.org',
  webhook: 'https://hooks.example.org/opsdesk',
  chat: 'https://chat.example.org/hooks/…',
  sms: '+4915112345678',
};

function MethodRow({ m, userId }: { m: ContactMethod; userId: number }) {
  const test = useTestContactMethod(userId);
  const verify = useVerifyContactMethod(userId);
  const remove = useDeleteContactMethod(userId);
  const [code, setCode] = useState('');
  const needsCode = (m.kind === 'email' || m.kind === 'sms') && !m.verified && test.isSuccess;
  return (
    <li className="request-row">
      <div className="grow">
        <strong>{m.label || kindLabels[m.kind]}</strong>{' '}
        {m.verified ? (
          <span className="badge">verified</span>
        ) : (
          <span className="badge sla-warning">not verified</span>
        )}
        {!m.channelEnabled && <span className="badge sla-breached">channel not configured</span>}
        <div className="muted small">
          {kindLabels[m.kind]} · {m.target}
          {m.lastDelivery && (
            <>
              {' '}
              · last message {m.lastDelivery.state}
              {m.lastDelivery.reason && ` (${m.lastDelivery.reason})`}
            </>
          )}
        </div>
      </div>
      <div className="actions">
        <button type="button" disabled={test.isPending} onClick={() => test.mutate(m.id)}>
          Send a test
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => remove.mutate(m.id)}
          aria-label={`Remove ${m.label || m.target}`}
        >
          Remove
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
            <span>Code from the test</span>
            <input
              value={code}
              inputMode="numeric"
              maxLength={20}
              required
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={verify.isPending}>
            Verify
          </button>
        </form>
      )}
      {test.isSuccess && !needsCode && !m.verified && <span role="status">Test queued.</span>}
      <ErrorMessage error={test.error ?? verify.error ?? remove.error} title="Not done." />
    </li>
  );
}

function AddMethod({ userId }: { userId: number }) {
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
        Add a contact method
      </h2>
      <div className="field-row">
        <Field label="Kind">
          {(id) => (
            <select
              id={id}
              value={kind}
              onChange={(e) => setKind(e.target.value as ContactMethodInput['kind'])}
            >
              {Object.entries(kindLabels).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Label" hint="Optional: “Work phone”">
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
        label={kind === 'sms' ? 'Phone number' : kind === 'email' ? 'Address' : 'URL'}
        hint={kind === 'sms' ? 'International format, e.g. +4915112345678' : undefined}
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
          Signing secret, shown once: <code>{add.data.secret}</code>
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={add.isPending}>
          Add
        </button>
      </div>
      <ErrorMessage error={add.error} title="Not added." />
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
  const [draft, setDraft] = useState<NotificationRules['rules'] | null>(null);
  const list = draft ?? rules.rules;
  const save = useSaveNotificationRules(userId, () => setDraft(null));
  const name = (id: number) => {
    const m = methods.find((x) => x.id === id);
    return m ? `${m.label || kindLabels[m.kind]} (${m.target})` : `Method ${id}`;
  };
  return (
    <section className="card form" aria-labelledby="rules-title">
      <h2 id="rules-title" className="flush">
        When a page reaches me
      </h2>
      <p className="hint">
        {rules.isDefault && draft === null
          ? 'No rules yet: every verified method is used at once.'
          : 'Each method is used this many minutes into a page, unless someone acknowledges first.'}
      </p>
      <ol className="plain-list">
        {list.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
          <li key={`${r.contactMethodId}-${i}`} className="rule-row">
            <span className="rule-name">{name(r.contactMethodId)}</span>
            <label className="inline">
              <span>after</span>
              <input
                type="number"
                min={0}
                max={1440}
                value={r.delayMinutes}
                aria-label={`Minutes before ${name(r.contactMethodId)}`}
                onChange={(e) =>
                  setDraft(list.map((x, j) => (j === i ? { ...x, delayMinutes: Number(e.target.value) } : x)))
                }
                style={{ width: '5rem' }}
              />
              <span>min</span>
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove the rule for ${name(r.contactMethodId)}`}
              onClick={() => setDraft(list.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="actions">
        <label className="inline">
          <span>Add</span>
          <select
            value=""
            onChange={(e) =>
              e.target.value &&
              setDraft([...list, { contactMethodId: Number(e.target.value), delayMinutes: 0 }])
            }
          >
            <option value="">Choose a method…</option>
            {methods.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label || kindLabels[m.kind]} ({m.target})
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
          Save rules
        </button>
      </div>
      <ErrorMessage error={save.error} title="Not saved." />
    </section>
  );
}

export default function ContactMethodsPage() {
  useTitle('Paging: how to reach me');
  const user = useUser();
  const methods = useContactMethods(user.id);
  const rules = useNotificationRules(user.id);
  return (
    <div className="page narrow">
      <AccountTabs />
      <h1>How pages reach me</h1>
      <p className="muted">
        When you are on call, an incident pages you through these, in the order your rules say.
      </p>
      {methods.isPending && <Loading />}
      <ErrorMessage error={methods.error ?? rules.error} />
      {methods.data && methods.data.length === 0 && (
        <Empty title="No contact methods yet.">Add one below so a page can reach you.</Empty>
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
