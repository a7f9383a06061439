// Assignment (managers): per group, how tickets are handed out (by hand, round-robin, least loaded, best
// skill, or the queue optimiser) and the optimiser's explained proposals for the unassigned queue, accepted per
// ticket or all at once; the routing rules that send a ticket to a group; the skills catalogue.
import { type FormEvent, useState } from 'react';
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

const policyLabels: Record<AssignmentPolicy['policy'], string> = {
  manual: 'By hand',
  round_robin: 'Round-robin',
  least_loaded: 'Least loaded',
  best_skill: 'Best skill match',
  optimise: 'Optimise the queue',
};

function PolicyForm({ groupId }: { groupId: number }) {
  const policy = useAssignmentPolicy(groupId);
  const set = useSetPolicy(groupId);
  if (policy.isPending) return <Loading />;
  if (policy.error) return <ErrorMessage error={policy.error} />;
  const p = policy.data;
  return (
    <div className="actions">
      <label className="inline">
        <span>Policy</span>
        <select
          value={p.policy}
          disabled={set.isPending}
          onChange={(e) => set.mutate({ policy: e.target.value as AssignmentPolicy['policy'], auto: p.auto })}
        >
          {Object.entries(policyLabels).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
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
        <span>Assign automatically</span>
      </label>
      <ErrorMessage error={set.error} title="Not saved." />
    </div>
  );
}

function Proposals({ groupId }: { groupId: number }) {
  const proposals = useProposals(groupId);
  const accept = useAcceptProposals(groupId);
  const [outcomes, setOutcomes] = useState<AcceptOutcome[]>([]);
  const done = (r: AcceptOutcome[]) => setOutcomes(r);
  if (proposals.isPending) return <Loading label="Optimising the queue…" />;
  if (proposals.error) return <ErrorMessage error={proposals.error} />;
  const assignable = proposals.data.filter((p) => p.userId !== null);
  return (
    <section aria-labelledby="proposals-title">
      <div className="page-head">
        <h2 id="proposals-title">Proposals for the unassigned queue</h2>
        <button
          type="button"
          className="primary"
          disabled={assignable.length === 0 || accept.isPending}
          onClick={() => accept.mutate({ all: true }, { onSuccess: done })}
        >
          Accept all ({assignable.length})
        </button>
      </div>
      <p className="hint">
        The assignment that best matches skills and SLA urgency while balancing load, solved for the whole
        queue at once.
      </p>
      {outcomes.length > 0 && (
        <div className="alert" role="status">
          {outcomes.filter((o) => o.outcome === 'assigned').length} assigned
          {outcomes.some((o) => o.outcome === 'skipped') && (
            <>, {outcomes.filter((o) => o.outcome === 'skipped').length} skipped</>
          )}
          .
        </div>
      )}
      <ErrorMessage error={accept.error} title="Not assigned." />
      {proposals.data.length === 0 ? (
        <Empty title="Nothing unassigned in this group." />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Proposed</th>
                <th scope="col">Why</th>
                <th scope="col">
                  <span className="visually-hidden">Accept</span>
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
                  <td>{p.userName ?? <span className="muted">Nobody now</span>}</td>
                  <td className="break">{p.reason}</td>
                  <td>
                    {p.userId !== null && (
                      <button
                        type="button"
                        disabled={accept.isPending}
                        onClick={() => accept.mutate({ ticketIds: [p.ticketId] }, { onSuccess: done })}
                        aria-label={`Accept: #${p.ticketId} to ${p.userName}`}
                      >
                        Accept
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
      <h2 id="rules-title">Routing rules</h2>
      <p className="hint">
        Tried in order when a ticket arrives; the first that matches sends it to its group.
      </p>
      {rules.isPending && <Loading />}
      <ErrorMessage error={rules.error ?? remove.error} />
      {rules.data?.length === 0 && <Empty title="No rules: tickets wait in the general queue." />}
      <ol className="plain-list">
        {rules.data?.map((r) => (
          <li key={r.id} className="request-row">
            <div className="grow">
              <strong>{r.name}</strong> → {dir.groupName(r.groupId)}
              {r.skillId !== null && <> · needs {skillName(r.skillId) ?? 'a skill'}</>}
              <div className="muted small">
                {[
                  r.conditions.categoryIds?.length
                    ? `category ${r.conditions.categoryIds.map((c) => dir.categoryName(c)).join(' or ')}`
                    : null,
                  r.conditions.keywords?.length ? `words: ${r.conditions.keywords.join(', ')}` : null,
                  r.conditions.requesterGroupIds?.length
                    ? `requester in ${r.conditions.requesterGroupIds.map((g) => dir.groupName(g)).join(' or ')}`
                    : null,
                ]
                  .filter(Boolean)
                  .join(' · ') || 'every ticket'}
                {!r.active && ' · off'}
              </div>
            </div>
            <button
              type="button"
              className="ghost"
              onClick={() => remove.mutate(r.id)}
              aria-label={`Remove rule ${r.name}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <form className="card form" onSubmit={submit} aria-labelledby="new-rule">
        <h3 id="new-rule" className="flush">
          New rule
        </h3>
        <Field label="Name" error={fieldError(create.error, '/name')}>
          {(id) => (
            <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <div className="field-row">
          <Field label="Words in the title or description" hint="Comma-separated; any one matches">
            {(id, d) => (
              <input
                id={id}
                value={keywords}
                aria-describedby={d}
                onChange={(e) => setKeywords(e.target.value)}
              />
            )}
          </Field>
          <Field label="Category">
            {(id) => (
              <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                <option value="">Any</option>
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
          <Field label="Send to group" error={fieldError(create.error, '/groupId')}>
            {(id) => (
              <select id={id} required value={groupId} onChange={(e) => setGroupId(e.target.value)}>
                <option value="">Choose…</option>
                {dir.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Needs skill">
            {(id) => (
              <select id={id} value={skillId} onChange={(e) => setSkillId(e.target.value)}>
                <option value="">None</option>
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
            Add rule
          </button>
        </div>
        <ErrorMessage error={create.error} title="Not added." />
      </form>
    </section>
  );
}

function Skills() {
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
      <h2 id="skills-title">Skills</h2>
      <p className="hint">
        A ticket needs a skill when its category or its words say so; technicians hold levels 1–5.
      </p>
      <ErrorMessage error={skills.error ?? remove.error} />
      <ul className="plain-list">
        {skills.data?.map((s) => (
          <li key={s.id} className="request-row">
            <div className="grow">
              <strong>{s.name}</strong>
              <div className="muted small">
                {[s.categoryIds.map((c) => dir.categoryName(c)).join(', '), s.keywords.join(', ')]
                  .filter(Boolean)
                  .join(' · ') || 'set on technicians only'}
              </div>
            </div>
            <button
              type="button"
              className="ghost"
              onClick={() => remove.mutate(s.id)}
              aria-label={`Remove skill ${s.name}`}
            >
              Remove
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
        aria-label="New skill"
      >
        <input
          required
          maxLength={100}
          placeholder="Skill, e.g. VPN"
          aria-label="Skill name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          placeholder="Words, comma-separated"
          aria-label="Words that need the skill"
          value={keywords}
          onChange={(e) => setKeywords(e.target.value)}
        />
        <button type="submit" disabled={create.isPending}>
          Add skill
        </button>
      </form>
      <ErrorMessage error={create.error} title="Not added." />
    </section>
  );
}

export default function AssignmentPage() {
  useTitle('Assignment');
  const dir = useDirectory();
  const [picked, setPicked] = useState<number | null>(null);
  const groupId = picked ?? dir.groups[0]?.id ?? null;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Assignment</h1>
        <Link to="/technicians">Technicians</Link>
      </div>
      {dir.groups.length === 0 ? (
        <Empty title="No groups yet." />
      ) : (
        <section className="card" aria-labelledby="group-title">
          <div className="page-head">
            <h2 id="group-title" className="flush">
              Group
            </h2>
            <select
              aria-label="Group"
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
