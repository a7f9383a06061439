// One SLA or OLA target: minutes, calendar, warning percentage and the states that pause it.
import { useTranslation } from 'react-i18next';
import type { Calendar, SlaTarget, Status } from '../../api/types';
import { Field, fieldError } from '../../ui/field';
import { statusLabel } from '../../ui/labels';
import { Checks } from './checks';
import { isTargetName, targetLabel } from './policy-targets';

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
  const { t } = useTranslation('admin-sla');
  const label = isTargetName(name) ? targetLabel(name) : name;
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
            label={t('targets.minutes', { target: label })}
            hint={t('targets.minutesHint')}
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
          <Field
            label={t('targets.calendar', { target: label })}
            error={fieldError(error, `${path}/calendarId`)}
          >
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
                <option value="">{t('targets.noCalendar')}</option>
                {calendars.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('targets.warn', { target: label })}
            hint={t('targets.warnHint')}
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
            legend={t('targets.paused', { target: label })}
            options={pausable.map((s) => [s, statusLabel[s]])}
            value={value.pauseStatuses}
            onChange={(pauseStatuses) => onChange({ ...value, pauseStatuses })}
          />
        </div>
      )}
    </fieldset>
  );
}
