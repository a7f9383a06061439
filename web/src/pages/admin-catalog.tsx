// The managers' side of the service catalogue (/admin/catalogue and /admin/custom-fields): the request types with
// their forms, defaults and place in the portal's catalogue, and the custom field definitions the forms are built
// from. The server validates everything (a condition naming a field below it, a choice without options…); the
// forms show its answer next to the field it names.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type CustomField,
  type CustomFieldBody,
  type RequestType,
  type RequestTypeBody,
  useCustomFields,
  useRequestTypes,
  useSaveCustomField,
  useSaveRequestType,
} from '../api/catalog';
import { usePolicies } from '../api/sla';
import type { LevelName } from '../api/types';
import { t } from '../i18n';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';
import { ApprovalEditor, type Plan } from './admin-approval-editor';

type FieldType = CustomField['type'];
const fieldTypes: FieldType[] = ['text', 'number', 'date', 'choice', 'multi_choice', 'user', 'attachment'];
/** A field type as people read it, in the current language. */
function fieldTypeLabel(type: FieldType): string {
  switch (type) {
    case 'text':
      return t('admin-catalog:fieldType.text');
    case 'number':
      return t('admin-catalog:fieldType.number');
    case 'date':
      return t('admin-catalog:fieldType.date');
    case 'choice':
      return t('admin-catalog:fieldType.choice');
    case 'multi_choice':
      return t('admin-catalog:fieldType.multi_choice');
    case 'user':
      return t('admin-catalog:fieldType.user');
    case 'attachment':
      return t('admin-catalog:fieldType.attachment');
  }
}

const splitList = (s: string, sep: RegExp) =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean);
const numberOrNull = (s: string) => (s.trim() === '' ? null : Number(s));

// ---- custom fields -------------------------------------------------------------------------------

function CustomFieldForm({ item, onDone }: { item: CustomField | null; onDone: () => void }) {
  const { t } = useTranslation('admin-catalog');
  const [key, setKey] = useState(item?.key ?? '');
  const [label, setLabel] = useState(item?.label ?? '');
  const [type, setType] = useState<FieldType>(item?.type ?? 'text');
  const [helpText, setHelpText] = useState(item?.helpText ?? '');
  const [required, setRequired] = useState(item?.required ?? false);
  const [options, setOptions] = useState(item?.options.join('\n') ?? '');
  const [min, setMin] = useState(item?.min === null || item?.min === undefined ? '' : String(item.min));
  const [max, setMax] = useState(item?.max === null || item?.max === undefined ? '' : String(item.max));
  const [pattern, setPattern] = useState(item?.pattern ?? '');
  const [maxLength, setMaxLength] = useState(item?.maxLength ? String(item.maxLength) : '');
  const [active, setActive] = useState(item?.active ?? true);
  const save = useSaveCustomField();
  const choices = type === 'choice' || type === 'multi_choice';
  function submit(e: FormEvent) {
    e.preventDefault();
    const rules = {
      label,
      helpText,
      required,
      active,
      options: choices ? splitList(options, /\n/) : [],
      min: type === 'number' ? numberOrNull(min) : null,
      max: type === 'number' ? numberOrNull(max) : null,
      pattern: type === 'text' && pattern ? pattern : null,
      maxLength: type === 'text' && maxLength ? Number(maxLength) : null,
    };
    const body: CustomFieldBody = { key, type, ...rules };
    save.mutate(
      // The key and type are fixed once tickets may carry values: an edit changes the rules only.
      item ? { id: item.id, body: rules as CustomFieldBody } : { id: null, body },
      { onSuccess: onDone },
    );
  }
  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-label={item ? t('fields.edit', { label: item.label }) : t('fields.new')}
    >
      <ErrorMessage error={save.error} title={t('notSaved')} />
      <div className="field-row">
        <Field label={t('fields.label')} error={fieldError(save.error, '/label')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={100}
              value={label}
              onChange={(e) => setLabel(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('fields.key')}
          hint={item ? t('fields.keyFixed') : t('fields.keyHint')}
          error={fieldError(save.error, '/key')}
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              readOnly={item !== null}
              pattern="[a-z][a-z0-9_]*"
              maxLength={40}
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('fields.type')} hint={item ? t('fields.typeFixed') : undefined}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              disabled={item !== null}
              value={type}
              onChange={(e) => setType(e.target.value as FieldType)}
            >
              {fieldTypes.map((ft) => (
                <option key={ft} value={ft}>
                  {fieldTypeLabel(ft)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        label={t('fields.helpText')}
        hint={t('fields.helpTextHint')}
        error={fieldError(save.error, '/helpText')}
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            maxLength={500}
            value={helpText}
            onChange={(e) => setHelpText(e.target.value)}
          />
        )}
      </Field>
      {choices && (
        <Field
          label={t('fields.options')}
          hint={t('fields.optionsHint')}
          error={fieldError(save.error, '/options')}
        >
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={4}
              required
              value={options}
              onChange={(e) => setOptions(e.target.value)}
            />
          )}
        </Field>
      )}
      {type === 'number' && (
        <div className="field-row">
          <Field label={t('fields.min')} error={fieldError(save.error, '/min')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="number"
                value={min}
                onChange={(e) => setMin(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('fields.max')} error={fieldError(save.error, '/max')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="number"
                value={max}
                onChange={(e) => setMax(e.target.value)}
              />
            )}
          </Field>
        </div>
      )}
      {type === 'text' && (
        <div className="field-row">
          <Field
            label={t('fields.pattern')}
            hint={t('fields.patternHint')}
            error={fieldError(save.error, '/pattern')}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                maxLength={200}
                value={pattern}
                onChange={(e) => setPattern(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('fields.maxLength')} error={fieldError(save.error, '/maxLength')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="number"
                min={1}
                max={10_000}
                value={maxLength}
                onChange={(e) => setMaxLength(e.target.value)}
              />
            )}
          </Field>
        </div>
      )}
      <label className="check-row">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />{' '}
        {t('fields.required')}
      </label>
      <label className="check-row">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
        {t('fields.active')}
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common:actions.save')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}

export function CustomFieldsAdmin() {
  const { t } = useTranslation('admin-catalog');
  useTitle(t('fields.title'));
  const fields = useCustomFields();
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  if (fields.isPending) return <Loading />;
  if (fields.error) return <ErrorMessage error={fields.error} />;
  return (
    <section aria-labelledby="custom-fields-title">
      <div className="page-head">
        <h2 id="custom-fields-title">{t('fields.title')}</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('fields.new')}
          </button>
        )}
      </div>
      <p className="hint">{t('fields.intro')}</p>
      {editing !== null && (
        <CustomFieldForm
          key={editing === 'new' ? 'new' : editing.id}
          item={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {fields.data.length === 0 ? (
        <Empty title={t('fields.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label={t('fields.title')}>
            <thead>
              <tr>
                <th>{t('fields.label')}</th>
                <th>{t('fields.key')}</th>
                <th>{t('fields.type')}</th>
                <th>{t('fields.rules')}</th>
              </tr>
            </thead>
            <tbody>
              {fields.data.map((f) => (
                <tr key={f.id} className={f.active ? undefined : 'muted'}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setEditing(f)}>
                      {f.label}
                    </button>
                    {!f.active && <span className="badge spaced">{t('badge.inactive')}</span>}
                  </td>
                  <td>
                    <code>{f.key}</code>
                  </td>
                  <td>{fieldTypeLabel(f.type)}</td>
                  <td className="break">{fieldRules(f)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function fieldRules(f: CustomField): string {
  const parts: string[] = [];
  if (f.required) parts.push(t('admin-catalog:rules.required'));
  if (f.options.length > 0) parts.push(f.options.join(' · '));
  if (f.min !== null) parts.push(`≥ ${f.min}`);
  if (f.max !== null) parts.push(`≤ ${f.max}`);
  if (f.pattern) parts.push(t('admin-catalog:rules.pattern', { pattern: f.pattern }));
  if (f.maxLength) parts.push(t('admin-catalog:rules.maxLength', { count: f.maxLength }));
  return parts.join('; ') || '—';
}

// ---- request types -------------------------------------------------------------------------------

type Condition = NonNullable<RequestType['fields'][number]['condition']>;
interface FormRow {
  fieldId: number;
  /** null: the field's own rule. */
  required: boolean | null;
  condition: Condition | null;
}

function ConditionEditor({
  row,
  index,
  above,
  fieldsById,
  onChange,
}: {
  row: FormRow;
  index: number;
  above: FormRow[];
  fieldsById: Map<number, CustomField>;
  onChange: (c: Condition | null) => void;
}) {
  const { t } = useTranslation('admin-catalog');
  const field = index + 1;
  const candidates = above
    .map((r) => fieldsById.get(r.fieldId))
    .filter((f): f is CustomField => f !== undefined);
  const c = row.condition;
  const source = c ? candidates.find((f) => f.key === c.field) : undefined;
  return (
    <div className="condition-row">
      <select
        aria-label={t('conditions.shown', { field })}
        value={c?.field ?? ''}
        onChange={(e) => onChange(e.target.value ? { field: e.target.value, op: 'set' } : null)}
        disabled={candidates.length === 0}
      >
        <option value="">{t('conditions.always')}</option>
        {candidates.map((f) => (
          <option key={f.key} value={f.key}>
            {t('conditions.when', { label: f.label })}
          </option>
        ))}
      </select>
      {c && (
        <select
          aria-label={t('conditions.condition', { field })}
          value={c.op}
          onChange={(e) => {
            const op = e.target.value as Condition['op'];
            onChange(
              op === 'set'
                ? { field: c.field, op }
                : op === 'equals'
                  ? { field: c.field, op, value: source?.options[0] ?? '' }
                  : { field: c.field, op, values: [] },
            );
          }}
        >
          <option value="set">{t('conditions.op.set')}</option>
          <option value="equals">{t('conditions.op.equals')}</option>
          <option value="in">{t('conditions.op.in')}</option>
        </select>
      )}
      {c?.op === 'equals' &&
        (source && source.options.length > 0 ? (
          <select
            aria-label={t('conditions.value', { field })}
            value={String(c.value ?? '')}
            onChange={(e) => onChange({ ...c, value: e.target.value })}
          >
            {source.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input
            type="text"
            aria-label={t('conditions.value', { field })}
            value={String(c.value ?? '')}
            onChange={(e) => onChange({ ...c, value: e.target.value })}
          />
        ))}
      {c?.op === 'in' && (
        <input
          type="text"
          aria-label={t('conditions.values', { field })}
          placeholder={source?.options.join(', ') || t('conditions.valuesPlaceholder')}
          defaultValue={(c.values ?? []).join(', ')}
          onChange={(e) => onChange({ ...c, values: splitList(e.target.value, /,/) })}
        />
      )}
    </div>
  );
}

function RequestTypeForm({
  item,
  categories,
  onDone,
}: {
  item: RequestType | null;
  categories: string[];
  onDone: () => void;
}) {
  const { t } = useTranslation('admin-catalog');
  const dir = useDirectory();
  const policies = usePolicies(60_000);
  const customFields = useCustomFields();
  const fieldsById = new Map((customFields.data ?? []).map((f) => [f.id, f]));
  const d = item?.defaults;
  const [name, setName] = useState(item?.name ?? '');
  const [description, setDescription] = useState(item?.description ?? '');
  const [catalogCategory, setCatalogCategory] = useState(item?.catalogCategory ?? '');
  const [keywords, setKeywords] = useState(item?.keywords.join(', ') ?? '');
  const [audience, setAudience] = useState<RequestType['audience']>(item?.audience ?? 'everyone');
  const [active, setActive] = useState(item?.active ?? true);
  const [ticketType, setTicketType] = useState<RequestType['defaults']['ticketType']>(
    d?.ticketType ?? 'request',
  );
  const [categoryId, setCategoryId] = useState(String(d?.categoryId ?? ''));
  const [groupId, setGroupId] = useState(String(d?.groupId ?? ''));
  const [impact, setImpact] = useState(String(d?.impact ?? ''));
  const [urgency, setUrgency] = useState(String(d?.urgency ?? ''));
  const [slaPolicyId, setSlaPolicyId] = useState(String(d?.slaPolicyId ?? ''));
  const [rows, setRows] = useState<FormRow[]>(
    item?.fields.map((f) => ({ fieldId: f.fieldId, required: f.required, condition: f.condition })) ?? [],
  );
  const [adding, setAdding] = useState('');
  const [approval, setApproval] = useState<Plan | null>((item?.approval as Plan | null | undefined) ?? null);
  const save = useSaveRequestType();
  const put = (i: number, r: FormRow) => setRows((all) => all.map((x, j) => (j === i ? r : x)));
  const move = (i: number, by: -1 | 1) =>
    setRows((all) => {
      const next = [...all];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });
  const idOrNull = (s: string) => (s ? Number(s) : null);
  function submit(e: FormEvent) {
    e.preventDefault();
    const body: RequestTypeBody = {
      name,
      description,
      catalogCategory,
      keywords: splitList(keywords, /,/),
      audience,
      active,
      defaults: {
        ticketType,
        categoryId: idOrNull(categoryId),
        groupId: idOrNull(groupId),
        impact: idOrNull(impact) as 1 | 2 | 3 | 4 | 5 | null,
        urgency: idOrNull(urgency) as 1 | 2 | 3 | 4 | 5 | null,
        slaPolicyId: idOrNull(slaPolicyId),
      },
      fields: rows.map((r) => ({ fieldId: r.fieldId, required: r.required, condition: r.condition })),
      approval,
    };
    save.mutate({ id: item?.id ?? null, body }, { onSuccess: onDone });
  }
  const level = (label: string, value: string, set: (v: string) => void) => (
    <Field label={label}>
      {(id) => (
        <select id={id} value={value} onChange={(e) => set(e.target.value)}>
          <option value="">{t('types.fromMatrix')}</option>
          {levelNames.map((l: LevelName, i) => (
            <option key={l} value={i + 1}>
              {priorityLabel[l]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const formError = fieldError(save.error, '/fields');
  const unused = (customFields.data ?? []).filter((f) => f.active && !rows.some((r) => r.fieldId === f.id));
  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-label={item ? t('types.edit', { name: item.name }) : t('types.new')}
    >
      <ErrorMessage error={save.error} title={t('notSaved')} />
      <div className="field-row">
        <Field label={t('types.name')} error={fieldError(save.error, '/name')}>
          {(id, dsc) => (
            <input
              id={id}
              aria-describedby={dsc}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('types.section')}
          hint={t('types.sectionHint')}
          error={fieldError(save.error, '/catalogCategory')}
        >
          {(id, dsc) => (
            <>
              <input
                id={id}
                aria-describedby={dsc}
                list={`${id}-sections`}
                maxLength={60}
                value={catalogCategory}
                onChange={(e) => setCatalogCategory(e.target.value)}
              />
              <datalist id={`${id}-sections`}>
                {categories.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>
      <Field label={t('types.description')} hint={t('types.descriptionHint')}>
        {(id, dsc) => (
          <textarea
            id={id}
            aria-describedby={dsc}
            rows={3}
            maxLength={2000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <div className="field-row">
        <Field label={t('types.keywords')} hint={t('types.keywordsHint')}>
          {(id, dsc) => (
            <input
              id={id}
              aria-describedby={dsc}
              value={keywords}
              onChange={(e) => setKeywords(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('types.audience')}>
          {(id) => (
            <select
              id={id}
              value={audience}
              onChange={(e) => setAudience(e.target.value as RequestType['audience'])}
            >
              <option value="everyone">{t('types.audience.everyone')}</option>
              <option value="staff">{t('types.audience.staff')}</option>
            </select>
          )}
        </Field>
      </div>
      <fieldset className="plain-fieldset">
        <legend>{t('types.defaults')}</legend>
        <div className="field-row">
          <Field label={t('types.ticketType')}>
            {(id) => (
              <select
                id={id}
                value={ticketType}
                onChange={(e) => setTicketType(e.target.value as RequestType['defaults']['ticketType'])}
              >
                <option value="request">{t('types.ticketType.request')}</option>
                <option value="incident">{t('types.ticketType.incident')}</option>
              </select>
            )}
          </Field>
          <Field label={t('types.category')}>
            {(id) => (
              <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                <option value="">{t('types.none')}</option>
                {dir.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('types.group')}>
            {(id) => (
              <select id={id} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
                <option value="">{t('types.assignmentRules')}</option>
                {dir.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {level(t('types.impact'), impact, setImpact)}
          {level(t('types.urgency'), urgency, setUrgency)}
          <Field label={t('types.slaPolicy')}>
            {(id) => (
              <select id={id} value={slaPolicyId} onChange={(e) => setSlaPolicyId(e.target.value)}>
                <option value="">{t('types.slaRules')}</option>
                {(policies.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </fieldset>
      <fieldset className="plain-fieldset">
        <legend>{t('form.title')}</legend>
        {formError && <p className="field-error">{formError}</p>}
        {rows.length === 0 && <p className="hint">{t('form.empty')}</p>}
        <ol className="form-rows">
          {rows.map((r, i) => {
            const f = fieldsById.get(r.fieldId);
            const rowError = save.error
              ? [fieldError(save.error, `/fields/${i}`), fieldError(save.error, `/fields/${i}/condition`)]
                  .filter(Boolean)
                  .join(' ')
              : '';
            return (
              <li key={r.fieldId} className="form-row-item">
                <div className="step-row">
                  <strong className="form-row-label">
                    {f?.label ?? t('form.unknownField', { id: r.fieldId })}{' '}
                    <span className="muted">
                      {t('form.fieldType', { type: f ? fieldTypeLabel(f.type) : t('form.unknownType') })}
                    </span>
                  </strong>
                  <select
                    aria-label={t('form.required', { field: i + 1 })}
                    value={r.required === null ? '' : String(r.required)}
                    onChange={(e) =>
                      put(i, { ...r, required: e.target.value === '' ? null : e.target.value === 'true' })
                    }
                  >
                    <option value="">
                      {f?.required ? t('form.requiredByField') : t('form.optionalByField')}
                    </option>
                    <option value="true">{t('form.requiredHere')}</option>
                    <option value="false">{t('form.optionalHere')}</option>
                  </select>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={t('form.moveUp', { field: i + 1 })}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={t('form.moveDown', { field: i + 1 })}
                    disabled={i === rows.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={t('form.remove', { field: i + 1 })}
                    onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
                  >
                    {t('form.removeButton')}
                  </button>
                </div>
                <ConditionEditor
                  row={r}
                  index={i}
                  above={rows.slice(0, i)}
                  fieldsById={fieldsById}
                  onChange={(condition) => put(i, { ...r, condition })}
                />
                {rowError && <p className="field-error">{rowError}</p>}
              </li>
            );
          })}
        </ol>
        <div className="step-row">
          <select aria-label={t('form.add')} value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">{t('form.choose')}</option>
            {unused.map((f) => (
              <option key={f.id} value={f.id}>
                {t('form.option', { label: f.label, type: fieldTypeLabel(f.type) })}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!adding || rows.length >= 100}
            onClick={() => {
              setRows((all) => [...all, { fieldId: Number(adding), required: null, condition: null }]);
              setAdding('');
            }}
          >
            {t('form.addButton')}
          </button>
        </div>
      </fieldset>
      <ApprovalEditor
        plan={approval}
        onChange={setApproval}
        error={[fieldError(save.error, '/approval'), fieldError(save.error, '/approval/steps')]
          .filter(Boolean)
          .join(' ')}
      />
      <label className="check-row">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
        {t('types.active')}
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common:actions.save')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}

export function CatalogAdmin() {
  const { t } = useTranslation('admin-catalog');
  useTitle(t('types.title'));
  const types = useRequestTypes();
  const dir = useDirectory();
  const [editing, setEditing] = useState<RequestType | 'new' | null>(null);
  if (types.isPending) return <Loading />;
  if (types.error) return <ErrorMessage error={types.error} />;
  const sections = [...new Set(types.data.map((rt) => rt.catalogCategory).filter(Boolean))].sort();
  return (
    <section aria-labelledby="catalogue-title">
      <div className="page-head">
        <h2 id="catalogue-title">{t('types.title')}</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('types.new')}
          </button>
        )}
      </div>
      <p className="hint">{t('types.intro')}</p>
      {editing !== null && (
        <RequestTypeForm
          key={editing === 'new' ? 'new' : editing.id}
          item={editing === 'new' ? null : editing}
          categories={sections}
          onDone={() => setEditing(null)}
        />
      )}
      {types.data.length === 0 ? (
        <Empty title={t('types.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label={t('types.tableLabel')}>
            <thead>
              <tr>
                <th>{t('types.column.type')}</th>
                <th>{t('types.column.section')}</th>
                <th>{t('types.column.fields')}</th>
                <th>{t('types.column.goesTo')}</th>
              </tr>
            </thead>
            <tbody>
              {types.data.map((rt) => (
                <tr key={rt.id} className={rt.active ? undefined : 'muted'}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setEditing(rt)}>
                      {rt.name}
                    </button>
                    {rt.audience === 'staff' && <span className="badge spaced">{t('badge.staff')}</span>}
                    {rt.approval && <span className="badge spaced">{t('badge.approval')}</span>}
                    {!rt.active && <span className="badge spaced">{t('badge.inactive')}</span>}
                  </td>
                  <td>{rt.catalogCategory || '—'}</td>
                  <td>{rt.fields.length}</td>
                  <td>
                    {rt.defaults.groupId ? dir.groupName(rt.defaults.groupId) : t('types.assignmentRules')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
