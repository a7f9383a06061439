// Asset labels for printing (/assets/labels?ids=1,2,3): a grid of labels, each with the asset tag, the name,
// the serial number and a QR code of the asset's address, so a phone's camera opens its page. The QR code is
// drawn as SVG paths from qrcode-generator's module matrix (no image or script from elsewhere: the page's
// Content-Security-Policy holds); the print stylesheet leaves only the labels, in a 3 × 7 sheet's grid.
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { type AssetDetail, useAssetsById } from '../../api/assets';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import './assets.css';

const maxLabels = 200;

/** The dark modules of a QR code of the text as one SVG path (each row's runs as rectangles). */
export function qrPath(text: string): { size: number; d: string } {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.isDark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.isDark(r, c)) c++;
      d += `M${start} ${r}h${c - start}v1h${start - c}z`;
    }
  }
  return { size: n, d };
}

export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  // Four modules of quiet zone on every side, as the standard asks.
  const q = 4;
  return (
    <svg
      className="qr-code"
      viewBox={`${-q} ${-q} ${size + 2 * q} ${size + 2 * q}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect x={-q} y={-q} width={size + 2 * q} height={size + 2 * q} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

function Label({ asset }: { asset: AssetDetail }) {
  const { t } = useTranslation('assets');
  const url = `${window.location.origin}/assets/${asset.id}`;
  return (
    <article className="asset-label" aria-label={t('labels.label', { name: asset.name })}>
      <QrCode text={url} label={t('labels.qr', { url })} />
      <div className="asset-label-text">
        <p className="asset-label-tag">{asset.assetTag ?? `#${asset.id}`}</p>
        <p className="asset-label-name">{asset.name}</p>
        {asset.serial && <p className="asset-label-serial">{t('table.serial', { serial: asset.serial })}</p>}
      </div>
    </article>
  );
}

export default function AssetLabelsPage() {
  const { t } = useTranslation('assets');
  useTitle(t('labels.title'));
  const [params] = useSearchParams();
  const ids = useMemo(
    () =>
      [
        ...new Set(
          (params.get('ids') ?? '')
            .split(',')
            .filter((s) => /^[1-9]\d{0,9}$/.test(s.trim()))
            .map((s) => Number(s.trim())),
        ),
      ].slice(0, maxLabels),
    [params],
  );
  const results = useAssetsById(ids);
  const loaded = results.flatMap((r) => (r.data ? [r.data] : []));
  const failed = results.filter((r) => r.error).length;
  const pending = results.some((r) => r.isPending);
  return (
    <div className="page asset-labels-page">
      <div className="page-head no-print">
        <h1>{t('labels.title')}</h1>
        <span className="asset-actions">
          <Link to="/assets">← {t('title')}</Link>
          <button
            type="button"
            className="primary"
            onClick={() => window.print()}
            disabled={loaded.length === 0}
          >
            {t('labels.print')}
          </button>
        </span>
      </div>
      <p className="muted no-print">
        {ids.length === 0 ? t('labels.none') : t('labels.count', { count: loaded.length })}
      </p>
      {pending && <Loading />}
      {failed > 0 && (
        <div className="no-print">
          <ErrorMessage
            error={new Error(t('labels.failed', { count: failed }))}
            title={t('labels.missing')}
          />
        </div>
      )}
      <div className="asset-label-sheet">
        {loaded.map((a) => (
          <Label key={a.id} asset={a} />
        ))}
      </div>
    </div>
  );
}
