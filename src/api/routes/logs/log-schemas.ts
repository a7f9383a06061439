// The log store's shapes at the HTTP edge, shared by search, the tail and ingest: a record as the API shows it,
// and the filter every read takes (search, histogram, tail), read into the domain's LogFilter.
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import { Invalid } from '../../../core/errors.js';
import {
  type LogFilter,
  type LogRecordView,
  logSearchLimits,
  parseLogQuery,
  parseSeverityFilter,
  severityNames,
} from '../../../logs/index.js';
import { Id, IsoTime, Nullable } from '../../schemas.js';

export const tags = ['logs'];

export const LogRecordSchema = Type.Object({
  id: Type.Integer({ description: 'insertion order: the cursor of search pages and of the tail' }),
  time: IsoTime,
  receivedAt: IsoTime,
  host: Nullable(Type.String()),
  app: Nullable(Type.String()),
  procId: Nullable(Type.String()),
  msgId: Nullable(Type.String()),
  severity: Type.Integer({ minimum: 0, maximum: 7 }),
  severityName: Type.String(),
  facility: Type.Integer({ minimum: 0, maximum: 23 }),
  message: Type.String(),
  structuredData: Nullable(Type.Record(Type.String(), Type.Record(Type.String(), Type.String()))),
  templateId: Type.String({
    description: "the record's pattern (the survivor, when its template was merged)",
  }),
  targetId: Nullable(Type.Integer()),
  source: Type.String(),
  peer: Nullable(Type.String()),
  truncated: Type.Boolean(),
});

export function recordView(r: LogRecordView) {
  return {
    ...r,
    time: toIso(r.time),
    receivedAt: toIso(r.receivedAt),
    severityName: severityNames[r.severity] ?? String(r.severity),
  };
}

const SetText = Type.String({
  minLength: 1,
  maxLength: 2_000,
  description: 'one value, or several separated by commas',
});

/** The filter's query fields (search, histogram and tail share them). */
export const filterFields = {
  q: Type.Optional(
    Type.String({
      maxLength: logSearchLimits.queryChars,
      description: 'words and "quoted phrases", all of which must be in the message (case-insensitive)',
    }),
  ),
  host: Type.Optional(SetText),
  app: Type.Optional(SetText),
  severity: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'a name or 0–7: that severity or worse ("err": 0–3); "=err,warning": exactly those',
    }),
  ),
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
  templateId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  targetId: Type.Optional(Id),
};

function setOf(text: string | undefined, field: string): string[] | undefined {
  if (text === undefined) return undefined;
  const values = [
    ...new Set(
      text
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  if (values.length === 0 || values.length > logSearchLimits.setValues)
    throw new Invalid('validation_failed', `${field}: 1 to ${logSearchLimits.setValues} values`, [
      {
        field: `querystring/${field}`,
        message: `1 to ${logSearchLimits.setValues} values, separated by commas`,
      },
    ]);
  return values;
}

export interface FilterQuery {
  q?: string;
  host?: string;
  app?: string;
  severity?: string;
  from?: string;
  to?: string;
  templateId?: string;
  targetId?: number;
}

/** The query's filter as the domain reads it; a bad value is a 400 naming its field. */
export function filterOf(query: FilterQuery): LogFilter {
  const filter: LogFilter = {};
  if (query.q?.trim()) {
    // Checked here (too many terms: a 400 naming q) so that the tail refuses it before its stream opens.
    parseLogQuery(query.q);
    filter.q = query.q;
  }
  const hosts = setOf(query.host, 'host');
  if (hosts) filter.hosts = hosts;
  const apps = setOf(query.app, 'app');
  if (apps) filter.apps = apps;
  if (query.severity !== undefined) {
    try {
      filter.severities = parseSeverityFilter(query.severity);
    } catch (err) {
      if (err instanceof Invalid)
        throw new Invalid('validation_failed', err.message, [
          { field: 'querystring/severity', message: 'a name or 0–7, or =a,b,…' },
        ]);
      throw err;
    }
  }
  if (query.from !== undefined) filter.from = Date.parse(query.from);
  if (query.to !== undefined) filter.to = Date.parse(query.to);
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to)
    throw new Invalid('validation_failed', 'to: must be after from', [
      { field: 'querystring/to', message: 'must be after from' },
    ]);
  if (query.templateId !== undefined) filter.templateId = query.templateId;
  if (query.targetId !== undefined) filter.targetId = query.targetId;
  return filter;
}
