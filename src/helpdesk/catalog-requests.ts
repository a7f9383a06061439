// Filing through the service catalogue: the request type's form checks the answers (its compiled validator,
// then the references: people exist, uploads are the caller's), and one transaction writes the ticket with the
// type's defaults, the answers as custom fields (uploads become the ticket's attachments), and the answers
// written out readably in the description. A type that needs approval files it awaiting approval, asking the
// approvers of its plan in the same transaction.
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { type FieldError, Invalid } from '../core/errors.js';
import { requestApproval } from './approvals.js';
import { attachUploads, ownUploads } from './attachments.js';
import type { FieldValue } from './form-validator.js';
import { formValidator, type RequestType, usableRequestType } from './request-types.js';
import { checkFieldUsers, writeTicketField } from './ticket-fields.js';
import { cleanDescription, ticketLimits } from './ticket-input.js';
import { getTicket, type Ticket } from './ticket-reads.js';
import { createTicket } from './tickets.js';

export interface CatalogRequestInput {
  /** The request type's name when not given. */
  title?: string;
  /** Free text before the answers. */
  description?: string;
  /** Answers by field key. */
  fields?: unknown;
  /** More files for the request, as with any new ticket. */
  uploadIds?: number[];
}

/** Work the edge adds to the filing transaction (the SLA policy the type names). */
export type AfterFiling = (trx: Transaction<Database>, ticket: Ticket, type: RequestType) => Promise<void>;

function invalidOf(errors: FieldError[]): Invalid {
  return new Invalid('validation_failed', `${errors[0].field.slice(1)}: ${errors[0].message}`, errors);
}

export async function fileRequest(
  ctx: ServiceContext,
  actor: Actor,
  requestTypeId: number,
  input: CatalogRequestInput,
  afterFiling?: AfterFiling,
): Promise<Ticket> {
  const type = await usableRequestType(ctx.db, actor, requestTypeId);
  const { values, errors } = formValidator(ctx, type)(input.fields);

  const users: Array<{ field: string; userId: number }> = [];
  const uploadsOf = new Map<string, number[]>();
  for (const f of type.fields) {
    const v = values.get(f.key);
    if (v === undefined) continue;
    if (f.type === 'user') users.push({ field: `/fields/${f.key}`, userId: v as number });
    if (f.type === 'attachment') uploadsOf.set(f.key, v as number[]);
  }
  errors.push(...(await checkFieldUsers(ctx.db, users)));
  const formUploads = [...uploadsOf.values()].flat();
  const own = new Map((await ownUploads(ctx.db, actor, formUploads)).map((u) => [u.id, u]));
  for (const [key, ids] of uploadsOf) {
    const stray = ids.find((id) => !own.has(id));
    if (stray !== undefined)
      errors.push({ field: `/fields/${key}`, message: `upload ${stray} does not exist or is not yours` });
  }
  if (new Set(formUploads).size !== formUploads.length)
    errors.push({ field: '/fields', message: 'an upload is given to two fields' });
  const title = (input.title ?? type.name).trim();
  if (title.length === 0 || title.length > ticketLimits.title)
    errors.push({ field: '/title', message: `must be 1–${ticketLimits.title} characters` });
  if (errors.length > 0) throw invalidOf(errors);

  // The answers, written out for whoever reads the ticket without the form (mail, exports, search).
  const names = new Map<number, string>();
  if (users.length > 0)
    for (const u of await ctx.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where(
        'id',
        'in',
        users.map((r) => r.userId),
      )
      .execute())
      names.set(u.id, u.name);
  const shown = (f: RequestType['fields'][number], v: FieldValue): string => {
    if (f.type === 'user') return names.get(v as number) ?? `user ${v}`;
    if (f.type === 'attachment')
      return (v as number[]).map((id) => own.get(id)?.filename ?? `file ${id}`).join(', ');
    return Array.isArray(v) ? v.join(', ') : String(v);
  };
  const answers = type.fields
    .filter((f) => values.has(f.key))
    .map((f) => `${f.label}: ${shown(f, values.get(f.key) as FieldValue)}`);
  const intro = input.description?.trim() ?? '';
  const description = cleanDescription(
    [intro, answers.length > 0 ? `${type.name}\n${answers.join('\n')}` : ''].filter(Boolean).join('\n\n'),
  );

  const now = ctx.clock.now();
  const d = type.defaults;
  const filed = await createTicket(
    ctx,
    actor,
    {
      title,
      description,
      type: d.ticketType,
      ...(d.impact !== null ? { impact: d.impact } : {}),
      ...(d.urgency !== null ? { urgency: d.urgency } : {}),
      categoryId: d.categoryId,
    },
    async (trx, t) => {
      const made = await attachUploads(
        trx,
        actor,
        t.id,
        null,
        [...formUploads, ...(input.uploadIds ?? [])],
        now,
      );
      for (const f of type.fields) {
        const v = values.get(f.key);
        if (v === undefined) continue;
        const stored = f.type === 'attachment' ? (v as number[]).map((id) => made.get(id) as number) : v;
        await writeTicketField(trx, t.id, { id: f.fieldId, type: f.type }, stored);
      }
      // A type that needs approval: the ticket waits for its approvers (in nobody's queue, SLA paused).
      if (type.approval)
        await requestApproval(trx, ctx, {
          subjectType: 'ticket',
          subjectId: t.id,
          requesterId: t.requesterId,
          title,
          plan: type.approval,
        });
      await afterFiling?.(trx, t, type);
    },
    { requestTypeId: type.id, groupId: d.groupId, awaitingApproval: type.approval !== null },
  );
  return getTicket(ctx, actor, filed.id);
}
