// Raw RFC 5322 messages for the mail tests, built by code: a header block, a blank line, a body.
let counter = 0;

export interface MailSpec {
  from: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

export function uniqueId(tag = 'm'): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}.${counter}@client.example.test`;
}

export function rawMail(spec: MailSpec): Buffer {
  const id = spec.messageId === undefined ? uniqueId() : spec.messageId;
  const head: string[] = [
    `From: ${spec.from}`,
    `To: ${spec.to ?? 'helpdesk@opsdesk.local'}`,
    `Subject: ${spec.subject ?? 'Printer jams'}`,
    'Date: Mon, 02 Mar 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
  ];
  if (id) head.push(`Message-ID: <${id}>`);
  if (spec.inReplyTo) head.push(`In-Reply-To: ${spec.inReplyTo}`);
  if (spec.references) head.push(`References: ${spec.references}`);
  for (const [k, v] of Object.entries(spec.headers ?? {})) head.push(`${k}: ${v}`);
  const body = spec.body ?? 'The printer on floor 3 jams on every page.';
  if (!spec.attachments?.length) {
    head.push('Content-Type: text/plain; charset=utf-8');
    return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`);
  }
  const boundary = `b${Date.now().toString(36)}`;
  head.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
    ...spec.attachments.map(
      (a) =>
        `--${boundary}\r\nContent-Type: ${a.contentType}; name="${a.filename}"\r\nContent-Disposition: attachment; filename="${a.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${a.content.toString('base64').replace(/(.{76})/g, '$1\r\n')}\r\n`,
    ),
    `--${boundary}--\r\n`,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${parts.join('')}`);
}

export const pngBytes = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
