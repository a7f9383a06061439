// The fuzzer's mutations, AFL's "havoc" stage in small: from an input of the corpus (or one kept because it gave a
// new outcome) make a new one by a few stacked edits — bit and byte flips, cuts, inserted bytes, a target's own
// tokens, a chunk repeated many times, a splice with another input, numbers and lengths that overflow. Seeded, so a
// run is reproduced by its seed.
import type { SeededRandom as Random } from '../../src/demo/seeded-random.js';

/** An integer in [0, n): 0 when n is 0. */
function below(rng: Random, n: number): number {
  return Math.floor(rng.next() * n);
}

/** What a target tells the mutator about its format. */
export interface MutationHints {
  /** The largest input the listener or route lets through (bytes): longer mutants are cut to it. */
  maxBytes: number;
  /** Words of the format (keywords, delimiters, escapes) that byte edits rarely make. */
  tokens: readonly string[];
  /** A binary format: no line edits, but overlong varints and length fields. */
  binary?: boolean;
}

const interestingBytes = [
  0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x20, 0x22, 0x27, 0x5c, 0x3c, 0x3e, 0x25, 0xc3, 0xed,
];
const generalTokens = [
  '\u0000',
  '\r\n',
  '\n',
  '\t',
  '"',
  "'",
  '\\',
  '%00',
  '\uFEFF',
  '\uD800',
  '\u202E',
  'é',
  '😀',
  '{{',
  '${',
];
const hugeNumbers = [
  '0',
  '-1',
  '-0',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '18446744073709551616',
  '1e309',
  '-1e309',
  'NaN',
  '+Inf',
  '0x7fffffff',
  '1.7976931348623157e308',
  '5e-324',
  '9'.repeat(400),
];
const hugeVarints = [
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]),
  Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x07]),
  Buffer.from([0x00]),
];
/** Times a chunk is repeated: mostly a few (inputs stay small and fast), now and then up to the target's bound. */
const fewRepeats = [2, 3, 8, 16];
const manyRepeats = [100, 1_000, 10_000, 100_000];

function insert(input: Buffer, at: number, piece: Buffer): Buffer {
  return Buffer.concat([input.subarray(0, at), piece, input.subarray(at)]);
}

function lineEdit(rng: Random, input: Buffer): Buffer {
  const lines = input.toString('latin1').split('\n');
  const i = below(rng, lines.length);
  const j = below(rng, lines.length);
  switch (below(rng, 3)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[j] as string);
      break;
    default:
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

function numberEdit(rng: Random, input: Buffer): Buffer {
  const text = input.toString('latin1');
  const runs = [...text.matchAll(/\d+/g)];
  const value = Buffer.from(rng.pick(hugeNumbers), 'latin1');
  if (runs.length === 0) return insert(input, below(rng, input.length + 1), value);
  const run = rng.pick(runs);
  const at = run.index ?? 0;
  return Buffer.concat([input.subarray(0, at), value, input.subarray(at + run[0].length)]);
}

/** One edit of `input`; `other` is a second input for splicing. */
function mutateOnce(rng: Random, input: Buffer, other: Buffer, hints: MutationHints): Buffer {
  const n = input.length;
  const at = below(rng, n + 1);
  switch (below(rng, hints.binary ? 12 : 13)) {
    case 0: {
      if (n === 0) return Buffer.from([below(rng, 256)]);
      const out = Buffer.from(input);
      const i = below(rng, n);
      out[i] = (out[i] as number) ^ (1 << below(rng, 8));
      return out;
    }
    case 1: {
      if (n === 0) return Buffer.from([rng.pick(interestingBytes)]);
      const out = Buffer.from(input);
      out[below(rng, n)] = rng.next() < 0.5 ? rng.pick(interestingBytes) : below(rng, 256);
      return out;
    }
    case 2: {
      const len = 1 + below(rng, Math.min(64, Math.max(1, n - at)));
      return Buffer.concat([input.subarray(0, at), input.subarray(at + len)]);
    }
    case 3: {
      const bytes = Buffer.alloc(1 + below(rng, 16));
      for (let i = 0; i < bytes.length; i++) bytes[i] = below(rng, 256);
      return insert(input, at, bytes);
    }
    case 4: {
      const token =
        rng.next() < 0.75 && hints.tokens.length > 0 ? rng.pick(hints.tokens) : rng.pick(generalTokens);
      return insert(input, at, Buffer.from(token, 'utf8'));
    }
    case 5: {
      // A chunk of the input, or a token, many times over: deep nesting, long runs, quadratic scans.
      const len = 1 + below(rng, Math.min(32, Math.max(1, n - at)));
      const chunk =
        rng.next() < 0.5 && hints.tokens.length > 0
          ? Buffer.from(rng.pick(hints.tokens), 'utf8')
          : input.subarray(at, at + len);
      if (chunk.length === 0) return input;
      const times = Math.min(
        rng.pick(rng.next() < 0.8 ? fewRepeats : manyRepeats),
        Math.ceil(hints.maxBytes / chunk.length),
      );
      return insert(input, at, Buffer.alloc(chunk.length * times, chunk));
    }
    case 6:
      return input.subarray(0, at);
    case 7: {
      const cut = below(rng, other.length + 1);
      return Buffer.concat([input.subarray(0, at), other.subarray(cut)]);
    }
    case 8: {
      const from = below(rng, n + 1);
      const len = below(rng, Math.min(128, n - from) + 1);
      return insert(input, at, Buffer.from(input.subarray(from, from + len)));
    }
    case 9:
      return numberEdit(rng, input);
    case 10:
      return hints.binary
        ? insert(input, at, rng.pick(hugeVarints))
        : insert(input, at, Buffer.from(rng.pick(hugeNumbers)));
    case 11: {
      // Swap two halves around a point: out-of-order sections, a header after the body.
      return Buffer.concat([input.subarray(at), input.subarray(0, at)]);
    }
    default:
      return lineEdit(rng, input);
  }
}

/** A new input from `base`: one to five stacked edits, cut to the target's bound. */
export function mutate(rng: Random, base: Buffer, other: Buffer, hints: MutationHints): Buffer {
  let out = base;
  const edits = 1 + below(rng, 5);
  for (let i = 0; i < edits; i++) {
    out = mutateOnce(rng, out, other, hints);
    if (out.length > hints.maxBytes) out = out.subarray(0, hints.maxBytes);
  }
  return out;
}
