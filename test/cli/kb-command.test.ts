// `opsdesk kb import` and `opsdesk kb export` as an operator runs them: real processes over a SQLite data
// folder import a folder tree (folders naming categories) and write a zip that holds the articles again;
// a wrong path or account is refused with a message and a non-zero exit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { loadConfig } from '../../src/core/config.js';
import { openContext } from '../../src/core/runtime.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');

describe('opsdesk kb', () => {
  let dataDir: string;
  let tree: string;

  function opsdesk(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-kb-cli-'));
    const opened = await openContext(loadConfig({ OPSDESK_DATA_DIR: dataDir, OPSDESK_LOG_LEVEL: 'silent' }), {
      log: pino({ level: 'silent' }),
    });
    await createUser(opened.ctx, null, {
      email: 'boss@example.test',
      name: 'Boss',
      role: 'manager',
      password: 'correct horse battery',
      groupIds: [],
    });
    await createUser(opened.ctx, null, {
      email: 'tech@example.test',
      name: 'Tech',
      role: 'technician',
      password: 'correct horse battery',
      groupIds: [],
    });
    await opened.close();
    tree = path.join(dataDir, 'manual');
    fs.mkdirSync(path.join(tree, 'Network'), { recursive: true });
    fs.writeFileSync(
      path.join(tree, 'Network', 'vpn.md'),
      '---\ntitle: VPN keeps disconnecting\nkind: faq\n---\nUse IKEv2.\n',
    );
    fs.writeFileSync(path.join(tree, 'printers.html'), '<title>Printers</title><p>Add the printer.</p>');
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('imports a folder tree and exports it as a zip of Markdown', async () => {
    const imported = await opsdesk(['kb', 'import', tree, '--as', 'boss@example.test']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/created article \d+: VPN keeps disconnecting \(Network\/vpn\.md\)/);
    expect(imported.stdout).toContain('Imported 2 article(s); skipped 0 file(s).');
    const file = path.join(dataDir, 'kb.zip');
    const exported = await opsdesk(['kb', 'export', file, '--as', 'boss@example.test']);
    expect(exported.code).toBe(0);
    const entries = unzipSync(fs.readFileSync(file));
    expect(Object.keys(entries).sort()).toEqual(['Network/vpn-keeps-disconnecting.md', 'printers.md']);
    expect(strFromU8(entries['Network/vpn-keeps-disconnecting.md'])).toMatch(
      /\ncategory: Network\n[\s\S]*---\nUse IKEv2\.\n$/,
    );
    const again = await opsdesk(['kb', 'export', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists; choose another file or add --force');
  });

  it('refuses a missing path and an account that may not import', async () => {
    const missing = await opsdesk(['kb', 'import', path.join(dataDir, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
    const technician = await opsdesk(['kb', 'import', tree, '--as', 'tech@example.test']);
    expect(technician.code).toBe(2);
    expect(technician.stderr).toContain('only managers and admins import and export');
  });
});
