// The DNS probe against a real resolver: Debian's dnsmasq, started on a loopback port with local records of
// every type the test reads, asked through the spec's server; expected values compared after normalisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseExpected } from '../../../src/monitoring/checks/dns-check.js';
import { type CheckSpec, runCheck } from '../../../src/monitoring/index.js';
import { freeUdpPort, type Peer, startPeer, waitUntil } from './peers.js';

let server = '';
let dnsmasq: Peer;
const opts = { timeoutMs: 1500, now: Date.now };

function dns(spec: Omit<Extract<CheckSpec, { kind: 'dns' }>, 'kind' | 'server'>) {
  return runCheck({ kind: 'dns', server, ...spec }, opts);
}

beforeAll(async () => {
  const port = await freeUdpPort();
  server = `127.0.0.1:${port}`;
  dnsmasq = startPeer('dnsmasq', [
    '--no-daemon',
    '--no-resolv',
    '--no-hosts',
    '--conf-file=/dev/null',
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--pid-file=',
    '--user=root',
    '--local=/test/',
    '--address=/web.test/10.1.2.3',
    '--address=/web.test/fd00::1',
    '--host-record=target.test,10.9.9.9',
    '--cname=alias.test,target.test',
    '--mx-host=mail.test,mx1.mail.test,10',
    '--txt-record=txt.test,v=spf1 -all',
    '--srv-host=_http._tcp.srv.test,web.test,8080,1,5',
    '--ptr-record=3.2.1.10.in-addr.arpa,web.test',
  ]);
  await waitUntil(
    async () => (await dns({ name: 'web.test', recordType: 'A' })).ok,
    5000,
    'dnsmasq',
    dnsmasq,
  );
});

afterAll(async () => {
  await dnsmasq?.stop();
});

describe('DNS check', () => {
  it('reads each record type and matches the expected value after normalising it', async () => {
    const cases: [Extract<CheckSpec, { kind: 'dns' }>['recordType'], string, string][] = [
      ['A', 'web.test', '10.1.2.3'],
      ['AAAA', 'web.test', 'FD00:0:0:0:0:0:0:1'],
      ['CNAME', 'alias.test', 'Target.Test.'],
      ['MX', 'mail.test', '10 mx1.mail.test'],
      ['MX', 'mail.test', 'mx1.mail.test.'],
      ['TXT', 'txt.test', 'v=spf1 -all'],
      ['SRV', '_http._tcp.srv.test', '1 5 8080 web.test'],
      ['PTR', '3.2.1.10.in-addr.arpa', 'web.test'],
      ['PTR', '10.1.2.3', 'web.test'],
    ];
    for (const [recordType, name, expect_] of cases) {
      const r = await dns({ name, recordType, expect: expect_ });
      expect(r.ok, `${recordType} ${name}: ${r.message}`).toBe(true);
      expect(r.metrics).toEqual([{ name: 'probe_dns_answer_rrs', value: 1 }]);
    }
    expect((await dns({ name: 'web.test', recordType: 'A' })).message).toBe('A 10.1.2.3');
  });

  it('is down on a different value, a missing name and a missing type', async () => {
    expect(await dns({ name: 'web.test', recordType: 'A', expect: '10.1.2.4' })).toMatchObject({
      ok: false,
      message: 'A is 10.1.2.3, expected 10.1.2.4',
    });
    expect(await dns({ name: 'nope.test', recordType: 'A' })).toMatchObject({
      ok: false,
      message: 'name not found (NXDOMAIN)',
    });
    const noType = await dns({ name: 'txt.test', recordType: 'MX' });
    expect(noType.ok).toBe(false);
    expect(noType.message).toMatch(/^(no MX records for txt\.test|name not found \(NXDOMAIN\))$/);
  });

  it('reports a server that does not answer within the timeout', async () => {
    const silent = `127.0.0.1:${await freeUdpPort()}`;
    const r = await runCheck(
      { kind: 'dns', name: 'web.test', recordType: 'A', server: silent },
      { timeoutMs: 400, now: Date.now },
    );
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /^(no answer from the server|timed out after 400 ms|connection to the server refused)$/,
    );
  });

  it('normalises expectations per type', () => {
    expect(normaliseExpected('AAAA', '2001:0db8:0000::0001')).toBe('2001:db8::1');
    expect(normaliseExpected('NS', 'NS1.Example.ORG.')).toBe('ns1.example.org');
    expect(normaliseExpected('CAA', '0 issue "letsencrypt.org"')).toBe('issue letsencrypt.org');
    expect(normaliseExpected('SOA', 'ns1.example.org. hostmaster.example.org. 1 2 3 4 5')).toBe(
      'ns1.example.org',
    );
  });
});
