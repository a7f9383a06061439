// The managers' side of the service catalogue (/admin/catalogue and /admin/custom-fields): the request types with
// their forms, defaults and place in the portal's catalogue, and the custom field definitions the forms are built
// from. The server validates everything (a condition naming a field below it, a choice without options…); the
// forms show its answer next to the field it names.
import { type FormEvent, useState } from 'react';
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
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';
import { ApprovalEditor, type Plan } from './admin-approval-editor';

type FieldType = CustomField['type'];
const fieldTypeLabel: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  choice: 'Choice (one)',
  multi_choice: 'Choice (several)',
  user: 'A person',
  attachment: 'Attachment',
};
const fieldTypes = Object.keys(fieldTypeLabel) as FieldType[];

const splitList = (s: string, sep: RegExp) =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean);
const numberOrNull = (s: string) => (s.trim() === '' ? null : Number(s));

// ---- custom fields -------------------------------------------------------------------------------

function CustomFieldForm({ item, onDone }: { item: CustomField | null; onDone: () => void }) {
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
      aria-label={item ? `Edit field ${item.label}` : 'New field'}
    >
      <ErrorMessage error={save.error} title="Not saved." />
      <div className="field-row">
        <Field label="Label" error={fieldError(save.error, '/label')}>
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
          label="Key"
          hint={item ? 'Fixed: the API and the queue filter (field.<key>=) use it' : 'a-z, 0-9 and _'}
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
        <Field label="Type" hint={item ? 'Fixed once created' : undefined}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              disabled={item !== null}
              value={type}
              onChange={(e) => setType(e.target.value as FieldType)}
            >
              {fieldTypes.map((t) => (
                <option key={t} value={t}>
                  {fieldTypeLabel[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        label="Help text"
        hint="Shown under the field on the form"
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
        <Field label="Options" hint="One per line" error={fieldError(save.error, '/options')}>
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
          <Field label="Smallest" error={fieldError(save.error, '/min')}>
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
          <Field label="Largest" error={fieldError(save.error, '/max')}>
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
            label="Pattern"
            hint="A regular expression the whole answer must match"
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
          <Field label="Longest answer (characters)" error={fieldError(save.error, '/maxLength')}>
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
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} /> Required
        on every form (a form may override)
      </label>
      <label className="check-row">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (an
        inactive field leaves every form; tickets keep their values)
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function CustomFieldsAdmin() {
  useTitle('Custom fields');
  const fields = useCustomFields();
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  if (fields.isPending) return <Loading />;
  if (fields.error) return <ErrorMessage error={fields.error} />;
  return (
    <section aria-labelledby="custom-fields-title">
      <div className="page-head">
        <h2 id="custom-fields-title">Custom fields</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New field
          </button>
        )}
      </div>
      <p className="hint">
        Fields that request types' forms are built from. Every ticket may carry them; the queue filters on
        them and the exports carry them.
      </p>
      {editing !== null && (
        <CustomFieldForm
          key={editing === 'new' ? 'new' : editing.id}
          item={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {fields.data.length === 0 ? (
        <Empty title="No custom fields yet." />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Custom fields">
            <thead>
              <tr>
                <th>Label</th>
                <th>Key</th>
                <th>Type</th>
                <th>Rules</th>
              </tr>
            </thead>
            <tbody>
              {fields.data.map((f) => (
                <tr key={f.id} className={f.active ? undefined : 'muted'}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setEditing(f)}>
                      {f.label}
                    </button>
                    {!f.active && <span className="badge spaced">inactive</span>}
                  </td>
                  <td>
                    <code>{f.key}</code>
                  </td>
                  <td>{fieldTypeLabel[f.type]}</td>
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
  if (f.required) parts.push('required');
  if (f.options.length > 0) parts.push(f.options.join(' · '));
  if (f.min !== null) parts.push(`≥ ${f.min}`);
  if (f.max !== null) parts.push(`≤ ${f.max}`);
  if (f.pattern) parts.push(`matches ${f.pattern}`);
  if (f.maxLength) parts.push(`≤ ${f.maxLength} characters`);
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
  const label = `Field ${index + 1}`;
  const candidates = above
    .map((r) => fieldsById.get(r.fieldId))
    .filter((f): f is CustomField => f !== undefined);
  const c = row.condition;
  const source = c ? candidates.find((f) => f.key === c.field) : undefined;
  return (
    <div className="condition-row">
      <select
        aria-label={`${label}: shown`}
        value={c?.field ?? ''}
        onChange={(e) => onChange(e.target.value ? { field: e.target.value, op: 'set' } : null)}
        disabled={candidates.length === 0}
      >
        <option value="">Always shown</option>
        {candidates.map((f) => (
          <option key={f.key} value={f.key}>
            When “{f.label}”…
          </option>
        ))}
      </select>
      {c && (
        <select
          aria-label={`${label}: condition`}
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
          <option value="set">is answered</option>
          <option value="equals">is</option>
          <option value="in">is one of</option>
        </select>
      )}
      {c?.op === 'equals' &&
        (source && source.options.length > 0 ? (
          <select
            aria-label={`${label}: value`}
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
            aria-label={`${label}: value`}
            value={String(c.value ?? '')}
            onChange={(e) => onChange({ ...c, value: e.target.value })}
          />
        ))}
      {c?.op === 'in' && (
        <input
          type="text"
          aria-label={`${label}: values, separated by commas`}
          placeholder={source?.options.join(', ') || 'values, separated by commas'}
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
          <option value="">From the matrix</option>
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
      aria-label={item ? `Edit request type ${item.name}` : 'New request type'}
    >
      <ErrorMessage error={save.error} title="Not saved." />
      <div className="field-row">
        <Field label="Name" error={fieldError(save.error, '/name')}>
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
          label="Catalogue section"
          hint="Where the portal lists it"
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
      <Field label="Description" hint="What the requester gets and when to choose it">
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
        <Field label="Search words" hint="Separated by commas; the catalogue's search matches them">
          {(id, dsc) => (
            <input
              id={id}
              aria-describedby={dsc}
              value={keywords}
              onChange={(e) => setKeywords(e.target.value)}
            />
          )}
        </Field>
        <Field label="Who may file it">
          {(id) => (
            <select
              id={id}
              value={audience}
              onChange={(e) => setAudience(e.target.value as RequestType['audience'])}
            >
              <option value="everyone">Everyone (the portal)</option>
              <option value="staff">Staff only</option>
            </select>
          )}
        </Field>
      </div>
      <fieldset className="plain-fieldset">
        <legend>The filed ticket's defaults</legend>
        <div className="field-row">
          <Field label="Ticket type">
            {(id) => (
              <select
                id={id}
                value={ticketType}
                onChange={(e) => setTicketType(e.target.value as RequestType['defaults']['ticketType'])}
              >
                <option value="request">Request</option>
                <option value="incident">Incident</option>
              </select>
            )}
          </Field>
          <Field label="Category">
            {(id) => (
              <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                <option value="">None</option>
                {dir.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Group">
            {(id) => (
              <select id={id} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
                <option value="">Assignment rules</option>
                {dir.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {level('Impact', impact, setImpact)}
          {level('Urgency', urgency, setUrgency)}
          <Field label="SLA policy">
            {(id) => (
              <select id={id} value={slaPolicyId} onChange={(e) => setSlaPolicyId(e.target.value)}>
                <option value="">SLA rules</option>
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
        <legend>The form, in order</legend>
        {formError && <p className="field-error">{formError}</p>}
        {rows.length === 0 && (
          <p className="hint">No fields: the requester writes a title and a description.</p>
        )}
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
                    {f?.label ?? `Field ${r.fieldId}`}{' '}
                    <span className="muted">({f ? fieldTypeLabel[f.type] : 'unknown'})</span>
                  </strong>
                  <select
                    aria-label={`Field ${i + 1}: required`}
                    value={r.required === null ? '' : String(r.required)}
                    onChange={(e) =>
                      put(i, { ...r, required: e.target.value === '' ? null : e.target.value === 'true' })
                    }
                  >
                    <option value="">
                      {f?.required ? 'Required (field’s rule)' : 'Optional (field’s rule)'}
                    </option>
                    <option value="true">Required here</option>
                    <option value="false">Optional here</option>
                  </select>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Move field ${i + 1} up`}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Move field ${i + 1} down`}
                    disabled={i === rows.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Remove field ${i + 1}`}
                    onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
                  >
                    Remove
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
          <select aria-label="Field to add" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose a field…</option>
            {unused.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label} ({fieldTypeLabel[f.type]})
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
            Add field
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
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active
        (listed in the catalogue)
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function CatalogAdmin() {
  useTitle('Service catalogue');
  const types = useRequestTypes();
  const dir = useDirectory();
  const [editing, setEditing] = useState<RequestType | 'new' | null>(null);
  if (types.isPending) return <Loading />;
  if (types.error) return <ErrorMessage error={types.error} />;
  const sections = [...new Set(types.data.map((t) => t.catalogCategory).filter(Boolean))].sort();
  return (
    <section aria-labelledby="catalogue-title">
      <div className="page-head">
        <h2 id="catalogue-title">Service catalogue</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New request type
          </button>
        )}
      </div>
      <p className="hint">
        The request types the portal offers, each with its form and the defaults its tickets get. Build the
        form from the custom fields.
      </p>
      {editing !== null && (
        <RequestTypeForm
          key={editing === 'new' ? 'new' : editing.id}
          item={editing === 'new' ? null : editing}
          categories={sections}
          onDone={() => setEditing(null)}
        />
      )}
      {types.data.length === 0 ? (
        <Empty title="No request types yet." />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Request types">
            <thead>
              <tr>
                <th>Request type</th>
                <th>Section</th>
                <th>Fields</th>
                <th>Goes to</th>
              </tr>
            </thead>
            <tbody>
              {types.data.map((t) => (
                <tr key={t.id} className={t.active ? undefined : 'muted'}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setEditing(t)}>
                      {t.name}
                    </button>
                    {t.audience === 'staff' && <span className="badge spaced">staff</span>}
                    {t.approval && <span className="badge spaced">approval</span>}
                    {!t.active && <span className="badge spaced">inactive</span>}
                  </td>
                  <td>{t.catalogCategory || '—'}</td>
                  <td>{t.fields.length}</td>
                  <td>{t.defaults.groupId ? dir.groupName(t.defaults.groupId) : 'Assignment rules'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
