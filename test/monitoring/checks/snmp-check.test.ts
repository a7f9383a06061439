// The SNMP probe against Debian's snmpd, started by the test on a loopback UDP port with a temporary config
// holding a v2c community and a v3 user (authPriv, SHA/AES) in a temporary persistent directory: uptime,
// IF-MIB interfaces as counters, chosen OIDs, table walks, and the failures an operator meets (wrong
// community, wrong key, unknown user, missing OID, nothing listening).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckResult, type CheckSpec, runCheck } from '../../../src/monitoring/index.js';
import { freeUdpPort, type Peer, startPeer, type TempDir, tempDir, waitUntil } from './peers.js';

type SnmpSpec = Extract<CheckSpec, { kind: 'snmp' }>;
let dir: TempDir;
let snmpd: Peer;
let port = 0;
const community = 'opsdesk-ro';
const v3user = {
  name: 'opsv3',
  level: 'authPriv' as const,
  authProtocol: 'sha' as const,
  authKey: 'auth-pass-123',
  privProtocol: 'aes' as const,
  privKey: 'priv-pass-456',
};

function snmpCheck(spec: Partial<SnmpSpec>, timeoutMs = 2000): Promise<CheckResult> {
  const base: SnmpSpec =
    spec.version === '3'
      ? { kind: 'snmp', host: '127.0.0.1', port, version: '3', user: v3user }
      : { kind: 'snmp', host: '127.0.0.1', port, version: '2c', community };
  return runCheck({ ...base, ...spec } as SnmpSpec, { timeoutMs, now: Date.now });
}

beforeAll(async () => {
  dir = tempDir('snmpd');
  port = await freeUdpPort();
  const conf = join(dir.path, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      `rocommunity ${community} 127.0.0.1`,
      // An agent without ifXTable (old switches, many printers): 32-bit counters and ifDescr names.
      'view noIfX included .1',
      'view noIfX excluded .1.3.6.1.2.1.31',
      'rocommunity legacy 127.0.0.1 -V noIfX',
      `createUser ${v3user.name} SHA ${v3user.authKey} AES ${v3user.privKey}`,
      `rouser ${v3user.name} authpriv`,
      'sysName opsdesk-test-agent',
      'sysLocation rack 4',
      '',
    ].join('\n'),
  );
  snmpd = startPeer(
    'snmpd',
    ['-f', '-Lo', '-C', '-c', conf, '-M', '/dev/null', '-p', join(dir.path, 'pid'), `udp:127.0.0.1:${port}`],
    { SNMP_PERSISTENT_DIR: join(dir.path, 'persist') },
  );
  await waitUntil(async () => (await snmpCheck({}, 300)).ok, 10_000, 'snmpd', snmpd);
});

afterAll(async () => {
  await snmpd?.stop();
  dir?.remove();
});

function find(r: CheckResult, name: string, labels: Record<string, string> = {}) {
  return r.metrics.find(
    (m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
}

describe('SNMP check', () => {
  it('reads the system uptime over v2c (the default reading)', async () => {
    const r = await snmpCheck({});
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toMatch(/^up \d+m$/);
    expect(find(r, 'snmp_sys_uptime_seconds')?.value).toBeGreaterThanOrEqual(0);
  });

  it('reads every interface’s status and octet counters, which only grow', async () => {
    const first = await snmpCheck({ interfaces: true });
    expect(first.ok, first.message).toBe(true);
    expect(first.message).toMatch(/^\d+ interfaces \(\d+ up\)$/);
    const lo = find(first, 'snmp_if_oper_status', { ifName: 'lo' });
    expect(lo).toMatchObject({ value: 1, labels: { ifName: 'lo' } });
    expect(lo?.labels?.ifIndex).toMatch(/^\d+$/);
    const inBefore = find(first, 'snmp_if_in_octets_total', { ifName: 'lo' })?.value as number;
    expect(find(first, 'snmp_if_out_octets_total', { ifName: 'lo' })?.value).toBeGreaterThan(0);
    const second = await snmpCheck({ interfaces: true, uptime: false });
    // A counter, not a rate: never lower on the next read (snmpd caches the table for a few seconds).
    expect(find(second, 'snmp_if_in_octets_total', { ifName: 'lo' })?.value).toBeGreaterThanOrEqual(inBefore);
    expect(find(second, 'snmp_sys_uptime_seconds')).toBeUndefined();
  });

  it('falls back to ifDescr and the 32-bit counters on an agent without ifXTable', async () => {
    const r = await snmpCheck({ community: 'legacy', interfaces: true });
    expect(r.ok, r.message).toBe(true);
    const lo = find(r, 'snmp_if_in_octets_total', { ifName: 'lo' });
    expect(lo?.value).toBeGreaterThan(0);
    expect(lo?.value).toBeLessThan(2 ** 32);
    expect(find(r, 'snmp_if_oper_status', { ifName: 'lo' })?.value).toBe(1);
  });

  it('reads chosen OIDs as numbers, and text as a label', async () => {
    const r = await snmpCheck({
      uptime: false,
      oids: [
        { oid: '1.3.6.1.2.1.1.5.0', name: 'snmp_sys_name' },
        { oid: '1.3.6.1.2.1.2.1.0', name: 'snmp_if_number' },
      ],
    });
    expect(r.ok, r.message).toBe(true);
    expect(find(r, 'snmp_sys_name')).toEqual({
      name: 'snmp_sys_name',
      labels: { value: 'opsdesk-test-agent' },
      value: 1,
    });
    expect(find(r, 'snmp_if_number')?.value).toBeGreaterThan(0);
  });

  it('walks a table into one series per row', async () => {
    const r = await snmpCheck({ uptime: false, walks: [{ oid: '1.3.6.1.2.1.2.2.1.8', name: 'if_oper' }] });
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toMatch(/^if_oper: \d+ values$/);
    const rows = r.metrics.filter((m) => m.name === 'if_oper');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.labels?.index).toMatch(/^\d+$/);
  });

  it('reads over v3 with authPriv (SHA/AES)', async () => {
    const r = await snmpCheck({ version: '3', uptime: true, interfaces: true });
    expect(r.ok, r.message).toBe(true);
    expect(find(r, 'snmp_sys_uptime_seconds')).toBeDefined();
    expect(find(r, 'snmp_if_oper_status', { ifName: 'lo' })?.value).toBe(1);
  });

  it('says why it failed: wrong community, wrong key, unknown user, missing OID, nothing listening', async () => {
    expect(await snmpCheck({ community: 'guess' }, 500)).toMatchObject({
      ok: false,
      message: 'no SNMP answer within 450 ms (host down, port closed, or wrong community)',
      metrics: [],
    });
    const wrongKey = await snmpCheck({ version: '3', user: { ...v3user, authKey: 'not-the-key' } });
    expect(wrongKey).toMatchObject({
      ok: false,
      message: 'SNMPv3 authentication refused: wrong digest (auth key or protocol)',
    });
    const unknownUser = await snmpCheck({ version: '3', user: { ...v3user, name: 'nobody' } });
    expect(unknownUser).toMatchObject({
      ok: false,
      message: 'SNMPv3 authentication refused: Unknown User Name',
    });
    const missing = await snmpCheck({ oids: [{ oid: '1.3.6.1.2.1.1.99.0', name: 'nothing' }] });
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/^nothing \(1\.3\.6\.1\.2\.1\.1\.99\.0\): NoSuch(Object|Instance)/);
    const silent = await runCheck(
      { kind: 'snmp', host: '127.0.0.1', port: await freeUdpPort(), version: '2c', community },
      { timeoutMs: 500, now: Date.now },
    );
    expect(silent.ok).toBe(false);
    expect(silent.message).toMatch(/^(no SNMP answer within 450 ms|SNMP failed: .*ECONNREFUSED)/);
  });
});
