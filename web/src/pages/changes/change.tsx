// One change: the form with every field (a new change may start from a standard template), the window in the
// viewer's time zone, the conflicts and blackouts the server found for it, the moves it may make now, its
// links to tickets and problems, the CAB's answer and the post-implementation review. A new change opened from a
// ticket's or a problem's page (?ticketId= / ?problemId=) is linked to it as it is raised.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  type ChangeDetail,
  type ChangeLevel,
  type ChangeState,
  type ChangeType,
  fromLocalInput,
  type LinkTarget,
  localInput,
  type ReviewOutcome,
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
import { t as translate } from '../../i18n';
import { browserTimeZone, currentLocale, dateTimeFormat } from '../../locale';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { ChangeStateBadge, ChangeTypeBadge, formatChangeWindow, RiskBadge } from './change-badges';

/** What a move is called on its button, by the state it goes to (and from where, for a few). */
function moveLabel(from: ChangeState, to: ChangeState): string {
  switch (to) {
    case 'assessment':
      return from === 'draft' ? translate('changes:move.submit') : translate('changes:move.replan');
    case 'awaiting_cab':
      return translate('changes:move.toCab');
    case 'scheduled':
      return translate('changes:move.schedule');
    case 'implementing':
      return translate('changes:move.start');
    case 'review':
      return from === 'failed' ? translate('changes:move.reviewFailure') : translate('changes:move.done');
    case 'failed':
      return translate('changes:move.failed');
    case 'draft':
      return translate('changes:move.backToDraft');
    case 'rejected':
      return translate('changes:move.reject');
    case 'cancelled':
      return translate('changes:move.cancel');
    default:
      return translate(`changes:state.${to}`);
  }
}

const outcomes: ReviewOutcome[] = ['successful', 'partially_successful', 'failed', 'backed_out'];

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
  return <span className="muted small">{echoFormat.format(new Date(iso))}</span>;
}

// (dateStyle and timeStyle do not combine with timeZoneName: the parts are named one by one.) The browser's zone:
// the one a datetime-local field is read in.
const echoFormat = dateTimeFormat({
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'long',
  timeZone: browserTimeZone(),
});

type PreLink = { targetType: LinkTarget; targetId: number };

function ChangeForm({ change, links = [] }: { change: ChangeDetail | null; links?: PreLink[] }) {
  const { t } = useTranslation('changes');
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
    const tpl = templates.data?.find((x) => String(x.id) === id);
    setV((old) => ({
      ...old,
      templateId: id,
      type: tpl ? 'standard' : old.type === 'standard' ? 'normal' : old.type,
      ...(tpl
        ? {
            title: tpl.title,
            description: tpl.description,
            risk: tpl.risk,
            impact: tpl.impact,
            plan: tpl.plan,
            backoutPlan: tpl.backoutPlan,
            testPlan: tpl.testPlan,
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
      aria-label={change ? t('form.details') : t('new')}
    >
      {!change && (
        <Field label={t('form.template')} hint={t('form.templateHint')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={v.templateId}
              onChange={(e) => chooseTemplate(e.target.value)}
            >
              <option value="">{t('form.noTemplate')}</option>
              {templates.data?.map((tpl) => (
                <option key={tpl.id} value={tpl.id}>
                  {tpl.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t('form.title')} error={err('/title')}>
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
        <Field label={t('table.type')} error={err('/type')}>
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
              {v.type === 'standard' && <option value="standard">{t('type.standard')}</option>}
              <option value="normal">{t('type.normal')}</option>
              <option value="emergency">{t('type.emergency')}</option>
            </select>
          )}
        </Field>
        <Field label={t('form.risk')}>
          {(id) => (
            <select
              id={id}
              value={v.risk}
              disabled={locked}
              onChange={(e) => set('risk', e.target.value as ChangeLevel)}
            >
              {levels.map((l) => (
                <option key={l} value={l}>
                  {t(`level.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('form.impact')}>
          {(id) => (
            <select
              id={id}
              value={v.impact}
              disabled={locked}
              onChange={(e) => set('impact', e.target.value as ChangeLevel)}
            >
              {levels.map((l) => (
                <option key={l} value={l}>
                  {t(`level.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {text('description', t('form.description'))}
      {text('plan', t('form.plan'))}
      {text('backoutPlan', t('form.backoutPlan'), t('form.backoutPlanHint'))}
      {text('testPlan', t('form.testPlan'), t('form.testPlanHint'))}
      <div className="field-row">
        <Field label={t('form.windowStarts')} error={err('/windowStart')}>
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
        <Field label={t('form.windowEnds')} error={err('/windowEnd')}>
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
        <legend>{t('form.services')}</legend>
        {services.data?.length === 0 && <p className="muted small">{t('form.noServices')}</p>}
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
          <Field
            key={k}
            label={k === 'ownerId' ? t('form.owner') : t('form.implementer')}
            error={err(`/${k}`)}
          >
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                disabled={locked}
                value={v[k]}
                onChange={(e) => set(k, e.target.value)}
              >
                <option value="">{k === 'ownerId' ? t('form.me') : t('form.nobodyYet')}</option>
                {staff.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ))}
        <Field label={t('form.group')} error={err('/groupId')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              disabled={locked}
              value={v.groupId}
              onChange={(e) => set('groupId', e.target.value)}
            >
              <option value="">{t('form.noGroup')}</option>
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
            {change ? t('form.save') : t('form.raise')}
          </button>
          {update.isSuccess && !update.isPending && <span className="ok-text">{t('form.saved')}</span>}
        </div>
      )}
      <ErrorMessage error={save.error} title={change ? t('notSaved') : t('form.notRaised')} />
    </form>
  );
}

/** The server's conflicts for this change, named: the calendar over its window has their titles. */
function Warnings({ change }: { change: ChangeDetail }) {
  const { t } = useTranslation('changes');
  const enabled = change.windowStart !== null && change.conflicts.length > 0;
  const window = useChangeCalendar(change.windowStart ?? '', change.windowEnd ?? '', enabled);
  const others = enabled ? (window.data?.items ?? []).filter((c) => change.conflicts.includes(c.id)) : [];
  if (change.conflicts.length === 0 && change.blackouts.length === 0) return null;
  return (
    <div className="alert alert-error change-warnings" role="alert">
      {change.conflicts.length > 0 && (
        <>
          <strong>{t('warnings.conflict', { count: change.conflicts.length })}</strong>
          <ul>
            {change.conflicts.map((id) => {
              const c = others.find((o) => o.id === id);
              const shared = c?.services
                .filter((s) => change.services.some((m) => m.id === s.id))
                .map((s) => s.name);
              return (
                <li key={id}>
                  <Link to={`/changes/${id}`}>
                    {t('changeNumber', { id })}
                    {c ? ` ${c.title}` : ''}
                  </Link>
                  {c && (
                    <span>
                      {' '}
                      — {shared?.join(', ')}, {formatChangeWindow(c.windowStart, c.windowEnd)}
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
          <strong>{t('warnings.blackout')}</strong>
          <ul>
            {change.blackouts.map((b) => (
              <li key={b.id}>
                {t('warnings.blackoutItem', {
                  name: b.name,
                  window: formatChangeWindow(b.startsAt, b.endsAt),
                  emergency: change.type === 'emergency' ? 'yes' : 'no',
                })}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Moves({ change }: { change: ChangeDetail }) {
  const { t } = useTranslation('changes');
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
      {change.state === 'awaiting_cab' && <p className="muted small">{t('move.waitingForCab')}</p>}
      <ErrorMessage error={move.error} title={t('move.notMoved')} />
    </div>
  );
}

function Review({ change }: { change: ChangeDetail }) {
  const { t } = useTranslation('changes');
  const review = useReviewChange(change.id);
  const [outcome, setOutcome] = useState<ReviewOutcome>('successful');
  const [notes, setNotes] = useState('');
  if (change.review)
    return (
      <section className="card" aria-labelledby="pir-title">
        <h2 id="pir-title" className="flush">
          {t('review.title')}
        </h2>
        <p>
          <strong>{t(`outcome.${change.review.outcome}`)}</strong>
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
        {t('review.title')}
      </h2>
      <Field label={t('review.outcome')}>
        {(id) => (
          <select id={id} value={outcome} onChange={(e) => setOutcome(e.target.value as ReviewOutcome)}>
            {outcomes.map((k) => (
              <option key={k} value={k}>
                {t(`outcome.${k}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('review.notes')}>
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
          {t('review.submit')}
        </button>
      </div>
      <ErrorMessage error={review.error} title={t('review.failed')} />
    </form>
  );
}

function Links({ change }: { change: ChangeDetail }) {
  const { t } = useTranslation('changes');
  const link = useLinkChange(change.id);
  const unlink = useUnlinkChange(change.id);
  const [targetType, setTargetType] = useState<'ticket' | 'problem'>('ticket');
  const [targetId, setTargetId] = useState('');
  return (
    <section className="card" aria-labelledby="links-title">
      <h2 id="links-title" className="flush">
        {t('links.title')}
      </h2>
      {change.links.length === 0 && <p className="muted small">{t('links.none')}</p>}
      <ul className="change-links">
        {change.links.map((l) => (
          <li key={`${l.targetType}:${l.targetId}`}>
            {l.targetType === 'ticket' ? (
              <Link to={`/tickets/${l.targetId}`}>
                {t('links.ticket', { id: l.targetId })}
                {l.title ? ` ${l.title}` : ''}
              </Link>
            ) : (
              <Link to={`/problems/${l.targetId}`}>
                {t('problemNumber', { id: l.targetId })}
                {l.title ? ` ${l.title}` : ''}
              </Link>
            )}{' '}
            <button
              type="button"
              className="link-button"
              aria-label={t('links.unlinkNamed', { target: l.targetType, id: l.targetId })}
              onClick={() => unlink.mutate({ targetType: l.targetType, targetId: l.targetId })}
            >
              {t('links.unlink')}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="field-row"
        aria-label={t('links.link')}
        onSubmit={(e) => {
          e.preventDefault();
          link.mutate({ targetType, targetId: Number(targetId) }, { onSuccess: () => setTargetId('') });
        }}
      >
        <Field label={t('links.linkA')}>
          {(id) => (
            <select
              id={id}
              value={targetType}
              onChange={(e) => setTargetType(e.target.value as 'ticket' | 'problem')}
            >
              <option value="ticket">{t('links.kindTicket')}</option>
              <option value="problem">{t('links.kindProblem')}</option>
            </select>
          )}
        </Field>
        <Field label={t('links.number')} error={fieldError(link.error, '/targetId')}>
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
            {t('links.link')}
          </button>
        </div>
      </form>
      <ErrorMessage error={link.error ?? unlink.error} title={t('links.failed')} />
    </section>
  );
}

function ExistingChange({ id }: { id: number }) {
  const { t } = useTranslation('changes');
  const change = useChange(id);
  const c = change.data;
  useTitle(c ? `${c.number} ${c.title}` : t('table.change'));
  if (change.isPending) return <Loading />;
  if (!c) return <ErrorMessage error={change.error} />;
  return (
    <div className="page">
      <p className="muted small">
        <Link to="/changes">{t('title')}</Link> · <Link to="/changes/calendar">{t('calendar.short')}</Link>
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
        <span className="muted small">{formatChangeWindow(c.windowStart, c.windowEnd)}</span>
      </div>
      {c.cabReason && (
        <p className="muted">
          <Trans t={t} i18nKey="cabReason" values={{ reason: c.cabReason }} components={{ em: <em /> }} />
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

const linkName = (l: PreLink) =>
  l.targetType === 'ticket'
    ? translate('changes:prelinked.ticket', { id: l.targetId })
    : translate('changes:problemNumber', { id: l.targetId });
const linkHref = (l: PreLink) => `/${l.targetType}s/${l.targetId}`;

function NewChange() {
  const { t } = useTranslation('changes');
  useTitle(t('new'));
  const [params] = useSearchParams();
  const links = preLinks(params);
  const names = new Intl.ListFormat(currentLocale(), { type: 'conjunction' }).format(links.map(linkName));
  return (
    <div className="page narrow">
      <p className="muted small">
        <Link to="/changes">{t('title')}</Link>
        {links.map((l) => (
          <span key={l.targetType}>
            {' '}
            · <Link to={linkHref(l)}>{t('prelinked.back', { name: linkName(l) })}</Link>
          </span>
        ))}
      </p>
      <h1>{t('new')}</h1>
      {links.length > 0 && <p className="change-prelinked">{t('prelinked.raisedFor', { names })}</p>}

      <ChangeForm change={null} links={links} />
    </div>
  );
}
