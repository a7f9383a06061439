// The exposition parsers: the text format keeps the valid rest of a payload, OpenMetrics refuses it whole, values
// and timestamps as both formats write them, histograms as their series; random input never crashes; series texts
// known from an earlier parse (a scrape target's cache) are not parsed again and change nothing else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExpositionFormat,
  knownLabels,
  parseExposition,
  parseFloatValue,
} from '../../src/monitoring/exposition.js';
import type { Labels } from '../../src/monitoring/metric-model.js';

const at = Date.parse('2026-03-02T09:00:00Z');
const text = (body: string, honorTimestamps = true) =>
  parseExposition(body, 'text', { defaultTimestampMs: at, honorTimestamps });
const om = (body: string) => parseExposition(body, 'openmetrics', { defaultTimestampMs: at });

describe('text format 0.0.4', () => {
  it('reads samples, labels with escapes, comments, timestamps in ms and special values', () => {
    const r = text(
      [
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# Escaping in label values:',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
        'metric_without_timestamp_and_labels 12.47',
        'something_weird{problem="division by zero"} +Inf -3982045',
        'nan_value NaN',
        'neg_inf{a="b",} -Inf',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.samples).toBe(7);
    const [a, b, c, d, e, f, g] = r.series;
    expect(a).toEqual({
      labels: { __name__: 'http_requests_total', method: 'post', code: '200' },
      timestamps: [1395066363000],
      values: [1027],
    });
    expect(b?.values).toEqual([3]);
    expect(c?.labels).toEqual({
      __name__: 'msdos_file_access_time_seconds',
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(c?.values).toEqual([1.458255915e9]);
    expect(d?.timestamps).toEqual([at]);
    expect(e?.values).toEqual([Number.POSITIVE_INFINITY]);
    expect(e?.timestamps).toEqual([-3982045]);
    expect(Number.isNaN(f?.values[0])).toBe(true);
    expect(g?.labels).toEqual({ __name__: 'neg_inf', a: 'b' });
  });

  it('keeps histograms and summaries as their _bucket, _sum, _count and quantile series', () => {
    const r = text(
      [
        '# TYPE rpc histogram',
        'rpc_bucket{le="0.05"} 24054',
        'rpc_bucket{le="+Inf"} 144320',
        'rpc_sum 53423',
        'rpc_count 144320',
        '# TYPE lat summary',
        'lat{quantile="0.5"} 4773',
        'lat_sum 1.7560473e+07',
        'lat_count 2693',
      ].join('\n'),
    );
    expect(r.series.map((s) => s.labels)).toEqual([
      { __name__: 'rpc_bucket', le: '0.05' },
      { __name__: 'rpc_bucket', le: '+Inf' },
      { __name__: 'rpc_sum' },
      { __name__: 'rpc_count' },
      { __name__: 'lat', quantile: '0.5' },
      { __name__: 'lat_sum' },
      { __name__: 'lat_count' },
    ]);
  });

  it('refuses a malformed line with its number and reason, and keeps the rest', () => {
    const r = text(
      [
        'good 1',
        'bad{a="1" 2',
        'also_good{x="y"} 3',
        '9starts_with_digit 4',
        'dup 1',
        'dup 2',
        'x{__r="1"} 1',
        'v abc',
      ].join('\n'),
    );
    expect(r.series.map((s) => s.labels.__name__)).toEqual(['good', 'also_good', 'dup']);
    expect(r.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, 'malformed_line'],
      [4, 'invalid_metric_name'],
      [6, 'duplicate_sample'],
      [7, 'invalid_label_name'],
      [8, 'malformed_line'],
    ]);
    expect(r.rejected).toEqual({
      malformed_line: 2,
      invalid_metric_name: 1,
      duplicate_sample: 1,
      invalid_label_name: 1,
    });
    expect(r.invalid).toBe(false);
  });

  it('ignores given timestamps when timestamps are not honoured', () => {
    expect(text('a 1 5000', false).series[0]?.timestamps).toEqual([at]);
  });

  it('drops labels with empty values (an empty value is no label)', () => {
    expect(text('a{b="",c="d"} 1').series[0]?.labels).toEqual({ __name__: 'a', c: 'd' });
  });
});

describe('OpenMetrics 1.0', () => {
  it('reads timestamps in seconds, skips _created, ignores exemplars, needs # EOF', () => {
    const r = om(
      [
        '# TYPE acme_http_router_request_seconds summary',
        '# UNIT acme_http_router_request_seconds seconds',
        "# HELP acme_http_router_request_seconds Latency though all of ACME's global HTTP routers.",
        'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
        'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
        'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
        '# TYPE foo counter',
        'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
        'foo_created 1520430000.123',
        '# EOF',
        '',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.series.map((s) => s.labels.__name__)).toEqual([
      'acme_http_router_request_seconds_sum',
      'acme_http_router_request_seconds_count',
      'foo_total',
    ]);
    expect(r.series[2]?.timestamps).toEqual([1520879607789]);
  });

  it('is invalid as a whole when one line is malformed or # EOF is missing', () => {
    const bad = om(['a 1', 'b{a="1" 2', 'c 3', '# EOF'].join('\n'));
    expect(bad.invalid).toBe(true);
    expect(bad.series).toEqual([]);
    expect(bad.errors[0]).toMatchObject({ line: 2, reason: 'malformed_line' });
    const truncated = om('a 1\nb 2\n');
    expect(truncated.invalid).toBe(true);
    expect(truncated.errors[0]?.message).toContain('EOF');
  });
});

describe('values', () => {
  it('parses Go float syntax', () => {
    expect(parseFloatValue('1e3')).toBe(1000);
    expect(parseFloatValue('-1.5E-2')).toBe(-0.015);
    expect(parseFloatValue('.5')).toBe(0.5);
    expect(parseFloatValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseFloatValue('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseFloatValue('nan')).toBeNaN();
    expect(parseFloatValue('')).toBeNull();
    expect(parseFloatValue('0x10')).toBeNull();
    expect(parseFloatValue('1,5')).toBeNull();
  });
});

describe('fuzz', () => {
  it('random text never crashes, and every valid line among garbage is kept', () => {
    const validLine = fc
      .tuple(
        fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
        fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
        fc.string({ maxLength: 8 }),
        fc.double(),
      )
      .map(([n, l, v, x]) => ({
        line: `${n}{${l}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"} ${x}`,
        name: n,
      }));
    const garbage = fc.string({ maxLength: 30 }).filter((s) => !s.includes('\n'));
    fc.assert(
      fc.property(fc.array(fc.oneof(validLine, garbage), { maxLength: 30 }), (lines) => {
        const body = lines.map((l) => (typeof l === 'string' ? l : l.line)).join('\n');
        const r = text(body);
        const om2 = om(body);
        expect(om2.series.length === 0 || !om2.invalid).toBe(true);
        // Every valid line whose series did not appear before is kept.
        const seen = new Set<string>();
        let expected = 0;
        for (const l of lines)
          if (typeof l !== 'string' && !seen.has(l.line.slice(0, l.line.lastIndexOf(' ')))) {
            seen.add(l.line.slice(0, l.line.lastIndexOf(' ')));
            expected++;
          }
        expect(r.series.length).toBeGreaterThanOrEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes decoded as UTF-8 never crash either parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const s = Buffer.from(bytes).toString('utf8');
        text(s);
        om(s);
      }),
      { numRuns: 500 },
    );
  });
});

describe('known series texts', () => {
  it('a known text takes the caller’s entry unparsed; any other text, even of the same labels, is parsed', () => {
    const first = text('m{a="1",b="2"} 1\nn 2\n');
    const known = new Map(first.keys.map((k, i) => [k, first.series[i]?.labels as Labels]));
    const r = parseExposition('m{a="1",b="2"} 5 1000\nm{b="2",a="1"} 6\nn 7\n', 'text', {
      defaultTimestampMs: at,
      known,
    });
    expect(r.keys).toEqual(['m{a="1",b="2"}', 'm{b="2",a="1"}', 'n']);
    expect(r.cached).toEqual([{ __name__: 'm', a: '1', b: '2' }, undefined, { __name__: 'n' }]);
    expect(r.series.map((s) => s.labels)).toEqual([
      knownLabels,
      { __name__: 'm', a: '1', b: '2' },
      knownLabels,
    ]);
    expect(r.series.map((s) => [s.timestamps[0], s.values[0]])).toEqual([
      [1000, 5],
      [at, 6],
      [at, 7],
    ]);
  });

  // Lines built from a few label sets, written several ways, with values, timestamps and the errors a line can
  // have after (or inside) a series text: a second parse that knows the first one's texts must say the same.
  const labelText = fc.constantFrom(
    '',
    '{a="1"}',
    '{a="1",b="x"}',
    '{b="x",a="1"}',
    '{a="q\\"}',
    '{a="\\""}',
  );
  const tail = fc.constantFrom(' 1', ' 2.5 1000', ' NaN', '\t3', '} 1', ' 1 2 3', '', ' x', ' 1 # {a="1"} 2');
  const line = fc.oneof(
    fc
      .tuple(fc.constantFrom('m', 'n_total', 'o_created'), labelText, tail)
      .map(([n, l, t]) => `${n}${l}${t}`),
    fc.constantFrom('# TYPE o counter', '# HELP m x', 'm{a="1"', 'm{a="1",} 4', '{a="1"} 1', '', '# EOF'),
  );
  const same = (format: ExpositionFormat) => (firstLines: string[], secondLines: string[]) => {
    const options = { defaultTimestampMs: at };
    const first = parseExposition(firstLines.join('\n'), format, options);
    const known = new Map(first.keys.map((k, i) => [k, first.series[i]?.labels as Labels]));
    const body = secondLines.join('\n');
    const plain = parseExposition(body, format, options);
    const cached = parseExposition(body, format, { ...options, known });
    // Keys, sample count, refusals, errors and validity the same; series the same once hits take their labels.
    const { cached: hits, series, ...rest } = cached;
    const { cached: none, series: plainSeries, ...plainRest } = plain;
    expect(none).toEqual([]);
    expect(rest).toEqual(plainRest);
    expect(series.map((s, i) => ({ ...s, labels: hits[i] ?? s.labels }))).toEqual(plainSeries);
    // Only a known text comes back cached, with the labels a parse of it gives.
    for (const [i, k] of cached.keys.entries()) expect(hits[i] !== undefined).toBe(known.has(k));
  };
  it('the text format with known texts parses to the same series, refusals and errors', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (a, b) =>
        same('text')(a, [...b, ...a]),
      ),
      { numRuns: 400 },
    );
  });
  it('OpenMetrics with known texts parses to the same series, refusals and errors', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (a, b) =>
        same('openmetrics')([...a, '# EOF'], [...b, ...a, '# EOF']),
      ),
      { numRuns: 400 },
    );
  });
});
