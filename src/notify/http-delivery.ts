// One HTTP POST of a delivery to a receiver an admin configured (a webhook or a chat incoming webhook), and
// how its answer is classified: delivered, retry later (honouring Retry-After) or give up. The SSRF guard of
// webhook-targets.ts applies to every request: the socket only connects to an address that passed the check.
// The log keeps a status and a short reason of our own words: never the receiver's body, status text or
// redirect target, which an internal service reached by mistake would otherwise hand to whoever reads it.
import http from 'node:http';
import https from 'node:https';
import { type AttemptOutcome, clip } from './channel.js';
import { checkedLookup, TargetRefused, webhookTargetProblem } from './webhook-targets.js';

/** The longest Retry-After we honour: a receiver cannot park a delivery for days. */
const maxRetryAfterMs = 86_400_000;

/**
 * POST the body. Redirects are not followed (the request goes only where an admin pointed it); the host is
 * resolved by checkedLookup, so the socket connects only to an address that passed the check.
 */
export async function postDelivery(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptOutcome> {
  const target = new URL(url);
  // A URL saved while private targets were allowed, or an IP literal (which skips the lookup), is checked here.
  const problem = webhookTargetProblem(target, options.allowPrivate);
  if (problem !== null) return refusedOutcome(`the URL ${problem}`);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<AttemptOutcome>((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: checkedLookup(options.allowPrivate),
        // A fresh connection each time: a kept-alive socket would skip the lookup's check.
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // Only the status matters; the body is not ours to download.
        response.destroy();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ kind: 'delivered', statusCode: status });
        else resolve(classifyResponse(status, headerText(response.headers['retry-after'])));
      },
    );
    request.on('error', (err) => resolve(classifyError(err, options.timeoutMs)));
    request.end(body);
  });
}

function headerText(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function refusedOutcome(why: string): AttemptOutcome {
  return { kind: 'give_up', reason: 'address_refused', statusCode: null, error: clip(`refused: ${why}`) };
}

/** A non-2xx answer: 4xx other than 408 (timeout) and 429 (rate limit) mean the receiver will not take it. */
export function classifyResponse(status: number, retryAfter: string | null): AttemptOutcome {
  // Our own reason phrase, not the receiver's: its text is not ours to keep.
  const phrase = http.STATUS_CODES[status];
  const head = `HTTP ${status}${phrase ? ` ${phrase}` : ''}`;
  if (status >= 300 && status < 400) {
    return { kind: 'retry', reason: 'http_3xx', statusCode: status, error: `${head}: redirect not followed` };
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return {
      kind: 'give_up',
      reason: 'http_4xx',
      statusCode: status,
      error: `${head} — not retried: the receiver refused the delivery (4xx other than 408 and 429)`,
    };
  }
  // RFC 9110 §10.2.3 and RFC 6585 §4: Retry-After comes with 503 and 429.
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return {
    kind: 'retry',
    reason: status >= 500 ? 'http_5xx' : 'http_4xx',
    statusCode: status,
    error: head,
    retryAfterMs,
  };
}

export function classifyError(err: unknown, timeoutMs: number): AttemptOutcome {
  if (err instanceof TargetRefused) return refusedOutcome(err.reason);
  const e = err as { name?: string; code?: unknown; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return { kind: 'retry', reason: 'timeout', statusCode: null, error: `no answer within ${timeoutMs} ms` };
  }
  // The error's code (ECONNREFUSED, ENOTFOUND, a TLS code) says enough; its message may name internal hosts.
  const code = typeof e?.code === 'string' ? e.code : (e?.cause?.code ?? 'unknown error');
  return {
    kind: 'retry',
    reason: 'network',
    statusCode: null,
    error: `request failed: ${code.slice(0, 60)}`,
  };
}

/** Retry-After in seconds or as an HTTP date, relative to now; capped. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, maxRetryAfterMs) : undefined;
}

export function redactUrlCredentials(url: string): string {
  return url.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, '//$1:***@');
}
