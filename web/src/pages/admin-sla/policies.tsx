// SLA policies (admins): the list in the order they are tried, and the editor of one — conditions,
// targets, escalation levels.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCalendars, useDeletePolicy, usePolicies, useReorderPolicies, useSavePolicy } from '../../api/sla';
import type { SlaPolicy } from '../../api/types';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { levelNames, priorityLabel } from '../../ui/labels';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { Checks } from './checks';
import { At, FormActions } from './form-feedback';
import { LevelEditor } from './level-editor';
import { targetNames } from './policy-targets';
import { TargetEditor } from './target-editor';

type PolicyDraft = Pick<SlaPolicy, 'name' | 'active' | 'conditions' | 'targets' | 'levels'>;

function PolicyEditor({
  policy,
  onSaved,
}: {
  policy: SlaPolicy | null;
  onSaved: (p: SlaPolicy | null) => void;
}) {
  const { t } = useTranslation('admin-sla');
  const dir = useDirectory();
  const calendars = useCalendars();
  const [d, setD] = useState<PolicyDraft>(() =>
    policy
      ? {
          name: policy.name,
          active: policy.active,
          conditions: policy.conditions,
          targets: policy.targets,
          levels: policy.levels,
        }
      : {
          name: '',
          active: true,
          conditions: {},
          targets: {
            first_response: { minutes: 60, calendarId: null, warnPercent: 80, pauseStatuses: ['pending'] },
            resolution: { minutes: 480, calendarId: null, warnPercent: 80, pauseStatuses: ['pending'] },
          },
          levels: [],
        },
  );
  const save = useSavePolicy(policy?.id, onSaved);
  const remove = useDeletePolicy(policy?.id, () => onSaved(null));
  const err = save.error;
  const c = d.conditions;
  return (
    <form
      className="card form"
      aria-labelledby="policy-editor-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(d);
      }}
    >
      <h2 id="policy-editor-title" className="flush">
        {policy ? t('policies.editTitle', { name: policy.name }) : t('policies.new')}
      </h2>
      <div className="grid-form">
        <Field label={t('fields.name')} error={fieldError(err, '/name')}>
          {(id, dsc, inv) => (
            <input
              id={id}
              required
              maxLength={100}
              value={d.name}
              aria-describedby={dsc}
              aria-invalid={inv || undefined}
              onChange={(e) => setD({ ...d, name: e.target.value })}
            />
          )}
        </Field>
        <div className="field">
          <label className="choice">
            <input
              type="checkbox"
              checked={d.active}
              onChange={(e) => setD({ ...d, active: e.target.checked })}
            />
            {t('policies.active')}
          </label>
        </div>
      </div>
      <fieldset className="sub-card">
        <legend>{t('policies.appliesTo')}</legend>
        <Checks
          legend={t('policies.priorities')}
          options={levelNames.map((l, i) => [i + 1, priorityLabel[l]])}
          value={c.priorities}
          onChange={(priorities) => setD({ ...d, conditions: { ...c, priorities } })}
        />
        <Checks
          legend={t('policies.types')}
          options={[
            ['incident', t('policies.type.incident')],
            ['request', t('policies.type.request')],
          ]}
          value={c.types}
          onChange={(types) =>
            setD({ ...d, conditions: { ...c, types: types as ('incident' | 'request')[] } })
          }
        />
        {dir.categories.length > 0 && (
          <Checks
            legend={t('policies.categories')}
            options={dir.categories.map((x) => [x.id, x.name])}
            value={c.categoryIds}
            onChange={(categoryIds) => setD({ ...d, conditions: { ...c, categoryIds } })}
          />
        )}
        {dir.groups.length > 0 && (
          <Checks
            legend={t('policies.requesterGroups')}
            options={dir.groups.map((x) => [x.id, x.name])}
            value={c.requesterGroupIds}
            onChange={(requesterGroupIds) => setD({ ...d, conditions: { ...c, requesterGroupIds } })}
          />
        )}
        <At error={err} field="/conditions" />
      </fieldset>
      <h3>{t('policies.targets')}</h3>
      <At error={err} field="/targets" />
      {targetNames.map((name) => (
        <TargetEditor
          key={name}
          name={name}
          value={d.targets[name]}
          calendars={calendars.data ?? []}
          error={err}
          onChange={(v) => {
            const targets = { ...d.targets };
            if (v) targets[name] = v;
            else delete targets[name];
            setD({ ...d, targets });
          }}
        />
      ))}
      <h3>{t('policies.levels')}</h3>
      {d.levels.length === 0 && <p className="muted small">{t('policies.noLevels')}</p>}
      <ul className="editor-list">
        {d.levels.map((l, i) => (
          <LevelEditor
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
            key={i}
            level={l}
            i={i}
            groups={dir.groups}
            error={err}
            onChange={(x) => setD({ ...d, levels: d.levels.map((y, j) => (j === i ? x : y)) })}
            onRemove={() => setD({ ...d, levels: d.levels.filter((_, j) => j !== i) })}
          />
        ))}
      </ul>
      <p>
        <button
          type="button"
          onClick={() =>
            setD({
              ...d,
              levels: [
                ...d.levels,
                {
                  level: d.levels.length + 1,
                  target: 'resolution',
                  offsetMinutes: 0,
                  actions: [{ type: 'notify', who: 'manager' }],
                },
              ],
            })
          }
        >
          {t('policies.addLevel')}
        </button>
      </p>
      <FormActions noun="policy" existing={policy} save={save} remove={remove} />
    </form>
  );
}

export function Policies() {
  const { t } = useTranslation('admin-sla');
  useTitle(t('policies.title'));
  const list = usePolicies();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const order = useReorderPolicies();
  const items = list.data ?? [];
  const move = (i: number, step: number) => {
    const ids = items.map((p) => p.id);
    [ids[i], ids[i + step]] = [ids[i + step], ids[i]];
    order.mutate(ids);
  };
  const current = selected === 'new' ? null : (items.find((p) => p.id === selected) ?? null);
  if (list.isPending) return <Loading />;
  return (
    <div className="split">
      <section aria-labelledby="policies-title">
        <h2 id="policies-title" className="flush">
          {t('policies.listTitle')}
        </h2>
        <p className="hint">{t('policies.order')}</p>
        <ErrorMessage error={list.error ?? order.error} />
        <ol className="pick-list">
          {items.map((p, i) => (
            <li key={p.id} className="pick-row">
              <button
                type="button"
                aria-current={selected === p.id ? 'true' : undefined}
                onClick={() => setSelected(p.id)}
              >
                {i + 1}. {p.name} {!p.active && <span className="muted small">{t('policies.inactive')}</span>}
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={t('policies.moveUp', { name: p.name })}
                disabled={i === 0 || order.isPending}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={t('policies.moveDown', { name: p.name })}
                disabled={i === items.length - 1 || order.isPending}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
            </li>
          ))}
        </ol>
        <p>
          <button type="button" className="primary" onClick={() => setSelected('new')}>
            {t('policies.new')}
          </button>
        </p>
      </section>
      {selected === null ? (
        <Empty title={t('policies.choose')} />
      ) : (
        <PolicyEditor key={String(selected)} policy={current} onSaved={(p) => setSelected(p ? p.id : null)} />
      )}
    </div>
  );
}
