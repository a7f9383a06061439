// The service catalogue in the portal: request types grouped by the catalogue's categories, searchable by
// name, description and keywords; a request type's form with its conditions applied as the requester types
// (the server checks again), attachment fields through the same uploads as any request; and the custom field
// inputs the ticket page reuses.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  type FieldValue,
  type FormField,
  fileCatalogRequest,
  type RequestType,
  shownFields,
  useCatalog,
  useCustomFields,
} from '../api/catalog';
import { ApiError } from '../api/client';
import { keys } from '../api/keys';
import { uploadFiles } from '../api/tickets';
import { t as translate } from '../i18n';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

type Rules = Pick<FormField, 'key' | 'label' | 'type' | 'options' | 'min' | 'max' | 'maxLength'>;

/** One custom field's input, by type. Attachment fields take files (uploaded when the form is sent). */
export function FieldInput({
  field,
  value,
  files,
  onChange,
  onFiles,
  id,
  describedBy,
  required,
}: {
  field: Rules;
  value: FieldValue | null | undefined;
  files?: File[];
  onChange: (v: FieldValue | null) => void;
  onFiles?: (f: File[]) => void;
  id: string;
  describedBy?: string;
  required?: boolean;
}) {
  const { t } = useTranslation('catalog');
  const dir = useDirectory();
  const common = { id, 'aria-describedby': describedBy, required };
  switch (field.type) {
    case 'text':
      return (
        <input
          {...common}
          maxLength={field.maxLength ?? 10_000}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    case 'number':
      return (
        <input
          {...common}
          type="number"
          step="any"
          min={field.min ?? undefined}
          max={field.max ?? undefined}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        />
      );
    case 'date':
      return (
        <input
          {...common}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    case 'choice':
      return (
        <select
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || null)}
        >
          <option value="">{t('input.choose')}</option>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'multi_choice': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <fieldset className="choices" id={id} aria-describedby={describedBy}>
          <legend className="visually-hidden">{field.label}</legend>
          {field.options.map((o) => (
            <label key={o} className="choice">
              <input
                type="checkbox"
                checked={chosen.includes(o)}
                onChange={(e) => {
                  const next = e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o);
                  onChange(next.length ? field.options.filter((x) => next.includes(x)) : null);
                }}
              />{' '}
              {o}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'user':
      // Requesters do not see the staff directory: they give the person's number.
      if (dir.users.length === 0)
        return (
          <input
            {...common}
            type="number"
            min={1}
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
          />
        );
      return (
        <select
          {...common}
          value={typeof value === 'number' ? String(value) : ''}
          onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">{t('input.choosePerson')}</option>
          {dir.users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      );
    case 'attachment':
      return (
        <>
          <input
            id={id}
            aria-describedby={describedBy}
            type="file"
            multiple
            onChange={(e) => onFiles?.([...(e.target.files ?? [])])}
          />
          {files && files.length > 0 && (
            <ul className="file-list" aria-label={t('input.filesFor', { field: field.label })}>
              {files.map((f) => (
                <li key={f.name}>{f.name}</li>
              ))}
            </ul>
          )}
        </>
      );
  }
}

function matches(t: RequestType, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const text = [t.name, t.description, t.catalogCategory, ...t.keywords].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

export function Catalogue() {
  const { t } = useTranslation('catalog');
  useTitle(t('title'));
  const catalog = useCatalog();
  const [q, setQ] = useState('');
  const groups = useMemo(() => {
    const out = new Map<string, RequestType[]>();
    for (const type of catalog.data ?? []) {
      if (q && !matches(type, q)) continue;
      const g = type.catalogCategory || t('otherRequests');
      out.set(g, [...(out.get(g) ?? []), type]);
    }
    return [...out.entries()];
  }, [catalog.data, q, t]);
  return (
    <div className="page narrow">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <Link to="/requests/new">{t('somethingElse')}</Link>
      </div>
      <p className="muted">{t('intro')}</p>
      <input
        type="search"
        className="catalog-search"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {catalog.isPending && <Loading />}
      <ErrorMessage error={catalog.error} title={t('errors.load')} />
      {catalog.data && groups.length === 0 && (
        <Empty title={t('empty.title')}>
          <p>
            <Trans t={t} i18nKey="empty.text" components={{ anchor: <Link to="/requests/new" /> }} />
          </p>
        </Empty>
      )}
      {groups.map(([group, items]) => (
        <section key={group} className="catalog-group" aria-label={group}>
          <h2>{group}</h2>
          <ul className="catalog-grid">
            {items.map((type) => (
              <li key={type.id}>
                <Link to={`/requests/catalog/${type.id}`} className="catalog-card">
                  <span className="catalog-icon" aria-hidden="true">
                    {type.icon || '📝'}
                  </span>
                  <span className="catalog-name">{type.name}</span>
                  <span className="catalog-description muted">{type.description}</span>
                  {type.approval && <span className="badge catalog-approval">{t('needsApproval')}</span>}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

export function CatalogueForm() {
  const { t } = useTranslation('catalog');
  const id = Number(useParams().id);
  const catalog = useCatalog();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const type = catalog.data?.find((x) => x.id === id);
  useTitle(type ? type.name : t('form.title'));
  const [answers, setAnswers] = useState<Record<string, FieldValue | null>>({});
  const [files, setFiles] = useState<Record<string, File[]>>({});
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (catalog.isPending) return <Loading />;
  if (!type)
    return (
      <div className="page narrow">
        <ErrorMessage error={catalog.error} title={t('errors.load')} />
        {!catalog.error && <p>{t('form.notInCatalogue')}</p>}
        <Link to="/requests/catalog">{t('form.back')}</Link>
      </div>
    );
  const shown = shownFields(type.fields, {
    ...answers,
    // A chosen file counts as an answer for conditions on attachment fields.
    ...Object.fromEntries(
      Object.entries(files).map(([k, f]) => [k, f.length ? f.map((_, i) => i + 1) : null]),
    ),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!type) return;
    setBusy(true);
    setError(null);
    try {
      const fields: Record<string, FieldValue> = {};
      for (const f of shown) {
        if (f.type === 'attachment') {
          const chosen = files[f.key] ?? [];
          if (chosen.length) fields[f.key] = await uploadFiles(chosen);
        } else {
          const v = answers[f.key];
          if (v !== null && v !== undefined) fields[f.key] = v;
        }
      }
      const created = await fileCatalogRequest(type.id, {
        fields,
        ...(description.trim() ? { description } : {}),
      });
      void qc.invalidateQueries({ queryKey: keys.tickets });
      navigate(`/requests/${created.id}`, { state: { filed: true } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page narrow">
      <p>
        <Link to="/requests/catalog">{t('form.back')}</Link>
      </p>
      <h1>
        <span aria-hidden="true">{type.icon}</span> {type.name}
      </h1>
      {type.description && <p className="muted">{type.description}</p>}
      {type.approval && (
        <p className="alert" role="note">
          {t('form.needsApproval', { who: approvalWho(type.approval) })}
        </p>
      )}
      <form className="card form" onSubmit={submit} noValidate>
        <ErrorMessage
          error={error}
          title={error instanceof ApiError && error.fields.length ? t('form.checkFields') : t('form.notSent')}
        />
        {shown.map((f) => (
          <Field
            key={f.key}
            label={`${f.label}${f.required ? ' *' : ''}`}
            hint={f.helpText || undefined}
            error={fieldError(error, `/fields/${f.key}`)}
          >
            {(fid, d) => (
              <FieldInput
                field={f}
                id={fid}
                describedBy={d}
                required={f.required}
                value={answers[f.key]}
                files={files[f.key]}
                onChange={(v) => setAnswers((a) => ({ ...a, [f.key]: v }))}
                onFiles={(list) => setFiles((x) => ({ ...x, [f.key]: list }))}
              />
            )}
          </Field>
        ))}
        <Field label={t('form.anythingElse')} hint={t('form.anythingElseHint')}>
          {(fid, d) => (
            <textarea
              id={fid}
              aria-describedby={d}
              rows={3}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('form.sending') : t('form.send')}
          </button>
          <Link to="/requests/catalog">{t('common:actions.cancel')}</Link>
        </div>
      </form>
    </div>
  );
}

/** A ticket's custom fields, read-only: label and value, in the definitions' order. */
export function FieldValues({ fields }: { fields: Record<string, FieldValue> }) {
  const { t } = useTranslation('catalog');
  const dir = useDirectory();
  const { data: defs } = useCustomFields();
  const keysShown = Object.keys(fields);
  if (keysShown.length === 0) return null;
  const label = (k: string) => defs?.find((d) => d.key === k)?.label ?? k;
  const typeOf = (k: string) => defs?.find((d) => d.key === k)?.type;
  const text = (k: string, v: FieldValue) => {
    if (typeOf(k) === 'user') return dir.userName(v as number);
    if (typeOf(k) === 'attachment') return t('values.files', { count: (v as number[]).length });
    return Array.isArray(v) ? v.join(', ') : String(v);
  };
  return (
    <dl className="field-values">
      {keysShown.map((k) => (
        <div key={k}>
          <dt>{label(k)}</dt>
          <dd>{text(k, fields[k])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Who approves a request type's requests, in a few words. */
function approvalWho(plan: NonNullable<RequestType['approval']>): string {
  const words = plan.steps.map((s) =>
    s.approvers.kind === 'manager'
      ? translate('catalog:approval.manager')
      : s.approvers.kind === 'group'
        ? s.rule === 'all'
          ? translate('catalog:approval.groupAll')
          : translate('catalog:approval.groupAny')
        : s.rule === 'all'
          ? translate('catalog:approval.peopleAll', { count: s.approvers.userIds?.length ?? 0 })
          : translate('catalog:approval.peopleAny', { count: s.approvers.userIds?.length ?? 0 }),
  );
  return words.join(
    plan.order === 'sequence' ? translate('catalog:approval.then') : translate('catalog:approval.and'),
  );
}
