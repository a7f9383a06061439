// How a delivery is signed, and how a receiver checks it: HMAC-SHA256 over "<unix seconds>.<body>" with the
// webhook's secret, sent as `x-opsdesk-signature: sha256=<hex>` next to `x-opsdesk-timestamp`. Signing the
// timestamp with the body lets a receiver reject replays of an old delivery (as Stripe's scheme does).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'x-opsdesk-signature';
export const timestampHeader = 'x-opsdesk-timestamp';
/** How far a receiver should let a delivery's timestamp stray from its own clock. */
export const defaultSignatureToleranceSeconds = 300;

export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export interface SignedDelivery {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  /** The receiver's clock, in milliseconds. */
  nowMs: number;
  toleranceSeconds?: number;
}

/** A receiver's check: the signature matches the body and timestamp, and the timestamp is recent. */
export function verifyWebhookSignature(d: SignedDelivery): boolean {
  if (!d.signature || !d.timestamp || !/^\d{1,12}$/.test(d.timestamp)) return false;
  const ts = Number(d.timestamp);
  if (Math.abs(d.nowMs / 1000 - ts) > (d.toleranceSeconds ?? defaultSignatureToleranceSeconds)) return false;
  const expected = Buffer.from(signWebhookBody(d.secret, ts, d.body));
  const given = Buffer.from(d.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
