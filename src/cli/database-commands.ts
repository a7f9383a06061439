// `opsdesk migrate` and `opsdesk demo`: the database's upkeep from the command line (backups: backup-commands.ts).
import { demoAccounts, demoPassword, hasTickets, loadDemoOrganisation } from '../demo/index.js';
import { note, say, withContext } from './command-context.js';
import { CommandFailed } from './exit-codes.js';

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
