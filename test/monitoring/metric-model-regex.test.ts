// compileLabelRegex's guard against catastrophic backtracking (JavaScript's RegExp backtracks; Prometheus's RE2 does
// not): patterns longer than the limit, repeated groups that contain a repeat, and repeated groups whose
// alternatives may start alike are refused with a clear message, wherever they sit in a pattern; patterns without
// those shapes compile and match as the plain anchored RegExp does. And the refusal reaches users as Invalid, from a
// relabel config and from a PromQL matcher.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLabelRegex, maxLabelRegexLength } from '../../src/monitoring/metric-model.js';
import { parsePromql } from '../../src/monitoring/promql-parse.js';
import { compileRelabels } from '../../src/monitoring/relabel.js';

/** A single atom that repeats nothing: a letter, an escaped dot, a class, a dot, a digit escape, a plain group. */
const atom = fc.constantFrom('a', 'b', 'x', '\\.', '[a-z]', '.', '\\d', '(?:ab)', '(c)', '[^/]');
const repeat = fc.constantFrom('+', '*', '{2,}', '{1,3}', '+?', '*?');
const unbounded = fc.constantFrom('+', '*', '{1,}', '{0,}', '+?', '*?');
/** Text around the shape under test, itself without any such shape. */
const context = fc
  .array(
    fc.oneof(
      atom,
      atom.map((a) => `${a}*`),
    ),
    { maxLength: 3 },
  )
  .map((a) => a.join(''));

const nested = /a repeated group contains a repeat/;
const alike = /alternatives that may start with the same character/;

describe('compileLabelRegex refuses what can backtrack exponentially', () => {
  it('refuses the classic shapes, and says why', () => {
    for (const p of ['(a+)+', '(a*)*', '(\\w+\\s?)*', '(x+x+)+y', '((a)+)+', '(?:a+){2,}', '(a{2,5})+'])
      expect(() => compileLabelRegex(p), p).toThrow(nested);
    for (const p of ['(a|a)*', '(.|\\n)*', '(a|aa)+', '(?i)(A|a)*', '(x|[a-z])+'])
      expect(() => compileLabelRegex(p), p).toThrow(alike);
  });

  it('a repeated group with a repeat inside is refused wherever it sits (property)', () => {
    fc.assert(
      fc.property(
        context,
        atom,
        repeat,
        unbounded,
        context,
        fc.boolean(),
        (before, a, inner, outer, after, i) => {
          const p = `${i ? '(?i)' : ''}${before}(${a}${inner})${outer}${after}`;
          expect(() => compileLabelRegex(p)).toThrow(nested);
          expect(() => compileLabelRegex(`${before}((?:${a}${inner}b))${outer}${after}`)).toThrow(nested);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a repeated group whose alternatives start alike is refused (property)', () => {
    fc.assert(
      fc.property(
        context,
        fc.constantFrom('a', 'q', '\\.', '.', '\\d'),
        atom,
        unbounded,
        context,
        (b, x, y, q, a) => {
          expect(() => compileLabelRegex(`${b}(${x}|${x}${y})${q}${a}`)).toThrow(alike);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a pattern longer than the limit, and takes one at it', () => {
    expect(() => compileLabelRegex('a'.repeat(maxLabelRegexLength + 1))).toThrow(/longer than 4096/);
    expect(compileLabelRegex('a'.repeat(maxLabelRegexLength)).test('a'.repeat(maxLabelRegexLength))).toBe(
      true,
    );
  });

  it('takes patterns without those shapes, and they match as the plain anchored RegExp does (property)', () => {
    // Sequences of atoms, each repeated or not; groups of atoms repeated a bounded number of times; alternatives
    // with distinct first letters repeated; the everyday .*, (.*), prod|staging, node_.* and (foo|bar)+.
    const plainGroup = fc
      .array(atom, { minLength: 1, maxLength: 3 })
      .chain((as) => fc.constantFrom(`(${as.join('')})`, `(${as.join('')})+`, `(${as.join('')}){2}`));
    const alternation = fc
      .uniqueArray(fc.constantFrom('a', 'b', 'c', 'x', 'y'), { minLength: 2, maxLength: 4 })
      .map((firsts) => `(${firsts.map((f) => `${f}${f}z`).join('|')})*`);
    const piece = fc.oneof(
      atom,
      fc.tuple(atom, repeat).map(([a, r]) => `${a}${r}`),
      plainGroup,
      alternation,
      fc.constantFrom('.*', '(.*)', 'node_.*', '(foo|bar)+', '(\\d+\\.){3}\\d+'),
    );
    const subject = fc.stringMatching(/^[abcxyz./0-9]{0,12}$/);
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 4 }),
        fc.array(subject, { maxLength: 6 }),
        (ps, ss) => {
          const p = ps.join('');
          const re = compileLabelRegex(p);
          const plain = new RegExp(`^(?:${p})$`, 'su');
          for (const s of ss) expect(re.test(s)).toBe(plain.test(s));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reaches users as Invalid: a relabel config and a PromQL matcher name the problem', () => {
    expect(() =>
      compileRelabels([{ source_labels: ['a'], regex: '(a+)+', action: 'keep' }], '/metricRelabelConfigs'),
    ).toThrow(expect.objectContaining({ code: 'invalid_relabel_config' }));
    expect(() => compileRelabels([{ source_labels: ['a'], regex: '(a|a)*', action: 'keep' }], '/r')).toThrow(
      expect.objectContaining({
        fields: [expect.objectContaining({ field: '/r/0/regex', message: expect.stringMatching(alike) })],
      }),
    );
    expect(() => parsePromql('up{job=~"(a+)+"}')).toThrow(
      expect.objectContaining({ code: 'invalid_promql', message: expect.stringMatching(nested) }),
    );
  });
});
