// A TCP proxy on a loopback port in front of a PostgreSQL server, standing for what sits between the service and
// its database in production (a network, a virtual IP, a pooler): the tests make the database go away by
// stopping it, or move it to another server (a failover) by pointing new connections elsewhere.
import net from 'node:net';

export interface TcpProxy {
  /** The database URL with the proxy's port in place of the server's. */
  url: string;
  /** The database goes away: open connections are cut and new ones refused. */
  stop(): Promise<void>;
  /** Open connections are cut; new ones go to this port (the failover's new primary). */
  retarget(port: number): void;
}

export async function startProxy(databaseUrl: string): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  let port = Number(target.port || 5432);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, target.hostname);
    // Either side gone (the server died, the client hung up) ends the other, as a dropped connection does.
    for (const [s, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        other.destroy();
      });
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.href,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    retarget: (to) => {
      port = to;
      for (const s of sockets) s.destroy();
    },
  };
}
