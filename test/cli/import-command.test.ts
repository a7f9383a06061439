// `opsdesk import zammad` (and glpi, osticket) as an operator runs it: a real process over a SQLite data folder
// imports the local Zammad or GLPI, with progress on stderr and the report on stdout; a wrong token, an unreachable address or a URL that
// is not one ends with a message and a non-zero exit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { loadConfig } from '../../src/core/config.js';
import { openContext } from '../../src/core/runtime.js';
import { type GlpiServer, glpiFixture, startGlpi } from '../support/glpi-server.js';
import { osTicketTables, writeDump } from '../support/osticket-dump.js';
import { startZammad, type ZammadServer, zammadFixture } from '../support/zammad-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');

function runOpsdesk(
  dataDir: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OPSDESK_DATA_DIR: dataDir,
      OPSDESK_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A data folder with one admin, as `opsdesk user add` leaves it. */
async function dataFolderWithAdmin(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-import-cli-'));
  const opened = await openContext(loadConfig({ OPSDESK_DATA_DIR: dir, OPSDESK_LOG_LEVEL: 'silent' }), {
    log: pino({ level: 'silent' }),
  });
  await createUser(opened.ctx, null, { email: 'admin@opsdesk.example', name: 'Admin', role: 'admin' });
  await opened.close();
  return dir;
}

describe('opsdesk import zammad', () => {
  let dataDir: string;
  let zammad: ZammadServer;

  const opsdesk = (args: string[]) => runOpsdesk(dataDir, args);

  beforeAll(async () => {
    dataDir = await dataFolderWithAdmin();
    zammad = await startZammad(zammadFixture());
  });

  afterAll(async () => {
    await zammad.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports, shows its progress on stderr and prints the report', async () => {
    const run = await opsdesk(['import', 'zammad', '--url', zammad.url, '--token', zammad.token]);
    expect(run.stderr).toMatch(/tickets: page 1, 7 so far/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('tickets      7 new, 0 updated');
    expect(run.stdout).toContain('comments     15 new');
    expect(run.stdout).toContain('attachments  2 new');
    expect(run.stdout).toContain('ticket 31006: state "waiting for vendor" has no equivalent here');
    const again = await opsdesk(['import', 'zammad', '--url', zammad.url, '--token', zammad.token, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).tickets).toEqual({ created: 0, updated: 7 });
  }, 180_000);

  it('a wrong token, an unreachable address or a bad URL ends with a message and a non-zero exit', async () => {
    const token = await opsdesk(['import', 'zammad', '--url', zammad.url, '--token', 'nope']);
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('refused the credentials (HTTP 401): check the token');
    const away = await opsdesk(['import', 'zammad', '--url', 'http://127.0.0.1:9', '--token', 'x']);
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(/opsdesk: import from zammad:http:\/\/127\.0\.0\.1:9: cannot reach/);
    const bad = await opsdesk(['import', 'zammad', '--url', 'not a url', '--token', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--url not a url is not a URL');
    const since = await opsdesk(['import', 'zammad', '--url', zammad.url, '--token', 'x', '--since', 'soon']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since soon: expected a date or time');
  }, 240_000);
});

describe('opsdesk import glpi', () => {
  let dataDir: string;
  let glpi: GlpiServer;
  const opsdesk = (args: string[]) => runOpsdesk(dataDir, args);

  beforeAll(async () => {
    dataDir = await dataFolderWithAdmin();
    glpi = await startGlpi(glpiFixture());
  });

  afterAll(async () => {
    await glpi.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports, shows its progress on stderr and prints the report; a second run updates', async () => {
    const args = [
      'import',
      'glpi',
      '--url',
      glpi.url,
      '--app-token',
      glpi.appToken,
      '--user-token',
      glpi.userToken,
    ];
    const run = await opsdesk(args);
    expect(run.stderr).toMatch(/tickets: page 1, 7 so far/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`glpi:${glpi.url}: imported`);
    expect(run.stdout).toContain('tickets      7 new, 0 updated');
    expect(run.stdout).toContain('comments     11 new');
    // The ticket's documents, its followup's and task's, and a solution's (the HTML one is refused).
    expect(run.stdout).toContain('attachments  5 new');
    expect(run.stdout).toContain('ticket 107: status 13 has no equivalent here: imported as in_progress');
    const again = await opsdesk([...args, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).tickets).toEqual({ created: 0, updated: 7 });
  }, 180_000);

  it('a wrong token, an unreachable address or a bad URL ends with a message and a non-zero exit', async () => {
    const user = await opsdesk([
      'import',
      'glpi',
      '--url',
      glpi.url,
      '--app-token',
      glpi.appToken,
      '--user-token',
      'nope',
    ]);
    expect(user.code).toBe(1);
    expect(user.stderr).toContain('refused the credentials (HTTP 401): check the token');
    const app = await opsdesk(['import', 'glpi', '--url', glpi.url, '--user-token', glpi.userToken]);
    expect(app.code).toBe(1);
    expect(app.stderr).toContain('refused the app token (ERROR_WRONG_APP_TOKEN_PARAMETER');
    const away = await opsdesk(['import', 'glpi', '--url', 'http://127.0.0.1:9', '--user-token', 'x']);
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(/opsdesk: import from glpi:http:\/\/127\.0\.0\.1:9: cannot reach/);
    const bad = await opsdesk(['import', 'glpi', '--url', 'not a url', '--user-token', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--url not a url is not a URL');
  }, 240_000);
});

describe('opsdesk import osticket', () => {
  let dataDir: string;
  let dumpDir: string;
  let file: string;

  const opsdesk = (args: string[]) => runOpsdesk(dataDir, args);

  beforeAll(async () => {
    dataDir = await dataFolderWithAdmin();
    dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-osticket-cli-'));
    file = path.join(dumpDir, 'osticket.sql');
    writeDump(file, osTicketTables());
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(dumpDir, { recursive: true, force: true });
  });

  it('imports a dump with progress and a report; a second run of the same osTicket updates', async () => {
    const run = await opsdesk(['import', 'osticket', '--file', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/tickets: page 1, \d+ so far/);
    expect(run.stdout).toContain('osticket:default: imported');
    const created = /tickets +(\d+) new, 0 updated/.exec(run.stdout);
    expect(Number(created?.[1])).toBeGreaterThan(0);
    const again = await opsdesk(['import', 'osticket', '--file', file, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).tickets).toEqual({ created: 0, updated: Number(created?.[1]) });
  }, 180_000);

  it('a missing file, a bad instance name or prefix ends with a message and a non-zero exit', async () => {
    const missing = await opsdesk(['import', 'osticket', '--file', path.join(dumpDir, 'nope.sql')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.sql');
    const instance = await opsdesk(['import', 'osticket', '--file', file, '--instance', 'a b']);
    expect(instance.code).toBe(2);
    expect(instance.stderr).toContain('--instance a b');
    const prefix = await opsdesk(['import', 'osticket', '--file', file, '--prefix', 'x;drop']);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain('--prefix x;drop is not a table prefix');
  }, 120_000);
});
