// The check form, for adding a check of any kind and for editing one: a kind picker, each kind's own fields
// (HTTP, TCP, ping, DNS, TLS, SNMP, heartbeat) and the schedule. The server validates; its problem+json errors
// are shown at the field they name (errors[].field, e.g. /spec/user/authKey). Secrets come back as the
// placeholder and are kept unless retyped; a new heartbeat check shows its push URL, which is answered only once.
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError } from '../../api/client';
import { type Check, useCreateCheck, useUpdateCheck } from '../../api/monitoring';
import {
  type CheckKind,
  type CheckSpec,
  checkKindLabels,
  checkKinds,
  dnsRecordTypes,
  heartbeatUrl,
  httpMethods,
  type SnmpSpec,
  secretPlaceholder,
  snmpAuthProtocols,
  snmpPrivProtocols,
  snmpSecurityLevels,
  specOf,
} from '../../api/monitoring-checks';
import { Field } from '../../ui/field';
import { ErrorMessage } from '../../ui/messages';
import '../../ui/monitoring-forms.css';

/** Every field of every kind as the form holds it: text as typed, switches as booleans. */
interface Draft {
  kind: CheckKind;
  name: string;
  url: string;
  method: string;
  body: string;
  headers: string;
  expectStatus: string;
  keyword: string;
  keywordAbsent: boolean;
  jsonPath: string;
  jsonEquals: string;
  maxLatencyMs: string;
  followRedirects: boolean;
  maxRedirects: string;
  verifyTls: boolean;
  host: string;
  port: string;
  count: string;
  maxLossPercent: string;
  dnsName: string;
  recordType: string;
  server: string;
  expect: string;
  servername: string;
  minDaysLeft: string;
  version: '2c' | '3';
  community: string;
  userName: string;
  level: string;
  authProtocol: string;
  authKey: string;
  privProtocol: string;
  privKey: string;
  uptime: boolean;
  interfaces: boolean;
  oids: string;
  walks: string;
  graceSeconds: string;
  interval: string;
  timeout: string;
  retries: string;
  enabled: boolean;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const pairLines = (list: { oid: string; name: string }[] | undefined) =>
  (list ?? []).map((o) => `${o.oid} ${o.name}`).join('\n');

function blankDraft(kind: CheckKind): Draft {
  return {
    kind,
    name: defaultName(kind),
    url: '',
    method: 'GET',
    body: '',
    headers: '',
    expectStatus: '',
    keyword: '',
    keywordAbsent: false,
    jsonPath: '',
    jsonEquals: '',
    maxLatencyMs: '',
    followRedirects: true,
    maxRedirects: '',
    verifyTls: true,
    host: '',
    port: '',
    count: '',
    maxLossPercent: '',
    dnsName: '',
    recordType: 'A',
    server: '',
    expect: '',
    servername: '',
    minDaysLeft: '',
    version: '2c',
    community: '',
    userName: '',
    level: 'authPriv',
    authProtocol: 'sha256',
    authKey: '',
    privProtocol: 'aes',
    privKey: '',
    uptime: true,
    interfaces: false,
    oids: '',
    walks: '',
    graceSeconds: '',
    interval: '60',
    timeout: '10',
    retries: '0',
    enabled: true,
  };
}

function defaultName(kind: CheckKind): string {
  return {
    http: 'HTTP',
    tcp: 'TCP',
    ping: 'Ping',
    dns: 'DNS',
    tls: 'TLS',
    snmp: 'SNMP',
    heartbeat: 'Heartbeat',
  }[kind];
}

function draftOf(check: Check): Draft {
  const d = {
    ...blankDraft(check.kind as CheckKind),
    name: check.name,
    interval: String(check.intervalSeconds),
    timeout: String(check.timeoutSeconds),
    retries: String(check.retries),
    enabled: check.enabled,
  };
  const s = specOf(check);
  switch (s.kind) {
    case 'http':
      return {
        ...d,
        url: s.url,
        method: s.method ?? 'GET',
        body: text(s.body),
        headers: Object.entries(s.headers ?? {})
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
        expectStatus: (s.expectStatus ?? []).join(', '),
        keyword: text(s.keyword),
        keywordAbsent: s.keywordAbsent === true,
        jsonPath: text(s.jsonPath),
        jsonEquals: text(s.jsonEquals),
        maxLatencyMs: text(s.maxLatencyMs),
        followRedirects: s.followRedirects !== false,
        maxRedirects: text(s.maxRedirects),
        verifyTls: s.verifyTls !== false,
      };
    case 'tcp':
      return { ...d, host: s.host, port: text(s.port) };
    case 'ping':
      return { ...d, host: s.host, count: text(s.count), maxLossPercent: text(s.maxLossPercent) };
    case 'dns':
      return {
        ...d,
        dnsName: s.name,
        recordType: s.recordType,
        server: text(s.server),
        expect: text(s.expect),
      };
    case 'tls':
      return {
        ...d,
        host: s.host,
        port: text(s.port),
        servername: text(s.servername),
        minDaysLeft: text(s.minDaysLeft),
        verifyTls: s.verifyTls !== false,
      };
    case 'snmp':
      return {
        ...d,
        host: s.host,
        port: text(s.port),
        version: s.version,
        community: text(s.community),
        userName: text(s.user?.name),
        level: s.user?.level ?? d.level,
        authProtocol: s.user?.authProtocol ?? d.authProtocol,
        authKey: text(s.user?.authKey),
        privProtocol: s.user?.privProtocol ?? d.privProtocol,
        privKey: text(s.user?.privKey),
        uptime: s.uptime === true,
        interfaces: s.interfaces === true,
        oids: pairLines(s.oids),
        walks: pairLines(s.walks),
      };
    case 'heartbeat':
      return { ...d, graceSeconds: text(s.graceSeconds) };
  }
}

/** A number as typed; what is not one goes to the server as typed, so its message lands at the field. */
function num(v: string): number | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return (Number.isFinite(n) ? n : t) as number;
}
const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

function headersOf(lines: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of lines.split('\n')) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    out[name] = colon < 0 ? '' : line.slice(colon + 1).trim();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function pairsOf(lines: string): { oid: string; name: string }[] | undefined {
  const out = lines
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [oid = '', ...rest] = l.split(/\s+/);
      return { oid, name: rest.join('_') };
    });
  return out.length > 0 ? out : undefined;
}

/** Only the fields that were given: an empty field means the server's default. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function specFromDraft(d: Draft): CheckSpec {
  switch (d.kind) {
    case 'http':
      return defined({
        kind: 'http',
        url: d.url.trim(),
        method: d.method === 'GET' ? undefined : (d.method as 'HEAD' | 'POST'),
        body: d.method === 'POST' && d.body !== '' ? d.body : undefined,
        headers: headersOf(d.headers),
        expectStatus: d.expectStatus.trim() ? d.expectStatus.split(/[\s,]+/).filter(Boolean) : undefined,
        keyword: opt(d.keyword),
        keywordAbsent: d.keywordAbsent || undefined,
        jsonPath: opt(d.jsonPath),
        jsonEquals: d.jsonPath.trim() || d.jsonEquals ? d.jsonEquals : undefined,
        maxLatencyMs: num(d.maxLatencyMs),
        // true is the default: only a change from it is sent.
        followRedirects: d.followRedirects ? undefined : false,
        maxRedirects: d.followRedirects ? num(d.maxRedirects) : undefined,
        verifyTls: d.verifyTls ? undefined : false,
      });
    case 'tcp':
      return { kind: 'tcp', host: d.host.trim(), port: num(d.port) as number };
    case 'ping':
      return defined({
        kind: 'ping',
        host: d.host.trim(),
        count: num(d.count),
        maxLossPercent: num(d.maxLossPercent),
      });
    case 'dns':
      return defined({
        kind: 'dns',
        name: d.dnsName.trim(),
        recordType: d.recordType as (typeof dnsRecordTypes)[number],
        server: opt(d.server),
        expect: opt(d.expect),
      });
    case 'tls':
      return defined({
        kind: 'tls',
        host: d.host.trim(),
        port: num(d.port),
        servername: opt(d.servername),
        minDaysLeft: num(d.minDaysLeft),
        verifyTls: d.verifyTls ? undefined : false,
      });
    case 'snmp': {
      const level = d.level as NonNullable<SnmpSpec['user']>['level'];
      const auth = level !== 'noAuthNoPriv';
      const priv = level === 'authPriv';
      return defined({
        kind: 'snmp',
        host: d.host.trim(),
        port: num(d.port),
        version: d.version,
        community: d.version === '2c' ? d.community : undefined,
        user:
          d.version === '3'
            ? defined({
                name: d.userName.trim(),
                level,
                authProtocol: auth ? (d.authProtocol as (typeof snmpAuthProtocols)[number]) : undefined,
                authKey: auth ? d.authKey : undefined,
                privProtocol: priv ? (d.privProtocol as (typeof snmpPrivProtocols)[number]) : undefined,
                privKey: priv ? d.privKey : undefined,
              })
            : undefined,
        uptime: d.uptime || undefined,
        interfaces: d.interfaces || undefined,
        oids: pairsOf(d.oids),
        walks: pairsOf(d.walks),
      });
    }
    case 'heartbeat':
      return defined({ kind: 'heartbeat', graceSeconds: num(d.graceSeconds) });
  }
}

/**
 * The server's messages for a field and the fields under it ("/spec/oids" gathers "/spec/oids/2/name"), with
 * what lies under it named: a list's line number, a header's name.
 */
export function errorsAt(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages = error.fields.flatMap((f) => {
    const field = f.field.replace(/^body(?=\/)/, '');
    if (field === path) return [f.message];
    if (!field.startsWith(`${path}/`)) return [];
    const rest = field
      .slice(path.length + 1)
      .replace(/^(\d+)(?=\/|$)/, (n) => `line ${Number(n) + 1}`)
      .replace('/', ' ');
    return [`${rest}: ${f.message}`];
  });
  return messages.length > 0 ? messages.join('; ') : undefined;
}

type SetField = <K extends keyof Draft>(key: K, value: Draft[K]) => void;

interface FieldsProps {
  d: Draft;
  set: SetField;
  error: unknown;
}

/** A text or number input bound to a draft field, with the server's message for its spec path. */
function Input({
  d,
  set,
  error,
  name,
  label,
  path,
  hint,
  type = 'text',
  required,
  placeholder,
  short,
}: FieldsProps & {
  name: keyof Draft;
  label: string;
  path: string;
  hint?: string;
  type?: 'text' | 'number' | 'url' | 'password';
  required?: boolean;
  placeholder?: string;
  short?: boolean;
}) {
  return (
    <Field label={label} hint={hint} error={errorsAt(error, path)}>
      {(id, describedBy, invalid) => (
        <input
          id={id}
          type={type}
          className={short ? 'short' : undefined}
          required={required}
          placeholder={placeholder}
          autoComplete={type === 'password' ? 'new-password' : 'off'}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          value={d[name] as string}
          onChange={(e) => set(name, e.target.value as never)}
        />
      )}
    </Field>
  );
}

function Choice<T extends string>({
  d,
  set,
  error,
  name,
  label,
  path,
  options,
  labels,
}: FieldsProps & {
  name: keyof Draft;
  label: string;
  path: string;
  options: readonly T[];
  labels?: Partial<Record<T, string>>;
}) {
  return (
    <Field label={label} error={errorsAt(error, path)}>
      {(id, describedBy, invalid) => (
        <select
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          value={d[name] as string}
          onChange={(e) => set(name, e.target.value as never)}
        >
          {options.map((o) => (
            <option key={o} value={o}>
              {labels?.[o] ?? o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Switch({
  d,
  set,
  name,
  children,
}: Omit<FieldsProps, 'error'> & { name: keyof Draft; children: ReactNode }) {
  return (
    <label className="inline check-form-switch">
      <input
        type="checkbox"
        checked={d[name] as boolean}
        onChange={(e) => set(name, e.target.checked as never)}
      />
      <span>{children}</span>
    </label>
  );
}

function Lines({
  d,
  set,
  error,
  name,
  label,
  path,
  hint,
  placeholder,
}: FieldsProps & { name: keyof Draft; label: string; path: string; hint: string; placeholder?: string }) {
  return (
    <Field label={label} hint={hint} error={errorsAt(error, path)}>
      {(id, describedBy, invalid) => (
        <textarea
          id={id}
          rows={3}
          spellCheck={false}
          placeholder={placeholder}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          value={d[name] as string}
          onChange={(e) => set(name, e.target.value as never)}
        />
      )}
    </Field>
  );
}

const secretHint = (d: string) =>
  d === secretPlaceholder ? 'Stored; kept unless you type a new one.' : undefined;

function HttpFields(p: FieldsProps) {
  const { d } = p;
  return (
    <>
      <div className="field-row">
        <Input
          {...p}
          name="url"
          label="URL"
          path="/spec/url"
          type="url"
          required
          placeholder="https://example.com/health"
        />
        <Choice {...p} name="method" label="Method" path="/spec/method" options={httpMethods} />
        <Input
          {...p}
          name="expectStatus"
          label="Expected status"
          path="/spec/expectStatus"
          hint="Codes or ranges, e.g. 200-299, 301; empty: 200-399"
        />
      </div>
      {d.method === 'POST' && (
        <Field label="Request body" error={errorsAt(p.error, '/spec/body')}>
          {(id, describedBy, invalid) => (
            <textarea
              id={id}
              rows={3}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={d.body}
              onChange={(e) => p.set('body', e.target.value)}
            />
          )}
        </Field>
      )}
      <div className="field-row">
        <Input
          {...p}
          name="keyword"
          label="Keyword"
          path="/spec/keyword"
          hint="The page must contain this text"
        />
        <Input
          {...p}
          name="jsonPath"
          label="JSON field"
          path="/spec/jsonPath"
          hint="A dot path, e.g. status.db or items[0].ok"
        />
        <Input
          {...p}
          name="jsonEquals"
          label="JSON value"
          path="/spec/jsonEquals"
          hint="The field must equal this"
        />
      </div>
      <div className="check-form-switches">
        <Switch {...p} name="keywordAbsent">
          Down when the keyword is present
        </Switch>
        <Switch {...p} name="followRedirects">
          Follow redirects
        </Switch>
        <Switch {...p} name="verifyTls">
          Verify the TLS certificate
        </Switch>
      </div>
      <div className="field-row check-form-compact">
        <Input
          {...p}
          name="maxLatencyMs"
          label="Latency threshold (ms)"
          path="/spec/maxLatencyMs"
          type="number"
          hint="Slower is down"
        />
        {d.followRedirects && (
          <Input
            {...p}
            name="maxRedirects"
            label="At most redirects"
            path="/spec/maxRedirects"
            type="number"
            hint="Empty: 10"
          />
        )}
      </div>
      <Lines
        {...p}
        name="headers"
        label="Request headers"
        path="/spec/headers"
        hint={`One a line, "Name: value". Credentials show as ${secretPlaceholder} and are kept unless retyped.`}
        placeholder="Authorization: Bearer …"
      />
    </>
  );
}

function SnmpFields(p: FieldsProps) {
  const { d } = p;
  const auth = d.level !== 'noAuthNoPriv';
  const priv = d.level === 'authPriv';
  return (
    <>
      <div className="field-row">
        <Input
          {...p}
          name="host"
          label="Host"
          path="/spec/host"
          required
          placeholder="switch-01.example.com"
        />
        <Input {...p} name="port" label="Port" path="/spec/port" type="number" hint="Empty: 161" />
        <Choice
          {...p}
          name="version"
          label="SNMP version"
          path="/spec/version"
          options={['2c', '3'] as const}
          labels={{ '2c': 'v2c (community)', '3': 'v3 (user)' }}
        />
      </div>
      {d.version === '2c' ? (
        <div className="field-row">
          <Input
            {...p}
            name="community"
            label="Community"
            path="/spec/community"
            type="password"
            required
            hint={secretHint(d.community)}
          />
        </div>
      ) : (
        <>
          <div className="field-row">
            <Input {...p} name="userName" label="User" path="/spec/user/name" required />
            <Choice
              {...p}
              name="level"
              label="Security level"
              path="/spec/user/level"
              options={snmpSecurityLevels}
              labels={{
                noAuthNoPriv: 'No authentication',
                authNoPriv: 'Authentication',
                authPriv: 'Authentication and privacy',
              }}
            />
          </div>
          {errorsAt(p.error, '/spec/user') && !d.userName && (
            <p className="field-error">{errorsAt(p.error, '/spec/user')}</p>
          )}
          {auth && (
            <div className="field-row">
              <Choice
                {...p}
                name="authProtocol"
                label="Authentication protocol"
                path="/spec/user/authProtocol"
                options={snmpAuthProtocols}
              />
              <Input
                {...p}
                name="authKey"
                label="Authentication passphrase"
                path="/spec/user/authKey"
                type="password"
                required
                hint={secretHint(d.authKey) ?? '8 characters or more'}
              />
            </div>
          )}
          {priv && (
            <div className="field-row">
              <Choice
                {...p}
                name="privProtocol"
                label="Privacy protocol"
                path="/spec/user/privProtocol"
                options={snmpPrivProtocols}
              />
              <Input
                {...p}
                name="privKey"
                label="Privacy passphrase"
                path="/spec/user/privKey"
                type="password"
                required
                hint={secretHint(d.privKey) ?? '8 characters or more'}
              />
            </div>
          )}
        </>
      )}
      <fieldset className="plain-fieldset">
        <legend>What to read</legend>
        <div className="check-form-switches">
          <Switch {...p} name="uptime">
            Uptime (sysUpTime)
          </Switch>
          <Switch {...p} name="interfaces">
            Interface status and traffic
          </Switch>
        </div>
        <div className="field-row">
          <Lines
            {...p}
            name="oids"
            label="OIDs"
            path="/spec/oids"
            hint="One a line: the OID, then a metric name"
            placeholder="1.3.6.1.2.1.1.5.0 sys_name"
          />
          <Lines
            {...p}
            name="walks"
            label="Table walks"
            path="/spec/walks"
            hint="One a line: the table's OID, then a metric name"
            placeholder="1.3.6.1.2.1.25.3.3.1.2 cpu_load"
          />
        </div>
      </fieldset>
    </>
  );
}

function KindFields(p: FieldsProps) {
  const { d } = p;
  switch (d.kind) {
    case 'http':
      return <HttpFields {...p} />;
    case 'tcp':
      return (
        <div className="field-row">
          <Input {...p} name="host" label="Host" path="/spec/host" required placeholder="db-01.example.com" />
          <Input {...p} name="port" label="Port" path="/spec/port" type="number" required />
        </div>
      );
    case 'ping':
      return (
        <div className="field-row">
          <Input {...p} name="host" label="Host" path="/spec/host" required placeholder="10.0.0.1" />
          <Input {...p} name="count" label="Echo requests" path="/spec/count" type="number" hint="Empty: 3" />
          <Input
            {...p}
            name="maxLossPercent"
            label="Most loss (%)"
            path="/spec/maxLossPercent"
            type="number"
            hint="Empty: down only when none answers"
          />
        </div>
      );
    case 'dns':
      return (
        <div className="field-row">
          <Input
            {...p}
            name="dnsName"
            label="Name to look up"
            path="/spec/name"
            required
            placeholder="www.example.com"
          />
          <Choice
            {...p}
            name="recordType"
            label="Record type"
            path="/spec/recordType"
            options={dnsRecordTypes}
          />
          <Input
            {...p}
            name="expect"
            label="Expected value"
            path="/spec/expect"
            hint="One of the answers must equal this"
          />
          <Input
            {...p}
            name="server"
            label="DNS server"
            path="/spec/server"
            hint="host[:port]; empty: the system's resolver"
          />
        </div>
      );
    case 'tls':
      return (
        <>
          <div className="field-row">
            <Input {...p} name="host" label="Host" path="/spec/host" required placeholder="example.com" />
            <Input {...p} name="port" label="Port" path="/spec/port" type="number" hint="Empty: 443" />
            <Input
              {...p}
              name="minDaysLeft"
              label="Warn days before expiry"
              path="/spec/minDaysLeft"
              type="number"
              hint="Down with fewer days left; empty: 14"
            />
            <Input
              {...p}
              name="servername"
              label="Server name (SNI)"
              path="/spec/servername"
              hint="Empty: the host"
            />
          </div>
          <div className="check-form-switches">
            <Switch {...p} name="verifyTls">
              Verify the chain and name
            </Switch>
          </div>
        </>
      );
    case 'snmp':
      return <SnmpFields {...p} />;
    case 'heartbeat':
      return (
        <>
          <p className="hint check-form-note">
            A job calls the check's push URL (GET or POST) each time it runs; no call within the interval and
            the grace is a failure. The URL is shown once, when the check is added.
          </p>
          <div className="field-row check-form-compact">
            <Input
              {...p}
              name="graceSeconds"
              label="Grace (seconds)"
              path="/spec/graceSeconds"
              type="number"
              hint="Extra time before a late beat counts; empty: 0"
            />
          </div>
        </>
      );
  }
}

/** The push URL of a heartbeat check just added: shown this once, ready to copy. */
function PushUrl({ token, name }: { token: string; name: string }) {
  return (
    <div className="alert alert-ok" role="status">
      <Field
        label={`Push URL of ${name}`}
        hint="Shown this once: copy it into the job now. Call it with GET or POST."
      >
        {(id, describedBy) => (
          <input
            id={id}
            readOnly
            value={heartbeatUrl(token)}
            aria-describedby={describedBy}
            onFocus={(e) => e.target.select()}
          />
        )}
      </Field>
    </div>
  );
}

/** Add a check to a target (no `check`), or edit one (its kind stays: the server refuses another). */
export function CheckForm({
  targetId,
  check,
  onClose,
}: {
  targetId: number;
  check?: Check;
  onClose?: () => void;
}) {
  const [d, setDraft] = useState<Draft>(() => (check ? draftOf(check) : blankDraft('http')));
  const [added, setAdded] = useState<{ token: string; name: string } | null>(null);
  const create = useCreateCheck((c) => {
    setAdded(c.heartbeatToken ? { token: c.heartbeatToken, name: c.name } : null);
    setDraft((x) => ({
      ...blankDraft(x.kind),
      interval: x.interval,
      timeout: x.timeout,
      retries: x.retries,
    }));
  });
  const update = useUpdateCheck(check?.id ?? 0, onClose);
  const mutation = check ? update : create;
  const error = mutation.error;
  const set: SetField = (key, value) => setDraft((x) => ({ ...x, [key]: value }));
  const pickKind = (kind: CheckKind) => {
    // Another kind's errors and push URL say nothing about this one.
    create.reset();
    setAdded(null);
    setDraft((x) => ({
      ...blankDraft(kind),
      // A name the user typed stays; the default follows the kind.
      name: x.name === defaultName(x.kind) ? defaultName(kind) : x.name,
      interval: x.interval,
      timeout: x.timeout,
      retries: x.retries,
    }));
  };
  const heartbeat = d.kind === 'heartbeat';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const interval = num(d.interval) as number;
    const body = {
      name: d.name.trim(),
      spec: specFromDraft(d) as Check['spec'],
      intervalSeconds: interval,
      // A heartbeat is pushed, nothing waits for it: its timeout is only kept within the interval.
      timeoutSeconds: heartbeat
        ? Math.max(1, Math.min(num(d.timeout) as number, interval || 1))
        : (num(d.timeout) as number),
      retries: num(d.retries) ?? 0,
    };
    if (check) update.mutate({ ...body, enabled: d.enabled });
    else create.mutate({ targetId, body });
  };
  const title = check ? `Edit ${check.name}` : 'Add a check';
  const p = { d, set, error };
  return (
    <form className={check ? 'form check-form' : 'card form check-form'} onSubmit={submit} aria-label={title}>
      {!check && (
        <h3 id="add-check" className="flush">
          Add a check
        </h3>
      )}
      <div className="field-row">
        {check ? (
          <Field
            label="Kind"
            hint="A check keeps its kind: add a new check for another."
            error={errorsAt(error, '/spec/kind')}
          >
            {(id, describedBy) => (
              <input id={id} readOnly value={checkKindLabels[d.kind]} aria-describedby={describedBy} />
            )}
          </Field>
        ) : (
          <Field label="Kind" error={errorsAt(error, '/spec/kind')}>
            {(id) => (
              <select id={id} value={d.kind} onChange={(e) => pickKind(e.target.value as CheckKind)}>
                {checkKinds.map((k) => (
                  <option key={k} value={k}>
                    {checkKindLabels[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Input {...p} name="name" label="Check name" path="/name" required />
      </div>
      <KindFields {...p} />
      <fieldset className="plain-fieldset">
        <legend>Schedule</legend>
        <div className="field-row">
          <Input
            {...p}
            name="interval"
            label={heartbeat ? 'Beat expected every (seconds)' : 'Every (seconds)'}
            path="/intervalSeconds"
            type="number"
            required
          />
          {!heartbeat && (
            <Input
              {...p}
              name="timeout"
              label="Timeout (seconds)"
              path="/timeoutSeconds"
              type="number"
              required
              hint="At most the interval"
            />
          )}
          <Input
            {...p}
            name="retries"
            label="Retries"
            path="/retries"
            type="number"
            hint="Failures in a row tolerated before it is down"
          />
        </div>
        {check && (
          <Switch d={d} set={set} name="enabled">
            Enabled (unchecked: paused)
          </Switch>
        )}
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {check ? 'Save check' : 'Add check'}
        </button>
        {onClose && (
          <button type="button" className="ghost" onClick={onClose}>
            Cancel
          </button>
        )}
      </div>
      <ErrorMessage error={error} title={check ? 'Not saved.' : 'Not added.'} />
      {added && <PushUrl {...added} />}
    </form>
  );
}
