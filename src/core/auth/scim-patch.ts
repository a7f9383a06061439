// SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON: add, replace and remove, with or without a path,
// with value filters (emails[type eq "work"].value, members[value eq "12"]). The result is then written as a
// PUT would write it, so one mapping from JSON to columns serves create, replace and patch.
// Written for what Entra ID and Okta send: operation names in any case, no-path replaces whose keys are
// dotted or URN-qualified attribute paths, members removed by a value list, and booleans as "True"/"False".
import { type Filter, getCi, matches, normaliseAttr, parsePatchPath, ScimError } from './scim-filter.js';

export type Json = Record<string, unknown>;

const maxOperations = 1000;
const canonical: Record<string, string> = Object.fromEntries(
  [
    'userName',
    'externalId',
    'displayName',
    'name',
    'givenName',
    'familyName',
    'formatted',
    'active',
    'emails',
    'phoneNumbers',
    'preferredLanguage',
    'locale',
    'timezone',
    'addresses',
    'locality',
    'roles',
    'members',
    'department',
    'manager',
    'value',
    'type',
    'primary',
    'display',
    'title',
  ].map((k) => [k.toLowerCase(), k]),
);

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The key of `obj` that is `lower` in any case, or the attribute's usual spelling when it has none yet. */
function keyOf(obj: Json, lower: string): string {
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return canonical[lower] ?? lower;
}

const invalidValue = (m: string) => new ScimError(400, 'invalidValue', m);

/** The object an attribute lives in: the resource, or its enterprise extension for `enterprise:…`. */
function containerOf(doc: Json, attr: string, create: boolean, extensionUrn: string): [Json | null, string] {
  if (!attr.startsWith('enterprise:')) return [doc, attr];
  const key = keyOf(doc, extensionUrn.toLowerCase());
  let ext = doc[key];
  if (!isObject(ext)) {
    if (!create) return [null, attr.slice('enterprise:'.length)];
    ext = {};
    doc[extensionUrn] = ext;
  }
  return [ext as Json, attr.slice('enterprise:'.length)];
}

/** The simple `attr eq value` pairs of a filter, to create the element a replace names when none matches. */
function equalities(f: Filter): Json | null {
  if (f.op === 'eq' && f.value !== null) return { [canonical[f.attr] ?? f.attr]: f.value };
  if (f.op === 'and') {
    const l = equalities(f.left);
    const r = equalities(f.right);
    return l && r ? { ...l, ...r } : null;
  }
  return null;
}

function sameElement(a: unknown, b: unknown): boolean {
  const va = isObject(a) ? getCi(a, 'value') : a;
  const vb = isObject(b) ? getCi(b, 'value') : b;
  return va !== undefined && String(va) === String(vb);
}

function applyAt(
  doc: Json,
  op: 'add' | 'replace' | 'remove',
  path: string,
  value: unknown,
  urn: string,
): void {
  const p = parsePatchPath(path);
  // "name.givenName" arrives as attr "name", sub "givenname"; "enterprise:manager.value" likewise.
  const [container, attr] = containerOf(doc, p.attr, op !== 'remove', urn);
  if (!container) return;
  const key = keyOf(container, attr);
  if (p.filter) {
    let list = container[key];
    if (!Array.isArray(list)) {
      if (op === 'remove') return;
      list = [];
      container[key] = list;
    }
    const arr = list as unknown[];
    const hits = arr.filter((x) => matches(x, p.filter as Filter));
    if (op === 'remove') {
      if (p.sub) {
        for (const h of hits) if (isObject(h)) delete h[keyOf(h, p.sub)];
      } else {
        container[key] = arr.filter((x) => !hits.includes(x));
      }
      return;
    }
    if (hits.length === 0) {
      const seed = equalities(p.filter);
      if (!seed) throw new ScimError(400, 'noTarget', `Nothing in ${attr} matches the path's filter.`);
      arr.push(
        p.sub
          ? { ...seed, [canonical[p.sub] ?? p.sub]: value }
          : { ...seed, ...(isObject(value) ? value : {}) },
      );
      return;
    }
    for (const h of hits) {
      if (!isObject(h)) continue;
      if (p.sub) h[keyOf(h, p.sub)] = value;
      else if (isObject(value)) Object.assign(h, value);
    }
    return;
  }
  if (p.sub) {
    let parent = container[key];
    if (!isObject(parent)) {
      if (op === 'remove') return;
      parent = {};
      container[key] = parent;
    }
    const pk = keyOf(parent as Json, p.sub);
    if (op === 'remove') delete (parent as Json)[pk];
    else (parent as Json)[pk] = value;
    return;
  }
  const current = container[key];
  if (op === 'remove') {
    // Entra removes members by listing them: { op: "Remove", path: "members", value: [{ value: "12" }] }.
    if (Array.isArray(current) && Array.isArray(value)) {
      container[key] = current.filter((x) => !value.some((v) => sameElement(x, v)));
    } else {
      delete container[key];
    }
    return;
  }
  if (op === 'add' && Array.isArray(current)) {
    const more = Array.isArray(value) ? value : [value];
    for (const v of more) if (!current.some((x) => sameElement(x, v))) current.push(v);
    return;
  }
  if (isObject(current) && isObject(value)) {
    Object.assign(current, value);
    return;
  }
  container[key] = value;
}

/** Apply a PatchOp request's operations to a copy of the resource; the original is left as it was. */
export function applyPatch(resource: Json, body: unknown, extensionUrn: string): Json {
  if (!isObject(body)) throw invalidValue('A PATCH body is a PatchOp message.');
  const ops = getCi(body, 'operations');
  if (!Array.isArray(ops) || ops.length === 0)
    throw invalidValue('A PATCH needs a non-empty Operations list.');
  if (ops.length > maxOperations) throw invalidValue(`A PATCH has at most ${maxOperations} operations.`);
  const doc = structuredClone(resource);
  for (const [i, raw] of ops.entries()) {
    if (!isObject(raw)) throw invalidValue(`Operation ${i + 1} is not an object.`);
    const name = String(getCi(raw, 'op') ?? '').toLowerCase();
    if (name !== 'add' && name !== 'replace' && name !== 'remove')
      throw invalidValue(`Operation ${i + 1}: op is add, replace or remove.`);
    const path = getCi(raw, 'path');
    const value = getCi(raw, 'value');
    if (path !== undefined && typeof path !== 'string')
      throw new ScimError(400, 'invalidPath', `Operation ${i + 1}: path is a string.`);
    if (path === undefined || path === '') {
      if (name === 'remove') throw new ScimError(400, 'noTarget', `Operation ${i + 1}: remove needs a path.`);
      if (!isObject(value)) throw invalidValue(`Operation ${i + 1}: without a path, the value is an object.`);
      for (const [k, v] of Object.entries(value)) {
        if (k.toLowerCase() === 'schemas') continue;
        const attr = normaliseAttr(k);
        if (attr === 'enterprise' && isObject(v)) {
          for (const [ek, ev] of Object.entries(v))
            applyAt(doc, name, `${extensionUrn}:${ek}`, ev, extensionUrn);
        } else {
          applyAt(doc, name, k, v, extensionUrn);
        }
      }
      continue;
    }
    if (name !== 'remove' && value === undefined)
      throw invalidValue(`Operation ${i + 1}: ${name} needs a value.`);
    applyAt(doc, name, path, value, extensionUrn);
  }
  return doc;
}
