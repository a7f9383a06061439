// IMAP polling (mail in, for organisations whose mail lives elsewhere): every OPSDESK_IMAP_POLL_SECONDS the
// poller fetches unseen messages, stores each through the same ingestion as SMTP, and only then marks it
// \Seen (or moves it to OPSDESK_IMAP_MOVE_TO). A message that could not be stored stays unseen and is
// fetched again; one fetched twice, or also sent by SMTP, is processed once (the Message-ID claim).
import type { ServiceContext } from '../core/context.js';
import { receiveMail, refuseTooLarge } from '../mail/index.js';

export interface ImapPollResult {
  fetched: number;
  stored: number;
  failed: number;
}

export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

export function parseImapUrl(url: string): ImapTarget {
  const u = new URL(url);
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:')
    throw new Error('OPSDESK_IMAP_URL: expected imap:// or imaps://');
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/** One poll: connect, take every unseen message, store it, mark it, log out. */
export async function pollImapOnce(
  ctx: ServiceContext,
  url: string,
  moveTo: string | null = ctx.config.imapMoveTo,
): Promise<ImapPollResult> {
  const target = parseImapUrl(url);
  const result: ImapPollResult = { fetched: 0, stored: 0, failed: 0 };
  // imapflow (7 MB of memory once loaded) is loaded by the first poll: most services take mail over SMTP.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.secure,
    auth: { user: target.user, pass: target.pass },
    logger: false,
  });
  client.on('error', (err: Error) => ctx.log.warn({ err }, 'imap: connection error'));
  await client.connect();
  try {
    const lock = await client.getMailboxLock(target.mailbox);
    try {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        result.fetched += 1;
        try {
          const msg = await client.fetchOne(
            String(uid),
            { uid: true, size: true, envelope: true },
            { uid: true },
          );
          if (msg && (msg.size ?? 0) > ctx.config.mailMaxBytes) {
            await refuseTooLarge(ctx, { source: 'imap', sizeBytes: msg.size ?? 0 });
          } else {
            const full = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
            if (full === false || !full.source) throw new Error(`imap: message ${uid} has no source`);
            await receiveMail(ctx, { source: 'imap', raw: full.source });
          }
          // Stored (or logged as refused): only now is it taken off the server's unseen list.
          if (moveTo) await client.messageMove(String(uid), moveTo, { uid: true });
          else await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
          result.stored += 1;
        } catch (err) {
          result.failed += 1;
          ctx.log.error({ err, uid }, 'imap: message not stored; it stays unseen for the next poll');
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  if (result.fetched > 0) ctx.log.info(result, 'imap poll');
  return result;
}
