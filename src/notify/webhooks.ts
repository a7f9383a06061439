// Outgoing webhooks: the endpoints admins configure to receive signed domain events. The secret signs every
// delivery; like an API token it is shown once, at creation (it is stored as is, since signing needs it).
// An endpoint of format 'chat' is a chat incoming webhook instead: it gets one line of text per event.

import type { Selectable } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, canAccounts, newSecret } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { WebhookFormat, WebhooksTable } from '../core/db/index.js';
import { Forbidden, Invalid, NotFound } from '../core/errors.js';
import { type EventType, eventTypes } from '../core/events.js';
import { forgetActiveWebhooks } from './active-webhooks.js';
import { webhookTargetProblem } from './webhook-targets.js';

export const webhookUrlMaxLength = 2000;
export const webhookSecretMinLength = 16;
export const webhookSecretMaxLength = 256;
/** opsdesk: the signed JSON event; chat: {"text": …} for Slack, Mattermost or Teams (channels/chat.ts). */
export const webhookFormats: readonly WebhookFormat[] = ['opsdesk', 'chat'];

export interface Webhook {
  id: number;
  url: string;
  /** The event types delivered; empty means every event. */
  events: EventType[];
  active: boolean;
  format: WebhookFormat;
  createdBy: number;
  createdAt: number;
}

export interface WebhookInput {
  url: string;
  events?: readonly string[];
  /** The signing secret; generated when absent. */
  secret?: string;
  active?: boolean;
  format?: WebhookFormat;
}

export interface WebhookChanges {
  url?: string;
  events?: readonly string[];
  active?: boolean;
  format?: WebhookFormat;
}

export interface WebhookPageQuery {
  limit: number;
  afterId?: number;
}

export function assertCanManageWebhooks(actor: Actor): void {
  if (!canAccounts(actor, 'webhook.manage'))
    throw new Forbidden('forbidden', 'Only an admin may manage webhooks.');
}

/**
 * An absolute http(s) URL of at most 2000 characters, without credentials and — unless private targets are
 * allowed — not at a non-public IP address; returned in its parsed (normalised) form.
 */
export function parseWebhookUrl(raw: string, options: { allowPrivate: boolean }): string {
  const fail = (why: string): never => {
    throw new Invalid('invalid_webhook_url', `The webhook URL ${why}.`, [{ field: '/url', message: why }]);
  };
  const text = raw.trim();
  if (text.length === 0) fail('is empty');
  if (text.length > webhookUrlMaxLength) fail(`is longer than ${webhookUrlMaxLength} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('must use http or https');
  if (url.hostname === '') fail('has no host');
  if (url.href.length > webhookUrlMaxLength) fail(`is longer than ${webhookUrlMaxLength} characters`);
  const problem = webhookTargetProblem(url, options.allowPrivate);
  if (problem !== null) fail(problem);
  return url.href;
}

/** Known event types, without duplicates, in the catalogue's order; empty means all. */
export function parseEventTypes(raw: readonly string[]): EventType[] {
  const known = new Set<string>(eventTypes);
  raw.forEach((type, i) => {
    if (!known.has(type)) {
      throw new Invalid(
        'validation_failed',
        `Unknown event type "${type.slice(0, 60)}"; known: ${eventTypes.join(', ')}.`,
        [{ field: `/events/${i}`, message: `must be one of ${eventTypes.join(', ')}` }],
      );
    }
  });
  const wanted = new Set(raw);
  return eventTypes.filter((t) => wanted.has(t));
}

function parseSecret(raw: string): string {
  // Printable ASCII only: the secret is typed into receivers' configuration and must survive copy and paste.
  if (
    raw.length < webhookSecretMinLength ||
    raw.length > webhookSecretMaxLength ||
    !/^[\x21-\x7e]+$/.test(raw)
  ) {
    const message = `must be ${webhookSecretMinLength}–${webhookSecretMaxLength} printable ASCII characters without spaces`;
    throw new Invalid('validation_failed', `The webhook secret ${message}.`, [{ field: '/secret', message }]);
  }
  return raw;
}

export function webhookFromRow(row: Selectable<WebhooksTable>): Webhook {
  return {
    id: row.id,
    url: row.url,
    // Lenient on read: a type retired from the catalogue is dropped rather than breaking the webhook.
    events: (JSON.parse(row.events) as string[]).filter((t): t is EventType =>
      (eventTypes as readonly string[]).includes(t),
    ),
    active: row.active === 1,
    format: row.format,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** Does this webhook want this event type? */
export function webhookWants(events: readonly EventType[], type: EventType): boolean {
  return events.length === 0 || events.includes(type);
}

export async function createWebhook(
  ctx: ServiceContext,
  actor: Actor,
  input: WebhookInput,
): Promise<Webhook & { secret: string }> {
  assertCanManageWebhooks(actor);
  const url = parseWebhookUrl(input.url, { allowPrivate: ctx.config.webhookAllowPrivate });
  const events = parseEventTypes(input.events ?? []);
  const secret = input.secret === undefined ? newSecret('whsec') : parseSecret(input.secret);
  const active = input.active ?? true;
  const format = input.format ?? 'opsdesk';
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    forgetActiveWebhooks(ctx);
    const r = await trx
      .insertInto('webhooks')
      .values({
        url,
        secret,
        events: JSON.stringify(events),
        active: active ? 1 : 0,
        format,
        created_by: actor.id,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'webhook.created',
      subjectType: 'webhook',
      subjectId: r.id,
      details: { url, events, active, format },
    });
    return r;
  });
  return { ...webhookFromRow(row), secret };
}

export async function listWebhooks(
  ctx: ServiceContext,
  actor: Actor,
  query: WebhookPageQuery,
): Promise<Webhook[]> {
  assertCanManageWebhooks(actor);
  let q = ctx.db.selectFrom('webhooks').selectAll().orderBy('id').limit(query.limit);
  if (query.afterId !== undefined) q = q.where('id', '>', query.afterId);
  return (await q.execute()).map(webhookFromRow);
}

export async function getWebhook(ctx: ServiceContext, actor: Actor, id: number): Promise<Webhook> {
  assertCanManageWebhooks(actor);
  const row = await ctx.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('webhook_not_found', `No webhook ${id}.`);
  return webhookFromRow(row);
}

export async function updateWebhook(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  changes: WebhookChanges,
): Promise<Webhook> {
  assertCanManageWebhooks(actor);
  const url =
    changes.url === undefined
      ? undefined
      : parseWebhookUrl(changes.url, { allowPrivate: ctx.config.webhookAllowPrivate });
  const events = changes.events === undefined ? undefined : parseEventTypes(changes.events);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('webhook_not_found', `No webhook ${id}.`);
    const before = webhookFromRow(row);
    const after: Webhook = {
      ...before,
      url: url ?? before.url,
      events: events ?? before.events,
      active: changes.active ?? before.active,
      format: changes.format ?? before.format,
    };
    const changed: { field: string; from: unknown; to: unknown }[] = [];
    if (after.url !== before.url) changed.push({ field: 'url', from: before.url, to: after.url });
    if (after.events.join(',') !== before.events.join(','))
      changed.push({ field: 'events', from: before.events, to: after.events });
    if (after.active !== before.active)
      changed.push({ field: 'active', from: before.active, to: after.active });
    if (after.format !== before.format)
      changed.push({ field: 'format', from: before.format, to: after.format });
    if (changed.length === 0) return before;
    forgetActiveWebhooks(ctx);
    await trx
      .updateTable('webhooks')
      .set({
        url: after.url,
        events: JSON.stringify(after.events),
        active: after.active ? 1 : 0,
        format: after.format,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'webhook.updated',
      subjectType: 'webhook',
      subjectId: id,
      details: { changes: changed },
    });
    return after;
  });
}

/** Delete a webhook and its delivery log (the foreign key cascades). */
export async function deleteWebhook(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  assertCanManageWebhooks(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('webhooks')
      .select(['id', 'url'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound('webhook_not_found', `No webhook ${id}.`);
    forgetActiveWebhooks(ctx);
    await trx.deleteFrom('deliveries').where('endpoint_id', '=', id).execute();
    await trx.deleteFrom('webhooks').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'webhook.deleted',
      subjectType: 'webhook',
      subjectId: id,
      details: { url: row.url },
    });
  });
}
