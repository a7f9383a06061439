// Signals to every instance on one PostgreSQL: NOTIFY sent inside a transaction (delivered when it commits, never if
// it rolls back) and heard by every process that LISTENs on the channel, the sender's own included. One listening
// connection per process, outside the pool (a LISTEN is session state: a pooled connection, or PgBouncer in
// transaction mode, would lose it), reconnected with backoff when it breaks; a topic's listener is told when the
// connection came back, since what was sent while it was down is gone (NOTIFY is not stored).
// Channels carry the schema's name: several opsdesk databases (the tests' schemas) may share one PostgreSQL database.
import { type Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';

/** PostgreSQL's limit on a NOTIFY payload is 8,000 bytes; ours stay well under it. */
export const notifyPayloadMax = 7_900;

export interface TopicListener {
  /** A payload sent on the topic, in the order the transactions that sent them committed. */
  message(payload: string): void;
  /** The connection broke and is back: anything sent meanwhile was missed. */
  reconnected?(): void;
}

export interface Notifications {
  /** Send `payload` to every listener of `topic` when `trx` commits. */
  notify<DB>(trx: Kysely<DB> | Transaction<DB>, topic: string, payload: string): Promise<void>;
  /**
   * Listen on a topic; resolves once the LISTEN is in force. Rejects when the database cannot be reached, and keeps
   * trying in the background: the listener's `reconnected` is called once it holds. Returns how to stop.
   */
  listen(topic: string, listener: TopicListener): Promise<() => void>;
  close(): Promise<void>;
}

const topicPattern = /^[a-z][a-z0-9_]{0,30}$/;

export function pgNotifications(
  connectionString: string,
  schema: string | undefined,
  log?: { error(details: object, message: string): void; warn?(details: object, message: string): void },
): Notifications {
  const channelOf = (topic: string) => {
    if (!topicPattern.test(topic)) throw new Error(`invalid notification topic ${topic}`);
    return `opsdesk.${schema ?? 'public'}.${topic}`;
  };
  const listeners = new Map<string, Set<TopicListener>>();
  let client: pg.Client | null = null;
  /** The channels the current connection LISTENs on. */
  let listened = new Set<string>();
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let retryMs = 250;
  let retryTimer: NodeJS.Timeout | null = null;

  const quoted = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

  async function connect(): Promise<pg.Client> {
    // Bounded like the pool's connections: a server that does not answer fails this try, and the next one retries.
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
    c.on('notification', (n) => {
      for (const [topic, set] of listeners) {
        if (channelOf(topic) !== n.channel) continue;
        for (const l of set) l.message(n.payload ?? '');
      }
    });
    c.on('error', (err) => {
      log?.error({ err }, 'notifications: the listening connection failed');
      broken(c);
    });
    c.on('end', () => broken(c));
    await c.connect();
    const mine = new Set<string>();
    for (const topic of listeners.keys()) {
      await c.query(`LISTEN ${quoted(channelOf(topic))}`);
      mine.add(channelOf(topic));
    }
    listened = mine;
    return c;
  }

  function broken(c: pg.Client): void {
    if (client !== c) return;
    client = null;
    c.end().catch(() => undefined);
    retrySoon();
  }

  /** Connects again (with backoff) until it holds, then tells every listener what it may have missed. */
  function retrySoon(): void {
    if (closed || retryTimer) return;
    const again = () => {
      retryTimer = null;
      if (closed) return;
      ensure().then(
        () => {
          retryMs = 250;
          for (const set of listeners.values()) for (const l of set) l.reconnected?.();
        },
        (err) => {
          log?.error({ err, retryMs }, 'notifications: reconnecting failed; trying again');
          retryMs = Math.min(retryMs * 2, 10_000);
          retryTimer = setTimeout(again, retryMs);
          retryTimer.unref();
        },
      );
    };
    retryTimer = setTimeout(again, retryMs);
    retryTimer.unref();
  }

  function ensure(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= connect().then(
      (c) => {
        connecting = null;
        if (closed) {
          void c.end().catch(() => undefined);
          throw new Error('notifications closed');
        }
        client = c;
        return c;
      },
      (err) => {
        connecting = null;
        throw err;
      },
    );
    return connecting;
  }

  return {
    async notify(trx, topic, payload) {
      if (Buffer.byteLength(payload) > notifyPayloadMax)
        throw new Error(
          `notification payload of ${Buffer.byteLength(payload)} bytes is over ${notifyPayloadMax}`,
        );
      await sql`SELECT pg_notify(${channelOf(topic)}, ${payload})`.execute(trx);
    },
    async listen(topic, listener) {
      const channel = channelOf(topic);
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      set.add(listener);
      // A new connection LISTENs on every topic known when it opened; a topic added since is asked for here.
      // The first connection failing (the database not up yet) leaves the listener registered: the retries
      // connect, LISTEN, and tell it that messages may have been missed.
      const c = await ensure().catch((err) => {
        retrySoon();
        throw err;
      });
      if (!listened.has(channel)) {
        listened.add(channel);
        await c.query(`LISTEN ${quoted(channel)}`);
      }
      return () => {
        set.delete(listener);
      };
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client ?? (connecting ? await connecting.catch(() => null) : null);
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
