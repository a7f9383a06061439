import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/core/config.js';
import { DomainError } from '../../src/core/errors.js';
import { isSealed, openSecret, sealSecret } from '../../src/core/secret-box.js';

const dirs: string[] = [];
function dataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-secret-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the secret box', () => {
  it('seals a secret so the stored value does not hold it, and opens it again', () => {
    const config = { secretKey: null, dataDir: dataDir() };
    const stored = sealSecret(config, 'service secret ✓') as string;
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain('service secret');
    // A fresh nonce each time: the same secret never gives the same stored value.
    expect(sealSecret(config, 'service secret ✓')).not.toBe(stored);
    expect(openSecret(config, stored)).toBe('service secret ✓');
    // "No secret" stays as it is; a value stored before sealing reads as it was.
    expect(sealSecret(config, null)).toBeNull();
    expect(sealSecret(config, '')).toBe('');
    expect(openSecret(config, 'plain old secret')).toBe('plain old secret');
  });

  it('makes its key file once, readable by the owner only, and instances on the same folder agree', () => {
    const dir = dataDir();
    const stored = sealSecret({ secretKey: null, dataDir: dir }, 'x') as string;
    const file = path.join(dir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    const copy = dataDir();
    fs.copyFileSync(file, path.join(copy, 'secret.key'));
    expect(openSecret({ secretKey: null, dataDir: copy }, stored)).toBe('x');
  });

  it('refuses a value sealed under another key with a clear 503, never a wrong secret', () => {
    const stored = sealSecret({ secretKey: randomBytes(32), dataDir: dataDir() }, 'x');
    let caught: unknown;
    try {
      openSecret({ secretKey: randomBytes(32), dataDir: dataDir() }, stored);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('secret_key_mismatch');
    expect(() => openSecret({ secretKey: randomBytes(32), dataDir: dataDir() }, 'enc:v1:garbage')).toThrow(
      DomainError,
    );
  });

  it('takes OPSDESK_SECRET_KEY as 64 hex digits or base64 of 32 bytes, refuses anything else, and never shows it', () => {
    const key = randomBytes(32);
    expect(loadConfig({ OPSDESK_SECRET_KEY: key.toString('hex') }).secretKey).toEqual(key);
    expect(loadConfig({ OPSDESK_SECRET_KEY: key.toString('base64') }).secretKey).toEqual(key);
    expect(loadConfig({}).secretKey).toBeNull();
    for (const bad of [
      'abc',
      randomBytes(16).toString('hex'),
      `${key.toString('hex')}00`,
      'not base64 at all!',
    ])
      expect(() => loadConfig({ OPSDESK_SECRET_KEY: bad })).toThrow(ConfigError);
    const shown = JSON.stringify(describeConfig(loadConfig({ OPSDESK_SECRET_KEY: key.toString('hex') })));
    expect(shown).not.toContain(key.toString('hex'));
    expect(shown).toContain('"secretKey":"***"');
  });
});
