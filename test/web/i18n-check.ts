// The web app's translation check, without a browser: parses web/src with the TypeScript compiler API and
// reports user-visible string literals outside the catalogues, keys used in code but missing from a
// catalogue, keys or namespaces present in one language only, and messages ICU cannot parse. A file is
// checked once it is translated — it imports react-i18next or the i18n module (docs/i18n.md); the others
// are only counted, so pages can be translated one at a time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import ts from 'typescript';

export interface Finding {
  file: string;
  line: number;
  message: string;
}

/** JSX attributes whose text a person reads or hears. */
export const visibleAttributes = new Set([
  'title',
  'placeholder',
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'alt',
  'label',
  // the shared components' text props (web/src/ui): Field, Empty, Loading, ErrorMessage, pickers, charts
  'hint',
  'error',
  'emptyText',
  'caption',
  'summary',
  'unit',
  'confirm',
]);

/** Calls whose string argument a person reads: the page title, browser dialogs. */
export const visibleCalls = new Set(['useTitle', 'confirm', 'alert', 'prompt']);

/** Whole literals that stay the same in every language. */
export const untranslatable = new Set(['opsdesk']);

const letter = /\p{L}/u;
const ignoreMarker = 'i18n-ignore';

/** A file is translated (and so checked) once it takes its words from i18next. */
export function isTranslated(source: string): boolean {
  return /from ['"]react-i18next['"]|from ['"](?:\.\.?\/)+(?:\.\.\/)*i18n['"]|from ['"]\.\/i18n['"]/.test(
    source,
  );
}

export interface UsedKey {
  file: string;
  line: number;
  namespace: string;
  key: string;
}

export interface SourceReport {
  findings: Finding[];
  keys: UsedKey[];
}

function needsWords(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && letter.test(trimmed) && !untranslatable.has(trimmed);
}

/** Check one source file's text. `file` names it in findings. */
export function checkSource(file: string, text: string, defaultNamespace = 'common'): SourceReport {
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const lines = text.split('\n');
  const findings: Finding[] = [];
  const keys: UsedKey[] = [];
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const ignored = (node: ts.Node) => {
    const line = lineOf(node);
    return (lines[line - 1] ?? '').includes(ignoreMarker) || (lines[line - 2] ?? '').includes(ignoreMarker);
  };
  const report = (node: ts.Node, message: string) => {
    if (!ignored(node)) findings.push({ file, line: lineOf(node), message });
  };

  // The literal text that an expression shows as it is, without descending into calls (t('key') and
  // format(x, 'short') take arguments, not words).
  const shownLiterals = (expr: ts.Expression, out: ts.Node[]) => {
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) {
      if (needsWords(expr.text)) out.push(expr);
    } else if (ts.isTemplateExpression(expr)) {
      const parts = [expr.head.text, ...expr.templateSpans.map((s) => s.literal.text)];
      if (parts.some(needsWords)) out.push(expr);
      for (const span of expr.templateSpans) shownLiterals(span.expression, out);
    } else if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) {
      shownLiterals(expr.expression, out);
    } else if (ts.isConditionalExpression(expr)) {
      shownLiterals(expr.whenTrue, out);
      shownLiterals(expr.whenFalse, out);
    } else if (ts.isBinaryExpression(expr)) {
      const op = expr.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) {
        shownLiterals(expr.left, out);
        shownLiterals(expr.right, out);
      } else if (
        op === ts.SyntaxKind.AmpersandAmpersandToken ||
        op === ts.SyntaxKind.BarBarToken ||
        op === ts.SyntaxKind.QuestionQuestionToken
      ) {
        shownLiterals(expr.right, out);
        if (op !== ts.SyntaxKind.AmpersandAmpersandToken) shownLiterals(expr.left, out);
      }
    }
  };

  // The namespace each component's t() reads: `const { t } = useTranslation('ns')` in the nearest enclosing
  // function, else the default namespace.
  const namespaceOf = new Map<ts.Node, string>();
  const enclosingFunction = (node: ts.Node): ts.Node => {
    let n: ts.Node | undefined = node.parent;
    while (n && !ts.isFunctionLike(n) && !ts.isSourceFile(n)) n = n.parent;
    return n ?? sf;
  };
  const namespaceAt = (node: ts.Node): string => {
    let n: ts.Node | undefined = node;
    while (n) {
      const ns = namespaceOf.get(n);
      if (ns) return ns;
      n = n.parent;
    }
    return defaultNamespace;
  };

  const firstPass = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'useTranslation' &&
      node.arguments.length > 0
    ) {
      const arg = node.arguments[0];
      const ns = ts.isStringLiteral(arg)
        ? arg.text
        : ts.isArrayLiteralExpression(arg) && arg.elements[0] && ts.isStringLiteral(arg.elements[0])
          ? arg.elements[0].text
          : undefined;
      if (ns) namespaceOf.set(enclosingFunction(node), ns);
    }
    ts.forEachChild(node, firstPass);
  };
  firstPass(sf);

  const isTCall = (node: ts.CallExpression) => {
    const callee = node.expression;
    if (ts.isIdentifier(callee)) return callee.text === 't';
    return ts.isPropertyAccessExpression(callee) && callee.name.text === 't';
  };

  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      if (needsWords(node.text)) report(node, `text "${node.text.trim()}" outside the catalogues`);
    } else if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent)) {
      const out: ts.Node[] = [];
      shownLiterals(node.expression, out);
      for (const lit of out) report(lit, `literal ${lit.getText(sf)} shown outside the catalogues`);
    } else if (ts.isJsxAttribute(node) && node.initializer) {
      const name = node.name.getText(sf);
      if (visibleAttributes.has(name)) {
        const init = node.initializer;
        const out: ts.Node[] = [];
        if (ts.isStringLiteral(init)) {
          if (needsWords(init.text)) out.push(init);
        } else if (ts.isJsxExpression(init) && init.expression) {
          shownLiterals(init.expression, out);
        }
        for (const lit of out) report(lit, `attribute ${name}=${lit.getText(sf)} outside the catalogues`);
      }
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee) && callee.expression.getText(sf) === 'window'
          ? callee.name.text
          : undefined;
      if (name && visibleCalls.has(name)) {
        const out: ts.Node[] = [];
        for (const arg of node.arguments) shownLiterals(arg, out);
        for (const lit of out) report(lit, `${name}(${lit.getText(sf)}) outside the catalogues`);
      }
      if (isTCall(node) && node.arguments.length > 0) {
        const arg = node.arguments[0];
        if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) {
          const colon = arg.text.indexOf(':');
          const namespace = colon >= 0 ? arg.text.slice(0, colon) : namespaceAt(node);
          const key = colon >= 0 ? arg.text.slice(colon + 1) : arg.text;
          keys.push({ file, line: lineOf(node), namespace, key });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { findings, keys };
}

export type Catalogues = Record<string, Record<string, Record<string, unknown>>>;

/** web/src/i18n/<language>/<namespace>.json, read from disk. */
export function readCatalogues(dir: string): Catalogues {
  const out: Catalogues = {};
  for (const language of readdirSync(dir)) {
    const path = join(dir, language);
    if (!statSync(path).isDirectory()) continue;
    out[language] = {};
    for (const file of readdirSync(path)) {
      if (!file.endsWith('.json')) continue;
      out[language][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(path, file), 'utf8'));
    }
  }
  return out;
}

type IcuElement = ReturnType<IntlMessageFormat['getAst']>[number];

/** Parses an ICU message as i18next-icu does (tags are text), throwing on a syntax error. */
function parseIcu(message: string): IcuElement[] {
  return new IntlMessageFormat(message, 'en', undefined, { ignoreTag: true }).getAst();
}

/** The argument names a message uses ({count, plural, …} → count), to compare the languages. */
function argumentsOf(elements: IcuElement[], out = new Set<string>()): Set<string> {
  for (const el of elements) {
    // 0 is literal text, 7 the # of a plural: neither names an argument.
    if (el.type === 0 || el.type === 7) continue;
    if ('value' in el && typeof el.value === 'string') out.add(el.value);
    if ('options' in el && el.options) {
      for (const option of Object.values(el.options) as { value: IcuElement[] }[])
        argumentsOf(option.value, out);
    }
    if ('children' in el && Array.isArray(el.children)) argumentsOf(el.children, out);
  }
  return out;
}

/** Every namespace and key in every language; every message parses and uses the same arguments. */
export function checkCatalogues(catalogues: Catalogues, reference = 'en'): string[] {
  const problems: string[] = [];
  const languages = Object.keys(catalogues).sort();
  const namespaces = new Set(languages.flatMap((l) => Object.keys(catalogues[l])));
  for (const ns of [...namespaces].sort()) {
    const keys = new Set(languages.flatMap((l) => Object.keys(catalogues[l][ns] ?? {})));
    for (const language of languages) {
      const catalogue = catalogues[language][ns];
      if (!catalogue) {
        problems.push(`${language}/${ns}.json is missing`);
        continue;
      }
      for (const key of [...keys].sort()) {
        if (!(key in catalogue)) problems.push(`${language}/${ns}.json lacks "${key}"`);
      }
      for (const [key, value] of Object.entries(catalogue)) {
        if (typeof value !== 'string' || value.trim() === '') {
          problems.push(
            `${language}/${ns}.json "${key}" is not a non-empty string (keys are flat: no nesting)`,
          );
          continue;
        }
        if (key.includes(':')) problems.push(`${language}/${ns}.json "${key}": a key cannot contain ":"`);
        try {
          const args = argumentsOf(parseIcu(value));
          const ref = catalogues[reference]?.[ns]?.[key];
          if (language !== reference && typeof ref === 'string') {
            const refArgs = argumentsOf(parseIcu(ref));
            const a = [...args].sort().join(',');
            const b = [...refArgs].sort().join(',');
            if (a !== b)
              problems.push(`${language}/${ns}.json "${key}" uses {${a}}, ${reference} uses {${b}}`);
          }
        } catch (err) {
          problems.push(`${language}/${ns}.json "${key}" is not an ICU message: ${(err as Error).message}`);
        }
      }
    }
  }
  return problems;
}

/** Keys used in code that a language lacks. */
export function checkKeys(used: UsedKey[], catalogues: Catalogues): string[] {
  const problems: string[] = [];
  for (const u of used) {
    for (const language of Object.keys(catalogues).sort()) {
      const catalogue = catalogues[language][u.namespace];
      if (!catalogue)
        problems.push(`${u.file}:${u.line}: namespace "${u.namespace}" has no ${language} catalogue`);
      else if (!(u.key in catalogue))
        problems.push(`${u.file}:${u.line}: "${u.namespace}:${u.key}" is missing in ${language}`);
    }
  }
  return problems;
}

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

export interface TreeReport {
  translated: string[];
  untranslated: { file: string; findings: number }[];
  findings: Finding[];
  keyProblems: string[];
  catalogueProblems: string[];
}

/** The whole check over a web source folder and its catalogues. */
export function checkTree(root: string, srcDir: string, cataloguesDir: string): TreeReport {
  const catalogues = readCatalogues(cataloguesDir);
  const report: TreeReport = {
    translated: [],
    untranslated: [],
    findings: [],
    keyProblems: [],
    catalogueProblems: [],
  };
  const used: UsedKey[] = [];
  for (const path of sourceFiles(srcDir)) {
    const file = relative(root, path);
    const text = readFileSync(path, 'utf8');
    const { findings, keys } = checkSource(file, text);
    if (isTranslated(text)) {
      report.translated.push(file);
      report.findings.push(...findings);
      used.push(...keys);
    } else if (findings.length > 0) {
      report.untranslated.push({ file, findings: findings.length });
    }
  }
  report.keyProblems = checkKeys(used, catalogues);
  report.catalogueProblems = checkCatalogues(catalogues);
  return report;
}
