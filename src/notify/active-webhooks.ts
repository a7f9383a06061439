// Which webhooks are active, remembered per context so the outbox relay can skip the webhook fan-out —
// a query and its share of the event's work — while none is. Only where this process sees every change:
// on SQLite (one process) every write goes through createWebhook / updateWebhook / deleteWebhook, which
// forget it inside their transaction; on PostgreSQL another instance may change them, so nothing is kept.
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { EventType } from '../core/events.js';

export interface ActiveWebhook {
  id: number;
  events: EventType[];
}

/**
 * State of the context. Invalidation: forgetActiveWebhooks in every transaction that changes a webhook; it is
 * kept only where no other instance writes (not multiInstance), so that rule covers every change.
 */
const activeWebhooks = defineLocalCache('active_webhooks', () => ({
  hooks: undefined as readonly ActiveWebhook[] | undefined,
  /** Bumped by every forget: a read that started before it must not be kept after it. */
  generation: 0,
}));

/** False only when this process knows that no active webhook wants `type`. */
export function activeWebhookMayWant(ctx: ServiceContext, type: EventType): boolean {
  const hooks = ctx.caches.local(activeWebhooks).hooks;
  return hooks === undefined || hooks.some((h) => h.events.length === 0 || h.events.includes(type));
}

/** Call inside the transaction that changes a webhook: the next fan-out reads the table again. */
export function forgetActiveWebhooks(ctx: ServiceContext): void {
  const state = ctx.caches.local(activeWebhooks);
  state.hooks = undefined;
  state.generation += 1;
}

/** Read before querying the table; pass to rememberActiveWebhooks with what the query found. */
export function activeWebhooksGeneration(ctx: ServiceContext): number {
  return ctx.caches.local(activeWebhooks).generation;
}

/** Keep what a fan-out read, unless a change came in since `at` (or other processes may change it). */
export function rememberActiveWebhooks(
  ctx: ServiceContext,
  at: number,
  hooks: readonly ActiveWebhook[],
): void {
  const state = ctx.caches.local(activeWebhooks);
  if (!ctx.caps.multiInstance && state.generation === at) state.hooks = hooks;
}
