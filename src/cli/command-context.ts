// What a one-shot command (migrate, demo, user, token, backup) needs: the validated configuration and an
// open service context, closed again however the command ends. Logs go to stderr at warn level, so a
// command's stdout holds only its answer and can be piped.
import pino from 'pino';
import { type Config, loadConfig } from '../core/config.js';
import type { ServiceContext } from '../core/context.js';
import type { DbCapabilities } from '../core/db/index.js';
import { openContext } from '../core/runtime.js';

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
  const log = pino({ level: quiet }, pino.destination(2));
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
