// `opsdesk migrate`, `opsdesk demo` and `opsdesk backup`: the database's upkeep from the command line.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { sqliteFileOf } from '../core/runtime.js';
import { demoAccounts, demoPassword, hasTickets, loadDemoOrganisation } from '../demo/index.js';
import { note, say, withContext } from './command-context.js';
import { CommandFailed, UsageError } from './exit-codes.js';

export async function migrateCommand(): Promise<void> {
  await withContext(async ({ applied, caps }) => {
    if (applied.length === 0) say(`${caps.label}: the schema is up to date.`);
    else
      say(
        `${caps.label}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: ${applied.join(', ')}`,
      );
  });
}

export async function demoCommand(options: { force?: boolean; seed?: number }): Promise<void> {
  await withContext(async ({ ctx, caps }) => {
    if (!options.force && (await hasTickets(ctx))) {
      throw new CommandFailed(
        'the database already has tickets; the demo is meant for an empty one (add --force to load it anyway)',
      );
    }
    note(`Loading the demo organisation into ${caps.label}…`);
    const summary = await loadDemoOrganisation(ctx, { seed: options.seed });
    say(
      `Loaded ${summary.users} users, ${summary.groups} groups, ${summary.categories} categories, ${summary.tickets} tickets and ${summary.comments} comments in ${(summary.elapsedMs / 1000).toFixed(1)} s.`,
    );
    say(demoSignIns());
  });
}

export function demoSignIns(): string {
  const lines = demoAccounts.map((a) => `  ${a.role.padEnd(11)} ${a.email}`);
  return [`Demo accounts (password "${demoPassword}" for all):`, ...lines].join('\n');
}

export async function backupCommand(file: string, options: { force?: boolean }): Promise<void> {
  const target = path.resolve(file);
  if (fs.existsSync(target) && !options.force)
    throw new UsageError(`${target} exists; choose another file or add --force to replace it`);
  const config = loadConfig();
  if (!config.databaseUrl && !fs.existsSync(sqliteFileOf(config))) {
    throw new CommandFailed(
      `there is no database at ${sqliteFileOf(config)} to back up (check OPSDESK_DATA_DIR)`,
    );
  }
  // No migration: a backup must not change the database it copies.
  await withContext(
    async ({ caps }) => {
      if (!caps.backup) {
        throw new CommandFailed(
          `${caps.label} is backed up with PostgreSQL's own tools, not by opsdesk. Run:\n` +
            `  pg_dump --format=custom --file=${shellQuote(target)} "$DATABASE_URL"\n` +
            `and restore with: pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${shellQuote(target)}`,
        );
      }
      if (options.force) fs.rmSync(target, { force: true });
      const started = performance.now();
      await caps.backup(target);
      const size = fs.statSync(target).size;
      say(
        `Backed up ${caps.label} to ${target} (${formatBytes(size)}, ${Math.round(performance.now() - started)} ms).`,
      );
    },
    { migrate: false },
  );
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
