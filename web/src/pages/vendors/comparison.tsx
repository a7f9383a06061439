// The quotes side by side, as the server ranks them: total cost of ownership over the term split into purchase,
// recurring, support and energy (discounts shown apart), fit, vendor performance and the weighted score; the
// budget line before and after; the recommendation with its reasons. The weight sliders re-query the comparison
// (after a short pause), and Award sends the weights the manager looked at.
import { useEffect, useState } from 'react';
import {
  type Comparison,
  defaultWeights,
  formatMoney,
  type QuoteRequest,
  type RankedQuote,
  useAward,
  useComparison,
  type Weights,
} from '../../api/vendors';
import { isManager, useUser } from '../../session';
import { ErrorMessage, Loading } from '../../ui/messages';

const criteria: { key: keyof Weights; label: string }[] = [
  { key: 'price', label: 'Price' },
  { key: 'fit', label: 'Fit to requirements' },
  { key: 'performance', label: 'Vendor performance' },
];

function QuoteCard({
  q,
  c,
  recommended,
  canAward,
  onAward,
  awarding,
}: {
  q: RankedQuote;
  c: Comparison;
  recommended: boolean;
  canAward: boolean;
  onAward: () => void;
  awarding: boolean;
}) {
  const t = q.totals;
  const money = (v: number) => formatMoney(v, c.currency);
  return (
    <article
      className={`card compare-card${recommended ? ' recommended' : ''}${q.qualified ? '' : ' unqualified'}`}
      aria-label={`Rank ${q.rank}: ${q.vendorName}`}
    >
      <h3>
        <span className="badge">#{q.rank}</span> {q.vendorName}
        {recommended && <span className="badge score-ok">Recommended</span>}
        {!q.qualified && <span className="badge score-danger">Misses a must</span>}
      </h3>
      <div className="compare-total">{money(t.totalMinor)}</div>
      <p className="muted small flush">
        over {c.termMonths} months
        {t.quoteCurrency !== c.currency &&
          ` · ${formatMoney(t.quoteTotalMinor, t.quoteCurrency)} at ${t.rate}`}
      </p>
      <dl className="facts">
        <dt>Purchase</dt>
        <dd className="num">{money(t.purchaseMinor)}</dd>
        <dt>Recurring</dt>
        <dd className="num">{money(t.recurringMinor)}</dd>
        <dt>Support</dt>
        <dd className="num">{money(t.supportMinor)}</dd>
        <dt>Energy</dt>
        <dd className="num">{money(t.energyMinor)}</dd>
        <dt>Discounts</dt>
        <dd className="num">−{money(t.discountMinor)}</dd>
        <dt>Price score</dt>
        <dd className="num">{q.scores.price}</dd>
        <dt>Fit</dt>
        <dd className="num">{q.scores.fit}</dd>
        <dt>Performance</dt>
        <dd className="num">{q.scores.performance}</dd>
        <dt>
          <strong>Weighted</strong>
        </dt>
        <dd className="num">
          <strong>{q.scores.weighted}</strong>
        </dd>
        {q.budget && c.budget && (
          <>
            <dt>Budget after</dt>
            <dd className={`num ${q.budget.fits ? '' : 'danger-text'}`}>
              {money(q.budget.remainingAfterMinor)}
            </dd>
          </>
        )}
      </dl>
      {q.missingRequirements.length > 0 && (
        <p className="small danger-text">Missing: {q.missingRequirements.join(', ')}</p>
      )}
      {q.reasons.length > 0 && (
        <ul>
          {q.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {canAward && (
        <div className="actions">
          <button
            type="button"
            className={recommended ? 'primary' : undefined}
            disabled={awarding}
            onClick={onAward}
          >
            Award to {q.vendorName}
          </button>
        </div>
      )}
    </article>
  );
}

export function ComparisonPanel({ request }: { request: QuoteRequest }) {
  const user = useUser();
  const [weights, setWeights] = useState<Weights>(defaultWeights);
  const [asked, setAsked] = useState<Weights>(defaultWeights);
  useEffect(() => {
    const t = setTimeout(() => setAsked(weights), 250);
    return () => clearTimeout(t);
  }, [weights]);
  const allZero = asked.price + asked.fit + asked.performance === 0;
  const comparison = useComparison(request.id, asked, request.quoteCount > 0 && !allZero);
  const [awarded, setAwarded] = useState<string | null>(null);
  const award = useAward(request.id, (a) =>
    setAwarded(`Awarded: ${formatMoney(a.amountMinor, a.currency)} committed to the budget line.`),
  );
  const c = comparison.data;
  const canAward = isManager(user) && (request.status === 'open' || request.status === 'quoted');
  return (
    <section className="card panel" aria-labelledby="comparison-title">
      <h2 id="comparison-title">Comparison</h2>
      <fieldset className="weights">
        <legend className="visually-hidden">Weights</legend>
        {criteria.map((k) => (
          <label key={k.key}>
            <span>
              {k.label}: <strong>{weights[k.key]}</strong>
            </span>
            <input
              type="range"
              min={0}
              max={100}
              step={5}
              value={weights[k.key]}
              onChange={(e) => setWeights((w) => ({ ...w, [k.key]: Number(e.target.value) }))}
            />
          </label>
        ))}
      </fieldset>
      {allZero && <p className="warn-text">Give at least one criterion some weight.</p>}
      {comparison.isPending && request.quoteCount > 0 && <Loading />}
      <ErrorMessage error={comparison.error} />
      {awarded && (
        <p className="ok-text" role="status">
          {awarded}
        </p>
      )}
      <ErrorMessage error={award.error} title="Not awarded." />
      {c && (
        <>
          {c.recommendation ? (
            <div className="alert alert-ok" role="status" aria-label="Recommendation">
              <strong>
                Recommended: {c.recommendation.vendorName},{' '}
                {formatMoney(c.recommendation.totalMinor, c.currency)}
              </strong>
              <ul>
                {c.recommendation.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          ) : (
            c.noRecommendation && <p className="warn-text">{c.noRecommendation}</p>
          )}
          {c.budget && (
            <p className="small">
              Budget line <strong>{c.budget.name}</strong> ({c.budget.fiscalYear}):{' '}
              {formatMoney(c.budget.remainingMinor, c.currency)} left before any of these quotes.
            </p>
          )}
          <div className="compare-grid">
            {c.ranked.map((q) => (
              <QuoteCard
                key={q.quoteId}
                q={q}
                c={c}
                recommended={c.recommendation?.quoteId === q.quoteId}
                canAward={canAward && !awarded}
                awarding={award.isPending}
                onAward={() => award.mutate({ quoteId: q.quoteId, weights: asked })}
              />
            ))}
          </div>
          <details>
            <summary>How the amounts are rounded</summary>
            <ol className="small">
              {c.rounding.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ol>
          </details>
        </>
      )}
    </section>
  );
}
