// The live tail (/logs/tail): the search's filters (no time range: it shows what arrives from now on) over an
// EventSource on /api/v1/logs/tail. Pause holds new records aside (shown on resume), clear empties the page, at most
// 2,000 rows are kept, and the list follows the newest record unless the reader has scrolled away from it. It says
// when the stream is reconnecting (EventSource retries by itself; records stored meanwhile are not replayed).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type LogRecord, tailUrl } from '../../api/logs';
import { Empty } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { filterOf, LogFilterForm, LogsTabs, useLogParams } from './parts';
import { RecordTable } from './records';
import { SendLogsHint } from './search';

/** Rows kept on the page; older ones are dropped as new ones come. */
export const tailCap = 2000;

type StreamState = 'connecting' | 'live' | 'reconnecting' | 'refused';

interface Kept {
  /** Newest first, like the search. */
  rows: LogRecord[];
  /** Rows dropped past the cap since the last clear. */
  dropped: number;
}

/** The kept rows with `records` (oldest first, as the stream sends them) added on top, cut to the cap. */
function prepend(kept: Kept, records: readonly LogRecord[]): Kept {
  const next = [...[...records].reverse(), ...kept.rows];
  return {
    rows: next.slice(0, tailCap),
    dropped: kept.dropped + Math.max(0, next.length - tailCap),
  };
}

export default function LogTailPage() {
  const { t } = useTranslation('logs');
  useTitle(t('tail.pageTitle'));
  const [params, setParams] = useLogParams();
  const [kept, setKept] = useState<Kept>({ rows: [], dropped: 0 });
  const { rows, dropped } = kept;
  const [held, setHeld] = useState<LogRecord[]>([]);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<StreamState>('connecting');
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const url = useMemo(() => tailUrl(filterOf(params, 0, false)), [params]);

  useEffect(() => {
    setState('connecting');
    const source = new EventSource(url);
    let opened = false;
    source.onopen = () => {
      opened = true;
      setState('live');
    };
    source.onerror = () => {
      // Closed for good (a refusal: too many tails, a bad filter, signed out) or retrying by itself.
      setState(source.readyState === EventSource.CLOSED ? 'refused' : opened ? 'reconnecting' : 'connecting');
    };
    source.onmessage = (msg) => {
      const r = JSON.parse((msg as MessageEvent<string>).data) as LogRecord;
      if (pausedRef.current) setHeld((h) => [r, ...h].slice(0, tailCap));
      else setKept((k) => prepend(k, [r]));
    };
    return () => source.close();
  }, [url]);

  // Follow the newest (at the top) unless the reader scrolled down to read.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when rows arrive
  useEffect(() => {
    if (following.current && box.current) box.current.scrollTop = 0;
  }, [rows]);

  const resume = () => {
    setPaused(false);
    if (held.length) setKept((k) => prepend(k, [...held].reverse()));
    setHeld([]);
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
      </div>
      <LogsTabs />
      <LogFilterForm params={params} onApply={setParams} withRange={false} />
      <div className="log-toolbar">
        <span className={`tail-state tail-${state}`} role="status">
          {state === 'live' && (paused ? t('tail.paused', { count: held.length }) : t('tail.live'))}
          {state === 'connecting' && t('tail.connecting')}
          {state === 'reconnecting' && t('tail.reconnecting')}
          {state === 'refused' && t('tail.refused')}
        </span>
        <span className="spacer" />
        {paused ? (
          <button type="button" className="primary" onClick={resume}>
            {t('tail.resume')}
          </button>
        ) : (
          <button type="button" onClick={() => setPaused(true)}>
            {t('tail.pause')}
          </button>
        )}
        <button
          type="button"
          onClick={() => {
            setKept({ rows: [], dropped: 0 });
            setHeld([]);
          }}
        >
          {t('tail.clear')}
        </button>
        <span className="muted small">
          {dropped > 0
            ? t('tail.rowsDropped', { count: rows.length, dropped, cap: tailCap })
            : t('tail.rows', { count: rows.length })}
        </span>
      </div>
      {rows.length === 0 ? (
        <Empty title={t('tail.waiting')}>
          <p>{t('tail.waitingHint')}</p>
          <SendLogsHint />
        </Empty>
      ) : (
        <div
          className="tail-box"
          ref={box}
          onScroll={(e) => {
            following.current = e.currentTarget.scrollTop < 40;
          }}
        >
          <RecordTable records={rows} caption={t('tail.caption')} />
        </div>
      )}
    </div>
  );
}
