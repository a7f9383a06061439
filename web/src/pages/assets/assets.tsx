// The inventory list (/assets). Staff filter by type, status, location, owner, warranty end and words, sort by
// last change or name, all in the URL (so a saved view is the query string and survives a reload); "Show more"
// follows the server's cursor; selected rows take a bulk edit (status, location, owner) or go to the labels
// page; a CSV import shows the rows it refused and why. Requesters see the equipment they own, read only.
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import {
  type Asset,
  type AssetStatus,
  assetFilterKeys,
  assetFilterOf,
  assetStatuses,
  assetTypes,
  type BulkSet,
  formatDay,
  type ImportReport,
  useAssetPages,
  useAssetViews,
  useBulkUpdateAssets,
  useDeleteAssetView,
  useImportAssets,
  useSaveAssetView,
} from '../../api/assets';
import { isStaff, useUser } from '../../session';
import { useDirectory } from '../../ui/directory';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import './assets.css';

export function AssetStatusBadge({ status }: { status: AssetStatus }) {
  const { t } = useTranslation('assets');
  return <span className={`badge asset-${status}`}>{t(`status.${status}`)}</span>;
}

/** A warranty end, marked when it has passed. */
export function WarrantyEnd({ day }: { day: string | null }) {
  if (!day) return <span className="muted">—</span>;
  const past = Date.parse(`${day}T23:59:59`) < Date.now();
  return <span className={past ? 'danger-text' : undefined}>{formatDay(day)}</span>;
}

const pageSize = 50;

/** The list's query string as a saved view keeps it: the filters the server reads, in a stable order. */
function viewQueryOf(params: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const k of assetFilterKeys) {
    const v = params.get(k);
    if (v) out.set(k, v);
  }
  return out.toString();
}

function SavedViews({ current }: { current: string }) {
  const { t } = useTranslation('assets');
  const views = useAssetViews();
  const [name, setName] = useState('');
  const save = useSaveAssetView(() => setName(''));
  const remove = useDeleteAssetView();
  return (
    <section className="asset-views" aria-labelledby="asset-views-title">
      <h2 id="asset-views-title" className="visually-hidden">
        {t('views.title')}
      </h2>
      <ul className="asset-view-list">
        <li className="saved-view">
          <Link to="/assets" aria-current={current === '' ? 'page' : undefined}>
            {t('views.all')}
          </Link>
        </li>
        {(views.data ?? []).map((v) => (
          <li key={v.id} className="saved-view">
            <Link to={`/assets?${v.query}`} aria-current={v.query === current ? 'page' : undefined}>
              {v.name}
            </Link>
            <button
              type="button"
              className="icon-button"
              aria-label={t('views.delete', { name: v.name })}
              onClick={() => remove.mutate(v.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="save-view"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) save.mutate({ name, query: current });
        }}
      >
        <label htmlFor="asset-view-name" className="visually-hidden">
          {t('views.nameLabel')}
        </label>
        <input
          id="asset-view-name"
          placeholder={t('views.namePlaceholder')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
        />
        <button type="submit" disabled={!name.trim() || save.isPending}>
          {t('views.save')}
        </button>
      </form>
      <ErrorMessage error={save.error ?? remove.error} title={t('views.saveFailed')} />
    </section>
  );
}

function BulkBar({
  ids,
  onDone,
}: {
  ids: number[];
  onDone: (message: string | null, clear: boolean) => void;
}) {
  const { t } = useTranslation('assets');
  const dir = useDirectory();
  const [location, setLocation] = useState('');
  const bulk = useBulkUpdateAssets((r) =>
    onDone(t('bulk.changed', { count: r.updatedIds.length, unchanged: r.unchangedIds.length }), true),
  );
  const apply = (set: BulkSet) => bulk.mutate({ ids, set });
  return (
    <div className="bulk-bar" role="region" aria-label={t('bulk.label')}>
      <strong>{t('bulk.selected', { count: ids.length })}</strong>
      <label className="inline">
        <span>{t('field.status')}</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) => e.target.value && apply({ status: e.target.value as AssetStatus })}
        >
          <option value="">{t('bulk.setStatus')}</option>
          {assetStatuses.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span>{t('field.owner')}</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) => {
            const v = e.target.value;
            if (v) apply({ ownerId: v === 'none' ? null : Number(v) });
          }}
        >
          <option value="">{t('bulk.giveTo')}</option>
          <option value="none">{t('bulk.nobody')}</option>
          {dir.users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <form
        className="inline bulk-location"
        onSubmit={(e) => {
          e.preventDefault();
          if (location.trim()) apply({ location: location.trim() });
        }}
      >
        <label className="inline">
          <span>{t('field.location')}</span>
          <input
            className="short"
            value={location}
            maxLength={200}
            onChange={(e) => setLocation(e.target.value)}
            placeholder={t('bulk.locationPlaceholder')}
          />
        </label>
        <button type="submit" disabled={bulk.isPending || !location.trim()}>
          {t('bulk.move')}
        </button>
      </form>
      <Link className="button" to={`/assets/labels?ids=${ids.join(',')}`}>
        {t('bulk.printLabels')}
      </Link>
      <button type="button" className="ghost" onClick={() => onDone(null, true)}>
        {t('bulk.clear')}
      </button>
      {bulk.isPending && <span className="bulk-status">{t('bulk.working')}</span>}
      <ErrorMessage error={bulk.error} title={t('bulk.failed')} />
    </div>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  const { t } = useTranslation('assets');
  return (
    <div className="asset-import-report" role="status">
      <p>
        <Trans
          t={t}
          i18nKey="import.summary"
          values={{
            rows: report.rows,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected,
          }}
          components={{
            strong: <strong />,
            refused: <strong className={report.rejected ? 'danger-text' : undefined} />,
          }}
        />
      </p>
      {report.rejections.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('import.refusedRows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('import.line')}</th>
                <th scope="col">{t('import.why')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rejections.map((r) => {
                // The reason usually says it all; fields are listed only when they add to it.
                const more = r.fields.filter((f) => !r.reason.includes(f.message));
                return (
                  <tr key={r.line}>
                    <td className="nowrap">{r.line}</td>
                    <td>
                      {r.reason}
                      {more.length > 0 && (
                        <ul className="asset-import-fields">
                          {more.map((f) => (
                            <li key={f.field + f.message}>
                              <code>{f.field.replace(/^\//, '')}</code>: {f.message}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ImportPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('assets');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = useImportAssets(setReport);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) run.mutate(file);
  };
  return (
    <form className="card form asset-import" onSubmit={submit} aria-labelledby="asset-import-title">
      <div className="kb-panel-head">
        <h2 id="asset-import-title">{t('import.title')}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.close')}
        </button>
      </div>
      <p className="muted small">
        <Trans t={t} i18nKey="import.help" components={{ col: <code /> }} />
      </p>
      <div className="asset-import-pick">
        <label htmlFor="asset-import-file">{t('import.file')}</label>
        <input
          id="asset-import-file"
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setReport(null);
          }}
        />
        <button type="submit" className="primary" disabled={!file || run.isPending}>
          {run.isPending ? t('import.running') : t('import.run')}
        </button>
      </div>
      <ErrorMessage error={run.error} title={t('import.failed')} />
      {report && <ImportReportView report={report} />}
    </form>
  );
}

function AssetRows({
  items,
  selected,
  toggle,
  setAll,
  selectable,
}: {
  items: Asset[];
  selected: Set<number>;
  toggle: (id: number) => void;
  setAll: (on: boolean) => void;
  selectable: boolean;
}) {
  const { t } = useTranslation('assets');
  const dir = useDirectory();
  return (
    <div className="table-wrap">
      <table className="data-table asset-table">
        <caption className="visually-hidden">{t('title')}</caption>
        <thead>
          <tr>
            {selectable && (
              <th scope="col" className="asset-check">
                <input
                  type="checkbox"
                  aria-label={t('table.selectAll')}
                  checked={selected.size > 0 && selected.size === items.length}
                  onChange={(e) => setAll(e.target.checked)}
                />
              </th>
            )}
            <th scope="col">{t('table.asset')}</th>
            <th scope="col" className="wide-only">
              {t('field.type')}
            </th>
            <th scope="col">{t('field.status')}</th>
            <th scope="col" className="wide-only">
              {t('field.location')}
            </th>
            <th scope="col" className="wide-only">
              {t('field.owner')}
            </th>
            <th scope="col" className="wide-only">
              {t('table.warranty')}
            </th>
            <th scope="col" className="wide-only">
              {t('table.updated')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id} className={selected.has(a.id) ? 'selected' : undefined}>
              {selectable && (
                <td className="asset-check">
                  <input
                    type="checkbox"
                    aria-label={t('table.select', { name: a.name })}
                    checked={selected.has(a.id)}
                    onChange={() => toggle(a.id)}
                  />
                </td>
              )}
              <td className="asset-name">
                <Link to={`/assets/${a.id}`}>{a.name}</Link>
                <div className="muted small">
                  {[
                    a.assetTag,
                    a.serial && t('table.serial', { serial: a.serial }),
                    [a.manufacturer, a.model].filter(Boolean).join(' '),
                  ]
                    .filter(Boolean)
                    .join(' · ') || t(`type.${a.type}`)}
                </div>
              </td>
              <td className="nowrap wide-only">{t(`type.${a.type}`)}</td>
              <td className="nowrap">
                <AssetStatusBadge status={a.status} />
              </td>
              <td className="wide-only">{a.location || <span className="muted">—</span>}</td>
              <td className="wide-only">
                {a.ownerId === null ? <span className="muted">—</span> : dir.userName(a.ownerId)}
              </td>
              <td className="nowrap wide-only">
                <WarrantyEnd day={a.warrantyEnd} />
              </td>
              <td className="nowrap wide-only muted">
                <Time iso={a.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A requester's own equipment: what they hold, read only. */
function MyEquipment() {
  const { t } = useTranslation('assets');
  useTitle(t('mine.title'));
  const list = useAssetPages({ limit: pageSize, sort: 'name' });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('mine.title')}</h1>
      </div>
      <p className="muted">{t('mine.intro')}</p>
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} />
      {list.isSuccess && items.length === 0 && <Empty title={t('mine.empty')} />}
      {items.length > 0 && (
        <AssetRows
          items={items}
          selected={new Set()}
          toggle={() => {}}
          setAll={() => {}}
          selectable={false}
        />
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t('showMore')}
        </button>
      )}
    </div>
  );
}

function StaffAssets() {
  const { t } = useTranslation('assets');
  useTitle(t('title'));
  const [params, setParams] = useSearchParams();
  const dir = useDirectory();
  const filter = useMemo(() => assetFilterOf(params), [params]);
  const current = viewQueryOf(params);
  const list = useAssetPages({ ...filter, limit: pageSize });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [showFilters, setShowFilters] = useState(false);
  const activeFilters = ['type', 'status', 'location', 'ownerId', 'warrantyEndsBefore'].filter((k) =>
    params.get(k),
  ).length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: another list starts with nothing selected
  useEffect(() => setSelected(new Set()), [current]);

  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  // Typed filters reach the URL after a short pause; a saved view's link resets them.
  const [q, setQ] = useState(params.get('q') ?? '');
  const [location, setLocation] = useState(params.get('location') ?? '');
  const latest = useRef(params);
  latest.current = params;
  // Through a ref: react-router makes a new setParams whenever the URL changes, and an effect rerun by that
  // alone would write the old typed text back over a link's URL if its timer fired before the fields caught up.
  const write = useRef(setParams);
  write.current = setParams;
  const written = useRef({ q: params.get('q') ?? '', location: params.get('location') ?? '' });
  useEffect(() => {
    const pq = params.get('q') ?? '';
    const pl = params.get('location') ?? '';
    if (pq !== written.current.q) setQ(pq);
    if (pl !== written.current.location) setLocation(pl);
    written.current = { q: pq, location: pl };
  }, [params]);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const p = new URLSearchParams(latest.current);
      let changed = false;
      for (const [k, v] of [
        ['q', q.trim()],
        ['location', location.trim()],
      ] as const) {
        if ((p.get(k) ?? '') === v) continue;
        changed = true;
        if (v) p.set(k, v);
        else p.delete(k);
      }
      if (!changed) return;
      written.current = { q: p.get('q') ?? '', location: p.get('location') ?? '' };
      write.current(p, { replace: true });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [q, location]);

  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <div className="page assets-page">
      <div className="page-head">
        <h1>{t('title')}</h1>
        <span className="spacer" />
        <span className="muted" role="status">
          {list.isPending
            ? t('common:loading')
            : t('count', { count: items.length, more: list.hasNextPage ? 'yes' : 'no' })}
        </span>
        {!importing && (
          <button type="button" onClick={() => setImporting(true)}>
            {t('import.open')}
          </button>
        )}
      </div>
      {importing && <ImportPanel onClose={() => setImporting(false)} />}
      <SavedViews current={current} />
      <div
        className={`filters asset-filters${showFilters ? ' open' : ''}`}
        role="group"
        aria-label={t('filters.label')}
      >
        <label className="inline asset-search">
          <span>{t('filters.search')}</span>
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('filters.searchPlaceholder')}
            maxLength={200}
          />
        </label>
        {/* On a phone the other filters fold away behind this button; a desktop shows them all. */}
        <button
          type="button"
          className="asset-filter-toggle"
          aria-expanded={showFilters}
          onClick={() => setShowFilters((o) => !o)}
        >
          {t('filters.toggle', { count: activeFilters })}
        </button>
        <label className="inline">
          <span>{t('field.type')}</span>
          <select value={params.get('type') ?? ''} onChange={(e) => set('type', e.target.value)}>
            <option value="">{t('filters.any')}</option>
            {assetTypes.map((k) => (
              <option key={k} value={k}>
                {t(`type.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>{t('field.status')}</span>
          <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('filters.any')}</option>
            {assetStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>{t('field.location')}</span>
          <input
            className="short"
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            placeholder={t('filters.anyLocation')}
            maxLength={200}
          />
        </label>
        <label className="inline">
          <span>{t('field.owner')}</span>
          <select value={params.get('ownerId') ?? ''} onChange={(e) => set('ownerId', e.target.value)}>
            <option value="">{t('filters.anyone')}</option>
            {dir.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>{t('filters.warrantyEndsBefore')}</span>
          <input
            type="date"
            value={params.get('warrantyEndsBefore') ?? ''}
            onChange={(e) => set('warrantyEndsBefore', e.target.value)}
          />
        </label>
        <label className="inline">
          <span>{t('filters.sort')}</span>
          <select value={params.get('sort') ?? 'updated'} onChange={(e) => set('sort', e.target.value)}>
            <option value="updated">{t('filters.sortUpdated')}</option>
            <option value="name">{t('filters.sortName')}</option>
          </select>
        </label>
      </div>
      {selected.size > 0 && (
        <BulkBar
          ids={[...selected]}
          onDone={(m, clear) => {
            setMessage(m);
            if (clear) setSelected(new Set());
          }}
        />
      )}
      <p role="status" className="bulk-status">
        {message}
      </p>
      <ErrorMessage error={list.error} title={t('loadFailed')} />
      {list.isSuccess && items.length === 0 && (
        <Empty title={t('empty.title')}>
          <p>{t('empty.text')}</p>
        </Empty>
      )}
      {items.length > 0 && (
        <AssetRows
          items={items}
          selected={selected}
          toggle={toggle}
          setAll={(on) => setSelected(on ? new Set(items.map((a) => a.id)) : new Set())}
          selectable
        />
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="asset-more"
          onClick={() => list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? t('common:loading') : t('showMore')}
        </button>
      )}
    </div>
  );
}

export default function AssetsPage() {
  const user = useUser();
  return isStaff(user) ? <StaffAssets /> : <MyEquipment />;
}
