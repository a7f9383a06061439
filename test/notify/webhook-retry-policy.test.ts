// The pure parts of webhook delivery: which answers are retried and when, and the signature a receiver checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  maxAttempts,
  nextState,
  retryDelaysMs,
  signWebhookBody,
  verifyWebhookSignature,
} from '../../src/notify/index.js';

const now = Date.parse('2026-03-02T09:00:00Z');

describe('webhook retry policy', () => {
  it('backs off exponentially and gives up after the last attempt', () => {
    const failure = classifyResponse(500, null);
    const waits: number[] = [];
    for (let attempts = 1; attempts < maxAttempts; attempts++) {
      const s = nextState(failure, attempts, now);
      expect(s.status).toBe('pending');
      waits.push((s.nextAttemptAt as number) - now);
    }
    expect(waits).toEqual([...retryDelaysMs]);
    expect(waits[0]).toBe(30_000);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]);
    const last = nextState(failure, maxAttempts, now);
    expect(last).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(last.lastError).toContain(`gave up after ${maxAttempts} attempts`);
  });

  it('does not retry a 4xx other than 408 and 429', () => {
    for (const status of [400, 401, 403, 404, 410, 413, 422]) {
      expect(classifyResponse(status, null).kind, String(status)).toBe('give_up');
    }
    for (const status of [408, 429, 500, 502, 503, 504, 301]) {
      expect(classifyResponse(status, null).kind, String(status)).toBe('retry');
    }
  });

  it('honours a Retry-After longer than the backoff, within a cap', () => {
    const limited = classifyResponse(429, '600');
    expect(nextState(limited, 1, now).nextAttemptAt).toBe(now + 600_000);
    const short = classifyResponse(503, '1');
    expect(nextState(short, 1, now).nextAttemptAt).toBe(now + retryDelaysMs[0]);
    const huge = classifyResponse(503, String(30 * 86_400));
    expect(nextState(huge, 1, now).nextAttemptAt).toBe(now + 86_400_000);
  });

  it('a delivered attempt clears the error and the schedule', () => {
    expect(nextState({ kind: 'delivered', statusCode: 204 }, 3, now)).toEqual({
      status: 'delivered',
      nextAttemptAt: null,
      lastError: null,
    });
  });
});

describe('webhook signatures', () => {
  it('verify for the signed body and timestamp, and for nothing else', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 16, maxLength: 64 }),
        fc.string({ maxLength: 500 }),
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        (secret, body, ts, extra) => {
          const signature = signWebhookBody(secret, ts, body);
          const nowMs = ts * 1000;
          const ok = { secret, body, signature, timestamp: String(ts), nowMs };
          expect(verifyWebhookSignature(ok)).toBe(true);
          expect(verifyWebhookSignature({ ...ok, body: body + extra })).toBe(false);
          expect(verifyWebhookSignature({ ...ok, secret: secret + extra })).toBe(false);
          // Signed for another second: the timestamp is part of what is signed.
          expect(verifyWebhookSignature({ ...ok, timestamp: String(ts + 1) })).toBe(false);
        },
      ),
    );
  });

  it('refuses a stale timestamp and a missing header', () => {
    const ts = 1_772_441_200;
    const signature = signWebhookBody('s'.repeat(20), ts, '{}');
    const base = { secret: 's'.repeat(20), body: '{}', signature, timestamp: String(ts) };
    expect(verifyWebhookSignature({ ...base, nowMs: (ts + 299) * 1000 })).toBe(true);
    expect(verifyWebhookSignature({ ...base, nowMs: (ts + 301) * 1000 })).toBe(false);
    expect(verifyWebhookSignature({ ...base, signature: undefined, nowMs: ts * 1000 })).toBe(false);
    expect(verifyWebhookSignature({ ...base, timestamp: 'soon', nowMs: ts * 1000 })).toBe(false);
  });
});
