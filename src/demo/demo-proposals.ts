// The demo's upgrade proposals, on two hosts of its own: the file server whose share volume fills (two weeks of
// node_exporter samples in the metric store, and the capacity finding the forecast makes of them, so the chart on
// the proposal is the real series); the print server where the spooler problem keeps paging the on-call (three of
// the problem's tickets had a monitoring incident there: the recurring-problem source proposes its hardware); and a memory
// upgrade the manager approved, with its change and request for quotes. Made through the domains' own commands.
import type { Actor } from '../core/auth/index.js';
import { ManualClock } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import { createIncident, listServices, resolveIncident } from '../incidents/index.js';
import { createTarget, metricStore } from '../monitoring/index.js';
import {
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
}

const hour = 3_600_000;
const day = 24 * hour;
const tib = 2 ** 40;

export const demoFileServer = 'fileserver-01';
export const demoPrintServer = 'printsrv-01';

/** The share volume's free bytes: 4 TiB, filling by about 0.55% a day with a weekly rhythm, and some noise. */
function shareSamples(now: number): { timestamps: number[]; avail: number[] } {
  const timestamps: number[] = [];
  const avail: number[] = [];
  // Every minute, as node_exporter is scraped: a chart's step (a 240th of its range) always finds a sample.
  const start = Math.floor((now - 14 * day) / 60_000) * 60_000;
  for (let t = start, i = 0; t <= now; t += 60_000, i++) {
    const days = (t - start) / day;
    const weekday = new Date(t).getUTCDay();
    const used =
      0.68 + 0.0055 * days + (weekday === 0 || weekday === 6 ? -0.002 : 0.001) + 0.0008 * Math.sin(i / 15);
    timestamps.push(t);
    avail.push(Math.round(4 * tib * (1 - used)));
  }
  return { timestamps, avail };
}

export async function installDemoProposals(ctx: ServiceContext, refs: DemoProposalRefs): Promise<number> {
  const { manager, technician, now } = refs;
  const servers = (await listServices(ctx, manager)).find((s) => s.name === 'Servers and storage');
  const fileServer = await createTarget(ctx, manager, {
    name: demoFileServer,
    kind: 'host',
    address: 'fileserver-01.corp.example',
    description: 'The departments’ file shares (/srv/shares).',
    tags: ['env:prod', 'role:fileserver'],
    groupId: refs.groupId,
    serviceId: servers?.id ?? null,
  });
  await createTarget(ctx, manager, {
    name: demoPrintServer,
    kind: 'host',
    address: 'printsrv-01.corp.example',
    description: 'The print spooler for every floor.',
    tags: ['env:prod', 'role:print'],
    groupId: refs.groupId,
    serviceId: servers?.id ?? null,
  });

  // 1. The share volume fills: its samples, and the forecast's finding on them.
  const labels = {
    instance: 'fileserver-01.corp.example:9100',
    job: 'node',
    target: demoFileServer,
    mountpoint: '/srv/shares',
    device: '/dev/sdb1',
    fstype: 'xfs',
  };
  const { timestamps, avail } = shareSamples(now);
  await metricStore(ctx).append(
    [
      { labels: { __name__: 'node_filesystem_avail_bytes', ...labels }, timestamps, values: avail },
      {
        labels: { __name__: 'node_filesystem_size_bytes', ...labels },
        timestamps,
        values: timestamps.map(() => 4 * tib),
      },
    ],
    { key: 'self', maxSeries: 1000 },
  );
  const used = 1 - (avail[avail.length - 1] as number) / (4 * tib);
  const perDay = 0.0055;
  const crossesAt = now + Math.round(((0.9 - used) / perDay) * day);
  const matcher = `target="${demoFileServer}",mountpoint="/srv/shares"`;
  const capacity = await proposeFromCapacity(
    ctx,
    [
      {
        targetId: fileServer.id,
        resource: 'disk',
        detail: '/srv/shares',
        crossesAt,
        earliest: crossesAt - 6 * day,
        latest: crossesAt + 11 * day,
        headroom: 0.9 - used,
        threshold: 0.9,
        query: `1 - node_filesystem_avail_bytes{${matcher}} / node_filesystem_size_bytes{${matcher}}`,
      },
    ],
    { chartMs: 14 * day },
  );
  const diskId = capacity.items[0]?.proposalId;
  if (diskId != null)
    await updateProposal(ctx, technician, diskId, {
      what: 'Add 2 TB to the share volume on fileserver-01 (two 2 TB SAS disks, RAID 1)',
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
    title: 'More memory for fileserver-01',
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
