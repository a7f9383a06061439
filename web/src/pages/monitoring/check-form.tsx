// The check form, for adding a check of any kind and for editing one: a kind picker, each kind's own fields
// (HTTP, TCP, ping, DNS, TLS, SNMP, heartbeat) and the schedule. The server validates; its problem+json errors
// are shown at the field they name (errors[].field, e.g. /spec/user/authKey). Secrets come back as the
// placeholder and are kept unless retyped; a new heartbeat check shows its push URL, which is answered only once.
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { type Check, useCreateCheck, useNewHeartbeatToken, useUpdateCheck } from '../../api/monitoring';
import {
  type CheckKind,
  type CheckSpec,
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
import { t as translate } from '../../i18n';
import { Field } from '../../ui/field';
import { ErrorMessage } from '../../ui/messages';
import '../../ui/monitoring-forms.css';

/** A check kind in words ("HTTP(S) request"): monitoring-checks:kind.*, read when shown. */
export function checkKindLabel(kind: string): string {
  return (checkKinds as readonly string[]).includes(kind)
    ? translate(`monitoring-checks:kind.${kind}`)
    : kind;
}

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
      .replace(/^(\d+)(?=\/|$)/, (n) => translate('monitoring-checks:errors.line', { line: Number(n) + 1 }))
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
  d === secretPlaceholder ? translate('monitoring-checks:hint.secretStored') : undefined;

function HttpFields(p: FieldsProps) {
  const { t } = useTranslation('monitoring-checks');
  const { d } = p;
  return (
    <>
      <div className="field-row">
        <Input
          {...p}
          name="url"
          label={t('field.url')}
          path="/spec/url"
          type="url"
          required
          placeholder="https://example.com/health" // i18n-ignore: an example address
        />
        <Choice {...p} name="method" label={t('field.method')} path="/spec/method" options={httpMethods} />
        <Input
          {...p}
          name="expectStatus"
          label={t('field.expectStatus')}
          path="/spec/expectStatus"
          hint={t('hint.expectStatus')}
        />
      </div>
      {d.method === 'POST' && (
        <Field label={t('field.body')} error={errorsAt(p.error, '/spec/body')}>
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
          label={t('field.keyword')}
          path="/spec/keyword"
          hint={t('hint.keyword')}
        />
        <Input
          {...p}
          name="jsonPath"
          label={t('field.jsonPath')}
          path="/spec/jsonPath"
          hint={t('hint.jsonPath')}
        />
        <Input
          {...p}
          name="jsonEquals"
          label={t('field.jsonEquals')}
          path="/spec/jsonEquals"
          hint={t('hint.jsonEquals')}
        />
      </div>
      <div className="check-form-switches">
        <Switch {...p} name="keywordAbsent">
          {t('switch.keywordAbsent')}
        </Switch>
        <Switch {...p} name="followRedirects">
          {t('switch.followRedirects')}
        </Switch>
        <Switch {...p} name="verifyTls">
          {t('switch.verifyTls')}
        </Switch>
      </div>
      <div className="field-row check-form-compact">
        <Input
          {...p}
          name="maxLatencyMs"
          label={t('field.maxLatencyMs')}
          path="/spec/maxLatencyMs"
          type="number"
          hint={t('hint.maxLatencyMs')}
        />
        {d.followRedirects && (
          <Input
            {...p}
            name="maxRedirects"
            label={t('field.maxRedirects')}
            path="/spec/maxRedirects"
            type="number"
            hint={t('hint.maxRedirects')}
          />
        )}
      </div>
      <Lines
        {...p}
        name="headers"
        label={t('field.headers')}
        path="/spec/headers"
        hint={t('hint.headers', { placeholder: secretPlaceholder })}
        placeholder="Authorization: Bearer …" // i18n-ignore: an example header
      />
    </>
  );
}

function SnmpFields(p: FieldsProps) {
  const { t } = useTranslation('monitoring-checks');
  const { d } = p;
  const auth = d.level !== 'noAuthNoPriv';
  const priv = d.level === 'authPriv';
  return (
    <>
      <div className="field-row">
        <Input
          {...p}
          name="host"
          label={t('field.host')}
          path="/spec/host"
          required
          placeholder="switch-01.example.com" // i18n-ignore: an example host
        />
        <Input
          {...p}
          name="port"
          label={t('field.port')}
          path="/spec/port"
          type="number"
          hint={t('hint.port161')}
        />
        <Choice
          {...p}
          name="version"
          label={t('field.snmpVersion')}
          path="/spec/version"
          options={['2c', '3'] as const}
          labels={{ '2c': t('snmp.v2c'), '3': t('snmp.v3') }}
        />
      </div>
      {d.version === '2c' ? (
        <div className="field-row">
          <Input
            {...p}
            name="community"
            label={t('field.community')}
            path="/spec/community"
            type="password"
            required
            hint={secretHint(d.community)}
          />
        </div>
      ) : (
        <>
          <div className="field-row">
            <Input {...p} name="userName" label={t('field.user')} path="/spec/user/name" required />
            <Choice
              {...p}
              name="level"
              label={t('field.level')}
              path="/spec/user/level"
              options={snmpSecurityLevels}
              labels={{
                noAuthNoPriv: t('snmp.noAuthNoPriv'),
                authNoPriv: t('snmp.authNoPriv'),
                authPriv: t('snmp.authPriv'),
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
                label={t('field.authProtocol')}
                path="/spec/user/authProtocol"
                options={snmpAuthProtocols}
              />
              <Input
                {...p}
                name="authKey"
                label={t('field.authKey')}
                path="/spec/user/authKey"
                type="password"
                required
                hint={secretHint(d.authKey) ?? t('hint.passphrase')}
              />
            </div>
          )}
          {priv && (
            <div className="field-row">
              <Choice
                {...p}
                name="privProtocol"
                label={t('field.privProtocol')}
                path="/spec/user/privProtocol"
                options={snmpPrivProtocols}
              />
              <Input
                {...p}
                name="privKey"
                label={t('field.privKey')}
                path="/spec/user/privKey"
                type="password"
                required
                hint={secretHint(d.privKey) ?? t('hint.passphrase')}
              />
            </div>
          )}
        </>
      )}
      <fieldset className="plain-fieldset">
        <legend>{t('snmp.read')}</legend>
        <div className="check-form-switches">
          <Switch {...p} name="uptime">
            {t('switch.uptime')}
          </Switch>
          <Switch {...p} name="interfaces">
            {t('switch.interfaces')}
          </Switch>
        </div>
        <div className="field-row">
          <Lines
            {...p}
            name="oids"
            label={t('field.oids')}
            path="/spec/oids"
            hint={t('hint.oids')}
            placeholder="1.3.6.1.2.1.1.5.0 sys_name" // i18n-ignore: an example OID
          />
          <Lines
            {...p}
            name="walks"
            label={t('field.walks')}
            path="/spec/walks"
            hint={t('hint.walks')}
            placeholder="1.3.6.1.2.1.25.3.3.1.2 cpu_load" // i18n-ignore: an example OID
          />
        </div>
      </fieldset>
    </>
  );
}

function KindFields(p: FieldsProps) {
  const { t } = useTranslation('monitoring-checks');
  const { d } = p;
  switch (d.kind) {
    case 'http':
      return <HttpFields {...p} />;
    case 'tcp':
      return (
        <div className="field-row">
          <Input
            {...p}
            name="host"
            label={t('field.host')}
            path="/spec/host"
            required
            placeholder="db-01.example.com" // i18n-ignore: an example host
          />
          <Input {...p} name="port" label={t('field.port')} path="/spec/port" type="number" required />
        </div>
      );
    case 'ping':
      return (
        <div className="field-row">
          <Input
            {...p}
            name="host"
            label={t('field.host')}
            path="/spec/host"
            required
            placeholder="10.0.0.1"
          />
          <Input
            {...p}
            name="count"
            label={t('field.count')}
            path="/spec/count"
            type="number"
            hint={t('hint.count')}
          />
          <Input
            {...p}
            name="maxLossPercent"
            label={t('field.maxLossPercent')}
            path="/spec/maxLossPercent"
            type="number"
            hint={t('hint.maxLossPercent')}
          />
        </div>
      );
    case 'dns':
      return (
        <div className="field-row">
          <Input
            {...p}
            name="dnsName"
            label={t('field.dnsName')}
            path="/spec/name"
            required
            placeholder="www.example.com" // i18n-ignore: an example name
          />
          <Choice
            {...p}
            name="recordType"
            label={t('field.recordType')}
            path="/spec/recordType"
            options={dnsRecordTypes}
          />
          <Input {...p} name="expect" label={t('field.expect')} path="/spec/expect" hint={t('hint.expect')} />
          <Input {...p} name="server" label={t('field.server')} path="/spec/server" hint={t('hint.server')} />
        </div>
      );
    case 'tls':
      return (
        <>
          <div className="field-row">
            <Input
              {...p}
              name="host"
              label={t('field.host')}
              path="/spec/host"
              required
              placeholder="example.com" // i18n-ignore: an example host
            />
            <Input
              {...p}
              name="port"
              label={t('field.port')}
              path="/spec/port"
              type="number"
              hint={t('hint.port443')}
            />
            <Input
              {...p}
              name="minDaysLeft"
              label={t('field.minDaysLeft')}
              path="/spec/minDaysLeft"
              type="number"
              hint={t('hint.minDaysLeft')}
            />
            <Input
              {...p}
              name="servername"
              label={t('field.servername')}
              path="/spec/servername"
              hint={t('hint.servername')}
            />
          </div>
          <div className="check-form-switches">
            <Switch {...p} name="verifyTls">
              {t('switch.verifyChain')}
            </Switch>
          </div>
        </>
      );
    case 'snmp':
      return <SnmpFields {...p} />;
    case 'heartbeat':
      return (
        <>
          <p className="hint check-form-note">{t('heartbeat.note')}</p>
          <div className="field-row check-form-compact">
            <Input
              {...p}
              name="graceSeconds"
              label={t('field.graceSeconds')}
              path="/spec/graceSeconds"
              type="number"
              hint={t('hint.graceSeconds')}
            />
          </div>
        </>
      );
  }
}

/** The push URL of a heartbeat check just added, or made anew: shown this once, ready to copy. */
function PushUrl({ token, name }: { token: string; name: string }) {
  const { t } = useTranslation('monitoring-checks');
  return (
    <div className="alert alert-ok" role="status">
      <Field label={t('pushUrl', { name })} hint={t('hint.pushUrl')}>
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
  const { t } = useTranslation('monitoring-checks');
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
  // A heartbeat check's push URL made anew (leaked, or a job that should no longer report): shown this once.
  const newToken = useNewHeartbeatToken(check?.id ?? 0);
  const makeNewPushUrl = () => {
    if (!check || !window.confirm(t('form.newPushUrlConfirm', { name: check.name }))) return;
    setAdded(null);
    newToken.mutate(undefined, {
      onSuccess: (r) => setAdded({ token: r.heartbeatToken, name: r.check.name }),
    });
  };
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
  const title = check ? t('form.edit', { name: check.name }) : t('form.add');
  const p = { d, set, error };
  return (
    <form className={check ? 'form check-form' : 'card form check-form'} onSubmit={submit} aria-label={title}>
      {!check && (
        <h3 id="add-check" className="flush">
          {t('form.add')}
        </h3>
      )}
      <div className="field-row">
        {check ? (
          <Field label={t('field.kind')} hint={t('hint.kindFixed')} error={errorsAt(error, '/spec/kind')}>
            {(id, describedBy) => (
              <input id={id} readOnly value={checkKindLabel(d.kind)} aria-describedby={describedBy} />
            )}
          </Field>
        ) : (
          <Field label={t('field.kind')} error={errorsAt(error, '/spec/kind')}>
            {(id) => (
              <select id={id} value={d.kind} onChange={(e) => pickKind(e.target.value as CheckKind)}>
                {checkKinds.map((k) => (
                  <option key={k} value={k}>
                    {checkKindLabel(k)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Input {...p} name="name" label={t('field.name')} path="/name" required />
      </div>
      <KindFields {...p} />
      <fieldset className="plain-fieldset">
        <legend>{t('form.schedule')}</legend>
        <div className="field-row">
          <Input
            {...p}
            name="interval"
            label={heartbeat ? t('field.beatInterval') : t('field.interval')}
            path="/intervalSeconds"
            type="number"
            required
          />
          {!heartbeat && (
            <Input
              {...p}
              name="timeout"
              label={t('field.timeout')}
              path="/timeoutSeconds"
              type="number"
              required
              hint={t('hint.timeout')}
            />
          )}
          <Input
            {...p}
            name="retries"
            label={t('field.retries')}
            path="/retries"
            type="number"
            hint={t('hint.retries')}
          />
        </div>
        {check && (
          <Switch d={d} set={set} name="enabled">
            {t('switch.enabled')}
          </Switch>
        )}
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {check ? t('form.save') : t('form.submit')}
        </button>
        {check?.kind === 'heartbeat' && (
          <button type="button" onClick={makeNewPushUrl} disabled={newToken.isPending}>
            {t('form.newPushUrl')}
          </button>
        )}
        {onClose && (
          <button type="button" className="ghost" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
        )}
      </div>
      <ErrorMessage error={error} title={check ? t('form.saveFailed') : t('form.addFailed')} />
      <ErrorMessage error={newToken.error} title={t('form.newPushUrlFailed')} />
      {added && <PushUrl {...added} />}
    </form>
  );
}
