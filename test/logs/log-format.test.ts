// Log formats in loghub's notation: every line of the ten datasets splits into the fields of its structured CSV,
// blanks match runs of whitespace, and a malformed format is refused with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetNames, loghubDir, parseCsv, splitLines } from '../../bench/log-templates.js';
import { DomainError } from '../../src/core/errors.js';
import { compileLogFormat } from '../../src/logs/log-format.js';

const dir = loghubDir();
const formats = JSON.parse(fs.readFileSync(path.join(dir, 'formats.json'), 'utf8')) as Record<string, string>;

describe('log formats', () => {
  it.each(datasetNames)('%s: every line splits into the fields of its structured CSV', (name) => {
    const format = compileLogFormat(formats[name]);
    const lines = splitLines(fs.readFileSync(path.join(dir, name, `${name}_2k.log`), 'utf8'));
    const [header, ...rows] = parseCsv(
      fs.readFileSync(path.join(dir, name, `${name}_2k.log_structured.csv`), 'utf8'),
    );
    expect(lines).toHaveLength(rows.length);
    const got = lines.map((line) => format.match(line));
    const want = rows.map((row) => Object.fromEntries(format.fields.map((f) => [f, row[header.indexOf(f)]])));
    expect(got).toEqual(want);
  });

  it('matches fields lazily, blanks as whitespace runs, the whole trimmed line', () => {
    const format = compileLogFormat('<Date> <Time>, <Level> <Content>');
    expect(format.fields).toEqual(['Date', 'Time', 'Level', 'Content']);
    expect(format.match('  2016-09-28 04:30:31, Info \t   CSI  a  b \r')).toEqual({
      Date: '2016-09-28',
      Time: '04:30:31',
      Level: 'Info',
      Content: 'CSI  a  b',
    });
    expect(format.match('no comma here')).toBeNull();
    expect(compileLogFormat('\\[<Time>\\] \\[<Level>\\] <Content>').match('[a b] [error] x')).toEqual({
      Time: 'a b',
      Level: 'error',
      Content: 'x',
    });
  });

  it('refuses a format it cannot use, saying why', () => {
    const reasons: Array<[string, RegExp]> = [
      ['<Date <Content>', /not closed/],
      ['<Date> <Content', /not closed/],
      ['<Date> > <Content>', /closes no field/],
      ['<Date> <Time>', /no <Content>/],
      ['<Da te> <Content>', /not a field name/],
      ['<Content> <Content>', /appears twice/],
      ['(<Date> <Content>', /not a valid regular expression/],
    ];
    for (const [format, reason] of reasons) {
      let thrown: unknown;
      try {
        compileLogFormat(format);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, format).toBeInstanceOf(DomainError);
      expect((thrown as DomainError).kind).toBe('invalid');
      expect((thrown as DomainError).message).toMatch(reason);
    }
  });
});
