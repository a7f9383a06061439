// One asset (/assets/:id): its fields, hardware facts (CPUs, memory, disks, network cards, OS), installed
// software, a licence's seats, its tickets (and incidents and repairs where the server reports them), its
// history, and its relations drawn as a graph with add and remove. Staff edit it; a requester reads their own.
import { type FormEvent, type ReactNode, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  type AssetDetail,
  type AssetStatus,
  type AssetType,
  assetStatuses,
  assetTypes,
  formatCost,
  formatDay,
  formatMb,
  type RelationKind,
  relationKinds,
  useAddRelation,
  useAsset,
  useAssetHistory,
  useAssetSearch,
  useInstalledSoftware,
  useRemoveRelation,
  useUpdateAsset,
} from '../../api/assets';
import { t as translate } from '../../i18n';
import { isStaff, useUser } from '../../session';
import { PriorityBadge, StatusBadge } from '../../ui/badges';
import { useDirectory } from '../../ui/directory';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { AssetStatusBadge, WarrantyEnd } from './assets';
import { RelationGraph } from './relation-graph';
import './assets.css';

/** "1250.00" → 125000 minor units; null for empty, undefined for unreadable. */
function minorUnits(text: string): number | null | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return undefined;
  return Math.round(Number(t) * 100);
}

function EditForm({ asset, onClose }: { asset: AssetDetail; onClose: () => void }) {
  const { t } = useTranslation('assets');
  const dir = useDirectory();
  const [f, setF] = useState({
    name: asset.name,
    type: asset.type,
    status: asset.status,
    serial: asset.serial ?? '',
    assetTag: asset.assetTag ?? '',
    model: asset.model,
    manufacturer: asset.manufacturer,
    location: asset.location,
    ownerId: asset.ownerId === null ? '' : String(asset.ownerId),
    purchaseDate: asset.purchaseDate ?? '',
    amount: asset.cost ? (asset.cost.amountMinor / 100).toFixed(2) : '',
    currency: asset.cost?.currency ?? 'EUR',
    supplier: asset.supplier,
    warrantyEnd: asset.warrantyEnd ?? '',
    endOfLife: asset.endOfLife ?? '',
    notes: asset.notes,
  });
  const [costError, setCostError] = useState<string | undefined>();
  const update = useUpdateAsset(asset.id, onClose);
  const set =
    (k: keyof typeof f) =>
    (e: { target: { value: string } }): void =>
      setF((old) => ({ ...old, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = minorUnits(f.amount);
    if (minor === undefined) {
      setCostError(t('edit.costInvalid'));
      return;
    }
    setCostError(undefined);
    const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
    const next = {
      name: f.name.trim(),
      type: f.type,
      status: f.status,
      serial: orNull(f.serial),
      assetTag: orNull(f.assetTag),
      model: f.model.trim(),
      manufacturer: f.manufacturer.trim(),
      location: f.location.trim(),
      ownerId: f.ownerId === '' ? null : Number(f.ownerId),
      purchaseDate: orNull(f.purchaseDate),
      cost: minor === null ? null : { amountMinor: minor, currency: f.currency.trim().toUpperCase() },
      supplier: f.supplier.trim(),
      warrantyEnd: orNull(f.warrantyEnd),
      endOfLife: orNull(f.endOfLife),
      notes: f.notes,
    };
    // Only what changed: the history records each field someone actually changed.
    const was: Record<string, unknown> = { ...asset };
    const body = Object.fromEntries(
      Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(was[k])),
    );
    if (Object.keys(body).length === 0) onClose();
    else update.mutate(body);
  };
  const text = (label: string, k: keyof typeof f, max = 200, hint?: string) => (
    <Field label={label} hint={hint} error={fieldError(update.error, `/${k}`)}>
      {(id, d, invalid) => (
        <input
          id={id}
          value={f[k]}
          maxLength={max}
          aria-describedby={d}
          aria-invalid={invalid || undefined}
          onChange={set(k)}
        />
      )}
    </Field>
  );
  const day = (label: string, k: keyof typeof f) => (
    <Field label={label} error={fieldError(update.error, `/${k}`)}>
      {(id, d) => <input id={id} type="date" value={f[k]} aria-describedby={d} onChange={set(k)} />}
    </Field>
  );
  return (
    <form className="card form asset-edit" onSubmit={submit} aria-labelledby="asset-edit-title">
      <div className="kb-panel-head">
        <h2 id="asset-edit-title">{t('edit.title')}</h2>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <div className="asset-edit-grid">
        {text(t('edit.name'), 'name')}
        <Field label={t('field.type')}>
          {(id) => (
            <select
              id={id}
              value={f.type}
              onChange={(e) => setF({ ...f, type: e.target.value as AssetType })}
            >
              {assetTypes.map((k) => (
                <option key={k} value={k}>
                  {t(`type.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('field.status')}>
          {(id) => (
            <select
              id={id}
              value={f.status}
              onChange={(e) => setF({ ...f, status: e.target.value as AssetStatus })}
            >
              {assetStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text(t('field.assetTag'), 'assetTag')}
        {text(t('edit.serial'), 'serial')}
        {text(t('field.manufacturer'), 'manufacturer')}
        {text(t('field.model'), 'model')}
        {text(t('field.location'), 'location')}
        <Field label={t('field.owner')} error={fieldError(update.error, '/ownerId')}>
          {(id) => (
            <select id={id} value={f.ownerId} onChange={set('ownerId')}>
              <option value="">{t('bulk.nobody')}</option>
              {dir.users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text(t('field.supplier'), 'supplier')}
        {day(t('edit.purchaseDate'), 'purchaseDate')}
        <Field label={t('field.cost')} error={costError ?? fieldError(update.error, '/cost/amountMinor')}>
          {(id, d, invalid) => (
            <input
              id={id}
              inputMode="decimal"
              value={f.amount}
              placeholder="1250.00"
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={set('amount')}
            />
          )}
        </Field>
        <Field label={t('edit.currency')} error={fieldError(update.error, '/cost/currency')}>
          {(id) => <input id={id} maxLength={3} value={f.currency} onChange={set('currency')} />}
        </Field>
        {day(t('field.warrantyEnds'), 'warrantyEnd')}
        {day(t('field.endOfLife'), 'endOfLife')}
      </div>
      <Field label={t('edit.notes')} error={fieldError(update.error, '/notes')}>
        {(id) => <textarea id={id} rows={3} maxLength={10_000} value={f.notes} onChange={set('notes')} />}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={update.isPending || !f.name.trim()}>
          {t('common:actions.save')}
        </button>
      </div>
      <ErrorMessage error={update.error} title={t('edit.failed')} />
    </form>
  );
}

function AddRelation({ asset }: { asset: AssetDetail }) {
  const { t } = useTranslation('assets');
  const [kind, setKind] = useState<RelationKind>('installed_on');
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<{ id: number; name: string } | null>(null);
  const found = useAssetSearch(picked ? '' : q);
  const add = useAddRelation(asset.id, () => {
    setPicked(null);
    setQ('');
  });
  const choices = (found.data ?? []).filter((a) => a.id !== asset.id);
  return (
    <form
      className="asset-add-relation"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked) add.mutate({ kind, toAssetId: picked.id });
      }}
    >
      <h3 className="flush">{t('relations.add')}</h3>
      <div className="asset-add-relation-row">
        <label className="inline">
          <span>{t('relations.thisAsset')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as RelationKind)}>
            {relationKinds.map((k) => (
              <option key={k} value={k}>
                {t(`relations.pick.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {picked ? (
          <span className="chip">
            {picked.name}
            <button
              type="button"
              className="icon-button"
              aria-label={t('relations.repick', { name: picked.name })}
              onClick={() => setPicked(null)}
            >
              ×
            </button>
          </span>
        ) : (
          <label className="inline">
            <span className="visually-hidden">{t('relations.find')}</span>
            <input
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder={t('relations.findPlaceholder')}
              maxLength={200}
            />
          </label>
        )}
        <button type="submit" disabled={!picked || add.isPending}>
          {t('relations.addButton')}
        </button>
      </div>
      {!picked && q.trim() && (
        <ul className="asset-picks" aria-label={t('relations.matches')}>
          {choices.map((a) => (
            <li key={a.id}>
              <button type="button" className="link-button" onClick={() => setPicked(a)}>
                {a.name}
              </button>{' '}
              <span className="muted small">
                {t(`type.${a.type}`)}
                {a.assetTag ? ` · ${a.assetTag}` : ''}
              </span>
            </li>
          ))}
          {found.isSuccess && choices.length === 0 && (
            <li className="muted small">{t('relations.noMatch')}</li>
          )}
        </ul>
      )}
      <ErrorMessage error={add.error} title={t('relations.addFailed')} />
    </form>
  );
}

function Relations({ asset, staff }: { asset: AssetDetail; staff: boolean }) {
  const { t } = useTranslation('assets');
  const remove = useRemoveRelation(asset.id);
  return (
    <section className="card asset-section" aria-labelledby="asset-relations-title">
      <h2 id="asset-relations-title" className="flush">
        {t('relations.title')}
      </h2>
      {asset.relations.length === 0 ? (
        <p className="muted">{t('relations.none')}</p>
      ) : (
        <>
          <RelationGraph name={asset.name} typeLabel={t(`type.${asset.type}`)} relations={asset.relations} />
          <ul className="asset-relation-list">
            {asset.relations.map((r) => (
              <li key={r.id}>
                <span className="muted">{t(`relation.${r.kind}.${r.direction}`)}</span>{' '}
                <Link to={`/assets/${r.other.id}`}>{r.other.name}</Link>{' '}
                <AssetStatusBadge status={r.other.status} />
                {staff && (
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t(`relations.remove.${r.kind}.${r.direction}`, { name: r.other.name })}
                    disabled={remove.isPending}
                    onClick={() => remove.mutate(r.id)}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorMessage error={remove.error} title={t('relations.removeFailed')} />
      {staff && <AddRelation asset={asset} />}
    </section>
  );
}

function Hardware({ asset }: { asset: AssetDetail }) {
  const { t } = useTranslation('assets');
  const h = asset.hardware;
  if (!h) return null;
  const memory = h.memoryMb ?? h.memoryModules?.reduce((s, m) => s + m.capacityMb, 0);
  return (
    <section className="card asset-section" aria-labelledby="asset-hardware-title">
      <h2 id="asset-hardware-title" className="flush">
        {t('hardware.title')}
      </h2>
      <dl className="facts asset-hardware">
        {h.os && (
          <>
            <dt>{t('hardware.os')}</dt>
            <dd>
              {[h.os.name, h.os.version].filter(Boolean).join(' ')}
              {h.os.kernel && (
                <span className="muted"> · {t('hardware.kernel', { kernel: h.os.kernel })}</span>
              )}
              {h.os.arch && <span className="muted"> · {h.os.arch}</span>}
              {h.os.fqdn && <div className="muted small">{h.os.fqdn}</div>}
            </dd>
          </>
        )}
        {h.cpus && h.cpus.length > 0 && (
          <>
            <dt>{t('hardware.cpus')}</dt>
            <dd>
              <ul className="flat-list">
                {h.cpus.map((c, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the inventory's order, no id
                  <li key={i}>
                    {c.name}
                    <span className="muted">
                      {c.cores !== undefined && ` · ${t('hardware.cores', { count: c.cores })}`}
                      {c.threads !== undefined && ` · ${t('hardware.threads', { count: c.threads })}`}
                      {c.speedMhz !== undefined && ` · ${t('hardware.speed', { mhz: c.speedMhz })}`}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {memory !== undefined && (
          <>
            <dt>{t('hardware.memory')}</dt>
            <dd>
              {formatMb(memory)}
              {h.memoryModules && h.memoryModules.length > 0 && (
                <span className="muted">
                  {' '}
                  {t('hardware.modules', {
                    count: h.memoryModules.length,
                    sizes: h.memoryModules.map((m) => formatMb(m.capacityMb)).join(', '),
                  })}
                </span>
              )}
            </dd>
          </>
        )}
        {h.disks && h.disks.length > 0 && (
          <>
            <dt>{t('hardware.disks')}</dt>
            <dd>
              <ul className="flat-list">
                {h.disks.map((d, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the inventory's order, no id
                  <li key={i}>
                    {d.name}{' '}
                    <span className="muted">{[d.model, formatMb(d.sizeMb)].filter(Boolean).join(' · ')}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {h.drives && h.drives.length > 0 && (
          <>
            <dt>{t('hardware.fileSystems')}</dt>
            <dd>
              <ul className="flat-list">
                {h.drives.map((d, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the inventory's order, no id
                  <li key={i}>
                    <code>{d.mount}</code>{' '}
                    <span className="muted">
                      {d.fileSystem ?? ''}
                      {d.totalMb !== undefined &&
                        ` · ${t('hardware.free', { free: formatMb(d.freeMb), total: formatMb(d.totalMb) })}`}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {h.networkCards && h.networkCards.length > 0 && (
          <>
            <dt>{t('hardware.networkCards')}</dt>
            <dd>
              <ul className="flat-list">
                {h.networkCards.map((n, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the inventory's order, no id
                  <li key={i}>
                    {n.name} {n.mac && <code>{n.mac}</code>}{' '}
                    <span className="muted">
                      {(n.ipAddresses ?? []).join(', ')}
                      {n.virtual ? ` · ${t('hardware.virtual')}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {h.bios && (
          <>
            <dt>{t('hardware.bios')}</dt>
            <dd>
              {[h.bios.manufacturer, h.bios.model, h.bios.version].filter(Boolean).join(' ') || '—'}
              {h.bios.serial && (
                <span className="muted"> · {t('table.serial', { serial: h.bios.serial })}</span>
              )}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function Software({ asset }: { asset: AssetDetail }) {
  const { t } = useTranslation('assets');
  const [open, setOpen] = useState(false);
  const list = useInstalledSoftware(asset.id, open && asset.softwareCount > 0);
  if (asset.softwareCount === 0) return null;
  return (
    <section className="card asset-section" aria-labelledby="asset-software-title">
      <div className="kb-panel-head">
        <h2 id="asset-software-title" className="flush">
          {t('software.title')} <span className="muted">({asset.softwareCount})</span>
        </h2>
        <button type="button" className="ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? t('software.hide') : t('software.show')}
        </button>
      </div>
      {open && list.isPending && <Loading />}
      <ErrorMessage error={list.error} />
      {open && list.data && (
        <div className="table-wrap asset-software">
          <table className="data-table">
            <caption className="visually-hidden">{t('software.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('software.name')}</th>
                <th scope="col">{t('software.version')}</th>
                <th scope="col" className="wide-only">
                  {t('software.publisher')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id}>
                  <td className="break">{s.name}</td>
                  <td className="break">{s.version || '—'}</td>
                  <td className="wide-only">{s.publisher || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Licence({ asset }: { asset: AssetDetail }) {
  const { t } = useTranslation('assets');
  const dir = useDirectory();
  const l = asset.licence;
  if (!l) return null;
  return (
    <section className="card asset-section" aria-labelledby="asset-licence-title">
      <h2 id="asset-licence-title" className="flush">
        {t('licence.title')}
      </h2>
      <p>
        <Trans
          t={t}
          i18nKey="licence.used"
          values={{
            used: l.used,
            seats: l.seats,
            hasSoftware: l.softwareName ? 'yes' : 'no',
            software: l.softwareName ?? '',
            hasExpiry: l.expiresOn ? 'yes' : 'no',
            expires: l.expiresOn ? formatDay(l.expiresOn) : '',
          }}
          components={{ strong: <strong /> }}
        />{' '}
        {l.overAssigned && <span className="badge asset-over">{t('licence.over')}</span>}
      </p>
      {l.assignments.length > 0 && (
        <ul className="flat-list">
          {l.assignments.map((a) => (
            <li key={a.id}>
              {a.assetId !== null ? (
                <Link to={`/assets/${a.assetId}`}>{t('licence.asset', { id: a.assetId })}</Link>
              ) : (
                dir.userName(a.userId)
              )}{' '}
              <span className="muted small">
                <Trans t={t} i18nKey="licence.since" components={{ time: <Time iso={a.assignedAt} /> }} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Loose = Record<string, unknown>;
const str = (o: Loose, ...ks: string[]): string | undefined => {
  for (const k of ks) if (typeof o[k] === 'string' && o[k] !== '') return o[k] as string;
  return undefined;
};

/** Incidents and repairs: the detail carries them once the lifecycle work lands; until then the lists are absent. */
function Records({ title, items, link }: { title: string; items: Loose[]; link?: (id: number) => string }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul className="flat-list asset-records">
        {items.map((o, i) => {
          const id = typeof o.id === 'number' ? o.id : null;
          const label = str(o, 'title', 'summary', 'name', 'kind') ?? (id !== null ? `#${id}` : title);
          const state = str(o, 'status', 'state', 'outcome');
          const when = str(o, 'startedAt', 'openedAt', 'createdAt', 'at');
          return (
            <li key={id ?? i}>
              {id !== null && link ? <Link to={link(id)}>{label}</Link> : label}
              {state && <span className="badge">{state.replace(/_/g, ' ')}</span>}
              {when && (
                <span className="muted small">
                  {' '}
                  <Time iso={when} />
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function Tickets({ asset, staff }: { asset: AssetDetail; staff: boolean }) {
  const { t } = useTranslation('assets');
  const extra = asset as AssetDetail & { incidents?: unknown; repairs?: unknown };
  // The server's incidents are, for now, the tickets of type incident that name the asset: those are listed
  // above already (marked "incident"); only incidents that are not among them get a list of their own.
  const ticketIds = new Set(asset.tickets.map((ticket) => ticket.id));
  const incidents = (Array.isArray(extra.incidents) ? (extra.incidents as Loose[]) : []).filter(
    (i) => !ticketIds.has(Number((i as { id?: unknown }).id)),
  );
  const incidentTickets = new Set(
    (Array.isArray(extra.incidents) ? (extra.incidents as Loose[]) : []).map((i) =>
      Number((i as { id?: unknown }).id),
    ),
  );
  const repairs = Array.isArray(extra.repairs) ? (extra.repairs as Loose[]) : [];
  return (
    <section className="card asset-section" aria-labelledby="asset-tickets-title">
      <h2 id="asset-tickets-title" className="flush">
        {t('tickets.title')}
      </h2>
      {asset.tickets.length === 0 ? (
        <p className="muted">{t('tickets.none')}</p>
      ) : (
        <ul className="flat-list asset-tickets">
          {asset.tickets.map((ticket) => (
            <li key={ticket.id}>
              <Link to={staff ? `/tickets/${ticket.id}` : `/requests/${ticket.id}`}>
                <span className="muted">#{ticket.id}</span> {ticket.title}
              </Link>{' '}
              {incidentTickets.has(ticket.id) && <span className="badge">{t('tickets.incident')}</span>}{' '}
              <StatusBadge status={ticket.status} /> <PriorityBadge priority={ticket.priority} />{' '}
              <span className="muted small">
                <Time iso={ticket.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <Records
        title={t('tickets.incidents')}
        items={incidents}
        link={staff ? (id) => `/incidents/${id}` : undefined}
      />
      <Records title={t('tickets.repairs')} items={repairs} />
    </section>
  );
}

/** A history value as the page words it (a status or type by its label, other fields as written). */
function historyValue(field: string, value: string): string {
  if (field === 'status' && (assetStatuses as string[]).includes(value))
    return translate(`assets:status.${value}`);
  if (field === 'type' && (assetTypes as string[]).includes(value)) return translate(`assets:type.${value}`);
  return value;
}

function History({ id }: { id: number }) {
  const { t } = useTranslation('assets');
  const dir = useDirectory();
  const history = useAssetHistory(id);
  return (
    <section className="card asset-section" aria-labelledby="asset-history-title">
      <h2 id="asset-history-title" className="flush">
        {t('history.title')}
      </h2>
      {history.isPending && <Loading />}
      <ErrorMessage error={history.error} />
      {history.data && history.data.length === 0 && <p className="muted">{t('history.none')}</p>}
      {history.data && history.data.length > 0 && (
        <ol className="asset-history">
          {[...history.data].reverse().map((h) => (
            <li key={h.id}>
              <span className="muted small">
                <Time iso={h.at} /> · {h.actorId === null ? t('history.inventory') : dir.userName(h.actorId)}
              </span>
              <div>
                <strong>{h.field}</strong>{' '}
                {h.from !== null && (
                  <>
                    <del>{historyValue(h.field, h.from)}</del> →{' '}
                  </>
                )}
                {h.to === null ? (
                  <span className="muted">{t('history.cleared')}</span>
                ) : (
                  historyValue(h.field, h.to)
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Facts({ asset }: { asset: AssetDetail }) {
  const { t } = useTranslation('assets');
  const dir = useDirectory();
  const row = (label: string, value: ReactNode) => (
    <>
      <dt>{label}</dt>
      <dd>{value || <span className="muted">—</span>}</dd>
    </>
  );
  return (
    <dl className="facts asset-facts">
      {row(t('field.type'), t(`type.${asset.type}`))}
      {row(t('field.assetTag'), asset.assetTag)}
      {row(t('facts.serial'), asset.serial)}
      {row(t('field.manufacturer'), asset.manufacturer)}
      {row(t('field.model'), asset.model)}
      {row(t('field.location'), asset.location)}
      {row(t('field.owner'), asset.ownerId === null ? null : dir.userName(asset.ownerId))}
      {row(t('field.supplier'), asset.supplier)}
      {row(t('facts.purchased'), asset.purchaseDate && formatDay(asset.purchaseDate))}
      {row(t('field.cost'), asset.cost && formatCost(asset.cost))}
      {row(t('field.warrantyEnds'), asset.warrantyEnd && <WarrantyEnd day={asset.warrantyEnd} />)}
      {row(t('field.endOfLife'), asset.endOfLife && formatDay(asset.endOfLife))}
      {asset.macs.length > 0 &&
        row(
          t('facts.macs'),
          <ul className="flat-list">
            {asset.macs.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>,
        )}
      {asset.inventory &&
        row(
          t('facts.inventoried'),
          asset.inventory.at ? (
            <Trans t={t} i18nKey="facts.byAgentAt" components={{ time: <Time iso={asset.inventory.at} /> }} />
          ) : (
            t('facts.byAgent')
          ),
        )}
      {row(t('facts.added'), <Time iso={asset.createdAt} />)}
      {row(t('facts.changed'), <Time iso={asset.updatedAt} />)}
    </dl>
  );
}

export default function AssetPage() {
  const { t } = useTranslation('assets');
  const id = Number(useParams().id);
  const user = useUser();
  const staff = isStaff(user);
  const asset = useAsset(id);
  const [editing, setEditing] = useState(false);
  useTitle(asset.data ? asset.data.name : t('table.asset'));
  if (asset.isPending) return <Loading />;
  if (asset.error || !asset.data)
    return (
      <div className="page narrow">
        <ErrorMessage error={asset.error} title={t('detail.loadFailed')} />
        <Link to="/assets">← {staff ? t('title') : t('mine.title')}</Link>
      </div>
    );
  const a = asset.data;
  return (
    <div className="ticket-page asset-page">
      <div className="ticket-main">
        <nav aria-label={t('detail.nav')} className="ticket-nav">
          <Link to="/assets">← {staff ? t('title') : t('mine.title')}</Link>
        </nav>
        <div className="page-head">
          <h1>{a.name}</h1>
          {staff && (
            <span className="asset-actions">
              <Link className="button" to={`/assets/labels?ids=${a.id}`}>
                {t('detail.printLabel')}
              </Link>
              {!editing && (
                <button type="button" className="primary" onClick={() => setEditing(true)}>
                  {t('common:actions.edit')}
                </button>
              )}
            </span>
          )}
        </div>
        <p className="ticket-meta">
          <AssetStatusBadge status={a.status} /> <span className="badge">{t(`type.${a.type}`)}</span>
          {a.assetTag && <span className="muted">{a.assetTag}</span>}
          {(a.manufacturer || a.model) && (
            <span className="muted">{[a.manufacturer, a.model].filter(Boolean).join(' ')}</span>
          )}
        </p>
        {editing && <EditForm key={a.updatedAt} asset={a} onClose={() => setEditing(false)} />}
        {a.notes && <p className="asset-notes">{a.notes}</p>}
        {(staff || a.relations.length > 0) && <Relations asset={a} staff={staff} />}
        <Hardware asset={a} />
        <Licence asset={a} />
        <Software asset={a} />
        <Tickets asset={a} staff={staff} />
        <History id={a.id} />
      </div>
      <aside className="ticket-side" aria-label={t('detail.details')}>
        <Facts asset={a} />
      </aside>
    </div>
  );
}
