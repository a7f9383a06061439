// The ticket page's service level: each SLA clock (first response, next response, resolution, and the
// group's OLA) with its due time in the viewer's time and the calendar's, business time left counting down
// live, paused, warned and breached states, and the result once achieved; and the technician's manual
// escalation, with a reason, to the next group on the escalation path or to the manager.
import { type FormEvent, useId, useState } from 'react';
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
  const at = useServerNow();
  const u = urgencyOf(clock, at);
  const name = clock.target === 'ola' ? `OLA · ${groupName}` : targetLabel[clock.target];
  const left = useBusinessRemaining(clock, computedAt, calendar, at);
  const phase = { inactive: 'Not running', running: 'Running', paused: 'Paused', achieved: 'Achieved' }[
    clock.phase
  ];
  const done = clock.phase === 'achieved';
  return (
    <li className={`sla-clock sla-${done ? (clock.breached ? 'breached' : 'met') : u}`}>
      <div className="sla-clock-head">
        <strong>{name}</strong>
        <span className={`badge sla-phase-${clock.phase}`}>{phase}</span>
        {clock.warned && !clock.breached && <span className="badge sla-warning">Warned</span>}
        {clock.breached && <span className="badge sla-breached">Breached</span>}
        <span className="muted small">target {formatMinutes(Math.round(clock.targetSeconds / 60))}</span>
      </div>
      {done ? (
        <p className="sla-line">
          Achieved {clock.achievedAt ? localTime(clock.achievedAt) : ''}
          {clock.achievedMinutes !== null && (
            <> after {formatMinutes(clock.achievedMinutes)} of business time</>
          )}
          {clock.marginMinutes !== null && (
            <span className={clock.marginMinutes >= 0 ? 'ok-text' : 'danger-text'}>
              {' '}
              ·{' '}
              {clock.marginMinutes >= 0
                ? `${formatMinutes(clock.marginMinutes)} to spare`
                : `${formatMinutes(-clock.marginMinutes)} late`}
            </span>
          )}
        </p>
      ) : clock.dueAt || clock.phase === 'paused' ? (
        <>
          {clock.dueAt ? (
            <p className="sla-line">
              Due <time dateTime={clock.dueAt}>{localTime(clock.dueAt)}</time>{' '}
              <span className="muted">your time</span>
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
              No due time while paused{calendar ? ` · calendar ${calendar.name}, ${calendar.timeZone}` : ''}
            </p>
          )}
          <p className="sla-line">
            {clock.phase === 'paused' ? 'Paused with ' : 'Business time left: '}
            <span className="sla-countdown" role="timer" aria-live="off">
              {left === undefined
                ? '…'
                : left >= 0
                  ? formatDuration(left)
                  : `${formatDuration(left)} overdue`}
            </span>
            {clock.phase === 'paused' && ' left — the clock stands still while the ticket waits'}
          </p>
        </>
      ) : (
        <p className="sla-line muted">Starts when the ticket needs it.</p>
      )}
    </li>
  );
}

export function SlaPanel({ ticket }: { ticket: Ticket }) {
  const setup = useSlaSetup();
  const dir = useDirectory();
  const sla = ticket.sla;
  if (!sla || (sla.policyId === null && sla.clocks.length === 0)) {
    return (
      <section className="card sla-panel" aria-labelledby="sla-title">
        <h2 id="sla-title">Service level</h2>
        <p className="muted">No SLA policy applies to this ticket.</p>
      </section>
    );
  }
  return (
    <section className="card sla-panel" aria-labelledby="sla-title">
      <div className="sla-panel-head">
        <h2 id="sla-title">Service level</h2>
        <span className="muted small">
          {sla.policyName ?? 'No policy'}
          {sla.pinned ? ' (set by hand)' : ''}
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

const presets = ['Needs L2', 'Needs hardware replacement', 'Needs vendor'];

export function EscalatePanel({ ticket }: { ticket: Ticket }) {
  const setup = useSlaSetup();
  const dir = useDirectory();
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState(presets[0]);
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
    const reason = [preset, details.trim()].filter(Boolean).join(': ');
    if (preset || details.trim()) escalate.mutate({ reason, to: target });
  };
  const openOnes = (escalations.data ?? []).filter((e) => e.status === 'open');
  const detailsError = fieldError(escalate.error, '/reason');
  return (
    <section className="card escalate" aria-labelledby={`${formId}-title`}>
      <div className="sla-panel-head">
        <h2 id={`${formId}-title`}>Escalation</h2>
        {openOnes.length > 0 && (
          <span className="badge sla-warning">
            {openOnes.length} open escalation{openOnes.length === 1 ? '' : 's'}
          </span>
        )}
        {!open && ticket.status !== 'closed' && (
          <button
            type="button"
            onClick={() => setOpen(true)}
            aria-expanded={false}
            aria-controls={`${formId}-form`}
          >
            Escalate…
          </button>
        )}
      </div>
      {escalate.isSuccess && !open && (
        <p role="status" className="ok-text small">
          Escalated — see the timeline.
        </p>
      )}
      {open && (
        <form id={`${formId}-form`} className="form escalate-form" onSubmit={submit}>
          <fieldset className="field">
            <legend>Reason</legend>
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
                  {p}
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
                Other (describe below)
              </label>
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor={`${formId}-details`}>Details{preset ? ' (optional)' : ''}</label>
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
            <legend>Escalate to</legend>
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
                  ? 'Next group (none: top of the escalation path)'
                  : `Next group: ${dir.groupName(next)}`}
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name={`${formId}-to`}
                  checked={target === 'manager'}
                  onChange={() => setTo('manager')}
                />
                The manager
              </label>
            </div>
          </fieldset>
          <div className="actions">
            <button
              type="submit"
              className="primary"
              disabled={escalate.isPending || (!preset && !details.trim())}
            >
              Escalate
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
          <ErrorMessage error={escalate.error} title="Not escalated." />
        </form>
      )}
    </section>
  );
}
