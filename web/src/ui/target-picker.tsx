// Pickers of monitoring targets by name: a combobox that asks the API for the first matches as the user types
// (there may be thousands of targets, so never the whole board), and a list of picked targets built on it (a
// target's parents). Keyboard: arrows move, Enter picks, Escape closes (the WAI-ARIA combobox pattern).
import { type KeyboardEvent, useId, useState } from 'react';
import { useTargetSearch } from '../api/monitoring-alerts';
import { useSettled } from './settled';
import './monitoring-forms.css';

export interface TargetRef {
  id: number;
  name: string;
}

const shown = 20;

export function TargetCombobox({
  id,
  describedBy,
  invalid,
  value,
  onPick,
  exclude = [],
  required,
  placeholder = 'Search targets by name',
}: {
  id: string;
  describedBy?: string;
  invalid?: boolean;
  /** The picked target; null when none (the field then shows its placeholder). */
  value: TargetRef | null;
  onPick: (target: TargetRef) => void;
  /** Targets not to offer (the target itself, those picked already). */
  exclude?: readonly number[];
  required?: boolean;
  placeholder?: string;
}) {
  const listId = useId();
  const [editing, setEditing] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  // The picked name in the field is no search: the list then offers the first targets.
  const search = useSettled(query === value?.name ? '' : query.trim(), 250);
  const found = useTargetSearch(search, editing);
  const options = (found.data ?? []).filter((t) => !exclude.includes(t.id)).slice(0, shown);
  const open = editing && options.length > 0;
  const pick = (t: TargetRef) => {
    onPick({ id: t.id, name: t.name });
    setEditing(false);
    setQuery(t.name);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setEditing(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (options.length === 0 ? 0 : (a + step + options.length) % options.length));
    } else if (e.key === 'Enter' && open) {
      // Enter picks; it must not submit the form around the picker.
      e.preventDefault();
      const t = options[Math.min(active, options.length - 1)];
      if (t) pick(t);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setEditing(false);
    }
  };
  const activeOption = open ? options[Math.min(active, options.length - 1)] : undefined;
  return (
    <div className="target-picker">
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeOption ? `${listId}-${activeOption.id}` : undefined}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        required={required && value === null}
        placeholder={placeholder}
        value={editing ? query : (value?.name ?? '')}
        onFocus={(e) => {
          setQuery(value?.name ?? '');
          setActive(0);
          setEditing(true);
          e.target.select();
        }}
        onBlur={() => setEditing(false)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setEditing(true);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" className="target-picker-list" hidden={!open}>
        {options.map((t, i) => (
          <li
            key={t.id}
            id={`${listId}-${t.id}`}
            role="option"
            aria-selected={i === active}
            // Pick before the input's blur closes the list.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(t);
            }}
          >
            {t.name}
            {t.address && <span className="muted small"> {t.address}</span>}
          </li>
        ))}
      </ul>
      {editing && found.data && options.length === 0 && !found.isFetching && (
        <p className="hint" role="status">
          No target matches.
        </p>
      )}
    </div>
  );
}

/** Several targets, picked one at a time by name; each shown as a chip that can be removed. */
export function TargetListPicker({
  id,
  describedBy,
  value,
  onChange,
  exclude = [],
}: {
  id: string;
  describedBy?: string;
  value: readonly TargetRef[];
  onChange: (targets: TargetRef[]) => void;
  exclude?: readonly number[];
}) {
  return (
    <div className="target-list-picker">
      {value.length > 0 && (
        <ul className="chips target-list-picked" aria-label="Picked">
          {value.map((t) => (
            <li key={t.id} className="chip">
              {t.name}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${t.name}`}
                onClick={() => onChange(value.filter((x) => x.id !== t.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <TargetCombobox
        id={id}
        describedBy={describedBy}
        value={null}
        placeholder="Add a target by name"
        exclude={[...exclude, ...value.map((t) => t.id)]}
        onPick={(t) => onChange([...value, t])}
      />
    </div>
  );
}
