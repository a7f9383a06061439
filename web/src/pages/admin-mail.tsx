// Mail administration (admins): the template of each notification (subject, text and optional HTML, with
// the placeholders the renderer knows; reset to the default), the outbound delivery log and the inbound log,
// read-only with retry buttons.
import { useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type MailTemplate,
  useDeliveryLog,
  useInboundLog,
  useMailTemplates,
  useResetMailTemplate,
  useRetryDelivery,
  useRetryInbound,
  useSaveMailTemplate,
} from '../api/mail';
import { t } from '../i18n';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

/** What the renderer fills in (src/mail/templates.ts); values are HTML-escaped in the html part. */
const placeholders = [
  'ticket.id',
  'ticket.title',
  'ticket.status',
  'ticket.priority',
  'ticket.url',
  'recipient.name',
  'actor.name',
  'comment.body',
  'sla.target',
  'sla.dueAt',
  'escalation.level',
  'escalation.reason',
  'reply.marker',
  'group.name',
];

/** A notification's name as people read it; an event this page does not know shows its code. */
const eventLabel = (event: string): string => t(`admin-mail:event.${event}`, { defaultValue: event });
/** A delivery's or a received mail's state, in the current language. */
const statusLabel = (status: string): string => t(`admin-mail:status.${status}`, { defaultValue: status });

function TemplateEditor({ template }: { template: MailTemplate }) {
  const [subject, setSubject] = useState(template.subject);
  const [text, setText] = useState(template.text);
  const [html, setHtml] = useState(template.html ?? '');
  const { t } = useTranslation('admin-mail');
  const last = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);
  const save = useSaveMailTemplate(template.event);
  const reset = useResetMailTemplate(template.event, (d) => {
    setSubject(d.subject);
    setText(d.text);
    setHtml(d.html ?? '');
  });
  const insert = (p: string) => {
    const el = last.current;
    const token = `{{${p}}}`;
    if (!el) return setText((x) => x + token);
    const at = el.selectionStart ?? el.value.length;
    const next = el.value.slice(0, at) + token + el.value.slice(el.selectionEnd ?? at);
    if (el.name === 'subject') setSubject(next);
    else if (el.name === 'html') setHtml(next);
    else setText(next);
    window.requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(at + token.length, at + token.length);
    });
  };
  const err = save.error;
  return (
    <form
      className="card form"
      aria-labelledby="template-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ subject, text, html: html.trim() ? html : null });
      }}
    >
      <h2 id="template-title" className="flush">
        {eventLabel(template.event)}{' '}
        <span className="muted small">
          {template.isDefault ? t('template.default') : t('template.customised')}
        </span>
      </h2>
      <p className="hint" id="placeholder-hint">
        {t('template.placeholders')}
      </p>
      <ul className="placeholders" aria-describedby="placeholder-hint">
        {placeholders.map((p) => (
          <li key={p}>
            <button
              type="button"
              className="chip"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => insert(p)}
              aria-label={t('template.insert', { placeholder: `{{${p}}}` })}
            >
              <code>{`{{${p}}}`}</code>
            </button>
          </li>
        ))}
      </ul>
      <Field label={t('template.subject')} error={fieldError(err, '/subject')}>
        {(id, d, inv) => (
          <input
            id={id}
            name="subject"
            required
            maxLength={2000}
            value={subject}
            aria-describedby={d}
            aria-invalid={inv || undefined}
            onFocus={(e) => {
              last.current = e.target;
            }}
            onChange={(e) => setSubject(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('template.text')} error={fieldError(err, '/text')}>
        {(id, d, inv) => (
          <textarea
            id={id}
            name="text"
            rows={10}
            className="template-body"
            value={text}
            aria-describedby={d}
            aria-invalid={inv || undefined}
            onFocus={(e) => {
              last.current = e.target;
            }}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('template.html')} hint={t('template.htmlHint')} error={fieldError(err, '/html')}>
        {(id, d, inv) => (
          <textarea
            id={id}
            name="html"
            rows={6}
            className="template-body"
            value={html}
            aria-describedby={d}
            aria-invalid={inv || undefined}
            onFocus={(e) => {
              last.current = e.target;
            }}
            onChange={(e) => setHtml(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('template.save')}
        </button>
        <button type="button" disabled={reset.isPending || template.isDefault} onClick={() => reset.mutate()}>
          {t('template.reset')}
        </button>
        {save.isSuccess && (
          <span role="status" className="ok-text">
            {t('template.saved')}
          </span>
        )}
        {reset.isSuccess && (
          <span role="status" className="ok-text">
            {t('template.resetDone')}
          </span>
        )}
      </div>
      <ErrorMessage error={save.error ?? reset.error} title={t('template.failed')} />
    </form>
  );
}

export function MailTemplates() {
  const { t } = useTranslation('admin-mail');
  useTitle(t('templates.title'));
  const list = useMailTemplates();
  const [event, setEvent] = useState<string | null>(null);
  if (list.isPending) return <Loading />;
  const items = list.data ?? [];
  const current = items.find((m) => m.event === (event ?? items[0]?.event));
  return (
    <div className="split">
      <section aria-labelledby="templates-title">
        <h2 id="templates-title" className="flush">
          {t('templates.list')}
        </h2>
        <ErrorMessage error={list.error} />
        <ul className="pick-list">
          {items.map((m) => (
            <li key={m.event}>
              <button
                type="button"
                aria-current={current?.event === m.event ? 'true' : undefined}
                onClick={() => setEvent(m.event)}
              >
                {eventLabel(m.event)}{' '}
                {!m.isDefault && <span className="muted small">{t('templates.customised')}</span>}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {current ? (
        <TemplateEditor key={current.event} template={current} />
      ) : (
        <Empty title={t('templates.empty')} />
      )}
    </div>
  );
}

export function MailLog() {
  const { t } = useTranslation('admin-mail');
  useTitle(t('log.title'));
  const [outStatus, setOutStatus] = useState('');
  const [inStatus, setInStatus] = useState('');
  const out = useDeliveryLog(outStatus);
  const inbound = useInboundLog(inStatus);
  const retryOut = useRetryDelivery();
  const retryIn = useRetryInbound();
  const deliveries = out.data?.pages.flatMap((p) => p.items) ?? [];
  const received = inbound.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <section aria-labelledby="out-title">
        <div className="page-head">
          <h2 id="out-title">{t('out.title')}</h2>
          <label className="inline">
            <span>{t('log.status')}</span>
            <select value={outStatus} onChange={(e) => setOutStatus(e.target.value)}>
              <option value="">{t('log.any')}</option>
              <option value="pending">{t('out.filter.pending')}</option>
              <option value="sent">{t('out.filter.sent')}</option>
              <option value="failed">{t('out.filter.failed')}</option>
              <option value="disabled">{t('out.filter.disabled')}</option>
            </select>
          </label>
        </div>
        <ErrorMessage error={out.error ?? retryOut.error} title={t('out.failed')} />
        {out.isPending ? (
          <Loading />
        ) : deliveries.length === 0 ? (
          <Empty title={t('out.empty')} />
        ) : (
          <div className="table-wrap" role="region" aria-label={t('out.region')} tabIndex={0}>
            <table className="data-table">
              <caption className="visually-hidden">{t('out.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('log.when')}</th>
                  <th scope="col">{t('out.to')}</th>
                  <th scope="col">{t('template.subject')}</th>
                  <th scope="col">{t('log.status')}</th>
                  <th scope="col" className="num">
                    {t('out.attempts')}
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">{t('log.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Time iso={d.createdAt} />
                    </td>
                    <td className="break">{d.to}</td>
                    <td>
                      {d.ticketId !== null ? (
                        <Link to={`/tickets/${d.ticketId}`}>{d.subject}</Link>
                      ) : (
                        d.subject
                      )}
                      <div className="muted small">{eventLabel(d.template)}</div>
                    </td>
                    <td>
                      <span className={`badge mail-${d.status}`}>{statusLabel(d.status)}</span>
                      {d.lastError && <div className="log-error">{d.lastError}</div>}
                      {d.status === 'pending' && d.nextAttemptAt && (
                        <div className="muted small">
                          <Trans
                            t={t}
                            i18nKey="out.nextTry"
                            components={{ time: <Time iso={d.nextAttemptAt} /> }}
                          />
                        </div>
                      )}
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td>
                      {(d.status === 'failed' || d.status === 'disabled') && (
                        <button
                          type="button"
                          disabled={retryOut.isPending}
                          onClick={() => retryOut.mutate(d.id)}
                          aria-label={t('out.retry', { id: d.id, to: d.to })}
                        >
                          {t('log.retry')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {out.hasNextPage && (
          <button type="button" onClick={() => void out.fetchNextPage()} disabled={out.isFetchingNextPage}>
            {t('log.older')}
          </button>
        )}
      </section>
      <section aria-labelledby="in-title">
        <div className="page-head">
          <h2 id="in-title">{t('in.title')}</h2>
          <label className="inline">
            <span>{t('log.status')}</span>
            <select value={inStatus} onChange={(e) => setInStatus(e.target.value)}>
              <option value="">{t('log.any')}</option>
              <option value="received">{t('in.filter.received')}</option>
              <option value="processed">{t('in.filter.processed')}</option>
              <option value="rejected">{t('in.filter.rejected')}</option>
            </select>
          </label>
        </div>
        <ErrorMessage error={inbound.error ?? retryIn.error} title={t('in.failed')} />
        {inbound.isPending ? (
          <Loading />
        ) : received.length === 0 ? (
          <Empty title={t('in.empty')} />
        ) : (
          <div className="table-wrap" role="region" aria-label={t('in.region')} tabIndex={0}>
            <table className="data-table">
              <caption className="visually-hidden">{t('in.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('log.when')}</th>
                  <th scope="col">{t('in.from')}</th>
                  <th scope="col">{t('template.subject')}</th>
                  <th scope="col">{t('in.outcome')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('log.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {received.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <Time iso={m.receivedAt} />
                      <div className="muted small">{m.source.toUpperCase()}</div>
                    </td>
                    <td className="break">{m.sender ?? '—'}</td>
                    <td>{m.subject ?? <span className="muted">{t('in.noSubject')}</span>}</td>
                    <td>
                      <span className={`badge mail-${m.status}`}>{statusLabel(m.status)}</span>{' '}
                      {m.reason?.replace(/_/g, ' ')}
                      {m.ticketId !== null && (
                        <>
                          {' '}
                          → <Link to={`/tickets/${m.ticketId}`}>#{m.ticketId}</Link>
                        </>
                      )}
                      {m.notes.length > 0 && <div className="muted small">{m.notes.join('; ')}</div>}
                    </td>
                    <td>
                      {m.status === 'rejected' && (
                        <button
                          type="button"
                          disabled={retryIn.isPending}
                          onClick={() => retryIn.mutate(m.id)}
                          aria-label={t('in.retry', { id: m.id })}
                        >
                          {t('log.retry')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {inbound.hasNextPage && (
          <button
            type="button"
            onClick={() => void inbound.fetchNextPage()}
            disabled={inbound.isFetchingNextPage}
          >
            {t('log.older')}
          </button>
        )}
      </section>
    </>
  );
}
