// Label matchers as Alertmanager writes them (`name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`, values
// quoted or bare): routes, inhibition rules and silences all match alerts with them. Regular expressions are
// anchored at both ends, as Prometheus anchors them.
import { Invalid } from '../core/errors.js';
import { compileLabelRegex, type MatchOp } from './metric-model.js';

export interface AlertMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** A matcher ready to test: its regular expression compiled once. */
export interface CompiledMatcher extends AlertMatcher {
  test(labels: Readonly<Record<string, string>>): boolean;
}

function bad(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

const matcherPattern = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

function unquote(text: string, field: string): string {
  if (!text.startsWith('"')) {
    if (text.includes('"')) throw bad(field, 'a value with a quote must be quoted as a whole');
    return text;
  }
  if (text.length < 2 || !text.endsWith('"')) throw bad(field, 'an unterminated quoted value');
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'string') throw new Error('not a string');
    return v;
  } catch {
    throw bad(field, 'a quoted value with a bad escape');
  }
}

/** Parse one matcher in Alertmanager's text form. */
export function parseMatcher(text: string, field: string): AlertMatcher {
  if (text.length > 1024) throw bad(field, 'a matcher is at most 1024 characters');
  const m = matcherPattern.exec(text);
  if (!m) throw bad(field, 'a matcher is name="value", name!="value", name=~"regex" or name!~"regex"');
  const matcher = { name: m[1]!, op: m[2] as MatchOp, value: unquote(m[3]!, field) };
  compileMatcher(matcher, field);
  return matcher;
}

export function compileMatcher(m: AlertMatcher, field = '/matchers'): CompiledMatcher {
  if (m.op === '=' || m.op === '!=') {
    const equal = m.op === '=';
    return { ...m, test: (labels) => ((labels[m.name] ?? '') === m.value) === equal };
  }
  let re: RegExp;
  try {
    // Alertmanager anchors as `^(?:…)$`: `.` does not match a newline there.
    re = compileLabelRegex(m.value, { dotAll: false });
  } catch (err) {
    throw bad(field, `not a regular expression: ${(err as Error).message}`);
  }
  const equal = m.op === '=~';
  return { ...m, test: (labels) => re.test(labels[m.name] ?? '') === equal };
}

export function matchesAll(
  matchers: readonly CompiledMatcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchers.every((m) => m.test(labels));
}

/** The matcher in Alertmanager's text form (value quoted). */
export function formatMatcher(m: AlertMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
