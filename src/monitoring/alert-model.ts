// What the alert pipeline's files share: an alert as stored, the one question silences, inhibitions, flapping and
// target suppression answer (`mutes`, as Alertmanager's notify/mute.go), the stage signature (notify.go's Stage)
// and the ports to the targets part, which tests replace.

import type { Selectable } from 'kysely';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import type { EscalationPorts } from '../incidents/index.js';
import type { NewDelivery } from '../notify/index.js';
import type { ReceiverSpec, RouteOpts, Routing } from './alert-routing.js';
import {
  type AlertSuppression,
  alertSuppression,
  type TargetRouting,
  targetRouting,
} from './target-status.js';

export interface Alert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** As sent: null while firing with no end given. */
  endsAt: number | null;
  /** When it resolves or resolved: endsAt, or the last update plus the resolve timeout. */
  resolvesAt: number;
  updatedAt: number;
  generatorUrl: string;
  targetId: number | null;
  /** Recent changes of state, epoch ms, newest last. */
  transitions: number[];
}

export const isFiring = (alert: Pick<Alert, 'resolvesAt'>, atMs: number): boolean => alert.resolvesAt > atMs;

/** Why an alert's notifications are held back. */
export type MuteReason =
  | { kind: 'silenced'; silenceIds: number[] }
  | { kind: 'inhibited'; by: string[] }
  | { kind: 'flapping' }
  | { kind: 'maintenance' }
  | { kind: 'parent_down' };

/** One question for every kind of muting: why this alert is held back now, or null. */
export interface Muter {
  mutes(alert: Alert, atMs: number): Promise<MuteReason | null> | MuteReason | null;
}

/** What the pipeline asks of the targets part (target-status.ts); tests pass their own. */
export interface TargetPorts {
  alertSuppression(ctx: ServiceContext, targetId: number, atMs: number): Promise<AlertSuppression>;
  targetRouting(ctx: ServiceContext, targetIds: readonly number[]): Promise<Map<number, TargetRouting>>;
}

export const targetPorts: TargetPorts = { alertSuppression, targetRouting };

export const alertLimits = {
  /** Alerts in one call of receiveAlerts. */
  perBatch: 1000,
  labels: 64,
  labelNameLength: 256,
  labelValueLength: 2048,
  annotationsBytes: 16_384,
  /** Alertmanager's resolve_timeout default. */
  resolveTimeoutMs: 300_000,
  silenceMatchers: 32,
  silenceComment: 1024,
} as const;

/** The ports one context's pipeline uses: the real ones unless a test (or the entry point) set others. */
export interface PipelinePorts {
  targets: TargetPorts;
  /** Paging and cancelling, for incidents the pipeline resolves; incidents' own when absent. */
  escalation?: EscalationPorts;
}

const portsCache = defineLocalCache('alert_pipeline_ports', () => ({
  ports: { targets: targetPorts } as PipelinePorts,
  /** Set by registerAlertPipeline: flush soon after alerts came in. */
  nudge: null as (() => void) | null,
}));

export function pipelinePorts(ctx: ServiceContext): PipelinePorts {
  return ctx.caches.local(portsCache).ports;
}

/** Replace the ports of this context's pipeline (tests: fakes for the targets part). */
export function usePipelinePorts(ctx: ServiceContext, ports: Partial<PipelinePorts>): void {
  const state = ctx.caches.local(portsCache);
  state.ports = { ...state.ports, ...ports };
}

export function setPipelineNudge(ctx: ServiceContext, nudge: (() => void) | null): void {
  ctx.caches.local(portsCache).nudge = nudge;
}

export function nudgePipeline(ctx: ServiceContext): void {
  ctx.caches.local(portsCache).nudge?.();
}

export type GroupRow = Selectable<Database['monitoring_alert_groups']>;

/** What one flush of one group carries from stage to stage. */
export interface FlushRun {
  ctx: ServiceContext;
  group: GroupRow;
  groupLabels: Record<string, string>;
  /** The flush's instant: every stage judges "now" by it. */
  at: number;
  routing: Routing;
  opts: RouteOpts;
  receiver: ReceiverSpec | null;
  /** The notification log as it stood before this flush. */
  log: { firing: Set<string>; resolved: Set<string>; notifiedAt: number | null };
  /** Written in the flush's closing transaction, with the log. */
  deliveries: NewDelivery[];
  incidentId: number | null;
  /** The receiver was told: the log moves on. */
  notified: boolean;
}

/** Alertmanager's Stage: alerts in, the alerts the next stage sees out; none left ends the flush quietly. */
export type Stage = (run: FlushRun, alerts: Alert[]) => Promise<Alert[]>;
