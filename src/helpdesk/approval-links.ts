// The signed one-click link in an approval mail: bound to one approver's place in one approval (their row),
// HMAC-SHA256 under a server secret kept in the settings table (made on first use, shared by every instance),
// expiring after a week. Opening it shows what is asked (a GET decides nothing: mail scanners open links);
// the page's button posts the decision. Single use: once that approver's part is decided (by them, by another
// approver of an "one" step, or the request withdrawn), the link answers what happened instead.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import type { ApproverState, Database } from '../core/db/index.js';
import { Forbidden } from '../core/errors.js';
import { type Approval, readApprovals } from './approval-reads.js';
import { type DecisionInput, decideApproverRow } from './approvals.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How long an approval link works: a week covers a trip and a long weekend; then the web app decides. */
export const approvalLinkTtlMs = 7 * 24 * 3_600_000;

const secretKey = 'approval_link_secret';

async function approvalLinkSecret(db: Db, now: number): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', secretKey).executeTakeFirst();
  if (row) return row.value;
  await db
    .insertInto('settings')
    .values({ key: secretKey, value: randomBytes(32).toString('base64url'), updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const made = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', secretKey)
    .executeTakeFirstOrThrow();
  return made.value;
}

function mac(secret: string, approvalId: number, approverRowId: number, exp: number): string {
  return createHmac('sha256', secret)
    .update(`opsdesk-approval-link:${approvalId}:${approverRowId}:${exp}`)
    .digest('base64url');
}

/** A token for one approver's row of one approval: `<expiry seconds>.<row id>.<mac>`. */
export function signApprovalToken(
  secret: string,
  approvalId: number,
  approverRowId: number,
  now: number,
): string {
  const exp = Math.floor((now + approvalLinkTtlMs) / 1000);
  return `${exp}.${approverRowId}.${mac(secret, approvalId, approverRowId, exp)}`;
}

/** The approver row a token speaks for, once its MAC and expiry are checked; Forbidden otherwise. */
export function verifyApprovalToken(secret: string, approvalId: number, token: string, now: number): number {
  const m = /^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const refused = new Forbidden('approval_link_invalid', 'This link is not valid for this approval.');
  if (!m) throw refused;
  const exp = Number(m[1]);
  const rowId = Number(m[2]);
  const expected = Buffer.from(mac(secret, approvalId, rowId, exp));
  const sent = Buffer.from(m[3]);
  if (expected.length !== sent.length || !timingSafeEqual(expected, sent)) throw refused;
  if (exp * 1000 <= now)
    throw new Forbidden(
      'approval_link_expired',
      'This approval link has expired; decide in the web app instead.',
    );
  return rowId;
}

/** The web app's page for a link (the caller prefixes the public URL): it shows the request and posts the decision. */
export async function approvalLinkPath(
  db: Db,
  approvalId: number,
  approverRowId: number,
  now: number,
): Promise<string> {
  const token = signApprovalToken(await approvalLinkSecret(db, now), approvalId, approverRowId, now);
  return `/approve/${approvalId}?token=${encodeURIComponent(token)}`;
}

export interface ApprovalByLink {
  approval: Approval;
  /** The person the link was sent to, and where their part stands. */
  approver: { userId: number; name: string; state: ApproverState; step: number };
}

async function checkedRow(ctx: ServiceContext, approvalId: number, token: string) {
  const now = ctx.clock.now();
  const rowId = verifyApprovalToken(await approvalLinkSecret(ctx.db, now), approvalId, token, now);
  const row = await ctx.db
    .selectFrom('approval_approvers as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.approval_id', 'a.user_id', 'a.state', 'a.step', 'u.name'])
    .where('a.id', '=', rowId)
    .executeTakeFirst();
  if (!row || row.approval_id !== approvalId)
    throw new Forbidden('approval_link_invalid', 'This link is not valid for this approval.');
  return row;
}

/** What a link shows: the approval as its approver reads it. Decides nothing. */
export async function readByLink(
  ctx: ServiceContext,
  approvalId: number,
  token: string,
): Promise<ApprovalByLink> {
  const row = await checkedRow(ctx, approvalId, token);
  const [approval] = await readApprovals(ctx.db, [approvalId], row.user_id);
  return { approval, approver: { userId: row.user_id, name: row.name, state: row.state, step: row.step } };
}

/** The link's button: the approver decides, as if signed in; the approval as it stands after. */
export async function decideByLink(
  ctx: ServiceContext,
  approvalId: number,
  token: string,
  input: DecisionInput,
): Promise<ApprovalByLink> {
  const row = await checkedRow(ctx, approvalId, token);
  await decideApproverRow(ctx, approvalId, row.id, input);
  return readByLink(ctx, approvalId, token);
}
