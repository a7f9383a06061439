// One SLA or OLA target: minutes, calendar, warning percentage and the states that pause it.
import type { Calendar, SlaTarget, SlaTargetName, Status } from '../../api/types';
import { targetLabel } from '../../sla';
import { Field, fieldError } from '../../ui/field';
import { statusLabel } from '../../ui/labels';
import { Checks } from './checks';

const pausable: Status[] = ['new', 'assigned', 'in_progress', 'pending', 'resolved'];

export function TargetEditor({
  name,
  path = `/targets/${name}`,
  value,
  calendars,
  error,
  onChange,
}: {
  name: string;
  /** Where the API's field errors for this target point. */
  path?: string;
  value: SlaTarget | undefined;
  calendars: Calendar[];
  error: unknown;
  onChange: (t: SlaTarget | undefined) => void;
}) {
  const label = targetLabel[name as SlaTargetName] ?? name;
  return (
    <fieldset className="sub-card">
      <legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={value !== undefined}
            onChange={(e) =>
              onChange(
                e.target.checked
                  ? { minutes: 60, calendarId: null, warnPercent: 80, pauseStatuses: ['pending'] }
                  : undefined,
              )
            }
          />
          {label}
        </label>
      </legend>
      {value && (
        <div className="grid-form">
          <Field
            label={`${label}: minutes`}
            hint="Business minutes"
            error={fieldError(error, `${path}/minutes`)}
          >
            {(id, d, inv) => (
              <input
                id={id}
                type="number"
                min={1}
                required
                value={value.minutes}
                aria-describedby={d}
                aria-invalid={inv || undefined}
                onChange={(e) => onChange({ ...value, minutes: Number(e.target.value) })}
              />
            )}
          </Field>
          <Field label={`${label}: calendar`} error={fieldError(error, `${path}/calendarId`)}>
            {(id, d, inv) => (
              <select
                id={id}
                value={value.calendarId ?? ''}
                aria-describedby={d}
                aria-invalid={inv || undefined}
                onChange={(e) =>
                  onChange({ ...value, calendarId: e.target.value ? Number(e.target.value) : null })
                }
              >
                <option value="">24/7 (no calendar)</option>
                {calendars.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={`${label}: warn at %`}
            hint="Of the target used; empty: no warning"
            error={fieldError(error, `${path}/warnPercent`)}
          >
            {(id, d, inv) => (
              <input
                id={id}
                type="number"
                min={1}
                max={99}
                value={value.warnPercent ?? ''}
                aria-describedby={d}
                aria-invalid={inv || undefined}
                onChange={(e) =>
                  onChange({ ...value, warnPercent: e.target.value ? Number(e.target.value) : null })
                }
              />
            )}
          </Field>
          <Checks
            legend={`${label}: paused while`}
            options={pausable.map((s) => [s, statusLabel[s]])}
            value={value.pauseStatuses}
            onChange={(pauseStatuses) => onChange({ ...value, pauseStatuses })}
          />
        </div>
      )}
    </fieldset>
  );
}
