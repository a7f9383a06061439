// Automation rules (managers and admins): the ordered list (move up and down, switch on and off), the editor
// (trigger, conditions on any field, actions in order, "stop processing"), the dry run of the rule as edited
// (the existing tickets it would match now), and the rule log with the SLA escalations' firings.
import { type FormEvent, useState } from 'react';
import { NavLink } from 'react-router-dom';
import {
  type AutomationRule,
  type AutomationRuleInput,
  type DryRun,
  type RuleAction,
  type RuleCondition,
  useAutomationLog,
  useAutomationRules,
  useDryRun,
  useOrderRules,
  useSaveRule,
} from '../api/automation';
import { useCustomFields } from '../api/catalog';
import { useGroups, useUsers } from '../api/directory';
import { useWebhooks } from '../api/webhooks';
import { useUser } from '../session';
import { Field } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

type Trigger = AutomationRuleInput['trigger'];
const triggers: [Trigger, string][] = [
  ['created', 'A ticket is created'],
  ['updated', 'A ticket is updated'],
  ['commented', 'A ticket gets a reply or note'],
  ['sla_warning', 'An SLA warning fires'],
  ['idle', 'A ticket has no update for a while'],
];
const triggerLabel = Object.fromEntries(triggers) as Record<string, string>;

const builtInFields: [string, string][] = [
  ['ticket.title', 'Subject'],
  ['ticket.description', 'Description'],
  ['ticket.type', 'Type'],
  ['ticket.status', 'Status'],
  ['ticket.priority', 'Priority'],
  ['ticket.impact', 'Impact'],
  ['ticket.urgency', 'Urgency'],
  ['ticket.groupId', 'Group (id)'],
  ['ticket.assigneeId', 'Assignee (id)'],
  ['ticket.categoryId', 'Category (id)'],
  ['ticket.tags', 'Tags'],
  ['requester.email', "Requester's email"],
  ['requester.domain', "Requester's email domain"],
  ['requester.role', "Requester's role"],
  ['requester.department', "Requester's department"],
  ['requester.vip', 'Requester is VIP'],
  ['requester.groupIds', "Requester's groups (id)"],
  ['event.changed', 'Changed fields (updates)'],
  ['comment.body', 'Comment text (comments)'],
  ['comment.internal', 'Comment is internal (comments)'],
  ['sla.target', 'SLA target (warnings)'],
];
const ops: [RuleCondition['op'], string][] = [
  ['is', 'is'],
  ['is_not', 'is not'],
  ['in', 'is one of'],
  ['not_in', 'is none of'],
  ['contains', 'contains'],
  ['not_contains', 'does not contain'],
  ['starts_with', 'starts with'],
  ['ends_with', 'ends with'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['set', 'is set'],
  ['not_set', 'is not set'],
];
const actionTypes: [RuleAction['type'], string][] = [
  ['set_priority', 'Set priority'],
  ['set_status', 'Set status'],
  ['set_group', 'Set group'],
  ['assign', 'Assign'],
  ['add_tags', 'Add tags'],
  ['remove_tags', 'Remove tags'],
  ['set_field', 'Set custom field'],
  ['reply', 'Reply or note'],
  ['notify', 'Notify by mail'],
  ['webhook', 'Call a webhook'],
];
const statuses = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'];

/** A condition's value as typed: numbers and yes/no read as such; lists separated by commas. */
function parseValue(text: string, op: RuleCondition['op']): RuleCondition['value'] {
  const one = (s: string): string | number | boolean => {
    const t = s.trim();
    if (t === 'true' || t === 'false') return t === 'true';
    return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
  };
  if (op === 'set' || op === 'not_set') return undefined;
  if (op === 'in' || op === 'not_in')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(one);
  return one(text);
}
const showValue = (v: RuleCondition['value']) =>
  v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);

function newAction(type: RuleAction['type']): RuleAction {
  switch (type) {
    case 'set_priority':
      return { type, priority: 'high' };
    case 'set_status':
      return { type, status: 'in_progress' };
    case 'add_tags':
    case 'remove_tags':
      return { type, tags: [] };
    case 'reply':
      return { type, internal: false, body: 'Hello {{requester.firstName}}, ' };
    case 'notify':
      return {
        type,
        to: 'assignee',
        subject: '{{ticket.subject}}',
        body: 'Ticket {{ticket.url}} needs you.',
      };
    case 'set_field':
      return { type, key: '', value: '' };
    case 'assign':
      return { type, assigneeId: null };
    default:
      return { type } as RuleAction;
  }
}

interface Draft {
  name: string;
  trigger: Trigger;
  idleMinutes: string;
  all: { field: string; op: RuleCondition['op']; text: string }[];
  any: { field: string; op: RuleCondition['op']; text: string }[];
  actions: RuleAction[];
  active: boolean;
  stopProcessing: boolean;
}

function draftOf(rule: AutomationRule | null): Draft {
  const rows = (list: RuleCondition[]) =>
    list.map((c) => ({ field: c.field, op: c.op, text: showValue(c.value) }));
  return {
    name: rule?.name ?? '',
    trigger: rule?.trigger ?? 'created',
    idleMinutes: String(rule?.idleMinutes ?? 60),
    all: rows(rule?.conditions.all ?? []),
    any: rows(rule?.conditions.any ?? []),
    actions: rule?.actions ?? [newAction('set_priority')],
    active: rule?.active ?? true,
    stopProcessing: rule?.stopProcessing ?? false,
  };
}

function bodyOf(d: Draft): AutomationRuleInput {
  const list = (rows: Draft['all']) =>
    rows.map((r) => {
      const value = parseValue(r.text, r.op);
      return value === undefined ? { field: r.field, op: r.op } : { field: r.field, op: r.op, value };
    });
  return {
    name: d.name,
    trigger: d.trigger,
    ...(d.trigger === 'idle' ? { idleMinutes: Number(d.idleMinutes) } : {}),
    conditions: { all: list(d.all), any: list(d.any) },
    actions: d.actions,
    active: d.active,
    stopProcessing: d.stopProcessing,
  };
}

function ConditionRows({
  title,
  rows,
  fields,
  onChange,
}: {
  title: string;
  rows: Draft['all'];
  fields: [string, string][];
  onChange: (rows: Draft['all']) => void;
}) {
  const put = (i: number, r: Draft['all'][number]) => onChange(rows.map((x, j) => (j === i ? r : x)));
  return (
    <fieldset>
      <legend>{title}</legend>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
        <div className="step-row" key={i}>
          <select
            aria-label={`${title}: field ${i + 1}`}
            value={r.field}
            onChange={(e) => put(i, { ...r, field: e.target.value })}
          >
            {fields.map(([f, label]) => (
              <option key={f} value={f}>
                {label}
              </option>
            ))}
          </select>
          <select
            aria-label={`${title}: operator ${i + 1}`}
            value={r.op}
            onChange={(e) => put(i, { ...r, op: e.target.value as RuleCondition['op'] })}
          >
            {ops.map(([o, label]) => (
              <option key={o} value={o}>
                {label}
              </option>
            ))}
          </select>
          {r.op !== 'set' && r.op !== 'not_set' && (
            <input
              type="text"
              aria-label={`${title}: value ${i + 1}`}
              placeholder={r.op === 'in' || r.op === 'not_in' ? 'values, separated by commas' : 'value'}
              value={r.text}
              onChange={(e) => put(i, { ...r, text: e.target.value })}
            />
          )}
          <button
            type="button"
            className="ghost"
            aria-label={`Remove ${title.toLowerCase()} condition ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={rows.length >= 25}
        onClick={() => onChange([...rows, { field: 'ticket.title', op: 'contains', text: '' }])}
      >
        Add condition
      </button>
    </fieldset>
  );
}

function ActionEditor({
  action,
  index,
  onChange,
}: {
  action: RuleAction;
  index: number;
  onChange: (a: RuleAction) => void;
}) {
  const groups = useGroups(true, 60_000);
  const users = useUsers(true, 60_000);
  const fields = useCustomFields();
  const user = useUser();
  const hooks = useWebhooks();
  const label = `Action ${index + 1}`;
  const staff = (users.data ?? []).filter((u) => u.role !== 'requester' && u.active);
  switch (action.type) {
    case 'set_priority':
      return (
        <select
          aria-label={`${label}: priority`}
          value={action.priority}
          onChange={(e) => onChange({ ...action, priority: e.target.value })}
        >
          {levelNames.map((l) => (
            <option key={l} value={l}>
              {priorityLabel[l]}
            </option>
          ))}
        </select>
      );
    case 'set_status':
      return (
        <select
          aria-label={`${label}: status`}
          value={action.status}
          onChange={(e) => onChange({ ...action, status: e.target.value })}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      );
    case 'set_group':
      return (
        <select
          aria-label={`${label}: group`}
          value={action.groupId ?? ''}
          onChange={(e) => onChange({ ...action, groupId: Number(e.target.value) })}
        >
          <option value="">Choose a group</option>
          {(groups.data ?? []).map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      );
    case 'assign':
      return (
        <select
          aria-label={`${label}: assignee`}
          value={action.assigneeId ?? ''}
          onChange={(e) =>
            onChange({ ...action, assigneeId: e.target.value ? Number(e.target.value) : null })
          }
        >
          <option value="">Nobody</option>
          {staff.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      );
    case 'add_tags':
    case 'remove_tags':
      return (
        <input
          type="text"
          aria-label={`${label}: tags, separated by commas`}
          placeholder="tags, separated by commas"
          defaultValue={(action.tags ?? []).join(', ')}
          onChange={(e) =>
            onChange({
              ...action,
              tags: e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
        />
      );
    case 'set_field':
      return (
        <>
          <select
            aria-label={`${label}: custom field`}
            value={action.key ?? ''}
            onChange={(e) => onChange({ ...action, key: e.target.value })}
          >
            <option value="">Choose a field</option>
            {(fields.data ?? []).map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </select>
          <input
            type="text"
            aria-label={`${label}: value`}
            value={
              typeof action.value === 'string' || typeof action.value === 'number' ? String(action.value) : ''
            }
            onChange={(e) => onChange({ ...action, value: e.target.value })}
          />
        </>
      );
    case 'reply':
      return (
        <>
          <label className="inline">
            <input
              type="checkbox"
              checked={action.internal ?? false}
              onChange={(e) => onChange({ ...action, internal: e.target.checked })}
            />
            <span>Internal note</span>
          </label>
          <textarea
            aria-label={`${label}: text`}
            rows={3}
            value={action.body ?? ''}
            onChange={(e) => onChange({ ...action, body: e.target.value })}
          />
        </>
      );
    case 'notify':
      return (
        <>
          <select
            aria-label={`${label}: to`}
            value={action.to}
            onChange={(e) => onChange({ ...action, to: e.target.value as NonNullable<RuleAction['to']> })}
          >
            <option value="requester">The requester</option>
            <option value="assignee">The assignee</option>
            <option value="group">The ticket's group</option>
            <option value="user">A person</option>
          </select>
          {action.to === 'user' && (
            <select
              aria-label={`${label}: person`}
              value={action.userId ?? ''}
              onChange={(e) => onChange({ ...action, userId: Number(e.target.value) })}
            >
              <option value="">Choose</option>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
          <input
            type="text"
            aria-label={`${label}: subject`}
            value={action.subject ?? ''}
            onChange={(e) => onChange({ ...action, subject: e.target.value })}
          />
          <textarea
            aria-label={`${label}: text`}
            rows={3}
            value={action.body ?? ''}
            onChange={(e) => onChange({ ...action, body: e.target.value })}
          />
        </>
      );
    case 'webhook':
      // Webhooks are listed to admins; a manager names one by its id.
      return user.role === 'admin' ? (
        <select
          aria-label={`${label}: webhook`}
          value={action.webhookId ?? ''}
          onChange={(e) => onChange({ ...action, webhookId: Number(e.target.value) })}
        >
          <option value="">Choose a webhook</option>
          {(hooks.data ?? []).map((w) => (
            <option key={w.id} value={w.id}>
              {w.url}
            </option>
          ))}
        </select>
      ) : (
        <input
          type="number"
          min={1}
          aria-label={`${label}: webhook id`}
          value={action.webhookId ?? ''}
          onChange={(e) => onChange({ ...action, webhookId: Number(e.target.value) })}
        />
      );
  }
}

function DryRunResults({ result, onMore }: { result: DryRun; onMore: (() => void) | null }) {
  return (
    <section className="card" aria-labelledby="dry-run-title">
      <h3 id="dry-run-title">Dry run: tickets it would match now</h3>
      {result.items.length === 0 ? (
        <Empty title="No existing ticket matches">Looked at {result.scanned} tickets.</Empty>
      ) : (
        <ul className="library-list">
          {result.items.map((t) => (
            <li key={t.id}>
              <NavLink to={`/tickets/${t.id}`}>
                #{t.id} {t.title}
              </NavLink>{' '}
              <span className="muted small">
                {t.status.replace('_', ' ')} ·{' '}
                {priorityLabel[t.priority as keyof typeof priorityLabel] ?? t.priority}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className="hint">
        Conditions on the event (changed fields, the comment, the SLA target) see nothing in a dry run.
      </p>
      {onMore && (
        <button type="button" onClick={onMore}>
          More
        </button>
      )}
    </section>
  );
}

function RuleForm({ rule, onDone }: { rule: AutomationRule | null; onDone: () => void }) {
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  const custom = useCustomFields();
  const save = useSaveRule(onDone);
  const dry = useDryRun();
  const [pages, setPages] = useState<DryRun[]>([]);
  const fields: [string, string][] = [
    ...builtInFields,
    ...(custom.data ?? []).map((f): [string, string] => [`field.${f.key}`, `Field: ${f.label}`]),
  ];
  const put = (i: number, a: RuleAction) =>
    setD({ ...d, actions: d.actions.map((x, j) => (j === i ? a : x)) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ id: rule?.id ?? null, body: bodyOf(d) });
  };
  const runDry = (cursor?: string) =>
    dry.mutate(
      { body: bodyOf(d), ...(cursor ? { cursor } : {}) },
      { onSuccess: (r) => setPages((p) => (cursor ? [...p, r] : [r])) },
    );
  const last = pages.at(-1);
  const merged: DryRun | null = last
    ? {
        items: pages.flatMap((p) => p.items),
        scanned: pages.reduce((n, p) => n + p.scanned, 0),
        nextCursor: last.nextCursor,
      }
    : null;
  return (
    <>
      <form className="card form" onSubmit={submit} aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}>
        <ErrorMessage
          error={save.error ?? dry.error}
          title={dry.error ? 'The dry run failed.' : 'Not saved.'}
        />
        <div className="field-row">
          <Field label="Name">
            {(id) => (
              <input
                id={id}
                required
                maxLength={120}
                value={d.name}
                onChange={(e) => setD({ ...d, name: e.target.value })}
              />
            )}
          </Field>
          <Field label="When">
            {(id) => (
              <select
                id={id}
                value={d.trigger}
                onChange={(e) => setD({ ...d, trigger: e.target.value as Trigger })}
              >
                {triggers.map(([t, label]) => (
                  <option key={t} value={t}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {d.trigger === 'idle' && (
            <Field label="Quiet for (minutes)">
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={1}
                  required
                  value={d.idleMinutes}
                  onChange={(e) => setD({ ...d, idleMinutes: e.target.value })}
                />
              )}
            </Field>
          )}
        </div>
        <ConditionRows
          title="All of these"
          rows={d.all}
          fields={fields}
          onChange={(all) => setD({ ...d, all })}
        />
        <ConditionRows
          title="Any of these"
          rows={d.any}
          fields={fields}
          onChange={(any) => setD({ ...d, any })}
        />
        <fieldset>
          <legend>Actions, in order</legend>
          <p className="hint">
            Texts may use placeholders such as {'{{requester.firstName}}'}, {'{{ticket.number}}'} and{' '}
            {'{{ticket.url}}'}. Changes made by a rule never trigger rules.
          </p>
          {d.actions.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: actions have no identity but their place
            <div className="step-row" key={i}>
              <select
                aria-label={`Action ${i + 1}`}
                value={a.type}
                onChange={(e) => put(i, newAction(e.target.value as RuleAction['type']))}
              >
                {actionTypes.map(([t, label]) => (
                  <option key={t} value={t}>
                    {label}
                  </option>
                ))}
              </select>
              <ActionEditor action={a} index={i} onChange={(x) => put(i, x)} />
              <button
                type="button"
                className="ghost"
                aria-label={`Remove action ${i + 1}`}
                onClick={() => setD({ ...d, actions: d.actions.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            disabled={d.actions.length >= 20}
            onClick={() => setD({ ...d, actions: [...d.actions, newAction('add_tags')] })}
          >
            Add action
          </button>
        </fieldset>
        <div className="field-row">
          <label className="inline">
            <input
              type="checkbox"
              checked={d.active}
              onChange={(e) => setD({ ...d, active: e.target.checked })}
            />
            <span>Active</span>
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={d.stopProcessing}
              onChange={(e) => setD({ ...d, stopProcessing: e.target.checked })}
            />
            <span>Stop processing later rules when this one fires</span>
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            Save
          </button>
          <button type="button" onClick={() => runDry()} disabled={dry.isPending}>
            Dry run
          </button>
          <button type="button" className="ghost" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
      {merged && (
        <DryRunResults
          result={merged}
          onMore={merged.nextCursor ? () => runDry(merged.nextCursor ?? undefined) : null}
        />
      )}
    </>
  );
}

function RuleLog({ ruleId }: { ruleId: number | null }) {
  const log = useAutomationLog(ruleId);
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="rule-log-title">
      <h2 id="rule-log-title">Rule log</h2>
      <p className="hint">Every firing of a rule, and of the SLA escalation levels, newest first.</p>
      <ErrorMessage error={log.error} />
      {log.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title="Nothing has fired yet" />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Rule log</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Rule</th>
                <th scope="col">Ticket</th>
                <th scope="col">What it did</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={`${e.source}-${e.id}`}>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>
                    {e.rule}
                    {e.source === 'sla' && <span className="muted small"> (SLA)</span>}
                  </td>
                  <td>
                    <NavLink to={`/tickets/${e.ticketId}`}>#{e.ticketId}</NavLink>
                  </td>
                  <td className="break">
                    {e.error ? <span className="error-text">Refused: {e.error}</span> : e.summary}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          Older
        </button>
      )}
    </section>
  );
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function AutomationRules() {
  useTitle('Automation rules');
  const rules = useAutomationRules();
  const order = useOrderRules();
  const save = useSaveRule(() => {});
  const [editing, setEditing] = useState<AutomationRule | 'new' | null>(null);
  const list = rules.data ?? [];
  const move = (i: number, by: -1 | 1) => {
    const ids = list.map((r) => r.id);
    const j = i + by;
    [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
    order.mutate(ids);
  };
  const toggle = (r: AutomationRule) =>
    save.mutate({
      id: r.id,
      body: {
        name: r.name,
        trigger: r.trigger,
        ...(r.idleMinutes !== null ? { idleMinutes: r.idleMinutes } : {}),
        conditions: r.conditions,
        actions: r.actions,
        active: !r.active,
        stopProcessing: r.stopProcessing,
      },
    });
  return (
    <section aria-labelledby="automation-title">
      <div className="page-head">
        <h2 id="automation-title">Automation rules</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        )}
      </div>
      <p className="hint">
        Rules run in this order on each event; a rule with "stop processing" ends the pass when it fires. Each
        firing is written in the ticket's history and the rule log.
      </p>
      {editing !== null && (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ErrorMessage error={rules.error ?? order.error ?? save.error} />
      {rules.isPending ? (
        <Loading />
      ) : list.length === 0 ? (
        <Empty title="No rules yet">
          A rule sets fields, replies, notifies or calls a webhook when tickets change.
        </Empty>
      ) : (
        <ol className="library-list">
          {list.map((r, i) => (
            <li key={r.id} className="card library-item">
              <div>
                <strong>
                  {i + 1}. {r.name}
                </strong>
                <div className="muted small">
                  {triggerLabel[r.trigger]}
                  {r.trigger === 'idle' ? ` (${r.idleMinutes} min)` : ''} ·{' '}
                  {count(r.conditions.all.length + r.conditions.any.length, 'condition')} ·{' '}
                  {count(r.actions.length, 'action')}
                  {r.stopProcessing ? ' · stops processing' : ''}
                  {r.active ? '' : ' · off'}
                </div>
              </div>
              <div className="actions">
                <button
                  type="button"
                  className="ghost"
                  aria-label={`Move ${r.name} up`}
                  disabled={i === 0 || order.isPending}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="ghost"
                  aria-label={`Move ${r.name} down`}
                  disabled={i === list.length - 1 || order.isPending}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={r.active}
                    onChange={() => toggle(r)}
                    aria-label={`${r.name} is active`}
                  />
                  <span>Active</span>
                </label>
                <button type="button" onClick={() => setEditing(r)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    if (window.confirm(`Delete the rule ${r.name} and its log?`))
                      save.mutate({ id: r.id, body: null });
                  }}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
      <RuleLog ruleId={null} />
    </section>
  );
}
