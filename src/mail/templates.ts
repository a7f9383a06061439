// Mail templates, one per notification: defaults in code, overrides that admins edit stored in the
// database. Substitution is deliberately simple — {{ticket.title}} and nothing else — and every value put
// into the HTML part is escaped, so a ticket title cannot inject markup into someone's mail.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Forbidden, Invalid, NotFound } from '../core/errors.js';
import { defaultTemplateIn, type MailTemplateName, mailTemplateNames } from './mail-language.js';
import { canMail } from './policies.js';
import { replyMarker } from './reply-text.js';

// The names live beside the per-language defaults (mail-language.ts), which this module reads.
export { type MailTemplateName, mailTemplateNames } from './mail-language.js';

export const placeholders = [
  'ticket.id',
  'ticket.title',
  'ticket.status',
  'ticket.priority',
  'ticket.url',
  'recipient.name',
  'actor.name',
  'comment.body',
  'sla.target',
  'sla.dueAt',
  'escalation.level',
  'escalation.reason',
  'reply.marker',
  'group.name',
  'approval.title',
  'approval.requester',
  'approval.summary',
  'approval.link',
] as const;
export type Placeholder = (typeof placeholders)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

export interface MailTemplate {
  event: MailTemplateName;
  subject: string;
  text: string;
  /** null: the HTML part is the text part, escaped, with line breaks. */
  html: string | null;
  isDefault: boolean;
  updatedAt: number | null;
}

/** The English defaults (each language's are in src/mail/i18n, read by mail-language.ts). */
export const defaultTemplates = Object.fromEntries(
  mailTemplateNames.map((name) => [name, defaultTemplateIn(name, 'en')]),
) as Record<MailTemplateName, { subject: string; text: string }>;

const placeholderPattern = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;
const limits = { subject: 500, text: 20_000, html: 50_000 } as const;

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Replace {{name}} with its value (unknown or missing names become empty), escaping values if asked. */
export function renderTemplate(template: string, values: TemplateValues, escapeValues: boolean): string {
  return template.replace(placeholderPattern, (_m, name: string) => {
    const v = values[name as Placeholder] ?? '';
    return escapeValues ? escapeHtml(v) : v;
  });
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The three parts of a mail; the subject always carries [#id] so replies find their ticket. */
export function renderMail(
  t: { subject: string; text: string; html: string | null },
  values: TemplateValues,
  ticketId: number | null,
): RenderedMail {
  let subject = renderTemplate(t.subject, values, false)
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .slice(0, 900);
  if (ticketId !== null && !subject.includes(`[#${ticketId}]`)) subject = `[#${ticketId}] ${subject}`;
  const text = renderTemplate(t.text, values, false);
  const html =
    t.html !== null
      ? renderTemplate(t.html, values, true)
      : `<div style="font-family:sans-serif;white-space:normal">${escapeHtml(text).replace(/\r?\n/g, '<br>\n')}</div>`;
  return { subject, text, html };
}

export function isTemplateName(name: string): name is MailTemplateName {
  return (mailTemplateNames as readonly string[]).includes(name);
}

function checkTemplateText(field: string, value: string, max: number): void {
  if (value.length > max)
    throw new Invalid('invalid_mail_template', `${field}: at most ${max} characters`, [
      { field: `/${field}`, message: `at most ${max} characters` },
    ]);
  for (const m of value.matchAll(placeholderPattern)) {
    if (!(placeholders as readonly string[]).includes(m[1])) {
      throw new Invalid('invalid_mail_template', `${field}: unknown placeholder {{${m[1]}}}`, [
        { field: `/${field}`, message: `unknown placeholder {{${m[1]}}}; known: ${placeholders.join(', ')}` },
      ]);
    }
  }
}

/** The template in force (override or default), read through the caller's transaction. */
export async function loadTemplate(
  db: Kysely<Database> | Transaction<Database>,
  event: MailTemplateName,
): Promise<MailTemplate> {
  return (await loadTemplates(db, [event]))[0];
}

/** Several templates in one read, in the order asked; the default where none was saved. */
export async function loadTemplates(
  db: Kysely<Database> | Transaction<Database>,
  events: MailTemplateName[],
): Promise<MailTemplate[]> {
  if (events.length === 0) return [];
  const rows = await db.selectFrom('mail_templates').selectAll().where('event', 'in', events).execute();
  return events.map((event): MailTemplate => {
    const row = rows.find((r) => r.event === event);
    if (!row) return { event, ...defaultTemplates[event], html: null, isDefault: true, updatedAt: null };
    return {
      event,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      isDefault: false,
      updatedAt: row.updated_at,
    };
  });
}

export async function listTemplates(ctx: ServiceContext, actor: Actor): Promise<MailTemplate[]> {
  if (!canMail(actor, 'mail.manage'))
    throw new Forbidden('forbidden', 'Only an admin may edit mail templates.');
  return Promise.all(mailTemplateNames.map((n) => loadTemplate(ctx.db, n)));
}

function templateName(event: string): MailTemplateName {
  if (!isTemplateName(event))
    throw new NotFound('mail_template_not_found', `No mail template ${event.slice(0, 60)}.`);
  return event;
}

export async function putTemplate(
  ctx: ServiceContext,
  actor: Actor,
  event: string,
  input: { subject: string; text: string; html?: string | null },
): Promise<MailTemplate> {
  if (!canMail(actor, 'mail.manage'))
    throw new Forbidden('forbidden', 'Only an admin may edit mail templates.');
  const name = templateName(event);
  if (input.subject.trim().length === 0)
    throw new Invalid('invalid_mail_template', 'subject: must not be empty', [
      { field: '/subject', message: 'must not be empty' },
    ]);
  checkTemplateText('subject', input.subject, limits.subject);
  checkTemplateText('text', input.text, limits.text);
  if (input.html) checkTemplateText('html', input.html, limits.html);
  const now = ctx.clock.now();
  const values = {
    subject: input.subject,
    text_body: input.text,
    html_body: input.html || null,
    updated_by: actor.id,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('mail_templates')
      .values({ event: name, ...values })
      .onConflict((oc) => oc.column('event').doUpdateSet(values))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'mail_template.updated',
      subjectType: 'mail_template',
      subjectId: name,
      details: { subject: input.subject },
    });
  });
  return loadTemplate(ctx.db, name);
}

/** Back to the default. */
export async function resetTemplate(ctx: ServiceContext, actor: Actor, event: string): Promise<MailTemplate> {
  if (!canMail(actor, 'mail.manage'))
    throw new Forbidden('forbidden', 'Only an admin may edit mail templates.');
  const name = templateName(event);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('mail_templates').where('event', '=', name).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'mail_template.reset',
      subjectType: 'mail_template',
      subjectId: name,
    });
  });
  return loadTemplate(ctx.db, name);
}

export { replyMarker };
