// Log line formats in the notation of the log-parsing literature (loghub's formats.json, logparser's
// `log_format`): `<Name>` is a field, `<Content>` the message to mine, everything else a regular-expression
// fragment. `opsdesk logs templates --format` compiles one to split each line into its header and its message.
import { Invalid } from '../core/errors.js';

export interface LogFormat {
  /** The field names in order of appearance; always includes `Content`. */
  fields: string[];
  /** Split one line (line end already removed) into its fields; null when the line does not have this shape. */
  match(line: string): Record<string, string> | null;
}

const fieldName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compile a format as loghub's README defines it: fields match lazily (`.*?`), each run of blanks in the
 * literal text matches one or more whitespace characters, and the whole line must match once trimmed.
 * Throws Invalid (a usage problem at the command line) for a field that is not closed, a field name that
 * is not a word, the same field twice, no `<Content>`, or a fragment that is not a valid regular expression.
 */
export function compileLogFormat(format: string): LogFormat {
  const fields: string[] = [];
  let pattern = '';
  let i = 0;
  while (i < format.length) {
    const open = format.indexOf('<', i);
    // A `<` or `>` escaped with a backslash, or a regex construct such as `(?<name>`, belongs to the fragment;
    // the notation has no such uses, so any other `<`/`>` outside a field is an unbalanced field.
    const literal = format.slice(i, open === -1 ? format.length : open);
    checkLiteral(literal, i);
    pattern += literal.replace(/[ \t]+/g, '\\s+');
    if (open === -1) break;
    const close = format.indexOf('>', open + 1);
    const nextOpen = format.indexOf('<', open + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      throw invalidFormat(`the field opened at character ${open + 1} is not closed with '>'`);
    }
    const name = format.slice(open + 1, close);
    if (!fieldName.test(name)) {
      throw invalidFormat(`'<${name}>' is not a field name (letters, digits and _ only)`);
    }
    if (fields.includes(name)) throw invalidFormat(`the field <${name}> appears twice`);
    fields.push(name);
    pattern += `(?<${name}>.*?)`;
    i = close + 1;
  }
  if (!fields.includes('Content')) {
    throw invalidFormat('it has no <Content> field (the message part that templates are mined from)');
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${pattern}$`, 's');
  } catch (err) {
    throw invalidFormat(`it is not a valid regular expression (${(err as Error).message})`);
  }
  return {
    fields,
    match(line: string) {
      const m = regex.exec(line.trim());
      return m?.groups ? { ...m.groups } : null;
    },
  };
}

function checkLiteral(literal: string, offset: number): void {
  for (let j = 0; j < literal.length; j++) {
    const c = literal[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '>') throw invalidFormat(`the '>' at character ${offset + j + 1} closes no field`);
  }
}

function invalidFormat(reason: string): Invalid {
  return new Invalid('validation_failed', `invalid log format: ${reason}`, [
    { field: '/format', message: reason },
  ]);
}
