// The manager's lifecycle page (/assets/lifecycle): what ends within a window the manager picks (next month,
// quarter, half-year, year) — warranties, ends of life, and licences over-assigned or expiring — and the models
// that fail most (failures per asset-year over the last 12 or 24 months). The server does the counting; the page
// only lays it out.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type Lifecycle, useFailureRates, useLifecycle } from '../../api/asset-lifecycle';
import { uiLocale } from '../../locale';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

const windows = [
  { within: 'P1M', label: 'Month' },
  { within: 'P3M', label: 'Quarter' },
  { within: 'P6M', label: 'Half-year' },
  { within: 'P1Y', label: 'Year' },
] as const;

const dayFormat = new Intl.DateTimeFormat(uiLocale, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const showDay = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));

function Ending({
  title,
  items,
  none,
}: {
  title: string;
  items: Lifecycle['warrantiesEnding'];
  none: string;
}) {
  return (
    <section className="card" aria-labelledby={`${title}-h`.replace(/\W+/g, '-')}>
      <div className="kb-panel-head">
        <h2 id={`${title}-h`.replace(/\W+/g, '-')}>
          {title} <span className="muted small">({items.length})</span>
        </h2>
      </div>
      {items.length === 0 ? (
        <p className="muted">{none}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table lifecycle-table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="wide-only">
                  Model
                </th>
                <th scope="col" className="wide-only">
                  Location
                </th>
                <th scope="col">Date</th>
                <th scope="col" className="num">
                  Days
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td className="asset-name">
                    <Link to={`/assets/${a.id}`}>{a.name}</Link>
                  </td>
                  <td className="wide-only">{[a.manufacturer, a.model].filter(Boolean).join(' ') || '—'}</td>
                  <td className="wide-only">{a.location || '—'}</td>
                  <td className="nowrap">{showDay(a.on)}</td>
                  <td className="num">{a.daysLeft}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Licences({ items }: { items: Lifecycle['licences'] }) {
  return (
    <section className="card" aria-labelledby="licences-h">
      <div className="kb-panel-head">
        <h2 id="licences-h">
          Licences <span className="muted small">({items.length})</span>
        </h2>
      </div>
      {items.length === 0 ? (
        <p className="muted">No licence is over-assigned or expiring in this window.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table lifecycle-table">
            <caption className="visually-hidden">Licences over-assigned or expiring</caption>
            <thead>
              <tr>
                <th scope="col">Licence</th>
                <th scope="col" className="num">
                  Seats used
                </th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {items.map((l) => (
                <tr key={l.assetId}>
                  <td className="asset-name">
                    <Link to={`/assets/${l.assetId}`}>{l.name}</Link>
                    {l.softwareName && <div className="muted small">{l.softwareName}</div>}
                    <div className="lifecycle-flags">
                      {l.overAssigned && <span className="badge danger">Over-assigned</span>}
                      {l.expiring && <span className="badge warn">Renewal due</span>}
                    </div>
                  </td>
                  <td className="num nowrap">
                    {l.used} / {l.seats}
                  </td>
                  <td className="nowrap">{l.expiresOn ? showDay(l.expiresOn) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function FailureRates() {
  const [months, setMonths] = useState(12);
  const rates = useFailureRates(months);
  const models = rates.data?.models ?? [];
  return (
    <section className="card" aria-labelledby="failure-h">
      <div className="kb-panel-head">
        <h2 id="failure-h">Models that fail most</h2>
        <div className="segmented" role="group" aria-label="Over the last">
          {[12, 24].map((m) => (
            <button key={m} type="button" aria-pressed={months === m} onClick={() => setMonths(m)}>
              {m} months
            </button>
          ))}
        </div>
      </div>
      <p className="small muted">
        Failures are incidents naming an asset, and repairs not already counted through their incident, per
        year each asset was in service.
      </p>
      {rates.isPending && <Loading />}
      <ErrorMessage error={rates.error} />
      {rates.isSuccess && models.length === 0 && <p className="muted">No hardware with a model yet.</p>}
      {models.length > 0 && (
        <div className="table-wrap">
          <table className="data-table lifecycle-table">
            <caption className="visually-hidden">Failure rates by model</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Assets
                </th>
                <th scope="col" className="num wide-only">
                  Incidents
                </th>
                <th scope="col" className="num wide-only">
                  Repairs
                </th>
                <th scope="col" className="num">
                  Per asset-year
                </th>
              </tr>
            </thead>
            <tbody>
              {models.slice(0, 20).map((m) => (
                <tr key={`${m.manufacturer}\u0000${m.model}`}>
                  <td className="asset-name">
                    {m.model}
                    {m.manufacturer && <div className="muted small">{m.manufacturer}</div>}
                  </td>
                  <td className="num">{m.assets}</td>
                  <td className="num wide-only">{m.incidents}</td>
                  <td className="num wide-only">{m.repairs}</td>
                  <td className="num">{m.failuresPerAssetYear.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function AssetLifecyclePage() {
  useTitle('Asset lifecycle');
  const [within, setWithin] = useState<string>('P3M');
  const view = useLifecycle(within);
  const label = windows.find((w) => w.within === within)?.label.toLowerCase() ?? within;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Asset lifecycle</h1>
        <div className="head-actions">
          <div className="segmented" role="group" aria-label="Ending within the next">
            {windows.map((w) => (
              <button
                key={w.within}
                type="button"
                aria-pressed={within === w.within}
                onClick={() => setWithin(w.within)}
              >
                {w.label}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div className="lifecycle-sections">
        {view.isPending && <Loading />}
        <ErrorMessage error={view.error} />
        {view.data && (
          <>
            {view.data.warrantiesEnding.length + view.data.endOfLife.length + view.data.licences.length ===
              0 && <Empty title={`Nothing ends in the next ${label}.`} />}
            <Ending
              title="Warranties ending"
              items={view.data.warrantiesEnding}
              none={`No warranty ends in the next ${label}.`}
            />
            <Ending
              title="End of life"
              items={view.data.endOfLife}
              none={`No asset reaches its end of life in the next ${label}.`}
            />
            <Licences items={view.data.licences} />
          </>
        )}
        <FailureRates />
      </div>
    </div>
  );
}
