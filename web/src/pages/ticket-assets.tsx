// The Assets panel on a staff ticket page: each asset the ticket names with the server's repair-or-replace
// sentence ("LT-0042: 3 repairs in 12 months, €420 spent, replacement €900"), and the two ways on from there —
// Repair (in house or a vendor RMA, an RMA number, a loaner from stock for the requester) and Replace (a request
// for quotes with requirements from the asset; its award retires it). An asset in repair is closed here too.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type RepairOption,
  useAskReplacement,
  useCloseRepair,
  useRepairOptions,
  useStartRepair,
} from '../api/asset-lifecycle';
import type { Ticket } from '../api/types';
import { Field, fieldError } from '../ui/field';
import { ErrorMessage } from '../ui/messages';

/** "420.50" → 42050 minor units (two decimals); null when it does not read as an amount. */
function toMinor(text: string): number | null {
  const m = /^\s*(\d{1,10})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function RepairForm({
  ticketId,
  asset,
  onDone,
}: {
  ticketId: number;
  asset: RepairOption;
  onDone: () => void;
}) {
  const { t } = useTranslation('ticket-assets');
  const start = useStartRepair(ticketId);
  const [kind, setKind] = useState<'in_house' | 'vendor_rma'>('in_house');
  const [rma, setRma] = useState('');
  const [loaner, setLoaner] = useState('');
  const [notes, setNotes] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    const loanerId = Number(loaner.replace(/^#/, ''));
    start.mutate(
      {
        assetId: asset.assetId,
        body: {
          kind,
          ...(kind === 'vendor_rma' && rma.trim() ? { rmaNumber: rma.trim() } : {}),
          ...(loaner.trim() && Number.isInteger(loanerId) && loanerId > 0 ? { loanerAssetId: loanerId } : {}),
          ...(notes.trim() ? { notes: notes.trim() } : {}),
        },
      },
      { onSuccess: onDone },
    );
  }
  return (
    <form
      className="form asset-action-form"
      onSubmit={submit}
      aria-label={t('repair.label', { name: asset.name })}
    >
      <div className="segmented" role="group" aria-label={t('repair.kind')}>
        <button type="button" aria-pressed={kind === 'in_house'} onClick={() => setKind('in_house')}>
          {t('repair.inHouse')}
        </button>
        <button type="button" aria-pressed={kind === 'vendor_rma'} onClick={() => setKind('vendor_rma')}>
          {t('repair.vendorRma')}
        </button>
      </div>
      <div className="field-row">
        {kind === 'vendor_rma' && (
          <Field label={t('repair.rma')} error={fieldError(start.error, '/rmaNumber')}>
            {(id, d) => (
              <input
                id={id}
                maxLength={100}
                value={rma}
                aria-describedby={d}
                onChange={(e) => setRma(e.target.value)}
              />
            )}
          </Field>
        )}
        <Field
          label={t('repair.loaner')}
          hint={t('repair.loanerHint')}
          error={fieldError(start.error, '/loanerAssetId')}
        >
          {(id, d) => (
            <input
              id={id}
              inputMode="numeric"
              placeholder="#17"
              value={loaner}
              aria-describedby={d}
              onChange={(e) => setLoaner(e.target.value)}
            />
          )}
        </Field>
      </div>
      <Field label={t('repair.notes')}>
        {(id) => <input id={id} maxLength={5000} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={start.isPending}>
          {t('repair.start')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <ErrorMessage error={start.error} title={t('repair.failed')} />
    </form>
  );
}

function ReplaceForm({
  ticketId,
  asset,
  onDone,
}: {
  ticketId: number;
  asset: RepairOption;
  onDone: () => void;
}) {
  const { t } = useTranslation('ticket-assets');
  const ask = useAskReplacement(ticketId);
  const [notes, setNotes] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    ask.mutate(
      { assetId: asset.assetId, body: notes.trim() ? { notes: notes.trim() } : {} },
      { onSuccess: onDone },
    );
  }
  return (
    <form
      className="form asset-action-form"
      onSubmit={submit}
      aria-label={t('replace.label', { name: asset.name })}
    >
      <p className="small muted">
        {t('replace.hint', { model: `${asset.manufacturer} ${asset.model || asset.type}`.trim() })}
      </p>
      <Field label={t('replace.needs')} hint={t('replace.needsHint')}>
        {(id, d) => (
          <textarea
            id={id}
            rows={2}
            maxLength={5000}
            value={notes}
            aria-describedby={d}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={ask.isPending}>
          {t('replace.submit')}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <ErrorMessage error={ask.error} title={t('replace.failed')} />
    </form>
  );
}

function CloseRepairForm({ ticketId, asset }: { ticketId: number; asset: RepairOption }) {
  const { t } = useTranslation('ticket-assets');
  const close = useCloseRepair(ticketId);
  const [outcome, setOutcome] = useState<'repaired' | 'unrepairable'>('repaired');
  const [amount, setAmount] = useState('');
  const currency = asset.purchaseCost?.currency ?? asset.spentLast12Months?.currency ?? 'EUR';
  const minor = amount.trim() ? toMinor(amount) : null;
  function submit(e: FormEvent) {
    e.preventDefault();
    if (asset.openRepairId === null) return;
    close.mutate({
      assetId: asset.assetId,
      repairId: asset.openRepairId,
      body: { outcome, ...(minor !== null ? { cost: { amountMinor: minor, currency } } : {}) },
    });
  }
  return (
    <form
      className="form asset-action-form"
      onSubmit={submit}
      aria-label={t('close.label', { name: asset.name })}
    >
      <div className="field-row">
        <Field label={t('close.outcome')}>
          {(id) => (
            <select
              id={id}
              value={outcome}
              onChange={(e) => setOutcome(e.target.value as 'repaired' | 'unrepairable')}
            >
              <option value="repaired">{t('close.repaired')}</option>
              <option value="unrepairable">{t('close.unrepairable')}</option>
            </select>
          )}
        </Field>
        <Field
          label={t('close.cost', { currency })}
          error={amount.trim() && minor === null ? t('close.badAmount') : undefined}
        >
          {(id, d, invalid) => (
            <input
              id={id}
              inputMode="decimal"
              placeholder="140.00"
              value={amount}
              aria-describedby={d}
              aria-invalid={invalid || undefined}
              onChange={(e) => setAmount(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={close.isPending || (amount.trim() !== '' && minor === null)}>
          {t('close.submit')}
        </button>
      </div>
      <ErrorMessage error={close.error} title={t('close.failed')} />
    </form>
  );
}

function AssetRow({ ticket, asset }: { ticket: Ticket; asset: RepairOption }) {
  const { t } = useTranslation('ticket-assets');
  const [acting, setActing] = useState<'repair' | 'replace' | null>(null);
  const readOnly = ticket.mergedIntoId !== null || asset.status === 'retired';
  const inRepair = asset.openRepairId !== null;
  return (
    <li className="ticket-asset">
      <div className="ticket-asset-head">
        <Link to={`/assets/${asset.assetId}`}>
          <span className="muted">#{asset.assetId}</span> {asset.name}
        </Link>
        <span className={`badge asset-status-${asset.status}`}>{t(`status.${asset.status}`)}</span>
        {asset.advice === 'replace' && asset.status !== 'retired' && (
          <span className="badge warn">{t('advised')}</span>
        )}
      </div>
      <p className="ticket-asset-summary">{asset.summary}</p>
      {asset.replacementRequestId !== null && (
        <p className="small muted">{t('askedFor', { id: String(asset.replacementRequestId) })}</p>
      )}
      {inRepair && !readOnly && <CloseRepairForm ticketId={ticket.id} asset={asset} />}
      {!readOnly && !inRepair && acting === null && (
        <div className="actions">
          <button type="button" onClick={() => setActing('repair')}>
            {t('repair.open')}
          </button>
          {asset.replacementRequestId === null && (
            <button type="button" onClick={() => setActing('replace')}>
              {t('replace.open')}
            </button>
          )}
        </div>
      )}
      {acting === 'repair' && (
        <RepairForm ticketId={ticket.id} asset={asset} onDone={() => setActing(null)} />
      )}
      {acting === 'replace' && (
        <ReplaceForm ticketId={ticket.id} asset={asset} onDone={() => setActing(null)} />
      )}
    </li>
  );
}

/** The panel; nothing when the ticket names no asset. */
export function TicketAssetsPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation('ticket-assets');
  const options = useRepairOptions(ticket.id);
  const items = options.data ?? [];
  if (options.isSuccess && items.length === 0) return null;
  return (
    <section className="card ticket-assets-panel" aria-labelledby="ticket-assets-title">
      <div className="kb-panel-head">
        <h2 id="ticket-assets-title">{t('title')}</h2>
      </div>
      <ErrorMessage error={options.error} />
      <ul className="ticket-assets">
        {items.map((a) => (
          <AssetRow key={a.assetId} ticket={ticket} asset={a} />
        ))}
      </ul>
    </section>
  );
}
