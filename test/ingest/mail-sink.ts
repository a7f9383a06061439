// An SMTP sink for outbound mail tests: a real SMTP server on a free port that keeps every message it is
// sent (parsed), and can answer the next message to an address with a temporary failure to exercise retries.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMail {
  to: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface MailSink {
  port: number;
  url: string;
  mails: SinkMail[];
  /** Answer the next message to this address with 451 (once). */
  failNextTo: string | null;
  waitFor(predicate: (m: SinkMail) => boolean, timeoutMs?: number): Promise<SinkMail>;
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const sink = { mails: [] as SinkMail[], failNextTo: null as string | null };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (sink.failNextTo && session.envelope.rcptTo.some((r) => r.address === sink.failNextTo)) {
          sink.failNextTo = null;
          const err = Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 });
          return done(err);
        }
        const raw = Buffer.concat(chunks);
        sink.mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          parsed: await simpleParser(raw),
          raw: raw.toString(),
        });
        done();
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
  );
  return Object.assign(sink, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    async waitFor(predicate: (m: SinkMail) => boolean, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = sink.mails.find(predicate);
        if (hit) return hit;
        if (Date.now() > until)
          throw new Error(
            `no such mail in the sink; it holds: ${sink.mails.map((m) => `${m.to} ${m.parsed.subject}`).join(' | ')}`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
