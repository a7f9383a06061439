// The quotes side by side, as the server ranks them: total cost of ownership over the term split into purchase,
// recurring, support and energy (discounts shown apart), fit, vendor performance and the weighted score; the
// budget line before and after; the recommendation with its reasons. The weight sliders re-query the comparison
// (after a short pause), and Award sends the weights the manager looked at.
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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

const criteria: (keyof Weights)[] = ['price', 'fit', 'performance'];

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
  const { t } = useTranslation('vendors');
  const totals = q.totals;
  const money = (v: number) => formatMoney(v, c.currency);
  return (
    <article
      className={`card compare-card${recommended ? ' recommended' : ''}${q.qualified ? '' : ' unqualified'}`}
      aria-label={t('compare.rank', { rank: q.rank, vendor: q.vendorName })}
    >
      <h3>
        <span className="badge">#{q.rank}</span> {q.vendorName}
        {recommended && <span className="badge score-ok">{t('compare.recommended')}</span>}
        {!q.qualified && <span className="badge score-danger">{t('compare.missesMust')}</span>}
      </h3>
      <div className="compare-total">{money(totals.totalMinor)}</div>
      <p className="muted small flush">
        {t('compare.over', { count: c.termMonths })}
        {totals.quoteCurrency !== c.currency &&
          ` · ${t('compare.atRate', { amount: formatMoney(totals.quoteTotalMinor, totals.quoteCurrency), rate: totals.rate })}`}
      </p>
      <dl className="facts">
        <dt>{t('budgets.purchase')}</dt>
        <dd className="num">{money(totals.purchaseMinor)}</dd>
        <dt>{t('contracts.recurring')}</dt>
        <dd className="num">{money(totals.recurringMinor)}</dd>
        <dt>{t('compare.support')}</dt>
        <dd className="num">{money(totals.supportMinor)}</dd>
        <dt>{t('compare.energy')}</dt>
        <dd className="num">{money(totals.energyMinor)}</dd>
        <dt>{t('compare.discounts')}</dt>
        <dd className="num">−{money(totals.discountMinor)}</dd>
        <dt>{t('compare.priceScore')}</dt>
        <dd className="num">{q.scores.price}</dd>
        <dt>{t('compare.fit')}</dt>
        <dd className="num">{q.scores.fit}</dd>
        <dt>{t('vendors.performance')}</dt>
        <dd className="num">{q.scores.performance}</dd>
        <dt>
          <strong>{t('compare.weighted')}</strong>
        </dt>
        <dd className="num">
          <strong>{q.scores.weighted}</strong>
        </dd>
        {q.budget && c.budget && (
          <>
            <dt>{t('compare.budgetAfter')}</dt>
            <dd className={`num ${q.budget.fits ? '' : 'danger-text'}`}>
              {money(q.budget.remainingAfterMinor)}
            </dd>
          </>
        )}
      </dl>
      {q.missingRequirements.length > 0 && (
        <p className="small danger-text">
          {t('compare.missing', { list: q.missingRequirements.join(', ') })}
        </p>
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
            {t('compare.awardTo', { vendor: q.vendorName })}
          </button>
        </div>
      )}
    </article>
  );
}

export function ComparisonPanel({ request }: { request: QuoteRequest }) {
  const { t } = useTranslation('vendors');
  const user = useUser();
  const [weights, setWeights] = useState<Weights>(defaultWeights);
  const [asked, setAsked] = useState<Weights>(defaultWeights);
  useEffect(() => {
    const timer = setTimeout(() => setAsked(weights), 250);
    return () => clearTimeout(timer);
  }, [weights]);
  const allZero = asked.price + asked.fit + asked.performance === 0;
  const comparison = useComparison(request.id, asked, request.quoteCount > 0 && !allZero);
  const [awarded, setAwarded] = useState<string | null>(null);
  const award = useAward(request.id, (a) =>
    setAwarded(t('compare.awarded', { amount: formatMoney(a.amountMinor, a.currency) })),
  );
  const c = comparison.data;
  const canAward = isManager(user) && (request.status === 'open' || request.status === 'quoted');
  return (
    <section className="card panel" aria-labelledby="comparison-title">
      <h2 id="comparison-title">{t('compare.title')}</h2>
      <fieldset className="weights">
        <legend className="visually-hidden">{t('compare.weights')}</legend>
        {criteria.map((k) => (
          <label key={k}>
            <span>
              <Trans
                t={t}
                i18nKey="compare.criterion"
                values={{ criterion: k, weight: weights[k] }}
                components={{ strong: <strong /> }}
              />
            </span>
            <input
              type="range"
              min={0}
              max={100}
              step={5}
              value={weights[k]}
              onChange={(e) => setWeights((w) => ({ ...w, [k]: Number(e.target.value) }))}
            />
          </label>
        ))}
      </fieldset>
      {allZero && <p className="warn-text">{t('compare.noWeight')}</p>}
      {comparison.isPending && request.quoteCount > 0 && <Loading />}
      <ErrorMessage error={comparison.error} />
      {awarded && (
        <p className="ok-text" role="status">
          {awarded}
        </p>
      )}
      <ErrorMessage error={award.error} title={t('compare.notAwarded')} />
      {c && (
        <>
          {c.recommendation ? (
            <div className="alert alert-ok" role="status" aria-label={t('compare.recommendation')}>
              <strong>
                {t('compare.recommendedLine', {
                  vendor: c.recommendation.vendorName,
                  amount: formatMoney(c.recommendation.totalMinor, c.currency),
                })}
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
              <Trans
                t={t}
                i18nKey="compare.budgetLine"
                values={{
                  name: c.budget.name,
                  year: String(c.budget.fiscalYear),
                  amount: formatMoney(c.budget.remainingMinor, c.currency),
                }}
                components={{ strong: <strong /> }}
              />
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
            <summary>{t('compare.rounding')}</summary>

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
