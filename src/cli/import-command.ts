// `opsdesk import zammad --url … --token …` (and `import glpi`, `import osticket`): moving a help desk's people, groups and tickets in, with progress on
// stderr and, on stdout, the report (counts; what could not be carried and why). Acting as the admin named by
// --as (the first active admin when none is named). A killed import continues where it stopped when run again.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import {
  GlpiSource,
  ImportFailed,
  type ImportReport,
  type ImportSource,
  OsTicketSource,
  runImport,
  ZammadSource,
} from '../import/index.js';
import { actingAccount, note, say, withContext } from './command-context.js';
import { CommandFailed, UsageError } from './exit-codes.js';

async function importingAdmin(ctx: ServiceContext, email: string | undefined): Promise<Actor> {
  const { user, actor } = await actingAccount(ctx, email, 'name one with --as <email>');
  if (user.role !== 'admin') throw new UsageError(`${user.email} is a ${user.role}: only an admin imports`);
  return actor;
}

function parseSince(since: string | undefined): number | null {
  if (since === undefined) return null;
  const ms = Date.parse(since);
  if (Number.isNaN(ms))
    throw new UsageError(
      `--since ${since}: expected a date or time, e.g. 2026-01-31 or 2026-01-31T08:00:00Z`,
    );
  return ms;
}

/** The report as a person reads it; the list of what was not carried in full (it is what they must check). */
export function printReport(report: ImportReport): void {
  const verb = report.dryRun ? 'would import' : 'imported';
  say(`${report.source}: ${verb}`);
  say(`  people       ${report.people.created} new, ${report.people.updated} already here`);
  say(`  groups       ${report.groups.created} new, ${report.groups.updated} already here`);
  say(`  tickets      ${report.tickets.created} new, ${report.tickets.updated} updated`);
  say(`  comments     ${report.comments} new`);
  say(`  attachments  ${report.attachments} new`);
  const resumed = Object.entries(report.resumedFrom);
  if (resumed.length > 0)
    say(`  continued an earlier run after ${resumed.map(([r, c]) => `${r} page ${c}`).join(', ')}`);
  if (report.notCarried.length === 0) say('Everything was carried.');
  else {
    say(`Not carried as it was (${report.notCarried.length}):`);
    for (const line of report.notCarried) say(`  - ${line}`);
  }
}

async function importFrom(
  source: ImportSource,
  options: { dryRun?: boolean; as?: string; json?: boolean },
): Promise<void> {
  await withContext(async ({ ctx }) => {
    const importer = await importingAdmin(ctx, options.as);
    const started = Date.now();
    let last = 0;
    let lastResource = '';
    try {
      const report = await runImport(ctx, source, importer, {
        dryRun: options.dryRun,
        progress: ({ resource, page, done }) => {
          // One line per page is plenty on a terminal; tickets at most two a second, the first page always.
          if (resource === 'tickets' && lastResource === resource && Date.now() - last < 500) return;
          last = Date.now();
          lastResource = resource;
          const seconds = (Date.now() - started) / 1000;
          note(`${resource}: page ${page}, ${done} so far (${seconds.toFixed(1)} s)`);
        },
      });
      note(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (options.json) say(JSON.stringify(report, null, 2));
      else printReport(report);
    } catch (err) {
      if (err instanceof ImportFailed) throw new CommandFailed(`import from ${source.key}: ${err.message}`);
      throw err;
    }
  });
}

export async function importZammadCommand(options: {
  url: string;
  token: string;
  since?: string;
  dryRun?: boolean;
  as?: string;
  json?: boolean;
}): Promise<void> {
  let source: ZammadSource;
  try {
    source = new ZammadSource({ url: options.url, token: options.token, since: parseSince(options.since) });
  } catch (err) {
    if (err instanceof ImportFailed) throw new UsageError(err.message);
    throw err;
  }
  await importFrom(source, options);
}

export async function importGlpiCommand(options: {
  url: string;
  appToken?: string;
  userToken: string;
  since?: string;
  dryRun?: boolean;
  as?: string;
  json?: boolean;
}): Promise<void> {
  let source: GlpiSource;
  try {
    source = new GlpiSource({
      url: options.url,
      appToken: options.appToken ?? null,
      userToken: options.userToken,
      since: parseSince(options.since),
    });
  } catch (err) {
    if (err instanceof ImportFailed) throw new UsageError(err.message);
    throw err;
  }
  await importFrom(source, options);
}

export async function importOsTicketCommand(options: {
  file: string;
  instance?: string;
  prefix?: string;
  since?: string;
  dryRun?: boolean;
  as?: string;
  json?: boolean;
}): Promise<void> {
  if (options.prefix !== undefined && !/^[A-Za-z0-9_]{0,32}$/.test(options.prefix))
    throw new UsageError(`--prefix ${options.prefix} is not a table prefix (letters, digits and _)`);
  let source: OsTicketSource;
  try {
    source = new OsTicketSource({
      file: options.file,
      instance: options.instance,
      prefix: options.prefix,
      since: parseSince(options.since),
    });
  } catch (err) {
    if (err instanceof ImportFailed) throw new UsageError(err.message);
    throw err;
  }
  await importFrom(source, options);
}
