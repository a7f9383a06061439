// The requester portal: my requests, filing a new one (with attachments), and a request's page — its
// status and timeline, replying, reopening a resolved request and rating the resolution. Forms keep their
// text when a request fails.

import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { keys } from '../api/keys';
import {
  createTicket,
  uploadFiles,
  useMyTickets,
  useRateTicket,
  useRequesterReply,
  useTicket,
  useUpdateTicket,
} from '../api/tickets';
import type { Ticket } from '../api/types';
import { useUser } from '../session';
import { Timeline } from '../timeline';
import { StatusBadge } from '../ui/badges';
import { useDirectory } from '../ui/directory';
import { Field } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { StatusBanner } from '../ui/status-banner';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';
import { ApprovalsPanel } from './approvals';
import { Catalogue, CatalogueForm, FieldValues } from './catalog';
import { DeflectionSuggestions, LinkedArticlesForRequester } from './knowledge/suggestions';
import { MergedBanner } from './ticket-links';

function MyRequests() {
  useTitle('My requests');
  const user = useUser();
  const [show, setShow] = useState<'open' | 'all'>('open');
  const list = useMyTickets(show, user.id);
  return (
    <div className="page narrow">
      <div className="page-head">
        <h1>My requests</h1>
        <span className="actions">
          <Link className="button" to="/requests/catalog">
            Service catalogue
          </Link>
          <Link className="button primary" to="/requests/new">
            New request
          </Link>
        </span>
      </div>
      <StatusBanner />
      <div className="segmented" role="group" aria-label="Which requests">
        <button type="button" aria-pressed={show === 'open'} onClick={() => setShow('open')}>
          Open and resolved
        </button>
        <button type="button" aria-pressed={show === 'all'} onClick={() => setShow('all')}>
          All
        </button>
      </div>
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} title="Your requests could not be loaded." />
      {list.data && list.data.items.length === 0 && (
        <Empty title="No requests here yet.">
          <p>
            Something not working? <Link to="/requests/new">Tell us about it</Link> and we will take it from
            there.
          </p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="request-list">
          {list.data.items.map((t) => (
            <li key={t.id}>
              <Link to={`/requests/${t.id}`} className="request-card">
                <span className="request-title">{t.title}</span>
                <span className="request-meta">
                  <StatusBadge status={t.status} /> <span className="muted">#{t.id} · updated </span>
                  <Time iso={t.updatedAt} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NewRequest() {
  useTitle('New request');
  const dir = useDirectory();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // An article answered it: nothing is filed.
  const [solved, setSolved] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Files first: the server refuses a file before the request exists, so nothing is filed half-way.
      const uploadIds = await uploadFiles(files);
      const t = await createTicket({
        title,
        description,
        type: 'request',
        ...(categoryId ? { categoryId: Number(categoryId) } : {}),
        ...(uploadIds.length > 0 ? { uploadIds } : {}),
      });
      void qc.invalidateQueries({ queryKey: keys.tickets });
      navigate(`/requests/${t.id}`, { state: { filed: true } });
    } catch (err) {
      // The form keeps everything typed: nothing is lost when the request fails.
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (solved)
    return (
      <div className="page narrow">
        <h1>Glad that helped</h1>
        <div className="alert alert-ok" role="status">
          Great — your problem is solved, so no request was filed. Thank you for letting us know which article
          answered it.
        </div>
        <p>
          <Link to="/requests">Back to my requests</Link> · <Link to="/kb">Browse the knowledge base</Link>
        </p>
      </div>
    );

  return (
    <div className="page narrow">
      <h1>New request</h1>
      <StatusBanner />
      <p className="muted">
        Tell us what you need or what is not working. We will reply here and by email. Common requests have a
        form of their own in the <Link to="/requests/catalog">service catalogue</Link>.
      </p>
      <form className="card form" onSubmit={submit}>
        <ErrorMessage error={error} title="Your request was not sent." />
        <Field label="Title" hint="A short summary, like “Laptop will not connect to Wi-Fi”">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <Field label="Description" hint="What happened, what you expected, and anything you already tried">
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={6}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        <DeflectionSuggestions text={`${title}\n${description}`.trim()} onSolved={() => setSolved(true)} />
        <Field label="Category">
          {(id) => (
            <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">Not sure</option>
              {dir.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Attachments" hint="Screenshots or documents that help (optional)">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="file"
              multiple
              onChange={(e) => setFiles([...(e.target.files ?? [])])}
            />
          )}
        </Field>
        {files.length > 0 && (
          <ul className="file-list" aria-label="Files to attach">
            {files.map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send request'}
          </button>
          <Link to="/requests">Cancel</Link>
        </div>
      </form>
    </div>
  );
}

function Rating({ ticket }: { ticket: Ticket }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const rate = useRateTicket(ticket.id);
  if (ticket.satisfaction !== null) {
    return (
      <p className="rated">
        You rated this resolution <strong>{ticket.satisfaction} of 5</strong>
        {ticket.satisfactionComment ? ` — “${ticket.satisfactionComment}”` : ''}. Thank you!
      </p>
    );
  }
  return (
    <form
      className="card form rating"
      onSubmit={(e) => {
        e.preventDefault();
        if (score > 0) rate.mutate({ score, comment: comment || undefined });
      }}
    >
      <fieldset>
        <legend>How satisfied are you with the resolution?</legend>
        <div className="stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={n <= score ? 'on' : ''}>
              <input type="radio" name="score" value={n} checked={score === n} onChange={() => setScore(n)} />
              <span aria-hidden="true">★</span>
              <span className="visually-hidden">{n} of 5</span>
            </label>
          ))}
        </div>
      </fieldset>
      <Field label="Comment (optional)">
        {(id) => <textarea id={id} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
      </Field>
      <ErrorMessage error={rate.error} title="Your rating was not saved." />
      <button type="submit" className="primary" disabled={score === 0 || rate.isPending}>
        Send rating
      </button>
    </form>
  );
}

function RequestPage() {
  const id = Number(useParams().id);
  const location = useLocation();
  const state = (location.state ?? {}) as { filed?: boolean };
  const ticket = useTicket(id);
  const dir = useDirectory();
  const [reply, setReply] = useState('');
  const [replyFiles, setReplyFiles] = useState<File[]>([]);
  // A new key empties the file input after a reply is sent.
  const [fileInputKey, setFileInputKey] = useState(0);
  useTitle(ticket.data ? ticket.data.title : `Request #${id}`);
  const send = useRequesterReply(id, () => {
    setReply('');
    setReplyFiles([]);
    setFileInputKey((k) => k + 1);
  });
  const reopen = useUpdateTicket(id);

  if (ticket.isPending) return <Loading />;
  if (ticket.error) {
    return (
      <div className="page narrow">
        <ErrorMessage error={ticket.error} title="This request could not be opened." />
        <Link to="/requests">Back to my requests</Link>
      </div>
    );
  }
  const t = ticket.data;
  const resolved = t.status === 'resolved';
  return (
    <div className="page narrow">
      <p>
        <Link to="/requests">← My requests</Link>
      </p>
      {state.filed && (
        <div className="alert alert-ok" role="status">
          Your request was filed. We will reply here.
        </div>
      )}
      <div className="page-head">
        <h1>{t.title}</h1>
        <StatusBadge status={t.status} />
      </div>
      <p className="muted">
        #{t.id} · {dir.categoryName(t.categoryId)} · filed <Time iso={t.createdAt} />
      </p>
      <MergedBanner ticket={t} base="/requests" />
      {t.description && <div className="description">{t.description}</div>}
      <FieldValues fields={t.fields} />
      {t.status === 'awaiting_approval' && (
        <div className="card resolved-box">
          <p>
            <strong>This request waits for approval.</strong> Nobody works on it until it is approved; you are
            told either way.
          </p>
          <button
            type="button"
            onClick={() => reopen.mutate({ status: 'closed' })}
            disabled={reopen.isPending}
          >
            Withdraw request
          </button>
        </div>
      )}
      <ApprovalsPanel ticketId={id} />
      {resolved && (
        <div className="card resolved-box">
          <p>
            <strong>We marked this request as resolved.</strong> If it is not fixed, reopen it or reply below.
          </p>
          <ErrorMessage error={reopen.error} title="Could not reopen." />
          <button type="button" onClick={() => reopen.mutate({ status: 'new' })} disabled={reopen.isPending}>
            Reopen request
          </button>
        </div>
      )}
      {(resolved || (t.status === 'closed' && t.mergedIntoId === null)) && <Rating ticket={t} />}
      <LinkedArticlesForRequester ticketId={id} />
      <h2>Conversation</h2>
      <Timeline ticketId={id} />
      {t.status !== 'closed' ? (
        <form
          className="card form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reply.trim()) send.mutate({ body: reply, files: replyFiles });
          }}
        >
          <Field label="Your reply">
            {(fid) => (
              <textarea id={fid} rows={4} value={reply} onChange={(e) => setReply(e.target.value)} required />
            )}
          </Field>
          <Field label="Attachments" hint="Screenshots or documents (optional)">
            {(fid, d) => (
              <input
                key={fileInputKey}
                id={fid}
                aria-describedby={d}
                type="file"
                multiple
                onChange={(e) => setReplyFiles([...(e.target.files ?? [])])}
              />
            )}
          </Field>
          <ErrorMessage error={send.error} title="Your reply was not sent; your text is still here." />
          <button type="submit" className="primary" disabled={send.isPending}>
            Send reply
          </button>
        </form>
      ) : (
        <p className="muted">This request is closed. File a new request if you need more help.</p>
      )}
    </div>
  );
}

export default function Portal() {
  return (
    <Routes>
      <Route index element={<MyRequests />} />
      <Route path="new" element={<NewRequest />} />
      <Route path="catalog" element={<Catalogue />} />
      <Route path="catalog/:id" element={<CatalogueForm />} />
      <Route path=":id" element={<RequestPage />} />
    </Routes>
  );
}
