// Relabelling as Prometheus documents relabel_config: each action, anchored regexes, $1/${name} expansion,
// hashmod's value (checked against Prometheus's own), and configs that do not compile are refused by field.
import { describe, expect, it } from 'vitest';
import {
  compileRelabels,
  expandTemplate,
  type RelabelConfig,
  relabel,
} from '../../src/monitoring/relabel.js';

const run = (labels: Record<string, string>, ...configs: RelabelConfig[]) =>
  relabel(labels, compileRelabels(configs, '/relabel'));

describe('relabel_config', () => {
  it('replace: joins sources with the separator, anchors the regex, expands $1 and $name', () => {
    expect(
      run(
        { __name__: 'up', a: 'foo', b: 'bar' },
        {
          source_labels: ['a', 'b'],
          regex: '(f.o);(?<rest>.*)',
          target_label: 'c',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Prometheus's replacement syntax, not JavaScript's
          replacement: '${rest}-$1',
        },
      ),
    ).toEqual({ __name__: 'up', a: 'foo', b: 'bar', c: 'bar-foo' });
    // Anchored: "oo" does not match "foo" as a whole, so nothing changes.
    expect(
      run({ a: 'foo' }, { source_labels: ['a'], regex: 'oo', target_label: 'c', replacement: 'x' }),
    ).toEqual({
      a: 'foo',
    });
    // An empty result removes the target label.
    expect(run({ a: 'foo', c: 'old' }, { source_labels: ['b'], regex: '(.*)', target_label: 'c' })).toEqual({
      a: 'foo',
    });
    // The target label is a template too.
    expect(
      run({ a: 'zone' }, { source_labels: ['a'], regex: '(.*)', target_label: 'my_$1', replacement: 'v' }),
    ).toEqual({ a: 'zone', my_zone: 'v' });
  });

  it('keep and drop decide on the joined value', () => {
    expect(
      run({ __name__: 'node_cpu' }, { source_labels: ['__name__'], regex: 'node_.*', action: 'keep' }),
    ).not.toBeNull();
    expect(
      run({ __name__: 'go_gc' }, { source_labels: ['__name__'], regex: 'node_.*', action: 'keep' }),
    ).toBeNull();
    expect(
      run({ __name__: 'go_gc' }, { source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }),
    ).toBeNull();
  });

  it('keepequal and dropequal compare with the target label', () => {
    const c = { source_labels: ['a'], target_label: 'b' };
    expect(run({ a: '1', b: '1' }, { ...c, action: 'keepequal' })).not.toBeNull();
    expect(run({ a: '1', b: '2' }, { ...c, action: 'keepequal' })).toBeNull();
    expect(run({ a: '1', b: '1' }, { ...c, action: 'dropequal' })).toBeNull();
  });

  it('labelmap, labeldrop and labelkeep work on names', () => {
    expect(
      run(
        { __meta_kubernetes_pod_label_app: 'web', x: '1' },
        { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
      ),
    ).toEqual({ __meta_kubernetes_pod_label_app: 'web', x: '1', app: 'web' });
    expect(run({ a: '1', ab: '2', b: '3' }, { action: 'labeldrop', regex: 'a.*' })).toEqual({ b: '3' });
    expect(run({ __name__: 'm', a: '1', b: '3' }, { action: 'labelkeep', regex: '__name__|a' })).toEqual({
      __name__: 'm',
      a: '1',
    });
  });

  it('hashmod takes the low 8 bytes of the MD5 as Prometheus does', () => {
    // Prometheus's relabel_test.go: "baz" and "foo\nbar" with modulus 1000 give 976 and 734.
    const hashmod: RelabelConfig = {
      action: 'hashmod',
      source_labels: ['c'],
      target_label: 'd',
      modulus: 1000,
    };
    expect(run({ c: 'baz' }, hashmod)?.d).toBe('976');
    expect(run({ c: 'foo\nbar' }, hashmod)?.d).toBe('734');
  });

  it('lowercase and uppercase', () => {
    expect(run({ a: 'AbC' }, { action: 'lowercase', source_labels: ['a'], target_label: 'l' })?.l).toBe(
      'abc',
    );
    expect(run({ a: 'AbC' }, { action: 'uppercase', source_labels: ['a'], target_label: 'u' })?.u).toBe(
      'ABC',
    );
  });

  it('does not change its input', () => {
    const labels = { a: '1' };
    run(labels, { action: 'labeldrop', regex: 'a' });
    expect(labels).toEqual({ a: '1' });
  });

  it('refuses configs that cannot work, naming the field', () => {
    expect(() => compileRelabels([{ regex: '(' }], '/m')).toThrow(
      expect.objectContaining({ code: 'invalid_relabel_config' }),
    );
    expect(() => compileRelabels([{ action: 'hashmod', target_label: 'h' }], '/m')).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ field: '/m/0/modulus' })] }),
    );
    expect(() => compileRelabels([{ action: 'replace' }], '/m')).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ field: '/m/0/target_label' })] }),
    );
    expect(() => compileRelabels([{ action: 'nope' as never }], '/m')).toThrow();
  });

  it('expands templates as Go does', () => {
    const m = /^(?<first>a)(b)$/.exec('ab') as RegExpExecArray;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's template syntax, not JavaScript's
    expect(expandTemplate('$1-$2-${first}-$first-$$-${3}-$1x', m)).toBe('a-b-a-a-$--');
  });
});
