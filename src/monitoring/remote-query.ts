// PromQL answered by an external Prometheus-compatible store (issue 19 item 4): the query API's source=remote sends
// an instant or range query, with parameters opsdesk has already validated, to OPSDESK_METRICS_QUERY_URL's
// /api/v1/query or /api/v1/query_range, bounded in time and size, and hands back its data in the same shape as a
// local answer. Refusals become typed errors: the store's bad_data/execution a 400, anything else a 503.
import type { ServiceContext } from '../core/context.js';
import { Invalid, Unavailable } from '../core/errors.js';
import type { PromQueryData } from './promql.js';

export const remoteQueryLimits = {
  /** How long the external store may take to answer. */
  timeoutMs: 30_000,
  /** The largest answer read (a range query of many series): past it the query is refused as unavailable. */
  answerBytes: 64 * 1_048_576,
} as const;

export type RemoteQuery =
  | { kind: 'query'; query: string; timeMs: number }
  | { kind: 'query_range'; query: string; startMs: number; endMs: number; stepMs: number };

const resultTypes = new Set(['vector', 'matrix', 'scalar', 'string']);

/** The body, read up to the bound (a store answering without end must not fill the memory). */
async function boundedText(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > remoteQueryLimits.answerBytes) {
      await reader.cancel();
      throw new Unavailable('metrics_store_unreachable', 'the external metrics store answered too much');
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

export async function queryRemote(ctx: ServiceContext, q: RemoteQuery): Promise<PromQueryData> {
  const base = ctx.config.metricsQueryUrl;
  if (base === null)
    throw new Invalid('metrics_query_not_configured', 'source=remote: OPSDESK_METRICS_QUERY_URL is not set', [
      { field: 'source', message: 'no external store configured' },
    ]);
  const url = new URL(base);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'User-Agent': 'opsdesk',
  };
  // fetch refuses credentials in the URL: basic auth goes in a header.
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/${q.kind}`;
  const form = new URLSearchParams({ query: q.query });
  if (q.kind === 'query') form.set('time', String(q.timeMs / 1000));
  else {
    form.set('start', String(q.startMs / 1000));
    form.set('end', String(q.endMs / 1000));
    form.set('step', String(q.stepMs / 1000));
  }
  form.set('timeout', `${Math.floor(remoteQueryLimits.timeoutMs / 1000)}s`);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body: form.toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(remoteQueryLimits.timeoutMs),
    });
    text = await boundedText(res);
  } catch (err) {
    if (err instanceof Unavailable) throw err;
    const name = (err as Error).name;
    ctx.log.warn({ err: (err as Error).message, kind: q.kind }, 'remote metrics query failed');
    throw new Unavailable(
      'metrics_store_unreachable',
      name === 'TimeoutError'
        ? 'the external metrics store did not answer in time'
        : 'the external metrics store could not be reached',
    );
  }
  let body: {
    status?: unknown;
    data?: { resultType?: unknown; result?: unknown };
    errorType?: unknown;
    error?: unknown;
  };
  try {
    body = JSON.parse(text);
  } catch {
    body = {};
  }
  if (
    res.ok &&
    body.status === 'success' &&
    resultTypes.has(String(body.data?.resultType)) &&
    body.data?.result !== undefined
  )
    return { resultType: body.data.resultType, result: body.data.result } as PromQueryData;
  // Prometheus answers a bad query with 400 bad_data and one it cannot evaluate with 422 execution.
  if ((res.status === 400 || res.status === 422) && body.status === 'error')
    throw new Invalid(
      'remote_query_refused',
      `external store: ${String(body.error ?? 'refused').slice(0, 500)}`,
      [{ field: 'query', message: String(body.errorType ?? 'bad_data') }],
    );
  ctx.log.warn({ status: res.status, kind: q.kind }, 'remote metrics query: not a Prometheus API answer');
  throw new Unavailable(
    'metrics_store_unreachable',
    `the external metrics store answered ${res.status} without a Prometheus API result`,
  );
}
