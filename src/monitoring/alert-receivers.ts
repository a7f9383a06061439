// The notify stage: a group's alerts to each integration of its receiver. incident_configs open an incident for
// the group (with a ticket and its SLA) and keep its timeline, resolving it when the group's alerts all resolve;
// webhook_configs send Alertmanager's webhook payload (version 4) and email_configs a mail, both as deliveries on
// the one delivery pipeline (src/notify), written with the group's notification log, so a failed send is retried
// by the worker and never dropped.
import { randomBytes } from 'node:crypto';
import { toIso } from '../core/clock.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import {
  openIncidentFromAlerts,
  recordAlertActivity,
  resolveIncidentFromAlerts,
} from '../incidents/index.js';
import { formatMailTime, type MailLocale, mailText, mintMessageId } from '../mail/index.js';
import { type Alert, type FlushRun, isFiring, pipelinePorts } from './alert-model.js';
import type { IncidentConfig } from './alert-routing.js';

/** Alertmanager's template data: the labels and annotations every alert of the list shares. */
function common(list: readonly Record<string, string>[]): Record<string, string> {
  if (list.length === 0) return {};
  const out: Record<string, string> = { ...list[0] };
  for (const item of list.slice(1)) for (const k of Object.keys(out)) if (item[k] !== out[k]) delete out[k];
  return out;
}

/** Go's zero time, which Alertmanager's payload shows as the end of a firing alert. */
const zeroTime = '0001-01-01T00:00:00Z';

/** Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export function webhookPayload(
  run: Pick<FlushRun, 'group' | 'groupLabels' | 'at' | 'ctx'>,
  receiver: string,
  alerts: readonly Alert[],
  maxAlerts = 0,
): Record<string, unknown> {
  const firing = alerts.some((a) => isFiring(a, run.at));
  const shown = maxAlerts > 0 ? alerts.slice(0, maxAlerts) : alerts;
  return {
    version: '4',
    groupKey: run.group.group_key,
    truncatedAlerts: alerts.length - shown.length,
    status: firing ? 'firing' : 'resolved',
    receiver,
    groupLabels: run.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: run.ctx.config.publicUrl ?? '',
    alerts: shown.map((a) => ({
      status: isFiring(a, run.at) ? 'firing' : 'resolved',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: toIso(a.startsAt),
      endsAt: isFiring(a, run.at) ? zeroTime : toIso(a.resolvesAt),
      generatorURL: a.generatorUrl,
      fingerprint: a.fingerprint,
    })),
  };
}

/** One line per alert for a timeline or a mail: its name, labels, since when, and its summary. */
export function alertLine(a: Alert, at: number, locale?: MailLocale): string {
  const { alertname, ...rest } = a.labels;
  const labels = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`)
    .join(', ');
  // A mail to a receiver's address reads in the organisation's language and zone; the timeline keeps ISO times.
  const time = (ms: number) => (locale ? formatMailTime(ms, locale.language, locale.timeZone) : toIso(ms));
  const firingNow = isFiring(a, at);
  const when = locale
    ? mailText(locale.language, firingNow ? 'alert.firingSince' : 'alert.resolvedAt', {
        at: time(firingNow ? a.startsAt : a.resolvesAt),
      })
    : firingNow
      ? `firing since ${toIso(a.startsAt)}`
      : `resolved at ${toIso(a.resolvesAt)}`;
  const summary = a.annotations.summary ?? a.annotations.description ?? '';
  return `${alertname ?? 'alert'} {${labels}} ${when}${summary ? ` — ${summary}` : ''}`;
}

function title(run: FlushRun, firing: readonly Alert[], resolved: readonly Alert[]): string {
  const labels = common([...firing, ...resolved].map((a) => a.labels));
  const name = labels.alertname ?? run.groupLabels.alertname ?? 'Alerts';
  const on = labels.target ? ` on ${labels.target}` : '';
  const summary = common(firing.map((a) => a.annotations)).summary;
  const state = firing.length > 0 ? `[FIRING:${firing.length}]` : '[RESOLVED]';
  return `${state} ${name}${on}${summary ? `: ${summary}` : ''}`;
}

async function notifyIncident(run: FlushRun, config: IncidentConfig, firing: Alert[], resolved: Alert[]) {
  const { ctx } = run;
  const newFiring = firing.filter((a) => !run.log.firing.has(a.fingerprint));
  const newResolved = resolved.filter((a) => !run.log.resolved.has(a.fingerprint));
  let open = false;
  if (run.incidentId !== null) {
    const row = await ctx.db
      .selectFrom('incidents')
      .select('state')
      .where('id', '=', run.incidentId)
      .executeTakeFirst();
    open = row !== undefined && row.state !== 'resolved';
  }
  if (!open) {
    if (firing.length === 0) return;
    // The alerting target's routing: its service, or its escalation policy, and its group for the ticket.
    const targetId = firing.find((a) => a.targetId !== null)?.targetId ?? null;
    const target =
      targetId === null
        ? null
        : ((await pipelinePorts(ctx).targets.targetRouting(ctx, [targetId])).get(targetId) ?? null);
    const opened = await openIncidentFromAlerts(ctx, {
      dedupKey: run.group.group_key,
      serviceId: config.service_id ?? target?.serviceId ?? null,
      escalationPolicyId: target?.escalationPolicyId ?? null,
      summary: title(run, firing, []),
      severity: common(firing.map((a) => a.labels)).severity ?? null,
      details: { groupKey: run.group.group_key, groupLabels: run.groupLabels, alerts: firing.length },
      openTicket: config.open_ticket !== false,
      ticketGroupId: target?.groupId ?? null,
      alertLines: firing.map((a) => alertLine(a, run.at)),
    });
    run.incidentId = opened.incident.id;
    return;
  }
  const id = run.incidentId as number;
  if (newFiring.length > 0)
    await recordAlertActivity(
      ctx,
      id,
      'alert_firing',
      newFiring.map((a) => alertLine(a, run.at)),
    );
  const resolvedLines = newResolved.map((a) => alertLine(a, run.at));
  if (firing.length === 0 && config.resolve_incident !== false)
    await resolveIncidentFromAlerts(ctx, id, resolvedLines, pipelinePorts(ctx).escalation);
  else if (resolvedLines.length > 0) await recordAlertActivity(ctx, id, 'alert_resolved', resolvedLines);
}

/** The receiver stage: every integration of the group's receiver; the deliveries are queued with the log. */
export async function notifyReceiver(run: FlushRun, alerts: Alert[]): Promise<Alert[]> {
  const receiver = run.receiver;
  if (!receiver) {
    run.ctx.log.warn(
      { group: run.group.group_key, receiver: run.opts.receiver },
      'alert group has no receiver',
    );
    return alerts;
  }
  const firing = alerts.filter((a) => isFiring(a, run.at));
  const resolved = alerts.filter((a) => !isFiring(a, run.at));
  for (const config of receiver.incident_configs ?? []) await notifyIncident(run, config, firing, resolved);
  (receiver.webhook_configs ?? []).forEach((config, i) => {
    const list = config.send_resolved === false ? firing : alerts;
    if (list.length === 0) return;
    run.deliveries.push({
      channel: 'page',
      eventId: null,
      target: config.url,
      kind: 'alertmanager.webhook',
      // The page channel posts a JSON body as signed webhooks are (Alertmanager's receivers ignore the signature).
      payload: {
        format: 'webhook',
        body: webhookPayload(run, receiver.name, list, config.max_alerts ?? 0),
        secret: randomBytes(16).toString('hex'),
      },
      idempotencyKey: `alerts:${run.group.id}:${run.at}:webhook:${i}`,
    });
  });
  // A receiver's address is no account: its mail is in the organisation's default language and zone.
  const organisation =
    (receiver.email_configs ?? []).length > 0 ? await getOrganisationLocale(run.ctx.db) : null;
  (receiver.email_configs ?? []).forEach((config, i) => {
    const list = config.send_resolved === true ? alerts : firing;
    if (list.length === 0) return;
    const listFiring = list.filter((a) => isFiring(a, run.at));
    const subject = title(
      run,
      listFiring,
      list.filter((a) => !isFiring(a, run.at)),
    );
    const text = [subject, '', ...list.map((a) => alertLine(a, run.at, organisation ?? undefined))].join(
      '\n',
    );
    const enabled = run.ctx.config.smtpOutUrl !== null;
    run.deliveries.push({
      channel: 'mail',
      eventId: null,
      target: config.to,
      kind: 'alert_notification',
      payload: {
        subject: subject.slice(0, 200),
        text,
        html: `<pre>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre>`,
        messageId: mintMessageId(run.ctx.config.mailDomain, null),
        inReplyTo: null,
        references: null,
      },
      idempotencyKey: `alerts:${run.group.id}:${run.at}:email:${i}`,
      disabledBecause: enabled ? null : 'outbound mail is not configured (OPSDESK_SMTP_OUT_URL)',
    });
  });
  run.notified = true;
  return alerts;
}
