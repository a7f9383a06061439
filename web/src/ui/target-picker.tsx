// Pickers of monitoring targets by name: a combobox that asks the API for the first matches as the user types
// (there may be thousands of targets, so never the whole board), and a list of picked targets built on it (a
// target's parents). Keyboard: arrows move, Enter picks, Escape closes (the WAI-ARIA combobox pattern).
import { type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  placeholder,
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
  const { t } = useTranslation('ui');
  const listId = useId();
  const [editing, setEditing] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  // The picked name in the field is no search: the list then offers the first targets.
  const search = useSettled(query === value?.name ? '' : query.trim(), 250);
  const found = useTargetSearch(search, editing);
  const options = (found.data ?? []).filter((o) => !exclude.includes(o.id)).slice(0, shown);
  const open = editing && options.length > 0;
  const pick = (target: TargetRef) => {
    onPick({ id: target.id, name: target.name });
    setEditing(false);
    setQuery(target.name);
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
      const target = options[Math.min(active, options.length - 1)];
      if (target) pick(target);
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
        placeholder={placeholder ?? t('targets.search')}
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
        {options.map((o, i) => (
          <li
            key={o.id}
            id={`${listId}-${o.id}`}
            role="option"
            aria-selected={i === active}
            // Pick before the input's blur closes the list.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(o);
            }}
          >
            {o.name}
            {o.address && <span className="muted small"> {o.address}</span>}
          </li>
        ))}
      </ul>
      {editing && found.data && options.length === 0 && !found.isFetching && (
        <p className="hint" role="status">
          {t('targets.none')}
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
  const { t } = useTranslation('ui');
  return (
    <div className="target-list-picker">
      {value.length > 0 && (
        <ul className="chips target-list-picked" aria-label={t('targets.picked')}>
          {value.map((target) => (
            <li key={target.id} className="chip">
              {target.name}
              <button
                type="button"
                className="icon-button"
                aria-label={t('targets.remove', { name: target.name })}
                onClick={() => onChange(value.filter((x) => x.id !== target.id))}
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
        placeholder={t('targets.add')}
        exclude={[...exclude, ...value.map((v) => v.id)]}
        onPick={(picked) => onChange([...value, picked])}
      />
    </div>
  );
}
