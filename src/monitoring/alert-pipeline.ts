// Alerts as Alertmanager takes them: from the rule evaluator, the checks' rules and an existing Alertmanager's
// webhook, into routing, grouping, silences, inhibition and the receivers (incidents, webhooks, mail).
// (Stub: the alert pipeline's part fills this in.)
import type { ServiceContext } from '../core/context.js';

/** An alert as a generator sends it (Prometheus's alert to Alertmanager): firing while endsAt is null or ahead. */
export interface AlertInput {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds. */
  startsAt: number;
  /** Null: firing until told otherwise (or until the resolve timeout); a past time: resolved then. */
  endsAt: number | null;
  generatorUrl?: string;
}

export type AlertOrigin = 'rule' | 'check' | 'alertmanager';

export interface ReceivedAlerts {
  accepted: number;
  /** Refused with a reason (bad labels, too many). */
  rejected: { index: number; reason: string }[];
}

/** Take alerts in (new, still firing, or resolved) and let the pipeline route and group them. */
export async function receiveAlerts(
  _ctx: ServiceContext,
  _alerts: readonly AlertInput[],
  _origin: AlertOrigin,
): Promise<ReceivedAlerts> {
  throw new Error('receiveAlerts: not built yet');
}
