// The stored routing document: one row, read by every flush and receive (compiled once per document version in
// this process) and replaced whole by a manager (routing.manage). Before anyone saves one, the built-in default
// applies (everything to an incident with a ticket; a target's critical alert mutes its warnings).
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import {
  compileRouting,
  defaultRoutingDocument,
  type Routing,
  type RoutingDocument,
} from './alert-routing.js';
import { requireMonitor } from './permissions.js';

/** The last document compiled in this process, by its text: a flush does not recompile an unchanged tree. */
const compiled = defineLocalCache('alert_routing', () => ({ text: '', routing: null as Routing | null }));

export interface StoredRouting {
  document: RoutingDocument;
  updatedAt: number | null;
  updatedBy: number | null;
}

async function readRow(ctx: ServiceContext) {
  return ctx.db.selectFrom('monitoring_alert_routing').selectAll().where('id', '=', 1).executeTakeFirst();
}

/** The routing in force, compiled. */
export async function loadRouting(ctx: ServiceContext): Promise<Routing> {
  const row = await readRow(ctx);
  const text = row?.document ?? JSON.stringify(defaultRoutingDocument);
  const cache = ctx.caches.local(compiled);
  if (cache.routing && cache.text === text) return cache.routing;
  const routing = compileRouting(JSON.parse(text) as RoutingDocument);
  cache.text = text;
  cache.routing = routing;
  return routing;
}

export async function getAlertRouting(ctx: ServiceContext, actor: Actor): Promise<StoredRouting> {
  requireMonitor(actor, 'routing.manage');
  const row = await readRow(ctx);
  if (!row) return { document: defaultRoutingDocument, updatedAt: null, updatedBy: null };
  return {
    document: JSON.parse(row.document) as RoutingDocument,
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
  };
}

/** Replace the routing document after checking it whole (a bad one changes nothing). */
export async function putAlertRouting(
  ctx: ServiceContext,
  actor: Actor,
  document: RoutingDocument,
): Promise<StoredRouting> {
  requireMonitor(actor, 'routing.manage');
  compileRouting(document);
  const serviceIds = document.receivers.flatMap((r, i) =>
    (r.incident_configs ?? []).flatMap((c, j) =>
      c.service_id === undefined
        ? []
        : [{ id: c.service_id, field: `/receivers/${i}/incident_configs/${j}/service_id` }],
    ),
  );
  if (serviceIds.length > 0) {
    const found = new Set(
      (
        await ctx.db
          .selectFrom('services')
          .select('id')
          .where(
            'id',
            'in',
            serviceIds.map((s) => s.id),
          )
          .execute()
      ).map((r) => r.id),
    );
    const missing = serviceIds.find((s) => !found.has(s.id));
    if (missing)
      throw new Invalid('invalid_reference', `${missing.field}: no such service`, [
        { field: missing.field, message: 'no such service' },
      ]);
  }
  const now = ctx.clock.now();
  const text = JSON.stringify(document);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('monitoring_alert_routing')
      .values({ id: 1, document: text, updated_by: actor.id, updated_at: now })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ document: text, updated_by: actor.id, updated_at: now }),
      )
      .execute();
    // The receivers' names only: their configurations may hold webhook URLs with tokens.
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.alert_routing.replaced',
      subjectType: 'monitoring_alert_routing',
      subjectId: 1,
      details: { receivers: document.receivers.map((r) => r.name), bytes: text.length },
    });
  });
  return { document, updatedAt: now, updatedBy: actor.id };
}
