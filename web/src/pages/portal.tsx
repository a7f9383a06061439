// The requester portal: my requests, filing a new one (with attachments), and a request's page — its
// status and timeline, replying, reopening a resolved request and rating the resolution. Forms keep their
// text when a request fails.

import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('portal');
  useTitle(t('mine.title'));
  const user = useUser();
  const [show, setShow] = useState<'open' | 'all'>('open');
  const list = useMyTickets(show, user.id);
  return (
    <div className="page narrow">
      <div className="page-head">
        <h1>{t('mine.title')}</h1>
        <span className="actions">
          <Link className="button" to="/requests/catalog">
            {t('mine.catalogue')}
          </Link>
          <Link className="button primary" to="/requests/new">
            {t('mine.newRequest')}
          </Link>
        </span>
      </div>
      <StatusBanner />
      <div className="segmented" role="group" aria-label={t('mine.which')}>
        <button type="button" aria-pressed={show === 'open'} onClick={() => setShow('open')}>
          {t('mine.openAndResolved')}
        </button>
        <button type="button" aria-pressed={show === 'all'} onClick={() => setShow('all')}>
          {t('mine.all')}
        </button>
      </div>
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} title={t('mine.error')} />
      {list.data && list.data.items.length === 0 && (
        <Empty title={t('mine.empty.title')}>
          <p>
            <Trans t={t} i18nKey="mine.empty.text" components={{ anchor: <Link to="/requests/new" /> }} />
          </p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="request-list">
          {list.data.items.map((r) => (
            <li key={r.id}>
              <Link to={`/requests/${r.id}`} className="request-card">
                <span className="request-title">{r.title}</span>
                <span className="request-meta">
                  <StatusBadge status={r.status} />{' '}
                  <span className="muted">{t('mine.updated', { id: r.id })} </span>
                  <Time iso={r.updatedAt} />
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
  const { t } = useTranslation('portal');
  useTitle(t('new.title'));
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
      const created = await createTicket({
        title,
        description,
        type: 'request',
        ...(categoryId ? { categoryId: Number(categoryId) } : {}),
        ...(uploadIds.length > 0 ? { uploadIds } : {}),
      });
      void qc.invalidateQueries({ queryKey: keys.tickets });
      navigate(`/requests/${created.id}`, { state: { filed: true } });
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
        <h1>{t('solved.title')}</h1>
        <div className="alert alert-ok" role="status">
          {t('solved.text')}
        </div>
        <p>
          <Link to="/requests">{t('backToRequests')}</Link> · <Link to="/kb">{t('solved.browseKb')}</Link>
        </p>
      </div>
    );

  return (
    <div className="page narrow">
      <h1>{t('new.title')}</h1>
      <StatusBanner />
      <p className="muted">
        <Trans t={t} i18nKey="new.intro" components={{ anchor: <Link to="/requests/catalog" /> }} />
      </p>
      <form className="card form" onSubmit={submit}>
        <ErrorMessage error={error} title={t('new.error')} />
        <Field label={t('new.titleField')} hint={t('new.titleHint')}>
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
        <Field label={t('new.description')} hint={t('new.descriptionHint')}>
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
        <Field label={t('new.category')}>
          {(id) => (
            <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">{t('new.notSure')}</option>
              {dir.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('attachments')} hint={t('new.attachmentsHint')}>
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
          <ul className="file-list" aria-label={t('new.filesToAttach')}>
            {files.map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('new.sending') : t('new.send')}
          </button>
          <Link to="/requests">{t('common:actions.cancel')}</Link>
        </div>
      </form>
    </div>
  );
}

function Rating({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('portal');
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const rate = useRateTicket(ticket.id);
  if (ticket.satisfaction !== null) {
    return (
      <p className="rated">
        {ticket.satisfactionComment ? (
          <Trans
            t={t}
            i18nKey="rating.doneWithComment"
            values={{ score: ticket.satisfaction, comment: ticket.satisfactionComment }}
            components={{ strong: <strong /> }}
          />
        ) : (
          <Trans
            t={t}
            i18nKey="rating.done"
            values={{ score: ticket.satisfaction }}
            components={{ strong: <strong /> }}
          />
        )}
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
        <legend>{t('rating.question')}</legend>
        <div className="stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={n <= score ? 'on' : ''}>
              <input type="radio" name="score" value={n} checked={score === n} onChange={() => setScore(n)} />
              <span aria-hidden="true">★</span>
              <span className="visually-hidden">{t('rating.score', { score: n })}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <Field label={t('rating.comment')}>
        {(id) => <textarea id={id} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
      </Field>
      <ErrorMessage error={rate.error} title={t('rating.error')} />
      <button type="submit" className="primary" disabled={score === 0 || rate.isPending}>
        {t('rating.send')}
      </button>
    </form>
  );
}

function RequestPage() {
  const { t } = useTranslation('portal');
  const id = Number(useParams().id);
  const location = useLocation();
  const state = (location.state ?? {}) as { filed?: boolean };
  const query = useTicket(id);
  const dir = useDirectory();
  const [reply, setReply] = useState('');
  const [replyFiles, setReplyFiles] = useState<File[]>([]);
  // A new key empties the file input after a reply is sent.
  const [fileInputKey, setFileInputKey] = useState(0);
  useTitle(query.data ? query.data.title : t('request.title', { id }));
  const send = useRequesterReply(id, () => {
    setReply('');
    setReplyFiles([]);
    setFileInputKey((k) => k + 1);
  });
  const reopen = useUpdateTicket(id);

  if (query.isPending) return <Loading />;
  if (query.error) {
    return (
      <div className="page narrow">
        <ErrorMessage error={query.error} title={t('request.errorOpen')} />
        <Link to="/requests">{t('backToRequests')}</Link>
      </div>
    );
  }
  const ticket = query.data;
  const resolved = ticket.status === 'resolved';
  return (
    <div className="page narrow">
      <p>
        <Link to="/requests">{t('request.back')}</Link>
      </p>
      {state.filed && (
        <div className="alert alert-ok" role="status">
          {t('request.filed')}
        </div>
      )}
      <div className="page-head">
        <h1>{ticket.title}</h1>
        <StatusBadge status={ticket.status} />
      </div>
      <p className="muted">
        #{ticket.id} · {dir.categoryName(ticket.categoryId)} · {t('request.filedAt')}{' '}
        <Time iso={ticket.createdAt} />
      </p>
      <MergedBanner ticket={ticket} base="/requests" />
      {ticket.description && <div className="description">{ticket.description}</div>}
      <FieldValues fields={ticket.fields} />
      {ticket.status === 'awaiting_approval' && (
        <div className="card resolved-box">
          <p>
            <Trans t={t} i18nKey="request.awaitingApproval" components={{ strong: <strong /> }} />
          </p>
          <button
            type="button"
            onClick={() => reopen.mutate({ status: 'closed' })}
            disabled={reopen.isPending}
          >
            {t('request.withdraw')}
          </button>
        </div>
      )}
      <ApprovalsPanel ticketId={id} />
      {resolved && (
        <div className="card resolved-box">
          <p>
            <Trans t={t} i18nKey="request.resolved" components={{ strong: <strong /> }} />
          </p>
          <ErrorMessage error={reopen.error} title={t('request.reopenError')} />
          <button type="button" onClick={() => reopen.mutate({ status: 'new' })} disabled={reopen.isPending}>
            {t('request.reopen')}
          </button>
        </div>
      )}
      {(resolved || (ticket.status === 'closed' && ticket.mergedIntoId === null)) && (
        <Rating ticket={ticket} />
      )}
      <LinkedArticlesForRequester ticketId={id} />
      <h2>{t('request.conversation')}</h2>
      <Timeline ticketId={id} />
      {ticket.status !== 'closed' ? (
        <form
          className="card form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reply.trim()) send.mutate({ body: reply, files: replyFiles });
          }}
        >
          <Field label={t('request.yourReply')}>
            {(fid) => (
              <textarea id={fid} rows={4} value={reply} onChange={(e) => setReply(e.target.value)} required />
            )}
          </Field>
          <Field label={t('attachments')} hint={t('request.attachmentsHint')}>
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
          <ErrorMessage error={send.error} title={t('request.replyError')} />
          <button type="submit" className="primary" disabled={send.isPending}>
            {t('request.sendReply')}
          </button>
        </form>
      ) : (
        <p className="muted">{t('request.closed')}</p>
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
