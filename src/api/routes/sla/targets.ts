// The shape of one SLA target (minutes on a business calendar, a warning, the statuses that pause it),
// shared by policies and group OLAs.
import { Type } from '@sinclair/typebox';
import { Id, Nullable, StatusSchema } from '../../schemas.js';

export const TargetBody = Type.Object({
  minutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
  calendarId: Type.Optional(Nullable(Id)),
  warnPercent: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 99 }))),
  pauseStatuses: Type.Optional(Type.Array(StatusSchema, { maxItems: 7 })),
});
export const TargetSchema = Type.Object({
  minutes: Type.Integer(),
  calendarId: Nullable(Type.Integer()),
  warnPercent: Nullable(Type.Integer()),
  pauseStatuses: Type.Array(StatusSchema),
});
