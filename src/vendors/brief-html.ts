// The negotiation brief as one printable A4 page: self-contained HTML (inline print CSS, no scripts, no external
// resources), every value escaped. The route serves it with a CSP that allows inline styles and nothing else.

import { formatMinor } from './money.js';
import type { Brief } from './negotiation-brief.js';

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function briefHtml(b: Brief): string {
  const m = (v: number | null) => (v === null ? '—' : esc(formatMinor(v, b.currency)));
  const rows = (cells: unknown[][]) =>
    cells.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  const price = (label: string, p: Brief['target']) =>
    `<div class="price"><h2>${label}: ${m(p.amountMinor)}</h2><p class="rule">${esc(p.rule)}</p><ol>${p.steps
      .map((s) => `<li>${esc(s)}</li>`)
      .join('')}</ol></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Negotiation brief — ${esc(b.subject.vendorName)}</title>
<style>
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font: 9.5pt/1.35 system-ui, sans-serif; color: #111; margin: 0 auto; max-width: 182mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11pt; margin: 3mm 0 1mm; }
.meta { color: #444; margin: 0 0 3mm; }
.prices { display: flex; gap: 4mm; } .price { flex: 1; border: 1px solid #999; padding: 2mm 3mm; }
.rule { font-style: italic; margin: 0; } ol { margin: 1mm 0 0 4mm; padding: 0; }
table { width: 100%; border-collapse: collapse; margin-bottom: 2mm; }
td, th { border-bottom: 1px solid #ddd; padding: 0.6mm 1.5mm; text-align: left; vertical-align: top; }
td:last-child, th:last-child { text-align: right; }
.cols { display: flex; gap: 5mm; } .cols > section { flex: 1; min-width: 0; }
.small { font-size: 8pt; color: #444; }
@media print { body { max-width: none; } }
</style></head><body>
<h1>Negotiation brief: ${esc(b.subject.vendorName)}</h1>
<p class="meta">${b.kind === 'renewal' ? 'Renewal' : 'Purchase'} — ${esc(b.subject.title)}${
    b.subject.category ? ` — category ${esc(b.subject.category)}` : ''
  }${b.subject.units !== null ? ` — ${esc(b.subject.units)} units` : ''} — ${esc(b.currency)} — prepared ${day(b.generatedAt)}</p>
<div class="prices">${price('Target', b.target)}${price('Walk away above', b.walkAway)}</div>
<div class="cols"><section>
<h2>What we paid before (${m(b.paidBefore.totalMinor)})</h2>
<table><tr><th>Contract</th><th>Start</th><th>Term end</th><th>A year</th></tr>${rows(
    b.paidBefore.terms
      .slice(0, 6)
      .map((t) => [esc(t.title), day(t.startsAt), day(t.termEnd), m(t.annualMinor)]),
  )}</table>
<h2>Other vendors' quotes</h2>
<table><tr><th>Vendor</th><th>For</th><th>Per unit</th><th>Total</th></tr>${
    b.otherQuotes.length === 0
      ? '<tr><td colspan="4">none</td></tr>'
      : rows(
          b.otherQuotes
            .slice(0, 8)
            .map((q) => [esc(q.vendorName), esc(q.what), m(q.unitPriceMinor), m(q.totalMinor)]),
        )
  }</table>
</section><section>
<h2>Price per unit</h2>
<table><tr><th>Year</th><th>From</th><th>Per unit</th></tr>${rows(
    b.unitPriceTrend.points.slice(-6).map((p) => [esc(p.fiscalYear), esc(p.source), m(p.unitPriceMinor)]),
  )}</table><p class="small">${esc(b.unitPriceTrend.explanation)}</p>
<h2>The volume we bring (${m(b.volume.totalMinor)})</h2>
<table><tr><th>Fiscal year</th><th>Spent</th></tr>${rows(b.volume.years.map((y) => [esc(y.fiscalYear), m(y.totalMinor)]))}</table>
<h2>Their record (score ${esc(b.performance.score)})</h2>
<ul class="small">${b.performance.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
</section></div>
<p class="small">Rounding: ${b.rounding.map(esc).join(' ')}</p>
</body></html>
`;
}
