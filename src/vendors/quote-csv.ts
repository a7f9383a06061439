// Quotes imported from CSV, one line item per row (RFC 4180: commas, double quotes, "" inside quotes, CRLF or
// LF). The header names the columns, in any order:
//   vendor, reference, currency, rate, description, kind, quantity, unit_price, period, discount_percent,
//   requirements_met
// vendor (a vendor's name, or #id) and reference group rows into one quote; currency and rate must agree within
// a quote; unit_price is in the currency's major unit with no more decimals than it has ("1234.50" EUR);
// discount_percent has at most two decimals; requirements_met lists requirement keys separated by ";".
// rate, period (default once), discount_percent, reference and requirements_met may be left empty. A row that
// cannot be read is reported with its row number (the header is row 1) and every reason; the others are kept.
import { isCurrency, parseDecimal, parseMajor, ratePattern } from './money.js';
import {
  type ChargePeriod,
  chargePeriods,
  type ItemKind,
  itemKinds,
  type QuoteLine,
} from './quote-comparison.js';

export const quoteCsvLimits = { rows: 5_000, field: 2_000, description: 500 };

export interface CsvRowError {
  row: number;
  errors: string[];
}

export interface CsvQuoteRow {
  row: number;
  vendor: string;
  reference: string;
  currency: string;
  rate: string;
  line: QuoteLine;
  requirementsMet: string[];
}

/** Split CSV text into records of fields; a quote left open runs to the end (reported by the caller's header check). */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < src.length) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (ch === '\r' && src[i + 1] === '\n') i += 1;
    } else field += ch;
    i += 1;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

const required = ['vendor', 'currency', 'description', 'kind', 'quantity', 'unit_price'] as const;
const known = new Set([...required, 'reference', 'rate', 'period', 'discount_percent', 'requirements_met']);

export interface ParsedQuoteCsv {
  rows: CsvQuoteRow[];
  rejected: CsvRowError[];
  /** A problem with the whole file (no header, a missing column): nothing was read. */
  fileError: string | null;
}

export function parseQuoteCsv(text: string): ParsedQuoteCsv {
  const records = parseCsvRecords(text);
  const header = records[0]?.map((h) => h.trim().toLowerCase());
  if (!header || header.length === 0 || (header.length === 1 && header[0] === ''))
    return { rows: [], rejected: [], fileError: 'the file is empty: the first row must name the columns' };
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0)
    return { rows: [], rejected: [], fileError: `the header lacks the column(s) ${missing.join(', ')}` };
  const unknown = header.filter((h) => !known.has(h));
  if (unknown.length > 0)
    return { rows: [], rejected: [], fileError: `unknown column(s) ${unknown.join(', ')}` };
  if (records.length - 1 > quoteCsvLimits.rows)
    return { rows: [], rejected: [], fileError: `more than ${quoteCsvLimits.rows} rows` };
  const col = (rec: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (rec[i] ?? '').trim();
  };
  const rows: CsvQuoteRow[] = [];
  const rejected: CsvRowError[] = [];
  records.slice(1).forEach((rec, i) => {
    const row = i + 2;
    if (rec.length === 1 && rec[0]?.trim() === '') return; // a blank line
    const errors: string[] = [];
    if (rec.length !== header.length)
      errors.push(`has ${rec.length} field${rec.length === 1 ? '' : 's'}, the header ${header.length}`);
    if (rec.some((f) => f.length > quoteCsvLimits.field))
      errors.push(`a field is longer than ${quoteCsvLimits.field} characters`);
    const vendor = col(rec, 'vendor');
    if (vendor === '') errors.push('vendor: empty');
    const currency = col(rec, 'currency').toUpperCase();
    if (!isCurrency(currency)) errors.push(`currency: "${currency.slice(0, 20)}" is not an ISO 4217 code`);
    const rate = col(rec, 'rate') || '1';
    if (!ratePattern.test(rate) || (parseDecimal(rate)?.num ?? 0n) === 0n)
      errors.push(`rate: "${rate.slice(0, 20)}" is not a positive decimal such as 0.92`);
    const description = col(rec, 'description');
    if (description === '') errors.push('description: empty');
    if (description.length > quoteCsvLimits.description)
      errors.push(`description: longer than ${quoteCsvLimits.description} characters`);
    const kind = col(rec, 'kind').toLowerCase();
    if (!(itemKinds as readonly string[]).includes(kind))
      errors.push(`kind: must be one of ${itemKinds.join(', ')}`);
    const quantityText = col(rec, 'quantity');
    const quantity = /^\d{1,7}$/.test(quantityText) ? Number(quantityText) : null;
    if (quantity === null)
      errors.push(`quantity: "${quantityText.slice(0, 20)}" is not a whole number up to 9,999,999`);
    const priceText = col(rec, 'unit_price');
    const unitPriceMinor = isCurrency(currency) ? parseMajor(priceText, currency) : null;
    if (isCurrency(currency) && (unitPriceMinor === null || unitPriceMinor < 0))
      errors.push(
        `unit_price: "${priceText.slice(0, 30)}" is not an amount in ${currency} (no sign, at most its decimals)`,
      );
    const period = (col(rec, 'period') || 'once').toLowerCase();
    if (!(chargePeriods as readonly string[]).includes(period))
      errors.push(`period: must be one of ${chargePeriods.join(', ')}`);
    const discountText = col(rec, 'discount_percent') || '0';
    const dm = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(discountText);
    const discountBp = dm ? Number(dm[1]) * 100 + Number((dm[2] ?? '').padEnd(2, '0')) : null;
    if (discountBp === null || discountBp > 10_000)
      errors.push(`discount_percent: "${discountText.slice(0, 20)}" is not 0–100 with at most two decimals`);
    if (errors.length > 0) {
      rejected.push({ row, errors });
      return;
    }
    rows.push({
      row,
      vendor,
      reference: col(rec, 'reference'),
      currency,
      rate,
      line: {
        description,
        kind: kind as ItemKind,
        quantity: quantity as number,
        unitPriceMinor: unitPriceMinor as number,
        period: period as ChargePeriod,
        discountBp: discountBp as number,
      },
      requirementsMet: col(rec, 'requirements_met')
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    });
  });
  return { rows, rejected, fileError: null };
}
