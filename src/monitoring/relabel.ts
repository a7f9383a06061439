// Prometheus's relabel_config (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config)
// for scrape targets (relabel_configs) and scraped samples (metric_relabel_configs): replace, keep, drop, keepequal,
// dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase. Regexes are fully anchored as in
// Prometheus (RE2 there, JavaScript's engine here: the common syntax is the same); replacements expand $1, ${1},
// $name and ${name} as Go's Regexp.Expand does. Configs are compiled once per target and reused per sample.
import { createHash } from 'node:crypto';
import { Invalid } from '../core/errors.js';
import { compileLabelRegex, type Labels } from './metric-model.js';

export const relabelActions = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof relabelActions)[number];

/** A relabel_config as Prometheus's YAML writes it (snake_case, so a Prometheus config can be pasted). */
export interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  target_label?: string;
  regex?: string;
  modulus?: number;
  replacement?: string;
  action?: RelabelAction;
}

interface CompiledRelabel {
  action: RelabelAction;
  sources: string[];
  separator: string;
  target: string;
  regex: RegExp;
  /** The regex as written was the default "(.*)": matches anything, so replace can skip exec. */
  matchesAll: boolean;
  modulus: number;
  replacement: string;
}

export type CompiledRelabels = readonly CompiledRelabel[];

const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Validate and compile configs; throws Invalid naming the config and field. */
export function compileRelabels(configs: readonly RelabelConfig[], field: string): CompiledRelabels {
  return configs.map((c, i) => {
    const at = `${field}/${i}`;
    const action = c.action ?? 'replace';
    if (!relabelActions.includes(action))
      throw new Invalid('invalid_relabel_config', `Unknown relabel action ${action}.`, [
        { field: `${at}/action`, message: `one of ${relabelActions.join(', ')}` },
      ]);
    const regexText = c.regex ?? '(.*)';
    let regex: RegExp;
    try {
      regex = compileLabelRegex(regexText);
    } catch (err) {
      throw new Invalid('invalid_relabel_config', 'A relabel regex does not compile.', [
        { field: `${at}/regex`, message: (err as Error).message },
      ]);
    }
    const target = c.target_label ?? '';
    const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(
      action,
    );
    if (needsTarget && target === '')
      throw new Invalid('invalid_relabel_config', `The ${action} action needs a target_label.`, [
        { field: `${at}/target_label`, message: 'required for this action' },
      ]);
    if (
      ['lowercase', 'uppercase', 'hashmod', 'keepequal', 'dropequal'].includes(action) &&
      !labelNamePattern.test(target)
    )
      throw new Invalid('invalid_relabel_config', 'target_label is not a valid label name.', [
        { field: `${at}/target_label`, message: 'a label name' },
      ]);
    const modulus = c.modulus ?? 0;
    if (action === 'hashmod' && !(Number.isInteger(modulus) && modulus > 0))
      throw new Invalid('invalid_relabel_config', 'hashmod needs a positive integer modulus.', [
        { field: `${at}/modulus`, message: 'a positive integer' },
      ]);
    const sources = c.source_labels ?? [];
    for (const [k, name] of sources.entries())
      if (!labelNamePattern.test(name))
        throw new Invalid('invalid_relabel_config', 'A source label is not a valid label name.', [
          { field: `${at}/source_labels/${k}`, message: 'a label name' },
        ]);
    return {
      action,
      sources,
      separator: c.separator ?? ';',
      target,
      regex,
      matchesAll: regexText === '(.*)',
      modulus,
      replacement: c.replacement ?? '$1',
    };
  });
}

/**
 * Apply compiled configs in order to a copy of `labels`; null when a keep/drop dropped the set. The input is not
 * changed. A label set to "" is removed (an empty value is no label).
 */
export function relabel(labels: Labels, configs: CompiledRelabels): Labels | null {
  let out = labels;
  let copied = false;
  for (const c of configs) {
    // Filters only read; the copy is made before the first action that writes (the scrape path's hot loop).
    if (!copied && !filters.has(c.action)) {
      out = { ...labels };
      copied = true;
    }
    if (!applyOne(out, c)) return null;
  }
  return out;
}

const filters = new Set<RelabelAction>(['keep', 'drop', 'keepequal', 'dropequal']);
const namers = new Set<RelabelAction>(['replace', 'labelmap', 'hashmod', 'lowercase', 'uppercase']);

/** Whether the configs may add a label or set a value (so the result needs the label checks again). */
export function relabelsMayWrite(configs: CompiledRelabels): boolean {
  return configs.some((c) => namers.has(c.action));
}

function sourceValue(labels: Labels, c: CompiledRelabel): string {
  if (c.sources.length === 1) return labels[c.sources[0] as string] ?? '';
  let v = '';
  for (let i = 0; i < c.sources.length; i++) {
    if (i > 0) v += c.separator;
    v += labels[c.sources[i] as string] ?? '';
  }
  return v;
}

function applyOne(labels: Labels, c: CompiledRelabel): boolean {
  switch (c.action) {
    case 'drop':
      return !c.regex.test(sourceValue(labels, c));
    case 'keep':
      return c.regex.test(sourceValue(labels, c));
    case 'keepequal':
      return sourceValue(labels, c) === (labels[c.target] ?? '');
    case 'dropequal':
      return sourceValue(labels, c) !== (labels[c.target] ?? '');
    case 'replace': {
      const value = sourceValue(labels, c);
      const m = c.regex.exec(value);
      if (!m) return true;
      const target = expandTemplate(c.target, m);
      if (!labelNamePattern.test(target)) return true;
      const res = expandTemplate(c.replacement, m);
      if (res === '') delete labels[target];
      else labels[target] = res;
      return true;
    }
    case 'lowercase':
    case 'uppercase': {
      const value = sourceValue(labels, c);
      const res = c.action === 'lowercase' ? value.toLowerCase() : value.toUpperCase();
      if (res === '') delete labels[c.target];
      else labels[c.target] = res;
      return true;
    }
    case 'hashmod': {
      const digest = createHash('md5').update(sourceValue(labels, c)).digest();
      // Prometheus: the low 8 bytes of the MD5, big-endian, modulo the modulus.
      const mod = digest.readBigUInt64BE(8) % BigInt(c.modulus);
      labels[c.target] = mod.toString();
      return true;
    }
    case 'labelmap': {
      for (const name of Object.keys(labels)) {
        const m = c.regex.exec(name);
        if (!m) continue;
        const res = expandTemplate(c.replacement, m);
        if (labelNamePattern.test(res)) labels[res] = labels[name] as string;
      }
      return true;
    }
    case 'labeldrop':
      for (const name of Object.keys(labels)) if (c.regex.test(name)) delete labels[name];
      return true;
    case 'labelkeep':
      for (const name of Object.keys(labels)) if (!c.regex.test(name)) delete labels[name];
      return true;
  }
}

/**
 * Go's Regexp.Expand: $1 / ${1} by number, $name / ${name} by group name; `$name` takes the longest run of
 * letters, digits and underscores, so "$1x" is the group named "1x" (empty); "$$" is a dollar; an unknown
 * group is empty.
 */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[a-zA-Z0-9_]+$/.test(inner)) {
        out += c; // not a valid reference: Go copies the $ literally
        i++;
        continue;
      }
      name = inner;
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < template.length && /[a-zA-Z0-9_]/.test(template[j] as string)) j++;
      if (j === i + 1) {
        out += c;
        i++;
        continue;
      }
      name = template.slice(i + 1, j);
      i = j;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}
