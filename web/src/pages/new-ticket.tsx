// An agent files a ticket for someone (/tickets/new): optionally from a ticket template (?template=ID), whose
// defaults fill the form — subject, text, type, category, impact, urgency, group, tags — to be changed before
// filing. The form keeps its text when filing fails.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { keys } from '../api/keys';
import { type TicketTemplate, useTicketTemplates } from '../api/macros';
import { createTicket, seedTicket } from '../api/tickets';
import type { LevelName } from '../api/types';
import { useDirectory } from '../ui/directory';
import { Field } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { ErrorMessage } from '../ui/messages';
import { useTitle } from '../ui/title';

interface Form {
  requesterId: string;
  title: string;
  description: string;
  type: 'incident' | 'request';
  categoryId: string;
  impact: LevelName;
  urgency: LevelName;
  groupId: string;
  tags: string;
}

const blank: Form = {
  requesterId: '',
  title: '',
  description: '',
  type: 'incident',
  categoryId: '',
  impact: 'medium',
  urgency: 'medium',
  groupId: '',
  tags: '',
};

function fromTemplate(form: Form, t: TicketTemplate): Form {
  const d = t.defaults;
  return {
    ...form,
    title: d.subject || form.title,
    description: d.body || form.description,
    type: d.type ?? form.type,
    categoryId: d.categoryId === null ? form.categoryId : String(d.categoryId),
    impact: d.impact ?? form.impact,
    urgency: d.urgency ?? form.urgency,
    groupId: d.groupId === null ? form.groupId : String(d.groupId),
    tags: d.tags.length ? d.tags.join(', ') : form.tags,
  };
}

export default function NewTicket() {
  const { t } = useTranslation('new-ticket');
  useTitle(t('title'));
  const dir = useDirectory();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const templates = useTicketTemplates();
  const [form, setForm] = useState<Form>(blank);
  const [applied, setApplied] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  // The template named in the address fills the form once it is known.
  const templateId = Number(params.get('template') ?? '') || null;
  useEffect(() => {
    const template = templates.data?.find((x) => x.id === templateId);
    if (template && applied !== template.id) {
      setForm((f) => fromTemplate(f, template));
      setApplied(template.id);
    }
  }, [templates.data, templateId, applied]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createTicket({
        title: form.title,
        description: form.description,
        type: form.type,
        impact: form.impact,
        urgency: form.urgency,
        ...(form.requesterId ? { requesterId: Number(form.requesterId) } : {}),
        ...(form.categoryId ? { categoryId: Number(form.categoryId) } : {}),
        ...(form.groupId ? { groupId: Number(form.groupId) } : {}),
        tags: form.tags
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      });
      seedTicket(qc, created);
      void qc.invalidateQueries({ queryKey: keys.tickets });
      navigate(`/tickets/${created.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const people = dir.users.filter((u) => u.active);
  return (
    <div className="page narrow">
      <h1>{t('title')}</h1>
      <form className="card form" onSubmit={submit}>
        <ErrorMessage error={error ?? templates.error} title={t('errors.file')} />
        <Field label={t('template.label')} hint={t('template.hint')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={templateId ?? ''}
              onChange={(e) => {
                setApplied(null);
                setParams(e.target.value ? { template: e.target.value } : {}, { replace: true });
              }}
            >
              <option value="">{t('template.none')}</option>
              {(templates.data ?? []).map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('requester.label')} hint={t('requester.hint')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={form.requesterId}
              onChange={(e) => set('requesterId', e.target.value)}
            >
              <option value="">{t('requester.me')}</option>
              {people.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('subject')}>
          {(id) => (
            <input
              id={id}
              required
              maxLength={200}
              value={form.title}
              onChange={(e) => set('title', e.target.value)}
            />
          )}
        </Field>
        <Field label={t('description')}>
          {(id) => (
            <textarea
              id={id}
              rows={6}
              value={form.description}
              onChange={(e) => set('description', e.target.value)}
            />
          )}
        </Field>
        <div className="field-row">
          <Field label={t('type.label')}>
            {(id) => (
              <select id={id} value={form.type} onChange={(e) => set('type', e.target.value as Form['type'])}>
                <option value="incident">{t('type.incident')}</option>
                <option value="request">{t('type.request')}</option>
              </select>
            )}
          </Field>
          <Field label={t('category')}>
            {(id) => (
              <select id={id} value={form.categoryId} onChange={(e) => set('categoryId', e.target.value)}>
                <option value="">{t('none')}</option>
                {dir.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="field-row">
          {(['impact', 'urgency'] as const).map((k) => (
            <Field key={k} label={k === 'impact' ? t('impact') : t('urgency')}>
              {(id) => (
                <select id={id} value={form[k]} onChange={(e) => set(k, e.target.value as LevelName)}>
                  {levelNames.map((l) => (
                    <option key={l} value={l}>
                      {priorityLabel[l]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ))}
        </div>
        <div className="field-row">
          <Field label={t('group')}>
            {(id) => (
              <select id={id} value={form.groupId} onChange={(e) => set('groupId', e.target.value)}>
                <option value="">{t('none')}</option>
                {dir.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('tags.label')} hint={t('tags.hint')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={form.tags}
                onChange={(e) => set('tags', e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('filing') : t('file')}
          </button>
          <Link to="/queue">{t('common:actions.cancel')}</Link>
        </div>
      </form>
    </div>
  );
}
