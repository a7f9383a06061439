// What a valid check spec is: the TypeBox schema of the CheckSpec union for the API (secrets marked writeOnly),
// the precise validation every entry point runs (`checkSpecProblems`, field by field, never throws), and the
// redaction that keeps SNMP keys, communities, URL passwords and auth headers out of every response.
import { isIP } from 'node:net';
import { type Static, type TLiteral, Type } from '@sinclair/typebox';
import type { FieldError } from '../../core/errors.js';
import { type CheckSpec, checkKinds } from '../check-model.js';
import { isValidMetricName } from '../metric-model.js';

export const checkSpecLimits = {
  urlLength: 2000,
  headers: 50,
  headerValueLength: 4096,
  bodyBytes: 64 * 1024,
  keywordLength: 1000,
  jsonPathLength: 200,
  jsonEqualsLength: 1000,
  statusRanges: 20,
  maxLatencyMs: 600_000,
  maxRedirects: 20,
  pingCount: 20,
  minDaysLeft: 3650,
  graceSeconds: 7 * 86_400,
  snmpSecretLength: 255,
  snmpOids: 100,
  snmpWalks: 20,
  dnsExpectLength: 1000,
} as const;

/** What a response holds in place of a secret; sent back unchanged on an update, it keeps the stored secret. */
export const secretPlaceholder = '********';

export const httpMethods = ['GET', 'HEAD', 'POST'] as const;
export const dnsRecordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'PTR', 'SOA', 'CAA'] as const;
export const snmpSecurityLevels = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
export const snmpAuthProtocols = ['md5', 'sha', 'sha256', 'sha512'] as const;
export const snmpPrivProtocols = ['des', 'aes', 'aes256b', 'aes256r'] as const;

// RFC 1123 host names (underscores tolerated: internal names carry them), or an IP literal.
const hostLabel = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const hostNameRe = new RegExp(`^(?=.{1,253}\\.?$)${hostLabel}(?:\\.${hostLabel})*\\.?$`);
const headerNameRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
// A header value may hold visible ASCII, spaces, tabs and obs-text, never CR, LF or NUL (request smuggling).
const headerValueRe = /^[\t\x20-\x7e\x80-\xff]*$/;
const statusRangeRe = /^([1-5][0-9]{2})(?:-([1-5][0-9]{2}))?$/;
const oidRe = /^\.?[0-2](?:\.(?:0|[1-9][0-9]{0,9}))+$/;
const jsonPathRe = /^[^.[\]]+(?:\[\d+\])*(?:\.[^.[\]]+(?:\[\d+\])*)*$/;
/** Header names whose values are credentials: redacted in responses. */
const secretHeaderRe = /^(?:authorization|proxy-authorization|cookie)$|token|secret|password|api-?key|auth/i;

export function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || hostNameRe.test(host);
}

export function isSecretHeader(name: string): boolean {
  return secretHeaderRe.test(name);
}

/** A resolver "host[:port]" ("[v6]:port" for IPv6 with a port), split; null when malformed. */
export function parseServerAddress(server: string): { host: string; port: number } | null {
  let host = server;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
    if (isIP(host) !== 6) return null;
  } else if (isIP(server) === 6) {
    host = server;
  } else {
    const colon = server.lastIndexOf(':');
    if (colon >= 0) {
      host = server.slice(0, colon);
      const p = server.slice(colon + 1);
      if (!/^\d{1,5}$/.test(p)) return null;
      port = Number(p);
    }
    if (!isValidHost(host)) return null;
  }
  if (port < 1 || port > 65_535) return null;
  return { host, port };
}

/** Parse "200-299" / "404" into an inclusive range; null when malformed. */
export function parseStatusRange(range: string): [number, number] | null {
  const m = statusRangeRe.exec(range);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to ? [from, to] : null;
}

// ---- the TypeBox schema (the API's contract; checkSpecProblems adds what JSON Schema cannot say) ----

const Host = Type.String({ minLength: 1, maxLength: 253, description: 'a host name or an IP address' });
const Port = Type.Integer({ minimum: 1, maximum: 65_535 });
const secret = (description: string, minLength = 1) =>
  Type.String({
    minLength,
    maxLength: checkSpecLimits.snmpSecretLength,
    writeOnly: true,
    description: `${description}; a secret: responses show "${secretPlaceholder}", which an update may send back to keep it`,
  });
const MetricName = Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$', maxLength: 200 });
const Oid = Type.String({
  pattern: oidRe.source,
  maxLength: 200,
  description: 'a numeric OID, e.g. 1.3.6.1.2.1.1.5.0',
});
const literalUnion = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)) as TLiteral<T[number]>[],
    description === undefined ? {} : { description },
  );

const HttpSpecSchema = Type.Object(
  {
    kind: Type.Literal('http'),
    url: Type.String({ minLength: 1, maxLength: checkSpecLimits.urlLength, description: 'an http(s) URL' }),
    method: Type.Optional(literalUnion(httpMethods)),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: headerNameRe.source }), Type.String({ maxLength: 4096 }), {
        description: `request headers; values of credential headers (Authorization, Cookie, *token*, *key*…) are secrets shown as "${secretPlaceholder}"`,
      }),
    ),
    body: Type.Optional(Type.String({ maxLength: checkSpecLimits.bodyBytes, description: 'sent with POST' })),
    expectStatus: Type.Optional(
      Type.Array(Type.String({ pattern: statusRangeRe.source }), {
        minItems: 1,
        maxItems: checkSpecLimits.statusRanges,
        description: 'accepted status codes, e.g. ["200-299", "301"]; default 200-399',
      }),
    ),
    keyword: Type.Optional(Type.String({ minLength: 1, maxLength: checkSpecLimits.keywordLength })),
    keywordAbsent: Type.Optional(Type.Boolean()),
    jsonPath: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: checkSpecLimits.jsonPathLength,
        description: 'e.g. status.db or items[0].ok',
      }),
    ),
    jsonEquals: Type.Optional(Type.String({ maxLength: checkSpecLimits.jsonEqualsLength })),
    maxLatencyMs: Type.Optional(Type.Integer({ minimum: 1, maximum: checkSpecLimits.maxLatencyMs })),
    followRedirects: Type.Optional(Type.Boolean({ description: 'default true' })),
    maxRedirects: Type.Optional(Type.Integer({ minimum: 0, maximum: checkSpecLimits.maxRedirects })),
    verifyTls: Type.Optional(Type.Boolean({ description: 'default true' })),
  },
  { additionalProperties: false },
);

const TcpSpecSchema = Type.Object(
  { kind: Type.Literal('tcp'), host: Host, port: Port },
  { additionalProperties: false },
);

const PingSpecSchema = Type.Object(
  {
    kind: Type.Literal('ping'),
    host: Host,
    count: Type.Optional(
      Type.Integer({ minimum: 1, maximum: checkSpecLimits.pingCount, description: 'default 3' }),
    ),
    maxLossPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

const DnsSpecSchema = Type.Object(
  {
    kind: Type.Literal('dns'),
    name: Host,
    recordType: literalUnion(dnsRecordTypes),
    server: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'host[:port], [v6]:port' }),
    ),
    expect: Type.Optional(Type.String({ minLength: 1, maxLength: checkSpecLimits.dnsExpectLength })),
  },
  { additionalProperties: false },
);

const TlsSpecSchema = Type.Object(
  {
    kind: Type.Literal('tls'),
    host: Host,
    port: Type.Optional(Port),
    servername: Type.Optional(Host),
    minDaysLeft: Type.Optional(
      Type.Number({ minimum: 0, maximum: checkSpecLimits.minDaysLeft, description: 'default 14' }),
    ),
    verifyTls: Type.Optional(Type.Boolean({ description: 'default true' })),
  },
  { additionalProperties: false },
);

const SnmpSpecSchema = Type.Object(
  {
    kind: Type.Literal('snmp'),
    host: Host,
    port: Type.Optional(Port),
    version: literalUnion(['2c', '3'] as const),
    community: Type.Optional(secret('the v2c community')),
    user: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 32 }),
          level: literalUnion(snmpSecurityLevels),
          authProtocol: Type.Optional(literalUnion(snmpAuthProtocols)),
          authKey: Type.Optional(secret('the authentication passphrase (8 characters or more)', 8)),
          privProtocol: Type.Optional(literalUnion(snmpPrivProtocols)),
          privKey: Type.Optional(secret('the privacy passphrase (8 characters or more)', 8)),
        },
        { additionalProperties: false },
      ),
    ),
    uptime: Type.Optional(
      Type.Boolean({ description: 'read sysUpTime (the default when nothing else is chosen)' }),
    ),
    interfaces: Type.Optional(
      Type.Boolean({ description: 'IF-MIB status and octet counters of every interface' }),
    ),
    oids: Type.Optional(
      Type.Array(Type.Object({ oid: Oid, name: MetricName }, { additionalProperties: false }), {
        maxItems: checkSpecLimits.snmpOids,
      }),
    ),
    walks: Type.Optional(
      Type.Array(Type.Object({ oid: Oid, name: MetricName }, { additionalProperties: false }), {
        maxItems: checkSpecLimits.snmpWalks,
      }),
    ),
  },
  { additionalProperties: false },
);

const HeartbeatSpecSchema = Type.Object(
  {
    kind: Type.Literal('heartbeat'),
    graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: checkSpecLimits.graceSeconds })),
  },
  { additionalProperties: false },
);

/** The CheckSpec union as the API accepts and returns it (responses pass through redactCheckSpec first). */
export const checkSpecSchema = Type.Union(
  [
    HttpSpecSchema,
    TcpSpecSchema,
    PingSpecSchema,
    DnsSpecSchema,
    TlsSpecSchema,
    SnmpSpecSchema,
    HeartbeatSpecSchema,
  ],
  { description: 'what to check; the kind picks the probe' },
);
export type CheckSpecInput = Static<typeof checkSpecSchema>;
// Keep the schema and the model in step: a field added to one kind and not the other breaks the build here.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type KindAgrees<K extends CheckSpec['kind']> = Mutual<
  keyof Extract<CheckSpecInput, { kind: K }>,
  keyof Extract<CheckSpec, { kind: K }>
> &
  Mutual<Extract<CheckSpecInput, { kind: K }>, Extract<CheckSpec, { kind: K }>>;
const schemaMatchesModel: { [K in CheckSpec['kind']]: KindAgrees<K> } = {
  http: true,
  tcp: true,
  ping: true,
  dns: true,
  tls: true,
  snmp: true,
  heartbeat: true,
};
void schemaMatchesModel;

// ---- validation ----

type Problems = FieldError[];
type Obj = Record<string, unknown>;

const allowedFields: Record<CheckSpec['kind'], readonly string[]> = {
  http: Object.keys(HttpSpecSchema.properties),
  tcp: Object.keys(TcpSpecSchema.properties),
  ping: Object.keys(PingSpecSchema.properties),
  dns: Object.keys(DnsSpecSchema.properties),
  tls: Object.keys(TlsSpecSchema.properties),
  snmp: Object.keys(SnmpSpecSchema.properties),
  heartbeat: Object.keys(HeartbeatSpecSchema.properties),
};

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function text(
  p: Problems,
  o: Obj,
  key: string,
  path: string,
  opts: { required?: boolean; min?: number; max: number },
): string | undefined {
  const v = own(o, key);
  if (v === undefined) {
    if (opts.required) p.push({ field: path, message: 'is required' });
    return undefined;
  }
  if (typeof v !== 'string') {
    p.push({ field: path, message: 'must be text' });
    return undefined;
  }
  if (v.length < (opts.min ?? 1)) {
    p.push({
      field: path,
      message: opts.min && opts.min > 1 ? `must be ${opts.min} characters or more` : 'must not be empty',
    });
    return undefined;
  }
  if (v.length > opts.max) {
    p.push({ field: path, message: `must be at most ${opts.max} characters` });
    return undefined;
  }
  return v;
}

function integer(p: Problems, o: Obj, key: string, path: string, min: number, max: number, required = false) {
  const v = own(o, key);
  if (v === undefined) {
    if (required) p.push({ field: path, message: 'is required' });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    p.push({ field: path, message: `must be a whole number from ${min} to ${max}` });
    return undefined;
  }
  return v;
}

function number(p: Problems, o: Obj, key: string, path: string, min: number, max: number) {
  const v = own(o, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    p.push({ field: path, message: `must be a number from ${min} to ${max}` });
    return undefined;
  }
  return v;
}

function boolean(p: Problems, o: Obj, key: string, path: string) {
  const v = own(o, key);
  if (v !== undefined && typeof v !== 'boolean') p.push({ field: path, message: 'must be true or false' });
}

function oneOf<T extends string>(
  p: Problems,
  o: Obj,
  key: string,
  path: string,
  values: readonly T[],
  required = false,
): T | undefined {
  const v = own(o, key);
  if (v === undefined) {
    if (required) p.push({ field: path, message: `is required: one of ${values.join(', ')}` });
    return undefined;
  }
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    p.push({ field: path, message: `must be one of ${values.join(', ')}` });
    return undefined;
  }
  return v as T;
}

function host(p: Problems, o: Obj, key: string, path: string, required = true) {
  const v = text(p, o, key, path, { required, max: 253 });
  if (v !== undefined && !isValidHost(v))
    p.push({ field: path, message: 'must be a host name or an IP address' });
}

function secretText(p: Problems, o: Obj, key: string, path: string, min: number, required: boolean) {
  const v = text(p, o, key, path, { required, min, max: checkSpecLimits.snmpSecretLength });
  if (v === secretPlaceholder)
    p.push({
      field: path,
      message: `"${secretPlaceholder}" stands for a stored secret; give the secret itself`,
    });
  return v;
}

function unknownFields(p: Problems, o: Obj, allowed: readonly string[], prefix: string) {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) p.push({ field: `${prefix}/${k}`, message: 'is not a field of this check' });
  }
}

function httpProblems(p: Problems, s: Obj) {
  const url = text(p, s, 'url', '/url', { required: true, max: checkSpecLimits.urlLength });
  if (url !== undefined) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch (err) {
      p.push({ field: '/url', message: `is not a URL (${(err as Error).message})` });
    }
    if (parsed) {
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        p.push({ field: '/url', message: 'must start with http:// or https://' });
      else if (parsed.hostname === '') p.push({ field: '/url', message: 'must name a host' });
      if (decodeURIComponent(parsed.password) === secretPlaceholder)
        p.push({ field: '/url', message: `its password "${secretPlaceholder}" stands for a stored secret` });
    }
  }
  const method = oneOf(p, s, 'method', '/method', httpMethods);
  const headers = own(s, 'headers');
  if (headers !== undefined) {
    if (!isObject(headers))
      p.push({ field: '/headers', message: 'must be an object of header names to values' });
    else {
      const names = Object.keys(headers);
      if (names.length > checkSpecLimits.headers)
        p.push({ field: '/headers', message: `must hold at most ${checkSpecLimits.headers} headers` });
      const seen = new Set<string>();
      for (const name of names.slice(0, checkSpecLimits.headers)) {
        const path = `/headers/${name}`;
        const value = headers[name];
        if (!headerNameRe.test(name)) p.push({ field: path, message: 'is not a valid header name' });
        else if (seen.has(name.toLowerCase()))
          p.push({ field: path, message: 'is given twice (header names ignore case)' });
        seen.add(name.toLowerCase());
        if (typeof value !== 'string') p.push({ field: path, message: 'must be text' });
        else if (value.length > checkSpecLimits.headerValueLength)
          p.push({ field: path, message: `must be at most ${checkSpecLimits.headerValueLength} characters` });
        else if (!headerValueRe.test(value))
          p.push({ field: path, message: 'must not hold line breaks or control characters' });
        else if (value === secretPlaceholder && isSecretHeader(name))
          p.push({
            field: path,
            message: `"${secretPlaceholder}" stands for a stored secret; give the value itself`,
          });
      }
    }
  }
  const body = own(s, 'body');
  if (body !== undefined) {
    if (typeof body !== 'string') p.push({ field: '/body', message: 'must be text' });
    else if (Buffer.byteLength(body) > checkSpecLimits.bodyBytes)
      p.push({ field: '/body', message: `must be at most ${checkSpecLimits.bodyBytes} bytes` });
    else if ((method ?? 'GET') !== 'POST')
      p.push({ field: '/body', message: 'is sent only with method POST' });
  }
  const expect = own(s, 'expectStatus');
  if (expect !== undefined) {
    if (!Array.isArray(expect) || expect.length === 0 || expect.length > checkSpecLimits.statusRanges)
      p.push({
        field: '/expectStatus',
        message: `must be a list of 1 to ${checkSpecLimits.statusRanges} status ranges such as "200-299"`,
      });
    else
      expect.forEach((r, i) => {
        if (typeof r !== 'string' || parseStatusRange(r) === null)
          p.push({
            field: `/expectStatus/${i}`,
            message: 'must be a status code (100-599) or a range such as "200-299"',
          });
      });
  }
  text(p, s, 'keyword', '/keyword', { max: checkSpecLimits.keywordLength });
  boolean(p, s, 'keywordAbsent', '/keywordAbsent');
  if (own(s, 'keywordAbsent') === true && own(s, 'keyword') === undefined)
    p.push({ field: '/keyword', message: 'is required when keywordAbsent is set' });
  const jsonPath = text(p, s, 'jsonPath', '/jsonPath', { max: checkSpecLimits.jsonPathLength });
  if (jsonPath !== undefined && !jsonPathRe.test(jsonPath))
    p.push({ field: '/jsonPath', message: 'must be a dot path such as status.db or items[0].ok' });
  const jsonEquals = own(s, 'jsonEquals');
  if (jsonEquals !== undefined) {
    if (typeof jsonEquals !== 'string') p.push({ field: '/jsonEquals', message: 'must be text' });
    else if (jsonEquals.length > checkSpecLimits.jsonEqualsLength)
      p.push({
        field: '/jsonEquals',
        message: `must be at most ${checkSpecLimits.jsonEqualsLength} characters`,
      });
    if (own(s, 'jsonPath') === undefined)
      p.push({ field: '/jsonPath', message: 'is required with jsonEquals' });
  }
  if (jsonPath !== undefined && jsonEquals === undefined)
    p.push({ field: '/jsonEquals', message: 'is required with jsonPath' });
  if (method === 'HEAD' && (own(s, 'keyword') !== undefined || jsonPath !== undefined))
    p.push({ field: '/method', message: 'HEAD has no body to look for a keyword or a JSON field in' });
  integer(p, s, 'maxLatencyMs', '/maxLatencyMs', 1, checkSpecLimits.maxLatencyMs);
  boolean(p, s, 'followRedirects', '/followRedirects');
  integer(p, s, 'maxRedirects', '/maxRedirects', 0, checkSpecLimits.maxRedirects);
  boolean(p, s, 'verifyTls', '/verifyTls');
}

function snmpProblems(p: Problems, s: Obj) {
  host(p, s, 'host', '/host');
  integer(p, s, 'port', '/port', 1, 65_535);
  const version = oneOf(p, s, 'version', '/version', ['2c', '3'] as const, true);
  secretText(p, s, 'community', '/community', 1, version === '2c');
  const user = own(s, 'user');
  if (version === '2c' && user !== undefined)
    p.push({ field: '/user', message: 'is for SNMPv3; v2c uses a community' });
  if (version === '3' && own(s, 'community') !== undefined)
    p.push({ field: '/community', message: 'is for SNMPv2c; v3 uses a user' });
  if (user === undefined) {
    if (version === '3') p.push({ field: '/user', message: 'is required for SNMPv3' });
  } else if (!isObject(user)) p.push({ field: '/user', message: 'must be an object' });
  else {
    unknownFields(p, user, Object.keys(SnmpSpecSchema.properties.user.properties), '/user');
    text(p, user, 'name', '/user/name', { required: true, max: 32 });
    const level = oneOf(p, user, 'level', '/user/level', snmpSecurityLevels, true);
    const needsAuth = level === 'authNoPriv' || level === 'authPriv';
    const needsPriv = level === 'authPriv';
    oneOf(p, user, 'authProtocol', '/user/authProtocol', snmpAuthProtocols, needsAuth);
    secretText(p, user, 'authKey', '/user/authKey', 8, needsAuth);
    oneOf(p, user, 'privProtocol', '/user/privProtocol', snmpPrivProtocols, needsPriv);
    secretText(p, user, 'privKey', '/user/privKey', 8, needsPriv);
    if (level === 'noAuthNoPriv')
      for (const k of ['authProtocol', 'authKey', 'privProtocol', 'privKey'])
        if (own(user, k) !== undefined)
          p.push({ field: `/user/${k}`, message: 'is not used at level noAuthNoPriv' });
    if (level === 'authNoPriv')
      for (const k of ['privProtocol', 'privKey'])
        if (own(user, k) !== undefined)
          p.push({ field: `/user/${k}`, message: 'is not used at level authNoPriv' });
  }
  boolean(p, s, 'uptime', '/uptime');
  boolean(p, s, 'interfaces', '/interfaces');
  const names = new Set<string>();
  for (const [key, max] of [
    ['oids', checkSpecLimits.snmpOids],
    ['walks', checkSpecLimits.snmpWalks],
  ] as const) {
    const list = own(s, key);
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > max) {
      p.push({ field: `/${key}`, message: `must be a list of at most ${max} {oid, name}` });
      continue;
    }
    list.forEach((item, i) => {
      const path = `/${key}/${i}`;
      if (!isObject(item)) {
        p.push({ field: path, message: 'must be an object {oid, name}' });
        return;
      }
      unknownFields(p, item, ['oid', 'name'], path);
      const oid = text(p, item, 'oid', `${path}/oid`, { required: true, max: 200 });
      if (oid !== undefined && !oidRe.test(oid))
        p.push({ field: `${path}/oid`, message: 'must be a numeric OID such as 1.3.6.1.2.1.1.5.0' });
      const name = text(p, item, 'name', `${path}/name`, { required: true, max: 200 });
      if (name !== undefined) {
        if (!isValidMetricName(name) || name.startsWith('__'))
          p.push({ field: `${path}/name`, message: 'must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' });
        else if (names.has(name)) p.push({ field: `${path}/name`, message: 'is used twice' });
        names.add(name);
      }
    });
  }
}

function kindProblems(p: Problems, kind: CheckSpec['kind'], s: Obj) {
  switch (kind) {
    case 'http':
      return httpProblems(p, s);
    case 'tcp':
      host(p, s, 'host', '/host');
      integer(p, s, 'port', '/port', 1, 65_535, true);
      return;
    case 'ping':
      host(p, s, 'host', '/host');
      integer(p, s, 'count', '/count', 1, checkSpecLimits.pingCount);
      number(p, s, 'maxLossPercent', '/maxLossPercent', 0, 100);
      return;
    case 'dns': {
      host(p, s, 'name', '/name');
      oneOf(p, s, 'recordType', '/recordType', dnsRecordTypes, true);
      const server = text(p, s, 'server', '/server', { max: 300 });
      if (server !== undefined && parseServerAddress(server) === null)
        p.push({
          field: '/server',
          message: 'must be host[:port] (an IPv6 address with a port as [addr]:port)',
        });
      text(p, s, 'expect', '/expect', { max: checkSpecLimits.dnsExpectLength });
      return;
    }
    case 'tls':
      host(p, s, 'host', '/host');
      integer(p, s, 'port', '/port', 1, 65_535);
      host(p, s, 'servername', '/servername', false);
      number(p, s, 'minDaysLeft', '/minDaysLeft', 0, checkSpecLimits.minDaysLeft);
      boolean(p, s, 'verifyTls', '/verifyTls');
      return;
    case 'snmp':
      return snmpProblems(p, s);
    case 'heartbeat':
      integer(p, s, 'graceSeconds', '/graceSeconds', 0, checkSpecLimits.graceSeconds);
      return;
  }
}

/**
 * Every problem of a spec, field by field (JSON-pointer paths such as "/user/authKey"); empty when valid. Takes
 * anything (a request body, a stored row) and never throws.
 */
export function checkSpecProblems(spec: unknown): FieldError[] {
  const p: Problems = [];
  if (!isObject(spec)) return [{ field: '', message: 'must be an object with a kind' }];
  const kind = own(spec, 'kind');
  if (typeof kind !== 'string' || !(checkKinds as readonly string[]).includes(kind)) {
    return [{ field: '/kind', message: `must be one of ${checkKinds.join(', ')}` }];
  }
  const k = kind as CheckSpec['kind'];
  unknownFields(p, spec, allowedFields[k], '');
  kindProblems(p, k, spec);
  return p;
}

/** The spec if valid, else null: for a caller that already reported the problems. */
export function isValidCheckSpec(spec: unknown): spec is CheckSpec {
  return checkSpecProblems(spec).length === 0;
}

// ---- secrets ----

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = secretPlaceholder;
    return u.toString();
  } catch {
    // Not a URL: nothing parseable to redact, and a stored spec was validated; keep it as it is.
    return url;
  }
}

/** A copy with every secret (SNMP community and keys, credential headers, a URL's password) replaced by the placeholder. */
export function redactCheckSpec(spec: CheckSpec): CheckSpec {
  switch (spec.kind) {
    case 'http': {
      const out = { ...spec, url: redactUrl(spec.url) };
      if (spec.headers) {
        out.headers = Object.fromEntries(
          Object.entries(spec.headers).map(([k, v]) => [k, isSecretHeader(k) ? secretPlaceholder : v]),
        );
      }
      return out;
    }
    case 'snmp': {
      const out = { ...spec };
      if (spec.community !== undefined) out.community = secretPlaceholder;
      if (spec.user) {
        out.user = { ...spec.user };
        if (spec.user.authKey !== undefined) out.user.authKey = secretPlaceholder;
        if (spec.user.privKey !== undefined) out.user.privKey = secretPlaceholder;
      }
      return out;
    }
    default:
      return { ...spec };
  }
}

/**
 * An update's spec with each placeholder replaced by the stored secret it stands for (same kind, same field, and
 * for a URL the same user); a placeholder with nothing behind it stays, and checkSpecProblems then refuses it.
 */
export function restoreCheckSpecSecrets(next: CheckSpec, previous: CheckSpec | null): CheckSpec {
  if (!previous || previous.kind !== next.kind) return next;
  if (next.kind === 'http' && previous.kind === 'http') {
    const out = { ...next };
    try {
      const u = new URL(next.url);
      const old = new URL(previous.url);
      if (
        decodeURIComponent(u.password) === secretPlaceholder &&
        u.username === old.username &&
        old.password
      ) {
        u.password = old.password;
        out.url = u.toString();
      }
    } catch {
      // An unparseable URL keeps what was sent; validation reports it.
    }
    if (next.headers) {
      const oldHeaders = new Map(
        Object.entries(previous.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      );
      out.headers = Object.fromEntries(
        Object.entries(next.headers).map(([k, v]) => [
          k,
          v === secretPlaceholder ? (oldHeaders.get(k.toLowerCase()) ?? v) : v,
        ]),
      );
    }
    return out;
  }
  if (next.kind === 'snmp' && previous.kind === 'snmp') {
    const out = { ...next };
    if (next.community === secretPlaceholder && previous.community !== undefined)
      out.community = previous.community;
    if (next.user && previous.user && next.user.name === previous.user.name) {
      out.user = { ...next.user };
      if (next.user.authKey === secretPlaceholder && previous.user.authKey !== undefined)
        out.user.authKey = previous.user.authKey;
      if (next.user.privKey === secretPlaceholder && previous.user.privKey !== undefined)
        out.user.privKey = previous.user.privKey;
    }
    return out;
  }
  return next;
}
