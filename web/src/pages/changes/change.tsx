// One change: the form with every field (a new change may start from a standard template), the window in the
// viewer's time zone, the conflicts and blackouts the server found for it, the moves it may make now, its
// links to tickets and problems, the CAB's answer and the post-implementation review. A new change opened from a
// ticket's or a problem's page (?ticketId= / ?problemId=) is linked to it as it is raised.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  type ChangeDetail,
  type ChangeLevel,
  type ChangeState,
  type ChangeType,
  formatWindow,
  fromLocalInput,
  type LinkTarget,
  localInput,
  outcomeLabels,
  type ReviewOutcome,
  stateLabels,
  useChange,
  useChangeCalendar,
  useChangeTemplates,
  useCreateChange,
  useLinkChange,
  useMoveChange,
  useReviewChange,
  useUnlinkChange,
  useUpdateChange,
} from '../../api/changes';
import { useServices } from '../../api/incidents';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { ChangeStateBadge, ChangeTypeBadge, RiskBadge } from './change-badges';

/** What a move is called on its button, by the state it goes to (and from where, for a few). */
function moveLabel(from: ChangeState, to: ChangeState): string {
  switch (to) {
    case 'assessment':
      return from === 'draft' ? 'Submit for assessment' : 'Re-plan';
    case 'awaiting_cab':
      return 'Send to the CAB';
    case 'scheduled':
      return 'Schedule';
    case 'implementing':
      return 'Start implementation';
    case 'review':
      return from === 'failed' ? 'Review the failure' : 'Implementation done';
    case 'failed':
      return 'Implementation failed';
    case 'draft':
      return 'Back to draft';
    case 'rejected':
      return 'Reject';
    case 'cancelled':
      return 'Cancel the change';
    default:
      return stateLabels[to];
  }
}

const levels: ChangeLevel[] = ['low', 'medium', 'high'];
const editable: ChangeState[] = ['draft', 'assessment', 'awaiting_cab', 'scheduled'];

interface FormValues {
  templateId: string;
  title: string;
  type: ChangeType;
  risk: ChangeLevel;
  impact: ChangeLevel;
  description: string;
  plan: string;
  backoutPlan: string;
  testPlan: string;
  windowStart: string;
  windowEnd: string;
  serviceIds: number[];
  ownerId: string;
  implementerId: string;
  groupId: string;
}

function valuesOf(c: ChangeDetail | null): FormValues {
  return {
    templateId: c?.templateId ? String(c.templateId) : '',
    title: c?.title ?? '',
    type: c?.type ?? 'normal',
    risk: c?.risk ?? 'medium',
    impact: c?.impact ?? 'medium',
    description: c?.description ?? '',
    plan: c?.plan ?? '',
    backoutPlan: c?.backoutPlan ?? '',
    testPlan: c?.testPlan ?? '',
    windowStart: localInput(c?.windowStart ?? null),
    windowEnd: localInput(c?.windowEnd ?? null),
    serviceIds: c?.services.map((s) => s.id) ?? [],
    ownerId: c?.ownerId ? String(c.ownerId) : '',
    implementerId: c?.implementerId ? String(c.implementerId) : '',
    groupId: c?.groupId ? String(c.groupId) : '',
  };
}

const idOrNull = (v: string) => (v === '' ? null : Number(v));

/** The instant a window field names, as the viewer's zone reads it (so a DST gap's shift is visible). */
function WindowEcho({ value }: { value: string }) {
  const iso = fromLocalInput(value);
  if (!iso) return null;
  // (dateStyle and timeStyle do not combine with timeZoneName: the parts are named one by one.)
  const f = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'long',
  });
  return <span className="muted small">{f.format(new Date(iso))}</span>;
}

type PreLink = { targetType: LinkTarget; targetId: number };

function ChangeForm({ change, links = [] }: { change: ChangeDetail | null; links?: PreLink[] }) {
  const navigate = useNavigate();
  const dir = useDirectory();
  const services = useServices();
  const templates = useChangeTemplates();
  const [v, setV] = useState<FormValues>(() => valuesOf(change));
  const create = useCreateChange((c) => navigate(`/changes/${c.id}`));
  const update = useUpdateChange(change?.id ?? 0);
  const save = change ? update : create;
  const locked = change !== null && !editable.includes(change.state);
  const set = <K extends keyof FormValues>(k: K, value: FormValues[K]) =>
    setV((old) => ({ ...old, [k]: value }));
  const staff = dir.users.filter((u) => u.role !== 'requester' && u.active);

  const chooseTemplate = (id: string) => {
    const t = templates.data?.find((x) => String(x.id) === id);
    setV((old) => ({
      ...old,
      templateId: id,
      type: t ? 'standard' : old.type === 'standard' ? 'normal' : old.type,
      ...(t
        ? {
            title: t.title,
            description: t.description,
            risk: t.risk,
            impact: t.impact,
            plan: t.plan,
            backoutPlan: t.backoutPlan,
            testPlan: t.testPlan,
          }
        : {}),
    }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      title: v.title,
      description: v.description,
      risk: v.risk,
      impact: v.impact,
      plan: v.plan,
      backoutPlan: v.backoutPlan,
      testPlan: v.testPlan,
      windowStart: fromLocalInput(v.windowStart),
      windowEnd: fromLocalInput(v.windowEnd),
      serviceIds: v.serviceIds,
      ownerId: idOrNull(v.ownerId),
      implementerId: idOrNull(v.implementerId),
      groupId: idOrNull(v.groupId),
    };
    if (change) update.mutate({ ...body, ...(v.type !== change.type ? { type: v.type } : {}) });
    else
      create.mutate({
        ...body,
        type: v.type,
        ...(v.templateId ? { templateId: Number(v.templateId) } : {}),
        ...(links.length > 0 ? { links } : {}),
      });
  };

  const err = (f: string) => fieldError(save.error, f);
  const text = (key: 'plan' | 'backoutPlan' | 'testPlan' | 'description', label: string, hint?: string) => (
    <Field label={label} hint={hint} error={err(`/${key}`)}>
      {(id, d, invalid) => (
        <textarea
          id={id}
          rows={3}
          maxLength={20000}
          disabled={locked}
          value={v[key]}
          aria-describedby={d}
          aria-invalid={invalid || undefined}
          onChange={(e) => set(key, e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form
      className="card form change-form"
      onSubmit={submit}
      aria-label={change ? 'Change details' : 'New change'}
    >
      {!change && (
        <Field label="Standard change template" hint="A standard change is pre-approved: it needs no CAB.">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={v.templateId}
              onChange={(e) => chooseTemplate(e.target.value)}
            >
              <option value="">None — a normal or emergency change</option>
              {templates.data?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Title" error={err('/title')}>
        {(id, d, invalid) => (
          <input
            id={id}
            required
            maxLength={200}
            disabled={locked}
            value={v.title}
            aria-describedby={d}
            aria-invalid={invalid || undefined}
            onChange={(e) => set('title', e.target.value)}
          />
        )}
      </Field>
      <div className="field-row">
        <Field label="Type" error={err('/type')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={v.type}
              disabled={
                locked ||
                v.type === 'standard' ||
                (change !== null && !['draft', 'assessment'].includes(change.state))
              }
              onChange={(e) => set('type', e.target.value as ChangeType)}
            >
              {v.type === 'standard' && <option value="standard">Standard</option>}
              <option value="normal">Normal</option>
              <option value="emergency">Emergency</option>
            </select>
          )}
        </Field>
        <Field label="Risk">
          {(id) => (
            <select
              id={id}
              value={v.risk}
              disabled={locked}
              onChange={(e) => set('risk', e.target.value as ChangeLevel)}
            >
              {levels.map((l) => (
                <option key={l} value={l}>
                  {l[0].toUpperCase() + l.slice(1)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Impact">
          {(id) => (
            <select
              id={id}
              value={v.impact}
              disabled={locked}
              onChange={(e) => set('impact', e.target.value as ChangeLevel)}
            >
              {levels.map((l) => (
                <option key={l} value={l}>
                  {l[0].toUpperCase() + l.slice(1)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {text('description', 'Description')}
      {text('plan', 'Implementation plan')}
      {text('backoutPlan', 'Back-out plan', 'How the change is undone if it goes wrong.')}
      {text('testPlan', 'Test plan', 'How you will know it worked.')}
      <div className="field-row">
        <Field label="Window starts" error={err('/windowStart')}>
          {(id, d, invalid) => (
            <>
              <input
                id={id}
                type="datetime-local"
                disabled={locked}
                value={v.windowStart}
                aria-describedby={d}
                aria-invalid={invalid || undefined}
                onChange={(e) => set('windowStart', e.target.value)}
              />
              <WindowEcho value={v.windowStart} />
            </>
          )}
        </Field>
        <Field label="Window ends" error={err('/windowEnd')}>
          {(id, d, invalid) => (
            <>
              <input
                id={id}
                type="datetime-local"
                disabled={locked}
                value={v.windowEnd}
                min={v.windowStart || undefined}
                aria-describedby={d}
                aria-invalid={invalid || undefined}
                onChange={(e) => set('windowEnd', e.target.value)}
              />
              <WindowEcho value={v.windowEnd} />
            </>
          )}
        </Field>
      </div>
      <fieldset className="change-services" disabled={locked}>
        <legend>Affected services</legend>
        {services.data?.length === 0 && <p className="muted small">No services yet (On call → services).</p>}
        {services.data?.map((s) => (
          <label key={s.id} className="inline">
            <input
              type="checkbox"
              checked={v.serviceIds.includes(s.id)}
              onChange={(e) =>
                set(
                  'serviceIds',
                  e.target.checked ? [...v.serviceIds, s.id] : v.serviceIds.filter((x) => x !== s.id),
                )
              }
            />
            <span>{s.name}</span>
          </label>
        ))}
        {err('/serviceIds') && <p className="field-error">{err('/serviceIds')}</p>}
      </fieldset>
      <div className="field-row">
        {(['ownerId', 'implementerId'] as const).map((k) => (
          <Field key={k} label={k === 'ownerId' ? 'Owner' : 'Implementer'} error={err(`/${k}`)}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                disabled={locked}
                value={v[k]}
                onChange={(e) => set(k, e.target.value)}
              >
                <option value="">{k === 'ownerId' ? 'Me' : 'Nobody yet'}</option>
                {staff.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ))}
        <Field label="Group" error={err('/groupId')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              disabled={locked}
              value={v.groupId}
              onChange={(e) => set('groupId', e.target.value)}
            >
              <option value="">No group</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {!locked && (
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {change ? 'Save changes' : 'Raise the change'}
          </button>
          {update.isSuccess && !update.isPending && <span className="ok-text">Saved.</span>}
        </div>
      )}
      <ErrorMessage error={save.error} title={change ? 'Not saved.' : 'Not raised.'} />
    </form>
  );
}

/** The server's conflicts for this change, named: the calendar over its window has their titles. */
function Warnings({ change }: { change: ChangeDetail }) {
  const enabled = change.windowStart !== null && change.conflicts.length > 0;
  const window = useChangeCalendar(change.windowStart ?? '', change.windowEnd ?? '', enabled);
  const others = enabled ? (window.data?.items ?? []).filter((c) => change.conflicts.includes(c.id)) : [];
  if (change.conflicts.length === 0 && change.blackouts.length === 0) return null;
  return (
    <div className="alert alert-error change-warnings" role="alert">
      {change.conflicts.length > 0 && (
        <>
          <strong>
            Conflict:{' '}
            {change.conflicts.length === 1
              ? 'another change touches'
              : `${change.conflicts.length} other changes touch`}{' '}
            the same service in this window.
          </strong>
          <ul>
            {change.conflicts.map((id) => {
              const c = others.find((o) => o.id === id);
              const shared = c?.services
                .filter((s) => change.services.some((m) => m.id === s.id))
                .map((s) => s.name);
              return (
                <li key={id}>
                  <Link to={`/changes/${id}`}>
                    CHG-{id}
                    {c ? ` ${c.title}` : ''}
                  </Link>
                  {c && (
                    <span>
                      {' '}
                      — {shared?.join(', ')}, {formatWindow(c.windowStart, c.windowEnd)}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {change.blackouts.length > 0 && (
        <>
          <strong>The window falls in a blackout period.</strong>
          <ul>
            {change.blackouts.map((b) => (
              <li key={b.id}>
                {b.name}: {formatWindow(b.startsAt, b.endsAt)}
                {change.type === 'emergency'
                  ? ' (an emergency change may go ahead)'
                  : ' (it cannot be scheduled there)'}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Moves({ change }: { change: ChangeDetail }) {
  const move = useMoveChange(change.id);
  if (change.nextStates.length === 0) return null;
  return (
    <div className="change-moves">
      <div className="actions">
        {change.nextStates.map((to) => (
          <button
            key={to}
            type="button"
            className={
              to === 'cancelled' || to === 'rejected' || to === 'failed'
                ? 'danger'
                : to === change.nextStates[0]
                  ? 'primary'
                  : ''
            }
            disabled={move.isPending}
            onClick={() => move.mutate({ to })}
          >
            {moveLabel(change.state, to)}
          </button>
        ))}
      </div>
      {change.state === 'awaiting_cab' && (
        <p className="muted small">Waiting for the change advisory board to approve or reject it.</p>
      )}
      <ErrorMessage error={move.error} title="Not moved." />
    </div>
  );
}

function Review({ change }: { change: ChangeDetail }) {
  const review = useReviewChange(change.id);
  const [outcome, setOutcome] = useState<ReviewOutcome>('successful');
  const [notes, setNotes] = useState('');
  if (change.review)
    return (
      <section className="card" aria-labelledby="pir-title">
        <h2 id="pir-title" className="flush">
          Post-implementation review
        </h2>
        <p>
          <strong>{outcomeLabels[change.review.outcome]}</strong>
        </p>
        {change.review.notes && <p className="change-notes">{change.review.notes}</p>}
      </section>
    );
  if (change.state !== 'review') return null;
  return (
    <form
      className="card form"
      aria-labelledby="pir-title"
      onSubmit={(e) => {
        e.preventDefault();
        review.mutate({ outcome, notes });
      }}
    >
      <h2 id="pir-title" className="flush">
        Post-implementation review
      </h2>
      <Field label="Outcome">
        {(id) => (
          <select id={id} value={outcome} onChange={(e) => setOutcome(e.target.value as ReviewOutcome)}>
            {Object.entries(outcomeLabels).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="What happened, what we learnt">
        {(id) => (
          <textarea
            id={id}
            rows={3}
            maxLength={20000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={review.isPending}>
          Close with this review
        </button>
      </div>
      <ErrorMessage error={review.error} title="Not recorded." />
    </form>
  );
}

function Links({ change }: { change: ChangeDetail }) {
  const link = useLinkChange(change.id);
  const unlink = useUnlinkChange(change.id);
  const [targetType, setTargetType] = useState<'ticket' | 'problem'>('ticket');
  const [targetId, setTargetId] = useState('');
  return (
    <section className="card" aria-labelledby="links-title">
      <h2 id="links-title" className="flush">
        Linked incidents and problems
      </h2>
      {change.links.length === 0 && <p className="muted small">Nothing linked.</p>}
      <ul className="change-links">
        {change.links.map((l) => (
          <li key={`${l.targetType}:${l.targetId}`}>
            {l.targetType === 'ticket' ? (
              <Link to={`/tickets/${l.targetId}`}>
                Ticket #{l.targetId}
                {l.title ? ` ${l.title}` : ''}
              </Link>
            ) : (
              <Link to={`/problems/${l.targetId}`}>
                PRB-{l.targetId}
                {l.title ? ` ${l.title}` : ''}
              </Link>
            )}{' '}
            <button
              type="button"
              className="link-button"
              aria-label={`Unlink ${l.targetType} ${l.targetId}`}
              onClick={() => unlink.mutate({ targetType: l.targetType, targetId: l.targetId })}
            >
              Unlink
            </button>
          </li>
        ))}
      </ul>
      <form
        className="field-row"
        aria-label="Link"
        onSubmit={(e) => {
          e.preventDefault();
          link.mutate({ targetType, targetId: Number(targetId) }, { onSuccess: () => setTargetId('') });
        }}
      >
        <Field label="Link a">
          {(id) => (
            <select
              id={id}
              value={targetType}
              onChange={(e) => setTargetType(e.target.value as 'ticket' | 'problem')}
            >
              <option value="ticket">Ticket</option>
              <option value="problem">Problem</option>
            </select>
          )}
        </Field>
        <Field label="Number" error={fieldError(link.error, '/targetId')}>
          {(id, d, invalid) => (
            <input
              id={id}
              required
              inputMode="numeric"
              pattern="[0-9]+"
              value={targetId}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setTargetId(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" disabled={link.isPending}>
            Link
          </button>
        </div>
      </form>
      <ErrorMessage error={link.error ?? unlink.error} title="Not linked." />
    </section>
  );
}

function ExistingChange({ id }: { id: number }) {
  const change = useChange(id);
  const c = change.data;
  useTitle(c ? `${c.number} ${c.title}` : 'Change');
  if (change.isPending) return <Loading />;
  if (!c) return <ErrorMessage error={change.error} />;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/changes">Changes</Link> · <Link to="/changes/calendar">Calendar</Link>
      </p>
      <div className="page-head">
        <h1>
          {c.number} {c.title}
        </h1>
      </div>
      <div className="change-summary">
        <ChangeStateBadge state={c.state} />
        <ChangeTypeBadge type={c.type} />
        <RiskBadge risk={c.risk} />
        <span className="muted small">{formatWindow(c.windowStart, c.windowEnd)}</span>
      </div>
      {c.cabReason && (
        <p className="muted">
          CAB: <em>{c.cabReason}</em>
        </p>
      )}
      <Warnings change={c} />
      <Moves change={c} />
      <div className="change-layout">
        {/* Keyed by updatedAt: the form starts again from what the server saved. */}
        <ChangeForm key={c.updatedAt} change={c} />
        <div className="change-side">
          <Review change={c} />
          <Links change={c} />
        </div>
      </div>
    </div>
  );
}

export default function ChangePage() {
  const { id } = useParams();
  if (id === 'new' || id === undefined) return <NewChange />;
  return <ExistingChange id={Number(id)} />;
}

/** The ticket or problem a new change is raised for, from the address (?ticketId= / ?problemId=). */
function preLinks(params: URLSearchParams): PreLink[] {
  const out: PreLink[] = [];
  for (const targetType of ['ticket', 'problem'] as const) {
    const raw = params.get(`${targetType}Id`) ?? '';
    if (/^[1-9]\d{0,9}$/.test(raw)) out.push({ targetType, targetId: Number(raw) });
  }
  return out;
}

const linkName = (l: PreLink) => (l.targetType === 'ticket' ? `ticket #${l.targetId}` : `PRB-${l.targetId}`);
const linkHref = (l: PreLink) => `/${l.targetType}s/${l.targetId}`;

function NewChange() {
  useTitle('New change');
  const [params] = useSearchParams();
  const links = preLinks(params);
  return (
    <div className="page narrow">
      <p className="muted small">
        <Link to="/changes">Changes</Link>
        {links.map((l) => (
          <span key={l.targetType}>
            {' '}
            · <Link to={linkHref(l)}>Back to {linkName(l)}</Link>
          </span>
        ))}
      </p>
      <h1>New change</h1>
      {links.length > 0 && (
        <p className="change-prelinked">
          Raised for {links.map(linkName).join(' and ')}: it is linked as the change is saved.
        </p>
      )}
      <ChangeForm change={null} links={links} />
    </div>
  );
}
