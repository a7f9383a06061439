// Debian's swaks, the real SMTP client of the mail tests. Run asynchronously: the listener under test lives
// in this same process, so a blocking call would deadlock it.
import { execFile } from 'node:child_process';

export interface SwaksResult {
  code: number;
  output: string;
}

export function swaks(port: number, args: string[]): Promise<SwaksResult> {
  return new Promise((resolve) => {
    execFile(
      'swaks',
      ['--server', '127.0.0.1', '--port', String(port), '--timeout', '10', '--hide-informational', ...args],
      { timeout: 30_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}
