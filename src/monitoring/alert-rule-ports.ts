// What the alert rules reach outside themselves: PromQL (validate an expression, evaluate it now) and the alert
// pipeline (receiveAlerts). Held per context, so a test replaces them with an in-memory series list and a
// recorder, and the service uses the real ones.
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { type AlertInput, type AlertOrigin, type ReceivedAlerts, receiveAlerts } from './alert-pipeline.js';
import type { Labels } from './metric-model.js';
import { metricStore } from './metric-store.js';
import { checkPromql, evaluateInstant } from './promql.js';

export interface AlertRulePorts {
  /** Throws Invalid('invalid_promql', …) with the position when the expression is not PromQL. */
  checkExpr(expr: string): void;
  /** The expression's instant vector at a time. */
  evaluate(ctx: ServiceContext, expr: string, atMs: number): Promise<{ labels: Labels; value: number }[]>;
  /** Hand alerts to the pipeline. */
  send(ctx: ServiceContext, alerts: readonly AlertInput[], origin: AlertOrigin): Promise<ReceivedAlerts>;
}

export const pipelinePorts: AlertRulePorts = {
  checkExpr: (expr) => checkPromql(expr),
  evaluate: (ctx, expr, atMs) => evaluateInstant(metricStore(ctx), expr, atMs),
  send: (ctx, alerts, origin) => receiveAlerts(ctx, alerts, origin),
};

// Per context, not shared: which implementation this process wires is its own business.
const portsCache = defineLocalCache('monitoring.alert-rule-ports', () => ({ ports: pipelinePorts }));

export function alertRulePorts(ctx: ServiceContext): AlertRulePorts {
  return ctx.caches.local(portsCache).ports;
}

/** Replace some ports for this context (tests; registerAlertRules with its ports). */
export function replaceAlertRulePorts(ctx: ServiceContext, ports: Partial<AlertRulePorts>): void {
  const held = ctx.caches.local(portsCache);
  held.ports = { ...held.ports, ...ports };
}
