// How well suggestions answer what people really type, on both databases: a labelled set built here (25
// articles with overlapping vocabulary on purpose, 60 requests in users' own words — typos, casual phrasing,
// long descriptions, words the article does not use — each with the articles that answer it), measured as
// recall@3 through the API. Also: requesters never get an internal article, and what helped before weighs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

interface LabelledArticle {
  key: string;
  title: string;
  kind: 'faq' | 'guide' | 'manual' | 'runbook';
  audience: 'public' | 'internal';
  tags: string[];
  body: string;
}

const articles: LabelledArticle[] = [
  {
    key: 'vpn-drops',
    title: 'VPN keeps disconnecting',
    kind: 'faq',
    audience: 'public',
    tags: ['vpn', 'remote'],
    body: 'If the VPN drops every few minutes or Teams calls cut out while connected, update the VPN client to 5.3 from Company Portal, use a cable or sit closer to the router, and turn off Wi-Fi power saving in Device Manager. On hotel networks accept the terms in a browser first.',
  },
  {
    key: 'vpn-install',
    title: 'Install and connect the VPN client',
    kind: 'guide',
    audience: 'public',
    tags: ['vpn', 'remote', 'install'],
    body: 'The VPN lets you reach the file share, the ERP and the intranet from outside the office. Install the VPN client from Company Portal, click the shield icon, connect to vpn.example.com and approve the sign-in prompt. "Connection attempt has timed out" means the network blocks the VPN: use your phone hotspot.',
  },
  {
    key: 'password',
    title: 'Reset a forgotten password or unlock your account',
    kind: 'faq',
    audience: 'public',
    tags: ['password', 'account', 'locked'],
    body: 'Reset your password yourself at the self-service portal: enter your work email, confirm the code, choose a new password of at least 14 characters. After 10 wrong attempts the account locks for 15 minutes; a reset unlocks it. An old password saved on your phone keeps locking the account.',
  },
  {
    key: 'mfa',
    title: 'Set up multi-factor sign-in (MFA) or move it to a new phone',
    kind: 'guide',
    audience: 'public',
    tags: ['mfa', 'authenticator', 'phone'],
    body: 'Install Microsoft Authenticator, open the security info page and add the app by scanning the QR code. Moving to a new phone: add the new phone before wiping the old one. If the old phone is gone, the service desk issues a temporary access pass after verifying who you are.',
  },
  {
    key: 'printer-offline',
    title: 'Printer shows offline',
    kind: 'faq',
    audience: 'public',
    tags: ['printer'],
    body: 'When Windows says the printer is offline, check the printer display for a paper jam or an error code, check you are on the office network and not the guest Wi-Fi, then remove and add the printer again. Print a configuration page from the printer menu to tell a printer fault from a laptop one.',
  },
  {
    key: 'printer-add',
    title: 'Add a printer',
    kind: 'guide',
    audience: 'public',
    tags: ['printer', 'install'],
    body: 'Printers are shared from the print server. Press Windows+R, type the print server name and double-click the printer named on its label; the driver installs itself. On a Mac add it by IP with the LPD protocol.',
  },
  {
    key: 'print-queue',
    title: 'Print jobs stuck in the queue',
    kind: 'faq',
    audience: 'public',
    tags: ['printer', 'queue'],
    body: 'A job stuck in the print queue blocks everything behind it. Open the printer queue, cancel the first document, restart the laptop if it stays on Deleting, and print again. Large PDF files take minutes to start.',
  },
  {
    key: 'scan',
    title: 'Scan to email does not arrive',
    kind: 'faq',
    audience: 'public',
    tags: ['scanner', 'printer', 'email'],
    body: 'On the multifunction device choose Scan, then type your full work address rather than picking from the address book. Scans larger than 20 MB are refused by mail: scan at 200 dpi or in black and white. Check the junk folder.',
  },
  {
    key: 'mail-phone',
    title: 'Set up work email on your phone',
    kind: 'guide',
    audience: 'public',
    tags: ['email', 'outlook', 'mobile'],
    body: 'Work mail, calendar and contacts on an iPhone or Android phone go through the Outlook app. Install Authenticator first, then Outlook, sign in with your work address and register the phone in Company Portal when asked. The built-in Mail app is not allowed.',
  },
  {
    key: 'mailbox-full',
    title: 'Mailbox full: free up space',
    kind: 'faq',
    audience: 'public',
    tags: ['email', 'mailbox', 'quota'],
    body: 'Every mailbox holds 50 GB; when full you cannot send. Empty Deleted Items, search for size:>10MB and save large attachments to OneDrive, clean Sent Items, and ask for the Online Archive so old messages move there.',
  },
  {
    key: 'shared-mailbox',
    title: 'Get access to a shared mailbox',
    kind: 'faq',
    audience: 'public',
    tags: ['email', 'shared-mailbox', 'access'],
    body: 'Team addresses such as sales@ and support@ are shared mailboxes. Open a ticket naming the mailbox and whether you need read or send-as access; the owner approves. It appears in Outlook within an hour. To send from it choose it in the From field.',
  },
  {
    key: 'calendar',
    title: 'Share your calendar or open a colleague’s',
    kind: 'faq',
    audience: 'public',
    tags: ['calendar', 'outlook'],
    body: 'In Outlook open the Calendar, click Share, add your colleague and choose what they see: busy only, titles, all details or edit for an assistant. To open someone else’s, Add calendar from the directory. Meeting rooms are calendars too; book them with Room Finder.',
  },
  {
    key: 'outlook-prompt',
    title: 'Outlook keeps asking for your password',
    kind: 'faq',
    audience: 'public',
    tags: ['outlook', 'email', 'password'],
    body: 'If Outlook asks for credentials again and again, close Outlook, open Credential Manager and remove the saved Microsoft Office entries, then start Outlook and sign in once. It happens after a password change or when the sign-in token is stale.',
  },
  {
    key: 'out-of-office',
    title: 'Turn on automatic replies (out of office)',
    kind: 'faq',
    audience: 'public',
    tags: ['outlook', 'email', 'holiday'],
    body: 'In Outlook choose File, Automatic Replies, send automatic replies, set the dates and write a message for inside and outside the company. For a colleague who is off sick, their manager asks the service desk to set it.',
  },
  {
    key: 'wifi',
    title: 'Wi-Fi in the offices: staff and guest networks',
    kind: 'faq',
    audience: 'public',
    tags: ['wifi', 'guest', 'network'],
    body: 'Company laptops join the staff network by themselves with a certificate. Visitors use the guest network with a voucher from reception, valid 24 hours; for events ask two days ahead. If the staff network fails, forget the network and join again, or plug in a cable and restart.',
  },
  {
    key: 'network-drive',
    title: 'Mapped drives and the file share',
    kind: 'faq',
    audience: 'public',
    tags: ['file-share', 'drive', 'network'],
    body: 'The shared drive S: maps to the department folder on the file server. If it shows a red cross, connect to the office network or the VPN, then open File Explorer and click it. Access to another department folder is granted by the folder owner through a ticket.',
  },
  {
    key: 'file-restore',
    title: 'Get back a deleted or overwritten file',
    kind: 'faq',
    audience: 'public',
    tags: ['restore', 'backup', 'file-share'],
    body: 'Right-click the folder that held the file, choose Properties, Previous Versions and restore a copy from the last seven days. For OneDrive use the Recycle bin on the web. Older files come from the nightly backup: open a ticket with the full path and the last day it was there.',
  },
  {
    key: 'laptop-request',
    title: 'Request a new laptop or replace a broken one',
    kind: 'faq',
    audience: 'public',
    tags: ['laptop', 'hardware', 'new-starter'],
    body: 'Standard laptops are the ThinkPad T14 and the Latitude 7440, replaced every four years. For a new starter ask one week ahead with the start date and role. A broken laptop that does not start, has liquid spilled on it or a cracked screen: bring it to the service desk for a loan laptop.',
  },
  {
    key: 'laptop-slow',
    title: 'Laptop is slow',
    kind: 'faq',
    audience: 'public',
    tags: ['laptop', 'performance'],
    body: 'Restart the laptop: updates finish only after a restart. Close browser tabs you do not need, check Task Manager for a program using the processor or memory, and keep 20 GB of disk free. If it stays slow after updates, open a ticket: the disk may be failing.',
  },
  {
    key: 'dock',
    title: 'Docking station: external monitors not detected',
    kind: 'faq',
    audience: 'public',
    tags: ['docking', 'monitor', 'screen'],
    body: 'Unplug the dock cable from the laptop, wait ten seconds and plug it back in. Press Windows+P and choose Extend. Update the dock firmware from Company Portal. Check each monitor input is set to DisplayPort.',
  },
  {
    key: 'software',
    title: 'Request or install software',
    kind: 'faq',
    audience: 'public',
    tags: ['software', 'install', 'licence'],
    body: 'Approved software such as Zoom, Slack, 7-Zip and VS Code installs from Company Portal without admin rights. Paid software or something not listed: open a ticket with the name, what you need it for and your manager approval for the licence.',
  },
  {
    key: 'teams-audio',
    title: 'Teams calls: no sound, echo or microphone not working',
    kind: 'faq',
    audience: 'public',
    tags: ['teams', 'audio', 'microphone', 'headset'],
    body: 'In Teams settings choose your headset for speaker and microphone and make a test call. If nobody hears you, check the mute button on the headset, allow apps to use the microphone in Windows privacy settings and try another USB port. Echo comes from laptop speakers.',
  },
  {
    key: 'phishing',
    title: 'Report a suspicious email (phishing)',
    kind: 'faq',
    audience: 'public',
    tags: ['phishing', 'security', 'email'],
    body: 'An email asking you to confirm your password, pay an invoice urgently or open an unexpected attachment is probably phishing. Do not click; use Report phishing in Outlook. If you already typed your password, reset it now and call the service desk.',
  },
  {
    key: 'lost-device',
    title: 'Lost or stolen laptop or phone',
    kind: 'faq',
    audience: 'public',
    tags: ['security', 'laptop', 'phone'],
    body: 'Report a lost or stolen device at once through a ticket or by phone, and to the police if stolen. We lock and wipe it remotely; the disk is encrypted so the data is safe. You get a replacement the same day.',
  },
  {
    key: 'onboarding',
    title: 'Your first day: IT onboarding guide',
    kind: 'manual',
    audience: 'public',
    tags: ['onboarding', 'new-starter'],
    body: 'Sign in with the temporary password from your manager and choose your own. Set up multi-factor sign-in on day one. Outlook and Teams sign you in automatically; keep personal files in OneDrive. Add the nearest printer and read the policies.',
  },
  // Internal: a requester must never be offered these, however well they match.
  {
    key: 'vpn-runbook',
    title: 'VPN concentrator failover',
    kind: 'runbook',
    audience: 'internal',
    tags: ['vpn', 'network'],
    body: 'When users cannot connect to the VPN or it keeps disconnecting for everyone, check the concentrator health page, then promote the standby: vpnctl promote standby. Tell the service desk to post a status update.',
  },
  {
    key: 'disk-runbook',
    title: 'Disk full on a Linux server',
    kind: 'runbook',
    audience: 'internal',
    tags: ['linux', 'disk'],
    body: 'Find what grew with df -h and du; vacuum the journal, restart processes holding deleted files, never delete WAL by hand. Extend the volume when the growth is real.',
  },
];

/** Requests as people type them, with the articles that answer them. */
const requests: { text: string; answers: string[] }[] = [
  { text: 'vpn keeps disconnecting', answers: ['vpn-drops'] },
  { text: 'VPN drops every 5 minutes when working from home', answers: ['vpn-drops'] },
  {
    text: "my vpn connection keeps cutting out during teams calls, it's really annoying, home internet is fine",
    answers: ['vpn-drops'],
  },
  { text: 'vpn disconects all the time', answers: ['vpn-drops'] },
  { text: "can't get on the network from home", answers: ['vpn-install', 'network-drive'] },
  { text: 'how do I install the vpn', answers: ['vpn-install'] },
  { text: 'VPN says connection attempt has timed out at the hotel', answers: ['vpn-install', 'vpn-drops'] },
  { text: 'need to access the intranet from outside the office', answers: ['vpn-install'] },
  { text: 'forgot my password', answers: ['password'] },
  { text: 'Locked out of my account', answers: ['password'] },
  { text: 'pasword reset please', answers: ['password'] },
  {
    text: 'I came back from holiday and my password expired, now it says account locked after I tried a few times',
    answers: ['password'],
  },
  { text: 'cannot log in to windows', answers: ['password'] },
  { text: 'my account keeps getting locked every morning', answers: ['password'] },
  { text: 'new phone, authenticator app has no accounts', answers: ['mfa'] },
  { text: 'how do i set up two factor authentication', answers: ['mfa'] },
  { text: 'lost my phone and cannot approve the sign in', answers: ['mfa', 'lost-device'] },
  { text: 'MFA prompt not coming to my mobile', answers: ['mfa'] },
  { text: 'printer offline', answers: ['printer-offline'] },
  { text: 'the printer on the 2nd floor says offline and nothing prints', answers: ['printer-offline'] },
  { text: 'printr not working', answers: ['printer-offline'] },
  { text: 'paper jam error on the printer display', answers: ['printer-offline'] },
  { text: 'how do I add the printer near my desk', answers: ['printer-add'] },
  { text: 'install printer on my mac', answers: ['printer-add'] },
  { text: 'documents stuck in the print queue', answers: ['print-queue'] },
  { text: 'I sent something to print an hour ago and it never came out', answers: ['print-queue'] },
  { text: 'scanned document never arrives in my inbox', answers: ['scan'] },
  { text: 'scan to email not working', answers: ['scan'] },
  { text: 'how to get work email on my iphone', answers: ['mail-phone'] },
  { text: 'outlook on android', answers: ['mail-phone'] },
  { text: 'mailbox full cannot send emails', answers: ['mailbox-full'] },
  { text: 'outlook says my mailbox is almost full', answers: ['mailbox-full'] },
  { text: 'I need access to the sales@ shared mailbox', answers: ['shared-mailbox'] },
  { text: 'how can I send email from the support address', answers: ['shared-mailbox'] },
  { text: 'share my calendar with my assistant', answers: ['calendar'] },
  { text: 'how do I see a colleagues calendar', answers: ['calendar'] },
  { text: 'book a meeting room', answers: ['calendar'] },
  { text: 'Outlook keeps asking for my password', answers: ['outlook-prompt'] },
  { text: 'outlook credential prompt pops up every few minutes', answers: ['outlook-prompt'] },
  { text: 'set up out of office while I am on holiday', answers: ['out-of-office'] },
  { text: 'automatic reply for a colleague on sick leave', answers: ['out-of-office'] },
  { text: 'wifi password for visitors', answers: ['wifi'] },
  { text: 'laptop will not connect to the wireless in the office', answers: ['wifi'] },
  { text: 'guest wifi for a customer visit on thursday', answers: ['wifi'] },
  { text: 'S: drive has a red cross', answers: ['network-drive'] },
  { text: 'cannot open the shared drive', answers: ['network-drive'] },
  { text: 'I deleted a file by mistake, can you get it back', answers: ['file-restore'] },
  { text: 'restore previous version of excel file that was overwritten', answers: ['file-restore'] },
  { text: 'new starter next week needs a laptop', answers: ['laptop-request', 'onboarding'] },
  { text: 'spilled coffee on my laptop', answers: ['laptop-request'] },
  { text: 'computer is very slow since the update', answers: ['laptop-slow'] },
  { text: 'my pc takes ages to do anything', answers: ['laptop-slow'] },
  { text: 'second screen not detected on docking station', answers: ['dock'] },
  { text: 'monitors stay black when I plug in the dock', answers: ['dock'] },
  { text: 'please install zoom', answers: ['software'] },
  { text: 'need a licence for adobe acrobat pro', answers: ['software'] },
  { text: 'people cannot hear me in teams', answers: ['teams-audio'] },
  { text: 'headset microphone not working in meetings', answers: ['teams-audio'] },
  { text: 'got a weird email asking me to confirm my password', answers: ['phishing'] },
  { text: 'I think I clicked a phishing link', answers: ['phishing'] },
  { text: 'my laptop was stolen from my car', answers: ['lost-device'] },
  { text: 'first day, what do I need to set up', answers: ['onboarding'] },
];

// Recall@3 measured (requesters, the same on both dialects): 0.952 (59/62) with the core's ranking; 0.984
// (61/62) after folding IT synonyms, averaging a sparse field's length over the articles that have it, and
// guessing unknown words (a word being typed, a misspelt one). The floor leaves a few points of room.
const recallFloor = 0.93;

describe.each(dialects)('suggestion ranking on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let requester: Session;
  const ids = new Map<string, number>();
  const keys = new Map<number, string>();

  const suggest = async (text: string, who: Session = requester, limit = 3): Promise<string[]> => {
    const r = await who.call(
      'GET',
      `/api/v1/articles/suggest?limit=${limit}&text=${encodeURIComponent(text)}`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items.map((i: { id: number }) => keys.get(i.id) ?? `#${i.id}`);
  };

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    for (const a of articles) {
      const { key, ...body } = a;
      const r = await manager.call('POST', '/api/v1/articles', { ...body, status: 'published' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.set(key, r.body.id);
      keys.set(r.body.id, key);
    }
  }, 60_000);
  afterAll(async () => t?.close());

  it(`answers at least ${recallFloor * 100} % of the labelled requests within the top 3`, async () => {
    const misses: string[] = [];
    for (const q of requests) {
      const top = await suggest(q.text);
      if (!q.answers.some((a) => top.includes(a))) misses.push(`${q.text} → [${top.join(', ')}]`);
    }
    const recall = (requests.length - misses.length) / requests.length;
    console.log(
      `suggestion recall@3 on ${dialect}: ${recall.toFixed(3)} (${requests.length - misses.length}/${requests.length})${misses.length ? `\n  missed: ${misses.join('\n  missed: ')}` : ''}`,
    );
    expect(recall).toBeGreaterThanOrEqual(recallFloor);
  });

  it('never offers a requester an internal article, even for the words it matches best', async () => {
    const internal = new Set(['vpn-runbook', 'disk-runbook']);
    for (const text of [
      'vpn concentrator failover promote standby',
      'disk full linux server df du journal',
      ...requests.map((q) => q.text),
    ]) {
      const top = await suggest(text, requester, 10);
      expect(
        top.filter((k) => internal.has(k)),
        text,
      ).toEqual([]);
    }
    // A technician is offered the runbook for its own words.
    const technician = await userSession(t.app, t.ctx, 'technician');
    expect((await suggest('vpn concentrator failover', technician))[0]).toBe('vpn-runbook');
  });

  it('completes the word being typed and forgives a misspelt one', async () => {
    expect((await suggest('vpn keeps disconn'))[0]).toBe('vpn-drops');
    expect((await suggest('mailbox is ful'))[0]).toBe('mailbox-full');
    expect(await suggest('the prnter is offline')).toContain('printer-offline');
    // A finished word is not completed: "prin " is not "printer".
    expect((await suggest('prin ')).length).toBe(0);
  });

  it('lifts an article for a request like one it answered before', async () => {
    // Words the article does not use: before, something else ranks first.
    const later = 'the big machine by reception keeps eating my pages';
    const before = await suggest(later, requester, 10);
    expect(before[0]).not.toBe('print-queue');
    const r = await requester.call('POST', `/api/v1/articles/${ids.get('print-queue')}/deflections`, {
      text: 'big machine near reception eats my pages and nothing comes out',
    });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    const after = await suggest(later, requester, 10);
    expect(after[0]).toBe('print-queue');
  });
});
