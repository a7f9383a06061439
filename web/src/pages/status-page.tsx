// A status page as its readers see it, at /status/:slug — without sign-in for a public page: the overall state,
// active announcements with their updates, scheduled maintenance, each component's state with 90-day uptime bars,
// past announcements, and subscribing by mail or webhook. The mails' confirm and unsubscribe links land here too
// (?confirm=… / ?unsubscribe=…) and act only when the reader presses the button: mail scanners open links.
import { type FormEvent, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import {
  type ComponentState,
  type ComponentView,
  type PublicAnnouncement,
  type StatusPageView,
  useStatusPageView,
  useSubscribe,
  useSubscriptionLink,
} from '../api/status-pages';
import { uiLocale } from '../locale';
import { useSession } from '../session';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage, Loading } from '../ui/messages';
import { impactLabel } from '../ui/status-banner';
import { useTitle } from '../ui/title';

export const componentStateLabel: Record<ComponentState, string> = {
  operational: 'Operational',
  maintenance: 'Under maintenance',
  unknown: 'No data',
  degraded: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
const overallLabel: Record<ComponentState, string> = {
  operational: 'All systems operational',
  maintenance: 'Maintenance in progress',
  unknown: 'Some systems are not monitored yet',
  degraded: 'Some systems are degraded',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
const stateWord: Record<PublicAnnouncement['state'], string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

const dayFormat = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium', timeStyle: 'short' });
const when = (iso: string) => timeFormat.format(new Date(iso));

function UptimeBars({ c, days, generatedAt }: { c: ComponentView; days: number; generatedAt: string }) {
  const bars = c.uptime;
  if (!bars) return <p className="uptime-none muted">Uptime history is not available yet.</p>;
  const end = new Date(generatedAt);
  return (
    <div className="uptime">
      <ol className="uptime-bars" aria-label={`${c.name}: uptime per day, the last ${days} days`}>
        {bars.map((u, i) => {
          const day = new Date(end.getTime() - (bars.length - 1 - i) * 86_400_000);
          const label = u === null ? 'no data' : u >= 0.9995 ? '100 % up' : `${(u * 100).toFixed(2)} % up`;
          const level = u === null ? 'none' : u >= 0.999 ? 'ok' : u >= 0.95 ? 'warn' : 'bad';
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: one bar per day, in order
            <li key={i} className={`uptime-bar uptime-${level}`} title={`${dayFormat.format(day)}: ${label}`}>
              <span className="visually-hidden">{`${dayFormat.format(day)}: ${label}`}</span>
            </li>
          );
        })}
      </ol>
      <p className="uptime-legend muted">
        <span>{days} days ago</span>
        <span>{c.uptimePercent === null ? 'no data' : `${c.uptimePercent.toFixed(2)} % uptime`}</span>
        <span>Today</span>
      </p>
    </div>
  );
}

function Announcement({ a, view }: { a: PublicAnnouncement; view: StatusPageView }) {
  const names = view.sections.flatMap((s) => s.components).filter((c) => a.componentIds.includes(c.id));
  return (
    <article className={`card announcement impact-${a.impact}`}>
      <h3>
        <span className={`badge impact-badge impact-${a.impact}`}>{impactLabel[a.impact]}</span> {a.title}
      </h3>
      {names.length > 0 && <p className="muted">Affects {names.map((n) => n.name).join(', ')}</p>}
      <ol className="announcement-updates">
        {a.updates.map((u) => (
          <li key={u.id}>
            <strong>{stateWord[u.state]}</strong> — {u.message}
            <br />
            <time className="muted" dateTime={u.at}>
              {when(u.at)}
            </time>
          </li>
        ))}
      </ol>
    </article>
  );
}

function SubscriptionLink({ action, token }: { action: 'confirm' | 'unsubscribe'; token: string }) {
  const link = useSubscriptionLink();
  return (
    <div className="card subscription-link" role="region" aria-label="Your subscription">
      {link.isSuccess ? (
        <p className="ok-text">
          {action === 'confirm'
            ? 'Subscribed: we will mail you when something changes.'
            : 'Unsubscribed: you will get no more mail about this page.'}
        </p>
      ) : (
        <>
          <p>
            {action === 'confirm'
              ? 'Confirm that you want mail about this page.'
              : 'Stop the mails about this page?'}
          </p>
          <ErrorMessage error={link.error} title="That did not work." />
          <button
            type="button"
            className="primary"
            disabled={link.isPending}
            onClick={() => link.mutate({ action, token })}
          >
            {action === 'confirm' ? 'Confirm subscription' : 'Unsubscribe'}
          </button>
        </>
      )}
    </div>
  );
}

function Subscribe({ slug }: { slug: string }) {
  const [kind, setKind] = useState<'mail' | 'webhook'>('mail');
  const [value, setValue] = useState('');
  const subscribe = useSubscribe(slug);
  function submit(e: FormEvent) {
    e.preventDefault();
    subscribe.mutate(kind === 'mail' ? { kind, email: value } : { kind, url: value });
  }
  const error = subscribe.error;
  return (
    <section className="card subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Get updates</h2>
      {subscribe.isSuccess ? (
        <div className="alert alert-ok" role="status">
          <p>{subscribe.data.message}</p>
          {subscribe.data.secret && (
            <p>
              Signing secret (shown only now): <code className="secret">{subscribe.data.secret}</code>
            </p>
          )}
        </div>
      ) : (
        <form onSubmit={submit} className="subscribe-form">
          <div className="segmented" role="group" aria-label="How to get updates">
            <button type="button" aria-pressed={kind === 'mail'} onClick={() => setKind('mail')}>
              Email
            </button>
            <button type="button" aria-pressed={kind === 'webhook'} onClick={() => setKind('webhook')}>
              Webhook
            </button>
          </div>
          <Field
            label={kind === 'mail' ? 'Email address' : 'Webhook URL'}
            error={fieldError(error, kind === 'mail' ? '/email' : '/url')}
          >
            {(id, d, invalid) => (
              <input
                id={id}
                aria-describedby={d}
                aria-invalid={invalid}
                type={kind === 'mail' ? 'email' : 'url'}
                required
                maxLength={kind === 'mail' ? 254 : 2000}
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
            )}
          </Field>
          {error instanceof ApiError && error.fields.length === 0 && (
            <ErrorMessage error={error} title="Not subscribed." />
          )}
          <button type="submit" className="primary" disabled={subscribe.isPending}>
            Subscribe
          </button>
        </form>
      )}
    </section>
  );
}

export default function StatusPagePage() {
  const { slug = '' } = useParams();
  const [search] = useSearchParams();
  const { user } = useSession();
  const view = useStatusPageView(slug);
  useTitle(view.data?.title ?? 'Status');
  const confirm = search.get('confirm');
  const unsubscribe = search.get('unsubscribe');
  const v = view.data;
  return (
    <div className="status-page">
      <header className="status-page-head">
        <div className="status-page-head-inner">
          <p className="brand">
            <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
              <rect width="32" height="32" rx="7" fill="var(--accent)" />
              <path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" />
            </svg>
            <span>{v?.title ?? 'Status'}</span>
          </p>
          {!user && (
            <Link to={`/sign-in?next=${encodeURIComponent(`/status/${slug}`)}`} className="button ghost">
              Sign in
            </Link>
          )}
          {user && (
            <Link to="/" className="button ghost">
              Back to opsdesk
            </Link>
          )}
        </div>
      </header>
      <main id="main" className="page narrow">
        {confirm && <SubscriptionLink action="confirm" token={confirm} />}
        {unsubscribe && <SubscriptionLink action="unsubscribe" token={unsubscribe} />}
        {view.isPending && <Loading />}
        {view.error && (
          <div className="empty">
            <p className="empty-title">
              {view.error instanceof ApiError && view.error.status === 404
                ? 'There is no status page here.'
                : 'The status page could not be loaded.'}
            </p>
            {!user && <p>If it is for signed-in users only, sign in first.</p>}
          </div>
        )}
        {v && (
          <>
            <h1 className="visually-hidden">{v.title}</h1>
            {v.description && <p className="status-description">{v.description}</p>}
            <p className={`status-overall state-${v.overall}`} role="status">
              {overallLabel[v.overall]}
            </p>
            {v.activeIncidents.length > 0 && (
              <section aria-labelledby="active-title">
                <h2 id="active-title">Current incidents</h2>
                {v.activeIncidents.map((a) => (
                  <Announcement key={a.id} a={a} view={v} />
                ))}
              </section>
            )}
            {v.maintenance.length > 0 && (
              <section aria-labelledby="maintenance-title">
                <h2 id="maintenance-title">Scheduled maintenance</h2>
                <ul className="card maintenance-list">
                  {v.maintenance.map((m) => (
                    <li key={m.id}>
                      <strong>{m.name}</strong>{' '}
                      {m.current && <span className="badge state-maintenance">Now</span>}
                      <br />
                      <span className="muted">
                        {when(m.startsAt)}
                        {m.endsAt ? ` – ${when(m.endsAt)}` : ', until further notice'}
                      </span>
                      {m.description && <p>{m.description}</p>}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {v.sections.map((s) => (
              <section key={s.name} className="card status-section" aria-label={s.name || 'Services'}>
                {s.name && <h2>{s.name}</h2>}
                <ul className="status-components">
                  {s.components.map((c) => (
                    <li key={c.id}>
                      <div className="status-component-head">
                        <span className="status-component-name">{c.name}</span>
                        <span className={`status-state state-${c.state}`}>
                          {componentStateLabel[c.state]}
                        </span>
                      </div>
                      <UptimeBars c={c} days={v.uptimeDays} generatedAt={v.generatedAt} />
                    </li>
                  ))}
                </ul>
              </section>
            ))}
            <Subscribe slug={v.slug} />
            <section aria-labelledby="history-title">
              <h2 id="history-title">Past incidents</h2>
              {v.history.length === 0 ? (
                <p className="muted">No incidents reported.</p>
              ) : (
                <ul className="history-list">
                  {v.history.map((a) => (
                    <li key={a.id}>
                      <span className={`badge impact-badge impact-${a.impact}`}>{impactLabel[a.impact]}</span>{' '}
                      <strong>{a.title}</strong>
                      <br />
                      <span className="muted">
                        {when(a.startedAt)}
                        {a.resolvedAt ? ` – resolved ${when(a.resolvedAt)}` : ''}
                      </span>
                      {a.updates[0] && <p>{a.updates[0].message}</p>}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <p className="status-foot muted">
              Updated <time dateTime={v.generatedAt}>{when(v.generatedAt)}</time> · powered by opsdesk
            </p>
          </>
        )}
      </main>
    </div>
  );
}
