// The translation check over the real web app (docs/i18n.md): translated files show no literal words, every
// key they use is in English and German, and both languages hold the same keys. The check itself is tested
// on small sources so it is known to fail when it should.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCatalogues, checkKeys, checkSource, checkTree, isTranslated } from './i18n-check.js';

const root = join(import.meta.dirname, '../..');

describe('the web app', () => {
  const report = checkTree(root, join(root, 'web/src'), join(root, 'web/src/i18n'));

  it('shows no literal words in a translated file', () => {
    // Reported, not failed: the files still to translate, with how many literals each shows.
    console.log(
      `i18n: ${report.translated.length} files translated, ${report.untranslated.length} still show literals:\n` +
        report.untranslated.map((u) => `  ${u.file} (${u.findings})`).join('\n'),
    );
    expect(report.findings.map((f) => `${f.file}:${f.line}: ${f.message}`)).toEqual([]);
  });

  it('finds every key it uses in English and German', () => {
    expect(report.keyProblems).toEqual([]);
  });

  it('holds the same keys in English and German, each a valid ICU message with the same arguments', () => {
    expect(report.catalogueProblems).toEqual([]);
  });
});

describe('the check', () => {
  const page = `
import { useTranslation } from 'react-i18next';
export function Page({ n }: { n: number }) {
  const { t } = useTranslation('tickets');
  return (
    <section title="Queue" aria-label={t('queue')}>
      <h1>Open tickets</h1>
      <p>{n > 0 ? 'Some' : t('none')}</p>
      <input placeholder={\`Search \${n}\`} />
      <span>{n} · {'—'}</span>
      {/* i18n-ignore: a product name */}
      <b>PromQL</b>
      <i>{t('common:save')}</i>
    </section>
  );
}`;

  it('finds JSX text, visible attributes and shown literals, and not what is marked or wordless', () => {
    const { findings, keys } = checkSource('page.tsx', page);
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [6, 'attribute title="Queue" outside the catalogues'],
      [7, 'text "Open tickets" outside the catalogues'],
      [8, "literal 'Some' shown outside the catalogues"],
      [9, `attribute placeholder=\`Search \${n}\` outside the catalogues`],
    ]);
    expect(keys.map((k) => `${k.namespace}:${k.key}`)).toEqual([
      'tickets:queue',
      'tickets:none',
      'common:save',
    ]);
  });

  it('reads the namespace of the component a t() is in', () => {
    const source = `
function A() { const { t } = useTranslation('a'); return <p>{t('x')}</p>; }
function B() { const { t } = useTranslation(['b', 'common']); return <p>{t('y')}</p>; }
const label = () => t('z');`;
    expect(checkSource('two.tsx', source).keys.map((k) => `${k.namespace}:${k.key}`)).toEqual([
      'a:x',
      'b:y',
      'common:z',
    ]);
  });

  it('finds the page title and browser dialogs', () => {
    const source = `useTitle('Queue'); if (window.confirm('Delete it?')) alert(t('gone'));`;
    expect(checkSource('calls.ts', source).findings.map((f) => f.message)).toEqual([
      "useTitle('Queue') outside the catalogues",
      "confirm('Delete it?') outside the catalogues",
    ]);
  });

  it('takes a file as translated once it imports react-i18next or the i18n module', () => {
    expect(isTranslated(`import { useTranslation } from 'react-i18next';`)).toBe(true);
    expect(isTranslated(`import { t } from '../i18n';`)).toBe(true);
    expect(isTranslated(`import { t } from './i18n';`)).toBe(true);
    expect(isTranslated(`import { uiLocale } from '../locale';`)).toBe(false);
  });

  it('finds a key missing in one language, a namespace in one language, and a broken or different message', () => {
    const problems = checkCatalogues({
      en: {
        a: { hello: 'Hello {name}', n: '{count, plural, one {# ticket} other {# tickets}}', only: 'x' },
        b: { k: 'v' },
      },
      de: { a: { hello: 'Hallo {nom}', n: '{count, plural, one {# Ticket} other {# Tickets}' } },
    });
    expect(problems).toEqual([
      'de/a.json lacks "only"',
      'de/a.json "hello" uses {nom}, en uses {name}',
      expect.stringMatching(/^de\/a\.json "n" is not an ICU message/),
      'de/b.json is missing',
    ]);
    expect(
      checkKeys([{ file: 'p.tsx', line: 3, namespace: 'a', key: 'gone' }], {
        en: { a: { gone: 'Gone' } },
        de: { a: {} },
      }),
    ).toEqual(['p.tsx:3: "a:gone" is missing in de']);
  });
});
