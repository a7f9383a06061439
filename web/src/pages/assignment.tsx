// Assignment (managers): per group, how tickets are handed out (by hand, round-robin, least loaded, best
// skill, or the queue optimiser) and the optimiser's explained proposals for the unassigned queue, accepted per
// ticket or all at once; the routing rules that send a ticket to a group; the skills catalogue.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type AcceptOutcome,
  type AssignmentPolicy,
  useAcceptProposals,
  useAssignmentPolicy,
  useAssignmentRules,
  useCreateRule,
  useCreateSkill,
  useDeleteRule,
  useDeleteSkill,
  useProposals,
  useSetPolicy,
  useSkills,
} from '../api/technicians';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';

const policies: AssignmentPolicy['policy'][] = [
  'manual',
  'round_robin',
  'least_loaded',
  'best_skill',
  'optimise',
];

function PolicyForm({ groupId }: { groupId: number }) {
  const { t } = useTranslation('assignment');
  const policy = useAssignmentPolicy(groupId);
  const set = useSetPolicy(groupId);
  if (policy.isPending) return <Loading />;
  if (policy.error) return <ErrorMessage error={policy.error} />;
  const p = policy.data;
  return (
    <div className="actions">
      <label className="inline">
        <span>{t('policy.label')}</span>
        <select
          value={p.policy}
          disabled={set.isPending}
          onChange={(e) => set.mutate({ policy: e.target.value as AssignmentPolicy['policy'], auto: p.auto })}
        >
          {policies.map((k) => (
            <option key={k} value={k}>
              {t(`policy.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={p.auto}
          disabled={set.isPending || p.policy === 'manual'}
          onChange={(e) => set.mutate({ policy: p.policy, auto: e.target.checked })}
        />
        <span>{t('policy.auto')}</span>
      </label>
      <ErrorMessage error={set.error} title={t('policy.failed')} />
    </div>
  );
}

function Proposals({ groupId }: { groupId: number }) {
  const { t } = useTranslation('assignment');
  const proposals = useProposals(groupId);
  const accept = useAcceptProposals(groupId);
  const [outcomes, setOutcomes] = useState<AcceptOutcome[]>([]);
  const done = (r: AcceptOutcome[]) => setOutcomes(r);
  if (proposals.isPending) return <Loading label={t('proposals.loading')} />;
  if (proposals.error) return <ErrorMessage error={proposals.error} />;
  const assignable = proposals.data.filter((p) => p.userId !== null);
  return (
    <section aria-labelledby="proposals-title">
      <div className="page-head">
        <h2 id="proposals-title">{t('proposals.title')}</h2>
        <button
          type="button"
          className="primary"
          disabled={assignable.length === 0 || accept.isPending}
          onClick={() => accept.mutate({ all: true }, { onSuccess: done })}
        >
          {t('proposals.acceptAll', { count: assignable.length })}
        </button>
      </div>
      <p className="hint">{t('proposals.hint')}</p>
      {outcomes.length > 0 && (
        <div className="alert" role="status">
          {outcomes.some((o) => o.outcome === 'skipped')
            ? t('proposals.outcomeSkipped', {
                assigned: outcomes.filter((o) => o.outcome === 'assigned').length,
                skipped: outcomes.filter((o) => o.outcome === 'skipped').length,
              })
            : t('proposals.outcome', { assigned: outcomes.filter((o) => o.outcome === 'assigned').length })}
        </div>
      )}
      <ErrorMessage error={accept.error} title={t('proposals.failed')} />
      {proposals.data.length === 0 ? (
        <Empty title={t('proposals.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('proposals.ticket')}</th>
                <th scope="col">{t('proposals.proposed')}</th>
                <th scope="col">{t('proposals.why')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('proposals.accept')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {proposals.data.map((p) => (
                <tr key={p.ticketId}>
                  <td className="break">
                    <Link to={`/tickets/${p.ticketId}`}>
                      #{p.ticketId} {p.ticketTitle}
                    </Link>
                  </td>
                  <td>{p.userName ?? <span className="muted">{t('proposals.nobody')}</span>}</td>
                  <td className="break">{p.reason}</td>
                  <td>
                    {p.userId !== null && (
                      <button
                        type="button"
                        disabled={accept.isPending}
                        onClick={() => accept.mutate({ ticketIds: [p.ticketId] }, { onSuccess: done })}
                        aria-label={t('proposals.acceptOne', { id: String(p.ticketId), name: p.userName })}
                      >
                        {t('proposals.accept')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Rules() {
  const { t } = useTranslation('assignment');
  const dir = useDirectory();
  const rules = useAssignmentRules();
  const skills = useSkills();
  const remove = useDeleteRule();
  const [name, setName] = useState('');
  const [keywords, setKeywords] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [skillId, setSkillId] = useState('');
  const create = useCreateRule(() => {
    setName('');
    setKeywords('');
    setCategoryId('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const words = keywords
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean);
    create.mutate({
      name,
      groupId: Number(groupId),
      skillId: skillId ? Number(skillId) : null,
      conditions: {
        ...(words.length ? { keywords: words } : {}),
        ...(categoryId ? { categoryIds: [Number(categoryId)] } : {}),
      },
    });
  };
  const skillName = (id: number | null) => skills.data?.find((s) => s.id === id)?.name;
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">{t('rules.title')}</h2>
      <p className="hint">{t('rules.hint')}</p>
      {rules.isPending && <Loading />}
      <ErrorMessage error={rules.error ?? remove.error} />
      {rules.data?.length === 0 && <Empty title={t('rules.empty')} />}
      <ol className="plain-list">
        {rules.data?.map((r) => (
          <li key={r.id} className="request-row">
            <div className="grow">
              <strong>{r.name}</strong> → {dir.groupName(r.groupId)}
              {r.skillId !== null && (
                <>
                  {' '}
                  ·{' '}
                  {skillName(r.skillId) !== undefined
                    ? t('rules.needs', { skill: skillName(r.skillId) })
                    : t('rules.needsSome')}
                </>
              )}
              <div className="muted small">
                {[
                  r.conditions.categoryIds?.length
                    ? t('rules.category', {
                        names: r.conditions.categoryIds.map((c) => dir.categoryName(c)).join(t('rules.or')),
                      })
                    : null,
                  r.conditions.keywords?.length
                    ? t('rules.words', { words: r.conditions.keywords.join(', ') })
                    : null,
                  r.conditions.requesterGroupIds?.length
                    ? t('rules.requesterIn', {
                        names: r.conditions.requesterGroupIds
                          .map((g) => dir.groupName(g))
                          .join(t('rules.or')),
                      })
                    : null,
                ]
                  .filter(Boolean)
                  .join(' · ') || t('rules.every')}
                {!r.active && ` · ${t('rules.off')}`}
              </div>
            </div>
            <button
              type="button"
              className="ghost"
              onClick={() => remove.mutate(r.id)}
              aria-label={t('rules.removeNamed', { name: r.name })}
            >
              {t('remove')}
            </button>
          </li>
        ))}
      </ol>
      <form className="card form" onSubmit={submit} aria-labelledby="new-rule">
        <h3 id="new-rule" className="flush">
          {t('rules.new')}
        </h3>
        <Field label={t('rules.name')} error={fieldError(create.error, '/name')}>
          {(id) => (
            <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <div className="field-row">
          <Field label={t('rules.keywords')} hint={t('rules.keywordsHint')}>
            {(id, d) => (
              <input
                id={id}
                value={keywords}
                aria-describedby={d}
                onChange={(e) => setKeywords(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('rules.categoryLabel')}>
            {(id) => (
              <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                <option value="">{t('rules.any')}</option>
                {dir.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="field-row">
          <Field label={t('rules.group')} error={fieldError(create.error, '/groupId')}>
            {(id) => (
              <select id={id} required value={groupId} onChange={(e) => setGroupId(e.target.value)}>
                <option value="">{t('rules.choose')}</option>
                {dir.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('rules.skill')}>
            {(id) => (
              <select id={id} value={skillId} onChange={(e) => setSkillId(e.target.value)}>
                <option value="">{t('rules.noSkill')}</option>
                {skills.data?.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('rules.add')}
          </button>
        </div>
        <ErrorMessage error={create.error} title={t('notAdded')} />
      </form>
    </section>
  );
}

function Skills() {
  const { t } = useTranslation('assignment');
  const dir = useDirectory();
  const skills = useSkills();
  const remove = useDeleteSkill();
  const [name, setName] = useState('');
  const [keywords, setKeywords] = useState('');
  const create = useCreateSkill(() => {
    setName('');
    setKeywords('');
  });
  return (
    <section aria-labelledby="skills-title">
      <h2 id="skills-title">{t('skills.title')}</h2>
      <p className="hint">{t('skills.hint')}</p>
      <ErrorMessage error={skills.error ?? remove.error} />
      <ul className="plain-list">
        {skills.data?.map((s) => (
          <li key={s.id} className="request-row">
            <div className="grow">
              <strong>{s.name}</strong>
              <div className="muted small">
                {[s.categoryIds.map((c) => dir.categoryName(c)).join(', '), s.keywords.join(', ')]
                  .filter(Boolean)
                  .join(' · ') || t('skills.techniciansOnly')}
              </div>
            </div>
            <button
              type="button"
              className="ghost"
              onClick={() => remove.mutate(s.id)}
              aria-label={t('skills.removeNamed', { name: s.name })}
            >
              {t('remove')}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const words = keywords
            .split(',')
            .map((w) => w.trim())
            .filter(Boolean);
          create.mutate({ name, keywords: words });
        }}
        aria-label={t('skills.new')}
      >
        <input
          required
          maxLength={100}
          placeholder={t('skills.namePlaceholder')}
          aria-label={t('skills.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          placeholder={t('skills.wordsPlaceholder')}
          aria-label={t('skills.words')}
          value={keywords}
          onChange={(e) => setKeywords(e.target.value)}
        />
        <button type="submit" disabled={create.isPending}>
          {t('skills.add')}
        </button>
      </form>
      <ErrorMessage error={create.error} title={t('notAdded')} />
    </section>
  );
}

export default function AssignmentPage() {
  const { t } = useTranslation('assignment');
  useTitle(t('title'));
  const dir = useDirectory();
  const [picked, setPicked] = useState<number | null>(null);
  const groupId = picked ?? dir.groups[0]?.id ?? null;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <Link to="/technicians">{t('techniciansLink')}</Link>
      </div>
      {dir.groups.length === 0 ? (
        <Empty title={t('noGroups')} />
      ) : (
        <section className="card" aria-labelledby="group-title">
          <div className="page-head">
            <h2 id="group-title" className="flush">
              {t('group')}
            </h2>
            <select
              aria-label={t('group')}
              value={groupId ?? ''}
              onChange={(e) => setPicked(Number(e.target.value))}
            >
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          {groupId !== null && <PolicyForm key={groupId} groupId={groupId} />}
        </section>
      )}
      {groupId !== null && <Proposals key={groupId} groupId={groupId} />}
      <Rules />
      <Skills />
    </div>
  );
}
