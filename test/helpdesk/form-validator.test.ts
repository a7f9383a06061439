// The catalogue's form validator on its own (fast-check): whatever answers a client sends, it never throws,
// every error names a field of the form (or the answers as a whole) with a message, and what it accepts obeys
// the form — hidden fields absent, options, ranges and patterns kept; patterns are checked before they are saved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileForm, type FormField, patternProblem } from '../../src/helpdesk/index.js';

const base = {
  min: null,
  max: null,
  pattern: null,
  maxLength: null,
  options: [] as string[],
  condition: null,
};
const fields: FormField[] = [
  { ...base, key: 'model', label: 'Model', type: 'choice', required: true, options: ['Standard', 'Other'] },
  {
    ...base,
    key: 'other',
    label: 'Which',
    type: 'text',
    required: true,
    maxLength: 20,
    condition: { field: 'model', op: 'equals', value: 'Other' },
  },
  {
    ...base,
    key: 'extras',
    label: 'Extras',
    type: 'multi_choice',
    required: false,
    options: ['Dock', 'Mouse'],
  },
  { ...base, key: 'budget', label: 'Budget', type: 'number', required: false, min: 0, max: 100 },
  {
    ...base,
    key: 'day',
    label: 'Day',
    type: 'date',
    required: false,
    condition: { field: 'extras', op: 'in', values: ['Dock'] },
  },
  { ...base, key: 'cc', label: 'Cost centre', type: 'text', required: false, pattern: 'CC-[0-9]{4}' },
  {
    ...base,
    key: 'who',
    label: 'Who',
    type: 'user',
    required: false,
    condition: { field: 'budget', op: 'set' },
  },
  { ...base, key: 'files', label: 'Files', type: 'attachment', required: false },
];
const validate = compileForm(fields);
const keys = fields.map((f) => f.key);

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('Standard', 'Other', 'Dock', 'CC-1234', '2027-01-04', '2027-02-30', ''),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.oneof(fc.constantFrom('Dock', 'Mouse', 'Tablet'), fc.integer(), fc.string({ maxLength: 5 })), {
    maxLength: 12,
  }),
  fc.object({ maxDepth: 2 }),
);
const answers = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 10 })), anyValue, { maxKeys: 12 }),
  anyValue,
);

describe('the compiled form validator', () => {
  it('never throws; every error names a field with a message; accepted values obey the form', () => {
    fc.assert(
      fc.property(answers, (a) => {
        const { values, errors } = validate(a);
        for (const e of errors) {
          expect(e.field).toMatch(/^\/fields(\/.*)?$/);
          expect(e.message.length).toBeGreaterThan(0);
        }
        // One error per field at most: a precise list, not a cascade.
        expect(new Set(errors.map((e) => e.field)).size).toBe(errors.length);
        for (const [k, v] of values) {
          const f = fields.find((x) => x.key === k) as FormField;
          expect(f).toBeDefined();
          if (f.type === 'choice') expect(f.options).toContain(v);
          if (f.type === 'number') expect(v as number).toBeGreaterThanOrEqual(0);
          if (f.type === 'number') expect(v as number).toBeLessThanOrEqual(100);
          if (f.type === 'text' && f.pattern) expect(v).toMatch(/^CC-[0-9]{4}$/);
        }
        if (values.get('model') !== 'Other') expect(values.has('other')).toBe(false);
        if (!values.has('budget')) expect(values.has('who')).toBe(false);
        const extras = values.get('extras') as string[] | undefined;
        if (!extras?.includes('Dock')) expect(values.has('day')).toBe(false);
        // Required fields shown and missing are reported.
        const whole = errors.some((e) => e.field === '/fields');
        if (whole) expect(values.size).toBe(0);
        else if (!values.has('model')) expect(errors.some((e) => e.field === '/fields/model')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a complete, valid set of answers as given', () => {
    const { values, errors } = validate({
      model: 'Other',
      other: 'ThinkPad',
      extras: ['Mouse', 'Dock'],
      budget: 50,
      day: '2027-01-04',
      cc: 'CC-0042',
      who: 7,
      files: [3, 4],
    });
    expect(errors).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({
      model: 'Other',
      other: 'ThinkPad',
      extras: ['Dock', 'Mouse'],
      budget: 50,
      day: '2027-01-04',
      cc: 'CC-0042',
      who: 7,
      files: [3, 4],
    });
  });

  it('refuses patterns that backtrack catastrophically, and keeps ordinary ones', () => {
    for (const p of ['(a+)+', '(a|a)*', '(?:[a-z]+)*x', '(\\d+)*', '(a)\\1', 'a*b*c*d*', '('])
      expect(patternProblem(p), p).not.toBeNull();
    for (const p of [
      'CC-[0-9]{4}',
      '(?:INC|REQ)[0-9]+',
      '[A-Z]{2}[0-9]{2}([0-9]{4})+',
      '\\d{3}-\\d{4}',
      '(ab)?c+',
    ])
      expect(patternProblem(p), p).toBeNull();
  });

  it('never throws on any pattern a client saves, and what passes compiles', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (p) => {
        const why = patternProblem(p);
        if (why === null) expect(() => new RegExp(`^(?:${p})$`, 'u')).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
