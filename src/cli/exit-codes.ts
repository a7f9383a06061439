// The one place the command line turns a failure into a message and an exit code: 2 for a usage or
// validation problem the caller can fix by changing the command, 1 for everything else. Expected failures
// never print a stack trace; only a bug (an error we did not expect) does.
import { CommanderError } from 'commander';
import { ConfigError } from '../core/config.js';
import { DomainError } from '../core/errors.js';

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/** A command was called wrongly (a missing password on stdin, an unknown group): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command refused or failed for a reason the operator must act on (no stack trace): exit code 1. */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailed';
  }
}

// Errors from the network or PostgreSQL when the database cannot be reached or refuses us.
const unreachable = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
]);
const postgresRefusals: Record<string, string> = {
  '28P01': 'the password was refused',
  '28000': 'the role may not connect',
  '3D000': 'the database does not exist',
  '42501': 'permission denied',
};

export interface FailureReport {
  message: string;
  exitCode: number;
}

export function describeFailure(err: unknown): FailureReport {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (or the help) to the right stream.
    const done = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    return { message: '', exitCode: done ? exitCodes.ok : exitCodes.usage };
  }
  if (err instanceof ConfigError) {
    return { message: `configuration: ${err.message}`, exitCode: exitCodes.usage };
  }
  if (err instanceof UsageError) return { message: err.message, exitCode: exitCodes.usage };
  if (err instanceof CommandFailed) return { message: err.message, exitCode: exitCodes.failure };
  if (err instanceof DomainError) {
    const fields = err.fields
      .map((f) => `\n  ${f.field.replace(/^\//, '') || '(input)'}: ${f.message}`)
      .join('');
    return {
      message: `${err.message}${fields}`,
      exitCode: err.kind === 'invalid' ? exitCodes.usage : exitCodes.failure,
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && unreachable.has(code)) {
    return {
      message: `cannot reach the database (${code}): check DATABASE_URL and that the server is running`,
      exitCode: exitCodes.failure,
    };
  }
  if (typeof code === 'string' && code in postgresRefusals) {
    return {
      message: `PostgreSQL refused the connection: ${postgresRefusals[code]} (${(err as Error).message})`,
      exitCode: exitCodes.failure,
    };
  }
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return {
      message: `cannot listen: ${(err as Error).message} (check HOST and PORT)`,
      exitCode: exitCodes.failure,
    };
  }
  // Not an expected failure: a bug. The stack is what a bug report needs.
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { message: `unexpected error: ${detail}`, exitCode: exitCodes.failure };
}

/** Print the failure on stderr and give the exit code. */
export function reportFailure(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const { message, exitCode } = describeFailure(err);
  if (message) stderr.write(`opsdesk: ${message}\n`);
  return exitCode;
}
