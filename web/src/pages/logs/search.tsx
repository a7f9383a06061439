// Log search (/logs): the filter in the URL, the histogram of counts by severity above the results (a bar narrows
// the range to its step), the records newest first with "load more" by cursor, and an empty state that says how
// to send logs here.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useLogHistogram, useLogSearch, usePattern } from '../../api/logs';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { useTitle } from '../../ui/title';
import { Histogram } from './histogram';
import { filterOf, LogFilterForm, LogsTabs, patternTitle, useLogParams } from './parts';
import { RecordTable } from './records';

function PatternChip({ id, onClear }: { id: string; onClear: () => void }) {
  const p = usePattern(id);
  return (
    <p className="log-applied">
      <span className="muted">Pattern:</span>{' '}
      <Link to={`/logs/patterns/${encodeURIComponent(id)}`}>{p.data ? patternTitle(p.data) : id}</Link>{' '}
      <button type="button" className="link-button" onClick={onClear}>
        Show every pattern
      </button>
    </p>
  );
}

export function SendLogsHint() {
  const host = window.location.hostname;
  return (
    <div className="send-logs">
      <p>
        Point syslog at port 5514 of this server (UDP or TCP, RFC 5424 or 3164;{' '}
        <code>OPSDESK_SYSLOG_PORT</code> changes the port). With rsyslog, a file in{' '}
        <code>/etc/rsyslog.d/</code> holding:
      </p>
      <pre className="log-message">*.* @@{host}:5514</pre>
      <p>To try it from a shell:</p>
      <pre className="log-message">logger -n {host} -P 5514 -T "hello from $(hostname)"</pre>
      <p>
        Scripts and agents can POST JSON lines to <code>/api/v1/logs</code> with an{' '}
        <Link to="/account/tokens">API token</Link>.
      </p>
    </div>
  );
}

/** The filter form, histogram and records for the filter in the URL (`fixed` pins a pattern: the pattern page). */
export function LogSearchResults({ fixed }: { fixed?: { pattern: string } }) {
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
          Refresh
        </button>
        {params.range === 'custom' && (
          <button
            type="button"
            className="link-button"
            onClick={() => setParams({ range: '', from: '', to: '' })}
          >
            Back to the last 24 hours
          </button>
        )}
      </div>
      <ErrorMessage error={histogram.error} title="The counts could not be loaded." />
      {histogram.data?.buckets.some((b) => b.total > 0) && (
        <Histogram data={histogram.data} onPick={(from, to) => setParams({ range: 'custom', from, to })} />
      )}
      {search.isPending && <Loading />}
      <ErrorMessage error={search.error} title="The search failed." />
      {search.data && records.length === 0 && (
        <Empty title={filtered ? 'No records match these filters.' : 'No log records in this time range.'}>
          {filtered ? <p>Widen the time range or clear a filter.</p> : <SendLogsHint />}
        </Empty>
      )}
      {records.length > 0 && <RecordTable records={records} caption="Log records, newest first" />}
      {search.hasNextPage && (
        <div className="load-row">
          <button
            type="button"
            disabled={search.isFetchingNextPage}
            onClick={() => void search.fetchNextPage()}
          >
            {search.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

export default function LogSearchPage() {
  useTitle('Logs');
  return (
    <div className="page">
      <div className="page-head">
        <h1>Logs</h1>
      </div>
      <LogsTabs />
      <LogSearchResults />
    </div>
  );
}
