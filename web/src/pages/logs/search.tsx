// Log search (/logs): the filter in the URL, the histogram of counts by severity above the results (a bar narrows
// the range to its step), the records newest first with "load more" by cursor, and an empty state that says how
// to send logs here.
import { useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useLogHistogram, useLogSearch, usePattern } from '../../api/logs';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { Histogram } from './histogram';
import { filterOf, LogFilterForm, LogsTabs, patternTitle, useLogParams } from './parts';
import { RecordTable } from './records';

function PatternChip({ id, onClear }: { id: string; onClear: () => void }) {
  const { t } = useTranslation('logs');
  const p = usePattern(id);
  return (
    <p className="log-applied">
      <span className="muted">{t('search.pattern')}</span>{' '}
      <Link to={`/logs/patterns/${encodeURIComponent(id)}`}>{p.data ? patternTitle(p.data) : id}</Link>{' '}
      <button type="button" className="link-button" onClick={onClear}>
        {t('search.everyPattern')}
      </button>
    </p>
  );
}

export function SendLogsHint() {
  const { t } = useTranslation('logs');
  const host = window.location.hostname;
  return (
    <div className="send-logs">
      <p>
        <Trans
          t={t}
          i18nKey="send.syslog"
          components={{
            // i18n-ignore: a variable's name
            variable: <code>OPSDESK_SYSLOG_PORT</code>,
            // i18n-ignore: a folder
            folder: <code>/etc/rsyslog.d/</code>,
          }}
        />
      </p>
      <pre className="log-message">*.* @@{host}:5514</pre>
      <p>{t('send.shell')}</p>
      {/* i18n-ignore: a command, not words */}
      <pre className="log-message">logger -n {host} -P 5514 -T "hello from $(hostname)"</pre>
      <p>
        <Trans
          t={t}
          i18nKey="send.api"
          components={{
            // i18n-ignore: an address
            path: <code>/api/v1/logs</code>,
            token: <Link to="/account/tokens" />,
          }}
        />
      </p>
    </div>
  );
}

/** The filter form, histogram and records for the filter in the URL (`fixed` pins a pattern: the pattern page). */
export function LogSearchResults({ fixed }: { fixed?: { pattern: string } }) {
  const { t } = useTranslation('logs');
  const [params, setParams] = useLogParams();
  const applied = fixed ? { ...params, ...fixed } : params;
  // Preset ranges end at the moment the filter was set (or refreshed): pages and bars stay put.
  const [now, setNow] = useState(() => Date.now());
  const key = JSON.stringify(applied);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter restarts the range at now
  const filter = useMemo(() => filterOf(applied, Date.now()), [key, now]);
  const histogram = useLogHistogram(filter);
  const search = useLogSearch(filter);
  const records = search.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(applied.q || applied.host || applied.app || applied.severity || applied.pattern);
  return (
    <>
      <LogFilterForm params={params} onApply={setParams} />
      {!fixed && params.pattern && (
        <PatternChip id={params.pattern} onClear={() => setParams({ pattern: '' })} />
      )}
      <div className="log-toolbar">
        <button type="button" onClick={() => setNow(Date.now())}>
          {t('search.refresh')}
        </button>
        {params.range === 'custom' && (
          <button
            type="button"
            className="link-button"
            onClick={() => setParams({ range: '', from: '', to: '' })}
          >
            {t('search.last24h')}
          </button>
        )}
      </div>
      <ErrorMessage error={histogram.error} title={t('search.countsFailed')} />
      {histogram.data?.buckets.some((b) => b.total > 0) && (
        <Histogram data={histogram.data} onPick={(from, to) => setParams({ range: 'custom', from, to })} />
      )}
      {search.isPending && <Loading />}
      <ErrorMessage error={search.error} title={t('search.failed')} />
      {search.data && records.length === 0 && (
        <Empty title={filtered ? t('search.noMatch') : t('search.empty')}>
          {filtered ? <p>{t('search.noMatchHint')}</p> : <SendLogsHint />}
        </Empty>
      )}
      {records.length > 0 && <RecordTable records={records} caption={t('search.caption')} />}
      {search.hasNextPage && (
        <div className="load-row">
          <button
            type="button"
            disabled={search.isFetchingNextPage}
            onClick={() => void search.fetchNextPage()}
          >
            {search.isFetchingNextPage ? t('common:loading') : t('search.loadMore')}
          </button>
        </div>
      )}
    </>
  );
}

export default function LogSearchPage() {
  const { t } = useTranslation('logs');
  useTitle(t('title'));
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('title')}</h1>
      </div>
      <LogsTabs />
      <LogSearchResults />
    </div>
  );
}
