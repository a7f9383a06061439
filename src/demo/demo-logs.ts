// The demo organisation's logs: a day of syslog from its servers — sshd, nginx, PostgreSQL, the VPN gateway,
// cron and backups — written through the log store as the syslog listener would, so a fresh install's Logs pages
// show records, counts over time and a short list of patterns. The last record is 20 minutes old: no pattern is
// new enough to raise a new-pattern alert at start (a real sender's lines do, as the README shows).
import type { ServiceContext } from '../core/context.js';
import { type LogRecordInput, openLogIngest, type Severity } from '../logs/index.js';
import type { SeededRandom } from './seeded-random.js';

interface DemoSource {
  host: string;
  app: string;
  facility: number;
  severity: Severity;
  /** Records per day, spread over the day with a daytime bump. */
  perDay: number;
  message: (r: SeededRandom) => string;
}

const users = ['admin', 'oracle', 'test', 'ubuntu', 'guest', 'postgres', 'git'];
const staff = ['ana', 'ben', 'chloe', 'dev', 'eve'];
const ip = (r: SeededRandom) =>
  `${r.pick([185, 45, 103, 92])}.${r.int(1, 254)}.${r.int(1, 254)}.${r.int(1, 254)}`;
const lanIp = (r: SeededRandom) => `10.20.${r.int(0, 3)}.${r.int(2, 250)}`;

const sources: DemoSource[] = [
  {
    host: 'web-01',
    app: 'sshd',
    facility: 4,
    severity: 4,
    perDay: 300,
    message: (r) =>
      `Failed password for invalid user ${r.pick(users)} from ${ip(r)} port ${r.int(30000, 65000)} ssh2`,
  },
  {
    host: 'web-01',
    app: 'sshd',
    facility: 4,
    severity: 6,
    perDay: 40,
    message: (r) =>
      `Accepted publickey for ${r.pick(staff)} from ${lanIp(r)} port ${r.int(30000, 65000)} ssh2`,
  },
  {
    host: 'web-02',
    app: 'nginx',
    facility: 3,
    severity: 3,
    perDay: 120,
    message: (r) =>
      `upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${ip(r)}, server: shop.example.com, request: "GET /api/cart/${r.int(1000, 9999)} HTTP/1.1"`,
  },
  {
    host: 'db-01',
    app: 'postgres',
    facility: 16,
    severity: 6,
    perDay: 96,
    message: (r) =>
      `checkpoint complete: wrote ${r.int(100, 9000)} buffers (${r.int(1, 40)}.${r.int(0, 9)}%); 0 WAL file(s) added, 0 removed, ${r.int(1, 9)} recycled`,
  },
  {
    host: 'db-01',
    app: 'postgres',
    facility: 16,
    severity: 4,
    perDay: 30,
    message: () => 'could not receive data from client: Connection reset by peer',
  },
  {
    host: 'vpn-gw',
    app: 'openvpn',
    facility: 3,
    severity: 3,
    perDay: 60,
    message: (r) => `${r.pick(staff)}/${ip(r)}:${r.int(30000, 65000)} TLS Error: TLS handshake failed`,
  },
  {
    host: 'vpn-gw',
    app: 'kernel',
    facility: 0,
    severity: 5,
    perDay: 6,
    message: (r) =>
      r.chance(0.5) ? 'eth1: Link is Down' : 'eth1: Link is Up - 1Gbps/Full - flow control rx/tx',
  },
  {
    host: 'db-01',
    app: 'CRON',
    facility: 9,
    severity: 6,
    perDay: 24,
    message: (r) => `(root) CMD (/usr/local/bin/backup.sh --database ${r.pick(['shop', 'crm', 'wiki'])})`,
  },
  {
    host: 'db-01',
    app: 'backup',
    facility: 1,
    severity: 2,
    perDay: 3,
    message: (r) => `backup of ${r.pick(['shop', 'crm', 'wiki'])} failed: No space left on device`,
  },
];

const dayMs = 86_400_000;

/** Write a day of the demo servers' logs, ending 20 minutes before now. Returns the records written. */
export async function installDemoLogs(ctx: ServiceContext, random: SeededRandom): Promise<number> {
  const end = ctx.clock.now() - 20 * 60_000;
  const records: LogRecordInput[] = [];
  for (const s of sources) {
    for (let i = 0; i < s.perDay; i++) {
      // Busier in the working day: two draws, the larger kept half the time.
      const u = random.chance(0.5) ? Math.max(random.next(), random.next()) : random.next();
      const time = end - Math.floor(u * dayMs);
      records.push({
        time,
        receivedAt: time,
        host: s.host,
        app: s.app,
        procId: String(random.int(300, 32000)),
        msgId: null,
        severity: s.severity,
        facility: s.facility,
        message: s.message(random),
        structuredData: null,
        source: 'syslog-tcp',
        peer: null,
        truncated: false,
      });
    }
  }
  records.sort((a, b) => a.time - b.time);
  const writer = openLogIngest(ctx);
  try {
    await writer.append(records);
  } finally {
    await writer.close();
  }
  return records.length;
}
