// The template subset against Prometheus's documented output (template/template_test.go's humanize cases) and Go's
// float formatting, and that anything outside the subset is refused at parse time rather than run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expandOrExplain,
  formatGoFloat,
  formatPromValue,
  humanize,
  humanize1024,
  humanizeDuration,
  parseTemplate,
  TemplateError,
} from '../../src/monitoring/alert-templates.js';

const data = {
  labels: { instance: 'web-1:9100', job: 'node' },
  externalLabels: { dc: 'fra' },
  value: 1234567,
};

describe('alert templates', () => {
  it('expands labels, the value and pipes as Prometheus does', () => {
    expect(expandOrExplain('{{ $labels.instance }} is down', data)).toBe('web-1:9100 is down');
    expect(expandOrExplain('{{ $value }}', data)).toBe('1.234567e+06');
    expect(expandOrExplain('{{ $value }}', { ...data, value: 0.5 })).toBe('0.5');
    expect(expandOrExplain('{{ $value | humanize }}', data)).toBe('1.235M');
    expect(expandOrExplain('{{ humanize $value }}B', data)).toBe('1.235MB');
    expect(expandOrExplain('{{ .Labels.job }}/{{ $externalLabels.dc }}', data)).toBe('node/fra');
    expect(expandOrExplain('{{ $labels.missing }}', data)).toBe('');
    expect(expandOrExplain('{{ index $labels "job" | toUpper }}', data)).toBe('NODE');
    expect(expandOrExplain('{{ printf "%.2f" $value }}', { ...data, value: 0.123456 })).toBe('0.12');
    expect(expandOrExplain('a {{- " b " -}} c', data)).toBe('a b c');
    expect(expandOrExplain('x{{/* note */}}y', data)).toBe('xy');
    expect(expandOrExplain('{{ $value | humanizePercentage }}', { ...data, value: 0.0523 })).toBe('5.23%');
  });

  it('humanizes as template.go does', () => {
    expect(humanize(0)).toBe('0');
    expect(humanize(1)).toBe('1');
    expect(humanize(1234567)).toBe('1.235M');
    expect(humanize(0.001)).toBe('1m');
    expect(humanize(0.0001234)).toBe('123.4u');
    expect(humanize(Number.NaN)).toBe('NaN');
    expect(humanize(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(humanize1024(1024)).toBe('1ki');
    expect(humanize1024(1_073_741_824)).toBe('1Gi');
    expect(humanizeDuration(0)).toBe('0s');
    expect(humanizeDuration(1)).toBe('1s');
    expect(humanizeDuration(61)).toBe('1m 1s');
    expect(humanizeDuration(90061)).toBe('1d 1h 1m 1s');
    expect(humanizeDuration(0.0015)).toBe('1.5ms');
    expect(humanizeDuration(-3600)).toBe('-1h 0m 0s');
  });

  it("formats floats as Go's %v and %.4g, and alert values as strconv 'e'", () => {
    expect(formatGoFloat(1e6, -1)).toBe('1e+06');
    expect(formatGoFloat(123456, -1)).toBe('123456');
    expect(formatGoFloat(0.0001, -1)).toBe('0.0001');
    expect(formatGoFloat(0.00001, -1)).toBe('1e-05');
    expect(formatGoFloat(100, 4)).toBe('100');
    expect(formatGoFloat(1.5, 4)).toBe('1.5');
    expect(formatPromValue(1)).toBe('1e+00');
    expect(formatPromValue(0.25)).toBe('2.5e-01');
  });

  it('refuses what is outside the subset when the rule is saved', () => {
    for (const bad of [
      '{{ range . }}x{{ end }}',
      '{{ $labels.x',
      '{{ exec "rm" }}',
      '{{ $value.Foo }}',
      '{{ }}',
    ])
      expect(() => parseTemplate(bad), bad).toThrow(TemplateError);
    expect(expandOrExplain('{{ nope }}', data)).toMatch(/^<error expanding template: /);
  });

  it('never throws anything but TemplateError, whatever the text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.double(), (text, value) => {
        try {
          const out = expandOrExplain(`{{${text}}}`, { ...data, value });
          expect(typeof out).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(TemplateError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
