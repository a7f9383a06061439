// A request type's approval plan in the catalogue's form builder: who approves (the requester's manager, named
// people or a group), one or all of them, step after step or all at once. The server checks the plan.
import type { RequestTypeBody } from '../api/catalog';
import { useDirectory } from '../ui/directory';
import { Field } from '../ui/field';

export type Plan = NonNullable<RequestTypeBody['approval']>;
type Step = Plan['steps'][number];

const managerStep: Step = { approvers: { kind: 'manager' }, rule: 'one' };

export function ApprovalEditor({
  plan,
  onChange,
  error,
}: {
  plan: Plan | null;
  onChange: (p: Plan | null) => void;
  error?: string;
}) {
  const dir = useDirectory();
  const people = dir.users.filter((u) => u.active);
  const putStep = (i: number, st: Step) =>
    plan && onChange({ ...plan, steps: plan.steps.map((x, j) => (j === i ? st : x)) });
  return (
    <fieldset className="plain-fieldset">
      <legend>Approval</legend>
      <label className="check-row">
        <input
          type="checkbox"
          checked={plan !== null}
          onChange={(e) => onChange(e.target.checked ? { order: 'sequence', steps: [managerStep] } : null)}
        />
        Requests wait for approval, their SLA paused, before they reach the desk
      </label>
      {error && <p className="field-error">{error}</p>}
      {plan && (
        <>
          {plan.steps.length > 1 && (
            <Field label="Steps">
              {(id) => (
                <select
                  id={id}
                  value={plan.order}
                  onChange={(e) => onChange({ ...plan, order: e.target.value as Plan['order'] })}
                >
                  <option value="sequence">One after the other</option>
                  <option value="parallel">All at once</option>
                </select>
              )}
            </Field>
          )}
          <ol className="form-rows">
            {plan.steps.map((st, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps have no identity but their place
              <li key={i} className="form-row-item">
                <div className="step-row">
                  <select
                    aria-label={`Step ${i + 1}: approvers`}
                    value={st.approvers.kind}
                    onChange={(e) => {
                      const kind = e.target.value as Step['approvers']['kind'];
                      putStep(i, {
                        ...st,
                        approvers:
                          kind === 'manager'
                            ? { kind }
                            : kind === 'group'
                              ? { kind, groupId: dir.groups[0]?.id ?? 0 }
                              : { kind, userIds: [] },
                      });
                    }}
                  >
                    <option value="manager">The requester's manager</option>
                    <option value="users">Named people</option>
                    <option value="group">A group</option>
                  </select>
                  {st.approvers.kind === 'group' && (
                    <select
                      aria-label={`Step ${i + 1}: group`}
                      value={st.approvers.groupId ?? ''}
                      onChange={(e) =>
                        putStep(i, { ...st, approvers: { kind: 'group', groupId: Number(e.target.value) } })
                      }
                    >
                      {dir.groups.map((g) => (
                        <option key={g.id} value={g.id}>
                          {g.name}
                        </option>
                      ))}
                    </select>
                  )}
                  {st.approvers.kind !== 'manager' && (
                    <select
                      aria-label={`Step ${i + 1}: how many approve`}
                      value={st.rule}
                      onChange={(e) => putStep(i, { ...st, rule: e.target.value as Step['rule'] })}
                    >
                      <option value="one">One of them</option>
                      <option value="all">All of them</option>
                    </select>
                  )}
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Remove step ${i + 1}`}
                    disabled={plan.steps.length === 1}
                    onClick={() => onChange({ ...plan, steps: plan.steps.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </div>
                {st.approvers.kind === 'users' && (
                  <select
                    multiple
                    size={Math.min(6, Math.max(3, people.length))}
                    aria-label={`Step ${i + 1}: people (choose one or more)`}
                    className="approver-people"
                    value={(st.approvers.userIds ?? []).map(String)}
                    onChange={(e) =>
                      putStep(i, {
                        ...st,
                        approvers: {
                          kind: 'users',
                          userIds: [...e.target.selectedOptions].map((o) => Number(o.value)),
                        },
                      })
                    }
                  >
                    {people.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                )}
              </li>
            ))}
          </ol>
          <button
            type="button"
            disabled={plan.steps.length >= 5}
            onClick={() => onChange({ ...plan, steps: [...plan.steps, managerStep] })}
          >
            Add step
          </button>
        </>
      )}
    </fieldset>
  );
}
