// Automation rules (managers and admins): the ordered list (move up and down, switch on and off), the editor
// (trigger, conditions on any field, actions in order, "stop processing"), the dry run of the rule as edited
// (the existing tickets it would match now), and the rule log with the SLA escalations' firings.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
import { t } from '../i18n';
import { useUser } from '../session';
import { Field } from '../ui/field';
import { levelNames, priorityLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { Time } from '../ui/time';
import { useTitle } from '../ui/title';

type Trigger = AutomationRuleInput['trigger'];
const triggers = (): [Trigger, string][] => [
  ['created', t('admin-automation:trigger.created')],
  ['updated', t('admin-automation:trigger.updated')],
  ['commented', t('admin-automation:trigger.commented')],
  ['sla_warning', t('admin-automation:trigger.sla_warning')],
  ['idle', t('admin-automation:trigger.idle')],
];
const triggerLabel = (trigger: string): string =>
  (Object.fromEntries(triggers()) as Record<string, string>)[trigger] ?? trigger;

const builtInFields = (): [string, string][] => [
  ['ticket.title', t('admin-automation:field.ticket_title')],
  ['ticket.description', t('admin-automation:field.ticket_description')],
  ['ticket.type', t('admin-automation:field.ticket_type')],
  ['ticket.status', t('admin-automation:field.ticket_status')],
  ['ticket.priority', t('admin-automation:field.ticket_priority')],
  ['ticket.impact', t('admin-automation:field.ticket_impact')],
  ['ticket.urgency', t('admin-automation:field.ticket_urgency')],
  ['ticket.groupId', t('admin-automation:field.ticket_groupId')],
  ['ticket.assigneeId', t('admin-automation:field.ticket_assigneeId')],
  ['ticket.categoryId', t('admin-automation:field.ticket_categoryId')],
  ['ticket.tags', t('admin-automation:field.ticket_tags')],
  ['requester.email', t('admin-automation:field.requester_email')],
  ['requester.domain', t('admin-automation:field.requester_domain')],
  ['requester.role', t('admin-automation:field.requester_role')],
  ['requester.department', t('admin-automation:field.requester_department')],
  ['requester.vip', t('admin-automation:field.requester_vip')],
  ['requester.groupIds', t('admin-automation:field.requester_groupIds')],
  ['event.changed', t('admin-automation:field.event_changed')],
  ['comment.body', t('admin-automation:field.comment_body')],
  ['comment.internal', t('admin-automation:field.comment_internal')],
  ['sla.target', t('admin-automation:field.sla_target')],
];
const ops = (): [RuleCondition['op'], string][] => [
  ['is', t('admin-automation:op.is')],
  ['is_not', t('admin-automation:op.is_not')],
  ['in', t('admin-automation:op.in')],
  ['not_in', t('admin-automation:op.not_in')],
  ['contains', t('admin-automation:op.contains')],
  ['not_contains', t('admin-automation:op.not_contains')],
  ['starts_with', t('admin-automation:op.starts_with')],
  ['ends_with', t('admin-automation:op.ends_with')],
  ['gt', t('admin-automation:op.gt')],
  ['gte', t('admin-automation:op.gte')],
  ['lt', t('admin-automation:op.lt')],
  ['lte', t('admin-automation:op.lte')],
  ['set', t('admin-automation:op.set')],
  ['not_set', t('admin-automation:op.not_set')],
];
const actionTypes = (): [RuleAction['type'], string][] => [
  ['set_priority', t('admin-automation:action.set_priority')],
  ['set_status', t('admin-automation:action.set_status')],
  ['set_group', t('admin-automation:action.set_group')],
  ['assign', t('admin-automation:action.assign')],
  ['add_tags', t('admin-automation:action.add_tags')],
  ['remove_tags', t('admin-automation:action.remove_tags')],
  ['set_field', t('admin-automation:action.set_field')],
  ['reply', t('admin-automation:action.reply')],
  ['notify', t('admin-automation:action.notify')],
  ['webhook', t('admin-automation:action.webhook')],
];
const statuses = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'];
/** A ticket state as this page has always written it (lower case), in the current language. */
const statusWord = (s: string) => t(`admin-automation:status.${s}`, { defaultValue: s.replace('_', ' ') });

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
  const { t } = useTranslation('admin-automation');
  const put = (i: number, r: Draft['all'][number]) => onChange(rows.map((x, j) => (j === i ? r : x)));
  return (
    <fieldset>
      <legend>{title}</legend>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
        <div className="step-row" key={i}>
          <select
            aria-label={t('conditions.field', { title, n: i + 1 })}
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
            aria-label={t('conditions.operator', { title, n: i + 1 })}
            value={r.op}
            onChange={(e) => put(i, { ...r, op: e.target.value as RuleCondition['op'] })}
          >
            {ops().map(([o, label]) => (
              <option key={o} value={o}>
                {label}
              </option>
            ))}
          </select>
          {r.op !== 'set' && r.op !== 'not_set' && (
            <input
              type="text"
              aria-label={t('conditions.value', { title, n: i + 1 })}
              placeholder={
                r.op === 'in' || r.op === 'not_in' ? t('conditions.values') : t('conditions.oneValue')
              }
              value={r.text}
              onChange={(e) => put(i, { ...r, text: e.target.value })}
            />
          )}
          <button
            type="button"
            className="ghost"
            aria-label={t('conditions.remove', { title: title.toLowerCase(), n: i + 1 })}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            {t('remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={rows.length >= 25}
        onClick={() => onChange([...rows, { field: 'ticket.title', op: 'contains', text: '' }])}
      >
        {t('conditions.add')}
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
  const { t } = useTranslation('admin-automation');
  const n = index + 1;
  const staff = (users.data ?? []).filter((u) => u.role !== 'requester' && u.active);
  switch (action.type) {
    case 'set_priority':
      return (
        <select
          aria-label={t('action.priority', { n })}
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
          aria-label={t('action.status', { n })}
          value={action.status}
          onChange={(e) => onChange({ ...action, status: e.target.value })}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {statusWord(s)}
            </option>
          ))}
        </select>
      );
    case 'set_group':
      return (
        <select
          aria-label={t('action.group', { n })}
          value={action.groupId ?? ''}
          onChange={(e) => onChange({ ...action, groupId: Number(e.target.value) })}
        >
          <option value="">{t('action.chooseGroup')}</option>
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
          aria-label={t('action.assignee', { n })}
          value={action.assigneeId ?? ''}
          onChange={(e) =>
            onChange({ ...action, assigneeId: e.target.value ? Number(e.target.value) : null })
          }
        >
          <option value="">{t('action.nobody')}</option>
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
          aria-label={t('action.tags', { n })}
          placeholder={t('action.tagsPlaceholder')}
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
            aria-label={t('action.customField', { n })}
            value={action.key ?? ''}
            onChange={(e) => onChange({ ...action, key: e.target.value })}
          >
            <option value="">{t('action.chooseField')}</option>
            {(fields.data ?? []).map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </select>
          <input
            type="text"
            aria-label={t('action.value', { n })}
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
            <span>{t('action.internal')}</span>
          </label>
          <textarea
            aria-label={t('action.text', { n })}
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
            aria-label={t('action.to', { n })}
            value={action.to}
            onChange={(e) => onChange({ ...action, to: e.target.value as NonNullable<RuleAction['to']> })}
          >
            <option value="requester">{t('action.to.requester')}</option>
            <option value="assignee">{t('action.to.assignee')}</option>
            <option value="group">{t('action.to.group')}</option>
            <option value="user">{t('action.to.user')}</option>
          </select>
          {action.to === 'user' && (
            <select
              aria-label={t('action.person', { n })}
              value={action.userId ?? ''}
              onChange={(e) => onChange({ ...action, userId: Number(e.target.value) })}
            >
              <option value="">{t('action.choose')}</option>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
          <input
            type="text"
            aria-label={t('action.subject', { n })}
            value={action.subject ?? ''}
            onChange={(e) => onChange({ ...action, subject: e.target.value })}
          />
          <textarea
            aria-label={t('action.text', { n })}
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
          aria-label={t('action.webhook', { n })}
          value={action.webhookId ?? ''}
          onChange={(e) => onChange({ ...action, webhookId: Number(e.target.value) })}
        >
          <option value="">{t('action.chooseWebhook')}</option>
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
          aria-label={t('action.webhookId', { n })}
          value={action.webhookId ?? ''}
          onChange={(e) => onChange({ ...action, webhookId: Number(e.target.value) })}
        />
      );
  }
}

function DryRunResults({ result, onMore }: { result: DryRun; onMore: (() => void) | null }) {
  const { t } = useTranslation('admin-automation');
  return (
    <section className="card" aria-labelledby="dry-run-title">
      <h3 id="dry-run-title">{t('dryRun.title')}</h3>
      {result.items.length === 0 ? (
        <Empty title={t('dryRun.empty')}>{t('dryRun.scanned', { count: result.scanned })}</Empty>
      ) : (
        <ul className="library-list">
          {result.items.map((tk) => (
            <li key={tk.id}>
              <NavLink to={`/tickets/${tk.id}`}>
                #{tk.id} {tk.title}
              </NavLink>{' '}
              <span className="muted small">
                {statusWord(tk.status)} ·{' '}
                {priorityLabel[tk.priority as keyof typeof priorityLabel] ?? tk.priority}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className="hint">{t('dryRun.hint')}</p>
      {onMore && (
        <button type="button" onClick={onMore}>
          {t('dryRun.more')}
        </button>
      )}
    </section>
  );
}

function RuleForm({ rule, onDone }: { rule: AutomationRule | null; onDone: () => void }) {
  const { t } = useTranslation('admin-automation');
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  const custom = useCustomFields();
  const save = useSaveRule(onDone);
  const dry = useDryRun();
  const [pages, setPages] = useState<DryRun[]>([]);
  const fields: [string, string][] = [
    ...builtInFields(),
    ...(custom.data ?? []).map((f): [string, string] => [
      `field.${f.key}`,
      t('form.customField', { label: f.label }),
    ]),
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
      <form
        className="card form"
        onSubmit={submit}
        aria-label={rule ? t('form.edit', { name: rule.name }) : t('form.new')}
      >
        <ErrorMessage
          error={save.error ?? dry.error}
          title={dry.error ? t('form.dryRunFailed') : t('form.notSaved')}
        />
        <div className="field-row">
          <Field label={t('form.name')}>
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
          <Field label={t('form.when')}>
            {(id) => (
              <select
                id={id}
                value={d.trigger}
                onChange={(e) => setD({ ...d, trigger: e.target.value as Trigger })}
              >
                {triggers().map(([code, label]) => (
                  <option key={code} value={code}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {d.trigger === 'idle' && (
            <Field label={t('form.idleMinutes')}>
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
          title={t('form.all')}
          rows={d.all}
          fields={fields}
          onChange={(all) => setD({ ...d, all })}
        />
        <ConditionRows
          title={t('form.any')}
          rows={d.any}
          fields={fields}
          onChange={(any) => setD({ ...d, any })}
        />
        <fieldset>
          <legend>{t('form.actions')}</legend>
          <p className="hint">
            {t('form.placeholders', {
              first: '{{requester.firstName}}',
              number: '{{ticket.number}}',
              url: '{{ticket.url}}',
            })}
          </p>
          {d.actions.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: actions have no identity but their place
            <div className="step-row" key={i}>
              <select
                aria-label={t('form.action', { n: i + 1 })}
                value={a.type}
                onChange={(e) => put(i, newAction(e.target.value as RuleAction['type']))}
              >
                {actionTypes().map(([code, label]) => (
                  <option key={code} value={code}>
                    {label}
                  </option>
                ))}
              </select>
              <ActionEditor action={a} index={i} onChange={(x) => put(i, x)} />
              <button
                type="button"
                className="ghost"
                aria-label={t('form.removeAction', { n: i + 1 })}
                onClick={() => setD({ ...d, actions: d.actions.filter((_, j) => j !== i) })}
              >
                {t('remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            disabled={d.actions.length >= 20}
            onClick={() => setD({ ...d, actions: [...d.actions, newAction('add_tags')] })}
          >
            {t('form.addAction')}
          </button>
        </fieldset>
        <div className="field-row">
          <label className="inline">
            <input
              type="checkbox"
              checked={d.active}
              onChange={(e) => setD({ ...d, active: e.target.checked })}
            />
            <span>{t('active')}</span>
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={d.stopProcessing}
              onChange={(e) => setD({ ...d, stopProcessing: e.target.checked })}
            />
            <span>{t('form.stopProcessing')}</span>
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('common:actions.save')}
          </button>
          <button type="button" onClick={() => runDry()} disabled={dry.isPending}>
            {t('form.dryRun')}
          </button>
          <button type="button" className="ghost" onClick={onDone}>
            {t('common:actions.cancel')}
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
  const { t } = useTranslation('admin-automation');
  const log = useAutomationLog(ruleId);
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="rule-log-title">
      <h2 id="rule-log-title">{t('log.title')}</h2>
      <p className="hint">{t('log.hint')}</p>
      <ErrorMessage error={log.error} />
      {log.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title={t('log.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('log.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('log.when')}</th>
                <th scope="col">{t('log.rule')}</th>
                <th scope="col">{t('log.ticket')}</th>
                <th scope="col">{t('log.what')}</th>
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
                    {e.source === 'sla' && <span className="muted small"> {t('log.sla')}</span>}
                  </td>
                  <td>
                    <NavLink to={`/tickets/${e.ticketId}`}>#{e.ticketId}</NavLink>
                  </td>
                  <td className="break">
                    {e.error ? (
                      <span className="error-text">{t('log.refused', { error: e.error })}</span>
                    ) : (
                      e.summary
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {t('log.older')}
        </button>
      )}
    </section>
  );
}

export function AutomationRules() {
  const { t } = useTranslation('admin-automation');
  useTitle(t('title'));
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
        <h2 id="automation-title">{t('title')}</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('form.new')}
          </button>
        )}
      </div>
      <p className="hint">{t('intro')}</p>
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
        <Empty title={t('empty.title')}>{t('empty.text')}</Empty>
      ) : (
        <ol className="library-list">
          {list.map((r, i) => (
            <li key={r.id} className="card library-item">
              <div>
                <strong>
                  {i + 1}. {r.name}
                </strong>
                <div className="muted small">
                  {triggerLabel(r.trigger)}
                  {r.trigger === 'idle' ? t('list.idle', { minutes: r.idleMinutes }) : ''} ·{' '}
                  {t('list.conditions', { count: r.conditions.all.length + r.conditions.any.length })} ·{' '}
                  {t('list.actions', { count: r.actions.length })}
                  {r.stopProcessing ? t('list.stops') : ''}
                  {r.active ? '' : t('list.off')}
                </div>
              </div>
              <div className="actions">
                <button
                  type="button"
                  className="ghost"
                  aria-label={t('list.moveUp', { name: r.name })}
                  disabled={i === 0 || order.isPending}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="ghost"
                  aria-label={t('list.moveDown', { name: r.name })}
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
                    aria-label={t('list.isActive', { name: r.name })}
                  />
                  <span>{t('active')}</span>
                </label>
                <button type="button" onClick={() => setEditing(r)}>
                  {t('common:actions.edit')}
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    if (window.confirm(t('list.confirmDelete', { name: r.name })))
                      save.mutate({ id: r.id, body: null });
                  }}
                >
                  {t('common:actions.delete')}
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
