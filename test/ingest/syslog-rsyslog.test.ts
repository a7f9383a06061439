// Debian's rsyslog in front of opsdesk, as sites run it: the test starts rsyslogd with a configuration of its own
// (no system socket, a TCP input on another loopback port) that forwards every message to the listener twice —
// RFC 5424 over TCP with octet counting, and RFC 3164 with an RFC 3339 time over UDP — and logger sends N lines
// to rsyslog. Exactly N records must arrive by each path.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyslogListener, startSyslogListener } from '../../src/ingest/syslog.js';
import { freePort, listenerContext, MemorySink, run, waitForPort } from './syslog-sink.js';

describe('rsyslog forwarding to opsdesk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-rsyslog-'));
  const sink = new MemorySink();
  let listener: SyslogListener;
  let rsyslog: ChildProcess;
  let inputPort: number;
  let stderr = '';

  beforeAll(async () => {
    listener = await startSyslogListener(listenerContext(), sink);
    inputPort = await freePort();
    fs.mkdirSync(path.join(dir, 'work'));
    const conf = path.join(dir, 'rsyslog.conf');
    fs.writeFileSync(
      conf,
      [
        `global(workDirectory="${dir}/work")`,
        // No imuxsock: this rsyslog takes only what the test sends it, never the machine's own logs.
        'module(load="imtcp")',
        `input(type="imtcp" address="127.0.0.1" port="${inputPort}" ruleset="forward")`,
        'ruleset(name="forward") {',
        `  action(type="omfwd" target="127.0.0.1" port="${listener.tcpPort!}" protocol="tcp"`,
        '         TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")',
        // UDP has no flow control: a paced queue keeps the burst inside the loopback socket buffer.
        `  action(type="omfwd" target="127.0.0.1" port="${listener.udpPort!}" protocol="udp"`,
        '         template="RSYSLOG_ForwardFormat" queue.type="LinkedList" queue.dequeueSlowdown="500")',
        '}',
        '',
      ].join('\n'),
    );
    rsyslog = spawn('rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    rsyslog.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    rsyslog.stdout?.on('data', (d) => {
      stderr += String(d);
    });
    await waitForPort(inputPort, rsyslog, () => stderr);
  });

  afterAll(async () => {
    if (rsyslog && rsyslog.exitCode === null) {
      const exited = new Promise((resolve) => rsyslog.once('exit', resolve));
      rsyslog.kill('SIGTERM');
      await exited;
    }
    await listener?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('N lines sent with logger reach the sink exactly N times over TCP (octet-counted) and N over UDP', async () => {
    const n = 1000;
    const lines = Array.from({ length: n }, (_, i) => `relayed line ${i} — ✓`);
    const file = path.join(dir, 'lines.txt');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    await run('logger', [
      ...['-n', '127.0.0.1', '-P', String(inputPort), '-T', '--rfc5424', '--octet-count'],
      ...['-t', 'relayed', '-p', 'daemon.warning', '-f', file],
    ]);
    const tcp = (r: { source: string; app: string | null }) =>
      r.source === 'syslog-tcp' && r.app === 'relayed';
    const udp = (r: { source: string; app: string | null }) =>
      r.source === 'syslog-udp' && r.app === 'relayed';
    await sink.waitFor(n, tcp);
    await sink.waitFor(n, udp);
    await listener.close(); // nothing more can arrive: the counts are final
    const viaTcp = sink.records.filter(tcp);
    const viaUdp = sink.records.filter(udp);
    expect(viaTcp).toHaveLength(n);
    expect(viaUdp).toHaveLength(n);
    expect(viaTcp.map((r) => r.message).sort()).toEqual([...lines].sort());
    expect(viaUdp.map((r) => r.message).sort()).toEqual([...lines].sort());
    for (const r of [...viaTcp, ...viaUdp]) {
      expect(r.severity).toBe(4);
      expect(r.facility).toBe(3);
      expect(r.host).toBe(os.hostname());
    }
    const stats = listener.stats();
    expect(stats.accepted).toBe(2 * n);
    expect(stats.framingErrors + stats.udpDropped + stats.truncated).toBe(0);
    expect(Object.values(stats.rejected).every((v) => v === 0)).toBe(true);
  });
});
