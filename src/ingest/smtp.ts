// The built-in SMTP listener (mail in). It answers 250 only once the message is stored in the database, so
// nothing acknowledged is lost; a message over OPSDESK_MAIL_MAX_BYTES (advertised with SIZE) gets 552,
// malformed MIME 554 and an unknown sender (when refused by setting) 550 — each with the reason, counted
// and logged. Automated mail (out-of-office, bounces, loops) and mail whose sender is in doubt are accepted
// and set aside, never answered with a bounce. A relay listed in OPSDESK_SMTP_RELAYS may authenticate (SMTP
// AUTH); its mail then counts as verified. The 250 text never names a ticket: the client may be anyone.
// Overload: past OPSDESK_SMTP_MAX_CLIENTS connections a new one gets 421; while the channel's budget (messages
// stored at once, and waiting) is full, MAIL FROM gets 451 4.3.2 before any message is read, and a message that
// finds it full when its DATA ends gets the same: a temporary failure, which the sending server retries.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { ServiceContext } from '../core/context.js';
import { IngestBudget } from '../core/ingest-budget.js';
import { type InboundOutcome, receiveMail, refuseTooLarge, relayForCredential } from '../mail/index.js';

export interface SmtpListener {
  port: number;
  /** Messages by outcome: processed, received (stored, to retry), or the reject reason; `shed` when too busy. */
  counts: Map<string, number>;
  /** The channel's budget: messages being stored and waiting, admitted and shed. */
  budget: IngestBudget;
  close(): Promise<void>;
}

type SmtpError = Error & { responseCode?: number };

function smtpError(code: number, message: string): SmtpError {
  const err: SmtpError = new Error(message.replace(/[\r\n]+/g, ' ').slice(0, 400));
  err.responseCode = code;
  return err;
}

/** The SMTP answer to an outcome. */
export function smtpReply(outcome: InboundOutcome): { code: number; message: string } {
  if (outcome.status === 'processed') {
    return { code: 250, message: `2.0.0 Ok: ${outcome.reason}, queued as ${outcome.inboundId}` };
  }
  if (outcome.status === 'received') return { code: 250, message: '2.0.0 Ok: stored, queued for processing' };
  switch (outcome.reason) {
    case 'too_large':
      return { code: 552, message: `5.3.4 Message too big: ${outcome.detail}` };
    case 'malformed':
      return { code: 554, message: `5.6.0 Malformed message: ${outcome.detail}` };
    case 'unknown_sender':
    case 'inactive_sender':
      return { code: 550, message: `5.7.1 Sender refused: ${outcome.detail}` };
    case 'sender_mismatch':
    case 'unverified_sender':
    case 'unknown_domain':
      // Kept for an admin's review; a bounce would go to an address that may be forged.
      return { code: 250, message: `2.0.0 Ok: accepted, set aside for review (${outcome.reason})` };
    default:
      // Automated mail and loops are taken and set aside: a refusal would only feed the loop a bounce.
      return { code: 250, message: `2.0.0 Ok: accepted, not filed (${outcome.reason})` };
  }
}

export async function startSmtpListener(
  ctx: ServiceContext,
  options: { host?: string; port?: number } = {},
): Promise<SmtpListener> {
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const max = ctx.config.mailMaxBytes;
  const budget = new IngestBudget('smtp', ctx.config.ingestMaxInFlight, ctx.config.ingestMaxQueued);
  const tooBusy = () => {
    count('shed');
    return smtpError(451, '4.3.2 Too busy to take mail now; try again later');
  };

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    done: (err?: Error | null, message?: string) => void,
  ) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    stream.on('error', (err) => {
      count('stream_error');
      ctx.log.warn({ err }, 'smtp: data stream failed');
    });
    stream.on('end', () => {
      const entry = budget.enter();
      if (entry === null) {
        done(tooBusy());
        return;
      }
      const slot = 'slot' in entry ? Promise.resolve(entry.slot) : entry.wait;
      // Paging and SLA clocks first (core/foreground-work.ts): the message waits, held, for its turn to be stored.
      void slot.then(async (release) => {
        await ctx.foreground.yieldTo();
        store(release);
      });
    });
    const store = (release: () => void) => {
      const envelopeFrom =
        session.envelope.mailFrom === false ? '' : (session.envelope.mailFrom?.address ?? null);
      const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
      const work =
        stream.sizeExceeded || size > max
          ? refuseTooLarge(ctx, { source: 'smtp', sizeBytes: size, envelopeFrom, envelopeTo })
          : receiveMail(ctx, {
              source: 'smtp',
              raw: Buffer.concat(chunks),
              envelopeFrom,
              envelopeTo,
              clientAddress: session.remoteAddress ?? null,
              smtpRelay: typeof session.user === 'string' ? session.user : null,
            });
      work.finally(release).then(
        (outcome) => {
          count(outcome.status === 'rejected' ? (outcome.reason ?? 'rejected') : outcome.status);
          const reply = smtpReply(outcome);
          if (reply.code === 250) done(null, reply.message);
          else done(smtpError(reply.code, reply.message));
        },
        (err) => {
          // Not stored: say so with a temporary failure, and the sending server tries again later.
          count('store_failed');
          ctx.log.error({ err }, 'smtp: could not store an inbound mail');
          done(smtpError(451, '4.3.0 Temporary failure storing the message; try again later'));
        },
      );
    };
  };

  const relays = ctx.config.smtpRelays.length > 0;
  const server = new SMTPServer({
    size: max,
    authOptional: true,
    // AUTH only where relays are configured. The listener has no TLS: it belongs on a private network or
    // behind the MTA that relays to it (README, Email), so a relay's credential travels there in the clear.
    disabledCommands: relays ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: relays,
    onAuth(auth, _session, callback) {
      const relay = relayForCredential(ctx.config, auth.username ?? '', auth.password ?? '');
      if (!relay) {
        count('auth_failed');
        ctx.log.warn({ username: auth.username?.slice(0, 64) }, 'smtp: relay authentication failed');
        return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      }
      callback(null, { user: relay });
    },
    banner: 'opsdesk mail in',
    logger: false,
    maxClients: ctx.config.smtpMaxClients,
    onMailFrom(_address, _session, callback) {
      // Refused before the message is read: a full channel costs the sender one line, not its whole message.
      if (budget.full()) {
        budget.countShed();
        return callback(tooBusy());
      }
      callback();
    },
    onData,
  });
  server.on('error', (err) => ctx.log.warn({ err }, 'smtp: connection error'));
  const host = options.host ?? ctx.config.smtpHost;
  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(options.port ?? ctx.config.smtpPort, host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  ctx.log.info({ host, port, maxBytes: max }, 'smtp listener started');
  return {
    port,
    counts,
    budget,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
