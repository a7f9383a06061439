// `opsdesk logs templates` as an operator runs it: a real process over a loghub file prints one JSON line per
// input line, in order, with the group's final template; bad input is refused with a message and exit code 2.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loghubDir, splitLines } from '../../bench/log-templates.js';
import { describeFailure } from '../../src/cli/exit-codes.js';
import { readLines } from '../../src/cli/logs-command.js';
import { buildProgram } from '../../src/cli/program.js';
import { maxLineLength } from '../../src/logs/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');

function opsdesk(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npx', ['tsx', main, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
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

/** The exit code and message the command line gives for these arguments, run in this process. */
async function refusal(args: string[]): Promise<{ exitCode: number; message: string }> {
  try {
    await buildProgram().parseAsync(['node', 'opsdesk', ...args]);
  } catch (err) {
    return describeFailure(err);
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

describe('opsdesk logs templates', () => {
  it('prints each line of a loghub file, in order, with its group’s final template', async () => {
    const file = path.join(loghubDir(), 'OpenSSH', 'OpenSSH_2k.log');
    const format = '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>';
    const { code, stdout, stderr } = await opsdesk([
      'logs',
      'templates',
      '--input',
      file,
      '--format',
      format,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(splitLines(fs.readFileSync(file, 'utf8')).length);
    out.forEach((row, i) => {
      expect(Object.keys(row)).toEqual(['line', 'templateId', 'template']);
      expect(row.line).toBe(i + 1);
      expect(row.templateId).toMatch(/^[0-9a-z]+$/);
    });
    // Line 2's user was the first of many: its line shows the final, general template.
    expect(out[1].template).toBe('Invalid user <*> from <*>');
    const byId = new Map<string, string>();
    for (const row of out) {
      expect(byId.get(row.templateId) ?? row.template).toBe(row.template);
      byId.set(row.templateId, row.template);
    }
  });

  it('exits with 2 and says why for a missing file', async () => {
    const { code, stdout, stderr } = await opsdesk(['logs', 'templates', '--input', '/nonexistent/x.log']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('opsdesk: --input /nonexistent/x.log: no such file\n');
  });

  it('refuses an invalid --format and an unknown --output as usage errors', async () => {
    expect(await refusal(['logs', 'templates', '--format', '<Date <Content>'])).toEqual({
      exitCode: 2,
      message: "--format: invalid log format: the field opened at character 1 is not closed with '>'",
    });
    expect(await refusal(['logs', 'templates', '--format', '<Date> <Time>'])).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/no <Content> field/),
    });
    expect(await refusal(['logs', 'templates', '--output', 'csv'])).toEqual({
      exitCode: 2,
      message: '--output csv is not known (choose jsonl)',
    });
  });

  it('reads LF and CRLF lines, keeps empty ones, and cuts a huge or binary line', async () => {
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from('a 1\r\nb');
      yield Buffer.from(' 2\n\n');
      yield Buffer.alloc(maxLineLength * 3, 0xff);
      yield Buffer.from('x\r\nlast');
    }
    const lines: string[] = [];
    for await (const line of readLines(chunks())) lines.push(line);
    expect(lines.slice(0, 3)).toEqual(['a 1', 'b 2', '']);
    expect(Buffer.byteLength(lines[3])).toBeLessThanOrEqual(maxLineLength * 3);
    expect(lines[3].length).toBe(maxLineLength);
    expect(lines[4]).toBe('last');
    expect(lines).toHaveLength(5);
  });
});
