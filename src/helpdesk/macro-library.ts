// The agents' library: canned responses (texts with placeholders, inserted in a reply), macros (ordered
// changes applied to a ticket at once: macro-apply.ts) and ticket templates (the defaults of a ticket filed
// for someone). Each is one person's, one group's or everyone's (canSeeMacroItem, canMacros); every text is
// checked for its placeholders when saved, so rendering never meets an unknown one. Writes are audited.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, MacroScope, TicketStatus, TicketType } from '../core/db/index.js';
import { Forbidden, NotFound } from '../core/errors.js';
import { commentMaxLength } from './comments.js';
import type { Level } from './levels.js';
import { parseTemplate, templateLimits } from './macro-placeholders.js';
import { canMacros, canSeeMacroItem, type MacroLibrarySubject } from './policies.js';
import {
  checkGroup,
  checkStaffUser,
  cleanTags,
  invalid,
  resolveCategory,
  ticketLimits,
} from './ticket-input.js';
import { ticketStatuses } from './ticket-states.js';

type Db = Kysely<Database> | Transaction<Database>;

export const macroLimits = {
  title: 100,
  keywords: 200,
  shortcut: 30,
  actions: 20,
  /** Items one person, group or the desk may hold, per kind: the lists are read whole. */
  perScope: 200,
} as const;

/** Whose it is: `ownerId` for a person's, `groupId` for a group's. */
export interface ScopeFields {
  scope: MacroScope;
  ownerId: number | null;
  groupId: number | null;
}
interface Stamped extends ScopeFields {
  id: number;
  createdAt: number;
  updatedAt: number;
}

export interface CannedResponse extends Stamped {
  title: string;
  body: string;
  keywords: string;
  shortcut: string | null;
}

/** One step of a macro. The changes (all but the texts) are applied together as one ticket change. */
export type MacroStep =
  | { type: 'set_status'; status: TicketStatus }
  | { type: 'set_priority'; priority: Level }
  | { type: 'set_group'; groupId: number | null }
  | { type: 'assign'; assignee: number | 'me' | null }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'remove_tags'; tags: string[] }
  | { type: 'public_reply'; body: string }
  | { type: 'internal_note'; body: string };

export interface Macro extends Stamped {
  name: string;
  actions: MacroStep[];
}

export interface TemplateDefaults {
  subject: string;
  body: string;
  type: TicketType | null;
  categoryId: number | null;
  impact: Level | null;
  urgency: Level | null;
  groupId: number | null;
  tags: string[];
}

export interface TicketTemplate extends Stamped {
  name: string;
  defaults: TemplateDefaults;
}

/** Where an item goes: a person's own (always the actor's), a group's, or everyone's. */
export interface ScopeInput {
  scope: MacroScope;
  groupId?: number | null;
}

// ---- scope -------------------------------------------------------------------------------------------

const kinds = {
  canned_responses: { notFound: 'canned_response_not_found', noun: 'canned response' },
  macros: { notFound: 'macro_not_found', noun: 'macro' },
  ticket_templates: { notFound: 'ticket_template_not_found', noun: 'ticket template' },
} as const;
type Kind = keyof typeof kinds;

function notFound(kind: Kind, id: number): NotFound {
  return new NotFound(kinds[kind].notFound, `No ${kinds[kind].noun} ${id}.`);
}

/** The scope columns for an input, checked: a group scope names an existing group. */
async function scopeColumns(trx: Db, actor: Actor, input: ScopeInput): Promise<MacroLibrarySubject> {
  if (input.scope === 'group') {
    if (input.groupId === undefined || input.groupId === null)
      throw invalid('/groupId', 'a group scope needs a groupId');
    await checkGroup(trx as Transaction<Database>, input.groupId);
    return { scope: 'group', owner_id: null, group_id: input.groupId };
  }
  if (input.groupId !== undefined && input.groupId !== null)
    throw invalid('/groupId', `only a group scope takes a groupId (scope is ${input.scope})`);
  return input.scope === 'user'
    ? { scope: 'user', owner_id: actor.id, group_id: null }
    : { scope: 'global', owner_id: null, group_id: null };
}

function checkManage(actor: Actor, subject: MacroLibrarySubject): void {
  if (!canMacros(actor, 'macros.manage', subject))
    throw new Forbidden(
      'forbidden',
      subject.scope === 'user'
        ? 'Only its owner changes a personal item.'
        : 'Managers and admins manage group and global items; technicians their personal ones.',
    );
}

function checkUse(actor: Actor): void {
  if (!canMacros(actor, 'macros.use'))
    throw new Forbidden('forbidden', 'Canned responses, macros and templates are for staff.');
}

async function checkRoom(trx: Db, kind: Kind, subject: MacroLibrarySubject): Promise<void> {
  let q = trx
    .selectFrom(kind)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope', '=', subject.scope);
  if (subject.scope === 'user') q = q.where('owner_id', '=', subject.owner_id);
  if (subject.scope === 'group') q = q.where('group_id', '=', subject.group_id);
  const { n } = await q.executeTakeFirstOrThrow();
  if (Number(n) >= macroLimits.perScope)
    throw invalid('/scope', `at most ${macroLimits.perScope} per person, group or the whole desk`);
}

/** The rows of a kind the actor may see (the filter in SQL, then the rule itself as the last word). */
async function visibleRows<K extends Kind>(db: Db, kind: K, actor: Actor) {
  checkUse(actor);
  const manager = actor.role === 'admin' || actor.role === 'manager';
  const rows = await db
    .selectFrom(kind as 'macros')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('scope', '=', 'global'),
        eb.and([eb('scope', '=', 'user'), eb('owner_id', '=', actor.id)]),
        manager
          ? eb('scope', '=', 'group')
          : eb.and([
              eb('scope', '=', 'group'),
              eb('group_id', 'in', actor.groupIds.length > 0 ? actor.groupIds : [-1]),
            ]),
      ]),
    )
    .orderBy('id')
    .execute();
  return (rows as unknown as Database[K][]).filter((r) =>
    canSeeMacroItem(actor, r as unknown as MacroLibrarySubject),
  ) as unknown as (Database[K] & { id: number })[];
}

/** One row the actor may see, or NotFound (another's personal item does not exist for them). */
async function visibleRow<K extends Kind>(db: Db, kind: K, actor: Actor, id: number) {
  checkUse(actor);
  const row = await db
    .selectFrom(kind as 'macros')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !canSeeMacroItem(actor, row)) throw notFound(kind, id);
  return row as unknown as Database[K] & { id: number };
}

function stamped(r: {
  id: number;
  scope: MacroScope;
  owner_id: number | null;
  group_id: number | null;
  created_at: number;
  updated_at: number;
}): Stamped {
  return {
    id: r.id,
    scope: r.scope,
    ownerId: r.owner_id,
    groupId: r.group_id,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Create, change or delete one item of a kind: scope checks, audit, in one transaction. */
async function saveItem<K extends Kind>(
  ctx: ServiceContext,
  actor: Actor,
  kind: K,
  id: number | null,
  scope: ScopeInput | undefined,
  columns: (trx: Transaction<Database>) => Promise<Record<string, unknown>>,
): Promise<number> {
  checkUse(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    let subject: MacroLibrarySubject | null = null;
    if (id !== null) {
      const row = await visibleRow(trx, kind, actor, id);
      checkManage(actor, row as unknown as MacroLibrarySubject);
    }
    if (scope !== undefined) {
      subject = await scopeColumns(trx, actor, scope);
      checkManage(actor, subject);
    }
    const values = await columns(trx);
    if (id === null) {
      if (!subject) throw invalid('/scope', 'required');
      await checkRoom(trx, kind, subject);
      const row = await trx
        .insertInto(kind as 'macros')
        .values({
          ...(values as { name: string; actions: string }),
          ...subject,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    } else {
      if (subject) await checkRoom(trx, kind, subject);
      await trx
        .updateTable(kind as 'macros')
        .set({ ...values, ...(subject ?? {}), updated_at: now })
        .where('id', '=', id)
        .execute();
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: `${kinds[kind].noun.replace(' ', '_')}.saved`,
      subjectType: kind,
      subjectId: id,
      details: { scope: subject?.scope },
    });
    return id;
  });
}

async function deleteItem(ctx: ServiceContext, actor: Actor, kind: Kind, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await visibleRow(trx, kind, actor, id);
    checkManage(actor, row as unknown as MacroLibrarySubject);
    await trx
      .deleteFrom(kind as 'macros')
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: `${kinds[kind].noun.replace(' ', '_')}.deleted`,
      subjectType: kind,
      subjectId: id,
    });
  });
}

function cleanName(value: string, field: string): string {
  const t = value.trim();
  if (t.length === 0 || t.length > macroLimits.title)
    throw invalid(field, `must be 1–${macroLimits.title} characters`);
  return t;
}

/** A text with placeholders: bounded, and every placeholder known (invalid_placeholder otherwise). */
function cleanText(value: string, field: string, max: number = templateLimits.length): string {
  if (value.trim().length === 0 || value.length > max) throw invalid(field, `must be 1–${max} characters`);
  parseTemplate(value, field);
  return value;
}

// ---- canned responses --------------------------------------------------------------------------------

export interface CannedResponseInput extends Partial<ScopeInput> {
  title?: string;
  body?: string;
  keywords?: string;
  shortcut?: string | null;
}

function toCannedResponse(r: Database['canned_responses'] & { id: number }): CannedResponse {
  return { ...stamped(r), title: r.title, body: r.body, keywords: r.keywords, shortcut: r.shortcut };
}

export async function listCannedResponses(ctx: ServiceContext, actor: Actor): Promise<CannedResponse[]> {
  return (await visibleRows(ctx.db, 'canned_responses', actor))
    .map(toCannedResponse)
    .sort((a, b) => a.title.localeCompare(b.title) || a.id - b.id);
}

export async function getCannedResponse(ctx: ServiceContext, actor: Actor, id: number) {
  return toCannedResponse(await visibleRow(ctx.db, 'canned_responses', actor, id));
}

export async function saveCannedResponse(
  ctx: ServiceContext,
  actor: Actor,
  id: number | null,
  input: CannedResponseInput,
): Promise<CannedResponse> {
  if (id === null && (input.title === undefined || input.body === undefined))
    throw invalid(input.title === undefined ? '/title' : '/body', 'required');
  const values: Record<string, unknown> = {};
  if (input.title !== undefined) values.title = cleanName(input.title, '/title');
  if (input.body !== undefined) values.body = cleanText(input.body, '/body');
  if (input.keywords !== undefined) {
    const k = input.keywords.trim().replace(/\s+/g, ' ');
    if (k.length > macroLimits.keywords)
      throw invalid('/keywords', `at most ${macroLimits.keywords} characters`);
    values.keywords = k;
  }
  if (input.shortcut !== undefined) {
    const s = input.shortcut?.trim() || null;
    if (s !== null && !/^[\p{L}\p{N}_-]{1,30}$/u.test(s))
      throw invalid('/shortcut', 'up to 30 letters, digits, - or _');
    values.shortcut = s;
  }
  const scope = input.scope ? { scope: input.scope, groupId: input.groupId } : undefined;
  const saved = await saveItem(ctx, actor, 'canned_responses', id, scope, async () => values);
  return getCannedResponse(ctx, actor, saved);
}

export const deleteCannedResponse = (ctx: ServiceContext, actor: Actor, id: number) =>
  deleteItem(ctx, actor, 'canned_responses', id);

// ---- macros ------------------------------------------------------------------------------------------

export interface MacroInput extends Partial<ScopeInput> {
  name?: string;
  actions?: MacroStep[];
}

function toMacro(r: Database['macros'] & { id: number }): Macro {
  return { ...stamped(r), name: r.name, actions: JSON.parse(r.actions) as MacroStep[] };
}

/** A macro's steps, checked as a change would check them (groups, assignees, tags) and its texts parsed. */
async function cleanSteps(trx: Transaction<Database>, steps: MacroStep[]): Promise<MacroStep[]> {
  if (steps.length === 0 || steps.length > macroLimits.actions)
    throw invalid('/actions', `must hold 1–${macroLimits.actions} actions`);
  const out: MacroStep[] = [];
  for (const [i, step] of steps.entries()) {
    const field = `/actions/${i}`;
    switch (step.type) {
      case 'set_status':
        if (!ticketStatuses.includes(step.status)) throw invalid(`${field}/status`, 'unknown state');
        out.push({ type: step.type, status: step.status });
        break;
      case 'set_priority':
        out.push({ type: step.type, priority: step.priority });
        break;
      case 'set_group':
        if (step.groupId !== null) await checkGroup(trx, step.groupId);
        out.push({ type: step.type, groupId: step.groupId });
        break;
      case 'assign':
        if (typeof step.assignee === 'number') await checkStaffUser(trx, step.assignee, `${field}/assignee`);
        out.push({ type: step.type, assignee: step.assignee });
        break;
      case 'add_tags':
      case 'remove_tags': {
        const tags = cleanTags(step.tags);
        if (tags.length === 0) throw invalid(`${field}/tags`, 'name at least one tag');
        out.push({ type: step.type, tags });
        break;
      }
      case 'public_reply':
      case 'internal_note':
        out.push({ type: step.type, body: cleanText(step.body, `${field}/body`, commentMaxLength) });
        break;
      default:
        throw invalid(`${field}/type`, 'unknown action');
    }
  }
  return out;
}

export async function listMacros(ctx: ServiceContext, actor: Actor): Promise<Macro[]> {
  return (await visibleRows(ctx.db, 'macros', actor))
    .map(toMacro)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

export async function getMacro(ctx: ServiceContext, actor: Actor, id: number, db: Db = ctx.db) {
  return toMacro(await visibleRow(db, 'macros', actor, id));
}

export async function saveMacro(
  ctx: ServiceContext,
  actor: Actor,
  id: number | null,
  input: MacroInput,
): Promise<Macro> {
  if (id === null && (input.name === undefined || input.actions === undefined))
    throw invalid(input.name === undefined ? '/name' : '/actions', 'required');
  const scope = input.scope ? { scope: input.scope, groupId: input.groupId } : undefined;
  const saved = await saveItem(ctx, actor, 'macros', id, scope, async (trx) => ({
    ...(input.name !== undefined ? { name: cleanName(input.name, '/name') } : {}),
    ...(input.actions !== undefined ? { actions: JSON.stringify(await cleanSteps(trx, input.actions)) } : {}),
  }));
  return getMacro(ctx, actor, saved);
}

export const deleteMacro = (ctx: ServiceContext, actor: Actor, id: number) =>
  deleteItem(ctx, actor, 'macros', id);

// ---- ticket templates --------------------------------------------------------------------------------

export interface TicketTemplateInput extends Partial<ScopeInput> {
  name?: string;
  defaults?: Partial<TemplateDefaults>;
}

function toTemplate(r: Database['ticket_templates'] & { id: number }): TicketTemplate {
  return {
    ...stamped(r),
    name: r.name,
    defaults: {
      subject: r.subject,
      body: r.body,
      type: r.ticket_type,
      categoryId: r.category_id,
      impact: r.impact as Level | null,
      urgency: r.urgency as Level | null,
      groupId: r.default_group_id,
      tags: JSON.parse(r.tags) as string[],
    },
  };
}

export async function listTicketTemplates(ctx: ServiceContext, actor: Actor): Promise<TicketTemplate[]> {
  return (await visibleRows(ctx.db, 'ticket_templates', actor))
    .map(toTemplate)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

export async function getTicketTemplate(ctx: ServiceContext, actor: Actor, id: number) {
  return toTemplate(await visibleRow(ctx.db, 'ticket_templates', actor, id));
}

export async function saveTicketTemplate(
  ctx: ServiceContext,
  actor: Actor,
  id: number | null,
  input: TicketTemplateInput,
): Promise<TicketTemplate> {
  if (id === null && input.name === undefined) throw invalid('/name', 'required');
  const d = input.defaults ?? {};
  const scope = input.scope ? { scope: input.scope, groupId: input.groupId } : undefined;
  const saved = await saveItem(ctx, actor, 'ticket_templates', id, scope, async (trx) => {
    const values: Record<string, unknown> = {};
    if (input.name !== undefined) values.name = cleanName(input.name, '/name');
    if (d.subject !== undefined) {
      if (d.subject.length > ticketLimits.title)
        throw invalid('/defaults/subject', `at most ${ticketLimits.title} characters`);
      values.subject = d.subject.trim();
    }
    if (d.body !== undefined) {
      if (d.body.length > templateLimits.length)
        throw invalid('/defaults/body', `at most ${templateLimits.length} characters`);
      values.body = d.body;
    }
    if (d.type !== undefined) values.ticket_type = d.type;
    if (d.categoryId !== undefined) values.category_id = await resolveCategory(trx, d.categoryId, undefined);
    if (d.impact !== undefined) values.impact = d.impact;
    if (d.urgency !== undefined) values.urgency = d.urgency;
    if (d.groupId !== undefined) {
      if (d.groupId !== null) await checkGroup(trx, d.groupId);
      values.default_group_id = d.groupId;
    }
    if (d.tags !== undefined) values.tags = JSON.stringify(cleanTags(d.tags));
    return values;
  });
  return getTicketTemplate(ctx, actor, saved);
}

export const deleteTicketTemplate = (ctx: ServiceContext, actor: Actor, id: number) =>
  deleteItem(ctx, actor, 'ticket_templates', id);
