// The service catalogue's form validator: a 50-field form (every type, a third of the fields conditional, a
// patterned text) compiled once, then validating a full set of answers, beside two baselines in the same run:
// JSON.parse of the same answers as text, and TypeBox's compiled checker on the same object (types only, no
// options, ranges, conditions or error list). Also the compile itself (paid once per form version).
// Runs from bench/run.ts (BENCH_PARTS=catalog) or alone: `npx tsx bench/catalog.ts`.
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { compileForm, type FormField } from '../src/helpdesk/index.js';

function form(): { fields: FormField[]; answers: Record<string, unknown> } {
  const fields: FormField[] = [];
  const answers: Record<string, unknown> = {};
  const base = { min: null, max: null, pattern: null, maxLength: null, options: [] as string[] };
  for (let i = 0; i < 50; i++) {
    const key = `f${i}`;
    const condition = i > 0 && i % 3 === 0 ? { field: `f${i - 1}`, op: 'set' as const } : null;
    const kind = i % 7;
    let f: FormField;
    if (kind === 0) {
      f = { ...base, key, label: key, type: 'text', required: true, condition, pattern: 'CC-[0-9]{4}' };
      answers[key] = 'CC-1234';
    } else if (kind === 1) {
      f = { ...base, key, label: key, type: 'number', required: true, condition, min: 0, max: 10_000 };
      answers[key] = 1234.5;
    } else if (kind === 2) {
      f = { ...base, key, label: key, type: 'date', required: false, condition };
      answers[key] = '2027-01-04';
    } else if (kind === 3) {
      const options = ['Standard', 'Developer', 'Designer', 'Other'];
      f = { ...base, key, label: key, type: 'choice', required: true, condition, options };
      answers[key] = 'Developer';
    } else if (kind === 4) {
      const options = ['Dock', 'Mouse', 'Headset', 'Bag', 'Screen'];
      f = { ...base, key, label: key, type: 'multi_choice', required: false, condition, options };
      answers[key] = ['Dock', 'Headset'];
    } else if (kind === 5) {
      f = { ...base, key, label: key, type: 'user', required: false, condition };
      answers[key] = 42;
    } else {
      f = { ...base, key, label: key, type: 'text', required: false, condition, maxLength: 500 };
      answers[key] = 'Please set it up with the developer image and two screens.';
    }
    fields.push(f);
  }
  return { fields, answers };
}

function perCall(fn: () => unknown, minMs = 300): number {
  for (let i = 0; i < 1000; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    t = performance.now();
  }
  return (t - t0) / n;
}

const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

export async function benchCatalog(): Promise<void> {
  const { fields, answers } = form();
  const text = JSON.stringify(answers);
  const validate = compileForm(fields);
  const check = validate(answers);
  if (check.errors.length > 0)
    throw new Error(`the bench's answers are refused: ${JSON.stringify(check.errors)}`);
  const typebox = TypeCompiler.Compile(
    Type.Object(
      Object.fromEntries(
        Object.entries(answers).map(([k, v]) => [
          k,
          Array.isArray(v)
            ? Type.Array(Type.String())
            : typeof v === 'number'
              ? Type.Number()
              : Type.String({ maxLength: 500 }),
        ]),
      ),
    ),
  );
  const compile = perCall(() => compileForm(fields), 200);
  const ours = perCall(() => validate(answers));
  const parse = perCall(() => JSON.parse(text));
  const tb = perCall(() => typebox.Check(answers));
  const wrong = { ...answers, f3: 'Tablet', f1: -5, f0: 'nope', extra: 1 };
  const refused = perCall(() => validate(wrong));
  console.log('\n### Service catalogue: a 50-field form\n');
  console.log('| what | per call | ratio to JSON.parse |');
  console.log('| --- | --- | --- |');
  console.log(`| validate 50 answers (compiled form) | ${us(ours)} | ${(ours / parse).toFixed(2)}× |`);
  console.log(
    `| validate, 4 wrong answers (error list) | ${us(refused)} | ${(refused / parse).toFixed(2)}× |`,
  );
  console.log(`| baseline: JSON.parse of the same answers (${text.length} B) | ${us(parse)} | 1.00× |`);
  console.log(`| baseline: TypeBox compiled Check, types only | ${us(tb)} | ${(tb / parse).toFixed(2)}× |`);
  console.log(
    `| compiling the form (once per version) | ${us(compile)} | ${(compile / parse).toFixed(2)}× |`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCatalog();
