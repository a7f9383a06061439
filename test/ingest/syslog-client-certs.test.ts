// Syslog over TLS with client certificates, over real sockets: openssl makes a CA, the listener's certificate, a
// sender's certificate and one from another CA; Debian's rsyslog (gtls driver) forwards with its certificate, and
// node:tls and `openssl s_client` connect with none or the wrong one. Required: only a sender whose certificate
// the CA signed is read; optional: a sender may present none, never an invalid one. Each refusal is counted, and
// nothing a refused sender wrote is stored. Also: TLS only (OPSDESK_SYSLOG_PLAIN=0) and the settings' validation.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { type SyslogListener, startSyslogListener } from '../../src/ingest/syslog.js';
import { freePort, listenerContext, MemorySink, run, until, waitForPort } from './syslog-sink.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-syslog-certs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

/** A CA (certificate and key) named `name`. */
async function makeCa(name: string): Promise<void> {
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '2', '-subj', `/CN=${name}`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
}

/** A certificate for `cn` signed by the CA `ca`, for a server (with a DNS name) or a client. */
async function makeLeaf(
  name: string,
  ca: string,
  cn: string,
  usage: 'serverAuth' | 'clientAuth',
): Promise<void> {
  const ext = file(`${name}.ext`);
  fs.writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      `extendedKeyUsage=${usage}`,
      ...(usage === 'serverAuth' ? [`subjectAltName=DNS:${cn}`] : []),
      '',
    ].join('\n'),
  );
  await run('openssl', [
    ...['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`],
  ]);
  await run('openssl', [
    ...['x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}.key`)],
    ...['-CAcreateserial', '-out', file(`${name}.pem`), '-days', '2', '-extfile', ext],
  ]);
}

beforeAll(async () => {
  await makeCa('ca');
  await makeCa('rogue-ca');
  await makeLeaf('server', 'ca', 'localhost', 'serverAuth');
  await makeLeaf('sender', 'ca', 'web1.example.net', 'clientAuth');
  await makeLeaf('intruder', 'rogue-ca', 'web1.example.net', 'clientAuth');
});

let listener: SyslogListener | null = null;
afterEach(async () => {
  await listener?.close();
  listener = null;
});

function tlsEnv(clientCerts?: 'required' | 'optional'): Record<string, string> {
  return {
    OPSDESK_SYSLOG_TLS_CERT: file('server.pem'),
    OPSDESK_SYSLOG_TLS_KEY: file('server.key'),
    OPSDESK_SYSLOG_TLS_PORT: '0',
    OPSDESK_SYSLOG_TLS_CLIENT_CA: file('ca.pem'),
    ...(clientCerts ? { OPSDESK_SYSLOG_TLS_CLIENT_CERTS: clientCerts } : {}),
  };
}

const frame = (app: string, i: number) => {
  const msg = `<14>1 2026-12-03T10:00:00.000Z web1 ${app} - - - message ${i}`;
  return `${Buffer.byteLength(msg)} ${msg}`;
};

/**
 * Connects with node:tls (optionally presenting a certificate), writes n frames and resolves when the connection
 * is over: closed by us after writing, or by the listener.
 */
async function sendWithNode(
  port: number,
  app: string,
  n: number,
  cert?: 'sender' | 'intruder',
): Promise<void> {
  const socket = tls.connect({
    port,
    host: '127.0.0.1',
    servername: 'localhost',
    ca: fs.readFileSync(file('ca.pem')),
    ...(cert
      ? { cert: fs.readFileSync(file(`${cert}.pem`)), key: fs.readFileSync(file(`${cert}.key`)) }
      : {}),
  });
  socket.on('error', () => {}); // a refused sender's connection is reset: that is the point
  await new Promise<void>((resolve) => {
    socket.once('secureConnect', resolve);
    socket.once('close', resolve);
  });
  if (!socket.destroyed) socket.end(Array.from({ length: n }, (_, i) => frame(app, i)).join(''));
  await new Promise<void>((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** `openssl s_client`, as an admin tries a listener by hand: sends one frame from stdin and exits at its end. */
async function sendWithOpenssl(port: number, app: string, cert?: 'sender' | 'intruder'): Promise<string> {
  const args = [
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-servername',
    'localhost',
    '-CAfile',
    file('ca.pem'),
  ];
  if (cert) args.push('-cert', file(`${cert}.pem`), '-key', file(`${cert}.key`));
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  child.stdin.on('error', () => {}); // the listener may have closed first
  child.stdin.end(`${frame(app, 0)}\n`);
  await new Promise((resolve) => child.once('exit', resolve));
  return out;
}

describe('client certificates required', () => {
  it('node:tls: a sender with a certificate from the CA is read; none, or one from another CA, is refused and counted', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(tlsEnv()), sink);
    const port = listener.tlsPort as number;

    await sendWithNode(port, 'no-cert', 50);
    await sendWithNode(port, 'rogue-cert', 50, 'intruder');
    await until(() => listener?.stats().tlsClientRefused === 2, 'both refusals to be counted');
    await sendWithNode(port, 'good-cert', 50, 'sender');
    await sink.waitFor(50, (r) => r.app === 'good-cert');

    await listener.close(); // nothing more can arrive: the counts are final
    listener = null;
    expect(sink.count((r) => r.app === 'good-cert')).toBe(50);
    expect(sink.count((r) => r.app !== 'good-cert')).toBe(0);
    expect(sink.records.every((r) => r.source === 'syslog-tls')).toBe(true);
  });

  it('openssl s_client: refused without a certificate, read with the sender’s', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(tlsEnv('required')), sink);
    const port = listener.tlsPort as number;
    await sendWithOpenssl(port, 's-client-none');
    await until(() => listener?.stats().tlsClientRefused === 1, 'the refusal to be counted');
    const out = await sendWithOpenssl(port, 's-client-cert', 'sender');
    expect(out).toContain('Verify return code: 0 (ok)');
    await sink.waitFor(1, (r) => r.app === 's-client-cert');
    await listener.close();
    listener = null;
    expect(sink.records.map((r) => r.app)).toEqual(['s-client-cert']);
  });

  it("Debian's rsyslog (gtls) forwards with its certificate; without one it is refused", async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(tlsEnv('required')), sink);
    const withCert = await startRsyslog('with-cert', listener.tlsPort as number, 'sender');
    const without = await startRsyslog('without', listener.tlsPort as number, null);
    try {
      const lines = Array.from({ length: 200 }, (_, i) => `forwarded over mutual TLS ${i}`);
      fs.writeFileSync(file('lines.txt'), `${lines.join('\n')}\n`);
      for (const r of [withCert, without])
        await run('logger', [
          ...['-n', '127.0.0.1', '-P', String(r.inputPort), '-T', '--rfc5424', '--octet-count'],
          ...['-t', `rsyslog-${r.name}`, '-f', file('lines.txt')],
        ]);
      await sink.waitFor(200, (r) => r.app === 'rsyslog-with-cert');
      await until(
        () => (listener?.stats().tlsClientRefused ?? 0) >= 1,
        'the certificate-less rsyslog refused',
      );
    } finally {
      await withCert.stop();
      await without.stop();
    }
    await listener.close();
    listener = null;
    expect(sink.count((r) => r.app === 'rsyslog-with-cert')).toBe(200);
    expect(sink.count((r) => r.app === 'rsyslog-without')).toBe(0);
  });
});

describe('client certificates optional', () => {
  it('a sender without a certificate is read; one whose certificate does not verify is refused', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(tlsEnv('optional')), sink);
    const port = listener.tlsPort as number;
    await sendWithNode(port, 'rogue-cert', 20, 'intruder');
    await until(() => listener?.stats().tlsClientRefused === 1, 'the refusal to be counted');
    await sendWithNode(port, 'no-cert', 20);
    await sendWithNode(port, 'good-cert', 20, 'sender');
    await sink.waitFor(40);
    await listener.close();
    listener = null;
    expect(sink.count((r) => r.app === 'no-cert')).toBe(20);
    expect(sink.count((r) => r.app === 'good-cert')).toBe(20);
    expect(sink.count((r) => r.app === 'rogue-cert')).toBe(0);
  });
});

describe('TLS only, and the settings', () => {
  it('OPSDESK_SYSLOG_PLAIN=0 opens no UDP or TCP port, only TLS', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext({ ...tlsEnv(), OPSDESK_SYSLOG_PLAIN: '0' }), sink);
    expect(listener.udpPort).toBeNull();
    expect(listener.tcpPort).toBeNull();
    await sendWithNode(listener.tlsPort as number, 'tls-only', 5, 'sender');
    await sink.waitFor(5);
    expect(sink.count((r) => r.app === 'tls-only')).toBe(5);
  });

  it('refuses settings that cannot work, naming the variable', () => {
    const base = { OPSDESK_DATA_DIR: dir };
    expect(() => loadConfig({ ...base, OPSDESK_SYSLOG_TLS_CLIENT_CA: file('ca.pem') })).toThrow(
      /OPSDESK_SYSLOG_TLS_CLIENT_CA/,
    );
    expect(() => loadConfig({ ...base, ...tlsEnv(), OPSDESK_SYSLOG_TLS_CLIENT_CERTS: 'maybe' })).toThrow(
      /OPSDESK_SYSLOG_TLS_CLIENT_CERTS: expected required\|optional/,
    );
    const { OPSDESK_SYSLOG_TLS_CLIENT_CA: _ca, ...withoutCa } = tlsEnv();
    expect(() => loadConfig({ ...base, ...withoutCa, OPSDESK_SYSLOG_TLS_CLIENT_CERTS: 'required' })).toThrow(
      /OPSDESK_SYSLOG_TLS_CLIENT_CERTS/,
    );
    expect(() => loadConfig({ ...base, OPSDESK_SYSLOG_PLAIN: '0' })).toThrow(/OPSDESK_SYSLOG_PLAIN/);
    const config = loadConfig({ ...base, ...tlsEnv() });
    expect(config.syslogTlsClientCerts).toBe('required');
    expect(config.syslogPlain).toBe(true);
  });
});

/** An rsyslogd of the test's own: a TCP input on a loopback port, forwarding over TLS (gtls) to the listener. */
async function startRsyslog(
  name: string,
  tlsPort: number,
  cert: 'sender' | null,
): Promise<{ name: string; inputPort: number; stop(): Promise<void> }> {
  const home = path.join(dir, `rsyslog-${name}`);
  fs.mkdirSync(path.join(home, 'work'), { recursive: true });
  const inputPort = await freePort();
  const conf = path.join(home, 'rsyslog.conf');
  fs.writeFileSync(
    conf,
    [
      `global(workDirectory="${home}/work" DefaultNetstreamDriverCAFile="${file('ca.pem')}"`,
      cert
        ? `       DefaultNetstreamDriverCertFile="${file(`${cert}.pem`)}" DefaultNetstreamDriverKeyFile="${file(`${cert}.key`)}")`
        : '       )',
      'module(load="imtcp")',
      `input(type="imtcp" address="127.0.0.1" port="${inputPort}" ruleset="forward")`,
      'ruleset(name="forward") {',
      `  action(type="omfwd" target="127.0.0.1" port="${tlsPort}" protocol="tcp" TCP_Framing="octet-counted"`,
      '         template="RSYSLOG_SyslogProtocol23Format" StreamDriver="gtls" StreamDriverMode="1"',
      '         StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"',
      '         action.resumeRetryCount="-1" action.resumeInterval="1")',
      '}',
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn('rsyslogd', ['-n', '-f', conf, '-i', path.join(home, 'rsyslogd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  await waitForPort(inputPort, child, () => output);
  return {
    name,
    inputPort,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
