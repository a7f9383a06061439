// A group of checkboxes for a set of values (priorities, categories, states), and toggling one in a list.
export function toggle<T>(list: T[] | undefined, v: T, on: boolean): T[] {
  const l = list ?? [];
  return on ? [...l.filter((x) => x !== v), v] : l.filter((x) => x !== v);
}

export function Checks<T extends string | number>({
  legend,
  options,
  value,
  onChange,
}: {
  legend: string;
  options: [T, string][];
  value: T[] | undefined;
  onChange: (v: T[]) => void;
}) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="chips">
        {options.map(([v, label]) => (
          <label key={String(v)} className="choice chip">
            <input
              type="checkbox"
              checked={(value ?? []).includes(v)}
              onChange={(e) => onChange(toggle(value, v, e.target.checked))}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
