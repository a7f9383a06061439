// Suppliers' face: vendors, contracts and the renewals calendar, budget lines and their positions, requests for
// quotes with their quotes (by API or CSV), the comparison and the award, and the renewal reminders job.
// Named, so a new export is a decision.
import './vendor-events.js';

export { briefHtml } from './brief-html.js';
export { type BudgetFacts, type BudgetPosition, budgetPosition } from './budget-position.js';
export {
  addBudgetEntry,
  type BudgetEntry,
  type BudgetLine,
  type BudgetLineFilter,
  type BudgetLineInput,
  budgetLimits,
  createBudgetLine,
  type EntryInput,
  getBudgetLine,
  listBudgetLines,
  updateBudgetLine,
} from './budgets.js';
export {
  addMonthsUtc,
  type Charge,
  type ContractTerms,
  type CurrentTerm,
  chargesBetween,
  currentTerm,
  fiscalYearOf,
  fiscalYearSpan,
} from './contract-terms.js';
export {
  type Contract,
  type ContractFilter,
  type ContractInput,
  contractLimits,
  contractStatuses,
  contractTypes,
  createContract,
  getContract,
  listContracts,
  recurringPeriods,
  type SlaTarget,
  updateContract,
} from './contracts.js';
export { currencyExponent, formatMinor, isCurrency, parseMajor } from './money.js';
export {
  type Brief,
  briefRounding,
  contractBrief,
  type DerivedPrice,
  derivePrices,
  type PriceInputs,
  purchaseBrief,
  unitPriceChangeBp,
} from './negotiation-brief.js';
export { canVendors, type VendorAction } from './policies.js';
export {
  type ChargePeriod,
  type ComparedQuoteInput,
  type Comparison,
  type ComparisonInput,
  chargePeriods,
  compareQuotes,
  convertMinor,
  defaultWeights,
  type ItemKind,
  itemKinds,
  lineOverTerm,
  type QuoteLine,
  type QuoteTotals,
  quoteTotals,
  type RankedQuote,
  type Requirement,
  roundingRules,
  type VendorPerformance,
  type Weights,
} from './quote-comparison.js';
export { type CsvRowError, parseQuoteCsv, quoteCsvLimits } from './quote-csv.js';
export {
  type Award,
  addQuote,
  awardQuote,
  compareRequest,
  createQuoteRequest,
  getQuoteRequest,
  importQuotesCsv,
  importQuoteText,
  latestReplacementQuote,
  listQuoteRequests,
  openQuoteRequestIn,
  type Quote,
  type QuoteImport,
  type QuoteInput,
  type QuoteRequestFilter,
  type QuoteRequestInput,
  type QuoteRequestView,
  type QuoteTextInput,
  quoteLimits,
  quoteRequestStatuses,
  updateQuoteRequest,
} from './quote-requests.js';
export { parseQuoteText } from './quote-text.js';
export {
  raiseRenewalReminders,
  registerVendors,
  renewalReminderIntervalMs,
  runRenewalReminders,
} from './renewal-reminders.js';
export {
  addVendorDocument,
  listVendorDocuments,
  openVendorDocument,
  type VendorDocument,
} from './vendor-documents.js';
export { type Overview, overviewWindowDays, vendorOverview } from './vendor-overview.js';
export { parseSlaDuration, pendingMs, responseTargetMs } from './vendor-sla.js';
export { type SpendRow, spendLimits, vendorSpend } from './vendor-spend.js';
export {
  createVendor,
  getVendor,
  listVendors,
  updateVendor,
  type Vendor,
  type VendorContact,
  type VendorDetail,
  type VendorFilter,
  type VendorInput,
  vendorLimits,
  vendorPerformance,
  waitingTicketPenaltyBp,
} from './vendors.js';
