// The demo's change calendar: a change advisory board, two standard-change templates, a blackout period at the
// month's end, and a week of changes around now — a standard change scheduled without the CAB, a normal one
// the CAB approved, another in assessment whose window overlaps it on the same service (a conflict to see),
// an emergency change implemented and reviewed yesterday, and a draft. Made through the domains' own commands.
import {
  applyCabDecision,
  createBlackout,
  createChange,
  linkChange,
  moveChange,
  reviewChange,
  saveChangeTemplate,
  setChangeSettings,
} from '../changes/index.js';
import { type Actor, createGroup } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { decideApproval } from '../helpdesk/index.js';
import { listServices } from '../incidents/index.js';

export interface DemoChangeRefs {
  manager: Actor;
  technicians: Actor[];
  now: number;
  /** A ticket of the demo's about the network, to link; none: no link. */
  networkTicketId?: number;
}

const hour = 3_600_000;
const day = 24 * hour;

export async function installDemoChanges(ctx: ServiceContext, refs: DemoChangeRefs): Promise<number> {
  const { manager, technicians, now } = refs;
  const [lead, second] = technicians;
  const services = await listServices(ctx, manager);
  const serviceId = (name: string) => services.find((s) => s.name === name)?.id;
  const servers = serviceId('Servers and storage');
  const network = serviceId('Network and VPN');
  if (servers === undefined || network === undefined) return 0;
  // Whole hours from the start of today (UTC), so the calendar reads cleanly.
  const today = Math.floor(now / day) * day;
  const at = (days: number, hours: number) => new Date(today + days * day + hours * hour).getTime();

  const cab = await createGroup(ctx, null, {
    name: 'Change advisory board',
    description: 'Approves normal and emergency changes.',
    memberIds: [lead.id, second.id],
  });
  await setChangeSettings(ctx, manager, { cabGroupId: cab.id, emergencyCabGroupId: null });
  const patching = await saveChangeTemplate(ctx, manager, null, {
    name: 'Monthly server patching',
    title: 'Patch the file servers (monthly)',
    description: 'Operating system updates on the file servers, one at a time.',
    risk: 'low',
    impact: 'medium',
    plan: 'Snapshot each VM, apply updates, reboot, check the shares.',
    backoutPlan: 'Revert the VM to its snapshot.',
    testPlan: 'Open a share from a client; check the backup job runs.',
  });
  await saveChangeTemplate(ctx, manager, null, {
    name: 'Add a DNS record',
    title: 'Add an internal DNS record',
    risk: 'low',
    impact: 'low',
    plan: 'Add the record in the internal zone; reload.',
    backoutPlan: 'Remove the record; reload.',
    testPlan: 'Resolve the name from a client.',
  });
  await createBlackout(ctx, manager, {
    name: 'Month-end close',
    startsAt: at(9, 0),
    endsAt: at(12, 0),
  });

  /** CAB approval as the board gives it: a member decides, the decision schedules the change. */
  const approve = async (changeId: number, approvalId: number | null) => {
    if (approvalId === null) return;
    await decideApproval(ctx, lead, approvalId, { decision: 'approve', comment: 'Agreed at the CAB' }, 'web');
    await ctx.db.transaction().execute((trx) =>
      applyCabDecision(trx, ctx.clock.now(), {
        changeId,
        approvalId,
        outcome: 'approved',
        reason: null,
        decidedById: lead.id,
      }),
    );
  };

  // A standard change: from its template, scheduled at once.
  const patch = await createChange(ctx, second, {
    templateId: patching.id,
    serviceIds: [servers],
    windowStart: at(1, 19),
    windowEnd: at(1, 22),
    implementerId: second.id,
  });
  await moveChange(ctx, second, patch.id, { to: 'scheduled' });

  // A normal change the CAB approved.
  const sw = await createChange(ctx, manager, {
    title: 'Replace the core switch in building A',
    description: 'The core switch is out of support; its replacement is racked and configured.',
    type: 'normal',
    risk: 'high',
    impact: 'high',
    plan: 'Move the uplinks to the new switch one floor at a time; update the monitoring targets.',
    backoutPlan: 'Move the uplinks back to the old switch (left powered and cabled for a week).',
    testPlan: 'Every floor reaches the VPN gateway and the file servers; Wi-Fi controllers rejoin.',
    serviceIds: [network],
    windowStart: at(2, 20),
    windowEnd: at(2, 23),
    implementerId: lead.id,
  });
  if (refs.networkTicketId !== undefined)
    await linkChange(ctx, manager, sw.id, { targetType: 'ticket', targetId: refs.networkTicketId });
  await moveChange(ctx, manager, sw.id, { to: 'assessment' });
  const sent = await moveChange(ctx, manager, sw.id, { to: 'awaiting_cab' });
  await approve(sw.id, sent.approvalId);

  // A normal change in assessment whose window overlaps the switch's on the same service: a conflict.
  await createChange(ctx, second, {
    title: 'Upgrade the VPN gateway firmware',
    type: 'normal',
    risk: 'medium',
    impact: 'high',
    plan: 'Upload the firmware, reboot the standby, fail over, reboot the primary.',
    backoutPlan: 'Boot the previous firmware image on both.',
    serviceIds: [network],
    windowStart: at(2, 22),
    windowEnd: at(3, 0),
    implementerId: second.id,
  }).then((c) => moveChange(ctx, second, c.id, { to: 'assessment' }));

  // An emergency change yesterday: approved by the board, implemented and reviewed.
  const tls = await createChange(ctx, manager, {
    title: 'Renew the expiring VPN certificate',
    type: 'emergency',
    risk: 'medium',
    impact: 'high',
    plan: 'Install the renewed certificate on the gateway; restart the service.',
    backoutPlan: 'Reinstall the old certificate (valid for two more days).',
    serviceIds: [network],
    windowStart: at(-1, 12),
    windowEnd: at(-1, 13),
    implementerId: lead.id,
  });
  await moveChange(ctx, manager, tls.id, { to: 'assessment' });
  const urgent = await moveChange(ctx, manager, tls.id, { to: 'awaiting_cab' });
  await approve(tls.id, urgent.approvalId);
  await moveChange(ctx, lead, tls.id, { to: 'implementing' });
  await moveChange(ctx, lead, tls.id, { to: 'review' });
  await reviewChange(ctx, manager, tls.id, {
    outcome: 'successful',
    notes: 'Renewed with a day to spare. Action: certificate expiry alerts 30 days ahead, not 3.',
  });

  // A draft for next week.
  await createChange(ctx, manager, {
    title: 'Move the backups to the new storage array',
    type: 'normal',
    risk: 'medium',
    impact: 'medium',
    serviceIds: [servers],
    windowStart: at(6, 18),
    windowEnd: at(6, 23),
  });
  return 5;
}
