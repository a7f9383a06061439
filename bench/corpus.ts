// Seeded, realistic help-desk text for the benchmarks: a Zipf-distributed vocabulary of IT words with a
// long tail of rarer terms and host names, so that searches for common words match most tickets and
// searches for rare ones match a handful — the two ends that full-text ranking must handle.

/** mulberry32: small, fast and good enough to make the same data on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The head of the distribution: words a help desk really sees, most frequent first.
const headWords =
  `error the printer cannot login password email user not working network access laptop vpn server
please outlook reset account screen slow update install software connection issue help wifi drive file share
monitor keyboard mouse phone teams meeting calendar license windows office excel word backup restore folder
permission denied locked expired certificate browser chrome firefox website page timeout crash freeze reboot
restart battery charger docking station cable port switch router firewall proxy dns dhcp address disk space
full memory cpu high usage database query report invoice payroll system upgrade patch driver bluetooth camera
microphone audio sound headset projector room booking badge door building floor desk chair request new
onboarding offboarding employee contractor manager approval purchase order hardware replacement broken
cracked spilled coffee stolen lost mobile tablet sync mail inbox spam phishing suspicious attachment virus
malware antivirus scan quarantine encryption bitlocker recovery key token mfa authenticator sms code sso
portal intranet sharepoint onedrive dropbox upload download sharing link external guest domain group policy
script automation job failed scheduled task service stopped started running status alert warning critical
outage degraded latency packet loss ping trace bandwidth storage san nas volume snapshot replica cluster node
container kubernetes pod deployment pipeline build release version rollback config setting profile roaming
desktop shortcut icon missing deleted accidentally recover previous copy print queue stuck toner paper jam
scanner fax copier label zebra barcode reader terminal pos register cash drawer receipt kiosk display tv
signage conference zoom webex skype call dropped echo video blurry resolution hdmi displayport adapter usb`
    .split(/\s+/)
    .filter(Boolean);

const syllables = [
  'ka',
  'lo',
  'mi',
  'ter',
  'van',
  'sor',
  'pel',
  'dri',
  'gon',
  'ux',
  'bel',
  'ran',
  'tos',
  'qui',
  'nef',
  'zar',
  'hol',
  'mer',
  'tic',
  'dax',
];

function tailWord(rand: () => number): string {
  const n = 2 + Math.floor(rand() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += syllables[Math.floor(rand() * syllables.length)];
  return w;
}

export interface Corpus {
  words: string[];
  /** cumulative Zipf weights over words */
  cdf: Float64Array;
  hosts: string[];
  tags: string[];
}

export function makeCorpus(seed = 42): Corpus {
  const rand = prng(seed);
  const seen = new Set(headWords);
  const words = [...new Set(headWords)];
  while (words.length < 4000) {
    const w = tailWord(rand);
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const cdf = new Float64Array(words.length);
  let sum = 0;
  for (let i = 0; i < words.length; i++) {
    sum += 1 / (i + 1) ** 1.05;
    cdf[i] = sum;
  }
  for (let i = 0; i < cdf.length; i++) cdf[i] /= sum;
  const hosts = Array.from({ length: 5000 }, (_, i) => `srv${String(i).padStart(4, '0')}`);
  const tags = [
    'vpn',
    'printer',
    'email',
    'laptop',
    'network',
    'access',
    'password',
    'onboarding',
    'hardware',
    'software',
    'wifi',
    'phone',
    'backup',
    'security',
    'phishing',
    'license',
    'monitor',
    'teams',
    'outlook',
    'sharepoint',
    'database',
    'server',
    'storage',
    'firewall',
    'dns',
    'certificate',
    'mfa',
    'kiosk',
    'pos',
    'camera',
    'audio',
    'video',
    'badge',
    'payroll',
    'invoice',
    'report',
    'upgrade',
    'patch',
    'malware',
    'mobile',
  ];
  return { words, cdf, hosts, tags };
}

export function pickWord(c: Corpus, rand: () => number): string {
  const x = rand();
  let lo = 0;
  let hi = c.cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.cdf[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return c.words[lo];
}

export function sentence(c: Corpus, rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pickWord(c, rand));
  if (rand() < 0.2)
    out.splice(Math.floor(rand() * out.length), 0, c.hosts[Math.floor(rand() * c.hosts.length)]);
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function ticketText(c: Corpus, rand: () => number): { title: string; description: string } {
  return { title: sentence(c, rand, 4, 9), description: `${sentence(c, rand, 20, 70)}.` };
}
