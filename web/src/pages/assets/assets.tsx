// The inventory list (/assets). Staff filter by type, status, location, owner, warranty end and words, sort by
// last change or name, all in the URL (so a saved view is the query string and survives a reload); "Show more"
// follows the server's cursor; selected rows take a bulk edit (status, location, owner) or go to the labels
// page; a CSV import shows the rows it refused and why. Requesters see the equipment they own, read only.
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  type Asset,
  type AssetStatus,
  assetFilterKeys,
  assetFilterOf,
  assetStatuses,
  assetStatusLabel,
  assetTypeLabel,
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
  return <span className={`badge asset-${status}`}>{assetStatusLabel[status]}</span>;
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
  const views = useAssetViews();
  const [name, setName] = useState('');
  const save = useSaveAssetView(() => setName(''));
  const remove = useDeleteAssetView();
  return (
    <section className="asset-views" aria-labelledby="asset-views-title">
      <h2 id="asset-views-title" className="visually-hidden">
        Saved views
      </h2>
      <ul className="asset-view-list">
        <li className="saved-view">
          <Link to="/assets" aria-current={current === '' ? 'page' : undefined}>
            All assets
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
              aria-label={`Delete saved view ${v.name}`}
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
          Name for this view
        </label>
        <input
          id="asset-view-name"
          placeholder="Name this view"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
        />
        <button type="submit" disabled={!name.trim() || save.isPending}>
          Save view
        </button>
      </form>
      <ErrorMessage error={save.error ?? remove.error} title="The view was not saved." />
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
  const dir = useDirectory();
  const [location, setLocation] = useState('');
  const bulk = useBulkUpdateAssets((r) =>
    onDone(
      `Changed ${r.updatedIds.length} asset${r.updatedIds.length === 1 ? '' : 's'}${
        r.unchangedIds.length ? `; ${r.unchangedIds.length} already so` : ''
      }.`,
      true,
    ),
  );
  const apply = (set: BulkSet) => bulk.mutate({ ids, set });
  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>{ids.length} selected</strong>
      <label className="inline">
        <span>Status</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) => e.target.value && apply({ status: e.target.value as AssetStatus })}
        >
          <option value="">Set status…</option>
          {assetStatuses.map((s) => (
            <option key={s} value={s}>
              {assetStatusLabel[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span>Owner</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) => {
            const v = e.target.value;
            if (v) apply({ ownerId: v === 'none' ? null : Number(v) });
          }}
        >
          <option value="">Give to…</option>
          <option value="none">Nobody</option>
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
          <span>Location</span>
          <input
            className="short"
            value={location}
            maxLength={200}
            onChange={(e) => setLocation(e.target.value)}
            placeholder="Room 2.14"
          />
        </label>
        <button type="submit" disabled={bulk.isPending || !location.trim()}>
          Move
        </button>
      </form>
      <Link className="button" to={`/assets/labels?ids=${ids.join(',')}`}>
        Print labels
      </Link>
      <button type="button" className="ghost" onClick={() => onDone(null, true)}>
        Clear selection
      </button>
      {bulk.isPending && <span className="bulk-status">Working…</span>}
      <ErrorMessage error={bulk.error} title="The bulk change failed." />
    </div>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  return (
    <div className="asset-import-report" role="status">
      <p>
        {report.rows} row{report.rows === 1 ? '' : 's'} read: <strong>{report.created}</strong> added,{' '}
        <strong>{report.updated}</strong> updated, {report.unchanged} unchanged,{' '}
        <strong className={report.rejected ? 'danger-text' : undefined}>{report.rejected}</strong> refused.
      </p>
      {report.rejections.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Refused rows</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Why</th>
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
        <h2 id="asset-import-title">Import from CSV</h2>
        <button type="button" className="ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small">
        A header row names the columns: <code>name</code> (required), <code>type</code>, <code>status</code>,{' '}
        <code>serial</code>, <code>asset_tag</code>, <code>model</code>, <code>manufacturer</code>,{' '}
        <code>location</code>, <code>owner</code> (id or email), <code>purchase_date</code>, <code>cost</code>
        , <code>currency</code>, <code>supplier</code>, <code>warranty_end</code>, <code>end_of_life</code>,{' '}
        <code>notes</code>, <code>mac</code>. A row whose serial or MAC is known updates that asset; refused
        rows are listed below, the good ones kept.
      </p>
      <div className="asset-import-pick">
        <label htmlFor="asset-import-file">CSV file</label>
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
          {run.isPending ? 'Importing…' : 'Import'}
        </button>
      </div>
      <ErrorMessage error={run.error} title="The file was not imported." />
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
  const dir = useDirectory();
  return (
    <div className="table-wrap">
      <table className="data-table asset-table">
        <caption className="visually-hidden">Assets</caption>
        <thead>
          <tr>
            {selectable && (
              <th scope="col" className="asset-check">
                <input
                  type="checkbox"
                  aria-label="Select all loaded assets"
                  checked={selected.size > 0 && selected.size === items.length}
                  onChange={(e) => setAll(e.target.checked)}
                />
              </th>
            )}
            <th scope="col">Asset</th>
            <th scope="col" className="wide-only">
              Type
            </th>
            <th scope="col">Status</th>
            <th scope="col" className="wide-only">
              Location
            </th>
            <th scope="col" className="wide-only">
              Owner
            </th>
            <th scope="col" className="wide-only">
              Warranty
            </th>
            <th scope="col" className="wide-only">
              Updated
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
                    aria-label={`Select ${a.name}`}
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
                    a.serial && `S/N ${a.serial}`,
                    [a.manufacturer, a.model].filter(Boolean).join(' '),
                  ]
                    .filter(Boolean)
                    .join(' · ') || assetTypeLabel[a.type]}
                </div>
              </td>
              <td className="nowrap wide-only">{assetTypeLabel[a.type]}</td>
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
  useTitle('My equipment');
  const list = useAssetPages({ limit: pageSize, sort: 'name' });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>My equipment</h1>
      </div>
      <p className="muted">
        The devices and licences registered to you. Something missing or wrong? File a request.
      </p>
      {list.isPending && <Loading />}
      <ErrorMessage error={list.error} />
      {list.isSuccess && items.length === 0 && <Empty title="Nothing is registered to you." />}
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
          Show more
        </button>
      )}
    </div>
  );
}

function StaffAssets() {
  useTitle('Assets');
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
  const written = useRef({ q: params.get('q') ?? '', location: params.get('location') ?? '' });
  useEffect(() => {
    const pq = params.get('q') ?? '';
    const pl = params.get('location') ?? '';
    if (pq !== written.current.q) setQ(pq);
    if (pl !== written.current.location) setLocation(pl);
    written.current = { q: pq, location: pl };
  }, [params]);
  useEffect(() => {
    const t = window.setTimeout(() => {
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
      setParams(p, { replace: true });
    }, 250);
    return () => window.clearTimeout(t);
  }, [q, location, setParams]);

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
        <h1>Assets</h1>
        <span className="spacer" />
        <span className="muted" role="status">
          {list.isPending
            ? 'Loading…'
            : `${items.length}${list.hasNextPage ? '+' : ''} asset${items.length === 1 ? '' : 's'}`}
        </span>
        {!importing && (
          <button type="button" onClick={() => setImporting(true)}>
            Import CSV
          </button>
        )}
      </div>
      {importing && <ImportPanel onClose={() => setImporting(false)} />}
      <SavedViews current={current} />
      <div className={`filters asset-filters${showFilters ? ' open' : ''}`} role="group" aria-label="Filters">
        <label className="inline asset-search">
          <span>Search</span>
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Name, serial, tag, MAC"
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
          Filters{activeFilters > 0 ? ` (${activeFilters})` : ''}
        </button>
        <label className="inline">
          <span>Type</span>
          <select value={params.get('type') ?? ''} onChange={(e) => set('type', e.target.value)}>
            <option value="">Any</option>
            {assetTypes.map((t) => (
              <option key={t} value={t}>
                {assetTypeLabel[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Status</span>
          <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any</option>
            {assetStatuses.map((s) => (
              <option key={s} value={s}>
                {assetStatusLabel[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Location</span>
          <input
            className="short"
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            placeholder="any"
            maxLength={200}
          />
        </label>
        <label className="inline">
          <span>Owner</span>
          <select value={params.get('ownerId') ?? ''} onChange={(e) => set('ownerId', e.target.value)}>
            <option value="">Anyone</option>
            {dir.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Warranty ends before</span>
          <input
            type="date"
            value={params.get('warrantyEndsBefore') ?? ''}
            onChange={(e) => set('warrantyEndsBefore', e.target.value)}
          />
        </label>
        <label className="inline">
          <span>Sort</span>
          <select value={params.get('sort') ?? 'updated'} onChange={(e) => set('sort', e.target.value)}>
            <option value="updated">Recently changed</option>
            <option value="name">Name</option>
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
      <ErrorMessage error={list.error} title="The assets could not be loaded." />
      {list.isSuccess && items.length === 0 && (
        <Empty title="No assets match these filters.">
          <p>Import a CSV, or let the inventory agents report in.</p>
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
          {list.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
    </div>
  );
}

export default function AssetsPage() {
  const user = useUser();
  return isStaff(user) ? <StaffAssets /> : <MyEquipment />;
}
