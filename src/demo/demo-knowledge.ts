// The demo organisation's knowledge base: the categories, FAQs, guides, manual, runbooks, policies and
// procedures a real IT department keeps, written by its technicians and published by its manager through the
// knowledge domain, over the story's last months; linked to tickets they solved, and a month of requests they
// answered before a ticket was filed — so search, suggestions, reviews due and the deflection report have
// something true to show on a fresh install.
import type { Actor } from '../core/auth/index.js';
import { ManualClock } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type { ArticleAudience, ArticleKind } from '../core/db/index.js';
import {
  createArticle,
  linkArticle,
  recordDeflection,
  saveKbCategory,
  transitionArticle,
} from '../knowledge/index.js';
import type { SeededRandom } from './seeded-random.js';

const day = 86_400_000;

export interface DemoKnowledgeRefs {
  manager: Actor;
  /** In the order of demoTechnicians (tech1 … tech8). */
  technicians: Actor[];
  requesters: Actor[];
  /** The story's end (the real now). */
  now: number;
}

const categories: readonly { name: string; description: string }[] = [
  { name: 'Accounts and passwords', description: 'Passwords, locked accounts and multi-factor sign-in.' },
  { name: 'Network and VPN', description: 'Working from home, the VPN, Wi-Fi and the office network.' },
  { name: 'Email and calendar', description: 'Outlook on the computer and the phone, mailboxes, calendars.' },
  { name: 'Printing', description: 'Office printers, scanning and stuck print jobs.' },
  { name: 'Hardware', description: 'Laptops, docking stations, monitors and phones.' },
  { name: 'Software', description: 'Installing and requesting software, Teams and video calls.' },
  { name: 'Security', description: 'Phishing, lost devices and keeping your data safe.' },
  { name: 'Operations', description: "The IT team's runbooks: on-call, servers, certificates, backups." },
  { name: 'Policies', description: 'The rules everyone signs up to, and the procedures that follow them.' },
];

type Category = (typeof categories)[number]['name'];

interface DemoArticle {
  title: string;
  kind: ArticleKind;
  audience: ArticleAudience;
  category: Category;
  tags: string[];
  /** Index into the technicians (the manager writes policies: -1). */
  author: number;
  /** Days before now it was written. */
  writtenDaysAgo: number;
  body: string;
  /** Where it stops: published unless said. */
  status?: 'draft' | 'in_review';
  /** Policies: effective this many days ago (reviewed yearly from then). */
  effectiveDaysAgo?: number;
  /** Resolved tickets it solved: their category, and a word of their title. */
  solves?: { category: string; title: RegExp };
  /** What requesters typed before it answered them (recent deflections). */
  answered?: string[];
}

const articles: readonly DemoArticle[] = [
  // -- Accounts and passwords --
  {
    title: 'Reset a forgotten password or unlock your account',
    kind: 'faq',
    audience: 'public',
    category: 'Accounts and passwords',
    tags: ['password', 'account', 'locked', 'self-service'],
    author: 0,
    writtenDaysAgo: 112,
    solves: { category: 'Password reset', title: /forgot|locked|reset/i },
    answered: [
      'forgot my password',
      'account locked after too many attempts',
      'I cannot log in, it says my password is wrong',
      'password expired while on holiday',
    ],
    body: `You can reset your own password at any time, without calling the service desk, as long as you registered a phone number for multi-factor sign-in.

## Reset it yourself

1. On any computer or phone, open **https://password.demo.opsdesk.local**.
2. Enter your work email address and complete the code check (a text message or the Authenticator app).
3. Choose a new password. It must follow the password policy: at least 14 characters, and not one of your last 10.
4. On your laptop, press **Ctrl+Alt+Del → Lock**, then sign in again with the new password so Windows picks it up.
5. On your phone, Outlook and Teams will ask for the new password within an hour; enter it when they do.

> **Working from home?** Connect to the VPN first, then lock and unlock your laptop, otherwise Windows keeps the old password until you are next in the office.

## My account is locked

After **10 wrong attempts** your account locks for **15 minutes**, then unlocks by itself. If you cannot wait:

- reset your password as above — a reset also unlocks the account; or
- call the service desk on **+44 20 7946 0100** (extension 100). We verify who you are by calling you back on the number in the staff directory, never on a number you give us.

## Why does it keep locking?

An old password saved somewhere keeps trying to sign in. The usual places:

| Where | What to do |
|---|---|
| Phone mail app | Remove and add the work account again |
| Mapped drives | Open **Credential Manager** and delete the saved entries for \`srv-file-01\` |
| A second laptop or tablet | Sign out there, or update the password |

If it still locks several times a day, open a ticket: we can see which device is sending the wrong password.
`,
  },
  {
    title: 'Set up multi-factor sign-in (MFA), or move it to a new phone',
    kind: 'guide',
    audience: 'public',
    category: 'Accounts and passwords',
    tags: ['mfa', 'authenticator', '2fa', 'phone'],
    author: 1,
    writtenDaysAgo: 108,
    solves: { category: 'Password reset', title: /mfa|authenticator/i },
    answered: ['new phone authenticator has no accounts', 'how do I set up two factor on my new mobile'],
    body: `Every work account is protected by a second step at sign-in: a prompt in the **Microsoft Authenticator** app, or a text message as a fallback.

## First-time setup

1. Install **Microsoft Authenticator** from the App Store or Google Play.
2. On your computer, open **https://aka.ms/mysecurityinfo** and sign in.
3. Choose **Add sign-in method → Authenticator app** and follow the steps; scan the QR code with the app.
4. Approve the test notification on the phone.
5. Add your mobile number as a second method too (**Add sign-in method → Phone**). It is your way back in if you lose the app.

## Moving to a new phone

Do this **before** you wipe or hand in the old phone:

1. Install Authenticator on the new phone.
2. Open **https://aka.ms/mysecurityinfo** on your computer and add the new phone as an Authenticator app (steps 3–4 above).
3. Delete the old phone from the list.

### The old phone is already gone

If you registered a phone number, choose **Sign in another way → Text** and then add the new app as above. If you did not, call the service desk: after verifying who you are we issue a **temporary access pass** valid for 8 hours so you can register the new phone.

## Tips

- Never approve a prompt you did not ask for. Report it to security@ — someone has your password.
- Number matching: type the two digits shown on the screen into the app; that is expected.
`,
  },
  // -- Network and VPN --
  {
    title: 'VPN keeps disconnecting',
    kind: 'faq',
    audience: 'public',
    category: 'Network and VPN',
    tags: ['vpn', 'remote', 'disconnect', 'home'],
    author: 6,
    writtenDaysAgo: 104,
    solves: { category: 'VPN', title: /disconnect|slow/i },
    answered: [
      'vpn keeps dropping every few minutes',
      'VPN disconnects when I am on a Teams call from home',
      'the vpn connection drops all the time',
      'vpn drops out every 10 minutes',
      'lost connection to the vpn again',
    ],
    body: `If the VPN drops every few minutes, or Teams calls cut out while you are connected, work through these steps in order. Most cases are fixed by the first two.

## 1. Update the VPN client

Versions before **5.3** drop the connection after a few minutes of inactivity. Open the VPN client, click the **⚙ → About**; if it shows 5.1 or 5.2, open **Company Portal**, search for *VPN client* and click **Reinstall**. Restart the laptop afterwards.

## 2. Use a wired connection or move closer to the router

A weak Wi-Fi signal causes most drops. Plug in a network cable if you can, or sit in the same room as the router. Check that no one at home is streaming or uploading large files while you are on a call.

## 3. Switch off Wi-Fi power saving (Windows)

1. Right-click **Start → Device Manager**.
2. Open **Network adapters**, double-click your Wi-Fi adapter.
3. On the **Power Management** tab, untick *Allow the computer to turn off this device to save power*.

## 4. Hotels, trains and cafés

Public networks often block the VPN until you accept their terms in a browser. Open any website first, accept the terms, then connect the VPN. If the network blocks VPNs outright, use your phone's hotspot.

## Still dropping?

Open a ticket with:

- the times it dropped (roughly is fine),
- whether you were on Wi-Fi or cable,
- the result of a speed test (https://fast.com).

The network team can see the gateway's logs for your connection and tell whether the drop came from your line or from us.
`,
  },
  {
    title: 'Install and connect the VPN client',
    kind: 'guide',
    audience: 'public',
    category: 'Network and VPN',
    tags: ['vpn', 'remote', 'install'],
    author: 7,
    writtenDaysAgo: 103,
    solves: { category: 'VPN', title: /hotel|cannot connect/i },
    answered: ['how do I work from home', 'how to install the vpn on my laptop'],
    body: `The VPN lets you reach the file share, the ERP and the intranet from outside the office. Company laptops have it already; these steps are for a rebuilt laptop or a missing client.

## Install

1. Open **Company Portal** (Start menu → *Company Portal*).
2. Search for **VPN client** and click **Install**. It takes two or three minutes.
3. Restart the laptop when asked.

## Connect

1. Click the VPN icon in the taskbar (a shield near the clock).
2. The portal address is filled in: **vpn.demo.opsdesk.local**. Click **Connect**.
3. Sign in with your work account and approve the MFA prompt.
4. The icon turns green. You can now open \`\\\\srv-file-01\\shared\` and the intranet.

## Common messages

| Message | Meaning | What to do |
|---|---|---|
| *Connection attempt has timed out* | The network you are on blocks the VPN | Accept the Wi-Fi's terms in a browser, or use your phone's hotspot |
| *Authentication failed* | Wrong password or an expired one | Reset your password, see *Reset a forgotten password* |
| *You are not authorised to connect* | Your account is not in a VPN group | Ask your manager to request VPN access through a ticket |

Private laptops cannot connect: the VPN checks that the device is managed by the company.
`,
  },
  {
    title: 'Wi-Fi in the offices: staff and guest networks',
    kind: 'faq',
    audience: 'public',
    category: 'Network and VPN',
    tags: ['wifi', 'wireless', 'guest', 'network'],
    author: 6,
    writtenDaysAgo: 100,
    solves: { category: 'Network', title: /wi-fi/i },
    answered: ['what is the wifi password for visitors', 'guest wireless for a customer visit'],
    body: `Every office has two wireless networks.

| Network | Who | How to join |
|---|---|---|
| **OPSDESK-STAFF** | Company laptops and phones | Joins by itself; sign in with your work account if asked |
| **OPSDESK-GUEST** | Visitors and personal devices | A voucher printed at reception, valid 24 hours |

## Staff network

Company laptops connect automatically through a certificate. If yours stops connecting:

1. Turn Wi-Fi off and on.
2. Forget the network (**Settings → Network → Wi-Fi → Manage known networks**) and connect again.
3. Still failing? Plug in a cable and restart: the laptop renews its certificate when it reaches the office network.

## Guest network

Reception prints a voucher with a code for each visitor. For an event or more than five visitors, open a ticket **two working days** ahead with the date, room and number of guests: we create a shared code for the day.

The guest network reaches the internet only — not printers, the file share or the intranet.

## Weak signal?

Tell us the room and the time in a ticket. We can see the access points' load and move or add one.
`,
  },
  // -- Email and calendar --
  {
    title: 'Set up work email on your phone',
    kind: 'guide',
    audience: 'public',
    category: 'Email and calendar',
    tags: ['email', 'outlook', 'phone', 'mobile'],
    author: 2,
    writtenDaysAgo: 98,
    answered: ['how to get outlook mail on my iphone'],
    body: `Work email, calendar and contacts on a phone go through the **Outlook** app. The built-in Mail app on iPhone and Gmail on Android are not allowed: they cannot protect company data.

## iPhone and Android

1. Install **Microsoft Authenticator** and set it up first (see the MFA guide).
2. Install **Outlook** from the App Store or Google Play.
3. Open Outlook, enter your work email address and sign in.
4. When asked, install **Company Portal** and register the phone. This takes two minutes and lets Outlook open work data.
5. Set a screen lock (PIN or fingerprint) if the phone asks; it is required.

## What the company can and cannot see

Registering a personal phone lets IT remove **work data only** (Outlook, Teams, OneDrive). We cannot see your photos, messages, browsing or location.

## Not syncing?

- Open Outlook → **Settings → your account → Reset account**.
- Check the phone has an internet connection and the date and time are set automatically.
`,
  },
  {
    title: 'Mailbox full: free up space',
    kind: 'faq',
    audience: 'public',
    category: 'Email and calendar',
    tags: ['email', 'mailbox', 'quota', 'outlook'],
    author: 0,
    writtenDaysAgo: 96,
    solves: { category: 'Email', title: /mailbox full/i },
    answered: ['outlook says my mailbox is full and I cannot send'],
    body: `Every mailbox holds **50 GB**. At 49 GB Outlook warns you; at 50 GB you can no longer send.

## Find what takes the space

In Outlook on Windows: **File → Tools → Mailbox Cleanup → View Mailbox Size**.

## Quick wins

1. **Empty Deleted Items**: right-click it → *Empty Folder*.
2. **Large attachments**: in the search box type \`size:>10MB\`, save the attachments you need to OneDrive, then delete the messages.
3. **Sent Items**: old messages with attachments are often the biggest folder.
4. **Turn on the Online Archive**: messages older than two years move there automatically; they stay searchable. Ask for it in a ticket if you do not see *Online Archive* in your folder list.

The size shown updates within about an hour after you delete.
`,
  },
  {
    title: 'Get access to a shared mailbox',
    kind: 'faq',
    audience: 'public',
    category: 'Email and calendar',
    tags: ['email', 'shared-mailbox', 'access', 'outlook'],
    author: 1,
    writtenDaysAgo: 92,
    solves: { category: 'Email', title: /shared mailbox/i },
    body: `Team addresses such as **sales@**, **support@** and **hr@** are shared mailboxes: several people read and answer them.

## Request access

Open a ticket in **Email** naming the mailbox and whether you need to **read** only or also **send as** it. The mailbox's owner (usually the team lead) approves; we add you within a working day.

## It appears by itself

Once access is granted, Outlook on Windows adds the mailbox to your folder list within an hour — restart Outlook if you are impatient. In Outlook on the web: right-click **Folders → Add shared folder or mailbox**.

## Send from it

In a new message click **From** (if you do not see it: **Options → Show From**) and pick the shared address. Replies then go to the shared mailbox, not to you.
`,
  },
  {
    title: 'Share your calendar or open a colleague’s',
    kind: 'faq',
    audience: 'public',
    category: 'Email and calendar',
    tags: ['calendar', 'outlook', 'sharing'],
    author: 2,
    writtenDaysAgo: 88,
    body: `## Share yours

1. In Outlook, open the **Calendar**.
2. Click **Share → Calendar**, then **Add** and choose the colleague.
3. Choose what they see: *Can view when I'm busy*, *Can view titles and locations*, *Can view all details* or *Can edit* (for an assistant).

## Open someone else's

**Add calendar → From directory**, type the name. You see what they chose to share; everyone shares *busy* by default.

## Meeting rooms

Rooms such as **Orion** and **Atlas** are calendars too: add them to a meeting with **Room Finder**. A room accepts automatically when it is free. If invitations to a room never arrive, open a ticket — its booking settings need a look.
`,
  },
  // -- Printing --
  {
    title: 'Printer shows offline',
    kind: 'faq',
    audience: 'public',
    category: 'Printing',
    tags: ['printer', 'offline', 'print'],
    author: 2,
    writtenDaysAgo: 106,
    solves: { category: 'Printer', title: /jammed|streaks/i },
    answered: ['my printer says offline', 'printer not responding on the 2nd floor'],
    body: `When Windows says a printer is **offline**, the laptop cannot reach the print server or the printer itself.

1. **Check the printer**: is the screen on, and does it show an error (paper jam, no toner, an error code)? Clear what it shows.
2. **Check you are on the office network** or the VPN: printing does not work over the guest Wi-Fi.
3. **Restart the print spooler** is not needed: instead remove and add the printer (see *Add a printer*).
4. Print a **configuration page** from the printer's own menu (*Menu → Reports → Configuration page*). If that prints, the printer is fine and the problem is on the laptop.

If every laptop on the floor sees it offline, open a ticket with the printer's name (on the label, e.g. \`PRN-2F-EAST\`) and the code on its display.
`,
  },
  {
    title: 'Add a printer',
    kind: 'guide',
    audience: 'public',
    category: 'Printing',
    tags: ['printer', 'install', 'print'],
    author: 0,
    writtenDaysAgo: 105,
    solves: { category: 'Printer', title: /add printer/i },
    answered: ['how do I install the printer near my desk'],
    body: `Printers are shared from the print server **srv-print-01**. Each has a label with its name, e.g. \`PRN-3F-WEST\`.

## Windows

1. Press **Windows + R**, type \`\\\\srv-print-01\` and press Enter.
2. Double-click the printer whose name is on its label. Windows installs the driver (about a minute).
3. To make it your default: **Settings → Bluetooth & devices → Printers & scanners**, click it, **Set as default**.

## Mac

1. **System Settings → Printers & Scanners → Add Printer**.
2. Choose the **IP** tab, enter \`srv-print-01.demo.opsdesk.local\`, protocol *LPD*, queue: the printer's name.
3. Choose **Generic PostScript Printer** if no driver is offered.

## "Windows cannot connect to the printer"

You are probably not on the office network. Connect to the VPN, or plug in a cable, and try again.
`,
  },
  {
    title: 'Print jobs stuck in the queue',
    kind: 'faq',
    audience: 'public',
    category: 'Printing',
    tags: ['printer', 'queue', 'print'],
    author: 1,
    writtenDaysAgo: 104,
    solves: { category: 'Printer', title: /queue/i },
    answered: ['documents stuck in print queue nothing comes out'],
    body: `A job that stays in the queue blocks everything behind it.

1. Open **Settings → Printers & scanners**, click the printer, **Open print queue**.
2. Right-click the first job → **Cancel**. If it stays as *Deleting*, restart the laptop.
3. Print again.

If the queue empties but nothing comes out, the printer itself is the problem: see *Printer shows offline*. Large PDFs (over 100 MB) can take several minutes to start — print a page range instead.
`,
  },
  // -- Hardware --
  {
    title: 'Request a new laptop or replace a broken one',
    kind: 'faq',
    audience: 'public',
    category: 'Hardware',
    tags: ['laptop', 'hardware', 'request', 'new-starter'],
    author: 3,
    writtenDaysAgo: 99,
    solves: { category: 'Laptop', title: /new starter|turn on|spilled/i },
    body: `## Standard laptops

| Role | Model | Lead time |
|---|---|---|
| Office and sales | Lenovo ThinkPad T14 | 2 working days (in stock) |
| Engineering and analysts | Dell Latitude 7440, 32 GB | 5 working days |
| Design (on approval) | MacBook Pro 14" | 10 working days |

Laptops are replaced every **four years**; we contact you when yours is due.

## Ask for one

Open a ticket in **Laptop** with the person's name, start date and role. For a new starter, do it **one week** before they start: the laptop is prepared with their account and arrives on their desk on day one.

## Broken, lost or stolen

- **Broken** (does not start, liquid spilled, screen cracked): bring it to the service desk; you get a loan laptop the same day.
- **Lost or stolen**: report it **at once** through a ticket (and to the police if stolen). We lock it remotely; the disk is encrypted, so your data is safe.
`,
  },
  // -- Software --
  {
    title: 'Request or install software',
    kind: 'faq',
    audience: 'public',
    category: 'Software',
    tags: ['software', 'install', 'licence', 'company-portal'],
    author: 2,
    writtenDaysAgo: 101,
    solves: { category: 'Software install', title: /install|company portal/i },
    answered: ['how can I install zoom', 'I need adobe acrobat pro'],
    body: `## Free and approved software: install it yourself

Open **Company Portal** from the Start menu (on a Mac: *Self Service*). Everything listed there is approved and installs without admin rights: 7-Zip, Zoom, Slack, VS Code, Python, Power BI Desktop, Notepad++ and more.

If an install stays at *Downloading* for more than 30 minutes, restart the laptop and try again; it resumes.

## Paid software or something not listed

Open a ticket in **Software install** with:

- the software's name and version,
- what you need it for,
- your manager's approval for paid licences (a reply to the ticket is enough).

We check the licence and security, then install it remotely, usually within **three working days**.

## Not allowed

Software from personal accounts, cracked licences, browser extensions that read every page, and remote-control tools such as TeamViewer. Ask us for an alternative.
`,
  },
  {
    title: 'Teams calls: no sound, echo or the microphone does not work',
    kind: 'faq',
    audience: 'public',
    category: 'Software',
    tags: ['teams', 'audio', 'microphone', 'video', 'headset'],
    author: 1,
    writtenDaysAgo: 80,
    answered: ['people cannot hear me in teams', 'no sound in teams meeting headset'],
    body: `## Before the call

In Teams click **⋯ → Settings → Devices** and choose your **headset** for both speaker and microphone. Click **Make a test call**: it records you and plays it back.

## Nobody hears you

1. Check the headset's own mute button (many have one on the cable or the cup).
2. Windows: **Settings → Privacy & security → Microphone** — *Let apps access your microphone* must be on.
3. Unplug the headset, wait five seconds, plug it into a different USB port, then pick it again in Teams.

## Echo

Echo comes from someone using laptop speakers and microphone together. Ask them to use a headset, or mute when not speaking.

## Choppy sound or frozen video

Turn off your incoming video (**More → Turn off incoming video**). If you are on the VPN, see *VPN keeps disconnecting*: Teams does not need the VPN, and works better without it.
`,
  },
  // -- Security --
  {
    title: 'Report a suspicious email (phishing)',
    kind: 'faq',
    audience: 'public',
    category: 'Security',
    tags: ['phishing', 'security', 'email', 'spam'],
    author: 4,
    writtenDaysAgo: 90,
    solves: { category: 'Email', title: /suspicious/i },
    body: `An email that asks you to confirm your password, pay an invoice urgently or open an unexpected attachment is probably phishing.

## What to do

1. **Do not click** links or open attachments.
2. In Outlook click **Report → Report phishing**. The message goes to the security team and leaves your inbox.
3. If you already clicked or typed your password: **reset your password now** and call the service desk. Quick reporting matters more than embarrassment — it happens to everyone.

## Signs

- The sender's address does not match the name (\`it-support@0psdesk-mail.com\`).
- Urgency or threats: *your mailbox will be deleted today*.
- A login page whose address is not \`login.microsoftonline.com\`.

IT will **never** ask for your password by email or phone.
`,
  },
  // -- Manuals and guides for everyone --
  {
    title: 'Your first day: IT onboarding guide',
    kind: 'manual',
    audience: 'public',
    category: 'Hardware',
    tags: ['onboarding', 'new-starter', 'laptop', 'account'],
    author: 0,
    writtenDaysAgo: 116,
    body: `Welcome! This guide takes you through your first hour with your laptop and accounts.

## 1. Sign in for the first time

Your manager gives you a temporary password in a sealed envelope. Sign in to the laptop with your work email and that password; you will be asked to choose your own (at least 14 characters — a short sentence works well).

## 2. Set up multi-factor sign-in

Follow *Set up multi-factor sign-in (MFA)*. Do it on day one: without it you cannot use email outside the office.

## 3. Email, Teams and files

- **Outlook** and **Teams** are pinned to the taskbar; they sign you in automatically.
- Your personal files go in **OneDrive** (the cloud icon near the clock). Team files are in Teams channels and on the file share \`\\\\srv-file-01\\shared\`.

## 4. Printing

Add the printer nearest you: *Add a printer*.

## 5. Working from home

Install nothing: the VPN client is already there. Read *Install and connect the VPN client*.

## 6. Read and accept the policies

Open **Knowledge base → Policies** and acknowledge the acceptable-use, password and remote-work security policies.

## Getting help

- **Self-service**: search this knowledge base — most questions are answered here.
- **Portal**: open a ticket at the service desk portal.
- **Phone**: +44 20 7946 0100, 08:00–18:00 on working days.
`,
  },
  {
    title: 'Employee IT manual',
    kind: 'manual',
    audience: 'public',
    category: 'Policies',
    tags: ['manual', 'handbook', 'laptop', 'security'],
    author: 3,
    writtenDaysAgo: 117,
    body: `The everyday rules and habits that keep your work safe and your laptop working. Questions: the service desk.

## 1. Your laptop

- It is encrypted and managed; updates install by themselves. **Restart at least once a week** so they finish.
- Lock the screen when you leave it: **Windows + L** (Mac: **Ctrl + Cmd + Q**).
- Do not let family or friends use it.

## 2. Your accounts

- One password for your work account, used nowhere else. A password manager (Bitwarden, from Company Portal) remembers the rest.
- Multi-factor sign-in is required on every account that offers it.

## 3. Where to keep files

| What | Where | Who sees it |
|---|---|---|
| Your own drafts | OneDrive | You (and who you share with) |
| Team documents | Teams channel files | The team |
| Department archives | \`\\\\srv-file-01\\shared\` | The department |

Files on the laptop's desktop are **not backed up**.

## 4. Email

Check the sender before you click; report phishing with **Report → Report phishing**. Send confidential files as OneDrive links with an expiry date, not as attachments.

## 5. Travelling

Keep the laptop with you — never in a car overnight. Use the VPN on hotel and public Wi-Fi. Some countries restrict encrypted laptops: ask the service desk two weeks before travelling outside the EU and UK.

## 6. Leaving the company

Hand your laptop, badge and phone to your manager on your last day. Your accounts close at the end of that day; ask for anything you need before.
`,
  },
  // -- Operations: internal runbooks --
  {
    title: 'On-call runbook',
    kind: 'runbook',
    audience: 'internal',
    category: 'Operations',
    tags: ['oncall', 'incident', 'escalation', 'pager'],
    author: 4,
    writtenDaysAgo: 75,
    body: `For whoever holds the Infrastructure or Network pager. The rota is in **On-call → Schedules**; swaps are overrides there, never by phone alone.

## When you are paged

1. **Acknowledge within 5 minutes** — in the app (the *Acknowledge* button on the incident) or by replying to the notification. Unacknowledged pages escalate to the next level after 15 minutes.
2. Open the incident: it links the alert, the service and the runbook for that check.
3. Look at the dashboards:
   - **Monitoring → Overview** for hosts and checks,
   - **Logs** filtered to the host, the last 30 minutes,
   - the status page of the affected service.
4. Post a first note on the incident within 15 minutes: what you see, what you are trying.

## Escalate when

- customers or a whole site are affected and you have no fix in sight within 30 minutes,
- the fix needs a change you may not make alone (firewall, database failover),
- you are unsure. Escalating early is always right.

Escalate with **Escalate** on the incident (it pages the next level), then call the duty manager: **+44 20 7946 0199**.

## Severity

| Severity | Example | Update the incident |
|---|---|---|
| SEV1 | ERP down for everyone, a site offline | every 30 min |
| SEV2 | One service slow, VPN degraded | every hour |
| SEV3 | One server's disk filling, a backup failed | at handover |

## Handover

At the end of your shift write in **#ops-handover**: open incidents and their state, anything silenced and until when, and what you expect overnight. The next person acknowledges the handover.
`,
  },
  {
    title: 'Disk full on a Linux server',
    kind: 'runbook',
    audience: 'internal',
    category: 'Operations',
    tags: ['linux', 'disk', 'server', 'storage'],
    author: 5,
    writtenDaysAgo: 70,
    solves: { category: 'Server', title: /disk/i },
    body: `The *disk usage* check fires at 85 % (warning) and 95 % (critical).

## Find what grew

~~~sh
df -h                                   # which filesystem
sudo du -xh --max-depth=2 /var | sort -h | tail -20
sudo find / -xdev -size +500M -printf '%s %p\\n' 2>/dev/null | sort -n | tail
~~~

## Usual suspects

| What | Safe fix |
|---|---|
| \`/var/log\` (a chatty service) | \`sudo journalctl --vacuum-size=500M\`; check logrotate for that service |
| Deleted files still open | \`sudo lsof +L1\`, restart the process holding them |
| PostgreSQL WAL (\`pg_wal\`) | A stuck replication slot: check \`pg_replication_slots\`; never delete WAL files by hand |
| Docker images | \`docker system prune -a\` on build hosts only |
| Backups written locally | Move to \`srv-backup-01\`, then fix the job's target |

## Grow the disk

If the growth is real, extend the volume (VMware: grow the disk, then \`sudo growpart /dev/sda 3 && sudo pvresize /dev/sda3 && sudo lvextend -r -l +100%FREE /dev/vg0/root\`) and record it in a change.

Note what you removed on the ticket, so the next person knows it was not the first time.
`,
  },
  {
    title: 'Renew a TLS certificate',
    kind: 'runbook',
    audience: 'internal',
    category: 'Operations',
    tags: ['certificate', 'tls', 'ssl', 'server'],
    author: 5,
    writtenDaysAgo: 65,
    solves: { category: 'Server', title: /certificate/i },
    body: `The certificate check warns 30 days before expiry. Public sites use Let's Encrypt (renewed automatically); internal services use the company CA.

## Let's Encrypt (public sites)

~~~sh
sudo certbot certificates            # when each expires
sudo certbot renew --dry-run         # why the automatic renewal failed
sudo systemctl reload nginx
~~~

The usual failure is port 80 closed by a firewall change: the HTTP challenge needs it.

## Internal CA

1. Create a key and request on the server:
   ~~~sh
   openssl req -new -newkey rsa:3072 -nodes -keyout host.key -out host.csr \\
     -subj "/CN=srv-app-03.demo.opsdesk.local" \\
     -addext "subjectAltName=DNS:srv-app-03.demo.opsdesk.local"
   ~~~
2. Submit the CSR on the CA's web page with the *Web Server* template.
3. Install the certificate with the chain, reload the service, check with \`openssl s_client -connect host:443 -servername host\`.
4. Put the new expiry date on the ticket.
`,
  },
  {
    title: 'Restore files or a server from backup',
    kind: 'procedure',
    audience: 'internal',
    category: 'Operations',
    tags: ['backup', 'restore', 'file-share'],
    author: 4,
    writtenDaysAgo: 60,
    effectiveDaysAgo: 60,
    solves: { category: 'Server', title: /restore|backup/i },
    body: `Backups run nightly to **srv-backup-01** and are copied off-site each morning. We keep 30 daily, 12 monthly and 7 yearly restore points.

## A deleted file or folder on the file share

1. Ask the requester for the **full path** and the last day it was there.
2. First try *Previous Versions*: right-click the parent folder on \`\\\\srv-file-01\\shared\` → **Properties → Previous Versions** (hourly snapshots, 7 days).
3. Older: in the backup console choose the job *file-share-daily*, the restore point, browse to the path, **Restore to original location** with *Keep both* if a newer file exists.
4. Check the requester can open it; note the restore point on the ticket.

## A whole server

1. Open an incident (SEV1 or SEV2) and tell the duty manager.
2. Restore the VM from the latest good point to a **new name** first; start it with its network disconnected and check services.
3. Swap it in during an agreed window; keep the broken VM powered off for 7 days.

## Test restores

Every month the on-call engineer restores one random file and one database to the test network and records it on the *Backup restore test* ticket.
`,
  },
  {
    title: 'Vendor escalation contacts',
    kind: 'guide',
    audience: 'managers',
    category: 'Operations',
    tags: ['vendor', 'escalation', 'contract'],
    author: -1,
    writtenDaysAgo: 55,
    body: `Who to call when a supplier's support is not moving. Use these only after a normal support case is open and has stalled; mention the case number.

| Supplier | For | Account manager | Escalation |
|---|---|---|---|
| Telco Business Services | Internet lines, the Leeds MPLS link | Rachel Green, +44 161 496 0321 | Duty manager 24/7: +44 161 496 0999, contract CN-4471 |
| Printwise Ltd | Printer fleet and toner | Sam Patel, +44 20 7946 0872 | Service manager: escalations@printwise.example |
| Northgate Hosting | Colocation, srv-erp-01 hardware | Lena Vogel, +49 30 901820 | NOC 24/7: +49 30 901820 99 |
| ERP vendor | ERP application support | Marco Bianchi | Priority 1 line: +39 02 8088 4400, customer ID 88213 |

Renewal dates and contract values are in the finance folder, *Contracts/IT*.
`,
  },
  // -- Policies and procedures --
  {
    title: 'Acceptable use policy',
    kind: 'policy',
    audience: 'public',
    category: 'Policies',
    tags: ['policy', 'acceptable-use', 'security'],
    author: -1,
    writtenDaysAgo: 118,
    effectiveDaysAgo: 380,
    body: `This policy applies to everyone who uses the company's computers, phones, accounts and networks, including contractors.

## You may

- use company IT for your work, and for occasional personal use that does not get in the way of it;
- install software from Company Portal.

## You must not

- share your password or sign in as someone else;
- store company data on personal devices or personal cloud accounts;
- install unapproved software or disable security tools;
- access, store or send illegal, offensive or discriminatory material;
- connect personal devices to the staff network (the guest network is for them).

## Monitoring

To protect the company, security tools log sign-ins, web access and email delivery. Logs are read only to investigate an incident, by the security team, and kept for 12 months.

## Breaches

Report a breach or a lost device at once. Breaking this policy may lead to disciplinary action.
`,
  },
  {
    title: 'Password policy',
    kind: 'policy',
    audience: 'public',
    category: 'Policies',
    tags: ['policy', 'password', 'mfa'],
    author: -1,
    writtenDaysAgo: 115,
    effectiveDaysAgo: 355,
    body: `## Requirements

| Rule | Value |
|---|---|
| Minimum length | 14 characters |
| Complexity | None required — length matters more; a short sentence is ideal |
| History | Not one of your last 10 passwords |
| Expiry | Only when there is a sign it was exposed |
| Lockout | 10 wrong attempts lock the account for 15 minutes |
| Multi-factor sign-in | Required for every account |

## Always

- Use your work password only for your work account.
- Keep other passwords in the company password manager.
- Change your password at once if you think someone saw it, and tell the service desk.

## Never

- Write a password on paper or in a file.
- Tell anyone your password — including IT. We never ask for it.

Service and administrator accounts follow the stricter rules in the *Privileged access standard*.
`,
  },
  {
    title: 'Remote work security policy',
    kind: 'policy',
    audience: 'public',
    category: 'Policies',
    tags: ['policy', 'remote', 'vpn', 'security', 'home'],
    author: -1,
    writtenDaysAgo: 114,
    effectiveDaysAgo: 180,
    body: `Working from home or on the move is welcome. These rules keep company data as safe there as in the office.

## Devices

- Work on a company laptop. Personal computers may use Outlook on the web and Teams in the browser, nothing else.
- Keep the laptop updated and restart it weekly.

## Networks

- At home, use a router with a password you changed from the default, and WPA2 or WPA3.
- On public Wi-Fi (hotels, trains, cafés) connect the VPN before anything else, or use your phone's hotspot.

## Your surroundings

- Lock the screen whenever you step away; do not let others use the laptop.
- Take confidential calls where you cannot be overheard; use a privacy screen in public.
- Print at home only when you must, and shred what you printed.

## Abroad

Working from another country for more than two weeks needs HR's and IT's approval beforehand.
`,
  },
  {
    title: 'Incident handling procedure',
    kind: 'procedure',
    audience: 'public',
    category: 'Policies',
    tags: ['incident', 'procedure', 'outage'],
    author: -1,
    writtenDaysAgo: 108,
    effectiveDaysAgo: 120,
    body: `How IT handles an outage or a security incident, and what you can expect while it lasts.

## Reporting

Anyone may report an incident: a ticket, or by phone for anything urgent (+44 20 7946 0100). Say what you see, since when, and who else is affected.

## Priorities

| Priority | Meaning | First response | Updates |
|---|---|---|---|
| P1 | Many people cannot work, or data at risk | 15 minutes | every 30 minutes |
| P2 | A team or an important service degraded | 1 hour | every 2 hours |
| P3 | One person affected, a workaround exists | 4 working hours | daily |

## During the incident

1. The service desk records it and the on-call engineer takes it.
2. For P1 a duty manager coordinates and posts updates on the status page.
3. Workarounds come first; the full fix may follow in a change.

## Afterwards

P1 and P2 incidents get a written review within five working days: what happened, why, and what we change so it does not happen again. Reviews are blameless.
`,
  },
  {
    title: 'Change procedure',
    kind: 'procedure',
    audience: 'internal',
    category: 'Operations',
    tags: ['change', 'procedure', 'cab'],
    author: -1,
    writtenDaysAgo: 109,
    effectiveDaysAgo: 130,
    body: `Every change to production systems is recorded, reviewed in proportion to its risk, and can be rolled back.

## Types

| Type | Example | Approval |
|---|---|---|
| Standard | Add a user to a group, renew a certificate, patch a server in its window | Pre-approved: just record it |
| Normal | Firewall rule, new VM, database upgrade | A second engineer reviews; the weekly change meeting approves |
| Emergency | Fix during a P1 | The duty manager approves; record it within one working day |

## A normal change

1. Open a change ticket: what, why, when, the risk, **how to roll back**, and how you will test it.
2. Ask a colleague to review; they comment on the ticket.
3. Present it at the Tuesday change meeting (15:00).
4. Do it in the agreed window; update the ticket as you go.
5. Close it with the result, or with what happened if you rolled back.

## Freeze

No normal changes in the last three working days of a quarter (finance close), except with the manager's approval.
`,
  },
  // -- Work in progress --
  {
    title: 'Set up a new MacBook',
    kind: 'guide',
    audience: 'public',
    category: 'Hardware',
    tags: ['mac', 'macos', 'laptop', 'setup'],
    author: 2,
    writtenDaysAgo: 4,
    status: 'in_review',
    body: `MacBooks are enrolled in the company's device management during setup.

1. Turn on the Mac, choose your language and join the office Wi-Fi (**OPSDESK-STAFF**) or your home network.
2. When **Remote Management** appears, click **Enroll** and sign in with your work account.
3. Create your local account with the same name as your work account.
4. Open **Self Service** and install Outlook, Teams and the VPN client.
5. Turn on FileVault when asked; the recovery key is stored by IT.
`,
  },
  {
    title: 'Docking station: external monitors not detected',
    kind: 'faq',
    audience: 'public',
    category: 'Hardware',
    tags: ['docking', 'monitor', 'laptop'],
    author: 3,
    writtenDaysAgo: 2,
    status: 'draft',
    body: `_Draft: check the steps with the Dell WD19 dock before publishing._

1. Unplug the dock's USB-C cable from the laptop, wait ten seconds and plug it back in.
2. Press **Windows + P** and choose **Extend**.
3. Update the dock's firmware from Company Portal (*Dell Dock firmware*).
`,
  },
];

/** Load the knowledge base: categories, articles through writing, review and publication, links, answers. */
export async function installDemoKnowledge(
  ctx: ServiceContext,
  refs: DemoKnowledgeRefs,
  random: SeededRandom,
): Promise<{ articles: number; links: number; deflections: number }> {
  const { manager, technicians, requesters, now } = refs;
  const clock = new ManualClock(now - 200 * day);
  const kb: ServiceContext = { ...ctx, clock };

  const categoryIds = new Map<string, number>();
  for (const c of categories) categoryIds.set(c.name, (await saveKbCategory(kb, manager, null, c)).id);

  // Written in the order they were written, so article numbers follow time.
  const ordered = [...articles].sort((x, y) => y.writtenDaysAgo - x.writtenDaysAgo);
  const ids = new Map<DemoArticle, number>();
  for (const a of ordered) {
    const author = a.author < 0 ? manager : technicians[a.author];
    const writtenAt = now - a.writtenDaysAgo * day + random.int(8, 16) * 3_600_000;
    clock.set(writtenAt);
    const policy = a.effectiveDaysAgo !== undefined && (a.kind === 'policy' || a.kind === 'procedure');
    const article = await createArticle(kb, author, {
      title: a.title,
      body: a.body,
      kind: a.kind,
      audience: a.audience,
      categoryId: categoryIds.get(a.category) ?? null,
      tags: a.tags,
      ...(policy
        ? {
            ownerId: manager.id,
            effectiveAt: now - (a.effectiveDaysAgo as number) * day,
            reviewIntervalDays: 365,
            requiresAck: a.kind === 'policy',
          }
        : {}),
      note: 'First version',
    });
    ids.set(a, article.id);
    if (a.status === 'draft') continue;
    // A technician's article goes to review; the manager publishes it a day or two later.
    if (author !== manager) {
      clock.set(writtenAt + random.int(1, 5) * 3_600_000);
      await transitionArticle(kb, author, article.id, 'in_review');
    }
    if (a.status === 'in_review') continue;
    clock.set(writtenAt + random.int(20, 50) * 3_600_000);
    await transitionArticle(kb, manager, article.id, 'published');
  }

  // Tickets they solved: resolved tickets of the matching category, linked by whoever worked them.
  const resolved = await ctx.db
    .selectFrom('tickets as t')
    .innerJoin('categories as c', 'c.id', 't.category_id')
    .select(['t.id', 't.title', 't.assignee_id', 't.resolved_at', 'c.name as category'])
    .where('t.status', 'in', ['resolved', 'closed'])
    .where('t.resolved_at', 'is not', null)
    .orderBy('t.id')
    .execute();
  const staff = new Map([manager, ...technicians].map((a) => [a.id, a]));
  let links = 0;
  for (const a of ordered) {
    const id = ids.get(a);
    if (!a.solves || a.status || id === undefined) continue;
    const publishedAt = now - a.writtenDaysAgo * day + 3 * day;
    const solved = resolved.filter(
      (t) =>
        t.category === a.solves?.category &&
        a.solves.title.test(t.title) &&
        Number(t.resolved_at) > publishedAt,
    );
    for (const t of random.sample(solved, 6)) {
      clock.set(Number(t.resolved_at));
      const by = (t.assignee_id !== null ? staff.get(t.assignee_id) : undefined) ?? technicians[0];
      await linkArticle(kb, by, t.id, id);
      links++;
    }
  }

  // A month of requests answered before a ticket was filed.
  let deflections = 0;
  for (const a of ordered) {
    const id = ids.get(a);
    if (!a.answered || a.status || id === undefined || requesters.length === 0) continue;
    for (const text of a.answered) {
      clock.set(now - random.int(1, 29) * day - random.int(1, 8) * 3_600_000);
      await recordDeflection(kb, random.pick(requesters), id, text);
      deflections++;
    }
  }
  return { articles: ordered.length, links, deflections };
}
