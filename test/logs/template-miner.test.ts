// The template miner: masking, the tree's choices, stable ids across a restore, invariants under random input
// (fast-check), and grouping accuracy on the ten loghub datasets against Drain's published figures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  datasetNames,
  drainAccuracy,
  groupingAccuracy,
  loadDataset,
  mineDataset,
} from '../../bench/log-templates.js';
import { compileLogFormat } from '../../src/logs/log-format.js';
import { type StoredTemplate, TemplateMiner } from '../../src/logs/template-miner.js';
import { maskMessage, maskToken } from '../../src/logs/token-masks.js';

/** The template as a pattern over the message: <*> stands for any text, a space for any blank run. */
function templateMatches(template: string, message: string): boolean {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = template
    .split(' ')
    .map((word) => word.split('<*>').map(literal).join('.*?'))
    .join('\\s+');
  return new RegExp(`^${pattern}$`, 's').test(message.trim());
}

/** Each message's group's final id, following the merges the miner reported. */
function finalIds(messages: string[], miner = new TemplateMiner()): string[] {
  const into = new Map<string, string>();
  const ids = messages.map((m) => {
    const id = miner.assign(m).templateId;
    for (const merge of miner.takeMerges()) into.set(merge.from, merge.into);
    return id;
  });
  return ids.map((id) => {
    let at = id;
    for (let next = into.get(at); next !== undefined; next = into.get(at)) at = next;
    return at;
  });
}

describe('token masks', () => {
  it('masks numbers, addresses, ids and paths, keeping keys, calls and punctuation around them', () => {
    expect(maskToken('uid=0')).toBe('uid=<*>');
    expect(maskToken('10.251.73.220:50010')).toBe('<*>');
    expect(maskToken('blk_-6952295868487656571')).toBe('<*>');
    expect(maskToken('sshd[24200]:')).toBe('sshd[<*>]:');
    expect(maskToken('2).')).toBe('<*>).');
    expect(maskToken('(TID')).toBe('(TID');
    expect(maskToken('chdir(/p/gb1/stella)')).toBe('chdir(<*>)');
    expect(maskToken('/usr/lib/libc.so')).toBe('<*>');
    expect(maskToken('./runtime_malloc:')).toBe('<*>:');
    expect(maskToken('0x7fed806eb5d')).toBe('<*>');
    expect(maskToken('3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBe('<*>');
    expect(maskToken('instruction......0')).toBe('instruction......<*>');
    expect(maskToken('host.example.com:443')).toBe('<*>');
  });

  it('keeps words: plain words, a lone slash, names numbered with a digit or two', () => {
    for (const word of ['connection', 'and/or', 'N/A', 'ssh2', 'eth0', 'SOCKS5', 'IPv4', 'May', '****']) {
      expect(maskToken(word)).toBe(word);
    }
  });

  it('takes a number with its unit, and a bracketed restatement of a quantity, as one variable', () => {
    expect(maskMessage('lifetime <1 sec')).toBe('lifetime <*>');
    expect(maskMessage('lifetime 00:02')).toBe('lifetime <*>');
    expect(maskMessage('x close, 1190 bytes (1.16 KB) sent, 403 bytes received')).toBe(
      'x close, <*> sent, <*> received',
    );
    expect(maskMessage('took 250 ms,')).toBe('took <*>,');
  });

  it('takes a run of bare variables as one list, however long', () => {
    expect(maskMessage('ask 10.0.0.1:50010 to delete blk_1 blk_-2 blk_3')).toBe('ask <*> to delete <*>');
    expect(maskMessage('ask 10.0.0.1:50010 to delete blk_1')).toBe('ask <*> to delete <*>');
    expect(maskMessage('speeds ( 3552 3534 **** 3515 )')).toBe('speeds ( <*> **** <*> )');
  });

  it('masks day and month names, which are parts of dates', () => {
    expect(maskMessage('at Sat Jul 9 22:53:19 2005')).toBe('at <*>');
    expect(maskMessage('[Sun Dec 04 04:47:44 2005]')).toBe('[<*> <*> <*>]');
  });

  it('treats any run of blanks as one separator', () => {
    expect(maskMessage('  a \t b  ')).toBe('a b');
    expect(maskMessage('')).toBe('');
  });
});

describe('the template miner', () => {
  it('gives messages of one masked form one template, and says when it made it', () => {
    const miner = new TemplateMiner();
    const a = miner.assign('Receiving block blk_1 src: /10.0.0.1:5000');
    const b = miner.assign('Receiving block blk_2 src: /10.0.0.2:5001');
    expect(a.created).toBe(true);
    expect(b).toEqual({
      templateId: a.templateId,
      template: 'Receiving block <*> src: <*>',
      created: false,
      changed: false,
    });
  });

  it('makes a word a variable once four templates differ in it alone, and reports the merges', () => {
    const miner = new TemplateMiner();
    const users = ['webmaster', 'chen', 'pgadmin', 'support'];
    const first = users.slice(0, 3).map((u) => miner.assign(`Invalid user ${u} from 10.0.0.1`));
    expect(new Set(first.map((a) => a.templateId)).size).toBe(3);
    const fourth = miner.assign('Invalid user support from 10.0.0.9');
    expect(fourth).toMatchObject({ template: 'Invalid user <*> from <*>', changed: true, created: false });
    expect(fourth.templateId).toBe(first[0].templateId);
    expect(miner.takeMerges()).toEqual([
      { from: first[1].templateId, into: first[0].templateId },
      { from: first[2].templateId, into: first[0].templateId },
    ]);
    expect(miner.takeMerges()).toEqual([]);
    expect(miner.assign('Invalid user oracle from 10.0.0.3').templateId).toBe(first[0].templateId);
  });

  it('keeps a closed set of words apart (three values of one word are three events)', () => {
    const miner = new TemplateMiner();
    const ids = ['ee0', 'alt0', 'scip0'].map(
      (i) =>
        miner.assign(`NIFF: node node-1 has detected an available network connection via interface ${i}`)
          .templateId,
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('makes an identifier-like word a variable at three values', () => {
    const miner = new TemplateMiner();
    const events = ['CONTAINER_REMOTE_LAUNCH', 'CONTAINER_REMOTE_CLEANUP', 'CONTAINER_REMOTE_KILL'];
    const ids = events.map((e) => miner.assign(`Processing the event EventType: ${e} for container main`));
    expect(ids[2]).toMatchObject({ templateId: ids[0].templateId, changed: true });
    expect(ids[2].template).toBe('Processing the event EventType: <*> for container main');
  });

  it('lets a masked word take the same key or brackets around a plain value', () => {
    const miner = new TemplateMiner();
    const a = miner.assign('session opened for user=1000 by (uid=0)');
    expect(a.template).toBe('session opened for user=<*> by (uid=<*>)');
    expect(miner.assign('session opened for user=root by (uid=0)').templateId).toBe(a.templateId);
    const b = miner.assign('connection from 10.0.0.1 (host1.example.com) at noon');
    expect(miner.assign('connection from 10.0.0.2 () at noon').templateId).toBe(b.templateId);
  });

  it('does not call short messages one template because they share a word or less', () => {
    const miner = new TemplateMiner();
    const states = ['running', 'blocked', 'starting', 'closing', 'active'];
    expect(new Set(states.map((s) => miner.assign(s).templateId)).size).toBe(5);
    const commands = ['boot', 'wait', 'halt', 'risBoot', 'clusterAddMember'];
    expect(new Set(commands.map((c) => miner.assign(`${c} (command 123)`).templateId)).size).toBe(5);
  });

  it('lets a template born with a variable take in an earlier template it covers', () => {
    const miner = new TemplateMiner();
    const webmaster = miner.assign('Invalid user webmaster from 10.0.0.1');
    const test9 = miner.assign('Invalid user test9x1 from 10.0.0.2');
    expect(test9.template).toBe('Invalid user <*> from <*>');
    expect(miner.takeMerges()).toEqual([{ from: webmaster.templateId, into: test9.templateId }]);
    expect(miner.assign('Invalid user webmaster from 10.0.0.3').templateId).toBe(test9.templateId);
  });

  it('does not let a template of variables only stand for words', () => {
    const miner = new TemplateMiner();
    const registers = miner.assign('r24=0 r25=1 r26=2 r27=3');
    const iar = miner.assign('iar 00106570 dear 0245a0b8');
    expect(iar.templateId).not.toBe(registers.templateId);
    const fans = miner.assign('Fan speeds ( 3552 3534 3375 4904 3515 3479 )');
    expect(miner.assign('Fan speeds ( 3552 3534 3375 **** 3515 3479 )').templateId).not.toBe(fans.templateId);
  });

  it('gives the same ids in two instances: an id is a hash of the template text at creation', () => {
    const a = new TemplateMiner().assign('disk /dev/sda1 is 91% full');
    const b = new TemplateMiner().assign('disk /dev/sdb2 is 97% full');
    expect(a.templateId).toBe(b.templateId);
    expect(a.templateId).toMatch(/^[0-9a-z]{14}$/);
    const c = new TemplateMiner().assign('disk /dev/sda1 is full');
    expect(c.templateId).not.toBe(a.templateId);
  });

  it('learns stored templates: a known id is updated, not duplicated', () => {
    const miner = new TemplateMiner([{ id: 't1', template: 'session opened for user <*>' }]);
    expect(miner.assign('session opened for user root').templateId).toBe('t1');
    miner.learn([
      { id: 't1', template: 'session <*> for user <*>' },
      { id: 't2', template: 'check pass; user unknown' },
    ]);
    expect(miner.templates()).toEqual([
      { id: 't1', template: 'session <*> for user <*>' },
      { id: 't2', template: 'check pass; user unknown' },
    ]);
    expect(miner.assign('session closed for user root').templateId).toBe('t1');
  });

  it('gives an empty message a template too', () => {
    const miner = new TemplateMiner();
    const a = miner.assign('');
    expect(a.template).toBe('');
    expect(miner.assign('   ').templateId).toBe(a.templateId);
  });
});

// Messages from a small vocabulary, so that random sequences share words, vary in one place, and merge.
const word = fc.constantFrom(
  'user',
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'from',
  'port',
  'failed',
  'session',
  'opened',
  '10.0.0.1',
  '22',
  'uid=0',
  '(x)',
  '-',
  '****',
  '5 ms',
  '(1 KB)',
);
const message = fc.array(word, { minLength: 0, maxLength: 7 }).map((words) => words.join(' '));
const messages = fc.array(message, { minLength: 1, maxLength: 60 });

describe('template miner invariants', () => {
  it('is deterministic: the same messages in the same order give the same ids and templates', () => {
    fc.assert(
      fc.property(messages, (ms) => {
        const a = new TemplateMiner();
        const b = new TemplateMiner();
        expect(ms.map((m) => a.assign(m))).toEqual(ms.map((m) => b.assign(m)));
        expect(a.templates()).toEqual(b.templates());
      }),
    );
  });

  it('a miner restored from templates() goes on as the original would', () => {
    fc.assert(
      fc.property(messages, messages, (first, rest) => {
        const original = new TemplateMiner();
        for (const m of first) original.assign(m);
        const stored: StoredTemplate[] = original.templates();
        const restored = new TemplateMiner(stored);
        expect(restored.templates()).toEqual(stored);
        original.takeMerges();
        for (const m of rest) {
          expect(restored.assign(m)).toEqual(original.assign(m));
          expect(restored.takeMerges()).toEqual(original.takeMerges());
        }
        expect(restored.templates()).toEqual(original.templates());
      }),
    );
  });

  it('a message matches its template when assigned, and its group’s template at the end', () => {
    fc.assert(
      fc.property(messages, (ms) => {
        const miner = new TemplateMiner();
        for (const m of ms) expect(templateMatches(miner.assign(m).template, m)).toBe(true);
        const ids = finalIds(ms, new TemplateMiner());
        const restart = new TemplateMiner();
        for (const m of ms) restart.assign(m);
        const texts = new Map(restart.templates().map((t) => [t.id, t.template]));
        ms.forEach((m, i) => {
          expect(texts.has(ids[i])).toBe(true);
          expect(templateMatches(texts.get(ids[i]) ?? '', m)).toBe(true);
        });
      }),
    );
  });

  it('does not fail on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 200 }), { maxLength: 30 }), (ms) => {
        const miner = new TemplateMiner();
        for (const m of ms) {
          const a = miner.assign(m);
          expect(typeof a.templateId).toBe('string');
          expect(a.template).not.toMatch(/\s{2}/);
        }
      }),
    );
  });
});

describe('restoring on real data', () => {
  it.each(['OpenSSH', 'BGL', 'Proxifier'])(
    '%s: mine half, restore from templates(), mine the rest: the same ids and templates',
    (name) => {
      const dataset = loadDataset(name);
      const format = compileLogFormat(dataset.format);
      const contents = dataset.lines.map((l) => format.match(l)?.Content ?? l);
      const original = new TemplateMiner();
      const half = contents.length / 2;
      for (const m of contents.slice(0, half)) original.assign(m);
      const restored = new TemplateMiner(original.templates());
      for (const m of contents.slice(half)) expect(restored.assign(m)).toEqual(original.assign(m));
      expect(restored.templates()).toEqual(original.templates());
    },
  );
});

describe('grouping accuracy on loghub, the way `opsdesk logs templates --format` mines', () => {
  it.each(datasetNames)('%s is at least Drain’s published figure', (name) => {
    const dataset = loadDataset(name);
    const { ids } = mineDataset(dataset);
    expect(ids).toHaveLength(2000);
    const ga = groupingAccuracy(ids, dataset.eventIds);
    expect(ga).toBeGreaterThanOrEqual(drainAccuracy[name]);
  });

  it('averages at least 0.95 over the ten', () => {
    const total = datasetNames.reduce((sum, name) => {
      const dataset = loadDataset(name);
      return sum + groupingAccuracy(mineDataset(dataset).ids, dataset.eventIds);
    }, 0);
    expect(total / datasetNames.length).toBeGreaterThanOrEqual(0.95);
  });
});
