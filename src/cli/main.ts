#!/usr/bin/env node
// The `opsdesk` executable: parse the command line, run the command, and turn any failure into a message
// and an exit code (exit-codes.ts). `serve` keeps running until a signal stops it.
import { reportFailure } from './exit-codes.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportFailure(err);
}
