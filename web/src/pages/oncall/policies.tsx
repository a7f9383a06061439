// Services and escalation policies (managers): a policy is ordered steps — notify the on-call of a schedule, a
// person or a group, wait N minutes for an acknowledgement, go on — run through K times; a service is what an
// incident is raised on, with the policy it runs and an integration key for machines (shown once).
import { type FormEvent, useState } from 'react';
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
  return (t: Target) =>
    t.kind === 'user'
      ? dir.userName(t.id)
      : t.kind === 'group'
        ? `everyone in ${dir.groupName(t.id)}`
        : `on call: ${schedules.data?.find((s) => s.id === t.id)?.name ?? `schedule ${t.id}`}`;
}

function StepsEditor({ steps, onChange }: { steps: Step[]; onChange: (s: Step[]) => void }) {
  const dir = useDirectory();
  const schedules = useSchedules();
  const targetName = useTargetName();
  const staff = dir.users.filter((u) => u.role !== 'requester');
  return (
    <ol className="steps-editor">
      {steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
        <li key={`${i}-${s.targets.length}`} className="sub-card">
          <div className="skill-chips">
            {s.targets.map((t, j) => (
              <span key={`${t.kind}-${t.id}`} className="chip">
                {targetName(t)}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${targetName(t)} from step ${i + 1}`}
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
              <span>Notify</span>
              <select
                value=""
                aria-label={`Add a target to step ${i + 1}`}
                onChange={(e) => {
                  if (!e.target.value) return;
                  const [kind, id] = e.target.value.split(':');
                  const t = { kind: kind as Target['kind'], id: Number(id) };
                  onChange(steps.map((x, k) => (k === i ? { ...x, targets: [...x.targets, t] } : x)));
                }}
              >
                <option value="">Add…</option>
                <optgroup label="Whoever is on call in">
                  {schedules.data?.map((sc) => (
                    <option key={sc.id} value={`schedule:${sc.id}`}>
                      {sc.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="A person">
                  {staff.map((u) => (
                    <option key={u.id} value={`user:${u.id}`}>
                      {u.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Everyone in a group">
                  {dir.groups.map((g) => (
                    <option key={g.id} value={`group:${g.id}`}>
                      {g.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>
            <label className="inline">
              <span>then wait</span>
              <input
                type="number"
                min={1}
                max={1440}
                value={s.delayMinutes}
                aria-label={`Minutes to wait after step ${i + 1}`}
                style={{ width: '5rem' }}
                onChange={(e) =>
                  onChange(
                    steps.map((x, k) => (k === i ? { ...x, delayMinutes: Number(e.target.value) } : x)),
                  )
                }
              />
              <span>min</span>
            </label>
            <button type="button" className="ghost" onClick={() => onChange(steps.filter((_, k) => k !== i))}>
              Remove step
            </button>
          </div>
        </li>
      ))}
      <li>
        <button type="button" onClick={() => onChange([...steps, { targets: [], delayMinutes: 15 }])}>
          Add a step
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
  return (
    <li className="card">
      <div className="page-head">
        <h3 className="flush">{p.name}</h3>
        {!editing && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </div>
      {p.description && <p className="muted">{p.description}</p>}
      {editing ? (
        <div className="form">
          <StepsEditor steps={steps} onChange={setSteps} />
          <label className="inline">
            <span>Run through the steps</span>
            <input
              type="number"
              min={1}
              max={10}
              value={repeat}
              style={{ width: '4rem' }}
              onChange={(e) => setRepeat(Number(e.target.value))}
            />
            <span>times</span>
          </label>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={save.isPending}
              onClick={() => save.mutate({ steps, repeatCount: repeat })}
            >
              Save policy
            </button>
            <button type="button" className="ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
          <ErrorMessage error={save.error} title="Not saved." />
          <p className="hint">Incidents already open keep following the policy as it was when they opened.</p>
        </div>
      ) : (
        <ol>
          {p.steps.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a position in an ordered, editable list is the item's identity (the same person or method may appear twice)
            <li key={`${i}-${s.delayMinutes}`}>
              {s.targets.map(targetName).join(', ')}; wait {s.delayMinutes} min
            </li>
          ))}
          {p.repeatCount > 1 && <li className="muted">then from the top, {p.repeatCount} passes in all</li>}
        </ol>
      )}
    </li>
  );
}

function NewPolicy() {
  const [name, setName] = useState('');
  const [steps, setSteps] = useState<Step[]>([{ targets: [], delayMinutes: 15 }]);
  const [repeat, setRepeat] = useState(2);
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
        New escalation policy
      </h3>
      <Field label="Name" error={fieldError(create.error, '/name')}>
        {(id) => (
          <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <StepsEditor steps={steps} onChange={setSteps} />
      <label className="inline">
        <span>Run through the steps</span>
        <input
          type="number"
          min={1}
          max={10}
          value={repeat}
          style={{ width: '4rem' }}
          onChange={(e) => setRepeat(Number(e.target.value))}
        />
        <span>times</span>
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create policy
        </button>
      </div>
      <ErrorMessage error={create.error} title="Not created." />
    </form>
  );
}

function NewService({ policies }: { policies: EscalationPolicy[] }) {
  const dir = useDirectory();
  const [name, setName] = useState('');
  const [policyId, setPolicyId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [key, setKey] = useState<string | null>(null);
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
        New service
      </h3>
      <div className="field-row">
        <Field label="Name" error={fieldError(create.error, '/name')}>
          {(id) => (
            <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field label="Escalation policy" error={fieldError(create.error, '/escalationPolicyId')}>
          {(id) => (
            <select id={id} required value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
              <option value="">Choose…</option>
              {policies.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Help desk group" hint="Where its tickets go">
          {(id, d) => (
            <select id={id} value={groupId} aria-describedby={d} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">None</option>
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
          Integration key, shown once — machines send it as <code>routing_key</code> to{' '}
          <code>POST /api/v1/incidents/events</code>: <code className="break">{key}</code>
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create service
        </button>
      </div>
      <ErrorMessage error={create.error} title="Not created." />
    </form>
  );
}

export default function PoliciesPage() {
  useTitle('Services and escalation policies');
  const services = useServices();
  const policies = useEscalationPolicies();
  const dir = useDirectory();
  if (services.isPending || policies.isPending) return <Loading />;
  const policyName = (id: number) => policies.data?.find((p) => p.id === id)?.name ?? `Policy ${id}`;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/incidents">Incidents</Link> / Services and escalation policies
      </p>
      <h1>Services and escalation policies</h1>
      <ErrorMessage error={services.error ?? policies.error} />
      <section aria-labelledby="services-title">
        <h2 id="services-title">Services</h2>
        {services.data?.length === 0 && <Empty title="No services yet." />}
        <ul className="plain-list">
          {services.data?.map((s) => (
            <li key={s.id} className="request-row">
              <div className="grow">
                <strong>{s.name}</strong>
                <div className="muted small">
                  runs {policyName(s.escalationPolicyId)}
                  {s.groupId !== null && <> · tickets to {dir.groupName(s.groupId)}</>} · key{' '}
                  {s.integrationKeyPrefix}…
                </div>
              </div>
            </li>
          ))}
        </ul>
        <NewService policies={policies.data ?? []} />
      </section>
      <section aria-labelledby="policies-title">
        <h2 id="policies-title">Escalation policies</h2>
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
