// Mail administration (admins): the template of each notification (subject, text and optional HTML, with
// the placeholders the renderer knows; reset to the default), the outbound delivery log and the inbound log,
// read-only with retry buttons.
import { useRef, useState } from 'react';
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

const eventLabel: Record<string, string> = {
  ticket_created: 'Ticket opened (to the requester)',
  comment_added: 'Public reply (to requester and watchers)',
  requester_replied: 'Requester replied (to the assignee)',
  ticket_resolved: 'Ticket resolved',
  ticket_assigned: 'Ticket assigned',
  sla_warning: 'SLA warning',
  sla_breached: 'SLA breached',
  escalated: 'Escalated',
  group_ticket: 'Ticket came into a group (to members who chose it)',
  mentioned: '@mention in an internal note (to the staff named)',
};

function TemplateEditor({ t }: { t: MailTemplate }) {
  const [subject, setSubject] = useState(t.subject);
  const [text, setText] = useState(t.text);
  const [html, setHtml] = useState(t.html ?? '');
  const last = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);
  const save = useSaveMailTemplate(t.event);
  const reset = useResetMailTemplate(t.event, (d) => {
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
        {eventLabel[t.event] ?? t.event}{' '}
        <span className="muted small">{t.isDefault ? '(default)' : '(customised)'}</span>
      </h2>
      <p className="hint" id="placeholder-hint">
        Placeholders — choose one to insert it where the cursor was:
      </p>
      <ul className="placeholders" aria-describedby="placeholder-hint">
        {placeholders.map((p) => (
          <li key={p}>
            <button
              type="button"
              className="chip"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => insert(p)}
              aria-label={`Insert {{${p}}}`}
            >
              <code>{`{{${p}}}`}</code>
            </button>
          </li>
        ))}
      </ul>
      <Field label="Subject" error={fieldError(err, '/subject')}>
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
      <Field label="Text" error={fieldError(err, '/text')}>
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
      <Field label="HTML (optional)" hint="Leave empty to send text only" error={fieldError(err, '/html')}>
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
          Save template
        </button>
        <button type="button" disabled={reset.isPending || t.isDefault} onClick={() => reset.mutate()}>
          Reset to default
        </button>
        {save.isSuccess && (
          <span role="status" className="ok-text">
            Saved.
          </span>
        )}
        {reset.isSuccess && (
          <span role="status" className="ok-text">
            Back to the default.
          </span>
        )}
      </div>
      <ErrorMessage error={save.error ?? reset.error} title="The template was not saved." />
    </form>
  );
}

export function MailTemplates() {
  useTitle('Mail templates');
  const list = useMailTemplates();
  const [event, setEvent] = useState<string | null>(null);
  if (list.isPending) return <Loading />;
  const items = list.data ?? [];
  const current = items.find((t) => t.event === (event ?? items[0]?.event));
  return (
    <div className="split">
      <section aria-labelledby="templates-title">
        <h2 id="templates-title" className="flush">
          Notifications
        </h2>
        <ErrorMessage error={list.error} />
        <ul className="pick-list">
          {items.map((t) => (
            <li key={t.event}>
              <button
                type="button"
                aria-current={current?.event === t.event ? 'true' : undefined}
                onClick={() => setEvent(t.event)}
              >
                {eventLabel[t.event] ?? t.event}{' '}
                {!t.isDefault && <span className="muted small">· customised</span>}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {current ? <TemplateEditor key={current.event} t={current} /> : <Empty title="No templates." />}
    </div>
  );
}

export function MailLog() {
  useTitle('Mail log');
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
          <h2 id="out-title">Mail out</h2>
          <label className="inline">
            <span>Status</span>
            <select value={outStatus} onChange={(e) => setOutStatus(e.target.value)}>
              <option value="">Any</option>
              <option value="pending">Pending</option>
              <option value="sent">Sent</option>
              <option value="failed">Failed</option>
              <option value="disabled">Disabled (no relay)</option>
            </select>
          </label>
        </div>
        <ErrorMessage
          error={out.error ?? retryOut.error}
          title="The delivery log could not be loaded or retried."
        />
        {out.isPending ? (
          <Loading />
        ) : deliveries.length === 0 ? (
          <Empty title="No mail sent yet." />
        ) : (
          <div
            className="table-wrap"
            role="region"
            aria-label="Mail out table (scrolls sideways)"
            tabIndex={0}
          >
            <table className="data-table">
              <caption className="visually-hidden">Outbound mail deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
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
                      <div className="muted small">{eventLabel[d.template] ?? d.template}</div>
                    </td>
                    <td>
                      <span className={`badge mail-${d.status}`}>{d.status}</span>
                      {d.lastError && <div className="log-error">{d.lastError}</div>}
                      {d.status === 'pending' && d.nextAttemptAt && (
                        <div className="muted small">
                          next try <Time iso={d.nextAttemptAt} />
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
                          aria-label={`Retry mail ${d.id} to ${d.to}`}
                        >
                          Retry
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
            Show older
          </button>
        )}
      </section>
      <section aria-labelledby="in-title">
        <div className="page-head">
          <h2 id="in-title">Mail in</h2>
          <label className="inline">
            <span>Status</span>
            <select value={inStatus} onChange={(e) => setInStatus(e.target.value)}>
              <option value="">Any</option>
              <option value="received">Received</option>
              <option value="processed">Processed</option>
              <option value="rejected">Rejected</option>
            </select>
          </label>
        </div>
        <ErrorMessage
          error={inbound.error ?? retryIn.error}
          title="The inbound log could not be loaded or retried."
        />
        {inbound.isPending ? (
          <Loading />
        ) : received.length === 0 ? (
          <Empty title="No mail received yet." />
        ) : (
          <div
            className="table-wrap"
            role="region"
            aria-label="Mail in table (scrolls sideways)"
            tabIndex={0}
          >
            <table className="data-table">
              <caption className="visually-hidden">Inbound mail, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">From</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
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
                    <td>{m.subject ?? <span className="muted">(no subject)</span>}</td>
                    <td>
                      <span className={`badge mail-${m.status}`}>{m.status}</span>{' '}
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
                          aria-label={`Process mail ${m.id} again`}
                        >
                          Retry
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
            Show older
          </button>
        )}
      </section>
    </>
  );
}
