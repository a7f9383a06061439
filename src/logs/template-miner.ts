// Template mining: assigns every message, online, to a template (its constant words, variables as <*>), with
// ids that stay the same across restarts (a miner made from the stored templates goes on assigning their ids).
// A Drain-style tree (message length, then first word) over masked tokens (token-masks.ts); a word becomes a
// variable when enough templates differ in it alone. Beyond the groundwork's contract the miner reports its
// internal merges (`takeMerges()`: the store re-points a merged template's rows). See docs/log-patterns.md for
// the method and what each idea gained on the loghub datasets.
import { wildcard as maskedVariable, maskMessage } from './token-masks.js';

// A module constant, not the imported binding, in the hot loops (a transpiled import is a getter call).
const wildcard = maskedVariable;

/** A template as the store keeps it. */
export interface StoredTemplate {
  id: string;
  template: string;
}

export interface TemplateAssignment {
  templateId: string;
  /** The template's text now (after this message, if it generalised it). */
  template: string;
  /** This message made a new template. */
  created: boolean;
  /** This message changed the template's text (a word became <*>): the store writes the new text. */
  changed: boolean;
}

/** Two templates became one: `from` is gone, its messages belong to `into` from now on. */
export interface TemplateMerge {
  from: string;
  into: string;
}

interface Cluster {
  id: string;
  tokens: string[];
  text: string;
  /** Creation order: breaks ties so that a restored miner chooses as the original did. */
  ordinal: number;
  /** The bucket key it is filed under (length and first word, or the wildcard). */
  key: string;
  /** Its keys in the sibling index. */
  siblingKeys: number[];
  alive: boolean;
}

/** Masked messages remembered at most (then forgotten all at once). */
const recentLimit = 50_000;
/** How many different constant words at one position (the rest alike) make that position a variable. */
const variantsToGeneralise = 4;
/** The same for words built like identifiers (isIdentifierLike), which vary more freely than plain words. */
const variantsOfNamesToGeneralise = 3;
/** Constant words that templates must share, besides the varying one, for that word to count as a variable. */
const minSharedConstants = 2;

export class TemplateMiner {
  private readonly byId = new Map<string, Cluster>();
  private readonly buckets = new Map<string, Cluster[]>();
  private readonly byLength = new Map<number, Cluster[]>();
  /**
   * Templates by "everything but the word at p" (a hash of length, p and the other words), for each position p
   * of a constant word: the candidates that differ from a message in that word alone, found without scanning.
   */
  private readonly siblingIndex = new Map<number, Cluster[]>();
  /** Templates by (length, position, word), for each word: the candidates a general template may cover. */
  private readonly byWord = new Map<string, Cluster[]>();
  private nextOrdinal = 0;
  /**
   * Masked messages seen since the templates last changed, and their template: most messages repeat a masked
   * form, and this answers them with one lookup. Cleared whenever a template is made, changed or merged, so it
   * always gives what the full search would (and a restored miner, with an empty memory, answers the same).
   */
  private readonly recent = new Map<string, Cluster>();
  private merges: TemplateMerge[] = [];

  /** A miner that knows these templates (from the store) and keeps their ids. */
  constructor(templates: StoredTemplate[] = []) {
    this.learn(templates);
  }

  /** Add templates another instance mined (or a restart restores); known ids are updated, not duplicated. */
  learn(templates: StoredTemplate[]): void {
    this.recent.clear();
    for (const t of templates) {
      const tokens = t.template === '' ? [] : t.template.split(' ');
      const known = this.byId.get(t.id);
      if (known) {
        this.unfile(known);
        known.tokens = tokens;
        known.text = t.template;
        this.file(known);
      } else {
        const cluster: Cluster = {
          id: t.id,
          tokens,
          text: t.template,
          ordinal: this.nextOrdinal++,
          key: '',
          siblingKeys: [],
          alive: true,
        };
        this.byId.set(t.id, cluster);
        this.file(cluster);
      }
    }
  }

  assign(message: string): TemplateAssignment {
    const maskedText = maskMessage(message);
    const seen = this.recent.get(maskedText);
    if (seen) return { templateId: seen.id, template: seen.text, created: false, changed: false };
    const masked = maskedText === '' ? [] : maskedText.split(' ');
    const exact = this.exactMatch(masked);
    if (exact) {
      if (this.recent.size >= recentLimit) this.recent.clear();
      this.recent.set(maskedText, exact);
      return { templateId: exact.id, template: exact.text, created: false, changed: false };
    }
    // The set of templates changes: an answer remembered before might not be the answer now.
    this.recent.clear();
    const siblings = this.siblingsOf(masked);
    if (siblings) {
      // Enough templates differ from this message in the same one word: that word is a variable. The oldest
      // becomes the general template; the others merge into it.
      const [survivor, ...others] = siblings.clusters;
      this.unfile(survivor);
      survivor.tokens = survivor.tokens.slice();
      survivor.tokens[siblings.position] = wildcard;
      survivor.text = survivor.tokens.join(' ');
      this.file(survivor);
      for (const other of others) this.retire(other, survivor);
      this.absorbInstances(survivor);
      return { templateId: survivor.id, template: survivor.text, created: false, changed: true };
    }
    const text = maskedText;
    const cluster: Cluster = {
      id: this.newId(text),
      tokens: masked,
      text,
      ordinal: this.nextOrdinal++,
      key: '',
      siblingKeys: [],
      alive: true,
    };
    this.byId.set(cluster.id, cluster);
    this.file(cluster);
    // Born with variables (`Invalid user test9 from <*>`), it may cover templates made before it.
    if (text.includes(wildcard)) this.absorbInstances(cluster);
    return { templateId: cluster.id, template: text, created: true, changed: false };
  }

  templates(): StoredTemplate[] {
    const all = [...this.byId.values()].filter((c) => c.alive);
    all.sort((a, b) => a.ordinal - b.ordinal);
    return all.map((c) => ({ id: c.id, template: c.text }));
  }

  /** The merges made since the last call (a generalised template swallowed another): the store re-points rows. */
  takeMerges(): TemplateMerge[] {
    const taken = this.merges;
    this.merges = [];
    return taken;
  }

  /** The most specific template whose constant words all equal the message's (ties: the oldest). */
  private exactMatch(masked: string[]): Cluster | undefined {
    const n = masked.length;
    const first = n === 0 ? '' : masked[0];
    const own = bucketKey(n, first);
    const shared = bucketKey(n, wildcard);
    let best: Cluster | undefined;
    let bestScore = -1;
    for (const key of own === shared ? [shared] : [own, shared]) {
      const list = this.buckets.get(key);
      if (list) {
        for (const c of list) {
          const score = constantMatches(c.tokens, masked);
          if (score > bestScore || (score === bestScore && best && c.ordinal < best.ordinal)) {
            best = c;
            bestScore = score;
          }
        }
      }
    }
    return best;
  }

  /**
   * Templates that differ from the message in exactly one constant word, at the same position, when there are
   * enough of them (with the message, `variantsToGeneralise`, or `variantsOfNamesToGeneralise` when every value
   * is built like an identifier) to call that word a variable; oldest first.
   */
  private siblingsOf(masked: string[]): { position: number; clusters: Cluster[] } | undefined {
    const keys = siblingKeysOf(masked, false);
    const byPosition = new Map<number, Cluster[]>();
    for (let p = 0; p < keys.length; p++) {
      const candidates = this.siblingIndex.get(keys[p]);
      if (!candidates) continue;
      for (const c of candidates) {
        // A hash names the candidates; the words decide.
        if (singleDifference(c.tokens, masked) !== p) continue;
        const group = byPosition.get(p);
        if (group) group.push(c);
        else byPosition.set(p, [c]);
      }
    }
    let found: { position: number; clusters: Cluster[] } | undefined;
    for (const [position, clusters] of byPosition) {
      const needed =
        isIdentifierLike(masked[position]) && clusters.every((c) => isIdentifierLike(c.tokens[position]))
          ? variantsOfNamesToGeneralise
          : variantsToGeneralise;
      if (clusters.length + 1 < needed) continue;
      clusters.sort((a, b) => a.ordinal - b.ordinal);
      if (!found || clusters[0].ordinal < found.clusters[0].ordinal) found = { position, clusters };
    }
    return found;
  }

  private retire(other: Cluster, into: Cluster): void {
    this.unfile(other);
    other.alive = false;
    this.byId.delete(other.id);
    this.merges.push({ from: other.id, into: into.id });
  }

  /** A generalised template now covers other templates of its length: they become it. */
  private absorbInstances(general: Cluster): void {
    // Whatever it covers has its constant words: look among the templates sharing its rarest one.
    const n = general.tokens.length;
    let list = this.byLength.get(n);
    for (let q = 0; q < n; q++) {
      const word = general.tokens[q];
      if (word.includes(wildcard)) continue;
      const holders = this.byWord.get(wordKey(n, q, word)) ?? [];
      if (!list || holders.length < list.length) list = holders;
    }
    if (!list) return;
    // In creation order, so that a restored miner (whose lists were filled in another order) reports the same.
    for (const other of [...list].sort((a, b) => a.ordinal - b.ordinal)) {
      if (other === general) continue;
      if (constantMatches(general.tokens, other.tokens) >= 0) this.retire(other, general);
    }
  }

  private file(c: Cluster): void {
    const n = c.tokens.length;
    const first = n === 0 ? '' : c.tokens[0];
    c.key = bucketKey(n, first);
    let list = this.buckets.get(c.key);
    if (!list) {
      list = [];
      this.buckets.set(c.key, list);
    }
    list.push(c);
    for (let q = 0; q < n; q++) {
      const k = wordKey(n, q, c.tokens[q]);
      const holders = this.byWord.get(k);
      if (holders) holders.push(c);
      else this.byWord.set(k, [c]);
    }
    c.siblingKeys = siblingKeysOf(c.tokens, true);
    for (const k of c.siblingKeys) {
      if (k === noKey) continue;
      const sibs = this.siblingIndex.get(k);
      if (sibs) sibs.push(c);
      else this.siblingIndex.set(k, [c]);
    }
    let byLen = this.byLength.get(n);
    if (!byLen) {
      byLen = [];
      this.byLength.set(n, byLen);
    }
    byLen.push(c);
  }

  private unfile(c: Cluster): void {
    for (const k of c.siblingKeys) {
      const sibs = this.siblingIndex.get(k);
      if (!sibs) continue;
      const at = sibs.indexOf(c);
      if (at >= 0) sibs.splice(at, 1);
      if (sibs.length === 0) this.siblingIndex.delete(k);
    }
    c.siblingKeys = [];
    for (let q = 0; q < c.tokens.length; q++) {
      const k = wordKey(c.tokens.length, q, c.tokens[q]);
      const holders = this.byWord.get(k);
      if (!holders) continue;
      const at = holders.indexOf(c);
      if (at >= 0) holders.splice(at, 1);
      if (holders.length === 0) this.byWord.delete(k);
    }
    const list = this.buckets.get(c.key);
    if (list) {
      const at = list.indexOf(c);
      if (at >= 0) list.splice(at, 1);
    }
    const byLen = this.byLength.get(c.tokens.length);
    if (byLen) {
      const at = byLen.indexOf(c);
      if (at >= 0) byLen.splice(at, 1);
    }
  }

  private newId(text: string): string {
    let id = templateHash(text);
    for (let salt = 1; this.byId.has(id); salt++) id = templateHash(`${text}\u0000${salt}`);
    return id;
  }
}

const noKey = -1;

function wordKey(length: number, position: number, word: string): string {
  return `${length}\u0000${position}\u0000${word}`;
}

function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * For each position p, a hash of the words without the one at p (and of the length and p): templates and
 * messages that differ in the word at p alone share the key at p. For a template, a position holding `<*>` gets
 * no key (`noKey`): it cannot be the word that differs.
 */
function siblingKeysOf(tokens: string[], template: boolean): number[] {
  const n = tokens.length;
  const hashes = tokens.map(wordHash);
  const prefix = new Array<number>(n + 1);
  const suffix = new Array<number>(n + 1);
  prefix[0] = 0x9e3779b9;
  for (let i = 0; i < n; i++) prefix[i + 1] = Math.imul(prefix[i] ^ hashes[i], 0x01000193) >>> 0;
  suffix[n] = 0x85ebca6b;
  for (let i = n - 1; i >= 0; i--) suffix[i] = Math.imul(suffix[i + 1] ^ hashes[i], 0xc2b2ae35) >>> 0;
  const keys = new Array<number>(n);
  for (let p = 0; p < n; p++) {
    if (template && tokens[p] === wildcard) {
      keys[p] = noKey;
      continue;
    }
    let k = Math.imul(prefix[p] ^ (suffix[p + 1] << 1), 0x27d4eb2d);
    k = Math.imul(k ^ (p * 0x3c6ef372 + n), 0x165667b1);
    keys[p] = (k >>> 0) % 0x7fffffff;
  }
  return keys;
}

/**
 * Templates are filed by length and first word; a first word with a variable in it (`<*>`, `user=<*>`) files
 * under the wildcard, which every message of that length also searches.
 */
function bucketKey(length: number, first: string): string {
  return `${length}\u0000${first.includes(wildcard) ? wildcard : first}`;
}

/**
 * The template's constant words, when the message has all of them at their places; else -1. A template's <*>
 * may stand for a constant word of the message, but not for more of them than the constants it matches: a
 * template of variables only (`r24=<*>`, `<*> <*>`) is not a template of every message of its length.
 */
function constantMatches(template: string[], masked: string[]): number {
  let same = 0;
  let absorbed = 0;
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    const m = masked[i];
    if (t === m) {
      if (m !== wildcard) same++;
    } else if (t === wildcard) {
      if (m.includes(wildcard)) continue;
      // A variable holds a value; a run of punctuation (`****`, `--`) in its place is another event's shape.
      if (!hasWordChar(m)) return -1;
      absorbed++;
    } else if (fitsMaskedWord(t, m)) {
      // `user=<*>` takes `user=root`, `(<*>)` takes `()`: the same key or brackets around another value.
      absorbed++;
    } else return -1;
  }
  return absorbed > same ? -1 : same;
}

/** The message word has the template word's constant head and tail around a value (or none). */
function fitsMaskedWord(template: string, word: string): boolean {
  const at = template.indexOf(wildcard);
  if (at < 0) return false;
  const tail = template.length - at - wildcard.length;
  if ((at === 0 && tail === 0) || word.length < at + tail) return false;
  for (let i = 0; i < at; i++) if (template.charCodeAt(i) !== word.charCodeAt(i)) return false;
  const from = word.length - tail;
  for (let k = 0; k < tail; k++) {
    if (template.charCodeAt(at + wildcard.length + k) !== word.charCodeAt(from + k)) return false;
  }
  return !word.includes(wildcard);
}

function hasWordChar(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) return true;
  }
  return false;
}

/**
 * The one position where the template's constant word differs from the message's; -1 for none or several, or
 * when too few constant words are shared to call the rest one template (`running`, `blocked`, `boot (command <*>)`
 * are different events, not one word varying).
 */
function singleDifference(template: string[], masked: string[]): number {
  let at = -1;
  let shared = 0;
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t === wildcard) continue;
    if (t === masked[i]) {
      if (!t.includes(wildcard)) shared++;
      continue;
    }
    if (at >= 0) return -1;
    at = i;
  }
  return shared >= minSharedConstants ? at : -1;
}

/**
 * A word built like an identifier (`com.apple.quicklook`, `CONTAINER_REMOTE_LAUNCH`, `tickTime`, `a-b`): dots,
 * underscores, colons, @ or hyphens inside it, or a capital after a small letter. Names like these vary freely;
 * plain words (`Started`, `GET`, `root`) are more often a closed set of events.
 */
function isIdentifierLike(word: string): boolean {
  if (word.includes(wildcard)) return false;
  let end = word.length;
  while (end > 0 && ',;:.)]}"\''.includes(word[end - 1])) end--;
  let start = 0;
  while (start < end && '([{"\''.includes(word[start])) start++;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = word.charCodeAt(i);
    const inside = i > start && i < end - 1;
    if (inside && (c === 46 || c === 95 || c === 58 || c === 64 || c === 45)) return true;
    if (c >= 97 && c <= 122) lower = true;
    else if (c >= 65 && c <= 90 && lower) return true;
  }
  return false;
}

/** 64-bit FNV-1a of the template text at creation, as 13 base-36 characters: short, stable, rarely colliding. */
export function templateHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  const hi = (h1 >>> 0).toString(36).padStart(7, '0');
  const lo = (h2 >>> 0).toString(36).padStart(7, '0');
  return `${hi}${lo}`;
}
