// The agents' library (/macros): canned responses, macros and ticket templates — the ones the user may use,
// each editable by who may manage it (technicians their own; managers and admins the group and global ones).
// One list and one form per kind; the server checks placeholders and scopes and the form shows its answer.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type CannedResponse,
  type Macro,
  type MacroStepInput,
  type TicketTemplate,
  useCannedResponses,
  useMacros,
  useSaveLibraryItem,
  useTicketTemplates,
} from '../api/macros';
import type { LevelName, Status } from '../api/types';
import { t as translate } from '../i18n';
import { isManager, useUser } from '../session';
import { useDirectory } from '../ui/directory';
import { Field, fieldError } from '../ui/field';
import { levelNames, priorityLabel, statusLabel } from '../ui/labels';
import { Empty, ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';
import { short } from './ticket-macros';

type Kind = 'canned-responses' | 'macros' | 'ticket-templates';
const kinds: Kind[] = ['canned-responses', 'macros', 'ticket-templates'];
/** Each kind's name in the catalogue keys (kind.<key>, kind.new.<key>, kind.empty.<key>). */
const kindKey = {
  'canned-responses': 'cannedResponses',
  macros: 'macros',
  'ticket-templates': 'ticketTemplates',
} as const;
type Scope = 'user' | 'group' | 'global';
interface Scoped {
  id: number;
  scope: Scope;
  ownerId: number | null;
  groupId: number | null;
}

// i18n-ignore: the placeholders themselves, the same in every language
const placeholders = `{{ticket.number}} {{ticket.subject}} {{ticket.status}} {{ticket.priority}} {{ticket.url}} {{requester.name}} {{requester.firstName}} {{requester.email}} {{agent.name}} {{agent.firstName}} {{agent.email}} {{group.name}} {{article:ID}}`;

/** "Placeholders: {{ticket.number}} …" in the user's language, read when shown. */
const placeholderHelp = () => translate('macros:placeholders', { list: placeholders });

function useScopeLabel() {
  const { t } = useTranslation('macros');
  const dir = useDirectory();
  return (i: Scoped) =>
    i.scope === 'user'
      ? t('scope.personal')
      : i.scope === 'global'
        ? t('scope.everyone')
        : t('scope.group', { name: dir.groupName(i.groupId ?? 0) });
}

/** Who may change an item: its owner for a personal one; managers and admins for shared ones. */
function useMayManage() {
  const user = useUser();
  return (i: Scoped) => (i.scope === 'user' ? i.ownerId === user.id : isManager(user));
}

function ScopeFields({
  scope,
  groupId,
  onChange,
}: {
  scope: Scope;
  groupId: string;
  onChange: (scope: Scope, groupId: string) => void;
}) {
  const { t } = useTranslation('macros');
  const user = useUser();
  const dir = useDirectory();
  return (
    <div className="field-row">
      <Field label={t('scope.for')} hint={isManager(user) ? undefined : t('scope.hint')}>
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            value={scope}
            onChange={(e) => onChange(e.target.value as Scope, groupId)}
          >
            <option value="user">{t('scope.meOnly')}</option>
            {isManager(user) && <option value="group">{t('scope.aGroup')}</option>}
            {isManager(user) && <option value="global">{t('scope.everyone')}</option>}
          </select>
        )}
      </Field>
      {scope === 'group' && (
        <Field label={t('scope.groupLabel')}>
          {(id) => (
            <select id={id} required value={groupId} onChange={(e) => onChange(scope, e.target.value)}>
              <option value="">{t('scope.choose')}</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </div>
  );
}

const scopeBody = (scope: Scope, groupId: string) => ({
  scope,
  ...(scope === 'group' ? { groupId: Number(groupId) } : {}),
});

// ---- canned responses ----------------------------------------------------------------------------

function ResponseForm({ item, onDone }: { item: CannedResponse | null; onDone: () => void }) {
  const { t } = useTranslation('macros');
  const [title, setTitle] = useState(item?.title ?? '');
  const [body, setBody] = useState(item?.body ?? '');
  const [keywords, setKeywords] = useState(item?.keywords ?? '');
  const [shortcut, setShortcut] = useState(item?.shortcut ?? '');
  const [scope, setScope] = useState<Scope>(item?.scope ?? 'user');
  const [groupId, setGroupId] = useState(String(item?.groupId ?? ''));
  const save = useSaveLibraryItem('canned-responses', onDone);
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      id: item?.id ?? null,
      body: { title, body, keywords, shortcut: shortcut || null, ...scopeBody(scope, groupId) },
    });
  }
  return (
    <form className="card form" onSubmit={submit} aria-label={item ? t('response.edit') : t('response.new')}>
      <ErrorMessage error={save.error} title={t('notSaved')} />
      <Field label={t('response.title')}>
        {(id) => (
          <input id={id} required maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} />
        )}
      </Field>
      <Field label={t('response.text')} hint={placeholderHelp()} error={fieldError(save.error, '/body')}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            required
            rows={6}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </Field>
      <div className="field-row">
        <Field label={t('response.keywords')} hint={t('response.keywordsHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={keywords}
              onChange={(e) => setKeywords(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('response.shortcut')}>
          {(id) => (
            <input id={id} maxLength={30} value={shortcut} onChange={(e) => setShortcut(e.target.value)} />
          )}
        </Field>
      </div>
      <ScopeFields
        scope={scope}
        groupId={groupId}
        onChange={(s, g) => {
          setScope(s);
          setGroupId(g);
        }}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common:actions.save')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---- macros --------------------------------------------------------------------------------------

const stepTypes: MacroStepInput['type'][] = [
  'set_status',
  'set_priority',
  'set_group',
  'assign',
  'add_tags',
  'remove_tags',
  'public_reply',
  'internal_note',
];

/** An action's name in the user's language; one this page does not know is shown by its code. */
const stepLabel = (type: string) => translate(`macros:step.${type}`, { defaultValue: type });

function newStep(type: MacroStepInput['type']): MacroStepInput {
  switch (type) {
    case 'set_status':
      return { type, status: 'in_progress' };
    case 'set_priority':
      return { type, priority: 'medium' };
    case 'set_group':
      return { type, groupId: null };
    case 'assign':
      return { type, assignee: 'me' };
    case 'add_tags':
    case 'remove_tags':
      return { type, tags: [] };
    default:
      return { type, body: '' };
  }
}

function StepEditor({
  step,
  index,
  onChange,
}: {
  step: MacroStepInput;
  index: number;
  onChange: (s: MacroStepInput) => void;
}) {
  const { t } = useTranslation('macros');
  const dir = useDirectory();
  const n = index + 1;
  switch (step.type) {
    case 'set_status':
      return (
        <select
          aria-label={t('action.state', { n })}
          value={step.status}
          onChange={(e) => onChange({ ...step, status: e.target.value as Status })}
        >
          {(Object.keys(statusLabel) as Status[]).map((s) => (
            <option key={s} value={s}>
              {statusLabel[s]}
            </option>
          ))}
        </select>
      );
    case 'set_priority':
      return (
        <select
          aria-label={t('action.priority', { n })}
          value={String(step.priority)}
          onChange={(e) => onChange({ ...step, priority: e.target.value as LevelName })}
        >
          {levelNames.map((l) => (
            <option key={l} value={l}>
              {priorityLabel[l]}
            </option>
          ))}
        </select>
      );
    case 'set_group':
      return (
        <select
          aria-label={t('action.group', { n })}
          value={step.groupId ?? ''}
          onChange={(e) => onChange({ ...step, groupId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">{t('action.noGroup')}</option>
          {dir.groups.map((g) => (
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
          value={step.assignee === null ? '' : String(step.assignee)}
          onChange={(e) =>
            onChange({
              ...step,
              assignee: e.target.value === 'me' ? 'me' : e.target.value ? Number(e.target.value) : null,
            })
          }
        >
          <option value="me">{t('action.me')}</option>
          <option value="">{t('action.nobody')}</option>
          {dir.users
            .filter((u) => u.role !== 'requester' && u.active)
            .map((u) => (
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
          defaultValue={step.tags.join(', ')}
          onChange={(e) =>
            onChange({
              ...step,
              tags: e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
        />
      );
    default:
      return (
        <textarea
          aria-label={t('action.text', { n })}
          rows={3}
          value={step.body}
          onChange={(e) => onChange({ ...step, body: e.target.value })}
        />
      );
  }
}

function MacroForm({ item, onDone }: { item: Macro | null; onDone: () => void }) {
  const { t } = useTranslation('macros');
  const [name, setName] = useState(item?.name ?? '');
  const [steps, setSteps] = useState<MacroStepInput[]>(
    (item?.actions as MacroStepInput[] | undefined) ?? [newStep('set_status')],
  );
  const [scope, setScope] = useState<Scope>(item?.scope ?? 'user');
  const [groupId, setGroupId] = useState(String(item?.groupId ?? ''));
  const save = useSaveLibraryItem('macros', onDone);
  const put = (i: number, s: MacroStepInput) => setSteps((all) => all.map((x, j) => (j === i ? s : x)));
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ id: item?.id ?? null, body: { name, actions: steps, ...scopeBody(scope, groupId) } });
  }
  return (
    <form className="card form" onSubmit={submit} aria-label={item ? t('macro.edit') : t('macro.new')}>
      <ErrorMessage error={save.error} title={t('notSaved')} />
      <Field label={t('macro.name')}>
        {(id) => (
          <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <fieldset>
        <legend>{t('macro.actions')}</legend>
        <p className="hint">
          {t('macro.actionsHint')} {placeholderHelp()}
        </p>
        {steps.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps have no identity but their place
          <div className="step-row" key={i}>
            <select
              aria-label={t('action.label', { n: i + 1 })}
              value={s.type}
              onChange={(e) => put(i, newStep(e.target.value as MacroStepInput['type']))}
            >
              {stepTypes.map((type) => (
                <option key={type} value={type}>
                  {stepLabel(type)}
                </option>
              ))}
            </select>
            <StepEditor step={s} index={i} onChange={(x) => put(i, x)} />
            <button
              type="button"
              className="ghost"
              aria-label={t('action.remove', { n: i + 1 })}
              onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}
            >
              {t('remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setSteps((all) => [...all, newStep('public_reply')])}
          disabled={steps.length >= 20}
        >
          {t('macro.addAction')}
        </button>
      </fieldset>
      <ScopeFields
        scope={scope}
        groupId={groupId}
        onChange={(s, g) => {
          setScope(s);
          setGroupId(g);
        }}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common:actions.save')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---- ticket templates ----------------------------------------------------------------------------

function TemplateForm({ item, onDone }: { item: TicketTemplate | null; onDone: () => void }) {
  const { t } = useTranslation('macros');
  const dir = useDirectory();
  const d = item?.defaults;
  const [name, setName] = useState(item?.name ?? '');
  const [subject, setSubject] = useState(d?.subject ?? '');
  const [body, setBody] = useState(d?.body ?? '');
  const [type, setType] = useState<string>(d?.type ?? '');
  const [categoryId, setCategoryId] = useState(String(d?.categoryId ?? ''));
  const [impact, setImpact] = useState<string>(d?.impact ?? '');
  const [urgency, setUrgency] = useState<string>(d?.urgency ?? '');
  const [group, setGroup] = useState(String(d?.groupId ?? ''));
  const [tags, setTags] = useState(d?.tags.join(', ') ?? '');
  const [scope, setScope] = useState<Scope>(item?.scope ?? 'user');
  const [groupId, setGroupId] = useState(String(item?.groupId ?? ''));
  const save = useSaveLibraryItem('ticket-templates', onDone);
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      id: item?.id ?? null,
      body: {
        name,
        defaults: {
          subject,
          body,
          type: type ? (type as 'incident' | 'request') : null,
          categoryId: categoryId ? Number(categoryId) : null,
          impact: impact ? (impact as LevelName) : null,
          urgency: urgency ? (urgency as LevelName) : null,
          groupId: group ? Number(group) : null,
          tags: tags
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        },
        ...scopeBody(scope, groupId),
      },
    });
  }
  const level = (label: string, value: string, set: (v: string) => void) => (
    <Field label={label}>
      {(id) => (
        <select id={id} value={value} onChange={(e) => set(e.target.value)}>
          <option value="">{t('template.notSet')}</option>
          {levelNames.map((l) => (
            <option key={l} value={l}>
              {priorityLabel[l]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <form className="card form" onSubmit={submit} aria-label={item ? t('template.edit') : t('template.new')}>
      <ErrorMessage error={save.error} title={t('notSaved')} />
      <Field label={t('template.name')}>
        {(id) => (
          <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <Field label={t('template.subject')}>
        {(id) => (
          <input id={id} maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
        )}
      </Field>
      <Field label={t('template.description')}>
        {(id) => <textarea id={id} rows={5} value={body} onChange={(e) => setBody(e.target.value)} />}
      </Field>
      <div className="field-row">
        <Field label={t('template.type')}>
          {(id) => (
            <select id={id} value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">{t('template.notSet')}</option>
              <option value="incident">{t('template.incident')}</option>
              <option value="request">{t('template.request')}</option>
            </select>
          )}
        </Field>
        <Field label={t('template.category')}>
          {(id) => (
            <select id={id} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">{t('template.notSet')}</option>
              {dir.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {level(t('template.impact'), impact, setImpact)}
        {level(t('template.urgency'), urgency, setUrgency)}
        <Field label={t('template.group')}>
          {(id) => (
            <select id={id} value={group} onChange={(e) => setGroup(e.target.value)}>
              <option value="">{t('template.notSet')}</option>
              {dir.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('template.tags')} hint={t('template.tagsHint')}>
          {(id, h) => (
            <input id={id} aria-describedby={h} value={tags} onChange={(e) => setTags(e.target.value)} />
          )}
        </Field>
      </div>
      <ScopeFields
        scope={scope}
        groupId={groupId}
        onChange={(s, g) => {
          setScope(s);
          setGroupId(g);
        }}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common:actions.save')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---- the page ------------------------------------------------------------------------------------

function describeItem(kind: Kind, i: CannedResponse | Macro | TicketTemplate): string {
  if (kind === 'canned-responses') return (i as CannedResponse).body;
  if (kind === 'macros') return (i as Macro).actions.map((a) => stepLabel(a.type)).join(' · ');
  const d = (i as TicketTemplate).defaults;
  return (
    [d.subject, d.tags.join(', ')].filter(Boolean).join(' · ') || translate('macros:template.noDefaults')
  );
}

export default function MacrosPage() {
  const { t } = useTranslation('macros');
  useTitle(t('title'));
  const [kind, setKind] = useState<Kind>('canned-responses');
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const scopeLabel = useScopeLabel();
  const mayManage = useMayManage();
  const lists = {
    'canned-responses': useCannedResponses(),
    macros: useMacros(),
    'ticket-templates': useTicketTemplates(),
  };
  const list = lists[kind];
  const remove = useSaveLibraryItem(kind, () => undefined);
  const items = (list.data ?? []) as (CannedResponse | Macro | TicketTemplate)[];
  const current =
    editing === 'new' || editing === null ? null : (items.find((i) => i.id === editing) ?? null);
  const done = () => setEditing(null);
  const label = (i: CannedResponse | Macro | TicketTemplate) => ('title' in i ? i.title : i.name);

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <Link to="/tickets/new">{t('newTicket')}</Link>
      </div>
      <div className="segmented" role="group" aria-label={t('kind.label')}>
        {kinds.map((k) => (
          <button
            key={k}
            type="button"
            aria-pressed={kind === k}
            onClick={() => {
              setKind(k);
              setEditing(null);
            }}
          >
            {t(`kind.${kindKey[k]}`)}
          </button>
        ))}
      </div>
      {editing !== null ? (
        kind === 'canned-responses' ? (
          <ResponseForm key={editing} item={current as CannedResponse | null} onDone={done} />
        ) : kind === 'macros' ? (
          <MacroForm key={editing} item={current as Macro | null} onDone={done} />
        ) : (
          <TemplateForm key={editing} item={current as TicketTemplate | null} onDone={done} />
        )
      ) : (
        <>
          <p>
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              {t(`kind.new.${kindKey[kind]}`)}
            </button>
          </p>
          {list.isPending && <Loading />}
          <ErrorMessage error={list.error ?? remove.error} title={t('listFailed')} />
          {list.data && items.length === 0 && <Empty title={t(`kind.empty.${kindKey[kind]}`)} />}
          <ul className="library-list" aria-label={t(`kind.${kindKey[kind]}`)}>
            {items.map((i) => (
              <li key={i.id} className="card library-item">
                <div>
                  <span className="picker-title">{label(i)}</span>{' '}
                  <span className="muted small">{scopeLabel(i)}</span>
                  <p className="picker-sub muted">{short(describeItem(kind, i), 200)}</p>
                </div>
                {mayManage(i) && (
                  <span className="actions">
                    <button type="button" onClick={() => setEditing(i.id)}>
                      {t('common:actions.edit')}
                    </button>
                    <button
                      type="button"
                      className="ghost"
                      aria-label={t('deleteNamed', { name: label(i) })}
                      onClick={() =>
                        window.confirm(t('deleteConfirm', { name: label(i) })) &&
                        remove.mutate({ id: i.id, body: null })
                      }
                    >
                      {t('common:actions.delete')}
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
