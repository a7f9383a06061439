// The demo's suppliers (issue 17): six vendors with their contacts; contracts of every type, three of them
// ending within 90 days (the network support renews in 60 days and is reminded; the printer lease's notice
// deadline is ten days away); this fiscal year's budget lines with purchases and spending on them; and the
// approved memory upgrade's request for quotes (demo-proposals.ts) given a budget line, requirements and three
// quotes — one in US dollars at a stated rate, one missing a requirement — so the comparison has a clear winner
// and the negotiation brief has other quotes and a record to read. Made through the vendors' own commands, as
// a manager makes them today; the renewal reminders pass runs once at the end, as the hourly job would.
import type { Actor } from '../core/auth/index.js';
import { ManualClock } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import { updateTicket } from '../helpdesk/index.js';
import {
  addBudgetEntry,
  addMonthsUtc,
  addQuote,
  createBudgetLine,
  createContract,
  createQuoteRequest,
  createVendor,
  fiscalYearOf,
  fiscalYearSpan,
  raiseRenewalReminders,
  updateQuoteRequest,
} from '../vendors/index.js';

export interface DemoVendorRefs {
  manager: Actor;
  now: number;
  /** The approved memory upgrade's proposal (demo-proposals.ts), whose request for quotes gets the quotes. */
  memoryProposalTitle: string;
}

export interface DemoVendors {
  vendorIds: Map<string, number>;
  /** The network support contract that renews in 60 days. */
  renewalContractId: number;
  quoteRequestId: number | null;
}

const day = 86_400_000;

/** The network vendor's ticket tag: tickets pending on it make its SLA record. */
export const demoVendorTag = 'vendor-contoso';

export async function installDemoVendors(ctx: ServiceContext, refs: DemoVendorRefs): Promise<DemoVendors> {
  const { manager, now } = refs;
  const vendorIds = new Map<string, number>();
  const vendor = async (input: Parameters<typeof createVendor>[2]) => {
    const v = await createVendor(ctx, manager, input);
    vendorIds.set(v.name, v.id);
    return v.id;
  };
  const northwind = await vendor({
    name: 'Northwind Server Supply',
    categories: ['hardware', 'servers'],
    supplies: ['Dell PowerEdge servers', 'server memory', 'SAS disks', 'on-site hardware maintenance'],
    contacts: [
      {
        name: 'Maria Anders',
        role: 'account manager',
        email: 'maria.anders@northwind.example',
        phone: '+49 30 5550 1200',
      },
      {
        name: 'Service desk',
        role: 'RMA and repairs',
        email: 'rma@northwind.example',
        phone: '+49 30 5550 1299',
      },
    ],
    notes: 'Framework agreement since 2023; 4-hour on-site response on the maintenance contract.',
  });
  const contoso = await vendor({
    name: 'Contoso Networks',
    categories: ['network', 'support'],
    supplies: ['core switch support', 'firewall subscriptions', 'Wi-Fi access points'],
    contacts: [
      {
        name: 'Tom Berger',
        role: 'account manager',
        email: 'tom.berger@contoso.example',
        phone: '+49 89 5550 3300',
      },
      { name: 'TAC', role: 'technical support', email: 'tac@contoso.example', phone: '+49 89 5550 3311' },
    ],
    ticketTag: demoVendorTag,
    notes: 'Tickets waiting on their TAC carry the tag vendor-contoso.',
  });
  const fabrikam = await vendor({
    name: 'Fabrikam Print Services',
    categories: ['printing', 'lease'],
    supplies: ['multifunction printer lease', 'toner', 'print maintenance'],
    contacts: [
      { name: 'Lena Vogt', role: 'customer success', email: 'lena.vogt@fabrikam.example', phone: '' },
    ],
  });
  const tailspin = await vendor({
    name: 'Tailspin Software',
    categories: ['software', 'licences'],
    supplies: ['Microsoft 365 licences', 'Adobe licences'],
    contacts: [
      {
        name: 'Ravi Patel',
        role: 'licensing specialist',
        email: 'ravi.patel@tailspin.example',
        phone: '+44 20 5550 0144',
      },
    ],
  });
  const litware = await vendor({
    name: 'Litware Memory Direct',
    categories: ['hardware'],
    supplies: ['server memory', 'SSDs'],
    contacts: [
      { name: 'Sales', role: 'online sales', email: 'sales@litware.example', phone: '+1 425 555 0190' },
    ],
    notes: 'Ships from the US; quotes in US dollars.',
  });
  const wingtip = await vendor({
    name: 'Wingtip Network Services',
    categories: ['network', 'support'],
    supplies: ['multi-vendor network support', 'firewall management'],
    contacts: [
      {
        name: 'Priya Shah',
        role: 'sales engineer',
        email: 'priya.shah@wingtip.example',
        phone: '+49 69 5550 4040',
      },
    ],
    notes: 'Offered to take over the core switch support at the next renewal.',
  });
  const adatum = await vendor({
    name: 'Adatum Systems',
    categories: ['hardware', 'backup'],
    supplies: ['laptops', 'docking stations', 'managed backup'],
    contacts: [
      {
        name: 'Jonas Meier',
        role: 'account manager',
        email: 'jonas.meier@adatum.example',
        phone: '+49 40 5550 7700',
      },
    ],
  });

  // This fiscal year's budget lines, in euros.
  const fiscalYear = fiscalYearOf(now, ctx.config.fiscalYearStartMonth);
  const span = fiscalYearSpan(fiscalYear, ctx.config.fiscalYearStartMonth);
  const line = async (name: string, category: string, plannedMinor: number) =>
    (await createBudgetLine(ctx, manager, { name, category, fiscalYear, currency: 'EUR', plannedMinor })).id;
  const hardware = await line('Hardware', 'hardware', 6_000_000);
  const support = await line('Network support', 'network', 3_000_000);
  const licences = await line('Software licences', 'software', 4_500_000);
  const printing = await line('Printing', 'printing', 1_800_000);
  const backup = await line('Backup and storage', 'backup', 1_500_000);

  // Contracts, dated from today. Terms end within 90 days for the three the manager's view lists.
  const monthsAgo = (m: number) =>
    addMonthsUtc(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1), -m);
  // The switch support's previous term, two years at a lower monthly price: the brief's price trend.
  await createContract(ctx, manager, {
    vendorId: contoso,
    title: 'Core switch and firewall support (previous term)',
    type: 'support',
    startsAt: now + 60 * day - 4 * 365 * day,
    endsAt: now + 60 * day - 2 * 365 * day,
    autoRenew: false,
    noticeDays: 30,
    currency: 'EUR',
    recurringMinor: 105_000,
    recurringPeriod: 'month',
    budgetLineId: null,
    units: 6,
  });
  const renewal = await createContract(ctx, manager, {
    vendorId: contoso,
    title: 'Core switch and firewall support',
    type: 'support',
    startsAt: now + 60 * day - 2 * 365 * day,
    endsAt: now + 60 * day,
    autoRenew: true,
    renewalMonths: 12,
    noticeDays: 30,
    remindDays: 45,
    currency: 'EUR',
    recurringMinor: 115_000,
    recurringPeriod: 'month',
    budgetLineId: support,
    services: ['core switches', 'perimeter firewalls', '24×7 TAC'],
    slaText: 'TAC answers within 4 hours, replacement parts next business day.',
    slaTargets: [
      { name: 'Response time', target: '4h' },
      { name: 'Parts replacement', target: '1 business day' },
    ],
    units: 6,
    notes: 'Six devices covered. Renews for 12 months unless cancelled 30 days before the end.',
  });
  await createContract(ctx, manager, {
    vendorId: fabrikam,
    title: 'Printer fleet lease (14 multifunction printers)',
    type: 'lease',
    startsAt: now + 40 * day - 3 * 365 * day,
    endsAt: now + 40 * day,
    autoRenew: true,
    renewalMonths: 12,
    noticeDays: 30,
    remindDays: 30,
    currency: 'EUR',
    recurringMinor: 210_000,
    recurringPeriod: 'quarter',
    budgetLineId: printing,
    services: ['lease', 'toner', 'on-site maintenance'],
    slaText: 'Technician on site the next business day.',
    slaTargets: [{ name: 'Response time', target: '1 day' }],
    units: 14,
  });
  // Last year's licences at last year's price, then this year's term, which ends within 90 days.
  await createContract(ctx, manager, {
    vendorId: tailspin,
    title: 'Microsoft 365 E3 licences (previous term)',
    type: 'licence',
    startsAt: now + 75 * day - 2 * 365 * day,
    endsAt: now + 75 * day - 365 * day,
    autoRenew: false,
    noticeDays: 60,
    currency: 'EUR',
    recurringMinor: 3_888_000,
    recurringPeriod: 'year',
    budgetLineId: null,
    units: 120,
  });
  await createContract(ctx, manager, {
    vendorId: tailspin,
    title: 'Microsoft 365 E3 licences',
    type: 'licence',
    startsAt: now + 75 * day - 365 * day,
    endsAt: now + 75 * day,
    autoRenew: true,
    renewalMonths: 12,
    noticeDays: 60,
    remindDays: 30,
    currency: 'EUR',
    recurringMinor: 4_104_000,
    recurringPeriod: 'year',
    budgetLineId: licences,
    units: 120,
    notes: '120 seats at €34.20 a month, billed yearly in advance.',
  });
  await createContract(ctx, manager, {
    vendorId: northwind,
    title: 'Server hardware maintenance',
    type: 'maintenance',
    startsAt: monthsAgo(16),
    termMonths: 24,
    autoRenew: false,
    noticeDays: 60,
    currency: 'EUR',
    oneOffMinor: 45_000,
    recurringMinor: 180_000,
    recurringPeriod: 'quarter',
    budgetLineId: hardware,
    services: ['on-site repair', 'parts'],
    slaText: 'On site within 4 hours, 8×5.',
    slaTargets: [{ name: 'Response time', target: '4h' }],
    units: 9,
  });
  await createContract(ctx, manager, {
    vendorId: adatum,
    title: 'Managed offsite backup (20 TB)',
    type: 'service',
    startsAt: monthsAgo(10),
    termMonths: 24,
    autoRenew: true,
    renewalMonths: 12,
    noticeDays: 90,
    currency: 'EUR',
    recurringMinor: 98_000,
    recurringPeriod: 'month',
    budgetLineId: backup,
    services: ['nightly offsite copies', 'restore tests'],
    units: 20,
  });

  // Purchases committed and spending already paid this year, each at its own moment.
  const at = (daysAgo: number) => Math.max(span.from, now - daysAgo * day);
  const entry = (lineId: number, input: Parameters<typeof addBudgetEntry>[3], daysAgo: number) =>
    addBudgetEntry({ ...ctx, clock: new ManualClock(at(daysAgo)) }, manager, lineId, {
      ...input,
      at: at(daysAgo),
    });
  await entry(
    hardware,
    { kind: 'spend', amountMinor: 780_000, description: 'Six replacement laptops', vendorId: adatum },
    120,
  );
  await entry(
    hardware,
    {
      kind: 'spend',
      amountMinor: 96_500,
      description: 'Docking stations for the new starters',
      vendorId: adatum,
    },
    45,
  );
  await entry(
    hardware,
    {
      kind: 'purchase',
      amountMinor: 1_240_000,
      description: 'Two PowerEdge R750 servers ordered',
      vendorId: northwind,
    },
    20,
  );
  await entry(
    printing,
    {
      kind: 'spend',
      amountMinor: 41_250,
      description: 'Toner outside the lease (colour)',
      vendorId: fabrikam,
    },
    60,
  );
  await entry(
    licences,
    { kind: 'spend', amountMinor: 129_600, description: 'Adobe Acrobat Pro, 12 seats', vendorId: tailspin },
    200,
  );

  // The approved memory upgrade's request for quotes: its budget line, requirements and three quotes.
  const request = await ctx.db
    .selectFrom('quote_requests')
    .innerJoin('upgrade_proposals', 'upgrade_proposals.id', 'quote_requests.proposal_id')
    .select('quote_requests.id')
    .where('upgrade_proposals.title', '=', refs.memoryProposalTitle)
    .executeTakeFirst();
  if (request) {
    await updateQuoteRequest(ctx, manager, request.id, {
      budgetLineId: hardware,
      currency: 'EUR',
      termMonths: 36,
      requirements: [
        { key: 'ecc', text: 'Registered ECC DDR4-3200', mandatory: true, weight: 40 },
        { key: 'r740', text: 'Listed compatible with the PowerEdge R740', mandatory: true, weight: 30 },
        { key: 'warranty', text: 'Lifetime warranty with advance replacement', mandatory: false, weight: 20 },
        { key: 'delivery', text: 'Delivered within 5 working days', mandatory: false, weight: 10 },
      ],
    });
    const quoted = (offset: number) => ({ ...ctx, clock: new ManualClock(now - offset * day) });
    await addQuote(quoted(4), manager, request.id, {
      vendorId: northwind,
      reference: 'NW-Q-2291',
      currency: 'EUR',
      requirementsMet: ['ecc', 'r740', 'warranty', 'delivery'],
      validUntil: now + 30 * day,
      lines: [
        {
          description: '16 GB DDR4-3200 ECC RDIMM (Dell SNP1R8CRC/16G)',
          kind: 'purchase',
          quantity: 2,
          unitPriceMinor: 17_900,
          period: 'once',
          discountBp: 0,
        },
        {
          description: 'Installation during the maintenance window',
          kind: 'support',
          quantity: 1,
          unitPriceMinor: 0,
          period: 'once',
          discountBp: 0,
        },
      ],
    });
    await addQuote(quoted(3), manager, request.id, {
      vendorId: litware,
      reference: 'LMD-58813',
      currency: 'USD',
      rate: '0.92',
      requirementsMet: ['ecc', 'r740'],
      validUntil: now + 14 * day,
      notes: 'Three-year warranty; ships from the US in 7–10 days.',
      lines: [
        {
          description: '16GB DDR4-3200 ECC Registered DIMM',
          kind: 'purchase',
          quantity: 2,
          unitPriceMinor: 18_500,
          period: 'once',
          discountBp: 0,
        },
        {
          description: 'International shipping',
          kind: 'purchase',
          quantity: 1,
          unitPriceMinor: 4_500,
          period: 'once',
          discountBp: 0,
        },
      ],
    });
    await addQuote(quoted(2), manager, request.id, {
      vendorId: adatum,
      reference: 'AD-2026-0412',
      currency: 'EUR',
      requirementsMet: ['ecc', 'r740', 'warranty'],
      validUntil: now + 30 * day,
      lines: [
        {
          description: 'Dell 16 GB RDIMM 3200 MT/s',
          kind: 'purchase',
          quantity: 2,
          unitPriceMinor: 21_900,
          period: 'once',
          discountBp: 500,
        },
        {
          description: 'Extended support, per year',
          kind: 'support',
          quantity: 1,
          unitPriceMinor: 2_400,
          period: 'year',
          discountBp: 0,
        },
      ],
    });
  }

  // Before the switch support renews: a competitor's offer for the next twelve months (the brief's competing price).
  const alternative = await createQuoteRequest({ ...ctx, clock: new ManualClock(now - 9 * day) }, manager, {
    what: 'Support for the core switches and firewalls, next 12 months',
    quantity: 6,
    spec: 'Six devices: 2 core switches, 2 distribution switches, 2 perimeter firewalls; 24×7 TAC.',
    requirements: [
      { key: 'response', text: 'Response within 4 hours, 24×7', mandatory: true, weight: 60 },
      { key: 'parts', text: 'Replacement parts the next business day', mandatory: true, weight: 40 },
    ],
    budgetLineId: support,
    currency: 'EUR',
    termMonths: 12,
  });
  await addQuote({ ...ctx, clock: new ManualClock(now - 5 * day) }, manager, alternative.id, {
    vendorId: wingtip,
    reference: 'WT-7731',
    currency: 'EUR',
    requirementsMet: ['response', 'parts'],
    validUntil: now + 45 * day,
    lines: [
      {
        description: 'Support, 6 devices, 24×7',
        kind: 'support',
        quantity: 1,
        unitPriceMinor: 110_000,
        period: 'month',
        discountBp: 0,
      },
    ],
  });

  // Two network tickets wait on the vendor's TAC (the tag makes its record: pending tickets count against it).
  const pending = await ctx.db
    .selectFrom('tickets')
    .innerJoin('categories', 'categories.id', 'tickets.category_id')
    .select('tickets.id')
    .where('tickets.status', '=', 'pending')
    .where('categories.name', '=', 'Network')
    .orderBy('tickets.id', 'desc')
    .limit(2)
    .execute();
  for (const t of pending) {
    const tags = (
      await ctx.db.selectFrom('ticket_tags').select('tag').where('ticket_id', '=', t.id).execute()
    ).map((r) => r.tag);
    await updateTicket(ctx, manager, t.id, { tags: [...tags, demoVendorTag] });
  }

  await raiseRenewalReminders(ctx);
  return { vendorIds, renewalContractId: renewal.id, quoteRequestId: request?.id ?? null };
}
