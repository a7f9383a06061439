// A request type's approval plan in the catalogue's form builder: who approves (the requester's manager, named
// people or a group), one or all of them, step after step or all at once. The server checks the plan.
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('admin-approval-editor');
  const dir = useDirectory();
  const people = dir.users.filter((u) => u.active);
  const putStep = (i: number, st: Step) =>
    plan && onChange({ ...plan, steps: plan.steps.map((x, j) => (j === i ? st : x)) });
  return (
    <fieldset className="plain-fieldset">
      <legend>{t('legend')}</legend>
      <label className="check-row">
        <input
          type="checkbox"
          checked={plan !== null}
          onChange={(e) => onChange(e.target.checked ? { order: 'sequence', steps: [managerStep] } : null)}
        />
        {t('required')}
      </label>
      {error && <p className="field-error">{error}</p>}
      {plan && (
        <>
          {plan.steps.length > 1 && (
            <Field label={t('order.label')}>
              {(id) => (
                <select
                  id={id}
                  value={plan.order}
                  onChange={(e) => onChange({ ...plan, order: e.target.value as Plan['order'] })}
                >
                  <option value="sequence">{t('order.sequence')}</option>
                  <option value="parallel">{t('order.parallel')}</option>
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
                    aria-label={t('step.approvers', { step: i + 1 })}
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
                    <option value="manager">{t('approvers.manager')}</option>
                    <option value="users">{t('approvers.users')}</option>
                    <option value="group">{t('approvers.group')}</option>
                  </select>
                  {st.approvers.kind === 'group' && (
                    <select
                      aria-label={t('step.group', { step: i + 1 })}
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
                      aria-label={t('step.rule', { step: i + 1 })}
                      value={st.rule}
                      onChange={(e) => putStep(i, { ...st, rule: e.target.value as Step['rule'] })}
                    >
                      <option value="one">{t('rule.one')}</option>
                      <option value="all">{t('rule.all')}</option>
                    </select>
                  )}
                  <button
                    type="button"
                    className="ghost"
                    aria-label={t('step.remove', { step: i + 1 })}
                    disabled={plan.steps.length === 1}
                    onClick={() => onChange({ ...plan, steps: plan.steps.filter((_, j) => j !== i) })}
                  >
                    {t('remove')}
                  </button>
                </div>
                {st.approvers.kind === 'users' && (
                  <select
                    multiple
                    size={Math.min(6, Math.max(3, people.length))}
                    aria-label={t('step.people', { step: i + 1 })}
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
            {t('add')}
          </button>
        </>
      )}
    </fieldset>
  );
}
