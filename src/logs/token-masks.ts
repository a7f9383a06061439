// Token masking for template mining: which words of a message are variables before any clustering. One char
// scan over the message, not a regex per token, because the miner runs in the ingest path (≥ 50,000 messages/s
// end to end) and most messages are answered from their masked text alone.
//
// The rule is the one that Brain, Drain3 with masking and later parsers share: a word with a digit in it is a
// variable (numbers, IPs, ports, hex ids, UUIDs, dates and times, block ids, pids), and so is a path or a URL.
// A variable keeps its constant head (`uid=`, `chdir(`, `sshd[`, opening brackets) and its trailing punctuation
// (`uid=<*>`, `(<*>)`, `<*>,`), so `rhost=<*>` and `user=<*>` stay apart and templates read like the message.

export const wildcard = '<*>';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function isOpening(c: number): boolean {
  // ( [ { " '
  return c === 40 || c === 91 || c === 123 || c === 34 || c === 39;
}

function isClosing(c: number): boolean {
  // ) ] } " ' , ; : .
  return (
    c === 41 || c === 93 || c === 125 || c === 34 || c === 39 || c === 44 || c === 59 || c === 58 || c === 46
  );
}

// Day and month names are parts of dates (`Fri Jul 1 09:59:46 PDT 2005`), whose other parts have digits. (`May`
// is left out: it is also a word.)
const dateWords = new Set(
  'Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec'.split(' '),
);

// Units that make a number a quantity: `<1 sec`, `250 ms`, `1190 bytes`, `1.16 KB` are one variable each, so a
// duration written `00:02` or `<1 sec` is the same variable.
const units = new Set(
  [
    'ns us µs ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days',
    'B byte bytes KB kB MB GB TB KiB MiB GiB TiB',
  ]
    .join(' ')
    .split(' '),
);

/** True when the word holds a variable: a digit, a path (`/a/b`, `C:\a\b`, `./a`), a URL, a day or month name. */
function isVariableAt(text: string, start: number, end: number): boolean {
  let slashes = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) return true;
    if (c === 47 || c === 92) slashes++; // / or \
  }
  // Two separators make a path (`/usr/lib`, `C:\Windows\x`, `http://host`); a lone `/` is a word like `and/or`
  // or `N/A`, unless the word starts as a relative path does.
  if (slashes >= 2) return true;
  if (slashes === 1) {
    const c0 = text.charCodeAt(start);
    const c1 = text.charCodeAt(start + 1);
    return (
      (c0 === 46 && (c1 === 47 || (c1 === 46 && text.charCodeAt(start + 2) === 47))) ||
      (c0 === 126 && c1 === 47)
    );
  }
  // `[Sun`, `Dec,`: a date word with the brackets or punctuation around it.
  let s = start;
  while (s < end && isOpening(text.charCodeAt(s))) s++;
  const e = trailingStart(text, s, end);
  const c0 = text.charCodeAt(s);
  return e - s === 3 && c0 >= 65 && c0 <= 90 && dateWords.has(text.slice(s, e));
}

/** Where trailing closing punctuation starts (`end` when there is none). */
function trailingStart(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && isClosing(text.charCodeAt(e - 1))) e--;
  return e;
}

/**
 * A name that ends in a digit or two (`ssh2`, `eth0`, `SOCKS5`, `IPv4`) is a word, not a number: it is masked
 * only if it varies (the miner generalises a word that takes several values at one place).
 */
function isNumberedName(text: string, start: number, end: number): boolean {
  const e = trailingStart(text, start, end);
  let i = start;
  while (i < e && isLetter(text.charCodeAt(i))) i++;
  if (i - start < 2) return false;
  const digits = e - i;
  if (digits < 1 || digits > 2) return false;
  for (let k = i; k < e; k++) if (!isDigit(text.charCodeAt(k))) return false;
  return true;
}

/**
 * Where the constant head of a variable word ends: opening brackets, then a key (`uid=`, `lr:`, `chdir(`,
 * `sshd[`), then text up to dot leaders (`instruction......0`). A `key:` has no dots, so `host.example:443`
 * stays one variable.
 */
function constantHeadEnd(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && isOpening(text.charCodeAt(i))) i++;
  if (i < end && isLetter(text.charCodeAt(i))) {
    let j = i + 1;
    let dotted = false;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (isWordChar(c)) j++;
      else if (c === 46 || c === 45) {
        dotted = true;
        j++;
      } else break;
    }
    const sep = j < end ? text.charCodeAt(j) : -1;
    const isKey = sep === 61 || (!dotted && (sep === 58 || sep === 40 || sep === 91)); // = : ( [
    if (isKey && j + 1 < end) {
      i = j + 1;
      while (i < end && isOpening(text.charCodeAt(i))) i++;
    }
  }
  // Dot leaders pad a label to a column: the label is constant, the value after them the variable.
  const leader = text.indexOf('...', i);
  if (leader >= 0 && leader < end) {
    let hasDigit = false;
    for (let k = i; k < leader; k++) if (isDigit(text.charCodeAt(k))) hasDigit = true;
    if (!hasDigit) {
      let k = leader;
      while (k < end && text.charCodeAt(k) === 46) k++;
      if (k < end) i = k;
    }
  }
  return i;
}

/** The word `text[start, end)` as a template word (see maskToken). */
function maskAt(text: string, start: number, end: number): string {
  if (!isVariableAt(text, start, end) || isNumberedName(text, start, end)) return text.slice(start, end);
  const head = constantHeadEnd(text, start, end);
  const tail = trailingStart(text, head, end);
  if (tail <= head) return wildcard;
  return `${text.slice(start, head)}${wildcard}${text.slice(tail, end)}`;
}

/**
 * One word as a template word: itself when it is a constant, else its constant head (`uid=`, `chdir(`, opening
 * brackets) and trailing punctuation around `<*>`.
 */
export function maskToken(token: string): string {
  return token.length === 0 ? token : maskAt(token, 0, token.length);
}

/** A number as logs write one: digits with separators, maybe `<1` or `~5`. */
function isNumericAt(text: string, start: number, end: number): boolean {
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) digits++;
    // . , : < > ~ + -
    else if (c !== 46 && c !== 44 && c !== 58 && c !== 60 && c !== 62 && c !== 126 && c !== 43 && c !== 45)
      return false;
  }
  return digits > 0;
}

function isUnitAt(text: string, start: number, end: number): boolean {
  const e = trailingStart(text, start, end);
  return e - start <= 7 && e > start && units.has(text.slice(start, e));
}

/** Words of a message: runs of non-blank characters. */
export function tokenize(message: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < message.length; i++) {
    if (isBlank(message.charCodeAt(i))) {
      if (start >= 0) {
        words.push(message.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) words.push(message.slice(start));
  return words;
}

/**
 * A message as template words joined by single spaces: each word masked (maskToken), a number with its unit one
 * variable (durations and sizes: `<1 sec` and `00:02` are both a lifetime), and a bracketed quantity right after
 * a variable taken as a restatement of it (`1190 bytes (1.16 KB)` is one variable, as `403 bytes` is).
 */
export function maskMessage(message: string): string {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = -1;
  for (let i = 0; i < message.length; i++) {
    if (isBlank(message.charCodeAt(i))) {
      if (start >= 0) {
        starts.push(start);
        ends.push(i);
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) {
    starts.push(start);
    ends.push(message.length);
  }
  let out = '';
  let lastIsVariable = false;
  let lastIsBare = false;
  const n = starts.length;
  for (let w = 0; w < n; w++) {
    const s = starts[w];
    const e = ends[w];
    let word: string;
    if (w + 1 < n && isNumericAt(message, s, e) && isUnitAt(message, starts[w + 1], ends[w + 1])) {
      const next = ends[w + 1];
      word = `${wildcard}${message.slice(trailingStart(message, starts[w + 1], next), next)}`;
      w++;
    } else if (
      lastIsVariable &&
      message.charCodeAt(s) === 40 &&
      bracketedQuantity(message, starts, ends, w) > 0
    ) {
      const last = w + bracketedQuantity(message, starts, ends, w) - 1;
      // `(1.16 KB),`: the bracket goes with the quantity, what follows it stays with the word before.
      const after = message.slice(trailingStart(message, starts[last], ends[last]), ends[last]).slice(1);
      out += after;
      if (after !== '') lastIsBare = false;
      lastIsVariable = false;
      w = last;
      continue;
    } else word = maskAt(message, s, e);
    // A run of bare variables is one list of values (`delete blk_1 blk_2 blk_3`), however long.
    if (word === wildcard && lastIsBare) continue;
    out += out.length > 0 ? ` ${word}` : word;
    lastIsVariable = word.endsWith(wildcard);
    lastIsBare = word === wildcard;
  }
  return out;
}

/** How many words from `w` form `(number)` or `(number unit)`; 0 when they do not. */
function bracketedQuantity(text: string, starts: number[], ends: number[], w: number): number {
  const s = starts[w] + 1;
  const e = ends[w];
  const inner = trailingStart(text, s, e);
  if (inner < e && text.charCodeAt(inner) === 41) return isNumericAt(text, s, inner) ? 1 : 0;
  if (w + 1 >= starts.length || !isNumericAt(text, s, e)) return 0;
  const s2 = starts[w + 1];
  const e2 = ends[w + 1];
  const unitEnd = trailingStart(text, s2, e2);
  return unitEnd < e2 && text.charCodeAt(unitEnd) === 41 && units.has(text.slice(s2, unitEnd)) ? 2 : 0;
}
