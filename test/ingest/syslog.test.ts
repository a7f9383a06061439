// The syslog listener over real sockets: util-linux logger over UDP and TCP in both RFC formats and with octet
// counting, TLS from a node:tls client with a certificate openssl makes here, bad input (garbage, invalid PRI,
// oversized and broken frames, a connection flood, a sender that never finishes), the close that acknowledges a
// sender's records once stored, and backpressure from a store that falls behind. Counts are exact: what was sent is
// what was stored, and what was refused is counted.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SyslogListener, startSyslogListener } from '../../src/ingest/syslog.js';
import { parseSyslogMessage } from '../../src/logs/index.js';
import { closed, connect, listenerContext, MemorySink, run, until, write } from './syslog-sink.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-syslog-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let listener: SyslogListener | null = null;
afterEach(async () => {
  await listener?.close();
  listener = null;
});

/** N numbered lines in a file, for `logger -f`; the tag makes each run's lines its own. */
function linesFile(name: string, n: number): { file: string; lines: string[] } {
  const lines = Array.from({ length: n }, (_, i) => `${name} line ${i + 1} of ${n} — ünïcödé ok`);
  const file = path.join(tmp, `${name}.txt`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, lines };
}

describe('util-linux logger', () => {
  let sink: MemorySink;
  beforeAll(async () => {
    sink = new MemorySink();
  });

  const cases: Array<{ name: string; args: string[]; source: 'syslog-udp' | 'syslog-tcp' }> = [
    { name: 'udp-3164', args: ['-d', '--rfc3164'], source: 'syslog-udp' },
    { name: 'udp-5424', args: ['-d', '--rfc5424'], source: 'syslog-udp' },
    { name: 'tcp-3164', args: ['-T', '--rfc3164'], source: 'syslog-tcp' },
    { name: 'tcp-5424', args: ['-T', '--rfc5424'], source: 'syslog-tcp' },
    { name: 'tcp-octets', args: ['-T', '--rfc5424', '--octet-count'], source: 'syslog-tcp' },
  ];
  for (const c of cases) {
    it(`${c.name}: every line sent with logger -f is stored once, with its tag and host`, async () => {
      listener = await startSyslogListener(listenerContext(), sink);
      const port = c.source === 'syslog-udp' ? listener.udpPort! : listener.tcpPort!;
      // UDP: a small file, so the loopback socket buffer never overflows in the kernel, out of anyone's count.
      const n = c.source === 'syslog-udp' ? 150 : 2000;
      const { file, lines } = linesFile(c.name, n);
      const mine = (r: { app: string | null }) => r.app === c.name;
      await run('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        String(port),
        ...c.args,
        '-t',
        c.name,
        '-p',
        'local3.err',
        '-f',
        file,
      ]);
      await sink.waitFor(n, mine);
      await listener.close();
      listener = null;
      const got = sink.records.filter(mine);
      expect(got).toHaveLength(n);
      expect(got.map((r) => r.message).sort()).toEqual([...lines].sort());
      expect(got.every((r) => r.source === c.source && r.peer === '127.0.0.1')).toBe(true);
      expect(got.every((r) => r.host === os.hostname() && r.severity === 3 && r.facility === 19)).toBe(true);
    });
  }

  it('structured data from --sd-id/--sd-param, and lines from stdin', async () => {
    listener = await startSyslogListener(listenerContext(), sink);
    const lines = Array.from({ length: 500 }, (_, i) => `from stdin ${i}`);
    const child = spawn('logger', [
      ...['-n', '127.0.0.1', '-P', String(listener.tcpPort!), '-T', '--octet-count', '--rfc5424'],
      ...[
        '-t',
        'stdin-sd',
        '--msgid',
        'BATCH7',
        '--sd-id',
        'zoo@32473',
        '--sd-param',
        'tiger="hungry \\"very\\""',
      ],
    ]);
    child.stdin.end(`${lines.join('\n')}\n`);
    await new Promise((resolve) => child.on('exit', resolve));
    const mine = (r: { app: string | null }) => r.app === 'stdin-sd';
    await sink.waitFor(500, mine);
    const got = sink.records.filter(mine);
    expect(got.map((r) => r.message)).toEqual(lines); // one connection: in order
    expect(got[0].msgId).toBe('BATCH7');
    expect(got[0].structuredData?.['zoo@32473']).toEqual({ tiger: 'hungry "very"' });
    expect(got[0].structuredData?.timeQuality).toBeDefined();
  });
});

describe('TLS (RFC 5425)', () => {
  it('takes octet-counted messages over TLS with a certificate made by openssl, and counts a failed handshake', async () => {
    const cert = path.join(tmp, 'cert.pem');
    const key = path.join(tmp, 'key.pem');
    await run('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...[
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
    ]);
    const sink = new MemorySink();
    listener = await startSyslogListener(
      listenerContext({
        OPSDESK_SYSLOG_TLS_CERT: cert,
        OPSDESK_SYSLOG_TLS_KEY: key,
        OPSDESK_SYSLOG_TLS_PORT: '0',
      }),
      sink,
    );
    expect(listener.tlsPort).toBeGreaterThan(0);
    const client = tls.connect({
      port: listener.tlsPort!,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: fs.readFileSync(cert),
    });
    await new Promise<void>((resolve, reject) => {
      client.once('secureConnect', resolve);
      client.once('error', reject);
    });
    let payload = '';
    for (let i = 0; i < 300; i++) {
      const msg = `<165>1 2026-11-30T08:00:00.000Z tls-host tlsapp ${i} - - over TLS ${i}`;
      payload += `${Buffer.byteLength(msg)} ${msg}`;
    }
    await new Promise<void>((resolve) => client.end(payload, resolve));
    await sink.waitFor(300);
    expect(sink.records.map((r) => r.message)).toEqual(
      Array.from({ length: 300 }, (_, i) => `over TLS ${i}`),
    );
    expect(sink.records.every((r) => r.source === 'syslog-tls' && r.host === 'tls-host')).toBe(true);

    const plain = await connect(listener.tlsPort!);
    plain.on('error', () => {});
    plain.write('<13>this is not a TLS hello\n');
    await closed(plain);
    await until(() => listener!.stats().tlsErrors === 1, 'the failed handshake to be counted');
  });
});

describe('bad input over real sockets', () => {
  it('garbage, invalid PRIs, oversized and broken frames are counted; the records around them all arrive', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext({ OPSDESK_SYSLOG_MAX_MESSAGE_BYTES: '480' }), sink);
    const good = (i: number) => `<14>1 2026-11-30T08:00:00Z h good - - - good ${i}`;
    const octets = (msg: string | Buffer) =>
      Buffer.concat([Buffer.from(`${Buffer.byteLength(msg)} `), Buffer.from(msg)]);
    const socket = await connect(listener.tcpPort!);
    const parts: Buffer[] = [
      Buffer.from(`${good(1)}\n`),
      Buffer.from([60, 49, 51, 62, 1, 2, 3, 4, 5, 6, 7, 8, 10]), // <13> then control bytes: binary
      Buffer.from([0xff, 0xfe, 0xfd, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 10]), // not UTF-8
      octets(good(2)),
      Buffer.from('<999>invalid pri\n<a>invalid pri\n<>invalid pri\n'),
      Buffer.from(`${good(3)}\n`),
      Buffer.from(`<14>1 2026-11-30T08:00:00Z h big - - - ${'x'.repeat(5000)}\n`), // oversized, LF framing
      octets(`<14>1 2026-11-30T08:00:00Z h big - - - ${'y'.repeat(5000)}`), // oversized, octet counted
      Buffer.from(`${good(4)}\n`),
      Buffer.from('12a <14>1 - h lost - - - this frame is skipped\n'), // broken octet count: resync at LF
      octets(good(5)),
      Buffer.from('99999999999 <14>too long a count\n'),
      Buffer.from(`${good(6)}\n`),
    ];
    // Byte by byte for the first frames (splits everywhere), then the rest in one write.
    const all = Buffer.concat(parts);
    for (let i = 0; i < 200; i++) await write(socket, all.subarray(i, i + 1));
    await write(socket, all.subarray(200));
    // UDP: seeded garbage datagrams between good ones; the parser's own verdict on each is what must be counted.
    const udp = dgram.createSocket('udp4');
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const expectedRejects: Record<string, number> = {};
    let udpGood = 0;
    for (let i = 0; i < 50; i++) {
      const garbage = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
      );
      const verdict = parseSyslogMessage(garbage, Date.now(), { maxMessageBytes: 480 });
      if (verdict.ok) udpGood++;
      else expectedRejects[verdict.reason] = (expectedRejects[verdict.reason] ?? 0) + 1;
      await new Promise<void>((resolve) =>
        udp.send(garbage, listener!.udpPort!, '127.0.0.1', () => resolve()),
      );
      await new Promise<void>((resolve) =>
        udp.send(`<14>udp good ${i}`, listener!.udpPort!, '127.0.0.1', () => resolve()),
      );
    }
    udp.close();
    socket.end();
    await closed(socket);
    await sink.waitFor(6 + 2 + 50 + udpGood);
    const stats = listener.stats();
    await listener.close();
    listener = null;

    const messages = sink.records.map((r) => r.message);
    for (let i = 1; i <= 6; i++) expect(messages).toContain(`good ${i}`);
    for (let i = 0; i < 50; i++) expect(messages).toContain(`udp good ${i}`);
    const big = sink.records.filter((r) => r.app === 'big');
    const bigHead = '<14>1 2026-11-30T08:00:00Z h big - - - ';
    expect(big).toHaveLength(2);
    expect(
      big.every((r) => r.truncated && Buffer.byteLength(r.message) === 480 - Buffer.byteLength(bigHead)),
    ).toBe(true);
    expect(stats.truncated).toBe(2);
    expect(stats.framingErrors).toBe(2);
    expect(stats.rejected.invalid_pri).toBe(3 + (expectedRejects.invalid_pri ?? 0));
    expect(stats.rejected.binary).toBe(1 + (expectedRejects.binary ?? 0));
    expect(stats.rejected.not_utf8).toBe(1 + (expectedRejects.not_utf8 ?? 0));
    expect(stats.rejected.empty).toBe(expectedRejects.empty ?? 0);
    expect(stats.accepted).toBe(sink.records.length);
    expect(sink.records.length).toBe(8 + 50 + udpGood);
  });

  it('refuses connections beyond the limit, and takes new ones once the flood is gone', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext({ OPSDESK_SYSLOG_MAX_CONNECTIONS: '16' }), sink);
    const first = await connect(listener.tcpPort!);
    await write(first, '<14>before the flood\n');
    const flood = [];
    for (let i = 0; i < 60; i++) {
      const s = await connect(listener.tcpPort!);
      s.on('error', () => {});
      flood.push(s);
    }
    // The server refuses 45 (16 open at most, the first among them); each refused socket is closed by the server.
    await until(() => listener!.stats().connectionsRefused === 45, '45 refused connections');
    await Promise.all(flood.slice(15).map(closed));
    expect(flood.slice(0, 15).every((s) => !s.destroyed)).toBe(true);
    await write(first, '<14>during the flood\n');
    for (const s of flood) s.destroy();
    await until(() => listener!.stats().connectionsOpen === 1, 'the flood to be gone');
    const after = await connect(listener.tcpPort!);
    await write(after, '<14>after the flood\n');
    after.end();
    first.end();
    await sink.waitFor(3);
    expect(sink.records.map((r) => r.message).sort()).toEqual([
      'after the flood',
      'before the flood',
      'during the flood',
    ]);
    expect(listener.stats()).toMatchObject({ connectionsRefused: 45, connectionsAccepted: 17 });
  });

  it('drops a sender that never finishes a frame after the idle timeout, keeping its partial frame, without holding up others', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(), sink, { idleTimeoutMs: 3000 });
    const stuck = await connect(listener.tcpPort!);
    await write(stuck, '<11>Nov 30 08:00:00 h stuck[1]: a frame that never ends');
    const octetStuck = await connect(listener.tcpPort!);
    await write(octetStuck, '500 <11>1 - h stuck2 - - - cut short');
    const other = await connect(listener.tcpPort!);
    for (let i = 0; i < 100; i++) await write(other, `<14>other ${i}\n`);
    await sink.waitFor(100, (r) => r.message.startsWith('other '));
    expect(stuck.destroyed).toBe(false); // the others did not wait for it
    // The other sender leaves before the stuck ones time out: ended after them, its own idle timer (armed a few ms
    // after theirs) could fire first on a busy machine, and count a third timeout.
    other.end();
    await Promise.all([closed(stuck), closed(octetStuck)]);
    await sink.waitFor(102);
    const partial = sink.records.find((r) => r.app === 'stuck');
    expect(partial).toMatchObject({ message: 'a frame that never ends', truncated: false });
    expect(sink.records.find((r) => r.app === 'stuck2')).toMatchObject({
      message: 'cut short',
      truncated: true,
    });
    expect(listener.stats().idleTimeouts).toBe(2);
  });
});

describe('backpressure', () => {
  it('a store that falls behind slows a TCP sender and loses nothing', async () => {
    const sink = new MemorySink();
    // One connection may have `cap` records waiting for the store; past that the listener reads no more from it.
    const cap = 2_000;
    listener = await startSyslogListener(listenerContext(), sink, {
      connectionMaxPendingRecords: cap,
      pendingRecordsBudget: cap,
    });
    const n = 150_000;
    let data = '';
    for (let i = 0; i < n; i++)
      data += `<14>1 2026-11-30T08:00:00Z h bp - - - backpressure message number ${i}\n`;
    const payload = Buffer.from(data); // ~10 MB, against the ~140 kB of `cap` records
    sink.hold();
    const entered = sink.nextAppend();
    const socket = await connect(listener.tcpPort!);
    socket.on('error', () => {}); // a failed assertion below ends the test with the socket torn down
    try {
      socket.write(payload);
      await entered;
      // While the store is held, the listener reads no more: the sender's bytes stay in its own buffers. Stalled
      // means nothing moved for 300 ms — neither the sender's bytes nor the listener's count — not one quiet poll,
      // which a busy event loop (the sender and listener share it) also gives while the listener is still reading.
      let last = '';
      let quietSince = Date.now();
      await until(() => {
        const now = `${socket.bytesWritten - socket.writableLength}/${listener!.stats().accepted}`;
        if (now !== last) {
          last = now;
          quietSince = Date.now();
        }
        return Date.now() - quietSince >= 300;
      }, 'the sender to stall');
      expect(socket.writableLength).toBeGreaterThan(0);
      // It paused on reaching the cap, within the one read (at most 64 kB, ~1,000 records) that crossed it.
      const accepted = listener.stats().accepted;
      expect(accepted).toBeGreaterThanOrEqual(cap);
      expect(accepted).toBeLessThan(cap + 1_000);
    } finally {
      sink.release();
    }
    socket.end();
    await sink.waitFor(n);
    expect(sink.records).toHaveLength(n);
    expect(sink.records.every((r, i) => r.message === `backpressure message number ${i}`)).toBe(true);
    expect(listener.stats().sinkFailed).toBe(0);
  });

  it('UDP cannot be slowed: past the queue bound datagrams are dropped and counted, never silently', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(), sink, { udpQueueMaxRecords: 100 });
    sink.hold();
    const udp = dgram.createSocket('udp4');
    for (let i = 0; i < 300; i++)
      await new Promise<void>((resolve) =>
        udp.send(`<14>datagram ${i}`, listener!.udpPort!, '127.0.0.1', () => resolve()),
      );
    udp.close();
    await until(() => {
      const s = listener!.stats();
      return s.accepted + s.udpDropped === 300;
    }, 'all 300 datagrams to be taken or dropped');
    const stats = listener.stats();
    expect(stats.udpDropped).toBeGreaterThan(0);
    sink.release();
    await sink.waitFor(stats.accepted);
    await listener.close();
    listener = null;
    expect(sink.records).toHaveLength(stats.accepted);
  });
});

describe('the close as acknowledgement (TCP)', () => {
  /** Sends lines, shuts the sending side, and says how the listener ended the connection. */
  const sendAndShut = (port: number, data: string, onEnd: () => void) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(data));
      socket.on('data', () => {});
      socket.on('end', () => {
        onEnd();
        resolve('closed');
      });
      socket.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    });

  it("a sender that shuts its side gets the listener's close only once its records are stored", async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(), sink);
    const lines = Array.from({ length: 50 }, (_, i) => `<14>1 2026-11-30T08:00:00Z h ack - - - line ${i}`);
    sink.hold();
    const entered = sink.nextAppend();
    let storedAtClose = -1;
    const outcome = sendAndShut(listener.tcpPort!, `${lines.join('\n')}\n`, () => {
      storedAtClose = sink.count();
    });
    await entered;
    // The store holds the records: a close now would claim what is not stored. Give it the time to come, then store.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(storedAtClose).toBe(-1);
    sink.release();
    expect(await outcome).toBe('closed');
    expect(storedAtClose).toBe(50);
  });

  it('a sender whose records the store refuses gets a reset, not a close', async () => {
    const sink = {
      append: async () => {
        throw new Error('disk full');
      },
    };
    listener = await startSyslogListener(listenerContext(), sink);
    expect(await sendAndShut(listener.tcpPort!, '<14>refused by the store\n', () => {})).toBe('ECONNRESET');
    expect(listener.stats().sinkFailed).toBe(1);
  });
});

describe('store failures and shutdown', () => {
  it('a batch the store refuses is counted and its TCP sender disconnected; UDP goes on', async () => {
    let fail = true;
    const stored: string[] = [];
    const sink = {
      append: async (records: Array<{ message: string }>) => {
        if (fail) throw new Error('disk full');
        for (const r of records) stored.push(r.message);
      },
    };
    listener = await startSyslogListener(listenerContext(), sink);
    const socket = await connect(listener.tcpPort!);
    socket.on('error', () => {});
    await write(socket, '<14>refused by the store\n');
    await closed(socket); // the listener closed it: the sender knows its records were not taken
    expect(listener.stats()).toMatchObject({ sinkFailed: 1, accepted: 1 });
    fail = false;
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) =>
      udp.send('<14>after the failure', listener!.udpPort!, '127.0.0.1', () => resolve()),
    );
    udp.close();
    await until(() => stored.length === 1, 'the datagram to be stored');
    expect(stored).toEqual(['after the failure']);
  });

  it('close() keeps the partial frames of open connections and waits for the store', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener(listenerContext(), sink);
    const socket = await connect(listener.tcpPort!);
    socket.on('error', () => {});
    await write(socket, '<14>whole line\n<14>half a line');
    await sink.waitFor(1);
    await listener.close();
    listener = null;
    expect(sink.records.map((r) => r.message)).toEqual(['whole line', 'half a line']);
  });
});
