// The syslog listener (logs in): UDP and TCP on one port, as rsyslog listens (unless turned off: TLS only), and TLS
// (RFC 5425) on its own port when a certificate and key are set, with client certificates verified against a CA when
// one is set (required, or optional: a sender may present none, never an invalid one). Frames are parsed
// (logs/syslog-parse) and handed to a LogSink in batches;
// a TCP or TLS connection is not read (socket.pause) while two batches of its records wait for the store, so a
// fast sender is slowed, never lost. A TCP sender that closes its side (FIN) gets opsdesk's FIN only once every
// record read from the connection is committed (RST if the store refused some): syslog has no acknowledgement of
// its own, and that close is the one a sender can wait for. Every refusal is counted by reason and logged at a
// sampled rate. See docs/syslog.md.
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { ServiceContext } from '../core/context.js';
import {
  isSyslogZone,
  type LogRecordInput,
  type LogSink,
  type LogSource,
  parseSyslogFrame,
  type SyslogParseOptions,
  type SyslogRejectReason,
} from '../logs/index.js';
import { SyslogFramer } from './syslog-framing.js';

export interface SyslogListenerOptions {
  /** Default: the configuration's (OPSDESK_SYSLOG_HOST, _PORT, _TLS_PORT, _TLS_CERT, _TLS_KEY, …). */
  host?: string;
  /** UDP and TCP; 0 picks a free port that both can bind. */
  port?: number;
  tlsPort?: number;
  /** UDP and TCP, which authenticate no sender; false listens on TLS only. Default: OPSDESK_SYSLOG_PLAIN. */
  plain?: boolean;
  /** PEM file paths; TLS listens only with both. */
  tlsCert?: string | null;
  tlsKey?: string | null;
  /** PEM file of the CAs that sign senders' client certificates; null asks for none. */
  tlsClientCa?: string | null;
  /** With a client CA: 'required' refuses a sender without a valid certificate; 'optional' one with an invalid one. */
  tlsClientCerts?: 'required' | 'optional';
  maxMessageBytes?: number;
  maxConnections?: number;
  /** A connection that sends nothing for this long is closed (its partial frame kept). Default 60 s. */
  idleTimeoutMs?: number;
  /**
   * The most records handed to the sink in one append (one at a time: the next fills while it is stored). Default
   * 20,000, the log store's batch: a busy listener's appends are then whole store batches, which cost far less per
   * record than small ones (their host and minute counts are written once per batch).
   */
  batchMaxRecords?: number;
  /**
   * A TCP/TLS connection stops being read (socket.pause) while this many of its records wait for the sink, and
   * goes on when they are stored. Default OPSDESK_SYSLOG_CONNECTION_MAX_PENDING, 2,000 (and see pendingRecordsBudget).
   */
  connectionMaxPendingRecords?: number;
  /**
   * Records all connections may have waiting for the sink together: while few connections are open, each may have
   * up to its share of this (never less than connectionMaxPendingRecords) — so that one busy sender fills the
   * store's large batches, which cost less per record. Default OPSDESK_SYSLOG_PENDING_BUDGET, 40,000.
   */
  pendingRecordsBudget?: number;
  /** UDP cannot be slowed: past this many records waiting for the sink, datagrams are dropped and counted (OPSDESK_SYSLOG_UDP_QUEUE_MAX). */
  udpQueueMaxRecords?: number;
  /** The zone of timestamps that carry none (IANA name). Default UTC. */
  zone?: string;
}

/** The listener's counters since it started (the integrator exposes them on /metrics). */
export interface SyslogStats {
  /** Records handed to the sink. */
  accepted: number;
  /** Of those, records cut to the size limit (or a frame cut short by its sender closing). */
  truncated: number;
  rejected: Record<SyslogRejectReason, number>;
  /** Octet counts that were not numbers: the stream resynced at the next LF. */
  framingErrors: number;
  connectionsOpen: number;
  connectionsAccepted: number;
  /** Connections closed at once because syslogMaxConnections were open. */
  connectionsRefused: number;
  /** Connections closed for sending nothing for idleTimeoutMs. */
  idleTimeouts: number;
  /** TLS handshakes that failed. */
  tlsErrors: number;
  /** TLS connections refused for their client certificate (none when required, or one that did not verify). */
  tlsClientRefused: number;
  /** Datagrams dropped because the sink was too far behind. */
  udpDropped: number;
  /** Times a TCP/TLS connection stopped being read because its records waited for the sink (back-pressure). */
  readsPaused: number;
  /** Records the sink refused to store (append rejected). */
  sinkFailed: number;
  batches: number;
}

export interface SyslogListener {
  /** Null when UDP and TCP are off (TLS only). */
  udpPort: number | null;
  tcpPort: number | null;
  /** Null when TLS is not configured. */
  tlsPort: number | null;
  stats(): SyslogStats;
  /** Stops listening, closes the connections (keeping their partial frames) and waits for the sink. */
  close(): Promise<void>;
}

interface Batch {
  records: LogRecordInput[];
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failed append is counted and logged by onFailure; callers that do not wait (UDP) must not turn it into an
  // unhandled rejection.
  done.catch(() => {});
  return { records: [], done, resolve, reject };
}

/**
 * Hands records to the sink one append at a time: while an append is under way the next batch fills (group
 * commit), so batches grow with the sink's latency and nothing waits for a timer when the sink is idle.
 */
class RecordBatcher {
  private current: Batch | null = null;
  private sealed: Batch[] = [];
  private appending = false;
  private scheduled = false;
  private idle: Array<() => void> = [];
  /** Records not yet handed to the sink. */
  waiting = 0;

  constructor(
    private readonly sink: LogSink,
    private readonly maxRecords: number,
    private readonly onBatch: () => void,
    private readonly onFailure: (err: unknown, records: number) => void,
  ) {}

  /** Resolves when the records are stored; rejects when the sink refused them. */
  add(records: LogRecordInput[]): Promise<void> {
    let batch = this.current;
    if (batch && batch.records.length + records.length > this.maxRecords && batch.records.length > 0) {
      this.sealed.push(batch);
      batch = null;
    }
    if (!batch) batch = this.current = newBatch();
    for (const r of records) batch.records.push(r);
    this.waiting += records.length;
    this.schedule();
    return batch.done;
  }

  addOne(record: LogRecordInput): void {
    let batch = this.current;
    if (batch && batch.records.length >= this.maxRecords) {
      this.sealed.push(batch);
      batch = null;
    }
    if (!batch) batch = this.current = newBatch();
    batch.records.push(record);
    this.waiting++;
    this.schedule();
  }

  /** Resolves once every record added so far is stored or refused. */
  drain(): Promise<void> {
    if (!this.appending && !this.scheduled && this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.appending || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: the other sockets' data of this turn of the loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.appending = true;
    for (;;) {
      if (this.current && this.current.records.length > 0) {
        this.sealed.push(this.current);
        this.current = null;
      }
      const batch = this.sealed.shift();
      if (!batch) break;
      this.waiting -= batch.records.length;
      try {
        await this.sink.append(batch.records);
        this.onBatch();
        batch.resolve();
      } catch (err) {
        this.onFailure(err, batch.records.length);
        batch.reject(err);
      }
    }
    this.appending = false;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}

/** Log the 1st, 10th, 100th, … and then every 10,000th of a kind: a flood must not flood the log. */
function sampled(n: number): boolean {
  return n === 1 || n === 10 || n === 100 || n === 1000 || n % 10_000 === 0;
}

/** The start of a refused message, printable, for the log line. */
function excerpt(buf: Buffer, start: number, end: number): string {
  return JSON.stringify(buf.toString('latin1', start, Math.min(end, start + 80))).slice(1, -1);
}

type ListenerContext = Pick<ServiceContext, 'config' | 'log' | 'clock'>;

export async function startSyslogListener(
  ctx: ListenerContext,
  sink: LogSink,
  options: SyslogListenerOptions = {},
): Promise<SyslogListener> {
  const config = ctx.config;
  const host = options.host ?? config.syslogHost;
  const maxMessageBytes = options.maxMessageBytes ?? config.syslogMaxMessageBytes;
  const maxConnections = options.maxConnections ?? config.syslogMaxConnections;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const udpQueueMax = options.udpQueueMaxRecords ?? config.syslogUdpQueueMax;
  const connectionMaxPending = options.connectionMaxPendingRecords ?? config.syslogConnectionMaxPending;
  const pendingBudget = options.pendingRecordsBudget ?? config.syslogPendingBudget;
  /** What one connection may have waiting now: its share of the budget, at least connectionMaxPending. */
  const connectionPendingCap = () =>
    Math.max(connectionMaxPending, Math.floor(pendingBudget / Math.max(1, stats.connectionsOpen)));
  const zone = options.zone ?? config.syslogZone;
  if (!isSyslogZone(zone)) throw new Error(`syslog listener: unknown time zone ${JSON.stringify(zone)}`);
  const parseOptions: Required<SyslogParseOptions> = { maxMessageBytes, zone };
  const tlsCert = options.tlsCert === undefined ? config.syslogTlsCert : options.tlsCert;
  const tlsKey = options.tlsKey === undefined ? config.syslogTlsKey : options.tlsKey;
  const tlsClientCa = options.tlsClientCa === undefined ? config.syslogTlsClientCa : options.tlsClientCa;
  const tlsClientCerts = options.tlsClientCerts ?? config.syslogTlsClientCerts;
  const plain = options.plain ?? config.syslogPlain;
  if (!plain && !(tlsCert && tlsKey))
    throw new Error('syslog listener: with UDP and TCP off, TLS needs a certificate and a key');
  const log = ctx.log;

  const stats: SyslogStats = {
    accepted: 0,
    truncated: 0,
    rejected: { empty: 0, invalid_pri: 0, invalid_header: 0, not_utf8: 0, binary: 0 },
    framingErrors: 0,
    connectionsOpen: 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    idleTimeouts: 0,
    tlsErrors: 0,
    tlsClientRefused: 0,
    udpDropped: 0,
    readsPaused: 0,
    sinkFailed: 0,
    batches: 0,
  };

  const batcher = new RecordBatcher(
    sink,
    options.batchMaxRecords ?? 20_000,
    () => {
      stats.batches++;
    },
    (err, records) => {
      stats.sinkFailed += records;
      log.error({ err, records }, 'syslog: the log store refused a batch');
    },
  );

  /** One message to a record, or null with the reason counted. */
  const toRecord = (
    buf: Buffer,
    start: number,
    end: number,
    cut: boolean,
    receivedAt: number,
    source: LogSource,
    peer: string | null,
  ): LogRecordInput | null => {
    const record = parseSyslogFrame(buf, start, end, receivedAt, parseOptions, source, peer);
    if (typeof record === 'string') {
      const n = ++stats.rejected[record];
      if (sampled(n))
        log.warn(
          { reason: record, count: n, source, peer, excerpt: excerpt(buf, start, end) },
          'syslog: message refused',
        );
      return null;
    }
    if (cut) record.truncated = true;
    if (record.truncated) stats.truncated++;
    stats.accepted++;
    return record;
  };

  const sockets = new Set<net.Socket>();
  /** Connections whose sender closed its side and waits for ours (after the commit): shutdown lets them finish. */
  const acknowledging = new Set<net.Socket>();
  let closing = false;

  /** The connection limit, shared by TCP and TLS: checked before any TLS handshake work. */
  const admit = (socket: net.Socket): boolean => {
    if (closing || stats.connectionsOpen >= maxConnections) {
      const n = ++stats.connectionsRefused;
      if (sampled(n))
        log.warn(
          { count: n, peer: socket.remoteAddress, open: stats.connectionsOpen, maxConnections },
          'syslog: connection refused (too many open)',
        );
      socket.destroy();
      return false;
    }
    stats.connectionsOpen++;
    stats.connectionsAccepted++;
    socket.once('close', () => {
      stats.connectionsOpen--;
    });
    return true;
  };

  const handleStream = (socket: net.Socket, source: LogSource) => {
    const peer = socket.remoteAddress ?? null;
    let receivedAt = 0;
    let pending: LogRecordInput[] = [];
    let paused = false;
    let unstored = 0;
    let finished = false;
    /** The sender closed its side: ours closes once `unstored` is back to 0. */
    let closeWhenStored = false;
    const closeIfStored = () => {
      if (closeWhenStored && unstored === 0 && !socket.destroyed) socket.end();
    };
    const framer = new SyslogFramer(
      maxMessageBytes,
      (buf, start, end, cut) => {
        const record = toRecord(buf, start, end, cut, receivedAt, source, peer);
        if (record) pending.push(record);
      },
      (detail) => {
        const n = ++stats.framingErrors;
        if (sampled(n))
          log.warn({ count: n, source, peer, detail }, 'syslog: framing error, resyncing at the next LF');
      },
    );
    /** Hands records read from the connection to the batcher: the sender is slowed, or reset if they are refused. */
    const store = (records: LogRecordInput[]) => {
      batcher.add(records).then(
        () => {
          unstored -= records.length;
          closeIfStored();
          if (!paused || unstored >= connectionPendingCap() || socket.destroyed) return;
          paused = false;
          socket.resume();
          socket.setTimeout(idleTimeoutMs);
        },
        () => {
          // The store refused them (counted, logged): closing tells the sender, whose queue may send again.
          unstored -= records.length;
          paused = false;
          // A reset, not a FIN: a sender waiting for our close must not take the refusal for its acknowledgement.
          // (TLS closes as before: resetting needs the raw TCP handle.)
          if (socket instanceof tls.TLSSocket) socket.destroy();
          else socket.resetAndDestroy();
        },
      );
    };
    sockets.add(socket);
    socket.setTimeout(idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      receivedAt = ctx.clock.now();
      framer.push(chunk);
      if (pending.length === 0) return;
      const records = pending;
      pending = [];
      unstored += records.length;
      if (unstored >= connectionPendingCap() && !paused) {
        // Backpressure: read no more from this sender until the store has caught up with it.
        socket.pause();
        paused = true;
        stats.readsPaused++;
      }
      store(records);
    });
    // The sender closed its side (its FIN, read after all its data): keep what is left of a frame, and close ours
    // once every record of the connection is committed. Until then the idle timeout does not apply: the wait is ours.
    socket.on('end', () => {
      if (finished) return;
      finished = true;
      socket.setTimeout(0);
      receivedAt = ctx.clock.now();
      framer.end();
      if (pending.length > 0) {
        const records = pending;
        pending = [];
        unstored += records.length;
        store(records);
      }
      closeWhenStored = true;
      acknowledging.add(socket);
      closeIfStored();
    });
    socket.on('timeout', () => {
      if (paused) return; // our own slowness is not the sender's idleness
      stats.idleTimeouts++;
      log.info({ source, peer, inFrame: framer.inFrame, idleTimeoutMs }, 'syslog: idle connection closed');
      socket.destroy();
    });
    socket.on('error', (err) => {
      log.debug({ err, source, peer }, 'syslog: connection error');
    });
    socket.on('close', () => {
      sockets.delete(socket);
      acknowledging.delete(socket);
      if (finished) return;
      finished = true;
      receivedAt = ctx.clock.now();
      framer.end();
      if (pending.length > 0) void batcher.add(pending);
      pending = [];
    });
  };

  // TCP and UDP on one port number (rsyslog's and the network devices' habit); port 0 picks one both can bind.
  const plainListeners = plain
    ? await listenPlain(host, options.port ?? config.syslogPort, (socket) => {
        if (admit(socket)) handleStream(socket, 'syslog-tcp');
      })
    : null;
  plainListeners?.udp.on('message', (msg, rinfo) => {
    if (batcher.waiting >= udpQueueMax) {
      const n = ++stats.udpDropped;
      if (sampled(n))
        log.warn(
          { count: n, peer: rinfo.address, waiting: batcher.waiting },
          'syslog: UDP datagram dropped (store behind)',
        );
      return;
    }
    const record = toRecord(msg, 0, msg.length, false, ctx.clock.now(), 'syslog-udp', rinfo.address);
    if (record) batcher.addOne(record);
  });
  plainListeners?.udp.on('error', (err) => log.error({ err }, 'syslog: UDP socket error'));

  /**
   * A TLS sender's client certificate, verified against the client CA: required, a sender without a valid one is
   * refused; optional, one without any is taken and one whose certificate does not verify is refused.
   */
  const admitClientCertificate = (socket: tls.TLSSocket): boolean => {
    if (socket.authorized) return true;
    const presented = Object.keys(socket.getPeerCertificate()).length > 0;
    if (!presented && tlsClientCerts === 'optional') return true;
    const reason = presented
      ? String(socket.authorizationError ?? 'certificate not verified')
      : 'no certificate';
    const n = ++stats.tlsClientRefused;
    if (sampled(n))
      log.warn(
        { count: n, peer: socket.remoteAddress, reason, required: tlsClientCerts === 'required' },
        'syslog: TLS sender refused (client certificate)',
      );
    socket.destroy();
    return false;
  };

  let tlsServer: tls.Server | null = null;
  let tlsPort: number | null = null;
  if (tlsCert && tlsKey) {
    tlsServer = tls.createServer(
      {
        cert: fs.readFileSync(tlsCert),
        key: fs.readFileSync(tlsKey),
        minVersion: 'TLSv1.2',
        handshakeTimeout: Math.min(idleTimeoutMs, 10_000),
        // The certificate is judged below, once the handshake is done, so that each refusal is counted and logged
        // with its reason (Node would close a connection whose certificate does not verify without a word).
        ...(tlsClientCa
          ? { requestCert: true, rejectUnauthorized: false, ca: fs.readFileSync(tlsClientCa) }
          : {}),
      },
      (socket) => {
        if (tlsClientCa && !admitClientCertificate(socket)) return;
        handleStream(socket, 'syslog-tls');
      },
    );
    tlsServer.on('connection', (raw: net.Socket) => {
      admit(raw);
    });
    tlsServer.on('tlsClientError', (err, socket) => {
      const n = ++stats.tlsErrors;
      if (sampled(n)) log.warn({ err, count: n, peer: socket.remoteAddress }, 'syslog: TLS handshake failed');
    });
    tlsPort = await listen(tlsServer, host, options.tlsPort ?? config.syslogTlsPort);
  }

  const closeAll = async () => {
    closing = true;
    const servers = [...(plainListeners ? [plainListeners.tcp] : []), ...(tlsServer ? [tlsServer] : [])].map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    if (plainListeners) await new Promise<void>((resolve) => plainListeners.udp.close(() => resolve()));
    const open = [...sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    // A sender waiting for our close gets it once its records are committed, not a FIN that would claim so early.
    for (const socket of sockets) if (!acknowledging.has(socket)) socket.destroy();
    await batcher.drain();
    await Promise.all(open);
    await Promise.all(servers);
    await batcher.drain();
  };
  let closingDone: Promise<void> | undefined;

  const tcpPort = plainListeners ? (plainListeners.tcp.address() as net.AddressInfo).port : null;
  log.info(
    { host, port: tcpPort, tlsPort, clientCertificates: tlsClientCa ? tlsClientCerts : 'off' },
    plainListeners ? 'syslog: listening (UDP and TCP)' : 'syslog: listening (TLS only)',
  );

  return {
    udpPort: plainListeners ? plainListeners.udp.address().port : null,
    tcpPort,
    tlsPort,
    stats: () => ({ ...stats, rejected: { ...stats.rejected } }),
    close: () => {
      // Once: a second call waits for the first.
      closingDone ??= closeAll();
      return closingDone;
    },
  };
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function bind(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** UDP and TCP on one port number; port 0 picks one both can bind (a few tries: the two are bound one by one). */
async function listenPlain(
  host: string,
  requested: number,
  onConnection: (socket: net.Socket) => void,
): Promise<{ tcp: net.Server; udp: dgram.Socket }> {
  const udpType = net.isIPv6(host) ? 'udp6' : 'udp4';
  for (let attempt = 0; ; attempt++) {
    // Half-open: the sender's FIN does not close our side at once (see handleStream's 'end').
    const tcp = net.createServer({ allowHalfOpen: true }, onConnection);
    const tcpPort = await listen(tcp, host, requested);
    const udp = dgram.createSocket({ type: udpType, recvBufferSize: 4 * 1_048_576 });
    try {
      await bind(udp, host, tcpPort);
      return { tcp, udp };
    } catch (err) {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      if (requested !== 0 || attempt >= 20 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}
