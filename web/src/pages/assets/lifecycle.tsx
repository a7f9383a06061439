// The manager's lifecycle page (/assets/lifecycle): what ends within a window the manager picks (next month,
// quarter, half-year, year) — warranties, ends of life, and licences over-assigned or expiring — and the models
// that fail most (failures per asset-year over the last 12 or 24 months). The server does the counting; the page
// only lays it out.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type Lifecycle, useFailureRates, useLifecycle } from '../../api/asset-lifecycle';
import { dateTimeFormat, numberFormat } from '../../locale';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';

const windows = ['P1M', 'P3M', 'P6M', 'P1Y'] as const;

const dayFormat = dateTimeFormat({
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const showDay = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));
const rateFormat = numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 });

function Ending({
  id,
  title,
  items,
  none,
}: {
  id: string;
  title: string;
  items: Lifecycle['warrantiesEnding'];
  none: string;
}) {
  const { t } = useTranslation('assets');
  return (
    <section className="card" aria-labelledby={id}>
      <div className="kb-panel-head">
        <h2 id={id}>
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
                <th scope="col">{t('table.asset')}</th>
                <th scope="col" className="wide-only">
                  {t('field.model')}
                </th>
                <th scope="col" className="wide-only">
                  {t('field.location')}
                </th>
                <th scope="col">{t('lifecycle.date')}</th>
                <th scope="col" className="num">
                  {t('lifecycle.days')}
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
  const { t } = useTranslation('assets');
  return (
    <section className="card" aria-labelledby="licences-h">
      <div className="kb-panel-head">
        <h2 id="licences-h">
          {t('lifecycle.licences')} <span className="muted small">({items.length})</span>
        </h2>
      </div>
      {items.length === 0 ? (
        <p className="muted">{t('lifecycle.licencesNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table lifecycle-table">
            <caption className="visually-hidden">{t('lifecycle.licencesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lifecycle.licence')}</th>
                <th scope="col" className="num">
                  {t('lifecycle.seatsUsed')}
                </th>
                <th scope="col">{t('lifecycle.expires')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((l) => (
                <tr key={l.assetId}>
                  <td className="asset-name">
                    <Link to={`/assets/${l.assetId}`}>{l.name}</Link>
                    {l.softwareName && <div className="muted small">{l.softwareName}</div>}
                    <div className="lifecycle-flags">
                      {l.overAssigned && <span className="badge danger">{t('licence.over')}</span>}
                      {l.expiring && <span className="badge warn">{t('lifecycle.renewalDue')}</span>}
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
  const { t } = useTranslation('assets');
  const [months, setMonths] = useState(12);
  const rates = useFailureRates(months);
  const models = rates.data?.models ?? [];
  return (
    <section className="card" aria-labelledby="failure-h">
      <div className="kb-panel-head">
        <h2 id="failure-h">{t('lifecycle.failuresTitle')}</h2>
        <div className="segmented" role="group" aria-label={t('lifecycle.overTheLast')}>
          {[12, 24].map((m) => (
            <button key={m} type="button" aria-pressed={months === m} onClick={() => setMonths(m)}>
              {t('lifecycle.months', { count: m })}
            </button>
          ))}
        </div>
      </div>
      <p className="small muted">{t('lifecycle.failuresExplained')}</p>
      {rates.isPending && <Loading />}
      <ErrorMessage error={rates.error} />
      {rates.isSuccess && models.length === 0 && <p className="muted">{t('lifecycle.noModels')}</p>}
      {models.length > 0 && (
        <div className="table-wrap">
          <table className="data-table lifecycle-table">
            <caption className="visually-hidden">{t('lifecycle.ratesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('field.model')}</th>
                <th scope="col" className="num">
                  {t('title')}
                </th>
                <th scope="col" className="num wide-only">
                  {t('tickets.incidents')}
                </th>
                <th scope="col" className="num wide-only">
                  {t('tickets.repairs')}
                </th>
                <th scope="col" className="num">
                  {t('lifecycle.perAssetYear')}
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
                  <td className="num">{rateFormat.format(m.failuresPerAssetYear)}</td>
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
  const { t } = useTranslation('assets');
  useTitle(t('lifecycle.title'));
  const [within, setWithin] = useState<string>('P3M');
  const view = useLifecycle(within);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('lifecycle.title')}</h1>
        <div className="head-actions">
          <div className="segmented" role="group" aria-label={t('lifecycle.within')}>
            {windows.map((w) => (
              <button key={w} type="button" aria-pressed={within === w} onClick={() => setWithin(w)}>
                {t(`lifecycle.window.${w}`)}
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
              0 && <Empty title={t('lifecycle.nothingEnds', { within })} />}
            <Ending
              id="Warranties-ending-h"
              title={t('lifecycle.warranties')}
              items={view.data.warrantiesEnding}
              none={t('lifecycle.noWarranty', { within })}
            />
            <Ending
              id="End-of-life-h"
              title={t('field.endOfLife')}
              items={view.data.endOfLife}
              none={t('lifecycle.noEndOfLife', { within })}
            />

            <Licences items={view.data.licences} />
          </>
        )}
        <FailureRates />
      </div>
    </div>
  );
}
