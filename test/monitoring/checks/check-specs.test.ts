// Check spec validation, schema and secrets: precise problems per field, agreement between checkSpecProblems
// and the TypeBox schema the API uses, redaction of every secret and its restoration on update, and fuzzing
// (fast-check) that validation and runCheck never throw whatever they are handed.
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { varbindValue } from '../../../src/monitoring/checks/snmp-check.js';
import {
  type CheckSpec,
  checkKinds,
  checkSpecProblems,
  checkSpecSchema,
  redactCheckSpec,
  restoreCheckSpecSecrets,
  runCheck,
  secretPlaceholder,
} from '../../../src/monitoring/index.js';

const valid: CheckSpec[] = [
  { kind: 'http', url: 'https://status.example.org/health' },
  {
    kind: 'http',
    url: 'https://ops:pa55@api.example.org/v1/health?deep=1',
    method: 'POST',
    body: '{"probe":true}',
    headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', Accept: 'application/json' },
    expectStatus: ['200-299', '304'],
    jsonPath: 'checks[0].status',
    jsonEquals: 'pass',
    maxLatencyMs: 800,
    followRedirects: true,
    maxRedirects: 3,
    verifyTls: false,
  },
  { kind: 'http', url: 'http://intranet/', keyword: 'Error', keywordAbsent: true },
  { kind: 'tcp', host: 'db-1.internal', port: 5432 },
  { kind: 'tcp', host: '::1', port: 22 },
  { kind: 'ping', host: '10.0.0.1', count: 5, maxLossPercent: 20 },
  { kind: 'dns', name: '_ldap._tcp.corp.example', recordType: 'SRV', server: '[2001:db8::53]:5353' },
  { kind: 'dns', name: 'example.org', recordType: 'A', server: 'ns1.example.org', expect: '93.184.216.34' },
  { kind: 'tls', host: 'mail.example.org', port: 993, servername: 'imap.example.org', minDaysLeft: 21 },
  { kind: 'snmp', host: 'sw-core-1', version: '2c', community: 'public', interfaces: true },
  {
    kind: 'snmp',
    host: '192.0.2.10',
    port: 1161,
    version: '3',
    user: {
      name: 'mon',
      level: 'authPriv',
      authProtocol: 'sha256',
      authKey: 'authpass1',
      privProtocol: 'aes',
      privKey: 'privpass1',
    },
    uptime: true,
    oids: [{ oid: '1.3.6.1.2.1.33.1.2.4.0', name: 'ups_battery_charge_percent' }],
    walks: [{ oid: '.1.3.6.1.2.1.25.3.3.1.2', name: 'hr_processor_load' }],
  },
  { kind: 'snmp', host: 'printer', version: '3', user: { name: 'ro', level: 'noAuthNoPriv' } },
  { kind: 'heartbeat', graceSeconds: 60 },
  { kind: 'heartbeat' },
];

function problemsOf(spec: unknown): string[] {
  return checkSpecProblems(spec).map((p) => `${p.field} ${p.message}`);
}

describe('check spec validation', () => {
  it('accepts valid specs of every kind, as the API schema does', () => {
    for (const spec of valid) {
      expect(problemsOf(spec), JSON.stringify(spec)).toEqual([]);
      expect(Value.Check(checkSpecSchema, spec), JSON.stringify(spec)).toBe(true);
    }
  });

  it('names each problem by field', () => {
    expect(problemsOf(null)).toEqual([' must be an object with a kind']);
    expect(problemsOf({ kind: 'smtp' })).toEqual([`/kind must be one of ${checkKinds.join(', ')}`]);
    expect(problemsOf({ kind: 'tcp', host: '-oProxyCommand=x', port: 0, extra: 1 })).toEqual([
      '/extra is not a field of this check',
      '/host must be a host name or an IP address',
      '/port must be a whole number from 1 to 65535',
    ]);
    expect(
      problemsOf({ kind: 'http', url: 'ftp://x/', method: 'GET', body: 'x', expectStatus: ['2xx'] }),
    ).toEqual([
      '/url must start with http:// or https://',
      '/body is sent only with method POST',
      '/expectStatus/0 must be a status code (100-599) or a range such as "200-299"',
    ]);
    expect(
      problemsOf({ kind: 'http', url: 'http://x/', headers: { 'X-A': 'a\r\nInjected: 1' }, jsonEquals: 'y' }),
    ).toEqual([
      '/headers/X-A must not hold line breaks or control characters',
      '/jsonPath is required with jsonEquals',
    ]);
    expect(problemsOf({ kind: 'dns', name: 'example.org', recordType: 'ANY', server: 'ns1:99999' })).toEqual([
      '/recordType must be one of A, AAAA, CNAME, MX, TXT, NS, SRV, PTR, SOA, CAA',
      '/server must be host[:port] (an IPv6 address with a port as [addr]:port)',
    ]);
    expect(problemsOf({ kind: 'snmp', host: 'sw', version: '2c' })).toEqual(['/community is required']);
    expect(
      problemsOf({
        kind: 'snmp',
        host: 'sw',
        version: '3',
        user: { name: 'u', level: 'authPriv', authKey: 'short' },
      }),
    ).toEqual([
      '/user/authProtocol is required: one of md5, sha, sha256, sha512',
      '/user/authKey must be 8 characters or more',
      '/user/privProtocol is required: one of des, aes, aes256b, aes256r',
      '/user/privKey is required',
    ]);
    expect(
      problemsOf({
        kind: 'snmp',
        host: 'sw',
        version: '2c',
        community: 'c',
        oids: [{ oid: '1.3.6.x', name: 'a' }],
        walks: [{ oid: '1.3.6.1', name: 'a' }],
      }),
    ).toEqual(['/oids/0/oid must be a numeric OID such as 1.3.6.1.2.1.1.5.0', '/walks/0/name is used twice']);
  });

  it('never throws, and what it accepts the schema accepts (fuzzed)', async () => {
    const pool = fc.oneof(
      fc.anything(),
      fc.constantFrom(
        '127.0.0.1',
        'host.example',
        'http://127.0.0.1:1/',
        '200-299',
        'sha',
        'aes',
        'authPriv',
        '2c',
        '3',
        'A',
        'GET',
        'POST',
        '1.3.6.1.2.1.1.3.0',
        secretPlaceholder,
      ),
      fc.integer({ min: -10, max: 70_000 }),
      fc.boolean(),
      fc.array(
        fc.record({ oid: fc.constantFrom('1.3.6.1', 'x', ''), name: fc.constantFrom('m', 'a b', '') }),
      ),
      fc.dictionary(fc.string(), fc.string()),
    );
    const fields = [
      'url',
      'method',
      'headers',
      'body',
      'expectStatus',
      'keyword',
      'keywordAbsent',
      'jsonPath',
      'jsonEquals',
      'maxLatencyMs',
      'followRedirects',
      'maxRedirects',
      'verifyTls',
      'host',
      'port',
      'count',
      'maxLossPercent',
      'name',
      'recordType',
      'server',
      'expect',
      'servername',
      'minDaysLeft',
      'version',
      'community',
      'user',
      'uptime',
      'interfaces',
      'oids',
      'walks',
      'graceSeconds',
      '__proto__',
      'constructor',
    ];
    // Valid specs with one or two fields changed or removed: most stay near the edge of validity.
    const mutated = fc
      .tuple(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.constantFrom(...fields), fc.option(pool, { nil: undefined })), {
          minLength: 1,
          maxLength: 2,
        }),
      )
      .map(([base, edits]) => {
        const out: Record<string, unknown> = structuredClone(base) as unknown as Record<string, unknown>;
        for (const [field, value] of edits) {
          if (value === undefined) delete out[field];
          else out[field] = value;
        }
        return out;
      });
    const spec = fc.oneof(
      fc.anything(),
      mutated,
      fc
        .tuple(fc.constantFrom(...checkKinds, 'nope'), fc.dictionary(fc.constantFrom(...fields), pool))
        .map(([kind, rest]) => ({ ...rest, kind })),
    );
    fc.assert(
      fc.property(spec, (s) => {
        const problems = checkSpecProblems(s);
        expect(Array.isArray(problems)).toBe(true);
        for (const p of problems) {
          expect(typeof p.field).toBe('string');
          expect(typeof p.message).toBe('string');
        }
        if (problems.length === 0) expect(Value.Check(checkSpecSchema, s)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    // runCheck refuses an invalid spec in words, without probing anything and without throwing.
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        if (checkSpecProblems(s).length === 0) return;
        const r = await runCheck(s as CheckSpec, { timeoutMs: 100, now: Date.now });
        expect(r.ok).toBe(false);
        expect(r.message).toMatch(/^invalid check: /);
        expect(r.message).not.toContain('\n');
      }),
      { numRuns: 300 },
    );
  });
});

describe('check spec secrets', () => {
  it('redacts communities, keys, credential headers and URL passwords, and nothing else', () => {
    const [, http, , , , , , , , snmp2c, snmp3] = valid as [CheckSpec, ...CheckSpec[]];
    const h = redactCheckSpec(http as CheckSpec) as Extract<CheckSpec, { kind: 'http' }>;
    expect(h.url).toBe(
      `https://ops:${encodeURIComponent(secretPlaceholder)}@api.example.org/v1/health?deep=1`,
    );
    expect(h.headers).toEqual({
      Authorization: secretPlaceholder,
      'X-Api-Key': secretPlaceholder,
      Accept: 'application/json',
    });
    expect(h.body).toBe('{"probe":true}');
    expect(JSON.stringify(redactCheckSpec(snmp2c as CheckSpec))).not.toContain('public');
    const s3 = JSON.stringify(redactCheckSpec(snmp3 as CheckSpec));
    expect(s3).not.toContain('authpass1');
    expect(s3).not.toContain('privpass1');
    for (const spec of valid) {
      expect(Value.Check(checkSpecSchema, redactCheckSpec(spec))).toBe(true);
      // Redacting does not touch the stored spec.
      expect(checkSpecProblems(spec)).toEqual([]);
    }
  });

  it('restores the stored secrets an update sends back as placeholders; a bare placeholder is refused', () => {
    for (const spec of valid) {
      const roundTrip = restoreCheckSpecSecrets(redactCheckSpec(spec), spec);
      expect(roundTrip).toEqual(spec);
    }
    const snmp = valid[9] as CheckSpec;
    const fresh = redactCheckSpec(snmp);
    expect(problemsOf(restoreCheckSpecSecrets(fresh, null))).toEqual([
      `/community "${secretPlaceholder}" stands for a stored secret; give the secret itself`,
    ]);
    const http = valid[1] as CheckSpec;
    expect(problemsOf(redactCheckSpec(http))).toEqual([
      `/url its password "${secretPlaceholder}" stands for a stored secret`,
      `/headers/Authorization "${secretPlaceholder}" stands for a stored secret; give the value itself`,
      `/headers/X-Api-Key "${secretPlaceholder}" stands for a stored secret; give the value itself`,
    ]);
    // A changed user name does not inherit the old user's keys.
    const v3 = valid[10] as Extract<CheckSpec, { kind: 'snmp' }>;
    const renamed = {
      ...redactCheckSpec(v3),
      user: { ...(redactCheckSpec(v3) as typeof v3).user!, name: 'other' },
    };
    expect(problemsOf(restoreCheckSpecSecrets(renamed as CheckSpec, v3)).length).toBe(2);
  });
});

describe('runCheck', () => {
  it('answers a heartbeat spec: beats are pushed, not run', async () => {
    const r = await runCheck({ kind: 'heartbeat' }, { timeoutMs: 1000, now: Date.now });
    expect(r).toMatchObject({ ok: false, metrics: [] });
    expect(r.message).toMatch(/^heartbeat checks are pushed/);
  });

  it('takes SNMP 64-bit counters (bytes) and numeric strings as numbers', () => {
    expect(varbindValue({ oid: '1', type: 70, value: Buffer.from('0100000000', 'hex') })).toEqual({
      number: 2 ** 32,
    });
    expect(varbindValue({ oid: '1', type: 4, value: Buffer.from(' 23.5 ') })).toEqual({ number: 23.5 });
    expect(varbindValue({ oid: '1', type: 4, value: Buffer.from('eth0\u0000') })).toEqual({ text: 'eth0' });
    expect(varbindValue({ oid: '1', type: 128, value: null })).toBeNull();
  });
});
