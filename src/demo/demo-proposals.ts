// The demo's upgrade proposals: the file server whose /srv fills (demo-capacity.ts put two weeks of its node_exporter
// samples in the metric store; the capacity report's finding on them, as the proposals job reads it, makes the
// proposal, so its date and chart are the real forecast's); the print server where the spooler problem keeps paging the on-call (three of
// the problem's tickets had a monitoring incident there: the recurring-problem source proposes its hardware); and a memory
// upgrade the manager approved, with its change and request for quotes. Made through the domains' own commands.
import type { Actor } from '../core/auth/index.js';
import { ManualClock } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import { createIncident, listServices, resolveIncident } from '../incidents/index.js';
import { createTarget } from '../monitoring/index.js';
import {
  capacityFindings,
  createManualProposal,
  decideProposal,
  proposeFromCapacity,
  proposeFromProblems,
  updateProposal,
} from '../proposals/index.js';

export interface DemoProposalRefs {
  manager: Actor;
  technician: Actor;
  now: number;
  groupId: number;
  /** The demo's file server (demo-capacity.ts). */
  fileServerId: number;
}

const hour = 3_600_000;
const day = 24 * hour;

export const demoPrintServer = 'printsrv-01';

export async function installDemoProposals(ctx: ServiceContext, refs: DemoProposalRefs): Promise<number> {
  const { manager, technician, now } = refs;
  const servers = (await listServices(ctx, manager)).find((s) => s.name === 'Servers and storage');
  const fileServer = { id: refs.fileServerId };
  await createTarget(ctx, manager, {
    name: demoPrintServer,
    kind: 'host',
    address: 'printsrv-01.corp.example',
    description: 'The print spooler for every floor.',
    tags: ['env:prod', 'role:print'],
    groupId: refs.groupId,
    serviceId: servers?.id ?? null,
  });

  // 1. The file server's /srv fills: the capacity report's finding, as the proposals job reads it.
  const findings = (await capacityFindings(ctx)).filter(
    (f) => f.targetId === fileServer.id && f.resource === 'disk' && f.detail === '/srv',
  );
  const capacity = await proposeFromCapacity(ctx, findings, { chartMs: 14 * day });
  const diskId = capacity.items[0]?.proposalId;
  if (diskId != null)
    await updateProposal(ctx, technician, diskId, {
      what: 'Add 2 TB to /srv on files-01 (two 2 TB SAS disks, RAID 1)',
      cost: { amountMinor: 84_000, currency: 'EUR' },
    });

  // 2. The print spooler problem keeps paging: three of its tickets had a monitoring incident on printsrv-01 in
  // three weeks (incidents as the alert pipeline opens them: the group's labels in the details name the target).
  const problem = await ctx.db
    .selectFrom('problems')
    .select('id')
    .where('title', '=', 'Print spooler stops after the monthly Windows update')
    .executeTakeFirst();
  if (problem && servers) {
    const tickets = await ctx.db
      .selectFrom('problem_incidents as pi')
      .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
      .select(['t.id', 't.title'])
      .where('pi.problem_id', '=', problem.id)
      .orderBy('t.id', 'desc')
      .limit(3)
      .execute();
    const daysAgo = [4, 11, 19];
    for (const [i, ticket] of tickets.entries()) {
      const clock = new ManualClock(now - (daysAgo[i] as number) * day + 6 * hour);
      const then = { ...ctx, clock };
      const opened = await createIncident(then, technician, {
        serviceId: servers.id,
        summary: `[FIRING:1] PrintSpoolerDown on ${demoPrintServer}: the spooler service stopped`,
        severity: 'error',
        dedupKey: `{}:{alertname="PrintSpoolerDown", target="${demoPrintServer}"}#${ticket.id}`,
        ticketId: ticket.id,
        details: {
          groupKey: `{}:{alertname="PrintSpoolerDown", target="${demoPrintServer}"}`,
          groupLabels: { alertname: 'PrintSpoolerDown', target: demoPrintServer },
          alerts: 1,
        },
      });
      clock.advance(40 * 60_000);
      await resolveIncident(then, technician, opened.incident.id);
    }
    await proposeFromProblems(ctx, { minIncidents: 3, windowMs: 30 * day });
  }

  // 3. Approved last week: more memory for the file server, with its change and request for quotes.
  const lastWeek = { ...ctx, clock: new ManualClock(now - 6 * day) };
  const memory = await createManualProposal(lastWeek, technician, {
    title: 'More memory for files-01',
    targetId: fileServer.id,
    resource: 'memory',
    what: 'Add 32 GB RAM (2 × 16 GB DDR4 ECC RDIMM)',
    summary:
      'The SMB service pages out at the morning logon peak; the page cache is too small for the shares.',
    dueAt: now + 21 * day,
    cost: { amountMinor: 38_000, currency: 'EUR' },
  });
  await decideProposal(lastWeek, manager, memory.id, {
    decision: 'approve',
    quantity: 2,
    spec: '16 GB DDR4-3200 ECC RDIMM, compatible with the PowerEdge R740',
  });
  return diskId != null ? 3 : 2;
}
