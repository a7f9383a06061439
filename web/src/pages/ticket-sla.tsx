// The ticket page's service level: each SLA clock (first response, next response, resolution, and the
// group's OLA) with its due time in the viewer's time and the calendar's, business time left counting down
// live, paused, warned and breached states, and the result once achieved; and the technician's manual
// escalation, with a reason, to the next group on the escalation path or to the manager.
import { type FormEvent, useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import {
  slaSetupStaleMs,
  useCalendars,
  useEscalateTicket,
  useEscalationPath,
  useOlas,
  usePolicies,
  useTicketEscalations,
} from '../api/sla';
import type { Calendar, SlaClock, Ticket, TicketSla } from '../api/types';
import {
  formatDuration,
  formatMinutes,
  localTime,
  targetLabel,
  urgencyOf,
  useBusinessRemaining,
  useServerNow,
  zoneTime,
} from '../sla';
import { useDirectory } from '../ui/directory';
import { fieldError } from '../ui/field';
import { ErrorMessage } from '../ui/messages';

export function useSlaSetup() {
  const calendars = useCalendars(slaSetupStaleMs);
  const policies = usePolicies(slaSetupStaleMs);
  const olas = useOlas(slaSetupStaleMs);
  const path = useEscalationPath(slaSetupStaleMs);
  const setup = {
    calendars: calendars.data ?? [],
    policies: policies.data ?? [],
    olas: olas.data ?? [],
    path: path.data ?? [],
  };
  return {
    ...setup,
    /** Whether the calendars are known, so business time can be counted. */
    ready: calendars.isSuccess && policies.isSuccess && olas.isSuccess,
    /** The calendar a ticket's clock counts on: its policy's target's, or its group's OLA's. */
    calendarOf(sla: TicketSla | undefined, c: SlaClock): Calendar | null {
      const id =
        c.target === 'ola'
          ? setup.olas.find((o) => o.groupId === c.groupId)?.calendarId
          : setup.policies.find((p) => p.id === sla?.policyId)?.targets[c.target]?.calendarId;
      return setup.calendars.find((cal) => cal.id === id) ?? null;
    },
  };
}

function ClockRow({
  clock,
  computedAt,
  calendar,
  groupName,
}: {
  clock: SlaClock;
  computedAt: string;
  calendar: Calendar | null;
  groupName: string;
}) {
  const { t } = useTranslation('ticket-sla');
  const at = useServerNow();
  const u = urgencyOf(clock, at);
  const name = clock.target === 'ola' ? t('ola', { group: groupName }) : targetLabel(clock.target);
  const left = useBusinessRemaining(clock, computedAt, calendar, at);
  const phase = t(`phase.${clock.phase}`);
  const done = clock.phase === 'achieved';
  return (
    <li className={`sla-clock sla-${done ? (clock.breached ? 'breached' : 'met') : u}`}>
      <div className="sla-clock-head">
        <strong>{name}</strong>
        <span className={`badge sla-phase-${clock.phase}`}>{phase}</span>
        {clock.warned && !clock.breached && <span className="badge sla-warning">{t('warned')}</span>}
        {clock.breached && <span className="badge sla-breached">{t('breached')}</span>}
        <span className="muted small">
          {t('target', { duration: formatMinutes(Math.round(clock.targetSeconds / 60)) })}
        </span>
      </div>
      {done ? (
        <p className="sla-line">
          {clock.achievedMinutes !== null
            ? t('achievedAfter', {
                when: clock.achievedAt ? localTime(clock.achievedAt) : '',
                duration: formatMinutes(clock.achievedMinutes),
              })
            : t('achieved', { when: clock.achievedAt ? localTime(clock.achievedAt) : '' })}
          {clock.marginMinutes !== null && (
            <span className={clock.marginMinutes >= 0 ? 'ok-text' : 'danger-text'}>
              {' '}
              ·{' '}
              {clock.marginMinutes >= 0
                ? t('toSpare', { duration: formatMinutes(clock.marginMinutes) })
                : t('late', { duration: formatMinutes(-clock.marginMinutes) })}
            </span>
          )}
        </p>
      ) : clock.dueAt || clock.phase === 'paused' ? (
        <>
          {clock.dueAt ? (
            <p className="sla-line">
              <Trans
                t={t}
                i18nKey="due"
                components={{
                  when: <time dateTime={clock.dueAt}>{localTime(clock.dueAt)}</time>,
                  muted: <span className="muted" />,
                }}
              />
              {calendar ? (
                <span className="muted">
                  {' '}
                  · {zoneTime(clock.dueAt, calendar.timeZone)} {calendar.timeZone} ({calendar.name})
                </span>
              ) : (
                <span className="muted"> · 24/7</span>
              )}
            </p>
          ) : (
            <p className="sla-line muted">
              {calendar
                ? t('noDueCalendar', { calendar: calendar.name, zone: calendar.timeZone })
                : t('noDue')}
            </p>
          )}
          <p className="sla-line">
            <Trans
              t={t}
              i18nKey={clock.phase === 'paused' ? 'pausedLeft' : 'left'}
              components={{
                timer: (
                  <span className="sla-countdown" role="timer" aria-live="off">
                    {left === undefined
                      ? '…'
                      : left >= 0
                        ? formatDuration(left)
                        : t('overdue', { duration: formatDuration(left) })}
                  </span>
                ),
              }}
            />
          </p>
        </>
      ) : (
        <p className="sla-line muted">{t('startsLater')}</p>
      )}
    </li>
  );
}

export function SlaPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-sla');
  const setup = useSlaSetup();
  const dir = useDirectory();
  const sla = ticket.sla;
  if (!sla || (sla.policyId === null && sla.clocks.length === 0)) {
    return (
      <section className="card sla-panel" aria-labelledby="sla-title">
        <h2 id="sla-title">{t('title')}</h2>
        <p className="muted">{t('noPolicy')}</p>
      </section>
    );
  }
  return (
    <section className="card sla-panel" aria-labelledby="sla-title">
      <div className="sla-panel-head">
        <h2 id="sla-title">{t('title')}</h2>
        <span className="muted small">
          {sla.pinned
            ? t('pinned', { policy: sla.policyName ?? t('policyNone') })
            : (sla.policyName ?? t('policyNone'))}
        </span>
      </div>
      <ul className="sla-clocks">
        {sla.clocks.map((c) => (
          <ClockRow
            key={`${c.target}-${c.groupId ?? ''}-${c.cycle}`}
            clock={c}
            computedAt={sla.computedAt}
            calendar={setup.calendarOf(sla, c)}
            groupName={dir.groupName(c.groupId)}
          />
        ))}
      </ul>
    </section>
  );
}

/** The usual reasons (preset.<key>); the reason is sent in the technician's words. */
const presets = ['needsL2', 'needsHardware', 'needsVendor'] as const;

export function EscalatePanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-sla');
  const setup = useSlaSetup();
  const dir = useDirectory();
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState<(typeof presets)[number] | ''>(presets[0]);
  const [details, setDetails] = useState('');
  const at = ticket.groupId === null ? -1 : setup.path.indexOf(ticket.groupId);
  const next = setup.path[at + 1] ?? null;
  const [to, setTo] = useState<'group' | 'manager'>('group');
  const target = next === null ? 'manager' : to;
  const escalations = useTicketEscalations(ticket.id);
  const escalate = useEscalateTicket(ticket.id, () => {
    setDetails('');
    setOpen(false);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const reason = [preset ? t(`preset.${preset}`) : '', details.trim()].filter(Boolean).join(': ');
    if (preset || details.trim()) escalate.mutate({ reason, to: target });
  };
  const openOnes = (escalations.data ?? []).filter((e) => e.status === 'open');
  const detailsError = fieldError(escalate.error, '/reason');
  return (
    <section className="card escalate" aria-labelledby={`${formId}-title`}>
      <div className="sla-panel-head">
        <h2 id={`${formId}-title`}>{t('escalate.title')}</h2>
        {openOnes.length > 0 && (
          <span className="badge sla-warning">{t('escalate.open', { count: openOnes.length })}</span>
        )}
        {!open && ticket.status !== 'closed' && (
          <button
            type="button"
            onClick={() => setOpen(true)}
            aria-expanded={false}
            aria-controls={`${formId}-form`}
          >
            {t('escalate.start')}
          </button>
        )}
      </div>
      {escalate.isSuccess && !open && (
        <p role="status" className="ok-text small">
          {t('escalate.done')}
        </p>
      )}
      {open && (
        <form id={`${formId}-form`} className="form escalate-form" onSubmit={submit}>
          <fieldset className="field">
            <legend>{t('escalate.reason')}</legend>
            <div className="choices">
              {presets.map((p) => (
                <label key={p} className="choice">
                  <input
                    type="radio"
                    name={`${formId}-preset`}
                    value={p}
                    checked={preset === p}
                    onChange={() => setPreset(p)}
                  />
                  {t(`preset.${p}`)}
                </label>
              ))}
              <label className="choice">
                <input
                  type="radio"
                  name={`${formId}-preset`}
                  value=""
                  checked={preset === ''}
                  onChange={() => setPreset('')}
                />
                {t('escalate.other')}
              </label>
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor={`${formId}-details`}>
              {preset ? t('escalate.detailsOptional') : t('escalate.details')}
            </label>
            <textarea
              id={`${formId}-details`}
              rows={2}
              maxLength={900}
              value={details}
              required={!preset}
              aria-invalid={detailsError ? true : undefined}
              aria-describedby={detailsError ? `${formId}-details-error` : undefined}
              onChange={(e) => setDetails(e.target.value)}
            />
            {detailsError && (
              <p className="field-error" id={`${formId}-details-error`}>
                {detailsError}
              </p>
            )}
          </div>
          <fieldset className="field">
            <legend>{t('escalate.to')}</legend>
            <div className="choices">
              <label className="choice">
                <input
                  type="radio"
                  name={`${formId}-to`}
                  checked={target === 'group'}
                  disabled={next === null}
                  onChange={() => setTo('group')}
                />
                {next === null
                  ? t('escalate.noNextGroup')
                  : t('escalate.nextGroup', { group: dir.groupName(next) })}
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name={`${formId}-to`}
                  checked={target === 'manager'}
                  onChange={() => setTo('manager')}
                />
                {t('escalate.manager')}
              </label>
            </div>
          </fieldset>
          <div className="actions">
            <button
              type="submit"
              className="primary"
              disabled={escalate.isPending || (!preset && !details.trim())}
            >
              {t('escalate.submit')}
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              {t('common:actions.cancel')}
            </button>
          </div>
          <ErrorMessage error={escalate.error} title={t('escalate.failed')} />
        </form>
      )}
    </section>
  );
}
