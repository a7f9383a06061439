// What the demo organisation's users file, per category: titles and descriptions people really write, the
// questions technicians ask and the answers, and per ticket the internal note and the resolution.
// `{placeholders}` are filled once per ticket, so a title and its thread agree (the same laptop throughout).
import type { TicketType } from '../core/db/index.js';
import type { Level } from '../helpdesk/index.js';
import type { DemoGroupKey } from './people.js';
import type { SeededRandom } from './seeded-random.js';

export interface TicketTemplate {
  title: string;
  description: string;
  type?: TicketType;
  impact?: Level;
  urgency?: Level;
  tags?: string[];
  /** The technician's internal note with what they found, and the public resolution. */
  note: string;
  resolution: string;
}

export interface CategoryScript {
  name: string;
  description: string;
  /** The group that takes these first. */
  group: DemoGroupKey;
  /** The group a hard case goes to, and how often. */
  escalateTo: DemoGroupKey | null;
  escalateChance: number;
  /** Relative share of all tickets. */
  weight: number;
  tickets: TicketTemplate[];
  questions: string[];
  answers: string[];
}

const placeholders: Record<string, readonly string[]> = {
  laptop: [
    'Dell Latitude 7440',
    'Lenovo ThinkPad T14',
    'HP EliteBook 840',
    'MacBook Pro 14"',
    'Dell Latitude 5540',
    'Lenovo ThinkPad X1 Carbon',
  ],
  asset: ['LT-0412', 'LT-0588', 'LT-0731', 'LT-0236', 'LT-0905', 'LT-1017', 'LT-0654'],
  printer: [
    'PRN-2F-EAST (HP LaserJet M507)',
    'PRN-3F-WEST (Canon iR-ADV C3826)',
    'PRN-1F-RECEPTION (Brother HL-L8360)',
    'PRN-4F-FINANCE (HP Color LaserJet M555)',
  ],
  app: [
    'Microsoft Visio',
    'Adobe Acrobat Pro',
    'Power BI Desktop',
    'Tableau Desktop',
    'Python 3.12 and VS Code',
    'AutoCAD LT',
    'SAP GUI',
    'Zoom Workplace',
    'Slack',
    'Figma desktop',
  ],
  server: [
    'srv-file-01',
    'srv-sql-02',
    'srv-app-03',
    'srv-erp-01',
    'srv-print-01',
    'srv-dc-02',
    'srv-backup-01',
    'srv-web-04',
  ],
  service: ['the ERP', 'the intranet', 'the file share', 'the CRM', 'the timesheet app', 'the HR portal'],
  site: [
    'Berlin office',
    'Lyon office',
    'London office',
    'warehouse in Leeds',
    'Madrid office',
    'head office',
  ],
  floor: ['2nd floor', '3rd floor', '4th floor', 'ground floor'],
  room: ['meeting room Orion', 'meeting room Atlas', 'the open-plan area', 'the canteen'],
  mailbox: ['sales@', 'accounts-payable@', 'support@', 'hr@', 'marketing@', 'procurement@'],
  n: ['2', '3', '4', '5', '6'],
};

/** Choose a value for every placeholder once, for one ticket. */
export function pickPlaceholders(random: SeededRandom): Record<string, string> {
  return Object.fromEntries(Object.entries(placeholders).map(([k, values]) => [k, random.pick(values)]));
}

export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export const categoryScripts: readonly CategoryScript[] = [
  {
    name: 'Password reset',
    description: 'Forgotten or expired passwords, locked accounts and MFA devices.',
    group: 'l1',
    escalateTo: 'l2',
    escalateChance: 0.05,
    weight: 18,
    tickets: [
      {
        title: 'Locked out of my account after holiday',
        description:
          'I came back from two weeks off and my password has expired. When I try to change it the screen says "The password does not meet the requirements" no matter what I type. I am locked out now after too many tries.',
        type: 'request',
        impact: 2,
        urgency: 4,
        tags: ['account'],
        note: 'Password had expired during leave; the new one failed the history rule (reused). Verified by call-back, set a temporary password.',
        resolution:
          'Your account is unlocked and you have a temporary password; choose a new one at sign-in. It must not match your last 10 passwords, which is why your attempts were refused.',
      },
      {
        title: 'Forgot my Windows password',
        description:
          'I changed my password on Friday and cannot remember the new one. Can you reset it please? I am at my desk on the {floor}.',
        type: 'request',
        impact: 2,
        urgency: 4,
        note: 'Identity verified by call-back to desk phone. Temporary password set, must change at next sign-in.',
        resolution: 'I have reset your password; you will be asked to choose a new one at your next sign-in.',
      },
      {
        title: 'New phone - need to move my MFA (Authenticator)',
        description:
          'I got a new phone from the company and the Authenticator app on it has no accounts. My old phone was wiped. I cannot sign in to Outlook or Teams anymore.',
        type: 'request',
        impact: 2,
        urgency: 4,
        tags: ['mfa'],
        note: 'MFA methods cleared in Entra ID; user re-registered the new phone while on the call.',
        resolution:
          'Your MFA registration is reset and you re-registered the new phone with me on the call. Outlook and Teams work again.',
      },
      {
        title: 'Account locked - cannot log in to {service}',
        description:
          'Since this morning {service} says my account is locked. I only tried my password twice. I need it for month-end reporting today.',
        type: 'incident',
        impact: 2,
        urgency: 4,
        tags: ['account'],
        note: 'Lockout source: old phone still syncing mail with the previous password (11 failed attempts). No sign-ins from unusual locations.',
        resolution:
          'Your account is unlocked. The lockout came from your old phone still trying the previous password - please remove the mail account there.',
      },
      {
        title: 'Password expiry reminder loop',
        description:
          'Every time I log in I get "Your password will expire in 1 day", I change it, and the next day it asks again. Is my account set up wrong?',
        type: 'incident',
        impact: 2,
        urgency: 2,
        note: "pwdLastSet was not updating: the account had 'password never expires' removed but a stale fine-grained policy applied. Removed it from the PSO group.",
        resolution:
          'A leftover password policy on your account caused the daily reminder. It is fixed; you will next be asked in 90 days.',
      },
      {
        title: 'Reset password for temp staff member',
        description:
          'Our temp, who started Monday, never received her first-login password. Could you reset it and give it to me so I can pass it on in person? She sits next to me on the {floor}.',
        type: 'request',
        impact: 2,
        urgency: 3,
        tags: ['onboarding'],
        note: 'Manager confirmed identity of temp in person at the desk. Temporary password handed over on paper.',
        resolution:
          'The temporary password was handed to you at the service desk; she will choose her own at first sign-in.',
      },
      {
        title: 'SAP password reset',
        description:
          'My SAP GUI password expired and the self-service reset link in the logon screen gives an error. Please reset it.',
        type: 'request',
        impact: 2,
        urgency: 3,
        note: 'SAP self-service reset broken since the SSO change; reset in SU01 and raised a problem record for the self-service page.',
        resolution:
          'Your SAP password is reset; the initial password was sent by SMS to your work mobile. Change it at first logon.',
      },
    ],
    questions: [
      'To verify it is you, could you call the service desk on extension 4400 from your desk phone? We cannot send a new password by email.',
      'Could you confirm your employee number and the last four digits of your mobile number on file?',
      'Is the Authenticator app on your new phone signed in with your work account yet? If so please send a screenshot of the accounts list.',
    ],
    answers: [
      'Just called, spoke to your colleague. Thanks!',
      'Employee number is in my signature below. Last four digits are the ones HR has on file, I called to confirm.',
      'Screenshot attached - the app shows no accounts at all.',
    ],
  },
  {
    name: 'Laptop',
    description: 'Company laptops: faults, slowness, batteries, docks, replacements and new starters.',
    group: 'l1',
    escalateTo: 'l2',
    escalateChance: 0.08,
    weight: 17,
    tickets: [
      {
        title: 'Laptop extremely slow since last update',
        description:
          'My {laptop} ({asset}) has been very slow since the update on Tuesday. Outlook takes two minutes to open and the fan is always on. I restarted twice.',
        type: 'incident',
        impact: 2,
        urgency: 3,
        tags: ['hardware', 'windows'],
        note: 'Update left the Windows Search indexer in a rebuild loop (100 % disk). Rebuilt the index and applied the cumulative fix.',
        resolution:
          'Your laptop is back to normal speed: a search index was stuck rebuilding after the update. I fixed it remotely.',
      },
      {
        title: 'Battery only lasts 40 minutes',
        description:
          'The battery of my {laptop} ({asset}) drains in under an hour. It is about three years old. I travel to the {site} a lot and need it to last a day.',
        type: 'incident',
        impact: 2,
        urgency: 2,
        tags: ['hardware'],
        note: 'SupportAssist: battery health 38 %, under warranty until next year. Ordered a replacement battery.',
        resolution:
          'The laptop has a new battery and passed the diagnostics. You can collect it from the service desk.',
      },
      {
        title: 'Docking station - external monitors not detected',
        description:
          'When I plug my laptop into the dock on the {floor}, neither of the two monitors comes on. The laptop charges, so the dock has power. It worked last week.',
        type: 'incident',
        impact: 2,
        urgency: 3,
        tags: ['hardware', 'dock'],
        note: 'Dock firmware outdated (01.00.08). Updated to 01.00.16, monitors detected again.',
        resolution: 'I updated the dock firmware remotely and both monitors are detected again.',
      },
      {
        title: 'New starter laptop for {n} people in Sales',
        description:
          'We have {n} new starters in Sales on the 1st. Please prepare standard laptops with the sales software bundle (CRM, Teams, Office). Names and start dates in the attached onboarding form.',
        type: 'request',
        impact: 3,
        urgency: 3,
        tags: ['onboarding'],
        note: 'Imaged with the Sales profile in Autopilot, asset tags recorded, accounts created by HR feed.',
        resolution: 'The new laptops are imaged, labelled and waiting at reception for the new starters.',
      },
      {
        title: 'Coffee spilled on keyboard',
        description:
          'I knocked a coffee over my {laptop} ({asset}). I switched it off straight away and dried it. Several keys now do not work and it smells a bit burnt. What should I do?',
        type: 'incident',
        impact: 2,
        urgency: 4,
        tags: ['hardware', 'repair'],
        note: 'Liquid damage - not covered by warranty. Manager approved replacement cost. Loaner issued, data syncs from OneDrive.',
        resolution:
          'Your replacement laptop is ready at the service desk; your files are in OneDrive and your apps install automatically at first sign-in.',
      },
      {
        title: 'Blue screen several times a day',
        description:
          'My laptop crashes with a blue screen (DRIVER_IRQL_NOT_LESS_OR_EQUAL) three or four times a day, usually when I join a Teams call. Asset tag {asset}.',
        type: 'incident',
        impact: 2,
        urgency: 4,
        tags: ['windows'],
        note: 'Intel Wi-Fi driver two versions behind; the BSOD matches the known issue. Pushing the update via Intune.',
        resolution:
          'A driver update fixed the crashes; it has been stable for three days now. Reply if it happens again.',
      },
      {
        title: 'Laptop will not turn on',
        description:
          'My {laptop} does not power on at all. No lights, nothing when plugged in. I have a client presentation tomorrow morning.',
        type: 'incident',
        impact: 2,
        urgency: 5,
        tags: ['hardware'],
        note: 'Mainboard fault confirmed (no power LED with a known-good charger). Swapped for a spare from stock, user profile restored from OneDrive.',
        resolution:
          "The laptop's mainboard failed. You have a replacement with all your files and apps - good luck with the presentation.",
      },
      {
        title: 'Request a second monitor',
        description:
          'I work with large spreadsheets all day. Could I get a second monitor for my desk on the {floor}? My manager has approved.',
        type: 'request',
        impact: 1,
        urgency: 2,
        tags: ['hardware'],
        note: 'Approved by manager. 27" monitor and cable taken from stock, asset recorded.',
        resolution: 'The second monitor is set up on your desk.',
      },
      {
        title: 'Laptop stolen from car',
        description:
          'My {laptop} (asset {asset}) was stolen from my car last night at the {site}. I have filed a police report (reference attached). Please block it and advise on a replacement.',
        type: 'incident',
        impact: 3,
        urgency: 5,
        tags: ['security', 'hardware'],
        note: 'Device disabled in Intune and Entra ID, BitLocker key confirmed escrowed, sessions revoked. Informed the security team.',
        resolution:
          'The stolen laptop is blocked and cannot be used to reach company data. Your replacement is ready at the service desk.',
      },
    ],
    questions: [
      'Could you tell me the asset tag on the sticker under the laptop, and whether this also happens when the laptop is not on the dock?',
      'Can you bring the laptop to the service desk on the 2nd floor tomorrow between 9 and 11? We will swap it for a loaner while we look at it.',
      'Does the problem also happen after a full shutdown (hold Shift while clicking Shut down), not just a restart?',
      'Could you confirm the delivery address and the preferred keyboard layout for the new laptops?',
    ],
    answers: [
      'Asset tag is on the sticker as in my first message. It happens off the dock too.',
      'I can come by at 10. Thanks.',
      'Tried a full shutdown, same thing unfortunately.',
      'Deliver to the {site}, reception. UK keyboard layout please.',
    ],
  },
  {
    name: 'Printer',
    description: 'Office printers and scanners: jams, queues, drivers, toner and scan-to-email.',
    group: 'l1',
    escalateTo: null,
    escalateChance: 0,
    weight: 12,
    tickets: [
      {
        title: 'Printer on the {floor} jammed again',
        description:
          '{printer} shows "Paper jam in tray 2" but there is no paper stuck anywhere. Nobody on the floor can print.',
        type: 'incident',
        impact: 3,
        urgency: 3,
        tags: ['printer'],
        note: 'Jam sensor in tray 2 dirty; cleaned it. Fuser at 98 % of rated life - service call logged with the vendor (contract MPS-2231).',
        resolution:
          'The jam sensor was dirty; I cleaned it and the printer is working again. The vendor will also replace a worn part this week.',
      },
      {
        title: 'Cannot add printer {printer}',
        description:
          'I am trying to add {printer} from the printer list and get "Windows cannot connect to the printer. Access denied."',
        type: 'incident',
        impact: 1,
        urgency: 2,
        tags: ['printer', 'windows'],
        note: 'User had an old Type 3 driver cached; pushed the Type 4 package via GPO.',
        resolution:
          'The printer is added to your laptop now. It failed because of an old driver, which I replaced.',
      },
      {
        title: 'Scan to email not arriving',
        description:
          'When I scan on {printer} and choose "Scan to my email", nothing arrives. It worked until last week. Checked junk folder too.',
        type: 'incident',
        impact: 2,
        urgency: 3,
        tags: ['printer', 'scanner'],
        note: 'Scanner SMTP relay password changed last week; updated it in the printer web console.',
        resolution: 'Scan to email works again - the printer had an outdated mail password.',
      },
      {
        title: 'Toner low on {printer}',
        description:
          'The display says black toner is low. Could someone replace it before it runs out? Finance prints the invoices on Thursday.',
        type: 'request',
        impact: 2,
        urgency: 2,
        tags: ['printer', 'consumables'],
        note: 'Replaced black toner, old cartridge in the recycling box. Two spares ordered.',
        resolution: 'New toner is in. Spare cartridges are in the cabinet next to the printer.',
      },
      {
        title: 'Print jobs stuck in queue',
        description:
          'My documents go to the queue for {printer} and just sit there with status "Error - Printing". Others seem to have the same problem.',
        type: 'incident',
        impact: 3,
        urgency: 3,
        tags: ['printer'],
        note: 'Print spooler on srv-print-01 hung with 240 jobs. Restarted the spooler, queue cleared.',
        resolution: 'The print server queue is cleared and jobs are printing again. Sorry for the trouble.',
      },
      {
        title: 'Colour prints come out with streaks',
        description:
          'Everything printed in colour on {printer} has pale horizontal streaks. Black and white is fine.',
        type: 'incident',
        impact: 2,
        urgency: 2,
        tags: ['printer'],
        note: 'Transfer belt worn. Vendor visit booked under the service contract.',
        resolution: 'The vendor replaced the transfer belt this morning; colour prints are clean again.',
      },
    ],
    questions: [
      'Is the printer showing any code on its display (for example 13.A2.D2)? A photo of the screen helps.',
      'Could you try printing a test page from the printer itself (Menu > Reports > Configuration page)?',
      'Which email address did you choose on the scanner screen? It should be your full work address.',
    ],
    answers: [
      'Photo of the display attached, it says 13.B2.D1.',
      'The configuration page printed fine.',
      'I picked my name from the address book. Is that not right?',
    ],
  },
  {
    name: 'VPN',
    description: 'Remote access: VPN client, connections, slowness and access from home or travel.',
    group: 'network',
    escalateTo: null,
    escalateChance: 0,
    weight: 11,
    tickets: [
      {
        title: 'VPN disconnects every few minutes',
        description:
          'Working from home, the VPN drops every 5-10 minutes and Teams calls cut out. My home internet is fine otherwise (speed test 200 Mbit/s).',
        type: 'incident',
        impact: 2,
        urgency: 3,
        tags: ['remote', 'vpn'],
        note: 'Client 5.1.x has a known DPD timeout bug. Pushed 5.3.0.',
        resolution:
          'I updated your VPN client to the latest version, which fixes the disconnects. Let me know if it drops again.',
      },
      {
        title: 'Cannot connect to VPN from hotel',
        description:
          'I am at a conference and the VPN client says "Connection attempt has timed out". I need the file share for a presentation this afternoon.',
        type: 'incident',
        impact: 2,
        urgency: 5,
        tags: ['remote', 'vpn', 'travel'],
        note: 'Captive portal at the hotel blocked the tunnel until the terms were accepted.',
        resolution:
          'Glad it works: hotel networks often need their terms accepted in a browser before the VPN can connect.',
      },
      {
        title: 'VPN access for external consultant',
        description:
          'We have an external consultant starting next week for the ERP upgrade. She needs VPN access to {server} only, for three months. Contract attached.',
        type: 'request',
        impact: 2,
        urgency: 3,
        tags: ['access', 'vpn'],
        note: 'Created account in OU=External, added to VPN-ERP-Consultants with an expiry date; access limited to the ERP server.',
        resolution:
          'Access for the consultant is set up and expires automatically at the end of the contract. Credentials were sent to her manager.',
      },
      {
        title: 'VPN connected but cannot reach {service}',
        description:
          'The VPN says connected, but {service} does not load and I cannot map the drives. Internet works.',
        type: 'incident',
        impact: 2,
        urgency: 4,
        tags: ['vpn'],
        note: 'Split tunnel ACL missing the 10.20.0.0/16 range after last change. Added back.',
        resolution:
          'The routes for the internal networks were missing from the VPN profile; reconnect and you will reach everything again.',
      },
      {
        title: 'VPN very slow in the evening',
        description:
          'Between 6 and 9 pm the VPN is so slow that opening a 2 MB file from the share takes minutes. Daytime it is fine.',
        type: 'incident',
        impact: 2,
        urgency: 2,
        tags: ['vpn', 'performance'],
        note: 'Firewall shows the evening peak at the licence limit of 250 concurrent tunnels plus backup traffic. Moved the backup window; licence increase requested.',
        resolution:
          'We moved a large backup out of the evening hours and the VPN is fast again. More capacity is on order.',
      },
      {
        title: 'Many users cannot connect to VPN',
        description:
          'Since about 8:30 several of us working remotely cannot connect. The client shows "Authentication failed" even with the right password.',
        type: 'incident',
        impact: 4,
        urgency: 5,
        tags: ['vpn', 'outage'],
        note: 'RADIUS certificate expired at 08:12 on the NPS servers. Renewed and restarted NPS; connections recovering. Added expiry monitoring.',
        resolution:
          'The authentication problem is fixed: a certificate on the authentication servers had expired. Everyone can connect again.',
      },
    ],
    questions: [
      'Which VPN client version do you have (click the gear icon > About)? And are you on Wi-Fi or cable?',
      'Can you run "Test-NetConnection vpn.demo.opsdesk.local -Port 443" in PowerShell and paste the result?',
      'Does the hotel require you to accept terms in a browser page first? Please open any website before connecting.',
    ],
    answers: [
      'Version 5.1.2, on Wi-Fi. I will try a cable tonight.',
      'It says TcpTestSucceeded : False.',
      'That was it, I had not accepted the hotel terms. Connected now!',
    ],
  },
  {
    name: 'Email',
    description: 'Outlook and mailboxes: sending, receiving, shared mailboxes, calendars and spam.',
    group: 'l1',
    escalateTo: 'l2',
    escalateChance: 0.06,
    weight: 14,
    tickets: [
      {
        title: 'Need access to shared mailbox {mailbox}',
        description:
          'I joined the team last week and need to read and send from the {mailbox} shared mailbox. My manager approved, see below.',
        type: 'request',
        impact: 1,
        urgency: 3,
        tags: ['access', 'mailbox'],
        note: 'Full Access and Send As granted on the shared mailbox; auto-mapping takes up to an hour.',
        resolution:
          'You now have access to the shared mailbox; it will appear in Outlook within an hour (restart Outlook if not).',
      },
      {
        title: 'Outlook keeps asking for my password',
        description:
          'Outlook pops up a password window every few minutes. I type it in, it goes away, and comes back. Webmail works fine.',
        type: 'incident',
        impact: 2,
        urgency: 3,
        tags: ['outlook'],
        note: 'Old Autodiscover SCP record still pointed at the decommissioned Exchange server. Removed it.',
        resolution:
          'The password prompts came from an old server setting we have removed. Restart Outlook and they should stop.',
      },
      {
        title: 'Mailbox full - cannot send',
        description:
          'I get "Your mailbox is full" and cannot send anything. I have deleted a lot already. Can I get more space?',
        type: 'incident',
        impact: 2,
        urgency: 4,
        tags: ['mailbox'],
        note: 'Mailbox at 49.6 of 50 GB. Online archive enabled, archive policy applied (2 years).',
        resolution:
          'I enabled your online archive and moved mail older than two years there; you have plenty of space now.',
      },
      {
        title: 'Suspicious email asking to confirm my password',
        description:
          'I received an email that looks like it is from IT asking me to confirm my password via a link. I did not click it. Forwarding it as attachment.',
        type: 'incident',
        impact: 3,
        urgency: 4,
        tags: ['security', 'phishing'],
        note: 'Phishing confirmed; 14 recipients, 2 clicked. Purged from all mailboxes, reset the two accounts, sender domain blocked.',
        resolution:
          'Thank you for reporting it - it was phishing. We removed it from every mailbox and blocked the sender.',
      },
      {
        title: 'Emails to a customer bounce',
        description:
          'Every email I send to our customer at northwind-traders.example bounces with "550 5.7.1 Message rejected". Started yesterday.',
        type: 'incident',
        impact: 3,
        urgency: 4,
        tags: ['mail-flow'],
        note: 'Our sending IP was on a blocklist after a compromised account sent spam on Monday. Delisting done; SPF record also missing the new relay - fixed.',
        resolution:
          'Mail to the customer is delivered again; our address had been put on a blocklist and has been removed.',
      },
      {
        title: 'Set up out-of-office for colleague on sick leave',
        description:
          'A colleague is on long-term sick leave. Could you set an out-of-office reply on her mailbox and forward her mail to me?',
        type: 'request',
        impact: 1,
        urgency: 2,
        note: 'HR approval on file. Automatic reply set and forwarding to the requester configured until further notice.',
        resolution:
          'The out-of-office reply is on and her mail is forwarded to you. Tell us when she is back and we will undo it.',
      },
      {
        title: 'Calendar invites not showing for the room Orion',
        description:
          'Meeting room Orion does not accept invitations any more; it stays "tentative" and the room screen shows nothing.',
        type: 'incident',
        impact: 2,
        urgency: 2,
        tags: ['calendar'],
        note: 'Room mailbox calendar processing was set to AutoAccept = false after the migration. Fixed and re-processed pending requests.',
        resolution: 'Meeting room Orion accepts invitations again, and the pending bookings are confirmed.',
      },
    ],
    questions: [
      'Could you send us the full bounce message (open it and forward it as an attachment)?',
      'Does the password prompt mention "Microsoft 365" or the old server name mail.demo.opsdesk.local?',
      'Could your manager reply here to approve the access? We need it on the ticket.',
    ],
    answers: [
      'Forwarded the bounce as attachment.',
      'It mentions the old server name.',
      'Manager here: approved.',
    ],
  },
  {
    name: 'Server',
    description: 'Servers and the services on them: file shares, databases, applications, backups.',
    group: 'l2',
    escalateTo: null,
    escalateChance: 0,
    weight: 9,
    tickets: [
      {
        title: '{service} is very slow for everyone',
        description:
          'Since around 10:00 {service} takes 30 seconds or more per page. Several people on the {floor} have the same problem.',
        type: 'incident',
        impact: 4,
        urgency: 4,
        tags: ['performance', 'outage'],
        note: "SQL Server on srv-sql-02 at 100 % CPU: a missing index after Saturday's ERP update. Added the index, CPU back to 20 %.",
        resolution:
          'Performance is back to normal: an update had left the database without an index it needed. We added it.',
      },
      {
        title: 'Disk almost full on {server}',
        description: 'Monitoring shows the data volume on {server} at 92 %. It grew by 40 GB this week.',
        type: 'incident',
        impact: 3,
        urgency: 3,
        tags: ['capacity'],
        note: 'Application logs never rotated - 38 GB. Set up rotation and compression, freed 41 GB.',
        resolution: 'Disk space is freed and log rotation is set up so it does not fill up again.',
      },
      {
        title: 'Restore a deleted folder from the file share',
        description:
          'Someone deleted the folder \\\\srv-file-01\\projects\\2024-Q3 yesterday afternoon. Can you restore it from the backup, as of yesterday morning?',
        type: 'request',
        impact: 2,
        urgency: 4,
        tags: ['backup', 'restore'],
        note: 'Restored to \\\\srv-file-01\\restore\\ first and compared with the user; then moved into place. Contracts subfolder first.',
        resolution:
          'The folder is restored as of yesterday 07:00. Please check that everything you need is there.',
      },
      {
        title: 'Nightly backup failed on {server}',
        description:
          'The backup report shows the job for {server} failed last night with "VSS snapshot timed out".',
        type: 'incident',
        impact: 3,
        urgency: 3,
        tags: ['backup'],
        note: 'SQL VSS writer in failed state. Restarted the SQL VSS Writer service and re-ran the backup manually: success.',
        resolution: "Last night's backup was re-run successfully, and tonight's completed normally too.",
      },
      {
        title: 'New virtual machine for the reporting project',
        description:
          'The BI team needs a Windows Server VM with 8 vCPU, 32 GB RAM and 500 GB disk for the reporting project. Budget code BI-2291.',
        type: 'request',
        impact: 2,
        urgency: 2,
        tags: ['provisioning'],
        note: 'VM created on cluster B, joined to the domain, added to the weekly patch group and the backup policy.',
        resolution:
          'The VM is ready; connection details are in the attached note. Please do not store production data on it yet.',
      },
      {
        title: '{service} shows "HTTP 500 Internal Server Error"',
        description:
          'Opening {service} shows an HTTP 500 error page since this morning. Nobody in our department can work in it.',
        type: 'incident',
        impact: 4,
        urgency: 5,
        tags: ['outage'],
        note: 'Application pool crashed after a Windows update; rolled it back, opened a case with the vendor.',
        resolution:
          'The application works again. We rolled back an update that broke it and are working with the vendor on a permanent fix.',
      },
      {
        title: 'Certificate expiring on {server}',
        description: 'We got the automatic warning: the TLS certificate on {server} expires in 14 days.',
        type: 'request',
        impact: 3,
        urgency: 2,
        tags: ['certificates'],
        note: 'Renewed through the internal CA, bound in IIS, old certificate removed. Next expiry added to the calendar.',
        resolution: 'The certificate is renewed and valid for another year.',
      },
    ],
    questions: [
      'Can you tell me roughly when it started and whether it is every page or specific screens?',
      'Which files or subfolders do you need most urgently? We can restore those first.',
      'Is the VM for production or for testing? That decides the backup and patching schedule.',
    ],
    answers: [
      'Started around 10, every page is slow.',
      'The contracts subfolder first please, the rest can wait until tomorrow.',
      'Testing for now, production from next quarter.',
    ],
  },
  {
    name: 'Network',
    description: 'Wired and wireless network in the offices: Wi-Fi, network ports, slowness, outages.',
    group: 'network',
    escalateTo: null,
    escalateChance: 0,
    weight: 9,
    tickets: [
      {
        title: 'Wi-Fi very weak in {room}',
        description:
          'The Wi-Fi in {room} on the {floor} at the {site} keeps dropping. During meetings we lose video every few minutes.',
        type: 'incident',
        impact: 3,
        urgency: 3,
        tags: ['wifi'],
        note: 'Access point AP-3F-07 rebooting every 20 min (PoE budget exceeded on the switch). Moved it to another port.',
        resolution:
          'The access point there kept restarting; it is fixed and the Wi-Fi has been stable since this morning.',
      },
      {
        title: 'Network port at my new desk is dead',
        description:
          'I moved to a desk on the {floor}. The network socket (label 3B-14) does not give a connection; the light on the laptop dock stays off.',
        type: 'incident',
        impact: 1,
        urgency: 3,
        tags: ['lan'],
        note: 'Socket 3B-14 was not patched in the comms room. Patched to switch 3, port 31, VLAN 20.',
        resolution: 'Your network socket is now connected. Plug in and you are good to go.',
      },
      {
        title: 'Whole {site} offline',
        description:
          'Nobody at the {site} has internet or access to the company systems since 07:45. Phones also down.',
        type: 'incident',
        impact: 5,
        urgency: 5,
        tags: ['outage', 'wan'],
        note: 'ISP confirmed fibre cut near the site, ETA 4 hours. Failover to LTE backup activated for critical systems.',
        resolution: 'The connection at the site is restored; the provider repaired a damaged fibre cable.',
      },
      {
        title: 'Guest Wi-Fi for visitors on Thursday',
        description:
          'We have 25 visitors from a partner on Thursday. Could we have guest Wi-Fi codes that work all day?',
        type: 'request',
        impact: 1,
        urgency: 2,
        tags: ['wifi', 'guest'],
        note: '25 vouchers generated on the guest portal, valid 12 h from first use.',
        resolution: 'Guest codes for Thursday are attached; each works for 12 hours.',
      },
      {
        title: 'Internet slow at the {site}',
        description:
          'Since Monday the internet at the {site} is very slow - websites take ages and video calls freeze.',
        type: 'incident',
        impact: 3,
        urgency: 3,
        tags: ['performance', 'wan'],
        note: 'WAN link saturated by the off-site backup, which ran in office hours after a schedule change. Moved it to 22:00.',
        resolution:
          'A backup job was using the office link during the day; we moved it to the night and speeds are back to normal.',
      },
      {
        title: 'Firewall rule for new supplier portal',
        description:
          'Our supplier moved their portal to a new address (portal.fabrikam.example on port 8443). It is blocked from the office network. Please open it.',
        type: 'request',
        impact: 2,
        urgency: 3,
        tags: ['firewall'],
        note: 'Rule FW-2231 added: office VLANs to portal.fabrikam.example:8443, change CHG-1187.',
        resolution: 'The supplier portal is reachable from the office network now.',
      },
    ],
    questions: [
      'Can you tell me the Wi-Fi network name your laptop is connected to and roughly where you sit?',
      'Could you send a photo of the label on the network socket?',
      'Is it all websites, or mostly video calls and large downloads?',
    ],
    answers: [
      'Connected to CORP-WIFI, near the windows by the kitchen.',
      'Photo attached.',
      'Mostly video calls, but large downloads too.',
    ],
  },
  {
    name: 'Software install',
    description: 'Requests to install, update or license software on company devices.',
    group: 'l1',
    escalateTo: null,
    escalateChance: 0,
    weight: 10,
    tickets: [
      {
        title: 'Please install {app}',
        description:
          'I need {app} for a project starting next week. My manager has approved the licence (if one is needed).',
        type: 'request',
        impact: 1,
        urgency: 2,
        tags: ['software'],
        note: 'Licence assigned from the pool (14 of 20 used). Pushed the app to the device via Intune.',
        resolution: 'The software is installed on your laptop; you will find it in the Start menu.',
      },
      {
        title: '{app} crashes on start',
        description:
          '{app} closes immediately when I open it, no error message. It worked yesterday. I have restarted the laptop.',
        type: 'incident',
        impact: 2,
        urgency: 3,
        tags: ['software'],
        note: "Crash caused by a corrupt user settings cache; cleared the app's folder under %APPDATA%.",
        resolution: 'I cleared the damaged settings and the application starts normally again.',
      },
      {
        title: 'Licence expired for {app}',
        description:
          'When I open {app} it says my licence has expired and I can only view files. I need to edit for a deadline on Friday.',
        type: 'incident',
        impact: 2,
        urgency: 4,
        tags: ['software', 'licensing'],
        note: 'Renewal PO raised with procurement; temporary licence activated until it arrives.',
        resolution: 'Your licence is renewed; sign out of the app and back in to pick it up.',
      },
      {
        title: 'Update {app} to latest version',
        description:
          'A customer sent files made with the newest version of {app} and mine cannot open them. Could you update it?',
        type: 'request',
        impact: 1,
        urgency: 3,
        tags: ['software'],
        note: 'Updated via Intune required deployment; checked the file the customer sent opens.',
        resolution: "Updated to the latest version; the customer's files open now.",
      },
      {
        title: 'Company Portal install stuck at "Downloading"',
        description:
          'I tried to install {app} myself from the Company Portal but it has been stuck at "Downloading" for two hours.',
        type: 'incident',
        impact: 1,
        urgency: 2,
        tags: ['software', 'intune'],
        note: 'Device had not checked in for 9 days. Forced a sync and restarted the Intune Management Extension.',
        resolution:
          "The installation finished after I refreshed your laptop's connection to our management service.",
      },
    ],
    questions: [
      'Could you confirm your laptop asset tag and whether you need the full or the viewer version?',
      'Which cost centre should the licence be charged to?',
      'Could you restart the Intune Management Extension service or reboot, and tell me if it is still stuck?',
    ],
    answers: [
      'Full version please, asset tag is on my laptop sticker: {asset}.',
      'Cost centre 4410 (Marketing).',
      'Rebooted, still stuck at Downloading.',
    ],
  },
];

/** What requesters write when they have waited too long, and when they thank. */
export const nudges = [
  'Any update on this? It is blocking my work.',
  'Hi, just checking whether someone has looked at this yet.',
  'This is still happening, could someone have a look today please?',
];

export const thanks = [
  'Thanks, that worked!',
  'Perfect, thank you for the quick help.',
  'All good now, thank you.',
  'Confirmed fixed on my side, thanks.',
];

export const acknowledgements = [
  'Thanks for reporting this, I am looking into it now.',
  'I have picked this up and will get back to you shortly.',
  'Thanks - I can reproduce it and am working on a fix.',
];

export const escalationNotes = [
  'Beyond first-line scope: escalating to {group} with the diagnostics collected so far.',
  'Needs server-side access. Passing to {group}; user informed.',
];

export const reopenNotes = [
  'Reopened by the requester. The first fix treated the symptom; looking for the root cause now.',
  "Back again - checked this morning's event logs, same error. Trying the vendor's documented workaround.",
];

export const ratingComments: Record<number, readonly string[]> = {
  1: ['Took far too long and I had to chase several times.'],
  2: ['Fixed in the end, but nobody told me what was going on.'],
  3: ['OK.', 'Solved, but it took a while.'],
  4: ['Good, thanks.', 'Quick and friendly.'],
  5: [
    'Excellent, fixed within the hour!',
    'Very helpful, explained everything clearly.',
    'Great service, thank you!',
  ],
};
