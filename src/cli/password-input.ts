// Reading a password for `opsdesk user create`: from a pipe (the first line of standard input), or typed
// at a terminal without echo. Never from an argument, which would land in shell history and `ps`.
import { UsageError } from './exit-codes.js';

const howTo = "pipe it on standard input, e.g.  printf '%s\\n' 'a-long-passphrase' | opsdesk user create …";

export async function readPassword(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const password = stdin.isTTY ? await promptHidden(stdin, 'Password: ') : firstLine(await readAll(stdin));
  if (password.length === 0) throw new UsageError(`no password given: ${howTo}`);
  return password;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function promptHidden(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = (result: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(value);
        if (ch === '\u0003') return finish(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
