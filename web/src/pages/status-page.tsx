// A status page as its readers see it, at /status/:slug — without sign-in for a public page: the overall state,
// active announcements with their updates, scheduled maintenance, each component's state with 90-day uptime bars,
// past announcements, and subscribing by mail or webhook. The mails' confirm and unsubscribe links land here too
// (?confirm=… / ?unsubscribe=…) and act only when the reader presses the button: mail scanners open links.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
import { t as translate } from '../i18n';
import { dateTimeFormat, numberFormat } from '../locale';
import { useSession } from '../session';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage, Loading } from '../ui/messages';
import { impactLabel } from '../ui/status-banner';
import { useTitle } from '../ui/title';

/** A component's state as readers see it, in their language (read when shown). */
export const componentStateLabel = (state: ComponentState) => translate(`status-page:component.${state}`);
const overallLabel = (state: ComponentState) => translate(`status-page:overall.${state}`);
const stateWord = (state: PublicAnnouncement['state']) => translate(`status-page:update.${state}`);

const dayFormat = dateTimeFormat({ dateStyle: 'medium' });
const timeFormat = dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });
const when = (iso: string) => timeFormat.format(new Date(iso));
const uptimeFormat = numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 });

function UptimeBars({ c, days, generatedAt }: { c: ComponentView; days: number; generatedAt: string }) {
  const { t } = useTranslation('status-page');
  const bars = c.uptime;
  if (!bars) return <p className="uptime-none muted">{t('uptime.none')}</p>;
  const end = new Date(generatedAt);
  return (
    <div className="uptime">
      <ol className="uptime-bars" aria-label={t('uptime.label', { name: c.name, days })}>
        {bars.map((u, i) => {
          const day = new Date(end.getTime() - (bars.length - 1 - i) * 86_400_000);
          const label =
            u === null
              ? t('uptime.noData')
              : t('uptime.dayUp', { percent: u >= 0.9995 ? '100' : uptimeFormat.format(u * 100) });
          const level = u === null ? 'none' : u >= 0.999 ? 'ok' : u >= 0.95 ? 'warn' : 'bad';
          return (
            <li
              key={day.getTime()}
              className={`uptime-bar uptime-${level}`}
              title={t('uptime.day', { day: dayFormat.format(day), label })}
            >
              <span className="visually-hidden">
                {t('uptime.day', { day: dayFormat.format(day), label })}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="uptime-legend muted">
        <span>{t('uptime.daysAgo', { days })}</span>
        <span>
          {c.uptimePercent === null
            ? t('uptime.noData')
            : t('uptime.percent', { percent: uptimeFormat.format(c.uptimePercent) })}
        </span>
        <span>{t('uptime.today')}</span>
      </p>
    </div>
  );
}

function Announcement({ a, view }: { a: PublicAnnouncement; view: StatusPageView }) {
  const { t } = useTranslation('status-page');
  const names = view.sections.flatMap((s) => s.components).filter((c) => a.componentIds.includes(c.id));
  return (
    <article className={`card announcement impact-${a.impact}`}>
      <h3>
        <span className={`badge impact-badge impact-${a.impact}`}>{impactLabel(a.impact)}</span> {a.title}
      </h3>
      {names.length > 0 && (
        <p className="muted">{t('affects', { names: names.map((n) => n.name).join(', ') })}</p>
      )}
      <ol className="announcement-updates">
        {a.updates.map((u) => (
          <li key={u.id}>
            <strong>{stateWord(u.state)}</strong> — {u.message}
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
  const { t } = useTranslation('status-page');
  const link = useSubscriptionLink();
  return (
    <div className="card subscription-link" role="region" aria-label={t('link.label')}>
      {link.isSuccess ? (
        <p className="ok-text">{action === 'confirm' ? t('link.subscribed') : t('link.unsubscribed')}</p>
      ) : (
        <>
          <p>{action === 'confirm' ? t('link.confirmQuestion') : t('link.stopQuestion')}</p>
          <ErrorMessage error={link.error} title={t('link.failed')} />
          <button
            type="button"
            className="primary"
            disabled={link.isPending}
            onClick={() => link.mutate({ action, token })}
          >
            {action === 'confirm' ? t('link.confirm') : t('link.unsubscribe')}
          </button>
        </>
      )}
    </div>
  );
}

function Subscribe({ slug }: { slug: string }) {
  const { t } = useTranslation('status-page');
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
      <h2 id="subscribe-title">{t('subscribe.title')}</h2>
      {subscribe.isSuccess ? (
        <div className="alert alert-ok" role="status">
          <p>{subscribe.data.message}</p>
          {subscribe.data.secret && (
            <p>
              {t('subscribe.secret')} <code className="secret">{subscribe.data.secret}</code>
            </p>
          )}
        </div>
      ) : (
        <form onSubmit={submit} className="subscribe-form">
          <div className="segmented" role="group" aria-label={t('subscribe.how')}>
            <button type="button" aria-pressed={kind === 'mail'} onClick={() => setKind('mail')}>
              {t('subscribe.email')}
            </button>
            <button type="button" aria-pressed={kind === 'webhook'} onClick={() => setKind('webhook')}>
              {t('subscribe.webhook')}
            </button>
          </div>
          <Field
            label={kind === 'mail' ? t('subscribe.address') : t('subscribe.url')}
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
            <ErrorMessage error={error} title={t('subscribe.failed')} />
          )}
          <button type="submit" className="primary" disabled={subscribe.isPending}>
            {t('subscribe.submit')}
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
  const { t } = useTranslation('status-page');
  useTitle(view.data?.title ?? t('title'));
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
            <span>{v?.title ?? t('title')}</span>
          </p>
          {!user && (
            <Link to={`/sign-in?next=${encodeURIComponent(`/status/${slug}`)}`} className="button ghost">
              {t('signIn')}
            </Link>
          )}
          {user && (
            <Link to="/" className="button ghost">
              {t('back')}
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
              {view.error instanceof ApiError && view.error.status === 404 ? t('notFound') : t('loadFailed')}
            </p>
            {!user && <p>{t('signInFirst')}</p>}
          </div>
        )}
        {v && (
          <>
            <h1 className="visually-hidden">{v.title}</h1>
            {v.description && <p className="status-description">{v.description}</p>}
            <p className={`status-overall state-${v.overall}`} role="status">
              {overallLabel(v.overall)}
            </p>
            {v.activeIncidents.length > 0 && (
              <section aria-labelledby="active-title">
                <h2 id="active-title">{t('active')}</h2>
                {v.activeIncidents.map((a) => (
                  <Announcement key={a.id} a={a} view={v} />
                ))}
              </section>
            )}
            {v.maintenance.length > 0 && (
              <section aria-labelledby="maintenance-title">
                <h2 id="maintenance-title">{t('maintenance')}</h2>
                <ul className="card maintenance-list">
                  {v.maintenance.map((m) => (
                    <li key={m.id}>
                      <strong>{m.name}</strong>{' '}
                      {m.current && <span className="badge state-maintenance">{t('now')}</span>}
                      <br />
                      <span className="muted">
                        {m.endsAt
                          ? `${when(m.startsAt)} – ${when(m.endsAt)}`
                          : t('untilFurtherNotice', { from: when(m.startsAt) })}
                      </span>
                      {m.description && <p>{m.description}</p>}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {v.sections.map((s) => (
              <section key={s.name} className="card status-section" aria-label={s.name || t('services')}>
                {s.name && <h2>{s.name}</h2>}
                <ul className="status-components">
                  {s.components.map((c) => (
                    <li key={c.id}>
                      <div className="status-component-head">
                        <span className="status-component-name">{c.name}</span>
                        <span className={`status-state state-${c.state}`}>
                          {componentStateLabel(c.state)}
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
              <h2 id="history-title">{t('history')}</h2>
              {v.history.length === 0 ? (
                <p className="muted">{t('noHistory')}</p>
              ) : (
                <ul className="history-list">
                  {v.history.map((a) => (
                    <li key={a.id}>
                      <span className={`badge impact-badge impact-${a.impact}`}>{impactLabel(a.impact)}</span>{' '}
                      <strong>{a.title}</strong>
                      <br />
                      <span className="muted">
                        {a.resolvedAt
                          ? t('resolvedRange', { from: when(a.startedAt), to: when(a.resolvedAt) })
                          : when(a.startedAt)}
                      </span>
                      {a.updates[0] && <p>{a.updates[0].message}</p>}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <p className="status-foot muted">
              <Trans
                t={t}
                i18nKey="foot"
                components={{ when: <time dateTime={v.generatedAt}>{when(v.generatedAt)}</time> }}
              />
            </p>
          </>
        )}
      </main>
    </div>
  );
}
