// What a one-shot command (migrate, demo, user, token, backup) needs: the validated configuration and an
// open service context, closed again however the command ends. Logs go to stderr at warn level, so a
// command's stdout holds only its answer and can be piped.
import pino from 'pino';
import { actorForUser, listUsers, normaliseEmail, systemActor } from '../core/auth/index.js';
import { type Config, loadConfig } from '../core/config.js';
import type { ServiceContext } from '../core/context.js';
import type { DbCapabilities } from '../core/db/index.js';
import { serviceLoggerOptions } from '../core/logging.js';
import { openContext } from '../core/runtime.js';
import { UsageError } from './exit-codes.js';

export interface CommandContext {
  ctx: ServiceContext;
  caps: DbCapabilities;
  config: Config;
  applied: string[];
}

export async function withContext<T>(
  run: (c: CommandContext) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const quiet = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const log = pino(serviceLoggerOptions(quiet), pino.destination(2));
  const opened = await openContext(config, { log, migrate: options.migrate });
  try {
    return await run({ ctx: opened.ctx, caps: opened.handle.caps, config, applied: opened.applied });
  } finally {
    await opened.close();
  }
}

/** Write one line to stdout. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Write one line to stderr: notes for the person, not the command's answer. */
export function note(line = ''): void {
  process.stderr.write(`${line}\n`);
}

// Reads by the service itself (finding the acting account); nothing read here is written back.
const reader = systemActor(0);

/**
 * The account a command acts as: the active one named by --as, else the first active admin. `hint` ends the
 * message when no admin exists ("name one with --as <email>").
 */
export async function actingAccount(ctx: ServiceContext, email: string | undefined, hint: string) {
  const wanted = email === undefined ? undefined : normaliseEmail(email);
  const users = await listUsers(ctx, reader, {
    limit: 50,
    active: true,
    ...(wanted ? { q: wanted } : { role: 'admin' }),
  });
  const user = wanted ? users.find((u) => u.email === wanted) : users[0];
  if (!user) throw new UsageError(wanted ? `no active account ${wanted}` : `no active admin: ${hint}`);
  return { user, actor: actorForUser(user) };
}
