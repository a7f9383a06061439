// The escalation levels of an SLA policy: when each fires (before or after which target's due time) and
// what it does (notify, reassign, raise the priority).
import { useTranslation } from 'react-i18next';
import type { EscalationLevel, Group, SlaTargetName } from '../../api/types';
import { Field, fieldError } from '../../ui/field';
import { Checks } from './checks';
import { targetLabel, targetNames } from './policy-targets';

export function LevelEditor({
  level,
  i,
  groups,
  error,
  onChange,
  onRemove,
}: {
  level: EscalationLevel;
  i: number;
  groups: Group[];
  error: unknown;
  onChange: (l: EscalationLevel) => void;
  onRemove: () => void;
}) {
  const notify = level.actions.flatMap((a) => (a.type === 'notify' ? [a.who] : []));
  const reassign = level.actions.find((a) => a.type === 'reassign');
  const raise = level.actions.some((a) => a.type === 'raise_priority');
  const setActions = (n: typeof notify, groupId: number | null, r: boolean) =>
    onChange({
      ...level,
      actions: [
        ...n.map((who) => ({ type: 'notify' as const, who })),
        ...(groupId !== null ? [{ type: 'reassign' as const, groupId }] : []),
        ...(r ? [{ type: 'raise_priority' as const }] : []),
      ],
    });
  const { t } = useTranslation('admin-sla');
  const p = `/levels/${i}`;
  const n = i + 1;
  return (
    <li className="sub-card">
      <div className="grid-form">
        <Field label={t('levels.number', { level: n })} error={fieldError(error, `${p}/level`)}>
          {(id, d, inv) => (
            <input
              id={id}
              type="number"
              min={1}
              max={20}
              value={level.level}
              aria-describedby={d}
              aria-invalid={inv || undefined}
              onChange={(e) => onChange({ ...level, level: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field label={t('levels.target', { level: n })} error={fieldError(error, `${p}/target`)}>
          {(id, d) => (
            <select
              id={id}
              value={level.target}
              aria-describedby={d}
              onChange={(e) => onChange({ ...level, target: e.target.value as SlaTargetName })}
            >
              {targetNames.map((name) => (
                <option key={name} value={name}>
                  {targetLabel(name)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('levels.offset', { level: n })}
          hint={t('levels.offsetHint')}
          error={fieldError(error, `${p}/offsetMinutes`)}
        >
          {(id, d, inv) => (
            <input
              id={id}
              type="number"
              value={level.offsetMinutes}
              aria-describedby={d}
              aria-invalid={inv || undefined}
              onChange={(e) => onChange({ ...level, offsetMinutes: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field label={t('levels.reassign', { level: n })} error={fieldError(error, `${p}/actions`)}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={reassign?.type === 'reassign' ? reassign.groupId : ''}
              onChange={(e) => setActions(notify, e.target.value ? Number(e.target.value) : null, raise)}
            >
              <option value="">{t('levels.reassignNobody')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Checks
          legend={t('levels.notify', { level: n })}
          options={[
            ['assignee', t('levels.notifyAssignee')],
            ['group', t('levels.notifyGroup')],
            ['manager', t('levels.notifyManager')],
          ]}
          value={notify}
          onChange={(n) =>
            setActions(n as typeof notify, reassign?.type === 'reassign' ? reassign.groupId : null, raise)
          }
        />
        <div className="field">
          <label className="choice">
            <input
              type="checkbox"
              checked={raise}
              onChange={(e) =>
                setActions(notify, reassign?.type === 'reassign' ? reassign.groupId : null, e.target.checked)
              }
            />
            {t('levels.raise')}
          </label>
        </div>
      </div>
      <button type="button" className="ghost" onClick={onRemove}>
        {t('levels.remove', { level: n })}
      </button>
    </li>
  );
}
