// The `opsdesk` command: its subcommands, options and help. Each action loads its module when it runs, so
// `opsdesk config` does not pay for starting the HTTP stack.
import { Command, InvalidArgumentError, Option } from 'commander';
import { roles } from '../core/auth/index.js';
import { packageVersion } from './package-version.js';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('expected a whole number from 1');
  return Number(value);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const environmentHelp = `
Configuration comes from the environment (see \`opsdesk config\`): OPSDESK_DATA_DIR, DATABASE_URL, HOST,
PORT, OPSDESK_DEMO, OPSDESK_ADMIN_EMAIL, OPSDESK_ADMIN_PASSWORD, OPSDESK_LOG_LEVEL and others.
Exit codes: 0 success, 1 failure, 2 wrong usage or invalid input.`;

export function buildProgram(): Command {
  const program = new Command('opsdesk')
    .description('opsdesk — self-hosted IT operations: help desk, SLAs, on-call, monitoring, assets.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`opsdesk: ${message.replace(/^error: /, '')}`),
    })
    .addHelpText('after', environmentHelp);

  program
    .command('serve')
    .description(
      'Migrate the database, create the first admin, load the demo into an empty database, and serve HTTP on HOST:PORT',
    )
    .addHelpText(
      'after',
      '\nThe first start creates an admin from OPSDESK_ADMIN_EMAIL and OPSDESK_ADMIN_PASSWORD, or prints a one-time\npassword for admin@opsdesk.local. OPSDESK_DEMO=0 skips the demo organisation. Stops cleanly on SIGINT/SIGTERM.',
    )
    .action(async () => (await import('./serve.js')).serveCommand());

  program
    .command('migrate')
    .description('Bring the database schema up to date (serve does this too)')
    .action(async () => (await import('./database-commands.js')).migrateCommand());

  program
    .command('demo')
    .description('Load the demo organisation: 59 people, 3 groups, 8 categories, ~500 tickets over 90 days')
    .option('--force', 'load it even if the database already has tickets')
    .option('--seed <n>', 'another seed gives another (equally reproducible) organisation', positiveInteger)
    .action(async (options: { force?: boolean; seed?: number }) =>
      (await import('./database-commands.js')).demoCommand(options),
    );

  const user = program.command('user').description('Manage user accounts');
  user
    .command('create')
    .description(
      'Create an account; the password is read from standard input (first line), or typed at a terminal',
    )
    .requiredOption('--email <email>', 'sign-in email address')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(roles).makeOptionMandatory())
    .option('--group <name>', 'technician group to join (repeat for several)', collect)
    .addHelpText(
      'after',
      `\nExample:\n  printf '%s\\n' 'a-long-passphrase' | opsdesk user create --email ana@example.com --name "Ana Silva" --role technician --group "Service Desk L1"`,
    )
    .action(
      async (options: { email: string; name: string; role: (typeof roles)[number]; group?: string[] }) =>
        (await import('./account-commands.js')).createUserCommand(options),
    );
  user
    .command('list')
    .description('List accounts')
    .addOption(new Option('--role <role>', 'only this role').choices(roles))
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { role?: (typeof roles)[number]; json?: boolean }) =>
      (await import('./account-commands.js')).listUsersCommand(options),
    );

  const token = program.command('token').description('Manage personal API tokens');
  token
    .command('create')
    .description('Create an API token for a user and print it once (it is stored only as a digest)')
    .requiredOption('--email <email>', "the token owner's email; the token acts with their role")
    .requiredOption('--name <name>', 'what the token is for, e.g. "monitoring integration"')
    .option('--expires-days <days>', 'expire after this many days (default: never)', positiveInteger)
    .action(async (options: { email: string; name: string; expiresDays?: number }) =>
      (await import('./account-commands.js')).createTokenCommand(options),
    );

  program
    .command('backup')
    .description(
      'Write the SQLite database and the attachments to one archive FILE, consistently, while the service runs (PostgreSQL: pg_dump, see docs/backups.md)',
    )
    .argument('<file>', 'the archive to write (a .tar.gz)')
    .option('--force', 'replace FILE if it exists')
    .option(
      '--with-secret-key',
      "include the data folder's secret.key (then keep the archive as safe as the key)",
    )
    .addHelpText(
      'after',
      `
The archive holds the database as of one moment, every stored attachment, and a manifest (opsdesk version,
schema version, time, each member's SHA-256). Restore it with \`opsdesk restore FILE\`.

Example:
  opsdesk backup /var/backups/opsdesk-$(date +%F).tar.gz`,
    )
    .action(async (file: string, options: { force?: boolean; withSecretKey?: boolean }) =>
      (await import('./backup-commands.js')).backupCommand(file, options),
    );

  program
    .command('restore')
    .description(
      'Restore a backup archive into the data folder OPSDESK_DATA_DIR names (SQLite), after checking it whole',
    )
    .argument('<file>', 'the archive `opsdesk backup` wrote')
    .option('--force', 'replace what the data folder holds (stop the service first)')
    .addHelpText(
      'after',
      `
Checks the archive (manifest, each member's SHA-256, SQLite's integrity_check, a schema this opsdesk knows; a
backup from an older opsdesk is migrated) in a folder beside the data folder, then swaps it in. A refused or
failed restore leaves the data folder as it was.`,
    )
    .action(async (file: string, options: { force?: boolean }) =>
      (await import('./backup-commands.js')).restoreCommand(file, options),
    );

  const logs = program.command('logs').description('Log tools: template mining');
  // -- logs: mining (commands) --
  logs
    .command('templates')
    .description("Mine the templates of raw log lines; print each line's final template as JSON lines")
    .option('--input <file>', 'the log file, one message a line (LF or CRLF); - or none reads standard input')
    .option(
      '--format <logformat>',
      "the line header's shape, e.g. '<Date> <Time> <Level> <Component>: <Content>' (loghub notation; <Content> is mined)",
    )
    .option('--output <kind>', 'output format: jsonl', 'jsonl')
    .addHelpText(
      'after',
      `
Without --format each line is read as syslog where it can be, else mined whole; a line that does not match
--format is mined whole. Lines longer than 64 KiB are cut to their first 64 KiB. Prints, for each input line
in order, {"line": n, "templateId": "…", "template": "…"}: the template and id of the line's group once the
whole input is read (variables are <*>).

Example:
  opsdesk logs templates --input HDFS_2k.log --format '<Date> <Time> <Pid> <Level> <Component>: <Content>'`,
    )
    .action(async (options: { input?: string; format?: string; output: string }) =>
      (await import('./logs-command.js')).logsTemplatesCommand(options),
    );

  // -- knowledge base: import and export --
  const kb = program.command('kb').description('Knowledge base: import Markdown/HTML, export as Markdown');
  kb.command('import')
    .description('Import a Markdown file, an HTML file, a zip of them, or a folder tree of them, as articles')
    .argument('<path>', 'a .md, .html, .zip file or a folder')
    .option('--as <email>', 'the manager or admin the import acts as (default: the first admin)')
    .action(async (target: string, options: { as?: string }) =>
      (await import('./kb-command.js')).kbImportCommand(target, options),
    );
  kb.command('export')
    .description('Export every article as Markdown with front matter, with its attachments, into a zip')
    .argument('<file>', 'the zip to write')
    .option('--as <email>', 'the manager or admin the export acts as (default: the first admin)')
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, options: { as?: string; force?: boolean }) =>
      (await import('./kb-command.js')).kbExportCommand(file, options),
    );

  // -- anomaly detection --
  const anomaly = program.command('anomaly').description('Anomaly detection on metric series');
  anomaly
    .command('score')
    .description(
      'Score each row of a timestamp,value CSV series for anomaly, as a stream; print timestamp,value,anomaly_score',
    )
    .option('--input <file>', 'the CSV file (header timestamp,value); - or none reads standard input')
    .option('--output <kind>', 'output format: csv', 'csv')
    .addHelpText(
      'after',
      `
Timestamps may be YYYY-MM-DD HH:MM:SS (UTC), ISO 8601, or epoch seconds or milliseconds, and must not go back.
Each row is scored in [0, 1] from the rows before it only (the detector learns as it reads); NaN values score 0.
A line that cannot be read stops the command with its line number and exit code 2.

Example:
  opsdesk anomaly score --input cpu.csv --output csv > cpu-scored.csv`,
    )
    .action(async (options: { input?: string; output: string }) =>
      (await import('./anomaly-command.js')).anomalyScoreCommand(options),
    );

  // -- moving in from another help desk --
  const imports = program
    .command('import')
    .description('Import people, groups and tickets from another help desk (Zammad, GLPI, osTicket)');
  imports
    .command('zammad')
    .description(
      'Import from Zammad through its REST API; run again to update, or to continue a stopped import',
    )
    .requiredOption('--url <url>', "Zammad's address, e.g. https://desk.example.com")
    .requiredOption('--token <token>', 'a Zammad API token (its owner needs admin.user and ticket.agent)')
    .option('--since <time>', 'only tickets updated since this date or time')
    .option('--dry-run', 'read everything and report, write nothing')
    .option('--as <email>', 'the admin the import acts as (default: the first admin)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Progress goes to stderr, the report to stdout. Each ticket keeps its Zammad number ("zammad 31004", searchable)
and its original times. See docs/import.md for what is carried and how states and priorities map.

Example:
  opsdesk import zammad --url https://desk.example.com --token "$ZAMMAD_TOKEN"`,
    )
    .action(
      async (options: {
        url: string;
        token: string;
        since?: string;
        dryRun?: boolean;
        as?: string;
        json?: boolean;
      }) => (await import('./import-command.js')).importZammadCommand(options),
    );
  imports
    .command('glpi')
    .description(
      'Import from GLPI through its REST API; run again to update, or to continue a stopped import',
    )
    .requiredOption(
      '--url <url>',
      "GLPI's address or its apirest.php, e.g. https://glpi.example.com/apirest.php",
    )
    .option('--app-token <token>', "the API client's App-Token (Setup → General → API), if it has one")
    .requiredOption(
      '--user-token <token>',
      'the remote access key of a GLPI user who may read users and every ticket',
    )
    .option('--since <time>', 'only tickets modified since this date or time')
    .option('--dry-run', 'read everything and report, write nothing')
    .option('--as <email>', 'the admin the import acts as (default: the first admin)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Progress goes to stderr, the report to stdout. Each ticket keeps its GLPI number ("glpi 1042", searchable) and its
original times. See docs/import.md for what is carried and how statuses, urgency and impact map.

Example:
  opsdesk import glpi --url https://glpi.example.com/apirest.php --app-token "$GLPI_APP_TOKEN" --user-token "$GLPI_USER_TOKEN"`,
    )
    .action(
      async (options: {
        url: string;
        appToken?: string;
        userToken: string;
        since?: string;
        dryRun?: boolean;
        as?: string;
        json?: boolean;
      }) => (await import('./import-command.js')).importGlpiCommand(options),
    );
  imports
    .command('osticket')
    .description(
      'Import from an osTicket database export (its API cannot read tickets); run again with a fresh dump to update',
    )
    .requiredOption(
      '--file <dump.sql>',
      'mysqldump --no-create-info --complete-insert --hex-blob of the osTicket database',
    )
    .option('--instance <name>', 'names this osTicket, so a fresh dump of it updates (default "default")')
    .option('--prefix <prefix>', "the tables' prefix chosen at installation (default ost_)")
    .option('--since <time>', 'only tickets updated since this date or time')
    .option('--dry-run', 'read everything and report, write nothing')
    .option('--as <email>', 'the admin the import acts as (default: the first admin)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Progress goes to stderr, the report to stdout. See docs/import.md for how to make the dump, what is carried and
how statuses and priorities map.

Example:
  mysqldump --no-create-info --complete-insert --hex-blob osticket > osticket.sql
  opsdesk import osticket --file osticket.sql`,
    )
    .action(
      async (options: {
        file: string;
        instance?: string;
        prefix?: string;
        since?: string;
        dryRun?: boolean;
        as?: string;
        json?: boolean;
      }) => (await import('./import-command.js')).importOsTicketCommand(options),
    );

  program
    .command('config')
    .description('Print the effective configuration as JSON, with secrets masked')
    .action(async () => (await import('./config-command.js')).configCommand());

  return program;
}
