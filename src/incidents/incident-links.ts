// Signed links in a page that acknowledge or resolve an incident without signing in. A token is bound to one
// incident, one user and one action, and expires: HMAC-SHA256 under a server secret kept in the settings table
// (made on first use, shared by every instance on the database), so a forged token, or one issued for another
// incident, user or action, is refused.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../core/db/index.js';
import { Forbidden } from '../core/errors.js';

type Db = Kysely<Database> | Transaction<Database>;

export type LinkAction = 'ack' | 'resolve';

/** How long a link in a page works: a day covers a night's escalation and a morning's follow-up. */
export const linkTtlMs = 24 * 3_600_000;

const secretKey = 'incident_link_secret';

/** The server's link secret, made once (the first instance to insert it wins; the others read it). */
export async function linkSecret(db: Db, now: number): Promise<string> {
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

function mac(secret: string, incidentId: number, userId: number, action: LinkAction, exp: number): string {
  return createHmac('sha256', secret)
    .update(`opsdesk-incident-link:${incidentId}:${userId}:${action}:${exp}`)
    .digest('base64url');
}

/** A token for one incident, user and action: `<expiry seconds>.<user id>.<mac>`. */
export function signLink(
  secret: string,
  incidentId: number,
  userId: number,
  action: LinkAction,
  now: number,
): string {
  const exp = Math.floor((now + linkTtlMs) / 1000);
  return `${exp}.${userId}.${mac(secret, incidentId, userId, action, exp)}`;
}

/** The user a token speaks for, once its MAC and expiry are checked; Forbidden otherwise. */
export function verifyLink(
  secret: string,
  incidentId: number,
  action: LinkAction,
  token: string,
  now: number,
): number {
  const m = /^(\d{1,12})\.(\d{1,10})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const refused = new Forbidden('respond_link_invalid', 'This link is not valid for this incident.');
  if (!m) throw refused;
  const exp = Number(m[1]);
  const userId = Number(m[2]);
  const expected = Buffer.from(mac(secret, incidentId, userId, action, exp));
  const sent = Buffer.from(m[3]);
  if (expected.length !== sent.length || !timingSafeEqual(expected, sent)) throw refused;
  if (exp * 1000 <= now) throw new Forbidden('respond_link_expired', 'This link has expired.');
  return userId;
}

/**
 * The path of a signed link (the caller prefixes the public URL when it has one): the web app's page that says
 * what the link does and does it on a click (POST /api/v1/incidents/{id}/respond). A GET that acknowledged would
 * be done by every mail scanner that opens links, on the paged person's behalf.
 */
export function linkPath(incidentId: number, action: LinkAction, token: string): string {
  return `/respond/incidents/${incidentId}?action=${action}&token=${encodeURIComponent(token)}`;
}
