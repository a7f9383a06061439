// Every relative link in README.md and docs/*.md leads to a file of this repository: a contributor who
// clones it alone finds everything the documents point to (no ../shared/…, no dead paths).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const documents = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The link targets of a Markdown text, outside code (fenced blocks and `spans`), web links left out. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
  const targets = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...targets, ...references].filter((t) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(t));
}

describe('documentation links', () => {
  it('finds the documents', () => {
    expect(documents).toContain('README.md');
    expect(documents).toContain('docs/architecture.md');
  });

  it.each(documents)('every relative link in %s resolves to a file in the repository', (doc) => {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    const broken: string[] = [];
    for (const link of relativeLinks(text)) {
      const target = path.resolve(path.dirname(path.join(root, doc)), decodeURI(link.split('#')[0]));
      const inside = !path.relative(root, target).startsWith('..') && !path.isAbsolute(link);
      if (!inside || !fs.existsSync(target)) broken.push(link);
    }
    expect(broken).toEqual([]);
  });
});
