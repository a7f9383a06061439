// Secrets opsdesk must hand back to a peer — a directory's bind password, an identity provider's client secret —
// cannot be hashed; they are sealed with AES-256-GCM before they reach the database, so a copied database or
// backup does not give them away. The key is OPSDESK_SECRET_KEY (32 bytes, hex or base64: set the same one on
// every instance), else a key file made on first use in the data folder (mode 0600). A value stored before
// sealing (no prefix) still reads, and is sealed at its next write.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { Unavailable } from './errors.js';

const prefix = 'enc:v1:';
const keyFileName = 'secret.key';
const keys = new Map<string, Buffer>();

/** The key, from the configuration or the data folder's key file (made once, racing instances agree). */
function keyFor(config: Pick<Config, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, keyFileName);
  const known = keys.get(file);
  if (known) return known;
  if (!fs.existsSync(file)) {
    // Written whole under another name, then linked into place: an instance starting beside this one reads
    // either no file or the whole key, never a half-written one; the first link wins, the others read it.
    fs.mkdirSync(config.dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'hex');
  if (key.length !== 32 || !/^[0-9a-f]{64}$/i.test(text))
    throw new Error(`${file} does not hold a 32-byte hex key; restore it, or set OPSDESK_SECRET_KEY`);
  keys.set(file, key);
  return key;
}

/** The value to store for a secret (null and '' stay as they are: "no secret"). */
export function sealSecret(
  config: Pick<Config, 'secretKey' | 'dataDir'>,
  plain: string | null,
): string | null {
  if (plain === null || plain === '') return plain;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(config), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${prefix}${iv.toString('base64')}.${cipher.getAuthTag().toString('base64')}.${body.toString('base64')}`;
}

/** The secret a stored value holds; a value sealed under another key is a clear 503, never a wrong secret. */
export function openSecret(
  config: Pick<Config, 'secretKey' | 'dataDir'>,
  stored: string | null,
): string | null {
  if (stored === null || !stored.startsWith(prefix)) return stored;
  const [iv, tag, body] = stored.slice(prefix.length).split('.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(config), Buffer.from(iv ?? '', 'base64'));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Unavailable(
      'secret_key_mismatch',
      'A stored secret was sealed under another key: give every instance the same OPSDESK_SECRET_KEY (or the data folder’s secret.key).',
    );
  }
}

/** Whether a stored value is sealed (tests and the start-up pass that seals values stored before). */
export function isSealed(stored: string | null): boolean {
  return stored?.startsWith(prefix) ?? false;
}
