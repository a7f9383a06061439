// Prometheus-style templates for alert labels and annotations: a small, safe expander of the subset rules use in
// practice, not Go's text/template in full (no range, if, with, define; no method calls; nothing that loops).
//
// Supported inside {{ … }} (with {{- and -}} trimming whitespace, and {{/* comments */}}):
//   operands   $labels.<name>, $externalLabels.<name>, $value, $labels, .Labels.<name>, .Value, "text", `raw`,
//              numbers, and (index $labels "<name>")-style calls;
//   functions  humanize, humanize1024, humanizePercentage, humanizeDuration, toUpper, toLower, title, printf
//              (verbs %s %v %d %f %e %g %q %% with width/precision), index, reReplaceAll — each as Prometheus
//              formats it; a pipeline `x | f a` calls f(a, x) as Go does.
// A missing label reads as "" (Prometheus's missingkey=zero); $value prints as Go's %v does (1e+06, 0.5).
// A template outside the subset is refused when the rule is saved (parseTemplate throws), and an expansion that
// fails at evaluation reads "<error expanding template: …>" as Prometheus's does.

export interface TemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  value: number;
}

type Operand =
  | { kind: 'labels'; name: string | null }
  | { kind: 'externalLabels'; name: string | null }
  | { kind: 'value' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; fn: FunctionName; args: Operand[] };

type Node = { kind: 'text'; text: string } | { kind: 'action'; pipeline: Operand };

export type CompiledTemplate = Node[];

const functionNames = [
  'humanize',
  'humanize1024',
  'humanizePercentage',
  'humanizeDuration',
  'toUpper',
  'toLower',
  'title',
  'printf',
  'index',
  'reReplaceAll',
] as const;
type FunctionName = (typeof functionNames)[number];

export class TemplateError extends Error {}

/** The longest template text a rule may hold. */
export const maxTemplateLength = 16_384;

/** Parse a template, or throw TemplateError saying what is outside the supported subset and where. */
export function parseTemplate(text: string): CompiledTemplate {
  if (text.length > maxTemplateLength) throw new TemplateError(`longer than ${maxTemplateLength} characters`);
  const nodes: Node[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open < 0) {
      nodes.push({ kind: 'text', text: text.slice(at) });
      break;
    }
    const close = text.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`unclosed action at character ${open + 1}`);
    let inner = text.slice(open + 2, close);
    let before = text.slice(at, open);
    let next = close + 2;
    if (inner.startsWith('-') && /^-\s/.test(inner)) {
      before = before.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      while (next < text.length && /\s/.test(text[next] as string)) next++;
    }
    if (before) nodes.push({ kind: 'text', text: before });
    const body = inner.trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) {
      try {
        nodes.push({ kind: 'action', pipeline: parsePipeline(body) });
      } catch (err) {
        if (err instanceof TemplateError)
          throw new TemplateError(`${err.message} in the action at character ${open + 1}`);
        throw err;
      }
    }
    at = next;
  }
  return nodes;
}

/** Expand a parsed template; throws TemplateError on a runtime failure (say, printf of a bad verb). */
export function expandTemplate(template: CompiledTemplate, data: TemplateData): string {
  let out = '';
  for (const node of template) out += node.kind === 'text' ? node.text : show(evaluate(node.pipeline, data));
  return out;
}

/** Parse and expand; a failure reads as Prometheus's expander writes it. */
export function expandOrExplain(text: string, data: TemplateData): string {
  try {
    return expandTemplate(parseTemplate(text), data);
  } catch (err) {
    if (err instanceof TemplateError) return `<error expanding template: ${err.message}>`;
    throw err;
  }
}

// ---- parsing -----------------------------------------------------------------------------------------------

type Token =
  | { t: 'word'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'pipe' }
  | { t: 'open' }
  | { t: 'close' };

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|') {
      tokens.push({ t: 'pipe' });
      i++;
    } else if (c === '(') {
      tokens.push({ t: 'open' });
      i++;
    } else if (c === ')') {
      tokens.push({ t: 'close' });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < body.length && body[j] !== '"') {
        if (body[j] === '\\') {
          const e = body[j + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', r: '\r' };
          if (e === undefined || map[e] === undefined)
            throw new TemplateError('unsupported escape in a string');
          v += map[e];
          j += 2;
        } else {
          v += body[j];
          j++;
        }
      }
      if (j >= body.length) throw new TemplateError('unterminated string');
      tokens.push({ t: 'string', v });
      i = j + 1;
    } else if (c === '`') {
      const j = body.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw string');
      tokens.push({ t: 'string', v: body.slice(i + 1, j) });
      i = j + 1;
    } else {
      const m = /^[^\s|()"`]+/.exec(body.slice(i));
      const word = (m as RegExpExecArray)[0];
      const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(word) ? Number(word) : null;
      tokens.push(num !== null ? { t: 'number', v: num } : { t: 'word', v: word });
      i += word.length;
    }
  }
  return tokens;
}

function parsePipeline(body: string): Operand {
  if (body === '') throw new TemplateError('empty action');
  const tokens = tokenize(body);
  let pos = 0;
  const parseCommands = (): Operand => {
    let result = parseCommand(null);
    while (tokens[pos]?.t === 'pipe') {
      pos++;
      result = parseCommand(result);
    }
    return result;
  };
  const parseCommand = (piped: Operand | null): Operand => {
    const first = tokens[pos];
    if (!first || first.t === 'pipe' || first.t === 'close') throw new TemplateError('missing command');
    if (first.t === 'word' && (functionNames as readonly string[]).includes(first.v)) {
      pos++;
      const args: Operand[] = [];
      while (pos < tokens.length && tokens[pos]?.t !== 'pipe' && tokens[pos]?.t !== 'close')
        args.push(parseOperand());
      if (piped) args.push(piped);
      return { kind: 'call', fn: first.v as FunctionName, args };
    }
    if (piped) throw new TemplateError(`${describe(first)} is not a function`);
    const operand = parseOperand();
    if (pos < tokens.length && tokens[pos]?.t !== 'pipe' && tokens[pos]?.t !== 'close')
      throw new TemplateError(`unexpected ${describe(tokens[pos] as Token)}`);
    return operand;
  };
  const parseOperand = (): Operand => {
    const tok = tokens[pos++];
    if (!tok) throw new TemplateError('missing operand');
    switch (tok.t) {
      case 'string':
        return { kind: 'string', value: tok.v };
      case 'number':
        return { kind: 'number', value: tok.v };
      case 'open': {
        const inner = parseCommands();
        if (tokens[pos]?.t !== 'close') throw new TemplateError('unclosed parenthesis');
        pos++;
        return inner;
      }
      case 'word':
        return variable(tok.v);
      default:
        throw new TemplateError(`unexpected ${describe(tok)}`);
    }
  };
  const result = parseCommands();
  if (pos < tokens.length) throw new TemplateError(`unexpected ${describe(tokens[pos] as Token)}`);
  return result;
}

function variable(word: string): Operand {
  const m =
    /^(\$labels|\$externalLabels|\$value|\.Labels|\.ExternalLabels|\.Value)(?:\.([a-zA-Z_][a-zA-Z0-9_]*))?$/.exec(
      word,
    );
  if (!m) throw new TemplateError(`"${word}" is not a supported variable or function`);
  const base = m[1] as string;
  const name = m[2] ?? null;
  if (base === '$value' || base === '.Value') {
    if (name !== null) throw new TemplateError(`"${word}": $value has no fields`);
    return { kind: 'value' };
  }
  return { kind: base === '$labels' || base === '.Labels' ? 'labels' : 'externalLabels', name };
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'word':
      return `"${tok.v}"`;
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'pipe':
      return '"|"';
    case 'open':
      return '"("';
    case 'close':
      return '")"';
  }
}

// ---- evaluation --------------------------------------------------------------------------------------------

type Value = string | number | Record<string, string>;

function evaluate(op: Operand, data: TemplateData): Value {
  switch (op.kind) {
    case 'labels':
      return op.name === null ? data.labels : (data.labels[op.name] ?? '');
    case 'externalLabels':
      return op.name === null ? data.externalLabels : (data.externalLabels[op.name] ?? '');
    case 'value':
      return data.value;
    case 'string':
      return op.value;
    case 'number':
      return op.value;
    case 'call':
      return call(
        op.fn,
        op.args.map((a) => evaluate(a, data)),
      );
  }
}

function show(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatGoFloat(v, -1);
  // Go prints a map as map[k:v k:v], keys sorted.
  return `map[${Object.keys(v)
    .sort()
    .map((k) => `${k}:${v[k]}`)
    .join(' ')}]`;
}

function toFloat(v: Value, fn: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    if (v.trim() === '' || Number.isNaN(n)) {
      if (/^[-+]?nan$/i.test(v.trim())) return Number.NaN;
      if (/^[-+]?inf(inity)?$/i.test(v.trim())) return v.trim().startsWith('-') ? -Infinity : Infinity;
      throw new TemplateError(`${fn}: "${v}" is not a number`);
    }
    return n;
  }
  throw new TemplateError(`${fn}: a map is not a number`);
}

function arity(fn: string, args: Value[], n: number): void {
  if (args.length !== n) throw new TemplateError(`${fn} takes ${n} argument${n === 1 ? '' : 's'}`);
}

function call(fn: FunctionName, args: Value[]): Value {
  switch (fn) {
    case 'humanize':
      arity(fn, args, 1);
      return humanize(toFloat(args[0] as Value, fn));
    case 'humanize1024':
      arity(fn, args, 1);
      return humanize1024(toFloat(args[0] as Value, fn));
    case 'humanizePercentage':
      arity(fn, args, 1);
      return `${formatGoFloat(toFloat(args[0] as Value, fn) * 100, 4)}%`;
    case 'humanizeDuration':
      arity(fn, args, 1);
      return humanizeDuration(toFloat(args[0] as Value, fn));
    case 'toUpper':
      arity(fn, args, 1);
      return show(args[0] as Value).toUpperCase();
    case 'toLower':
      arity(fn, args, 1);
      return show(args[0] as Value).toLowerCase();
    case 'title':
      arity(fn, args, 1);
      return show(args[0] as Value).replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, a, b) => a + b.toUpperCase());
    case 'index': {
      arity(fn, args, 2);
      const [map, key] = args as [Value, Value];
      if (typeof map !== 'object') throw new TemplateError('index: the first argument must be $labels');
      return map[show(key)] ?? '';
    }
    case 'reReplaceAll': {
      arity(fn, args, 3);
      const [pattern, replacement, text] = args.map((a) => show(a)) as [string, string, string];
      let re: RegExp;
      try {
        re = new RegExp(pattern, 'gu');
      } catch {
        throw new TemplateError(`reReplaceAll: "${pattern}" is not a regular expression`);
      }
      // Go's $1 / ${1} expansion; JavaScript's replace reads $1 the same way.
      return text.replace(re, replacement.replace(/\$\{(\w+)\}/g, '$$$1'));
    }
    case 'printf':
      if (args.length < 1) throw new TemplateError('printf needs a format');
      return printf(show(args[0] as Value), args.slice(1));
  }
}

/** Go's fmt verbs, the subset rules use: %s %v %d %f %e %g %q %%, with flags +-0 space, width and precision. */
function printf(format: string, args: Value[]): string {
  let out = '';
  let argAt = 0;
  const verb = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/y;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    verb.lastIndex = pct;
    const m = verb.exec(format);
    if (!m) throw new TemplateError('printf: a lone % at the end of the format');
    i = verb.lastIndex;
    const [, flags = '', widthText, precText, v] = m;
    if (v === '%') {
      out += '%';
      continue;
    }
    if (argAt >= args.length) {
      out += `%!${v}(MISSING)`;
      continue;
    }
    const arg = args[argAt++] as Value;
    const prec = precText === undefined ? -1 : Number(precText);
    let s: string;
    switch (v) {
      case 's':
      case 'v':
        s = show(arg);
        if (v === 's' && prec >= 0) s = s.slice(0, prec);
        break;
      case 'q':
        s = JSON.stringify(show(arg));
        break;
      case 'd': {
        const n = toFloat(arg, 'printf');
        s = Number.isInteger(n) ? String(n) : `%!d(float64=${formatGoFloat(n, -1)})`;
        break;
      }
      case 'f':
      case 'F':
        s = goFixed(toFloat(arg, 'printf'), prec < 0 ? 6 : prec);
        break;
      case 'e':
        s = goExp(toFloat(arg, 'printf'), prec < 0 ? 6 : prec);
        break;
      case 'g':
        s = formatGoFloat(toFloat(arg, 'printf'), prec < 0 ? -1 : prec || 1);
        break;
      default:
        throw new TemplateError(`printf: the verb %${v} is not supported`);
    }
    if (flags.includes('+') && /^[0-9]/.test(s) && 'dfeFg'.includes(v as string)) s = `+${s}`;
    const width = widthText === undefined ? 0 : Math.min(Number(widthText), 1000);
    if (s.length < width) {
      if (flags.includes('-')) s = s.padEnd(width);
      else if (flags.includes('0') && 'dfeFg'.includes(v as string)) {
        const sign = /^[-+]/.test(s) ? s[0] : '';
        s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
      } else s = s.padStart(width);
    }
    out += s;
  }
  if (argAt < args.length) out += `%!(EXTRA ${args.slice(argAt).map(show).join(', ')})`;
  return out;
}

// ---- Prometheus's humanize functions (template/template.go) --------------------------------------------------

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatGoFloat(v, 4);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return formatGoFloat(v, 4) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return formatGoFloat(v, 4) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return formatGoFloat(v, 4);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return formatGoFloat(v, 4) + prefix;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatGoFloat(v, 4);
  if (v === 0) return `${formatGoFloat(v, 4)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatGoFloat(v, 4)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatGoFloat(v, 4)}${prefix}s`;
}

// ---- Go's float formatting (strconv.FormatFloat) ------------------------------------------------------------

/** The decimal digits (trailing zeros trimmed) and the decimal point's position of |v|, rounded to prec digits. */
function decimalDigits(v: number, prec: number): { digits: string; dp: number } {
  const e = prec < 0 ? Math.abs(v).toExponential() : Math.abs(v).toExponential(prec - 1);
  const [mantissa, exponent] = e.split('e') as [string, string];
  let digits = mantissa.replace('.', '').replace(/0+$/, '');
  if (digits === '') digits = '0';
  return { digits, dp: Number(exponent) + 1 };
}

/** Go's %v (prec -1: shortest) and %.Ng of a float64. */
export function formatGoFloat(v: number, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (v === 0) return `${sign}0`;
  const { digits, dp } = decimalDigits(v, prec);
  const nd = digits.length;
  let eprec = prec;
  if (prec < 0) eprec = 6;
  else if (eprec > nd && nd >= dp) eprec = nd;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) {
    const mant = nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
  }
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= nd) return sign + digits + '0'.repeat(dp - nd);
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

function goFixed(v: number, prec: number): string {
  if (!Number.isFinite(v)) return formatGoFloat(v, -1);
  return v.toFixed(Math.min(prec, 100));
}

function goExp(v: number, prec: number): string {
  if (!Number.isFinite(v)) return formatGoFloat(v, -1);
  const [m, e] = v.toExponential(Math.min(prec, 100)).split('e') as [string, string];
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${Math.abs(n) < 10 ? `0${Math.abs(n)}` : Math.abs(n)}`;
}

/** Prometheus's API shows alert values as strconv.FormatFloat(v, 'e', -1, 64): 1e+00, 2.5e-01. */
export function formatPromValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const sign = v < 0 ? '-' : '';
  const { digits, dp } = decimalDigits(v === 0 ? 0 : v, -1);
  if (v === 0) return '0e+00';
  const exp = dp - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : Math.abs(exp)}`;
}
