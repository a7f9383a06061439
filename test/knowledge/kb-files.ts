// Files for the knowledge base's transfer tests: a multipart upload through the real app, a tiny PNG, and the
// text a PDF draws (pdfkit writes it as hex strings in TJ arrays when compression is off).
import { inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Session } from '../support/http.js';

/** A 1×1 transparent PNG. */
export const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, unknown>;
  raw: Buffer;
}

/** POST one file as multipart/form-data (field "file") as the session's user. */
export async function upload(
  app: FastifyInstance,
  session: Session | null,
  url: string,
  file: { name: string; type: string; content: Buffer | string },
): Promise<Answer> {
  const boundary = '----opsdesk-kb-test';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
    },
    payload,
  });
  const type = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    body: type.includes('json') ? res.json() : res.body,
    headers: res.headers,
    raw: res.rawPayload,
  };
}

/** GET as the session's user, keeping the bytes. */
export async function download(app: FastifyInstance, session: Session, url: string): Promise<Answer> {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${session.token}` } });
  const type = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    body: type.includes('json') ? res.json() : res.body,
    headers: res.headers,
    raw: res.rawPayload,
  };
}

/**
 * The text a PDF draws, page content streams inflated where compressed: the hex strings of its TJ and Tj
 * operators decoded as Windows-1252 (the built-in fonts' encoding), one line per operator.
 */
// Windows-1252's printable C1 range (Node's TextDecoder may read the label as Latin-1).
const winAnsiC1: Record<number, string> = {
  128: '€',
  133: '…',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
};
const winAnsi = { decode: (b: Buffer) => [...b].map((c) => winAnsiC1[c] ?? String.fromCharCode(c)).join('') };

export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /<<([\s\S]*?)>>\s*stream\r?\n/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const start = m.index + m[0].length;
    const end = source.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    if (m[1].includes('/FlateDecode')) {
      try {
        streams.push(inflateSync(bytes).toString('latin1'));
      } catch {
        // Not a content stream we can read (a font, an image): no text in it.
      }
    } else streams.push(bytes.toString('latin1'));
  }
  const lines: string[] = [];
  for (const s of streams)
    for (const op of s.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex =
        op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('') : op[2];
      lines.push(winAnsi.decode(Buffer.from(hex, 'hex')));
    }
  return lines.join('\n');
}
