// Services and escalation policies (managers): a policy is ordered steps — notify the on-call of a schedule, a
// person or a group, wait N minutes for an acknowledgement, go on — run through K times; a service is what an
// incident is raised on, with the policy it runs and an integration key for machines (shown once).
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type EscalationPolicy,
  type EscalationPolicyInput,
  useCreatePolicy,
  useCreateService,
  useEscalationPolicies,
  useServices,
  useUpdatePolicy,
} from '../../api/incidents';
import { useSchedules } from '../../api/oncall';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

type Step = EscalationPolicyInput['steps'][number];
type Target = Step['targets'][number];

function useTargetName() {
  const dir = useDirectory();
  const schedules = useSchedules();
  const { t } = useTranslation('oncall');
  return (target: Target) =>
    target.kind === 'user'
      ? dir.userName(target.id)
      : target.kind === 'group'
        ? t('policies.target.group', { name: dir.groupName(target.id) })
        : t('policies.target.schedule', {
            name:
              schedules.data?.find((s) => s.id === target.id)?.name ??
              t('policies.target.scheduleFallback', { id: target.id }),
          });
}

function StepsEditor({ steps, onChange }: { steps: Step[]; onChange: (s: Step[]) => void }) {
  const dir = useDirectory();
  const schedules = useSchedules();
  const targetName = useTargetName();
  const { t } = useTranslation('oncall');
  const staff = dir.users.filter((u) => u.role !== 'requester');
  return (
    <ol className="steps-editor">
      {steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
        <li key={`${i}-${s.targets.length}`} className="sub-card">
          <div className="skill-chips">
            {s.targets.map((target, j) => (
              <span key={`${target.kind}-${target.id}`} className="chip">
                {targetName(target)}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('policies.removeTarget', { name: targetName(target), step: i + 1 })}
                  onClick={() =>
                    onChange(
                      steps.map((x, k) =>
                        k === i ? { ...x, targets: x.targets.filter((_, m) => m !== j) } : x,
                      ),
                    )
                  }
                >
                  ×
                </button>
              </span>
            ))}
          </div>
          <div className="actions">
            <label className="inline">
              <span>{t('policies.notify')}</span>
              <select
                value=""
                aria-label={t('policies.addTarget', { step: i + 1 })}
                onChange={(e) => {
                  if (!e.target.value) return;
                  const [kind, id] = e.target.value.split(':');
                  const next = { kind: kind as Target['kind'], id: Number(id) };
                  onChange(steps.map((x, k) => (k === i ? { ...x, targets: [...x.targets, next] } : x)));
                }}
              >
                <option value="">{t('policies.addOption')}</option>
                <optgroup label={t('policies.group.schedule')}>
                  {schedules.data?.map((sc) => (
                    <option key={sc.id} value={`schedule:${sc.id}`}>
                      {sc.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t('policies.group.person')}>
                  {staff.map((u) => (
                    <option key={u.id} value={`user:${u.id}`}>
                      {u.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t('policies.group.group')}>
                  {dir.groups.map((g) => (
                    <option key={g.id} value={`group:${g.id}`}>
                      {g.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>
            <label className="inline">
              <span>{t('policies.thenWait')}</span>
              <input
                type="number"
                min={1}
                max={1440}
                value={s.delayMinutes}
                aria-label={t('policies.waitMinutes', { step: i + 1 })}
                style={{ width: '5rem' }}
                onChange={(e) =>
                  onChange(
                    steps.map((x, k) => (k === i ? { ...x, delayMinutes: Number(e.target.value) } : x)),
                  )
                }
              />
              <span>{t('rules.min')}</span>
            </label>
            <button type="button" className="ghost" onClick={() => onChange(steps.filter((_, k) => k !== i))}>
              {t('policies.removeStep')}
            </button>
          </div>
        </li>
      ))}
      <li>
        <button type="button" onClick={() => onChange([...steps, { targets: [], delayMinutes: 15 }])}>
          {t('policies.addStep')}
        </button>
      </li>
    </ol>
  );
}

function PolicyCard({ p }: { p: EscalationPolicy }) {
  const [editing, setEditing] = useState(false);
  const [steps, setSteps] = useState<Step[]>(p.steps);
  const [repeat, setRepeat] = useState(p.repeatCount);
  const save = useUpdatePolicy(p.id, () => setEditing(false));
  const targetName = useTargetName();
  const { t } = useTranslation('oncall');
  return (
    <li className="card">
      <div className="page-head">
        <h3 className="flush">{p.name}</h3>
        {!editing && (
          <button type="button" onClick={() => setEditing(true)}>
            {t('common:actions.edit')}
          </button>
        )}
      </div>
      {p.description && <p className="muted">{p.description}</p>}
      {editing ? (
        <div className="form">
          <StepsEditor steps={steps} onChange={setSteps} />
          <label className="inline">
            <span>{t('policies.runThrough')}</span>
            <input
              type="number"
              min={1}
              max={10}
              value={repeat}
              style={{ width: '4rem' }}
              onChange={(e) => setRepeat(Number(e.target.value))}
            />
            <span>{t('policies.times')}</span>
          </label>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={save.isPending}
              onClick={() => save.mutate({ steps, repeatCount: repeat })}
            >
              {t('policies.save')}
            </button>
            <button type="button" className="ghost" onClick={() => setEditing(false)}>
              {t('common:actions.cancel')}
            </button>
          </div>
          <ErrorMessage error={save.error} title={t('rules.failed')} />
          <p className="hint">{t('policies.openKeep')}</p>
        </div>
      ) : (
        <ol>
          {p.steps.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
            <li key={`${i}-${s.delayMinutes}`}>
              {t('policies.step', { targets: s.targets.map(targetName).join(', '), minutes: s.delayMinutes })}
            </li>
          ))}
          {p.repeatCount > 1 && <li className="muted">{t('policies.repeat', { count: p.repeatCount })}</li>}
        </ol>
      )}
    </li>
  );
}

function NewPolicy() {
  const [name, setName] = useState('');
  const [steps, setSteps] = useState<Step[]>([{ targets: [], delayMinutes: 15 }]);
  const [repeat, setRepeat] = useState(2);
  const { t } = useTranslation('oncall');
  const create = useCreatePolicy(() => {
    setName('');
    setSteps([{ targets: [], delayMinutes: 15 }]);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, steps, repeatCount: repeat });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-policy">
      <h3 id="new-policy" className="flush">
        {t('policies.newTitle')}
      </h3>
      <Field label={t('newSchedule.name')} error={fieldError(create.error, '/name')}>
        {(id) => (
          <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <StepsEditor steps={steps} onChange={setSteps} />
      <label className="inline">
        <span>{t('policies.runThrough')}</span>
        <input
          type="number"
          min={1}
          max={10}
          value={repeat}
          style={{ width: '4rem' }}
          onChange={(e) => setRepeat(Number(e.target.value))}
        />
        <span>{t('policies.times')}</span>
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('policies.create')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('newSchedule.failed')} />
    </form>
  );
}

function NewService({ policies }: { policies: EscalationPolicy[] }) {
  const dir = useDirectory();
  const [name, setName] = useState('');
  const [policyId, setPolicyId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [key, setKey] = useState<string | null>(null);
  const { t } = useTranslation('oncall');
  const create = useCreateService((s) => {
    setKey((s as { integrationKey?: string }).integrationKey ?? null);
    setName('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, escalationPolicyId: Number(policyId), groupId: groupId ? Number(groupId) : null });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-service">
      <h3 id="new-service" className="flush">
        {t('services.newTitle')}
      </h3>
      <div className="field-row">
        <Field label={t('newSchedule.name')} error={fieldError(create.error, '/name')}>
          {(id) => (
            <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field label={t('services.policy')} error={fieldError(create.error, '/escalationPolicyId')}>
          {(id) => (
            <select id={id} required value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
              <option value="">{t('services.choose')}</option>
              {policies.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('services.group')} hint={t('services.groupHint')}>
          {(id, d) => (
            <select id={id} value={groupId} aria-describedby={d} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">{t('services.none')}</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {key && (
        <p className="alert" role="status">
          <Trans
            t={t}
            i18nKey="services.key"
            components={{ field: <code />, route: <code /> }}
            values={{ field: 'routing_key', route: 'POST /api/v1/incidents/events' }}
          />{' '}
          <code className="break">{key}</code>
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('services.create')}
        </button>
      </div>
      <ErrorMessage error={create.error} title={t('newSchedule.failed')} />
    </form>
  );
}

export default function PoliciesPage() {
  const { t } = useTranslation('oncall');
  useTitle(t('policies.title'));
  const services = useServices();
  const policies = useEscalationPolicies();
  const dir = useDirectory();
  if (services.isPending || policies.isPending) return <Loading />;
  const policyName = (id: number) =>
    policies.data?.find((p) => p.id === id)?.name ?? t('services.policyFallback', { id });
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/incidents">{t('links.incidents')}</Link> / {t('policies.title')}
      </p>
      <h1>{t('policies.title')}</h1>
      <ErrorMessage error={services.error ?? policies.error} />
      <section aria-labelledby="services-title">
        <h2 id="services-title">{t('services.title')}</h2>
        {services.data?.length === 0 && <Empty title={t('services.empty')} />}
        <ul className="plain-list">
          {services.data?.map((s) => (
            <li key={s.id} className="request-row">
              <div className="grow">
                <strong>{s.name}</strong>
                <div className="muted small">
                  {t('services.runs', { policy: policyName(s.escalationPolicyId) })}
                  {s.groupId !== null && (
                    <> · {t('services.ticketsTo', { group: dir.groupName(s.groupId) })}</>
                  )}{' '}
                  · {t('services.keyPrefix', { prefix: s.integrationKeyPrefix })}
                </div>
              </div>
            </li>
          ))}
        </ul>
        <NewService policies={policies.data ?? []} />
      </section>
      <section aria-labelledby="policies-title">
        <h2 id="policies-title">{t('import.policies')}</h2>
        <ul className="card-list">
          {policies.data?.map((p) => (
            <PolicyCard key={p.id} p={p} />
          ))}
        </ul>
        <NewPolicy />
      </section>
    </div>
  );
}
