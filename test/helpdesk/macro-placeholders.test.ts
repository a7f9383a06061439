// The placeholder syntax of canned responses and macros (fast-check): whatever the text, parsing either
// succeeds or refuses with invalid_placeholder; a parsed text renders by lookup only — text outside
// placeholders is kept as written, values are never parsed again, and nothing is evaluated.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import {
  type PlaceholderName,
  parseTemplate,
  placeholderNames,
  renderTemplate,
  type TemplatePart,
} from '../../src/helpdesk/index.js';

const names = Object.keys(placeholderNames) as PlaceholderName[];
const values = (v: (n: PlaceholderName) => string) =>
  Object.fromEntries(names.map((n) => [n, v(n)])) as Record<PlaceholderName, string>;

/** Text without an opening brace, so it is plain text to the parser wherever it stands. */
const plain = fc.string({ maxLength: 30 }).map((s) => s.replaceAll('{', '('));
const piece = fc.oneof(
  // A lone brace just before a placeholder is text: "{{{ticket.number}}" is "{" and the number.
  fc.constantFrom(...names).map((name) => ({
    text: `{{{${name}}}`,
    part: { kind: 'value', name, brace: true } as TemplatePart & { brace?: boolean },
  })),
  plain.map((text) => ({ text, part: { kind: 'text', text } as TemplatePart })),
  fc
    .constantFrom(...names)
    .map((name) => ({ text: `{{ ${name} }}`, part: { kind: 'value', name } as TemplatePart })),
  fc
    .integer({ min: 1, max: 99_999 })
    .map((id) => ({ text: `{{article:${id}}}`, part: { kind: 'article', id } as TemplatePart })),
);

describe('placeholders', () => {
  it('any text parses or is refused with invalid_placeholder, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc
            .array(
              fc.constantFrom('{{', '}}', '{', '}', 'ticket.number', ' ', 'article:', '7', 'x', '__proto__'),
              {
                maxLength: 20,
              },
            )
            .map((a) => a.join('')),
        ),
        (text) => {
          try {
            const parts = parseTemplate(text);
            // What parsed renders with every placeholder known.
            renderTemplate(parts, { values: values((n) => n), articles: new Map() });
          } catch (err) {
            expect(err).toBeInstanceOf(DomainError);
            expect((err as DomainError).code).toBe('invalid_placeholder');
          }
        },
      ),
    );
  });

  it('a text of known placeholders and plain text renders each by lookup, plain text as written', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.map((p) => p.text).join('');
        const parts = parseTemplate(text);
        const got = renderTemplate(parts, {
          values: values((n) => `<${n}>`),
          articles: new Map([[7, { title: 'Seven', url: '/kb/7' }]]),
        });
        const want = pieces
          .map(({ part }) =>
            part.kind === 'text'
              ? part.text
              : part.kind === 'value'
                ? `${'brace' in part ? '{' : ''}<${part.name}>`
                : part.id === 7
                  ? 'Seven (/kb/7)'
                  : '',
          )
          .join('');
        expect(got).toBe(want);
      }),
    );
  });

  it('values are inserted as they are: a placeholder inside a value stays text, code is not run', () => {
    const parts = parseTemplate('Hi {{requester.name}}, {{agent.name}}');
    const got = renderTemplate(parts, {
      values: values((n) => (n === 'requester.name' ? `{{agent.name}} \${process.exit()}` : 'Bob')),
      articles: new Map(),
    });
    expect(got).toBe(`Hi {{agent.name}} \${process.exit()}, Bob`);
  });

  it('names what is wrong: unknown, unclosed, malformed article ids', () => {
    const message = (text: string) => {
      try {
        parseTemplate(text, '/body');
        return 'parsed';
      } catch (err) {
        return (err as DomainError).message;
      }
    };
    expect(message('{{ticket.numbr}}')).toMatch(/unknown placeholder \{\{ticket\.numbr\}\}/);
    expect(message('Hi {{requester.name')).toMatch(/unclosed placeholder at character 4/);
    expect(message('{{article:0}}')).toMatch(/unknown placeholder/);
    expect(message('{{toString}}')).toMatch(/unknown placeholder/);
    expect(message('no braces { here }')).toBe('parsed');
  });
});
