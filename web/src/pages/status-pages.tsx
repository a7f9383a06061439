// The managers' status pages: each page's slug, title, audience and components (a monitoring target, picked by
// name, under a display name, in a section, optionally mapped to a help desk category), and its announcements —
// post one, then updates until it is resolved. The page itself is at /status/:slug.
import { type FormEvent, useEffect, useState } from 'react';
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
      aria-label={page ? `Edit ${page.title}` : 'New status page'}
    >
      <h2>{page ? page.title : 'New status page'}</h2>
      <ErrorMessage error={save.error ?? remove.error} title="Not saved." />
      <div className="status-editor-grid">
        <Field label="Title" error={fieldError(save.error, '/title')}>
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
        <Field label="Slug" hint="The address: /status/<slug>" error={fieldError(save.error, '/slug')}>
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
        <Field label="Who may read it">
          {(id) => (
            <select
              id={id}
              value={form.audience}
              onChange={(e) => set({ audience: e.target.value as StatusPageInput['audience'] })}
            >
              <option value="public">Anyone (public)</option>
              <option value="signed_in">Signed-in users</option>
            </select>
          )}
        </Field>
      </div>
      <Field label="Description">
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
        <legend>Components</legend>
        {components.length === 0 && (
          <p className="muted">No components yet: add the monitoring targets readers care about.</p>
        )}
        {components.map((c, i) => (
          <div className="status-editor-row" key={c.id ?? `new-${i}`}>
            <Field label="Target" error={fieldError(save.error, `/components/${i}/targetId`)}>
              {(id, d, invalid) => (
                <TargetCombobox
                  id={id}
                  describedBy={d}
                  invalid={invalid}
                  required
                  value={
                    c.targetId
                      ? { id: c.targetId, name: names.get(c.targetId) ?? `Target ${c.targetId}` }
                      : null
                  }
                  onPick={(t) => {
                    setNames((m) => new Map(m).set(t.id, t.name));
                    // A new component is shown under its target's name until someone names it otherwise.
                    setComponent(i, { targetId: t.id, displayName: c.displayName || t.name });
                  }}
                />
              )}
            </Field>
            <Field label="Shown as">
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
            <Field label="Section">
              {(id) => (
                <input
                  id={id}
                  maxLength={120}
                  value={c.section ?? ''}
                  onChange={(e) => setComponent(i, { section: e.target.value })}
                />
              )}
            </Field>
            <Field label="Tickets in category">
              {(id) => (
                <select
                  id={id}
                  value={c.categoryId ?? ''}
                  onChange={(e) =>
                    setComponent(i, { categoryId: e.target.value ? Number(e.target.value) : null })
                  }
                >
                  <option value="">None</option>
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
              aria-label={`Remove ${c.displayName || 'component'}`}
              onClick={() => set({ components: components.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => set({ components: [...components, { targetId: 0, displayName: '', section: '' }] })}
        >
          Add component
        </button>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {page ? 'Save page' : 'Create page'}
        </button>
        {page && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() =>
              window.confirm(`Delete ${page.title} with its announcements and subscribers?`) &&
              remove.mutate(page.id)
            }
          >
            Delete page
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
        <span className={`badge impact-badge impact-${a.impact}`}>{impactLabel[a.impact]}</span> {a.title}
      </h3>
      <p className="muted">
        {a.state} · started <Time iso={a.startedAt} />
        {a.componentIds.length > 0 && ` · ${a.componentIds.map((c) => names.get(c) ?? `#${c}`).join(', ')}`}
        {a.ticketIds.length > 0 &&
          ` · ${a.ticketIds.length} ticket${a.ticketIds.length === 1 ? '' : 's'} linked`}
        {a.incidentId && (
          <>
            {' · '}
            <Link to={`/incidents/${a.incidentId}`}>incident #{a.incidentId}</Link>
          </>
        )}
      </p>
      <ol className="announcement-updates">
        {a.updates.map((u) => (
          <li key={u.id}>
            <strong>{u.state}</strong> — {u.message} <Time iso={u.at} />
          </li>
        ))}
      </ol>
      {a.state !== 'resolved' && (
        <form onSubmit={submit} className="announcement-update-form">
          <ErrorMessage error={update.error} title="Update not posted." />
          <Field label="Update">
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
          <Field label="State">
            {(id) => (
              <select id={id} value={state} onChange={(e) => setState(e.target.value as typeof state)}>
                {states.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={update.isPending}>
            Post update
          </button>
        </form>
      )}
    </article>
  );
}

/** The page's current and upcoming maintenance (from the targets' windows), each announceable to subscribers. */
function Maintenance({ page }: { page: StatusPage }) {
  const view = useStatusPageView(page.slug);
  const announce = useAnnounceMaintenance(page.id);
  const windows = view.data?.maintenance ?? [];
  if (windows.length === 0) return null;
  return (
    <section className="card status-editor" aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">Scheduled maintenance</h2>
      <ErrorMessage error={announce.error} title="Not announced." />
      {announce.isSuccess && (
        <p className="ok-text" role="status">
          {announce.data.queued === 0
            ? 'Nothing new to send: subscribers were told already.'
            : `Sent to ${announce.data.queued} subscriber${announce.data.queued === 1 ? '' : 's'}.`}
        </p>
      )}
      <ul className="maintenance-list">
        {windows.map((m) => (
          <li key={m.id}>
            <strong>{m.name}</strong> <Time iso={m.startsAt} />{' '}
            <button type="button" disabled={announce.isPending} onClick={() => announce.mutate(m.id)}>
              Announce to subscribers
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Announcements({ page }: { page: StatusPage }) {
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
      <h2 id="announcements-title">Announcements</h2>
      <form className="card form" onSubmit={submit} aria-label="New announcement">
        <ErrorMessage error={post.error} title="Not posted." />
        <Field label="Title" hint="What readers see, like “VPN degraded”">
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
        <Field label="Impact">
          {(id) => (
            <select
              id={id}
              value={form.impact}
              onChange={(e) => setForm({ ...form, impact: e.target.value as AnnouncementInput['impact'] })}
            >
              {impacts.map((i) => (
                <option key={i} value={i}>
                  {impactLabel[i]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Message">
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
            <legend>Affected components</legend>
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
          Post announcement
        </button>
      </form>
      <Maintenance page={page} />
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} title="Announcements could not be loaded." />
      {list.data?.map((a) => (
        <AnnouncementCard key={a.id} pageId={page.id} a={a} names={names} />
      ))}
    </section>
  );
}

export default function StatusPagesAdmin() {
  useTitle('Status pages');
  const pages = useStatusPages();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const list = pages.data ?? [];
  const current = typeof selected === 'number' ? (list.find((p) => p.id === selected) ?? null) : null;
  return (
    <div className="page">
      <p className="muted">
        <Link to="/admin">Administration</Link> ›
      </p>
      <div className="page-head">
        <h1>Status pages</h1>
        <button type="button" className="primary" onClick={() => setSelected('new')}>
          New status page
        </button>
      </div>
      {pages.isPending && <Loading />}
      <ErrorMessage error={pages.error} title="Status pages could not be loaded." />
      {pages.data && list.length === 0 && selected !== 'new' && (
        <Empty title="No status pages yet.">
          <p>A status page tells users what is down before they file a ticket about it.</p>
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
                /status/{p.slug} · {p.audience === 'public' ? 'public' : 'signed-in users'} ·{' '}
                {p.components.length} components · {p.activeIncidents} active ·{' '}
                {p.subscribers.mail + p.subscribers.webhook} subscribers
              </span>{' '}
              <Link to={`/status/${p.slug}`}>Open</Link>
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
