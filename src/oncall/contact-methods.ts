// How a person on call is reached: their contact methods (email, their own webhook, a Slack-compatible chat
// incoming webhook, an SMS number), each tested through the delivery pipeline before it is trusted. A webhook or
// chat method is verified by a test message its receiver took (2xx); an email or sms method by the code in the
// test message, typed back — a relay accepting a mail proves nothing about the person reading it.
import { createHash, randomInt } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, isStaff, newSecret, normaliseEmail } from '../core/auth/index.js';
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type {
  ContactMethodKind,
  ContactMethodsTable,
  Database,
  DeliveryChannelName,
  DeliveryState,
} from '../core/db/index.js';
import { DomainError, Forbidden, Invalid, NotFound, RateLimited } from '../core/errors.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import { type MailLanguage, mailText, recipientLocale } from '../mail/index.js';
import {
  cancelPendingDeliveries,
  contactMethodOutcomes,
  deliveryWorker,
  type MailPayload,
  parseWebhookUrl,
  queueDeliveries,
} from '../notify/index.js';
import { canOncall } from './permissions.js';

export const contactMethodKinds: readonly ContactMethodKind[] = ['email', 'webhook', 'chat', 'sms'];
export const contactMethodsPerUserMax = 20;
export const contactLabelMaxLength = 100;
/** How long the code of a test message works, and how many wrong tries it takes. */
const codeTtlMs = 30 * 60_000;
const codeMaxAttempts = 5;
/** Tests are spaced: each may cost an SMS, and a receiver should not be flooded. */
const testSpacingMs = 60_000;

export interface ContactMethod {
  id: number;
  userId: number;
  kind: ContactMethodKind;
  /** The address, URL or E.164 number. */
  target: string;
  label: string;
  verified: boolean;
  /** When it was verified (the code typed, or the first delivery its receiver took). */
  verifiedAt: number | null;
  /** Whether its channel can send now (sms needs OPSDESK_SMS_GATEWAY_URL, email OPSDESK_SMTP_OUT_URL). */
  channelEnabled: boolean;
  /** How its last finished delivery went (a test or a page). */
  lastDelivery: { state: DeliveryState; reason: string | null; at: number } | null;
  createdAt: number;
  updatedAt: number;
}

export interface ContactMethodInput {
  kind: ContactMethodKind;
  target: string;
  label?: string;
}

export interface ContactMethodChanges {
  target?: string;
  label?: string;
}

/** The delivery channel a contact method's messages go out on. */
export function channelOfKind(kind: ContactMethodKind): DeliveryChannelName {
  switch (kind) {
    case 'email':
      return 'mail';
    case 'sms':
      return 'sms';
    case 'webhook':
    case 'chat':
      return 'page';
  }
}

export function channelEnabled(ctx: ServiceContext, kind: ContactMethodKind): boolean {
  return deliveryWorker(ctx).channel(channelOfKind(kind))?.enabled() ?? false;
}

/**
 * Who may keep whose contact methods: staff their own, managers anyone's. Another person's list is refused
 * (403) before anything is read; the user must then exist and be staff (requesters are never paged).
 */
export async function assertMayManageContacts(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
): Promise<{ id: number; email: string; name: string }> {
  const own = actor.id === userId && canOncall(actor, 'contact.manage_own');
  if (!own && !canOncall(actor, 'contact.manage_any'))
    throw new Forbidden('forbidden', 'You may keep only your own contact methods.');
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('user_not_found', `No user ${userId}.`);
  if (!isStaff(user))
    throw new Invalid('invalid_reference', 'Contact methods are for staff: a requester is never paged.', [
      { field: 'params/id', message: 'must be a technician, manager or admin' },
    ]);
  return { id: user.id, email: user.email, name: user.name };
}

const targetInvalid = (message: string): never => {
  throw new Invalid('invalid_contact_target', `The contact method's target ${message}.`, [
    { field: '/target', message },
  ]);
};

/** E.164: a plus, a country code not starting with 0, at most 15 digits; spaces, dashes, dots, parens dropped. */
export function parsePhoneNumber(raw: string): string {
  const bare = raw.trim().replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(bare))
    return targetInvalid('must be a phone number in international E.164 form, such as +4915112345678');
  return bare;
}

/** The target in its stored form, checked for its kind (URLs through the webhook SSRF rules). */
export function parseContactTarget(ctx: ServiceContext, kind: ContactMethodKind, raw: string): string {
  if (raw.length > 2000) return targetInvalid('is longer than 2000 characters');
  switch (kind) {
    case 'email':
      try {
        return normaliseEmail(raw);
      } catch {
        return targetInvalid('must be an email address');
      }
    case 'sms':
      return parsePhoneNumber(raw);
    case 'webhook':
    case 'chat':
      try {
        return parseWebhookUrl(raw, { allowPrivate: ctx.config.webhookAllowPrivate });
      } catch (err) {
        // Same code and words as a webhook's URL; the field is this body's.
        if (err instanceof DomainError && err.code === 'invalid_webhook_url')
          throw new Invalid('invalid_webhook_url', err.message, [
            { field: '/target', message: err.fields[0]?.message ?? err.message },
          ]);
        throw err;
      }
  }
}

function parseLabel(raw: string | undefined, kind: ContactMethodKind): string {
  const label = (raw ?? '').trim();
  if (label.length > contactLabelMaxLength)
    throw new Invalid('validation_failed', `A label has at most ${contactLabelMaxLength} characters.`, [
      { field: '/label', message: `must have at most ${contactLabelMaxLength} characters` },
    ]);
  return label || kind;
}

function verifiable(kind: ContactMethodKind): 'code' | 'delivery' {
  return kind === 'email' || kind === 'sms' ? 'code' : 'delivery';
}

/** Rows as people see them: verified, channel state and last outcome read from the delivery log. */
export async function contactMethodsFromRows(
  ctx: ServiceContext,
  db: Kysely<Database>,
  rows: readonly Selectable<ContactMethodsTable>[],
): Promise<ContactMethod[]> {
  const outcomes = await contactMethodOutcomes(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    // A receiver that took a delivery at this very URL is proof enough for a webhook or chat method.
    const proof =
      verifiable(r.kind) === 'delivery'
        ? outcomes.delivered.find((d) => d.contactMethodId === r.id && d.target === r.target)
        : undefined;
    const verifiedAt = r.verified_at ?? proof?.deliveredAt ?? null;
    const last = outcomes.last.get(r.id);
    return {
      id: r.id,
      userId: r.user_id,
      kind: r.kind,
      target: r.target,
      label: r.label,
      verified: verifiedAt !== null,
      verifiedAt,
      channelEnabled: channelEnabled(ctx, r.kind),
      lastDelivery: last ? { state: last.state, reason: last.reason, at: last.at } : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  });
}

/** Every contact method of these users (for paging and readiness), without a permission check. */
export async function contactMethodsOfUsers(
  ctx: ServiceContext,
  db: Kysely<Database>,
  userIds: readonly number[],
): Promise<ContactMethod[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('contact_methods')
    .selectAll()
    .where('user_id', 'in', userIds)
    .orderBy('id')
    .execute();
  return contactMethodsFromRows(ctx, db, rows);
}

export async function listContactMethods(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
): Promise<ContactMethod[]> {
  await assertMayManageContacts(ctx, actor, userId);
  return contactMethodsOfUsers(ctx, ctx.db, [userId]);
}

async function methodRow(trx: Kysely<Database>, userId: number, methodId: number) {
  const row = await trx
    .selectFrom('contact_methods')
    .selectAll()
    .where('id', '=', methodId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row)
    throw new NotFound('contact_method_not_found', `User ${userId} has no contact method ${methodId}.`);
  return row;
}

export async function getContactMethod(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  methodId: number,
): Promise<ContactMethod> {
  await assertMayManageContacts(ctx, actor, userId);
  const [method] = await contactMethodsFromRows(ctx, ctx.db, [await methodRow(ctx.db, userId, methodId)]);
  return method;
}

/** Add a contact method; a webhook's signing secret is in this answer only. */
export async function createContactMethod(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  input: ContactMethodInput,
): Promise<ContactMethod & { secret: string | null }> {
  await assertMayManageContacts(ctx, actor, userId);
  if (!contactMethodKinds.includes(input.kind))
    throw new Invalid('validation_failed', `A contact method is one of ${contactMethodKinds.join(', ')}.`, [
      { field: '/kind', message: `must be one of ${contactMethodKinds.join(', ')}` },
    ]);
  const target = parseContactTarget(ctx, input.kind, input.target);
  const label = parseLabel(input.label, input.kind);
  const secret = input.kind === 'webhook' ? newSecret('whsec') : null;
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('contact_methods')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= contactMethodsPerUserMax)
      throw new Invalid(
        'validation_failed',
        `A person has at most ${contactMethodsPerUserMax} contact methods.`,
      );
    const created = await trx
      .insertInto('contact_methods')
      .values({
        user_id: userId,
        kind: input.kind,
        target,
        label,
        secret,
        verified_at: null,
        verify_code_hash: null,
        verify_code_expires_at: null,
        last_test_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contact_method.created',
      subjectType: 'user',
      subjectId: userId,
      details: { contactMethodId: created.id, kind: input.kind },
    });
    return created;
  });
  const [method] = await contactMethodsFromRows(ctx, ctx.db, [row]);
  return { ...method, secret };
}

/** Change the label or the target; a new target is unverified until tested again. */
export async function updateContactMethod(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  methodId: number,
  changes: ContactMethodChanges,
): Promise<ContactMethod> {
  await assertMayManageContacts(ctx, actor, userId);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const before = await methodRow(trx, userId, methodId);
    const target =
      changes.target === undefined ? before.target : parseContactTarget(ctx, before.kind, changes.target);
    const label = changes.label === undefined ? before.label : parseLabel(changes.label, before.kind);
    const moved = target !== before.target;
    const updated = await trx
      .updateTable('contact_methods')
      .set({
        target,
        label,
        updated_at: now,
        ...(moved
          ? { verified_at: null, verify_code_hash: null, verify_code_expires_at: null, verify_attempts: 0 }
          : {}),
      })
      .where('id', '=', methodId)
      .returningAll()
      .executeTakeFirstOrThrow();
    // What was queued for the old address must not go there any more.
    if (moved) await cancelPendingDeliveries(trx, now, { contactMethodId: methodId });
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contact_method.updated',
      subjectType: 'user',
      subjectId: userId,
      details: { contactMethodId: methodId, targetChanged: moved, labelChanged: label !== before.label },
    });
    return updated;
  });
  const [method] = await contactMethodsFromRows(ctx, ctx.db, [row]);
  return method;
}

/** Remove a contact method, its notification rules and whatever was still queued to it. */
export async function deleteContactMethod(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  methodId: number,
): Promise<void> {
  await assertMayManageContacts(ctx, actor, userId);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await methodRow(trx, userId, methodId);
    await cancelPendingDeliveries(trx, now, { contactMethodId: methodId });
    await trx.deleteFrom('notification_rules').where('contact_method_id', '=', methodId).execute();
    await trx.deleteFrom('contact_methods').where('id', '=', methodId).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contact_method.deleted',
      subjectType: 'user',
      subjectId: userId,
      details: { contactMethodId: methodId, kind: row.kind },
    });
  });
}

function codeDigest(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** The message a method's channel needs, with a code to type back for email and sms, in the owner's language. */
export function testMessage(
  ctx: ServiceContext,
  method: Pick<Selectable<ContactMethodsTable>, 'id' | 'user_id' | 'kind' | 'label' | 'secret'>,
  code: string | null,
  now: number,
  language: MailLanguage = 'en',
): Record<string, unknown> {
  const line = mailText(language, 'contactTest.line', { label: method.label });
  const codeLine = mailText(language, 'contactTest.code', { code: code ?? '' });
  const withCode = code ? `${line} ${codeLine}` : line;
  switch (method.kind) {
    case 'sms':
      return { text: withCode };
    case 'chat':
      return { format: 'chat', text: line };
    case 'webhook':
      return {
        format: 'webhook',
        secret: method.secret ?? '',
        body: {
          type: 'contact.test',
          contactMethodId: method.id,
          userId: method.user_id,
          sentAt: toIso(now),
        },
      };
    case 'email': {
      const text = `${withCode}\n\n${mailText(language, 'contactTest.instructions')}\n`;
      const mail: MailPayload = {
        subject: mailText(language, 'contactTest.subject'),
        text,
        html: `<p>${escapeHtml(line)}</p><p>${escapeHtml(mailText(language, 'contactTest.code', { code: '' }))}<strong>${code ?? ''}</strong></p>`,
        messageId: `opsdesk.contact-test.${method.id}.${now.toString(36)}@${ctx.config.mailDomain}`,
        inReplyTo: null,
        references: null,
      };
      return mail as unknown as Record<string, unknown>;
    }
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Queue a test message to the method now (at most one a minute). Webhook and chat methods count as verified once
 * their receiver takes it; email and sms messages carry a code for `verifyContactMethod`.
 */
export async function sendTestMessage(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  methodId: number,
): Promise<{ deliveryId: number; channel: DeliveryChannelName; channelEnabled: boolean }> {
  await assertMayManageContacts(ctx, actor, userId);
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await methodRow(trx, userId, methodId);
    if (row.last_test_at !== null && now - row.last_test_at < testSpacingMs) {
      const wait = Math.ceil((testSpacingMs - (now - row.last_test_at)) / 1000);
      throw new RateLimited(
        'contact_test_too_soon',
        `A test message went out less than a minute ago; retry in ${wait} s.`,
        wait,
      );
    }
    // Only one instance wins a race between two tests: the other sees last_test_at moved.
    const claimed = await trx
      .updateTable('contact_methods')
      .set({ last_test_at: now })
      .where('id', '=', methodId)
      .where((eb) =>
        row.last_test_at === null
          ? eb('last_test_at', 'is', null)
          : eb('last_test_at', '=', row.last_test_at),
      )
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0)
      throw new RateLimited('contact_test_too_soon', 'A test message is going out right now.', 60);
    const code = verifiable(row.kind) === 'code' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    if (code !== null)
      await trx
        .updateTable('contact_methods')
        .set({
          verify_code_hash: codeDigest(code),
          verify_code_expires_at: now + codeTtlMs,
          verify_attempts: 0,
        })
        .where('id', '=', methodId)
        .execute();
    const channel = channelOfKind(row.kind);
    const key = `contact-test:${methodId}:${now}`;
    // The method's owner reads it: their language, else the organisation's.
    const owner = await trx
      .selectFrom('users')
      .select(['language', 'time_zone'])
      .where('id', '=', userId)
      .executeTakeFirst();
    const { language } = recipientLocale(owner, await getOrganisationLocale(trx));
    await queueDeliveries(trx as Transaction<Database>, now, [
      {
        channel,
        eventId: null,
        userId,
        target: row.target,
        kind: 'contact_test',
        payload: testMessage(ctx, row, code, now, language),
        idempotencyKey: key,
        contactMethodId: methodId,
      },
    ]);
    const queued = await trx
      .selectFrom('deliveries')
      .select('id')
      .where('channel', '=', channel)
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contact_method.tested',
      subjectType: 'user',
      subjectId: userId,
      details: { contactMethodId: methodId, deliveryId: queued.id },
    });
    return { deliveryId: queued.id, channel, channelEnabled: channelEnabled(ctx, row.kind) };
  });
  deliveryWorker(ctx).nudge();
  return result;
}

/** Type back the code of an email or sms test message: the method is verified. */
export async function verifyContactMethod(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  methodId: number,
  code: string,
): Promise<ContactMethod> {
  await assertMayManageContacts(ctx, actor, userId);
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const row = await methodRow(trx, userId, methodId);
    if (verifiable(row.kind) !== 'code')
      throw new Invalid(
        'validation_failed',
        'A webhook or chat method is verified by a test message its receiver accepts; it has no code.',
      );
    const live =
      row.verify_code_hash !== null &&
      row.verify_code_expires_at !== null &&
      row.verify_code_expires_at > now &&
      row.verify_attempts < codeMaxAttempts;
    if (!live) return 'wrong' as const;
    if (codeDigest(code.trim()) !== row.verify_code_hash) {
      await trx
        .updateTable('contact_methods')
        .set((eb) => ({ verify_attempts: eb('verify_attempts', '+', 1) }))
        .where('id', '=', methodId)
        .execute();
      return 'wrong' as const;
    }
    const updated = await trx
      .updateTable('contact_methods')
      .set({
        verified_at: now,
        verify_code_hash: null,
        verify_code_expires_at: null,
        verify_attempts: 0,
        updated_at: now,
      })
      .where('id', '=', methodId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contact_method.verified',
      subjectType: 'user',
      subjectId: userId,
      details: { contactMethodId: methodId },
    });
    return updated;
  });
  // The wrong try is counted (committed) before it is refused.
  if (outcome === 'wrong')
    throw new Invalid(
      'verification_code_wrong',
      'The code is wrong, expired or used up; send a new test message.',
      [{ field: '/code', message: 'is not the code of the last test message' }],
    );
  const [method] = await contactMethodsFromRows(ctx, ctx.db, [outcome]);
  return method;
}
