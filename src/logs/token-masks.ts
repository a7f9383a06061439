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

function isKeyChar(c: number): boolean {
  // letters, _ - .
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
}

function isOpening(c: number): boolean {
  // ( [ { " '
  return c === 40 || c === 91 || c === 123 || c === 34 || c === 39;
}

function isClosing(c: number): boolean {
  // ) ] } " ' , ; : .
  return c === 41 || c === 93 || c === 125 || c === 34 || c === 39 || c === 44 || c === 59 || c === 58 || c === 46;
}

/** True when the token holds a variable: a digit, a path (`/a/b`, `C:\a`), or a URL. */
export function isVariableToken(token: string): boolean {
  let slashes = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c)) return true;
    if (c === 47 || c === 92) slashes++; // / or \
  }
  // Two separators make a path (`/usr/lib`, `C:\Windows\x`); a lone `/` is a word like `and/or` or `N/A`.
  return slashes >= 2;
}

/**
 * The token as a template word: itself when it is a constant, else its `key=`, opening brackets and trailing
 * punctuation around `<*>`. A token that contains `<*>` already is kept as it is.
 */
export function maskToken(token: string): string {
  if (!isVariableToken(token)) return token;
  let start = 0;
  // `key=value`: the key is a constant (logname=, uid=, HWID=); only a plain word counts as a key.
  const eq = token.indexOf('=');
  if (eq > 0 && eq < token.length - 1) {
    let plain = true;
    for (let i = 0; i < eq; i++) {
      if (!isKeyChar(token.charCodeAt(i))) {
        plain = false;
        break;
      }
    }
    if (plain) start = eq + 1;
  }
  while (start < token.length && isOpening(token.charCodeAt(start))) start++;
  let end = token.length;
  while (end > start && isClosing(token.charCodeAt(end - 1))) end--;
  if (end <= start) return token;
  return `${token.slice(0, start)}${wildcard}${token.slice(end)}`;
}
