// Suppliers (docs/vendors.md): vendors, contracts and the renewals calendar, budget lines with their positions and
// entries, requests for quotes with their quotes, the CSV import, the comparison (weights as query parameters) and
// the award. Money comes in integer minor units with its currency; it is shown with that currency's own exponent
// (JPY has none, EUR two) and typed in major units. Each write refreshes everything under 'suppliers'.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { dateTimeFormat, numberFormat } from '../locale';
import { client, unwrap } from './client';
import type { QueryOf, RequestOf, ResponseOf } from './types';

/** A vendor as lists and writes answer it; the page's GET adds its spend and its responses. */
export type Vendor = ResponseOf<'/api/v1/vendors', 'post'>;
export type VendorDetail = ResponseOf<'/api/v1/vendors/{id}', 'get'>;
export type VendorContact = Vendor['contacts'][number];
export type NewVendor = RequestOf<'/api/v1/vendors', 'post'>;
export type VendorChange = RequestOf<'/api/v1/vendors/{id}', 'patch'>;
export type Contract = ResponseOf<'/api/v1/contracts/{id}', 'get'>;
export type ContractType = Contract['type'];
export type RecurringPeriod = NonNullable<Contract['recurringPeriod']>;
export type ContractFilter = QueryOf<'/api/v1/contracts', 'get'>;
export type NewContract = RequestOf<'/api/v1/contracts', 'post'>;
export type ContractChange = RequestOf<'/api/v1/contracts/{id}', 'patch'>;
export type BudgetLine = ResponseOf<'/api/v1/budget-lines/{id}', 'get'>;
export type BudgetLineSummary = ResponseOf<'/api/v1/budget-lines', 'get'>['items'][number];
export type BudgetPosition = BudgetLineSummary['position'];
export type NewBudgetLine = RequestOf<'/api/v1/budget-lines', 'post'>;
export type NewBudgetEntry = RequestOf<'/api/v1/budget-lines/{id}/entries', 'post'>;
export type QuoteRequest = ResponseOf<'/api/v1/quote-requests/{id}', 'get'>;
export type QuoteRequestSummary = ResponseOf<'/api/v1/quote-requests', 'get'>['items'][number];
export type QuoteRequestStatus = QuoteRequest['status'];
export type Requirement = QuoteRequest['requirements'][number];
export type Quote = QuoteRequest['quotes'][number];
export type QuoteLine = Quote['lines'][number];
export type NewQuoteRequest = RequestOf<'/api/v1/quote-requests', 'post'>;
export type NewQuote = RequestOf<'/api/v1/quote-requests/{id}/quotes', 'post'>;
export type QuoteImport = ResponseOf<'/api/v1/quote-requests/{id}/quotes/import', 'post'>;
export type Comparison = ResponseOf<'/api/v1/quote-requests/{id}/comparison', 'get'>;
export type RankedQuote = Comparison['ranked'][number];
export type Weights = Comparison['weights'];
export type Award = ResponseOf<'/api/v1/quote-requests/{id}/award', 'post'>;

/** The printable negotiation briefs (one A4 page of HTML, served by the API with the session cookie). */
export const contractBriefUrl = (contractId: number) => `/api/v1/contracts/${contractId}/brief.html`;
export const purchaseBriefUrl = (requestId: number, vendorId: number) =>
  `/api/v1/quote-requests/${requestId}/brief.html?vendorId=${vendorId}`;

// The contract types in the order forms offer them; their words are in the vendors catalogue.
export const contractTypes: ContractType[] = ['support', 'maintenance', 'licence', 'lease', 'service'];
export const lineKinds = ['purchase', 'recurring', 'support', 'energy', 'discount'] as const;
export const chargePeriods = ['once', 'month', 'quarter', 'year'] as const;
export const defaultWeights: Weights = { price: 60, fit: 30, performance: 10 };

// ---- money -------------------------------------------------------------------------------------------------

const exponents = new Map<string, number>();
/** The currency's minor-unit exponent as the browser knows it (ISO 4217: EUR 2, JPY 0, BHD 3). */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    try {
      e =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      e = 2;
    }
    exponents.set(currency, e);
  }
  return e;
}

/** An amount in minor units, in the reader's locale with the currency's own decimals. */
export function formatMoney(amountMinor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const major = amountMinor / 10 ** exp;
  try {
    return numberFormat({
      style: 'currency',
      currency,
      minimumFractionDigits: exp,
      maximumFractionDigits: exp,
    }).format(major);
  } catch {
    return `${major.toFixed(exp)} ${currency}`;
  }
}

/** "1250.50" in major units → minor units with the currency's exponent; null when empty or unreadable. */
export function parseMoney(text: string, currency: string): number | null {
  const exp = currencyExponent(currency);
  const t = text.trim().replace(/[\s']/g, '').replace(',', '.');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > exp) return null;
  return Number(m[1]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
}

/** Minor units back to what a person types (no grouping, the currency's decimals). */
export function moneyInput(amountMinor: number, currency: string): string {
  const exp = currencyExponent(currency);
  return (amountMinor / 10 ** exp).toFixed(exp);
}

const dayFormat = dateTimeFormat({ year: 'numeric', month: 'short', day: 'numeric' });

/** "12 Mar 2027" in the reader's language and zone, or a dash. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dayFormat.format(new Date(iso));
}

/** Whole days from now until a time (negative once it has passed). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.ceil((Date.parse(iso) - now) / 86_400_000);
}

// ---- queries -----------------------------------------------------------------------------------------------

export const supplierKeys = {
  all: ['suppliers'] as const,
  vendors: (q: string) => ['suppliers', 'vendors', q] as const,
  vendor: (id: number) => ['suppliers', 'vendor', id] as const,
  contracts: (q: string) => ['suppliers', 'contracts', q] as const,
  contract: (id: number) => ['suppliers', 'contract', id] as const,
  budgetLines: (q: string) => ['suppliers', 'budget-lines', q] as const,
  budgetLine: (id: number) => ['suppliers', 'budget-line', id] as const,
  requests: (q: string) => ['suppliers', 'quote-requests', q] as const,
  request: (id: number) => ['suppliers', 'quote-request', id] as const,
  comparison: (id: number, w: string) => ['suppliers', 'comparison', id, w] as const,
};

export function useVendors(query: QueryOf<'/api/v1/vendors', 'get'> = {}) {
  return useQuery({
    queryKey: supplierKeys.vendors(JSON.stringify(query)),
    queryFn: () => unwrap(client.GET('/api/v1/vendors', { params: { query: { limit: 200, ...query } } })),
    placeholderData: keepPreviousData,
  });
}

export function useVendor(id: number) {
  return useQuery({
    queryKey: supplierKeys.vendor(id),
    queryFn: () => unwrap(client.GET('/api/v1/vendors/{id}', { params: { path: { id } } })),
  });
}

export function useContracts(query: ContractFilter = {}) {
  return useQuery({
    queryKey: supplierKeys.contracts(JSON.stringify(query)),
    queryFn: () => unwrap(client.GET('/api/v1/contracts', { params: { query: { limit: 200, ...query } } })),
    placeholderData: keepPreviousData,
  });
}

export function useContract(id: number) {
  return useQuery({
    queryKey: supplierKeys.contract(id),
    queryFn: () => unwrap(client.GET('/api/v1/contracts/{id}', { params: { path: { id } } })),
  });
}

export function useBudgetLines(query: QueryOf<'/api/v1/budget-lines', 'get'> = {}) {
  return useQuery({
    queryKey: supplierKeys.budgetLines(JSON.stringify(query)),
    queryFn: () =>
      unwrap(client.GET('/api/v1/budget-lines', { params: { query: { limit: 200, ...query } } })),
    placeholderData: keepPreviousData,
  });
}

export function useBudgetLine(id: number | null) {
  return useQuery({
    queryKey: supplierKeys.budgetLine(id ?? 0),
    enabled: id !== null,
    queryFn: () =>
      unwrap(client.GET('/api/v1/budget-lines/{id}', { params: { path: { id: id as number } } })),
  });
}

export function useQuoteRequests(query: QueryOf<'/api/v1/quote-requests', 'get'> = {}) {
  return useQuery({
    queryKey: supplierKeys.requests(JSON.stringify(query)),
    queryFn: () =>
      unwrap(client.GET('/api/v1/quote-requests', { params: { query: { limit: 200, ...query } } })),
    placeholderData: keepPreviousData,
  });
}

export function useQuoteRequest(id: number) {
  return useQuery({
    queryKey: supplierKeys.request(id),
    queryFn: () => unwrap(client.GET('/api/v1/quote-requests/{id}', { params: { path: { id } } })),
  });
}

/** The comparison at these weights; the previous ranking stays on screen while a new weighting loads. */
export function useComparison(id: number, weights: Weights, enabled = true) {
  return useQuery({
    queryKey: supplierKeys.comparison(id, JSON.stringify(weights)),
    enabled,
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/quote-requests/{id}/comparison', {
          params: { path: { id }, query: weights },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

// ---- writes ------------------------------------------------------------------------------------------------

function useWrite<I, O>(call: (input: I) => Promise<O>, onDone?: (out: O) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (out) => {
      void qc.invalidateQueries({ queryKey: supplierKeys.all });
      onDone?.(out);
    },
  });
}

export const useCreateVendor = (onDone?: (v: Vendor) => void) =>
  useWrite((body: NewVendor) => unwrap(client.POST('/api/v1/vendors', { body })), onDone);
export const useUpdateVendor = (id: number, onDone?: (v: Vendor) => void) =>
  useWrite(
    (body: VendorChange) => unwrap(client.PATCH('/api/v1/vendors/{id}', { params: { path: { id } }, body })),
    onDone,
  );
export const useCreateContract = (onDone?: (c: Contract) => void) =>
  useWrite((body: NewContract) => unwrap(client.POST('/api/v1/contracts', { body })), onDone);
export const useUpdateContract = (id: number, onDone?: (c: Contract) => void) =>
  useWrite(
    (body: ContractChange) =>
      unwrap(client.PATCH('/api/v1/contracts/{id}', { params: { path: { id } }, body })),
    onDone,
  );
export const useCreateBudgetLine = (onDone?: (l: BudgetLineSummary) => void) =>
  useWrite((body: NewBudgetLine) => unwrap(client.POST('/api/v1/budget-lines', { body })), onDone);
export const useAddBudgetEntry = (id: number, onDone?: () => void) =>
  useWrite(
    (body: NewBudgetEntry) =>
      unwrap(client.POST('/api/v1/budget-lines/{id}/entries', { params: { path: { id } }, body })),
    onDone,
  );
export const useCreateQuoteRequest = (onDone?: (r: QuoteRequestSummary) => void) =>
  useWrite((body: NewQuoteRequest) => unwrap(client.POST('/api/v1/quote-requests', { body })), onDone);
export const useCancelQuoteRequest = (id: number) =>
  useWrite((cancelReason: string) =>
    unwrap(
      client.PATCH('/api/v1/quote-requests/{id}', {
        params: { path: { id } },
        body: { status: 'cancelled', cancelReason },
      }),
    ),
  );
export const useAddQuote = (id: number, onDone?: () => void) =>
  useWrite(
    (body: NewQuote) =>
      unwrap(client.POST('/api/v1/quote-requests/{id}/quotes', { params: { path: { id } }, body })),
    onDone,
  );
export const useImportQuotes = (id: number) =>
  useWrite((csv: string) =>
    unwrap(
      client.POST('/api/v1/quote-requests/{id}/quotes/import', { params: { path: { id } }, body: { csv } }),
    ),
  );
export const useAward = (id: number, onDone?: (a: Award) => void) =>
  useWrite(
    (body: { quoteId: number; weights: Weights }) =>
      unwrap(client.POST('/api/v1/quote-requests/{id}/award', { params: { path: { id } }, body })),
    onDone,
  );
