// Group OLAs and the escalation path (admins): one target per group, and the order of groups a ticket is
// escalated through.
import { useState } from 'react';
import { useCalendars, useEscalationPath, useOlas, useSaveEscalationPath, useSaveOla } from '../../api/sla';
import type { Calendar, Group, Ola, SlaTarget } from '../../api/types';
import { useDirectory } from '../../ui/directory';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

import { Saved } from './form-feedback';
import { TargetEditor } from './target-editor';

function OlaRow({ group, ola, calendars }: { group: Group; ola: Ola | undefined; calendars: Calendar[] }) {
  const [t, setT] = useState<SlaTarget | undefined>(ola);
  const save = useSaveOla(group.id);
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(t);
      }}
    >
      <TargetEditor
        name={`OLA ${group.name}`}
        path=""
        value={t}
        calendars={calendars}
        error={save.error}
        onChange={setT}
      />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save OLA of {group.name}
        </button>
        <Saved show={save.isSuccess} />
      </div>
      <ErrorMessage error={save.error} title="The OLA was not saved." />
    </form>
  );
}

export function Olas() {
  useTitle('OLAs and escalation path');
  const dir = useDirectory();
  const calendars = useCalendars();
  const olas = useOlas();
  const path = useEscalationPath();
  const [draft, setDraft] = useState<number[] | null>(null);
  const ids = draft ?? path.data ?? [];
  const savePath = useSaveEscalationPath(() => setDraft(null));
  if (olas.isPending || path.isPending) return <Loading />;
  return (
    <>
      <section className="card form" aria-labelledby="path-title">
        <h2 id="path-title" className="flush">
          Escalation path
        </h2>
        <p className="hint">
          A technician’s manual escalation hands the ticket to the next group here; after the last, to the
          manager.
        </p>
        <ol className="pick-list">
          {ids.map((id, i) => (
            <li key={id} className="pick-row">
              <span className="grow">
                {i + 1}. {dir.groupName(id)}
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${dir.groupName(id)} up`}
                disabled={i === 0}
                onClick={() => setDraft(ids.map((x, j) => (j === i - 1 ? id : j === i ? ids[i - 1] : x)))}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${dir.groupName(id)} from the path`}
                onClick={() => setDraft(ids.filter((x) => x !== id))}
              >
                ×
              </button>
            </li>
          ))}
          <li className="muted small">then: the manager</li>
        </ol>
        <div className="actions">
          <label className="inline">
            <span>Add group</span>
            <select value="" onChange={(e) => e.target.value && setDraft([...ids, Number(e.target.value)])}>
              <option value="">Choose…</option>
              {dir.groups
                .filter((g) => !ids.includes(g.id))
                .map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
            </select>
          </label>
          <button
            type="button"
            className="primary"
            disabled={draft === null || savePath.isPending}
            onClick={() => savePath.mutate(ids)}
          >
            Save path
          </button>
          <Saved show={savePath.isSuccess && draft === null} />
        </div>
        <ErrorMessage error={savePath.error ?? olas.error ?? path.error} title="Not saved." />
      </section>
      <h2>OLAs per group</h2>
      <p className="hint">
        An internal resolution target for the time a group holds a ticket, counted from its assignment.
      </p>
      {dir.groups.length === 0 && <Empty title="No groups yet." />}
      {dir.groups.map((g) => (
        <OlaRow
          key={g.id}
          group={g}
          ola={olas.data?.find((o) => o.groupId === g.id)}
          calendars={calendars.data ?? []}
        />
      ))}
    </>
  );
}
