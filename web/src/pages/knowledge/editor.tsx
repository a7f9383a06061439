// The article editor (staff): title, kind, audience, category, tags, the Markdown with a live preview rendered
// by the server, the policy fields for policies and procedures, and a change note. An edit names the version
// it started from: when someone saved in between, the conflict is said plainly and the text is kept.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import {
  type ArticleAudience,
  type ArticleKind,
  type ArticlePatch,
  articleKinds,
  isPolicyKind,
  type RenderedArticle,
  useArticle,
  useCreateArticle,
  useKbCategories,
  usePreview,
  useUpdateArticle,
} from '../../api/knowledge';
import { isManager, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { EditorAttachments } from './attachments';
import { articleAudiences, useDebounced } from './parts';

interface Draft {
  title: string;
  kind: ArticleKind;
  audience: ArticleAudience;
  categoryId: string;
  tags: string;
  body: string;
  ownerId: string;
  effective: string;
  interval: string;
  requiresAck: boolean;
  note: string;
}

/** A day (yyyy-mm-dd, the date input's value) of an ISO time, in the browser's zone. */
function dayOf(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
const isoOfDay = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : null);

function draftOf(a: RenderedArticle): Draft {
  return {
    title: a.title,
    kind: a.kind,
    audience: a.audience,
    categoryId: a.categoryId === null ? '' : String(a.categoryId),
    tags: a.tags.join(', '),
    body: a.body,
    ownerId: a.ownerId === null ? '' : String(a.ownerId),
    effective: dayOf(a.effectiveAt),
    interval: a.reviewIntervalDays === null ? '' : String(a.reviewIntervalDays),
    requiresAck: a.requiresAck,
    note: '',
  };
}

const tagList = (s: string) =>
  s
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);

function Editor({ article, initialTitle }: { article: RenderedArticle | null; initialTitle: string }) {
  const { t } = useTranslation('knowledge');
  const user = useUser();
  const navigate = useNavigate();
  const dir = useDirectory();
  const categories = useKbCategories();
  const create = useCreateArticle();
  const update = useUpdateArticle(article?.id ?? 0);
  const latest = useArticle(article?.id ?? 0, false);
  const [base, setBase] = useState(article);
  const [d, setD] = useState<Draft>(() =>
    article
      ? draftOf(article)
      : {
          title: initialTitle,
          kind: 'faq',
          audience: 'public',
          categoryId: '',
          tags: '',
          body: '',
          ownerId: '',
          effective: '',
          interval: '',
          requiresAck: false,
          note: '',
        },
  );
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const previewBody = useDebounced(d.body, 400);
  const preview = usePreview(previewBody);
  const policy = isPolicyKind(d.kind);
  const error = create.error ?? update.error;
  const conflict = error instanceof ApiError && error.code === 'article_edit_conflict';
  const busy = create.isPending || update.isPending;
  const staffUsers = dir.users.filter((u) => u.role !== 'requester' && u.active);
  // The save button is at the foot of a long form: a refusal is brought into view where it is said.
  const problem = useRef<HTMLDivElement>(null);
  const text = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (error) problem.current?.scrollIntoView({ block: 'center' });
  }, [error]);

  async function save(e: FormEvent) {
    e.preventDefault();
    const common = {
      title: d.title,
      body: d.body,
      kind: d.kind,
      audience: d.audience,
      categoryId: d.categoryId ? Number(d.categoryId) : null,
      tags: tagList(d.tags),
      ...(d.note.trim() ? { note: d.note.trim() } : {}),
    };
    const ownerId = d.ownerId ? Number(d.ownerId) : null;
    const effectiveAt = isoOfDay(d.effective);
    const reviewIntervalDays = d.interval ? Number(d.interval) : null;
    if (!base) {
      const created = await create
        .mutateAsync({
          ...common,
          ...(policy ? { ownerId, effectiveAt, reviewIntervalDays, requiresAck: d.requiresAck } : {}),
        })
        .catch(() => null);
      if (created) navigate(`/kb/${created.id}`);
      return;
    }
    // Only the policy fields that changed: a published policy's owner and dates are the publisher's to change.
    const patch: ArticlePatch = { baseVersion: base.version, ...common };
    if (policy) {
      if (ownerId !== base.ownerId) patch.ownerId = ownerId;
      if (dayOf(base.effectiveAt) !== d.effective) patch.effectiveAt = effectiveAt;
      if (reviewIntervalDays !== base.reviewIntervalDays) patch.reviewIntervalDays = reviewIntervalDays;
      if (d.requiresAck !== base.requiresAck) patch.requiresAck = d.requiresAck;
    }
    const saved = await update.mutateAsync(patch).catch(() => null);
    if (saved) navigate(`/kb/${saved.id}`);
  }

  /** Put Markdown where the cursor was in the text (over any selection), the cursor after it. */
  function insertAtCursor(markdown: string) {
    const area = text.current;
    const start = area ? area.selectionStart : d.body.length;
    const end = area ? area.selectionEnd : d.body.length;
    const next = d.body.slice(0, start) + markdown + d.body.slice(end);
    set('body', next);
    requestAnimationFrame(() => {
      if (!area) return;
      area.focus();
      area.setSelectionRange(start + markdown.length, start + markdown.length);
    });
  }

  async function reload() {
    const fresh = await latest.refetch();
    if (fresh.data) {
      setBase(fresh.data);
      setD(draftOf(fresh.data));
      update.reset();
    }
  }

  return (
    <div className="page kb-editor-page">
      <p className="kb-crumbs">
        <Link to={base ? `/kb/${base.id}` : '/kb'}>← {base ? base.title : t('title')}</Link>
      </p>
      <h1>{base ? t('editor.editTitle', { title: base.title }) : t('newArticle')}</h1>
      <form className="kb-editor" onSubmit={save} aria-label={base ? t('editor.edit') : t('newArticle')}>
        <div ref={problem}>
          {conflict ? (
            <div className="alert alert-error" role="alert">
              <Trans
                t={t}
                i18nKey="editor.conflict"
                values={{ message: (error as ApiError).message }}
                components={{ strong: <strong /> }}
              />
              <div className="actions">
                <button type="button" onClick={() => void reload()} disabled={latest.isFetching}>
                  {t('editor.loadLatest')}
                </button>
              </div>
            </div>
          ) : (
            <ErrorMessage error={error} title={t('editor.notSaved')} />
          )}
        </div>
        <div className="card kb-editor-fields">
          <Field label={t('editor.titleField')} error={fieldError(error, '/title')}>
            {(id, desc) => (
              <input
                id={id}
                aria-describedby={desc}
                required
                maxLength={200}
                value={d.title}
                onChange={(e) => set('title', e.target.value)}
              />
            )}
          </Field>
          <div className="kb-editor-row">
            <Field label={t('filter.kind')}>
              {(id) => (
                <select id={id} value={d.kind} onChange={(e) => set('kind', e.target.value as ArticleKind)}>
                  {articleKinds.map((k) => (
                    <option key={k} value={k}>
                      {t(`kind.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('filter.audience')}>
              {(id) => (
                <select
                  id={id}
                  value={d.audience}
                  onChange={(e) => set('audience', e.target.value as ArticleAudience)}
                >
                  {articleAudiences
                    .filter((a) => a !== 'managers' || isManager(user))
                    .map((a) => (
                      <option key={a} value={a}>
                        {t(`audience.${a}`)}
                      </option>
                    ))}
                </select>
              )}
            </Field>
            <Field label={t('filter.category')}>
              {(id) => (
                <select id={id} value={d.categoryId} onChange={(e) => set('categoryId', e.target.value)}>
                  <option value="">{t('side.none')}</option>
                  {(categories.data ?? []).map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('side.tags')} hint={t('editor.tagsHint')}>
              {(id, desc) => (
                <input
                  id={id}
                  aria-describedby={desc}
                  value={d.tags}
                  onChange={(e) => set('tags', e.target.value)}
                />
              )}
            </Field>
          </div>
          {policy && (
            <fieldset className="kb-policy-fields">
              <legend>{t('editor.policyDetails', { kind: d.kind })}</legend>
              <div className="kb-editor-row">
                <Field label={t('policy.owner')}>
                  {(id) => (
                    <select id={id} value={d.ownerId} onChange={(e) => set('ownerId', e.target.value)}>
                      <option value="">{t('policy.nobodyYet')}</option>
                      {staffUsers.map((u) => (
                        <option key={u.id} value={u.id}>
                          {u.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('editor.effectiveFrom')}>
                  {(id) => (
                    <input
                      id={id}
                      type="date"
                      value={d.effective}
                      onChange={(e) => set('effective', e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('editor.reviewEvery')} error={fieldError(error, '/reviewIntervalDays')}>
                  {(id) => (
                    <input
                      id={id}
                      type="number"
                      min={1}
                      max={3650}
                      value={d.interval}
                      onChange={(e) => set('interval', e.target.value)}
                    />
                  )}
                </Field>
              </div>
              <label className="inline">
                <input
                  type="checkbox"
                  checked={d.requiresAck}
                  onChange={(e) => set('requiresAck', e.target.checked)}
                />
                <span>{t('editor.requiresAck')}</span>
              </label>
            </fieldset>
          )}
        </div>
        <div className="kb-editor-split">
          <Field label={t('editor.body')} hint={t('editor.bodyHint')}>
            {(id, desc) => (
              <textarea
                id={id}
                ref={text}
                aria-describedby={desc}
                className="kb-markdown"
                rows={18}
                value={d.body}
                onChange={(e) => set('body', e.target.value)}
              />
            )}
          </Field>
          <section className="kb-preview" aria-labelledby="kb-preview-title" aria-busy={preview.isFetching}>
            <h2 id="kb-preview-title" className="kb-preview-title">
              {t('editor.preview')}
            </h2>
            <ErrorMessage error={preview.error} title={t('editor.previewFailed')} />
            {preview.data ? (
              // biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server
              <div className="card kb-html" dangerouslySetInnerHTML={{ __html: preview.data }} />
            ) : (
              <p className="muted small">{t('editor.previewEmpty')}</p>
            )}
          </section>
        </div>
        <EditorAttachments articleId={base?.id ?? null} onInsert={insertAtCursor} />
        <Field label={t('editor.note')} hint={t('editor.noteHint')}>
          {(id, desc) => (
            <input
              id={id}
              aria-describedby={desc}
              maxLength={500}
              value={d.note}
              onChange={(e) => set('note', e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('editor.saving') : base ? t('editor.saveChanges') : t('editor.saveDraft')}
          </button>
          <Link to={base ? `/kb/${base.id}` : '/kb'}>{t('common:actions.cancel')}</Link>
        </div>
      </form>
    </div>
  );
}

export default function ArticleEditor() {
  const { t } = useTranslation('knowledge');
  const params = useParams();
  const [search] = useSearchParams();
  const id = params.id ? Number(params.id) : null;
  const article = useArticle(id ?? 0, id !== null);
  useTitle(id === null ? t('newArticle') : t('editor.edit'));
  // A new article from a search gap or a link: its title filled in.
  const [initialTitle] = useState(() => search.get('title') ?? '');
  useEffect(() => {
    window.scrollTo(0, 0);
  }, []);
  if (id === null) return <Editor article={null} initialTitle={initialTitle} />;
  if (article.isPending) return <Loading label={t('article.opening')} />;
  if (article.error)
    return (
      <div className="page narrow">
        <ErrorMessage error={article.error} title={t('article.openFailed')} />
        <Link to="/kb">{t('article.back')}</Link>
      </div>
    );
  return <Editor key={article.data.id} article={article.data} initialTitle="" />;
}
