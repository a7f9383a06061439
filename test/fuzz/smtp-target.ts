// The SMTP-listener target: the real listener (startSmtpListener over a fresh SQLite file, a known sender) takes each
// input as the client's side of a conversation — commands, DATA, the message, the end dot — written to a real socket
// on 127.0.0.1. What it answers decides the outcome: 250 after the message is ok, a 5xx a rejection; a 451 (the
// message could not be stored: an exception inside the mail pipeline) or a connection dropped without an answer is a
// crash. Its own file, so that only its worker loads a database.
import net from 'node:net';
import { createUser } from '../../src/core/auth/index.js';
import { startSmtpListener } from '../../src/ingest/smtp.js';
import { makeContext } from '../support/context.js';
import type { FuzzTarget } from './targets.js';

/** How long a conversation may stay quiet before the client hangs up (BDAT, say, may wait for more bytes). */
const idleMs = 1_000;

/** The codes of the server's final reply lines, in order (continuation lines, "250-…", are skipped). */
function replyCodes(text: string): string[] {
  return [...text.matchAll(/^(\d{3}) /gm)].map((m) => m[1] as string);
}

function converse(port: number, input: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), idleMs);
    };
    let greeted = false;
    socket.on('connect', idle);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      idle();
      // The client speaks once greeted (the server refuses one that talks first). Whatever state the conversation
      // is then left in, the tail ends it: a message in DATA ends at the dot, and QUIT has the server answer and
      // close. The socket is not half-closed: the server would drop its last (stored) answer.
      if (!greeted && Buffer.concat(chunks).includes('\r\n')) {
        greeted = true;
        socket.write(Buffer.concat([input, Buffer.from('\r\n.\r\nQUIT\r\n')]));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server closing first while the client still writes is a normal end of a bad conversation.
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

export const smtpListener: FuzzTarget = {
  name: 'smtp',
  what: 'an SMTP conversation with the real listener on 127.0.0.1 (smtp-server, the mail pipeline, the database)',
  // The listener's OPSDESK_MAIL_MAX_BYTES as the target sets it, with room for the commands.
  maxBytes: 300_000,
  tokens: [
    'EHLO fuzz\r\n',
    'HELO x\r\n',
    'MAIL FROM:<',
    'RCPT TO:<',
    '>\r\n',
    ' SIZE=999999999',
    ' BODY=8BITMIME',
    'DATA\r\n',
    '\r\n.\r\n',
    '\r\n..',
    'RSET\r\n',
    'NOOP\r\n',
    'QUIT\r\n',
    'AUTH PLAIN AGFAAGE=\r\n',
    'STARTTLS\r\n',
    'BDAT 10 LAST\r\n',
    'From: ',
    'Subject: ',
    'Content-Type: multipart/mixed; boundary="b"\r\n',
    '--b\r\n',
    '\r\n\r\n',
    '\n',
    '<>',
  ],
  async open() {
    const t = await makeContext('sqlite', {
      OPSDESK_SMTP_PORT: '0',
      OPSDESK_MAIL_FROM: 'helpdesk@opsdesk.example.test',
      OPSDESK_MAIL_MAX_BYTES: '200000',
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
    });
    await createUser(t.ctx, null, {
      email: 'anna@example.test',
      name: 'Anna',
      role: 'requester',
      password: 'requester-pw-1',
    });
    const listener = await startSmtpListener(t.ctx, { host: '127.0.0.1', port: 0 });
    return {
      async run(input) {
        const answer = await converse(listener.port, input);
        const codes = replyCodes(answer);
        if (codes[0] !== '220') throw new Error(`no greeting: ${JSON.stringify(answer.slice(0, 200))}`);
        if (codes.includes('451'))
          throw new Error(
            `the listener could not store a message (451): ${JSON.stringify(answer.slice(-300))}`,
          );
        const last = codes.filter((c) => c !== '221').at(-1) ?? '220';
        return last.startsWith('2') ? `ok:${last}` : `rejected:${last}`;
      },
      async close() {
        await listener.close();
        await t.close();
      },
    };
  },
};
