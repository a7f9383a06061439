// Paging one person: their contact methods and notification rules turn one page into deliveries on the notify
// pipeline (webhook at once, email after five minutes…); acknowledging an incident cancels what is still waiting.
// CONTRACT (issue 10): these signatures are shared; the contact-methods helper fills in the bodies.
import type { Kysely } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';

export interface PageInput {
  userId: number;
  incidentId: number;
  /** One line: "[P1] VPN gateway down (Network)". */
  title: string;
  body: string;
  /** Signed links that acknowledge / resolve without signing in. */
  acknowledgeUrl: string;
  resolveUrl: string;
  /** Which escalation step and repeat this is, for the timeline. */
  step: number;
}

export interface PageResult {
  /** One per delivery queued, with the channel and when it goes. */
  deliveries: { deliveryId: number; method: string; notBefore: number }[];
  /** Nothing could be queued: the user has no working contact method. */
  unreachable: boolean;
}

/** Queue a page to a user inside the caller's transaction (the worker is nudged after commit). */
export async function pageUser(
  _ctx: ServiceContext,
  _trx: Kysely<Database>,
  _input: PageInput,
): Promise<PageResult> {
  throw new Error('not built yet');
}

/** Cancel every page of the incident still waiting to be sent (acknowledged or resolved). */
export async function cancelPages(
  _ctx: ServiceContext,
  _trx: Kysely<Database>,
  _incidentId: number,
): Promise<number> {
  throw new Error('not built yet');
}
