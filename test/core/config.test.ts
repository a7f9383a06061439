// Configuration is validated once: a bad value names its variable and what was expected.
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/core/config.js';

describe('configuration', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: null,
      demo: true,
      adminEmail: null,
    });
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it.each([
    ['PORT', 'eighty', /PORT: expected a whole number/],
    ['PORT', '70000', /PORT/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: expected a postgres/],
    ['OPSDESK_DEMO', 'maybe', /OPSDESK_DEMO/],
    ['OPSDESK_LOG_LEVEL', 'loud', /OPSDESK_LOG_LEVEL/],
    ['OPSDESK_ADMIN_EMAIL', 'a@b.cd', /OPSDESK_ADMIN_PASSWORD/],
    ['DATABASE_SCHEMA', 'opsdesk', /DATABASE_SCHEMA: expected set only with DATABASE_URL/],
    [
      'DATABASE_READ_URL',
      'postgres://replica/opsdesk',
      /DATABASE_READ_URL: expected set only with DATABASE_URL/,
    ],
    ['DATABASE_POOL_SIZE', '0', /DATABASE_POOL_SIZE/],
    ['DATABASE_POOL_SIZE', 'ten', /DATABASE_POOL_SIZE/],
    [
      'DATABASE_LISTEN_URL',
      'postgres://db/opsdesk',
      /DATABASE_LISTEN_URL: expected set only with DATABASE_URL/,
    ],
    ['OPSDESK_TRUSTED_PROXIES', '10.0.0.0/33', /OPSDESK_TRUSTED_PROXIES: expected IP addresses or CIDR/],
    ['OPSDESK_TRUSTED_PROXIES', 'nginx.internal', /OPSDESK_TRUSTED_PROXIES/],
  ])('%s=%s is refused', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('takes a PostgreSQL schema name, and nothing that is not one', () => {
    const url = 'postgres://db/opsdesk';
    expect(loadConfig({ DATABASE_URL: url, DATABASE_SCHEMA: ' help_desk ' }).databaseSchema).toBe(
      'help_desk',
    );
    expect(loadConfig({ DATABASE_URL: url }).databaseSchema).toBeNull();
    for (const bad of ['Help', 'a;drop', 'x'.repeat(64), '1st', 'a-b'])
      expect(() => loadConfig({ DATABASE_URL: url, DATABASE_SCHEMA: bad }), bad).toThrow(/DATABASE_SCHEMA/);
  });

  it('never prints secrets', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://ops:s3cret@db:5432/opsdesk',
      DATABASE_READ_URL: 'postgres://ops:s3cret@replica:5432/opsdesk',
      OPSDESK_ADMIN_EMAIL: 'a@b.cd',
      OPSDESK_ADMIN_PASSWORD: 'very-secret-pw',
    });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('very-secret-pw');
    expect(text).toContain('postgres://ops:***@db:5432/opsdesk');
    expect(text).toContain('postgres://ops:***@replica:5432/opsdesk');
  });
});
