// Asset management (src/assets/): the inventory list with filters and cursor pagination, an asset with its
// tickets and relations, create, edit and bulk edit, history, installed software, relations (a small CMDB),
// licences and their seats, the tickets that name an asset (from either side), CSV import and inventory
// agents' tokens. Thin: schema → actor → one domain call → response schema.
import '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  type Asset,
  type AssetDetail,
  type AssetRelation,
  type AssetRepair,
  type AssetTicket,
  addAssetRelation,
  assetLimits,
  assetRelationKinds,
  assetStatuses,
  assetTypes,
  assignLicenceSeat,
  bulkUpdateAssets,
  closeRepair,
  createAsset,
  createInventoryAgent,
  dayOrNull,
  encodeAssetCursor,
  failureRates,
  getAsset,
  getAssetRelations,
  getAssetTickets,
  getLicence,
  getTicketAssets,
  type HardwareFacts,
  type InventoryAgent,
  importAssetsCsv,
  importAssetsGlpi,
  importLimits,
  type Licence,
  type LifecycleAsset,
  lifecycleLimits,
  lifecycleView,
  linkAssetTicket,
  linkTicketAsset,
  listAssetHistory,
  listAssets,
  listInstalledSoftware,
  listInventoryAgents,
  listLicences,
  listRepairs,
  parseDay,
  removeAssetRelation,
  repairLimits,
  repairOptions,
  requestReplacement,
  revokeInventoryAgent,
  runHostSyncNow,
  setLicenceTerms,
  startRepair,
  type TicketAsset,
  unassignLicenceSeat,
  unlinkAssetTicket,
  unlinkTicketAsset,
  updateAsset,
} from '../../assets/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import type { AssetStatus, AssetType } from '../../core/db/index.js';
import { Conflict, Invalid } from '../../core/errors.js';
import { levelName } from '../../helpdesk/index.js';
import { requireActor } from '../authentication.js';
import {
  Id,
  IdParams,
  IsoTime,
  LevelName,
  Limit,
  Nullable,
  problemResponses,
  StatusSchema,
} from '../schemas.js';

const tags = ['assets'];

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const AssetTypeSchema = lit(assetTypes);
const AssetStatusSchema = lit(assetStatuses);
const RelationKindSchema = lit(assetRelationKinds);
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Short = Type.String({ maxLength: assetLimits.shortTextMaxLength });
const Name = Type.String({ minLength: 1, maxLength: assetLimits.nameMaxLength });
const Money = Type.Object({
  amountMinor: Type.Integer({
    minimum: 0,
    maximum: assetLimits.costMinorMax,
    description: 'minor units (cents)',
  }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, such as EUR' }),
});
const Items = assetLimits.hardwareItemsMax;
const Count = Type.Integer({ minimum: 0, maximum: 1e12 });
const HardwareSchema = Type.Object(
  {
    cpus: Type.Optional(
      Type.Array(
        Type.Object({
          name: Short,
          manufacturer: Type.Optional(Short),
          cores: Type.Optional(Count),
          threads: Type.Optional(Count),
          speedMhz: Type.Optional(Count),
        }),
        { maxItems: Items },
      ),
    ),
    memoryMb: Type.Optional(Count),
    memoryModules: Type.Optional(
      Type.Array(
        Type.Object({
          capacityMb: Count,
          type: Type.Optional(Short),
          speed: Type.Optional(Short),
          slot: Type.Optional(Short),
          serial: Type.Optional(Short),
        }),
        { maxItems: Items },
      ),
    ),
    disks: Type.Optional(
      Type.Array(
        Type.Object({
          name: Short,
          model: Type.Optional(Short),
          manufacturer: Type.Optional(Short),
          sizeMb: Type.Optional(Count),
          serial: Type.Optional(Short),
          type: Type.Optional(Short),
        }),
        { maxItems: Items },
      ),
    ),
    drives: Type.Optional(
      Type.Array(
        Type.Object({
          mount: Short,
          fileSystem: Type.Optional(Short),
          totalMb: Type.Optional(Count),
          freeMb: Type.Optional(Count),
        }),
        { maxItems: Items },
      ),
    ),
    networkCards: Type.Optional(
      Type.Array(
        Type.Object({
          name: Short,
          mac: Type.Optional(Short),
          ipAddresses: Type.Optional(Type.Array(Short, { maxItems: 64 })),
          virtual: Type.Optional(Type.Boolean()),
          type: Type.Optional(Short),
          speed: Type.Optional(Short),
        }),
        { maxItems: Items },
      ),
    ),
    os: Type.Optional(
      Type.Object({
        name: Short,
        version: Type.Optional(Short),
        kernel: Type.Optional(Short),
        arch: Type.Optional(Short),
        fqdn: Type.Optional(Short),
      }),
    ),
    bios: Type.Optional(
      Type.Object({
        serial: Type.Optional(Short),
        manufacturer: Type.Optional(Short),
        model: Type.Optional(Short),
        version: Type.Optional(Short),
        date: Type.Optional(Short),
      }),
    ),
  },
  { $id: 'AssetHardware', additionalProperties: false },
);

const assetFields = {
  id: Type.Integer(),
  name: Type.String(),
  type: AssetTypeSchema,
  status: AssetStatusSchema,
  serial: Nullable(Type.String()),
  assetTag: Nullable(Type.String()),
  model: Type.String(),
  manufacturer: Type.String(),
  location: Type.String(),
  ownerId: Nullable(Type.Integer({ description: 'the user who owns or uses it' })),
  purchaseDate: Nullable(Day),
  cost: Nullable(Money),
  supplier: Type.String(),
  warrantyEnd: Nullable(Day),
  endOfLife: Nullable(Day),
  notes: Type.String(),
  hardware: Nullable(Type.Ref('AssetHardware')),
  macs: Type.Array(Type.String(), {
    description: 'MAC addresses of its network cards (what inventories match on)',
  }),
  inventory: Nullable(
    Type.Object(
      { agentId: Nullable(Type.Integer()), deviceId: Type.String(), at: Nullable(IsoTime) },
      { description: 'set when an inventory agent keeps this asset current' },
    ),
  ),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
};
const AssetSchema = Type.Object(assetFields, { $id: 'Asset' });

const TicketOfAsset = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  status: StatusSchema,
  type: Type.String(),
  requesterId: Type.Integer(),
  priority: LevelName,
  createdAt: IsoTime,
  resolvedAt: Nullable(IsoTime),
  linkedAt: IsoTime,
});
const RelationSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: RelationKindSchema,
    direction: Type.Union([Type.Literal('out'), Type.Literal('in')], {
      description: 'out: this asset <kind> the other; in: the other <kind> this asset',
    }),
    fromAssetId: Type.Integer(),
    toAssetId: Type.Integer(),
    other: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      type: AssetTypeSchema,
      status: AssetStatusSchema,
    }),
    createdBy: Nullable(Type.Integer()),
    createdAt: IsoTime,
  },
  { $id: 'AssetRelation' },
);
const LicenceSchema = Type.Object(
  {
    assetId: Type.Integer(),
    name: Type.String(),
    softwareName: Type.String(),
    seats: Type.Integer(),
    expiresOn: Nullable(Day),
    used: Type.Integer(),
    overAssigned: Type.Boolean({ description: 'more seats assigned than bought' }),
    assignments: Type.Array(
      Type.Object({
        id: Type.Integer(),
        assetId: Nullable(Type.Integer()),
        userId: Nullable(Type.Integer()),
        assignedBy: Nullable(Type.Integer()),
        assignedAt: IsoTime,
      }),
    ),
  },
  { $id: 'AssetLicence' },
);
const RepairKindSchema = Type.Union([Type.Literal('in_house'), Type.Literal('vendor_rma')]);
const RepairOutcomeSchema = Type.Union([Type.Literal('repaired'), Type.Literal('unrepairable')]);
const RepairSchema = Type.Object(
  {
    id: Type.Integer(),
    assetId: Type.Integer(),
    ticketId: Nullable(Type.Integer()),
    kind: RepairKindSchema,
    vendorId: Nullable(Type.Integer()),
    rmaNumber: Type.String(),
    loanerAssetId: Nullable(
      Type.Integer({ description: 'the asset lent to the ticket’s requester meanwhile' }),
    ),
    notes: Type.String(),
    cost: Nullable(Money),
    openedBy: Nullable(Type.Integer()),
    openedAt: IsoTime,
    closedBy: Nullable(Type.Integer()),
    closedAt: Nullable(IsoTime),
    outcome: Nullable(RepairOutcomeSchema),
  },
  { $id: 'AssetRepair' },
);
const AssetDetailSchema = Type.Object(
  {
    ...assetFields,
    tickets: Type.Array(TicketOfAsset, {
      description: 'the tickets that name this asset (those the caller may see)',
    }),
    incidents: Type.Array(TicketOfAsset, {
      description: 'its incidents: the tickets of type incident among them',
    }),
    repairs: Type.Array(Type.Ref('AssetRepair'), { description: 'its repairs, newest first (staff)' }),
    replacementRequestId: Nullable(
      Type.Integer({ description: 'the request for quotes whose award retires this asset, or null' }),
    ),
    relations: Type.Array(Type.Ref('AssetRelation')),
    softwareCount: Type.Integer(),
    licence: Nullable(Type.Ref('AssetLicence')),
  },
  { $id: 'AssetDetail' },
);
const TicketAssetSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: AssetTypeSchema,
  status: AssetStatusSchema,
  serial: Nullable(Type.String()),
  assetTag: Nullable(Type.String()),
  ownerId: Nullable(Type.Integer()),
  linkedAt: IsoTime,
});
const HistorySchema = Type.Object({
  id: Type.Integer(),
  assetId: Type.Integer(),
  actorId: Nullable(Type.Integer({ description: 'null: an inventory agent or the system' })),
  at: IsoTime,
  field: Type.String(),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
});
const AgentSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
  lastSeenAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
  assetCount: Type.Integer(),
});

const editable = {
  name: Type.Optional(Name),
  type: Type.Optional(AssetTypeSchema),
  status: Type.Optional(AssetStatusSchema),
  serial: Type.Optional(Nullable(Short)),
  assetTag: Type.Optional(Nullable(Short)),
  model: Type.Optional(Short),
  manufacturer: Type.Optional(Short),
  location: Type.Optional(Short),
  ownerId: Type.Optional(Nullable(Id)),
  purchaseDate: Type.Optional(Nullable(Day)),
  cost: Type.Optional(Nullable(Money)),
  supplier: Type.Optional(Short),
  warrantyEnd: Type.Optional(Nullable(Day)),
  endOfLife: Type.Optional(Nullable(Day)),
  notes: Type.Optional(Type.String({ maxLength: assetLimits.notesMaxLength })),
  hardware: Type.Optional(Nullable(Type.Unsafe<HardwareFacts>(Type.Ref('AssetHardware')))),
};
const BulkSet = Type.Object(
  {
    status: Type.Optional(AssetStatusSchema),
    type: Type.Optional(AssetTypeSchema),
    location: Type.Optional(Short),
    ownerId: Type.Optional(Nullable(Id)),
    supplier: Type.Optional(Short),
    model: Type.Optional(Short),
    manufacturer: Type.Optional(Short),
    warrantyEnd: Type.Optional(Nullable(Day)),
    endOfLife: Type.Optional(Nullable(Day)),
  },
  { additionalProperties: false, minProperties: 1 },
);

function assetView(a: Asset) {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    status: a.status,
    serial: a.serial,
    assetTag: a.assetTag,
    model: a.model,
    manufacturer: a.manufacturer,
    location: a.location,
    ownerId: a.ownerId,
    purchaseDate: dayOrNull(a.purchasedOn),
    cost: a.cost,
    supplier: a.supplier,
    warrantyEnd: dayOrNull(a.warrantyEndsOn),
    endOfLife: dayOrNull(a.endOfLifeOn),
    notes: a.notes,
    hardware: a.hardware,
    macs: a.macs,
    inventory: a.inventory ? { ...a.inventory, at: toIso(a.inventory.at) } : null,
    createdBy: a.createdBy,
    createdAt: toIso(a.createdAt),
    updatedAt: toIso(a.updatedAt),
  };
}
const ticketOfAssetView = (t: AssetTicket) => ({
  ...t,
  priority: levelName(t.priority),
  createdAt: toIso(t.createdAt),
  resolvedAt: toIso(t.resolvedAt),
  linkedAt: toIso(t.linkedAt),
});
const relationView = (r: AssetRelation) => ({ ...r, createdAt: toIso(r.createdAt) });
const licenceView = (l: Licence) => ({
  ...l,
  expiresOn: dayOrNull(l.expiresOn),
  assignments: l.assignments.map((a) => ({ ...a, assignedAt: toIso(a.assignedAt) })),
});
const repairView = (r: AssetRepair) => ({
  ...r,
  openedAt: toIso(r.openedAt),
  closedAt: toIso(r.closedAt),
});
const lifecycleAssetView = (a: LifecycleAsset) => ({ ...a, on: dayOrNull(a.on) });
const LifecycleAssetSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: AssetTypeSchema,
  status: AssetStatusSchema,
  manufacturer: Type.String(),
  model: Type.String(),
  location: Type.String(),
  ownerId: Nullable(Type.Integer()),
  on: Day,
  daysLeft: Type.Integer(),
});
const detailView = (a: AssetDetail) => ({
  ...assetView(a),
  tickets: a.tickets.map(ticketOfAssetView),
  incidents: a.incidents.map(ticketOfAssetView),
  repairs: a.repairs.map(repairView),
  replacementRequestId: a.replacementRequestId,
  relations: a.relations.map(relationView),
  softwareCount: a.softwareCount,
  licence: a.licence ? licenceView(a.licence) : null,
});
const ticketAssetView = (a: TicketAsset) => ({ ...a, linkedAt: toIso(a.linkedAt) });
const agentView = (a: InventoryAgent) => ({
  ...a,
  createdAt: toIso(a.createdAt),
  lastSeenAt: toIso(a.lastSeenAt),
  revokedAt: toIso(a.revokedAt),
});

/** "computer,server" → the values, refusing an unknown one. */
function listOf<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = value.split(',').map((s) => s.trim());
  for (const s of list)
    if (!allowed.includes(s as T))
      throw new Invalid('validation_failed', `${field}: unknown value "${s.slice(0, 40)}"`, [
        { field: `querystring/${field}`, message: `must be a comma-separated list of ${allowed.join(', ')}` },
      ]);
  return list as T[];
}

export function assetRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(HardwareSchema);
    app.addSchema(AssetSchema);
    app.addSchema(RelationSchema);
    app.addSchema(LicenceSchema);
    app.addSchema(RepairSchema);
    app.addSchema(AssetDetailSchema);
    // A CSV body as it is (the import also takes multipart/form-data, field "file").
    app.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: importLimits.bodyBytes },
      (_req, body, done) => done(null, body),
    );

    app.get(
      '/api/v1/assets',
      {
        schema: {
          tags,
          summary: 'Assets, filtered, the latest changed (or by name) first (requesters: their own)',
          description:
            'Filters combine with AND; type and status take comma-separated values. q matches words of the name, serial, asset tag, model or manufacturer, a MAC address, or an id (#12).',
          querystring: Type.Object({
            type: Type.Optional(
              Type.String({ maxLength: 200, description: `comma-separated: ${assetTypes.join(', ')}` }),
            ),
            status: Type.Optional(
              Type.String({ maxLength: 100, description: `comma-separated: ${assetStatuses.join(', ')}` }),
            ),
            location: Type.Optional(Short),
            ownerId: Type.Optional(Id),
            q: Type.Optional(Type.String({ maxLength: assetLimits.searchMaxLength })),
            warrantyEndsBefore: Type.Optional(Day),
            sort: Type.Optional(Type.Union([Type.Literal('updated'), Type.Literal('name')])),
            limit: Limit,
            cursor: Type.Optional(Type.String({ maxLength: 600, pattern: '^[A-Za-z0-9_-]+$' })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('Asset')), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { type, status, warrantyEndsBefore, limit, sort = 'updated', ...rest } = request.query;
        const items = await listAssets(ctx, requireActor(request), {
          ...rest,
          type: listOf<AssetType>('type', type, assetTypes),
          status: listOf<AssetStatus>('status', status, assetStatuses),
          warrantyEndsBefore:
            warrantyEndsBefore === undefined
              ? undefined
              : parseDay('querystring/warrantyEndsBefore', warrantyEndsBefore),
          sort,
          limit,
        });
        const page = items.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map(assetView),
          nextCursor: items.length > limit ? encodeAssetCursor(sort, last) : null,
        };
      },
    );

    app.post(
      '/api/v1/assets',
      {
        schema: {
          tags,
          summary: 'Add an asset (staff)',
          body: Type.Object({ ...editable, name: Name, type: AssetTypeSchema }),
          response: { 201: Type.Ref('Asset'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const a = await createAsset(ctx, requireActor(request), request.body);
        return reply.code(201).header('location', `/api/v1/assets/${a.id}`).send(assetView(a));
      },
    );

    app.post(
      '/api/v1/assets/bulk-update',
      {
        schema: {
          tags,
          summary: 'The same change on many assets at once (staff): one transaction, each asset’s history',
          body: Type.Object({
            ids: Type.Array(Id, { minItems: 1, maxItems: assetLimits.bulkMax }),
            set: BulkSet,
          }),
          response: {
            200: Type.Object({
              updatedIds: Type.Array(Type.Integer()),
              unchangedIds: Type.Array(Type.Integer()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => bulkUpdateAssets(ctx, requireActor(request), request.body.ids, request.body.set),
    );

    app.post(
      '/api/v1/assets/import',
      {
        bodyLimit: importLimits.bodyBytes,
        schema: {
          tags,
          summary:
            'Import assets from CSV or a GLPI computers export (staff): text/csv body, or multipart/form-data field "file"',
          description:
            'A header row names the columns (name required; type, status, serial, asset_tag, model, manufacturer, location, owner (id or email), purchase_date, cost, currency, supplier, warranty_end, end_of_life, notes, mac). ' +
            'format=glpi reads GLPI’s computers list export (semicolon-separated, English or French headers: Name/Nom, Status/Statut, Serial number/Numéro de série, Inventory number, Operating system - Name, Component - Processor, User, …). ' +
            'Malformed rows are reported by line and reason; the good rows are kept. A row whose serial or MAC is an asset already updates it.',
          consumes: ['text/csv', 'multipart/form-data'],
          querystring: Type.Object({
            format: Type.Optional(
              Type.Union([Type.Literal('csv'), Type.Literal('glpi')], { default: 'csv' }),
            ),
          }),
          response: {
            200: Type.Object({
              rows: Type.Integer(),
              created: Type.Integer(),
              updated: Type.Integer(),
              unchanged: Type.Integer(),
              rejected: Type.Integer(),
              rejections: Type.Array(
                Type.Object({
                  line: Type.Integer(),
                  reason: Type.String(),
                  fields: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
                }),
              ),
              createdIds: Type.Array(Type.Integer()),
              updatedIds: Type.Array(Type.Integer()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        let csv: string;
        if (request.isMultipart()) {
          const file = await request.file({ limits: { fileSize: importLimits.bodyBytes, files: 1 } });
          if (!file)
            throw new Invalid('invalid_asset_import', 'Send the CSV in a field named "file".', [
              { field: '/file', message: 'required' },
            ]);
          csv = (await file.toBuffer()).toString('utf8');
        } else if (typeof request.body === 'string') csv = request.body;
        else
          throw new Invalid(
            'invalid_asset_import',
            'Send the CSV as text/csv, or as multipart/form-data field "file".',
            [{ field: '/', message: 'a CSV body is required' }],
          );
        return request.query.format === 'glpi'
          ? importAssetsGlpi(ctx, actor, csv)
          : importAssetsCsv(ctx, actor, csv);
      },
    );

    app.post(
      '/api/v1/assets/sync-hosts',
      {
        schema: {
          tags,
          summary:
            'Fill assets from monitored hosts’ node_exporter metrics now (managers, admins): CPUs, memory, file systems, network cards, OS',
          description:
            'Each monitoring target scraped from node_exporter becomes an asset linked to it, found by that link, its serial or a MAC (an asset a FusionInventory agent sent is merged); owner, location and status stay. The same pass runs every 15 minutes.',
          response: {
            200: Type.Object({
              hosts: Type.Integer(),
              created: Type.Integer(),
              updated: Type.Integer(),
              unchanged: Type.Integer(),
              conflicts: Type.Integer(),
              items: Type.Array(
                Type.Object({
                  targetId: Type.Integer(),
                  targetName: Type.String(),
                  instance: Type.String(),
                  assetId: Type.Union([Type.Integer(), Type.Null()]),
                  outcome: Type.Union([
                    Type.Literal('created'),
                    Type.Literal('updated'),
                    Type.Literal('unchanged'),
                    Type.Literal('conflict'),
                  ]),
                  matchedBy: Type.Union([
                    Type.Literal('target'),
                    Type.Literal('serial'),
                    Type.Literal('mac'),
                    Type.Null(),
                  ]),
                  reason: Type.Optional(Type.String()),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const report = await runHostSyncNow(ctx, requireActor(request));
        if (report === null)
          throw new Conflict(
            'host_sync_busy',
            'Another instance is syncing monitored hosts right now; try again in a moment.',
          );
        return report;
      },
    );

    app.get(
      '/api/v1/assets/licences',
      {
        schema: {
          tags,
          summary: 'Licences with their seats used (staff: all; requesters: their own)',
          querystring: Type.Object({
            overAssigned: Type.Optional(Type.Boolean()),
            expiresBefore: Type.Optional(Day),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('AssetLicence')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { overAssigned, expiresBefore } = request.query;
        const items = await listLicences(ctx, requireActor(request), {
          overAssigned,
          expiresBefore:
            expiresBefore === undefined ? undefined : parseDay('querystring/expiresBefore', expiresBefore),
        });
        return { items: items.map(licenceView) };
      },
    );

    app.get(
      '/api/v1/assets/:id',
      {
        schema: {
          tags,
          summary: 'An asset with its tickets, relations and licence (requesters: their own)',
          params: IdParams,
          response: { 200: Type.Ref('AssetDetail'), ...problemResponses },
        },
      },
      async (request) => detailView(await getAsset(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/assets/:id',
      {
        schema: {
          tags,
          summary: 'Change an asset (staff); null clears a field',
          params: IdParams,
          body: Type.Object(editable, { minProperties: 1 }),
          response: { 200: Type.Ref('Asset'), ...problemResponses },
        },
      },
      async (request) =>
        assetView(await updateAsset(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.get(
      '/api/v1/assets/:id/history',
      {
        schema: {
          tags,
          summary: "An asset's history: who changed what, when, old → new",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(HistorySchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listAssetHistory(ctx, requireActor(request), request.params.id)).map((h) => ({
          ...h,
          at: toIso(h.at),
        })),
      }),
    );

    app.get(
      '/api/v1/assets/:id/software',
      {
        schema: {
          tags,
          summary: 'The software installed on an asset, by name',
          params: IdParams,
          querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  name: Type.String(),
                  version: Type.String(),
                  publisher: Type.String(),
                  installedOn: Nullable(Day),
                  source: Type.Union([Type.Literal('inventory'), Type.Literal('manual')]),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (
          await listInstalledSoftware(ctx, requireActor(request), request.params.id, request.query)
        ).map((s) => ({ ...s, installedOn: dayOrNull(s.installedOn) })),
      }),
    );

    app.get(
      '/api/v1/assets/:id/relations',
      {
        schema: {
          tags,
          summary: "An asset's relations, both directions",
          params: IdParams,
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('AssetRelation')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (await getAssetRelations(ctx, requireActor(request), request.params.id)).map(relationView),
      }),
    );

    app.post(
      '/api/v1/assets/:id/relations',
      {
        schema: {
          tags,
          summary: 'Relate this asset to another (staff): this asset <kind> toAssetId',
          params: IdParams,
          body: Type.Object({ kind: RelationKindSchema, toAssetId: Id }),
          response: {
            201: Type.Object({ items: Type.Array(Type.Ref('AssetRelation')) }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const items = await addAssetRelation(ctx, requireActor(request), request.params.id, request.body);
        return reply.code(201).send({ items: items.map(relationView) });
      },
    );

    app.delete(
      '/api/v1/assets/:id/relations/:relationId',
      {
        schema: {
          tags,
          summary: 'Remove a relation of this asset (staff)',
          params: Type.Object({ id: Id, relationId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await removeAssetRelation(ctx, requireActor(request), request.params.id, request.params.relationId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/assets/:id/licence',
      {
        schema: {
          tags,
          summary: "A licence's terms, seats used and assignments",
          params: IdParams,
          response: { 200: Type.Ref('AssetLicence'), ...problemResponses },
        },
      },
      async (request) => licenceView(await getLicence(ctx, requireActor(request), request.params.id)),
    );

    app.put(
      '/api/v1/assets/:id/licence',
      {
        schema: {
          tags,
          summary: "Set a licence's terms (staff): seats, the software it covers, expiry",
          params: IdParams,
          body: Type.Object({
            seats: Type.Integer({ minimum: 0, maximum: assetLimits.seatsMax }),
            softwareName: Type.Optional(Short),
            expiresOn: Type.Optional(Nullable(Day)),
          }),
          response: { 200: Type.Ref('AssetLicence'), ...problemResponses },
        },
      },
      async (request) =>
        licenceView(await setLicenceTerms(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/assets/:id/licence/assignments',
      {
        schema: {
          tags,
          summary:
            'Give a seat of this licence to an asset or a user (staff); past the seats it reads overAssigned',
          params: IdParams,
          body: Type.Object({ assetId: Type.Optional(Id), userId: Type.Optional(Id) }),
          response: { 201: Type.Ref('AssetLicence'), ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            licenceView(await assignLicenceSeat(ctx, requireActor(request), request.params.id, request.body)),
          ),
    );

    app.delete(
      '/api/v1/assets/:id/licence/assignments/:assignmentId',
      {
        schema: {
          tags,
          summary: 'Take a seat back (staff)',
          params: Type.Object({ id: Id, assignmentId: Id }),
          response: { 200: Type.Ref('AssetLicence'), ...problemResponses },
        },
      },
      async (request) =>
        licenceView(
          await unassignLicenceSeat(
            ctx,
            requireActor(request),
            request.params.id,
            request.params.assignmentId,
          ),
        ),
    );

    const TicketsOfAsset = Type.Object({ items: Type.Array(TicketOfAsset) });
    app.get(
      '/api/v1/assets/:id/tickets',
      {
        schema: {
          tags,
          summary: 'The tickets that name this asset, newest first (those the caller may see)',
          params: IdParams,
          response: { 200: TicketsOfAsset, ...problemResponses },
        },
      },
      async (request) => ({
        items: (await getAssetTickets(ctx, requireActor(request), request.params.id)).map(ticketOfAssetView),
      }),
    );

    app.post(
      '/api/v1/assets/:id/tickets',
      {
        schema: {
          tags,
          summary: 'This ticket is about this asset (staff): link them',
          params: IdParams,
          body: Type.Object({ ticketId: Id }),
          response: { 200: TicketsOfAsset, ...problemResponses },
        },
      },
      async (request) => ({
        items: (
          await linkAssetTicket(ctx, requireActor(request), request.params.id, request.body.ticketId)
        ).map(ticketOfAssetView),
      }),
    );

    app.delete(
      '/api/v1/assets/:id/tickets/:ticketId',
      {
        schema: {
          tags,
          summary: 'Unlink a ticket from this asset (staff)',
          params: Type.Object({ id: Id, ticketId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await unlinkAssetTicket(ctx, requireActor(request), request.params.id, request.params.ticketId);
        return reply.code(204).send(null);
      },
    );

    const AssetsOfTicket = Type.Object({ items: Type.Array(TicketAssetSchema) });
    app.get(
      '/api/v1/tickets/:id/assets',
      {
        schema: {
          tags,
          summary: 'The assets this ticket names (requesters: those they own)',
          params: IdParams,
          response: { 200: AssetsOfTicket, ...problemResponses },
        },
      },
      async (request) => ({
        items: (await getTicketAssets(ctx, requireActor(request), request.params.id)).map(ticketAssetView),
      }),
    );

    app.post(
      '/api/v1/tickets/:id/assets',
      {
        schema: {
          tags,
          summary: 'This ticket affects asset assetId (staff): link them',
          params: IdParams,
          body: Type.Object({ assetId: Id }),
          response: { 200: AssetsOfTicket, ...problemResponses },
        },
      },
      async (request) => ({
        items: (
          await linkTicketAsset(ctx, requireActor(request), request.params.id, request.body.assetId)
        ).map(ticketAssetView),
      }),
    );

    app.delete(
      '/api/v1/tickets/:id/assets/:assetId',
      {
        schema: {
          tags,
          summary: 'The ticket does not affect this asset after all (staff)',
          params: Type.Object({ id: Id, assetId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await unlinkTicketAsset(ctx, requireActor(request), request.params.id, request.params.assetId);
        return reply.code(204).send(null);
      },
    );

    // -- lifecycle: what ends within a window, failure rates by model (managers, admins) --
    app.get(
      '/api/v1/assets/lifecycle',
      {
        schema: {
          tags,
          summary:
            'Warranties ending and ends of life within a window, licences over-assigned or expiring (managers, admins)',
          querystring: Type.Object({
            within: Type.Optional(
              Type.String({
                maxLength: 40,
                description: 'an ISO 8601 duration from P1D to P3Y (calendar months, UTC); default P3M',
              }),
            ),
          }),
          response: {
            200: Type.Object({
              from: IsoTime,
              until: IsoTime,
              warrantiesEnding: Type.Array(LifecycleAssetSchema),
              endOfLife: Type.Array(LifecycleAssetSchema),
              licences: Type.Array(
                Type.Object({
                  assetId: Type.Integer(),
                  name: Type.String(),
                  softwareName: Type.String(),
                  seats: Type.Integer(),
                  used: Type.Integer(),
                  expiresOn: Nullable(Day),
                  overAssigned: Type.Boolean(),
                  expiring: Type.Boolean(),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const v = await lifecycleView(ctx, requireActor(request), request.query.within ?? 'P3M');
        return {
          from: toIso(v.from),
          until: toIso(v.until),
          warrantiesEnding: v.warrantiesEnding.map(lifecycleAssetView),
          endOfLife: v.endOfLife.map(lifecycleAssetView),
          licences: v.licences.map((l) => ({ ...l, expiresOn: dayOrNull(l.expiresOn) })),
        };
      },
    );

    app.get(
      '/api/v1/assets/failure-rates',
      {
        schema: {
          tags,
          summary:
            'Per model: assets, linked incidents and tickets, repairs, failures per asset-year (managers, admins)',
          description:
            'Failures are the incidents naming an asset plus its repairs not already counted through their incident, within the last `months`; an asset counts from its purchase (or entry) or the window’s start. Highest rate first.',
          querystring: Type.Object({
            months: Type.Optional(
              Type.Integer({ minimum: 1, maximum: lifecycleLimits.monthsMax, default: 12 }),
            ),
          }),
          response: {
            200: Type.Object({
              from: IsoTime,
              until: IsoTime,
              models: Type.Array(
                Type.Object({
                  manufacturer: Type.String(),
                  model: Type.String(),
                  assets: Type.Integer(),
                  tickets: Type.Integer(),
                  incidents: Type.Integer(),
                  repairs: Type.Integer(),
                  failures: Type.Integer(),
                  assetYears: Type.Number(),
                  failuresPerAssetYear: Type.Number(),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const r = await failureRates(ctx, requireActor(request), request.query.months ?? 12);
        return { from: toIso(r.from), until: toIso(r.until), models: r.models };
      },
    );

    // -- repair or replace, from a ticket (staff) --
    app.get(
      '/api/v1/assets/:id/repairs',
      {
        schema: {
          tags,
          summary: "An asset's repairs, newest first (staff)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('AssetRepair')) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listRepairs(ctx, requireActor(request), request.params.id)).map(repairView),
      }),
    );

    app.post(
      '/api/v1/assets/:id/repairs/:repairId/close',
      {
        schema: {
          tags,
          summary: 'Close a repair (staff): what it cost and how it ended; the asset back in use, or retired',
          params: Type.Object({ id: Id, repairId: Id }),
          body: Type.Object({
            outcome: RepairOutcomeSchema,
            cost: Type.Optional(Nullable(Money)),
            notes: Type.Optional(Type.String({ maxLength: repairLimits.notes })),
          }),
          response: { 200: Type.Ref('AssetRepair'), ...problemResponses },
        },
      },
      async (request) =>
        repairView(
          await closeRepair(
            ctx,
            requireActor(request),
            request.params.id,
            request.params.repairId,
            request.body,
          ),
        ),
    );

    app.get(
      '/api/v1/tickets/:id/assets/repair-options',
      {
        schema: {
          tags,
          summary:
            'For each asset the ticket names: repairs in 12 months, what they cost, its age, a replacement’s price, and a sentence (staff)',
          params: IdParams,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  assetId: Type.Integer(),
                  name: Type.String(),
                  type: AssetTypeSchema,
                  status: AssetStatusSchema,
                  manufacturer: Type.String(),
                  model: Type.String(),
                  repairsLast12Months: Type.Integer(),
                  spentLast12Months: Nullable(Money),
                  repairsInOtherCurrencies: Type.Integer(),
                  openRepairId: Nullable(Type.Integer()),
                  purchaseCost: Nullable(Money),
                  ageMonths: Nullable(Type.Integer()),
                  endOfLifePassed: Type.Boolean(),
                  replacement: Nullable(
                    Type.Object({
                      amountMinor: Type.Integer(),
                      currency: Type.String(),
                      source: Type.Union([
                        Type.Literal('award'),
                        Type.Literal('quote'),
                        Type.Literal('purchase_cost'),
                      ]),
                      quoteRequestId: Nullable(Type.Integer()),
                    }),
                  ),
                  replacementRequestId: Nullable(Type.Integer()),
                  advice: Type.Union([Type.Literal('repair'), Type.Literal('replace')]),
                  summary: Type.String({
                    description: 'e.g. "LT-0042: 3 repairs in 12 months, €420 spent, replacement €900"',
                  }),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({ items: await repairOptions(ctx, requireActor(request), request.params.id) }),
    );

    app.post(
      '/api/v1/tickets/:id/assets/:assetId/repair',
      {
        schema: {
          tags,
          summary:
            'Start a repair of an asset this ticket names (staff): in repair, in house or a vendor RMA, perhaps a loaner to the requester',
          params: Type.Object({ id: Id, assetId: Id }),
          body: Type.Object({
            kind: RepairKindSchema,
            vendorId: Type.Optional(Nullable(Id)),
            rmaNumber: Type.Optional(Type.String({ maxLength: repairLimits.rmaNumber })),
            loanerAssetId: Type.Optional(Nullable(Id)),
            notes: Type.Optional(Type.String({ maxLength: repairLimits.notes })),
          }),
          response: { 201: Type.Ref('AssetRepair'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const r = await startRepair(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.assetId,
          request.body,
        );
        return reply.code(201).send(repairView(r));
      },
    );

    app.post(
      '/api/v1/tickets/:id/assets/:assetId/replacement',
      {
        schema: {
          tags,
          summary:
            'Ask to replace an asset this ticket names (staff): a request for quotes with requirements from the asset; its award retires the asset',
          params: Type.Object({ id: Id, assetId: Id }),
          body: Type.Object({
            budgetLineId: Type.Optional(Nullable(Id)),
            currency: Type.Optional(Nullable(Type.String({ pattern: '^[A-Z]{3}$' }))),
            quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
            notes: Type.Optional(Type.String({ maxLength: repairLimits.notes })),
          }),
          response: {
            201: Type.Object({
              quoteRequestId: Type.Integer(),
              assetId: Type.Integer(),
              ticketId: Type.Integer(),
            }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const r = await requestReplacement(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.assetId,
          request.body,
        );
        return reply.code(201).header('location', `/api/v1/quote-requests/${r.quoteRequestId}`).send(r);
      },
    );

    // -- inventory agents' tokens --
    app.get(
      '/api/v1/inventory/agents',
      {
        schema: {
          tags,
          summary:
            'Inventory agents (FusionInventory / GLPI agent deployments) and how many assets each keeps (managers, admins)',
          response: { 200: Type.Object({ items: Type.Array(AgentSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listInventoryAgents(ctx, requireActor(request))).map(agentView) }),
    );

    app.post(
      '/api/v1/inventory/agents',
      {
        schema: {
          tags,
          summary: 'A new inventory agent and its token, shown once (managers, admins)',
          description:
            'Give the token to the agent as its HTTP basic password (fusioninventory-agent --server URL/api/v1/inventory/fusion --user NAME --password TOKEN) or in the URL path (…/api/v1/inventory/fusion/TOKEN).',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
          response: { 201: Type.Object({ agent: AgentSchema, token: Type.String() }), ...problemResponses },
        },
      },
      async (request, reply) => {
        const made = await createInventoryAgent(ctx, requireActor(request), request.body);
        return reply.code(201).send({ agent: agentView(made.agent), token: made.token });
      },
    );

    app.delete(
      '/api/v1/inventory/agents/:id',
      {
        schema: {
          tags,
          summary: "Revoke an inventory agent's token (managers, admins); its assets stay",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await revokeInventoryAgent(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
