// The error catalogue in code and in docs/errors.md agree, and every code the source throws is catalogued:
// the constructors take only a catalogued code of their own kind (the typecheck refuses any other).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CodeOfKind,
  Conflict,
  type ErrorCode,
  errorCatalogue,
  httpStatusOfKind,
  Invalid,
  NotFound,
} from '../../src/core/errors.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('error catalogue', () => {
  const doc = fs.readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const),
  );

  it('documents exactly the catalogued codes, with their HTTP status', () => {
    const inCode = new Map(
      Object.entries(errorCatalogue).map(([code, e]) => [code, httpStatusOfKind[e.kind]] as const),
    );
    expect([...documented.entries()].sort()).toEqual([...inCode.entries()].sort());
  });

  it('a constructor takes only a catalogued code of its own kind', () => {
    // @ts-expect-error a code that is not in the catalogue
    const unknown = () => new NotFound('no_such_thing', 'x');
    // @ts-expect-error a conflict's code is not a not_found's: its HTTP status would lie
    const wrongKind = () => new NotFound('email_taken', 'x');
    // @ts-expect-error a free string, as codes were before the catalogue typed them
    const anyString = (code: string) => new Invalid(code, 'x');
    expect([unknown, wrongKind, anyString]).toHaveLength(3);

    expectTypeOf<CodeOfKind<'not_found'>>().toExtend<ErrorCode>();
    expectTypeOf<'ticket_not_found'>().toExtend<CodeOfKind<'not_found'>>();
    expectTypeOf<'ticket_not_found'>().not.toExtend<CodeOfKind<'conflict'>>();
    const e = new Conflict('email_taken', 'Another account already uses this email address.');
    expect(httpStatusOfKind[errorCatalogue[e.code].kind]).toBe(409);
  });
});
