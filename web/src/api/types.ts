// Names for the server's shapes, all taken from the generated schema (schema.d.ts): a renamed or retyped
// field on the server breaks the web app's build, not its users.
import type { components, paths } from './schema';

type Schemas = components['schemas'];
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type OkBody<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer A }
      ? JsonOf<A>
      : R extends { 202: infer A }
        ? JsonOf<A>
        : never
  : never;

/** The JSON body a route answers with on success. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = OkBody<paths[P][M]>;
/** The JSON body a route takes. */
export type RequestOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
/** The query parameters a route takes. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

export type User = Schemas['User'];
export type Role = User['role'];
export type Ticket = Schemas['Ticket'];
export type Status = Ticket['status'];
export type LevelName = Ticket['priority'];
export type TicketSla = NonNullable<Ticket['sla']>;
export type SlaClock = TicketSla['clocks'][number];
export type ClockTarget = SlaClock['target'];
export type SlaTargetName = Exclude<ClockTarget, 'ola'>;
export type Comment = Schemas['Comment'];
export type HistoryEntry = Schemas['HistoryEntry'];
export type Attachment = Schemas['Attachment'];
export type Group = Schemas['Group'];
export type Category = Schemas['Category'];
export type ApiToken = Schemas['ApiToken'];

export type Calendar = ResponseOf<'/api/v1/sla/calendars/{id}', 'get'>;
export type WorkingHours = Calendar['hours'][number];
export type Holiday = Calendar['holidays'][number];
export type SlaPolicy = ResponseOf<'/api/v1/sla/policies/{id}', 'get'>;
export type SlaConditions = SlaPolicy['conditions'];
export type SlaTarget = NonNullable<SlaPolicy['targets'][SlaTargetName]>;
export type EscalationLevel = SlaPolicy['levels'][number];
export type EscalationAction = EscalationLevel['actions'][number];
export type Ola = ResponseOf<'/api/v1/sla/olas', 'get'>['items'][number];
export type Escalation = ResponseOf<'/api/v1/tickets/{id}/escalations', 'post'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
