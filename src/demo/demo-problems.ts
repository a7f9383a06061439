// The demo's problem management: two problems behind the tickets people filed — the VPN that keeps dropping
// (a known error with its workaround, under the Network group) and the print spooler that stops after an
// update (still under investigation) — each with the matching tickets linked as its incidents, open and
// resolved alike, so the incident chart and "resolve with the incidents" have something to show.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { createProblemWithIncidents } from '../problems/index.js';

export interface DemoProblemRefs {
  manager: Actor;
  /** The technician who owns the problems. */
  technician: Actor;
  groupId: (key: 'l1' | 'l2' | 'network') => number;
  categoryId: (name: string) => number | undefined;
}

/** The newest tickets of a category, not merged: the incidents a problem is known to cause. */
async function ticketsOf(
  ctx: ServiceContext,
  categoryId: number | undefined,
  count: number,
): Promise<number[]> {
  if (categoryId === undefined) return [];
  const rows = await ctx.db
    .selectFrom('tickets')
    .select('id')
    .where('category_id', '=', categoryId)
    .where('merged_into_id', 'is', null)
    .orderBy('id', 'desc')
    .limit(count)
    .execute();
  return rows.map((r) => r.id).reverse();
}

export async function installDemoProblems(ctx: ServiceContext, refs: DemoProblemRefs): Promise<number> {
  const { technician, groupId, categoryId } = refs;
  await createProblemWithIncidents(ctx, technician, {
    title: 'VPN concentrator drops tunnels under load',
    description:
      'Since the firmware update of the VPN concentrator, remote users are disconnected every few minutes at busy times.',
    status: 'known_error',
    rootCause:
      'The concentrator runs out of session slots: the new firmware keeps closed sessions for 30 minutes.',
    workaround:
      'Connect with the "VPN backup" profile (vpn2.example.com) in the VPN client; it uses the second concentrator.',
    priority: 'high',
    impact: 'high',
    ownerId: technician.id,
    groupId: groupId('network'),
    categoryId: categoryId('vpn') ?? null,
    incidentIds: await ticketsOf(ctx, categoryId('vpn'), 8),
  });
  await createProblemWithIncidents(ctx, refs.manager, {
    title: 'Print spooler stops after the monthly Windows update',
    description:
      'Several floors cannot print after the update night; restarting the print server helps for a while.',
    status: 'investigating',
    priority: 'medium',
    impact: 'medium',
    groupId: groupId('l2'),
    categoryId: categoryId('printer') ?? null,
    incidentIds: await ticketsOf(ctx, categoryId('printer'), 6),
  });
  return 2;
}
