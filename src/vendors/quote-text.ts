// A quote's line items read from the text of a PDF (as pdftotext -layout or a PDF library lays it out): a table
// whose columns are separated by runs of two or more spaces (or tabs), after a header row that names a
// description, a quantity and a unit price (a total column is optional and, when present, checked). Numbers may
// carry thousands separators ("1,234.50" or "1 234,50" is not read: a comma decimal is ambiguous, so only "."
// decimals) and a currency sign or code, which are dropped. A description with "per month" / "monthly" /
// "/month" is a monthly recurring line ("per year", "annual", "/year": yearly; "quarter": quarterly); with
// "support" or "maintenance" it is support; with "discount" it is a discount line (its amount taken off).
// Rows after the header that do not read are reported by their line number; prose around the table is skipped.
import { parseMajor } from './money.js';
import type { ChargePeriod, ItemKind, QuoteLine } from './quote-comparison.js';

export interface TextRowError {
  row: number;
  errors: string[];
}

export const quoteTextLimits = { chars: 1_000_000, lines: 1_000, description: 500 };

const header = (cells: string[]) => {
  const low = cells.map((c) => c.toLowerCase());
  const find = (re: RegExp) => low.findIndex((c) => re.test(c));
  const description = find(/descr|item|product|service/);
  const quantity = find(/^(qty|quantity|qté|units?|seats?)\b/);
  const unit = find(/unit|price|rate/);
  const total = low.findIndex((c, i) => i !== unit && /total|amount|sum/.test(c));
  return description >= 0 && quantity >= 0 && unit >= 0 ? { description, quantity, unit, total } : null;
};

function number(cell: string, currency: string): number | null {
  const cleaned = cell
    .replace(/[€$£¥]|\b[A-Z]{3}\b/g, '')
    .replace(/,(?=\d{3}\b)/g, '')
    .trim();
  return parseMajor(cleaned, currency);
}

function kindOf(description: string): { kind: ItemKind; period: ChargePeriod } {
  const d = description.toLowerCase();
  if (/discount|rebate/.test(d)) return { kind: 'discount', period: 'once' };
  const period: ChargePeriod | null = /per month|monthly|\/\s*month|\/mo\b/.test(d)
    ? 'month'
    : /quarter/.test(d)
      ? 'quarter'
      : /per year|annual|yearly|\/\s*year|\/yr\b/.test(d)
        ? 'year'
        : null;
  if (/support|maintenance/.test(d)) return { kind: 'support', period: period ?? 'year' };
  if (/energy|power|electricity/.test(d) && period) return { kind: 'energy', period };
  return period ? { kind: 'recurring', period } : { kind: 'purchase', period: 'once' };
}

/** Lines of the table, and every row that could not be read. `fileError` when no header row is found. */
export function parseQuoteText(
  text: string,
  currency: string,
): { lines: (QuoteLine & { row: number })[]; rejected: TextRowError[]; fileError: string | null } {
  const rows = text.replace(/\r\n?/g, '\n').split('\n');
  const lines: (QuoteLine & { row: number })[] = [];
  const rejected: TextRowError[] = [];
  let cols: ReturnType<typeof header> = null;
  for (let i = 0; i < rows.length; i++) {
    const raw = (rows[i] as string).replace(/\t/g, '  ').trimEnd();
    if (raw.trim() === '') continue;
    const cells = raw.trim().split(/\s{2,}/);
    if (cols === null) {
      cols = header(cells);
      continue;
    }
    // The table ends at a totals row; rows that carry no number at all are prose and skipped.
    if (/^(sub)?total|^grand total|^vat|^tax/i.test(cells[0] as string)) {
      if (/^(grand )?total/i.test(cells[0] as string)) break;
      continue;
    }
    if (!/\d/.test(raw)) continue;
    const row = i + 1;
    const errors: string[] = [];
    const width = Math.max(cols.description, cols.quantity, cols.unit, cols.total) + 1;
    if (cells.length !== width) {
      rejected.push({
        row,
        errors: [`expected ${width} columns separated by two or more spaces, found ${cells.length}`],
      });
      continue;
    }
    const description = (cells[cols.description] as string).slice(0, quoteTextLimits.description);
    const qtyText = (cells[cols.quantity] as string).replace(/,/g, '');
    const quantity = /^\d{1,9}$/.test(qtyText) ? Number(qtyText) : null;
    if (quantity === null) errors.push(`quantity: "${qtyText.slice(0, 40)}" is not a whole number`);
    const unit = number(cells[cols.unit] as string, currency);
    if (unit === null || unit < 0)
      errors.push(
        `unit price: "${(cells[cols.unit] as string).slice(0, 40)}" is not an amount in ${currency}`,
      );
    if (cols.total >= 0 && quantity !== null && unit !== null) {
      const total = number(cells[cols.total] as string, currency);
      if (total === null)
        errors.push(`total: "${(cells[cols.total] as string).slice(0, 40)}" is not an amount in ${currency}`);
      else if (Math.abs(total) !== quantity * unit)
        errors.push(
          `total: ${cells[cols.total]} is not quantity × unit price (${quantity} × ${cells[cols.unit]})`,
        );
    }
    if (errors.length > 0 || quantity === null || unit === null) {
      rejected.push({ row, errors });
      continue;
    }
    if (lines.length >= quoteTextLimits.lines) {
      rejected.push({ row, errors: [`more than ${quoteTextLimits.lines} lines`] });
      continue;
    }
    lines.push({ row, description, quantity, unitPriceMinor: unit, discountBp: 0, ...kindOf(description) });
  }
  if (cols === null)
    return {
      lines,
      rejected,
      fileError: 'no header row naming a description, a quantity and a unit price was found',
    };
  return { lines, rejected, fileError: null };
}
