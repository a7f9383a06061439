// The bench's fake Zammad in its own process (as a real Zammad would be: its CPU is not the importer's), serving
// BENCH_IMPORT_TICKETS generated tickets with BENCH_IMPORT_COMMENTS replies each; prints its URL on stdout.
import { generatedZammad, startZammad } from '../test/support/zammad-server.js';

const tickets = Number(process.env.BENCH_IMPORT_TICKETS ?? 100_000);
const comments = Number(process.env.BENCH_IMPORT_COMMENTS ?? 5);
const server = await startZammad(generatedZammad(tickets, comments), 'bench-token');
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
