// The shapes at the HTTP edge, defined once with TypeBox: they validate input, serialise output (dropping
// every field they do not list) and make the OpenAPI document.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ticketLinkKinds, ticketLinkRoles } from '../helpdesk/index.js';

export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const IdParams = Type.Object({ id: Id });
export const IsoTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problemResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  409: Type.Ref('Problem'),
  413: Type.Ref('Problem'),
  415: Type.Ref('Problem'),
  429: Type.Ref('Problem'),
};

export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('manager'),
  Type.Literal('technician'),
  Type.Literal('requester'),
]);

export const UserSchema = Type.Object(
  {
    id: Type.Integer(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    active: Type.Boolean(),
    groupIds: Type.Array(Type.Integer()),
    managerId: Nullable(Type.Integer()),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    department: Type.Union([Type.String(), Type.Null()]),
    vip: Type.Boolean(),
    phone: Nullable(Type.String()),
    language: Nullable(Type.String({ description: 'BCP 47 language tag' })),
    timeZone: Nullable(Type.String({ description: 'IANA time zone' })),
    location: Nullable(Type.String()),
  },
  { $id: 'User' },
);

export const LevelSchema = Type.Union(
  [
    Type.Integer({ minimum: 1, maximum: 5 }),
    Type.Literal('very_low'),
    Type.Literal('low'),
    Type.Literal('medium'),
    Type.Literal('high'),
    Type.Literal('very_high'),
  ],
  { description: '1–5 or very_low|low|medium|high|very_high' },
);
export const LevelName = Type.Union([
  Type.Literal('very_low'),
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('very_high'),
]);
export const StatusSchema = Type.Union([
  Type.Literal('new'),
  Type.Literal('assigned'),
  Type.Literal('in_progress'),
  Type.Literal('pending'),
  Type.Literal('resolved'),
  Type.Literal('closed'),
  Type.Literal('awaiting_approval'),
]);
export const TicketTypeSchema = Type.Union([Type.Literal('incident'), Type.Literal('request')]);

// A ticket's SLA clocks (src/sla): due times in ISO 8601, durations in whole seconds (achieved and margin in
// minutes, as Zammad stores them).
export const SlaClockSchema = Type.Object({
  target: Type.Union([
    Type.Literal('first_response'),
    Type.Literal('next_response'),
    Type.Literal('resolution'),
    Type.Literal('ola'),
  ]),
  phase: Type.Union([
    Type.Literal('inactive'),
    Type.Literal('running'),
    Type.Literal('paused'),
    Type.Literal('achieved'),
  ]),
  cycle: Type.Integer(),
  groupId: Nullable(Type.Integer()),
  startedAt: Nullable(IsoTime),
  dueAt: Nullable(IsoTime),
  warnAt: Nullable(IsoTime),
  targetSeconds: Type.Integer(),
  elapsedSeconds: Type.Integer(),
  remainingSeconds: Type.Integer(),
  pausedSeconds: Type.Integer(),
  warned: Type.Boolean(),
  breached: Type.Boolean(),
  achievedAt: Nullable(IsoTime),
  achievedMinutes: Nullable(Type.Integer()),
  marginMinutes: Nullable(Type.Integer()),
});

export const TicketSlaSchema = Type.Object({
  policyId: Nullable(Type.Integer()),
  policyName: Nullable(Type.String()),
  pinned: Type.Boolean(),
  computedAt: IsoTime,
  firstResponseDueAt: Nullable(IsoTime),
  nextResponseDueAt: Nullable(IsoTime),
  resolutionDueAt: Nullable(IsoTime),
  breached: Type.Boolean(),
  clocks: Type.Array(SlaClockSchema),
});

export const TicketLinkSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union(
    ticketLinkKinds.map((k) => Type.Literal(k)),
    {
      description: 'as stored: from parent_of / related / duplicate_of / caused_by to',
    },
  ),
  direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')]),
  role: Type.Union(
    ticketLinkRoles.map((r) => Type.Literal(r)),
    {
      description:
        'what the other ticket is to this one: parent, child, related, duplicate_of, duplicated_by, …',
    },
  ),
  ticket: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    status: StatusSchema,
    mergedIntoId: Nullable(Type.Integer()),
  }),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
});
/** A custom field's value: text, date (YYYY-MM-DD) and choice as a string, number and user id as a number. */
export const FieldValueSchema = Type.Union([
  Type.String({ maxLength: 10_000 }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }),
  Type.Array(Type.Number(), { maxItems: 100 }),
]);

export const TicketSchema = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    description: Type.String(),
    type: TicketTypeSchema,
    status: StatusSchema,
    impact: LevelName,
    urgency: LevelName,
    priority: LevelName,
    priorityLevel: Type.Integer({ minimum: 1, maximum: 5 }),
    requesterId: Type.Integer(),
    categoryId: Nullable(Type.Integer()),
    assigneeId: Nullable(Type.Integer()),
    groupId: Nullable(Type.Integer()),
    relatedTicketId: Nullable(Type.Integer()),
    createdBy: Type.Integer(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    resolvedAt: Nullable(IsoTime),
    closedAt: Nullable(IsoTime),
    satisfaction: Nullable(Type.Integer()),
    satisfactionComment: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    watcherIds: Type.Array(Type.Integer()),
    allowedTransitions: Type.Array(StatusSchema),
    mergedIntoId: Nullable(
      Type.Integer({ description: 'the ticket this one was merged into (it is closed and read-only)' }),
    ),
    /** The single-ticket read: its links from both ends. */
    links: Type.Optional(Type.Array(TicketLinkSchema)),
    requestTypeId: Nullable(Type.Integer()),
    /** Custom field values by key (attachment fields: the ticket's attachment ids). */
    fields: Type.Record(Type.String(), FieldValueSchema),
    /** Staff only: the SLA clocks (exact on the single-ticket read, as stored in lists). */
    sla: Type.Optional(TicketSlaSchema),
    externalRef: Nullable(
      Type.String({
        description: 'its number in the help desk it was imported from ("zammad 31004"); null if filed here',
      }),
    ),
  },
  { $id: 'Ticket' },
);

export const CommentSchema = Type.Object(
  {
    id: Type.Integer(),
    ticketId: Type.Integer(),
    authorId: Type.Integer(),
    body: Type.String(),
    internal: Type.Boolean(),
    createdAt: IsoTime,
    splitToTicketId: Nullable(Type.Integer({ description: 'the ticket this comment was split into' })),
  },
  { $id: 'Comment' },
);

export const HistorySchema = Type.Object(
  {
    id: Type.Integer(),
    ticketId: Type.Integer(),
    actorId: Nullable(Type.Integer()),
    at: IsoTime,
    field: Type.String(),
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    visibility: Type.Union([Type.Literal('public'), Type.Literal('internal')], {
      description: 'public: the requester sees it too; internal: staff only',
    }),
  },
  { $id: 'HistoryEntry' },
);

export const AttachmentSchema = Type.Object(
  {
    id: Type.Integer(),
    ticketId: Type.Integer(),
    commentId: Nullable(Type.Integer()),
    filename: Type.String(),
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    sha256: Type.String(),
    uploadedBy: Type.Integer(),
    createdAt: IsoTime,
    url: Type.String(),
  },
  { $id: 'Attachment' },
);

export const GroupSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    memberIds: Type.Array(Type.Integer()),
    createdAt: IsoTime,
  },
  { $id: 'Group' },
);

export const CategorySchema = Type.Object(
  { id: Type.Integer(), name: Type.String(), description: Type.String() },
  { $id: 'Category' },
);

export const ApiTokenSchema = Type.Object(
  {
    id: Type.Integer(),
    userId: Type.Integer(),
    name: Type.String(),
    prefix: Type.String(),
    createdAt: IsoTime,
    expiresAt: Nullable(IsoTime),
    lastUsedAt: Nullable(IsoTime),
    revokedAt: Nullable(IsoTime),
  },
  { $id: 'ApiToken' },
);

export const sharedSchemas = [
  Problem,
  UserSchema,
  TicketSchema,
  CommentSchema,
  HistorySchema,
  AttachmentSchema,
  GroupSchema,
  CategorySchema,
  ApiTokenSchema,
];

export const Cursor = Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 25 });

export type UserView = Static<typeof UserSchema>;
export type TicketView = Static<typeof TicketSchema>;
