// Reading alerts in Alertmanager's formats, as Alertmanager itself reads them (api/v2 postAlertsHandler and
// model.Alert.Validate): empty labels dropped, at least one label, classic label names, start before end, no start
// time taken from the end time or now; webhook alerts by status. Every refusal has a stable reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPostableAlert, readWebhookAlert } from '../../src/monitoring/alertmanager-intake.js';

const now = Date.parse('2026-03-02T09:00:00Z');
const reason = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (err) {
    return (err as { reason?: string }).reason ?? `threw ${String(err)}`;
  }
};

describe('reading Alertmanager alerts', () => {
  it('reads a postable alert as Alertmanager does', () => {
    expect(readPostableAlert({ labels: { alertname: 'A', empty: '' } }, now)).toEqual({
      labels: { alertname: 'A' },
      annotations: {},
      startsAt: now,
      endsAt: null,
    });
    expect(
      readPostableAlert(
        { labels: { a: 'b' }, endsAt: '2026-03-02T08:00:00+01:00', startsAt: '0001-01-01T00:00:00Z' },
        now,
      ),
    ).toMatchObject({
      startsAt: Date.parse('2026-03-02T07:00:00Z'),
      endsAt: Date.parse('2026-03-02T07:00:00Z'),
    });
  });

  it('keeps a label named __proto__ as a label', () => {
    const labels = JSON.parse('{"__proto__": "x", "a": "b"}');
    expect(Object.keys(readPostableAlert({ labels }, now).labels).sort()).toEqual(['__proto__', 'a']);
  });

  it('refuses each fault with its reason', () => {
    expect(reason(() => readPostableAlert(null, now))).toBe('not_an_object');
    expect(reason(() => readPostableAlert({ labels: { a: '' } }, now))).toBe('labels_missing');
    expect(reason(() => readPostableAlert({ labels: { 'a.b': 'x' } }, now))).toBe('invalid_label_name');
    expect(reason(() => readPostableAlert({ labels: { a: '\uD800' } }, now))).toBe('invalid_label_value');
    expect(reason(() => readPostableAlert({ labels: { a: 1 } }, now))).toBe('invalid_label_value');
    expect(reason(() => readPostableAlert({ labels: { a: 'x'.repeat(4097) } }, now))).toBe('label_too_long');
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v']));
    expect(reason(() => readPostableAlert({ labels: many }, now))).toBe('too_many_labels');
    expect(reason(() => readPostableAlert({ labels: { a: 'b' }, annotations: { s: 3 } }, now))).toBe(
      'invalid_annotations',
    );
    expect(reason(() => readPostableAlert({ labels: { a: 'b' }, startsAt: '2026-03-02 09:00' }, now))).toBe(
      'invalid_time',
    );
    expect(
      reason(() =>
        readPostableAlert(
          { labels: { a: 'b' }, startsAt: '2026-03-02T09:00:00Z', endsAt: '2026-03-02T08:00:00Z' },
          now,
        ),
      ),
    ).toBe('ends_before_start');
    expect(reason(() => readPostableAlert({ labels: { a: 'b' }, generatorURL: 5 }, now))).toBe(
      'invalid_generator_url',
    );
    expect(reason(() => readWebhookAlert({ status: 'maybe', labels: { a: 'b' } }, now))).toBe(
      'invalid_status',
    );
  });

  it('reads webhook alerts by status: firing stays open, resolved ends at endsAt or now', () => {
    expect(
      readWebhookAlert({ status: 'firing', labels: { a: 'b' }, endsAt: '2026-03-02T09:05:00Z' }, now).endsAt,
    ).toBeNull();
    expect(
      readWebhookAlert({ status: 'resolved', labels: { a: 'b' }, endsAt: '0001-01-01T00:00:00Z' }, now)
        .endsAt,
    ).toBe(now);
  });

  it('only ever refuses with a reason, whatever the input (fuzz)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (labels, rest) => {
        for (const read of [readPostableAlert, readWebhookAlert]) {
          const r = reason(() => read({ ...(typeof rest === 'object' ? rest : {}), labels }, now));
          expect(r === null || !r.startsWith('threw')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
