// Group OLAs and the escalation path (admins): one target per group, and the order of groups a ticket is
// escalated through.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCalendars, useEscalationPath, useOlas, useSaveEscalationPath, useSaveOla } from '../../api/sla';
import type { Calendar, Group, Ola, SlaTarget } from '../../api/types';
import { useDirectory } from '../../ui/directory';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

import { Saved } from './form-feedback';
import { TargetEditor } from './target-editor';

function OlaRow({ group, ola, calendars }: { group: Group; ola: Ola | undefined; calendars: Calendar[] }) {
  const { t } = useTranslation('admin-sla');
  const [target, setTarget] = useState<SlaTarget | undefined>(ola);
  const save = useSaveOla(group.id);
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(target);
      }}
    >
      <TargetEditor
        name={t('olas.targetName', { group: group.name })}
        path=""
        value={target}
        calendars={calendars}
        error={save.error}
        onChange={setTarget}
      />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {t('olas.save', { group: group.name })}
        </button>
        <Saved show={save.isSuccess} />
      </div>
      <ErrorMessage error={save.error} title={t('olas.failed')} />
    </form>
  );
}

export function Olas() {
  const { t } = useTranslation('admin-sla');
  useTitle(t('olas.title'));
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
          {t('olas.path.title')}
        </h2>
        <p className="hint">{t('olas.path.hint')}</p>
        <ol className="pick-list">
          {ids.map((id, i) => (
            <li key={id} className="pick-row">
              <span className="grow">
                {i + 1}. {dir.groupName(id)}
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label={t('olas.path.moveUp', { group: dir.groupName(id) })}
                disabled={i === 0}
                onClick={() => setDraft(ids.map((x, j) => (j === i - 1 ? id : j === i ? ids[i - 1] : x)))}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={t('olas.path.remove', { group: dir.groupName(id) })}
                onClick={() => setDraft(ids.filter((x) => x !== id))}
              >
                ×
              </button>
            </li>
          ))}
          <li className="muted small">{t('olas.path.thenManager')}</li>
        </ol>
        <div className="actions">
          <label className="inline">
            <span>{t('olas.path.addGroup')}</span>
            <select value="" onChange={(e) => e.target.value && setDraft([...ids, Number(e.target.value)])}>
              <option value="">{t('choose')}</option>
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
            {t('olas.path.save')}
          </button>
          <Saved show={savePath.isSuccess && draft === null} />
        </div>
        <ErrorMessage error={savePath.error ?? olas.error ?? path.error} title={t('notSaved')} />
      </section>
      <h2>{t('olas.perGroup.title')}</h2>
      <p className="hint">{t('olas.perGroup.hint')}</p>
      {dir.groups.length === 0 && <Empty title={t('olas.noGroups')} />}
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
