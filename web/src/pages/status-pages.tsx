// The managers' status pages: each page's slug, title, audience and components (a monitoring target, picked by
// name, under a display name, in a section, optionally mapped to a help desk category), and its announcements —
// post one, then updates until it is resolved. The page itself is at /status/:slug.
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type Announcement,
  type AnnouncementInput,
  type StatusPage,
  type StatusPageInput,
  useAnnounceMaintenance,
  useAnnouncements,
  useDeleteStatusPage,
  usePostAnnouncement,
  useSaveStatusPage,
  useStatusPages,
  useStatusPageView,
  useUpdateAnnouncement,
} from '../api/status-pages';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { impactLabel } from '../ui/status-banner';
import { TargetCombobox } from '../ui/target-picker';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

type ComponentRow = NonNullable<StatusPageInput['components']>[number];
const impacts: AnnouncementInput['impact'][] = ['none', 'minor', 'major', 'critical'];
const states: NonNullable<AnnouncementInput['state']>[] = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
];

function emptyPage(): StatusPageInput {
  return { slug: '', title: '', description: '', audience: 'public', components: [] };
}
function inputOf(p: StatusPage): StatusPageInput {
  return {
    slug: p.slug,
    title: p.title,
    description: p.description,
    audience: p.audience,
    timeZone: p.timeZone,
    components: p.components.map((c) => ({
      id: c.id,
      targetId: c.targetId,
      displayName: c.displayName,
      section: c.section,
      categoryId: c.categoryId,
    })),
  };
}

/** The names of a page's targets by id, for the pickers (the input holds ids only). */
function targetNamesOf(p: StatusPage | null): Map<number, string> {
  return new Map((p?.components ?? []).map((c) => [c.targetId, c.targetName]));
}

function PageEditor({ page, onSaved }: { page: StatusPage | null; onSaved: (p: StatusPage) => void }) {
  const { t } = useTranslation('status-pages');
  const dir = useDirectory();
  const save = useSaveStatusPage();
  const remove = useDeleteStatusPage();
  const [form, setForm] = useState<StatusPageInput>(() => (page ? inputOf(page) : emptyPage()));
  const [names, setNames] = useState(() => targetNamesOf(page));
  useEffect(() => {
    setForm(page ? inputOf(page) : emptyPage());
    setNames(targetNamesOf(page));
  }, [page]);
  const set = (patch: Partial<StatusPageInput>) => setForm((f) => ({ ...f, ...patch }));
  const components = form.components ?? [];
  const setComponent = (i: number, patch: Partial<ComponentRow>) =>
    set({ components: components.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ id: page?.id ?? null, body: form }, { onSuccess: onSaved });
  }
  return (
    <form
      className="card form status-editor"
      onSubmit={submit}
      aria-label={page ? t('editor.edit', { title: page.title }) : t('new')}
    >
      <h2>{page ? page.title : t('new')}</h2>
      <ErrorMessage error={save.error ?? remove.error} title={t('notSaved')} />
      <div className="status-editor-grid">
        <Field label={t('editor.title')} error={fieldError(save.error, '/title')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={200}
              value={form.title}
              onChange={(e) => set({ title: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('editor.slug')} hint={t('editor.slugHint')} error={fieldError(save.error, '/slug')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={60}
              pattern="[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
              value={form.slug}
              onChange={(e) => set({ slug: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('editor.audience')}>
          {(id) => (
            <select
              id={id}
              value={form.audience}
              onChange={(e) => set({ audience: e.target.value as StatusPageInput['audience'] })}
            >
              <option value="public">{t('editor.public')}</option>
              <option value="signed_in">{t('editor.signedIn')}</option>
            </select>
          )}
        </Field>
      </div>
      <Field label={t('editor.description')}>
        {(id) => (
          <textarea
            id={id}
            rows={2}
            maxLength={2000}
            value={form.description ?? ''}
            onChange={(e) => set({ description: e.target.value })}
          />
        )}
      </Field>
      <fieldset className="status-editor-components">
        <legend>{t('editor.components')}</legend>
        {components.length === 0 && <p className="muted">{t('editor.noComponents')}</p>}
        {components.map((c, i) => (
          <div className="status-editor-row" key={c.id ?? `new-${i}`}>
            <Field label={t('editor.target')} error={fieldError(save.error, `/components/${i}/targetId`)}>
              {(id, d, invalid) => (
                <TargetCombobox
                  id={id}
                  describedBy={d}
                  invalid={invalid}
                  required
                  value={
                    c.targetId
                      ? {
                          id: c.targetId,
                          name:
                            names.get(c.targetId) ?? t('editor.targetFallback', { id: String(c.targetId) }),
                        }
                      : null
                  }
                  onPick={(target) => {
                    setNames((m) => new Map(m).set(target.id, target.name));
                    // A new component is shown under its target's name until someone names it otherwise.
                    setComponent(i, { targetId: target.id, displayName: c.displayName || target.name });
                  }}
                />
              )}
            </Field>
            <Field label={t('editor.shownAs')}>
              {(id) => (
                <input
                  id={id}
                  required
                  maxLength={120}
                  value={c.displayName}
                  onChange={(e) => setComponent(i, { displayName: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('editor.section')}>
              {(id) => (
                <input
                  id={id}
                  maxLength={120}
                  value={c.section ?? ''}
                  onChange={(e) => setComponent(i, { section: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('editor.category')}>
              {(id) => (
                <select
                  id={id}
                  value={c.categoryId ?? ''}
                  onChange={(e) =>
                    setComponent(i, { categoryId: e.target.value ? Number(e.target.value) : null })
                  }
                >
                  <option value="">{t('editor.noCategory')}</option>
                  {dir.categories.map((cat) => (
                    <option key={cat.id} value={cat.id}>
                      {cat.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button
              type="button"
              className="ghost"
              aria-label={
                c.displayName ? t('editor.removeNamed', { name: c.displayName }) : t('editor.removeComponent')
              }
              onClick={() => set({ components: components.filter((_, j) => j !== i) })}
            >
              {t('editor.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => set({ components: [...components, { targetId: 0, displayName: '', section: '' }] })}
        >
          {t('editor.addComponent')}
        </button>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {page ? t('editor.save') : t('editor.create')}
        </button>
        {page && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() =>
              window.confirm(t('editor.deleteConfirm', { title: page.title })) && remove.mutate(page.id)
            }
          >
            {t('editor.delete')}
          </button>
        )}
      </div>
    </form>
  );
}

function AnnouncementCard({
  pageId,
  a,
  names,
}: {
  pageId: number;
  a: Announcement;
  names: Map<number, string>;
}) {
  const { t } = useTranslation('status-pages');
  const update = useUpdateAnnouncement(pageId);
  const [message, setMessage] = useState('');
  const [state, setState] = useState(a.state);
  function submit(e: FormEvent) {
    e.preventDefault();
    update.mutate({ incidentId: a.id, body: { message, state } }, { onSuccess: () => setMessage('') });
  }
  return (
    <article className={`card announcement impact-${a.impact}`}>
      <h3>
        <span className={`badge impact-badge impact-${a.impact}`}>{impactLabel(a.impact)}</span> {a.title}
      </h3>
      <p className="muted">
        {t(`state.${a.state}`)} · {t('announcement.started')} <Time iso={a.startedAt} />
        {a.componentIds.length > 0 && ` · ${a.componentIds.map((c) => names.get(c) ?? `#${c}`).join(', ')}`}
        {a.ticketIds.length > 0 && ` · ${t('announcement.tickets', { count: a.ticketIds.length })}`}
        {a.incidentId && (
          <>
            {' · '}
            <Link to={`/incidents/${a.incidentId}`}>
              {t('announcement.incident', { id: String(a.incidentId) })}
            </Link>
          </>
        )}
      </p>
      <ol className="announcement-updates">
        {a.updates.map((u) => (
          <li key={u.id}>
            <strong>{t(`state.${u.state}`)}</strong> — {u.message} <Time iso={u.at} />
          </li>
        ))}
      </ol>
      {a.state !== 'resolved' && (
        <form onSubmit={submit} className="announcement-update-form">
          <ErrorMessage error={update.error} title={t('announcement.updateFailed')} />
          <Field label={t('announcement.update')}>
            {(id) => (
              <textarea
                id={id}
                rows={2}
                required
                maxLength={5000}
                value={message}
                onChange={(e) => setMessage(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('announcement.state')}>
            {(id) => (
              <select id={id} value={state} onChange={(e) => setState(e.target.value as typeof state)}>
                {states.map((s) => (
                  <option key={s} value={s}>
                    {t(`state.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={update.isPending}>
            {t('announcement.post')}
          </button>
        </form>
      )}
    </article>
  );
}

/** The page's current and upcoming maintenance (from the targets' windows), each announceable to subscribers. */
function Maintenance({ page }: { page: StatusPage }) {
  const { t } = useTranslation('status-pages');
  const view = useStatusPageView(page.slug);
  const announce = useAnnounceMaintenance(page.id);
  const windows = view.data?.maintenance ?? [];
  if (windows.length === 0) return null;
  return (
    <section className="card status-editor" aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">{t('maintenance.title')}</h2>
      <ErrorMessage error={announce.error} title={t('maintenance.failed')} />
      {announce.isSuccess && (
        <p className="ok-text" role="status">
          {announce.data.queued === 0
            ? t('maintenance.nothingNew')
            : t('maintenance.sent', { count: announce.data.queued })}
        </p>
      )}
      <ul className="maintenance-list">
        {windows.map((m) => (
          <li key={m.id}>
            <strong>{m.name}</strong> <Time iso={m.startsAt} />{' '}
            <button type="button" disabled={announce.isPending} onClick={() => announce.mutate(m.id)}>
              {t('maintenance.announce')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Announcements({ page }: { page: StatusPage }) {
  const { t } = useTranslation('status-pages');
  const list = useAnnouncements(page.id);
  const post = usePostAnnouncement(page.id);
  const empty = (): AnnouncementInput => ({ title: '', impact: 'minor', message: '', componentIds: [] });
  const [form, setForm] = useState<AnnouncementInput>(empty);
  const names = new Map(page.components.map((c) => [c.id, c.displayName]));
  function submit(e: FormEvent) {
    e.preventDefault();
    post.mutate(form, { onSuccess: () => setForm(empty()) });
  }
  return (
    <section aria-labelledby="announcements-title">
      <h2 id="announcements-title">{t('announcements.title')}</h2>
      <form className="card form" onSubmit={submit} aria-label={t('announcements.new')}>
        <ErrorMessage error={post.error} title={t('announcements.failed')} />
        <Field label={t('announcements.titleLabel')} hint={t('announcements.titleHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={200}
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('announcements.impact')}>
          {(id) => (
            <select
              id={id}
              value={form.impact}
              onChange={(e) => setForm({ ...form, impact: e.target.value as AnnouncementInput['impact'] })}
            >
              {impacts.map((i) => (
                <option key={i} value={i}>
                  {impactLabel(i)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('announcements.message')}>
          {(id) => (
            <textarea
              id={id}
              rows={3}
              required
              maxLength={5000}
              value={form.message}
              onChange={(e) => setForm({ ...form, message: e.target.value })}
            />
          )}
        </Field>
        {page.components.length > 0 && (
          <fieldset className="checkbox-list">
            <legend>{t('announcements.components')}</legend>
            {page.components.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={form.componentIds.includes(c.id)}
                  onChange={(e) =>
                    setForm({
                      ...form,
                      componentIds: e.target.checked
                        ? [...form.componentIds, c.id]
                        : form.componentIds.filter((x) => x !== c.id),
                    })
                  }
                />{' '}
                {c.displayName}
              </label>
            ))}
          </fieldset>
        )}
        <button type="submit" className="primary" disabled={post.isPending}>
          {t('announcements.post')}
        </button>
      </form>
      <Maintenance page={page} />
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} title={t('announcements.loadFailed')} />
      {list.data?.map((a) => (
        <AnnouncementCard key={a.id} pageId={page.id} a={a} names={names} />
      ))}
    </section>
  );
}

export default function StatusPagesAdmin() {
  const { t } = useTranslation('status-pages');
  useTitle(t('title'));
  const pages = useStatusPages();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const list = pages.data ?? [];
  const current = typeof selected === 'number' ? (list.find((p) => p.id === selected) ?? null) : null;
  return (
    <div className="page">
      <p className="muted">
        <Link to="/admin">{t('admin')}</Link> ›
      </p>
      <div className="page-head">
        <h1>{t('title')}</h1>
        <button type="button" className="primary" onClick={() => setSelected('new')}>
          {t('new')}
        </button>
      </div>
      {pages.isPending && <Loading />}
      <ErrorMessage error={pages.error} title={t('loadFailed')} />
      {pages.data && list.length === 0 && selected !== 'new' && (
        <Empty title={t('empty')}>
          <p>{t('emptyHint')}</p>
        </Empty>
      )}
      {list.length > 0 && (
        <ul className="card-list status-page-list">
          {list.map((p) => (
            <li key={p.id} className="card">
              <button
                type="button"
                className="ghost"
                aria-pressed={selected === p.id}
                onClick={() => setSelected(p.id)}
              >
                {p.title}
              </button>{' '}
              <span className="muted">
                {t('summary', {
                  path: `/status/${p.slug}`,
                  audience: p.audience,
                  components: p.components.length,
                  active: p.activeIncidents,
                  subscribers: p.subscribers.mail + p.subscribers.webhook,
                })}
              </span>{' '}
              <Link to={`/status/${p.slug}`}>{t('open')}</Link>
            </li>
          ))}
        </ul>
      )}
      {selected === 'new' && <PageEditor page={null} onSaved={(p) => setSelected(p.id)} />}
      {current && (
        <div className="two-col">
          <PageEditor page={current} onSaved={(p) => setSelected(p.id)} />
          <Announcements page={current} />
        </div>
      )}
    </div>
  );
}
