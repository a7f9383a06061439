// Token masking for template mining: which words of a message are variables before any clustering. A char scan,
// not a regex per token, because the miner runs in the ingest path (≥ 50,000 messages/s end to end).
//
// The rule is the one that Brain, Drain3 with masking and later parsers share: a word with a digit in it is a
// variable (numbers, IPs, ports, hex ids, UUIDs, durations, dates, block ids, pids), and so is a path or a URL.
// A variable keeps its `key=` and the brackets and punctuation around it (`uid=<*>`, `(<*>)`, `<*>,`), so
// `rhost=<*>` and `user=<*>` stay apart and templates read like the message.

export const wildcard = '<*>';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isOpening(c: number): boolean {
  // ( [ { " '
  return c === 40 || c === 91 || c === 123 || c === 34 || c === 39;
}

function isClosing(c: number): boolean {
  // ) ] } " ' , ; : .
  return c === 41 || c === 93 || c === 125 || c === 34 || c === 39 || c === 44 || c === 59 || c === 58 || c === 46;
}

// Day and month names are parts of dates (`Fri Jul 1 09:59:46 PDT 2005`), whose other parts have digits.
const dateWords = new Set([
  'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun',
  'Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
]);

/**
 * True when the token holds a variable: a digit, a path (`/a/b`, `C:\a`, `./a`), a URL, or a day or month name.
 */
export function isVariableToken(token: string): boolean {
  let slashes = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c)) return true;
    if (c === 47 || c === 92) slashes++; // / or \
  }
  // Two separators make a path (`/usr/lib`, `C:\Windows\x`); a lone `/` is a word like `and/or` or `N/A`,
  // unless the token starts as a relative path does.
  if (slashes >= 2) return true;
  if (slashes === 1 && (token.startsWith('./') || token.startsWith('../') || token.startsWith('~/'))) return true;
  return token.length === 3 && dateWords.has(token);
}

/**
 * A name that ends in a digit or two (`ssh2`, `eth0`, `SOCKS5`, `IPv4`) is a word, not a number: it is masked
 * only if it varies (the miner generalises a word that takes several values at one place).
 */
function isNumberedName(token: string): boolean {
  let end = token.length;
  while (end > 0 && isClosing(token.charCodeAt(end - 1))) end--;
  let i = 0;
  while (i < end && isLetter(token.charCodeAt(i))) i++;
  if (i < 2) return false;
  const digits = end - i;
  if (digits < 1 || digits > 2) return false;
  for (let k = i; k < end; k++) if (!isDigit(token.charCodeAt(k))) return false;
  return true;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}

/**
 * Where the constant head of a variable token ends: opening brackets, then a key (`uid=`, `lr:`, `chdir(`,
 * `sshd[`), then text up to dot leaders (`instruction......0`). A `key:` has no dots, so `host.example:443`
 * stays one variable.
 */
function constantHeadEnd(token: string): number {
  let i = 0;
  while (i < token.length && isOpening(token.charCodeAt(i))) i++;
  if (i < token.length && isLetter(token.charCodeAt(i))) {
    let j = i + 1;
    let dotted = false;
    while (j < token.length) {
      const c = token.charCodeAt(j);
      if (isWordChar(c)) j++;
      else if (c === 46 || c === 45) {
        dotted = true;
        j++;
      } else break;
    }
    const sep = token.charCodeAt(j);
    const isKey = sep === 61 || (!dotted && (sep === 58 || sep === 40 || sep === 91)); // = : ( [
    if (isKey && j + 1 < token.length) {
      i = j + 1;
      while (i < token.length && isOpening(token.charCodeAt(i))) i++;
    }
  }
  // Dot leaders pad a label to a column: the label is constant, the value after them the variable.
  const leader = token.indexOf('...', i);
  if (leader >= 0) {
    let hasDigit = false;
    for (let k = i; k < leader; k++) if (isDigit(token.charCodeAt(k))) hasDigit = true;
    if (!hasDigit) {
      let k = leader;
      while (k < token.length && token.charCodeAt(k) === 46) k++;
      if (k < token.length) i = k;
    }
  }
  return i;
}

/**
 * The token as a template word: itself when it is a constant, else its constant head (`uid=`, `chdir(`, opening
 * brackets) and trailing punctuation around `<*>`.
 */
export function maskToken(token: string): string {
  if (!isVariableToken(token) || isNumberedName(token)) return token;
  const start = constantHeadEnd(token);
  let end = token.length;
  while (end > start && isClosing(token.charCodeAt(end - 1))) end--;
  if (end <= start) return wildcard;
  return `${token.slice(0, start)}${wildcard}${token.slice(end)}`;
}

// Units that make a number a quantity: `<1 sec`, `250 ms`, `1190 bytes`, `1.16 KB` are one variable each.
const units = new Set([
  'ns', 'us', 'µs', 'ms', 's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes',
  'h', 'hr', 'hrs', 'hour', 'hours', 'day', 'days',
  'B', 'byte', 'bytes', 'KB', 'kB', 'MB', 'GB', 'TB', 'KiB', 'MiB', 'GiB', 'TiB',
]);

/** A number as logs write one: digits with separators, maybe `<1` or `~5`. */
function isNumeric(word: string): boolean {
  let digits = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isDigit(c)) digits++;
    // . , : < > ~ + -
    else if (c !== 46 && c !== 44 && c !== 58 && c !== 60 && c !== 62 && c !== 126 && c !== 43 && c !== 45)
      return false;
  }
  return digits > 0;
}

/** The word without trailing closing punctuation, and that punctuation. */
function splitTrailing(word: string): [string, string] {
  let end = word.length;
  while (end > 0 && isClosing(word.charCodeAt(end - 1))) end--;
  return [word.slice(0, end), word.slice(end)];
}

/** Words of a message: runs of non-blank characters. */
export function tokenize(message: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    const blank = c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
    if (blank) {
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
 * A message as template words: each word masked (maskToken), a number with its unit one variable (durations and
 * sizes: `<1 sec` and `00:02` are both a lifetime), and a bracketed quantity right after a variable taken as a
 * restatement of it (`1190 bytes (1.16 KB)` is one variable, as `403 bytes` is).
 */
export function maskMessage(message: string): string[] {
  const words = tokenize(message);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (i + 1 < words.length && isNumeric(word)) {
      const [unit, trailing] = splitTrailing(words[i + 1]);
      if (units.has(unit)) {
        out.push(`${wildcard}${trailing}`);
        i++;
        continue;
      }
    }
    if (word.charCodeAt(0) === 40 && out.length > 0 && out[out.length - 1].endsWith(wildcard)) {
      const restated = bracketedQuantity(words, i);
      if (restated > 0) {
        const [, trailing] = splitTrailing(words[i + restated - 1]);
        out[out.length - 1] += trailing.slice(1);
        i += restated - 1;
        continue;
      }
    }
    out.push(maskToken(word));
  }
  return out;
}

/** How many words from `at` form `(number)` or `(number unit)`; 0 when they do not. */
function bracketedQuantity(words: string[], at: number): number {
  const first = words[at];
  const [inner1, trailing1] = splitTrailing(first.slice(1));
  if (trailing1.startsWith(')')) return isNumeric(inner1) ? 1 : 0;
  if (at + 1 >= words.length || !isNumeric(first.slice(1))) return 0;
  const [unit, trailing2] = splitTrailing(words[at + 1]);
  return units.has(unit) && trailing2.startsWith(')') ? 2 : 0;
}
