// A real HTTP receiver for webhook tests: a node:http server on 127.0.0.1 and a free port that records what
// it is sent and answers with the statuses it is told to (the last one repeats).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Answer the next requests with these statuses, in order; the last one repeats. */
  answer(...statuses: number[]): void;
  /** Stop answering at all (to exercise the timeout). */
  hang(): void;
  /** Send this Retry-After with every 429 and 503 from now on (null: none). */
  retryAfter(value: string | null): void;
  close(): Promise<void>;
}

export async function startReceiver(...statuses: number[]): Promise<Receiver> {
  let queue = statuses.length > 0 ? statuses : [200];
  let hanging = false;
  let retryAfter: string | null = null;
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (hanging) return;
      const status = queue.length > 1 ? (queue.shift() as number) : queue[0];
      const wait =
        retryAfter !== null && (status === 429 || status === 503) ? { 'retry-after': retryAfter } : {};
      res.writeHead(status, { 'content-type': 'text/plain', ...wait });
      res.end(status >= 400 ? `receiver says ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/opsdesk`,
    received,
    answer: (...next: number[]) => {
      queue = next;
      hanging = false;
    },
    hang: () => {
      hanging = true;
    },
    retryAfter: (value) => {
      retryAfter = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
