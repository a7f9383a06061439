// The pure rules of who a mail is from (src/mail/sender-trust.ts) and the settings they read: Authentication-
// Results parsing and alignment, trusted relay addresses, relay credentials compared by hash, allowed domains.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/core/config.js';
import { domainAllowed, judgeSender, relayForCredential } from '../../src/mail/sender-trust.js';

const config = loadConfig({
  OPSDESK_MAIL_FROM: 'helpdesk@corp.example',
  OPSDESK_MAIL_TRUSTED_RELAYS: '10.1.0.0/16, 192.0.2.7, 2001:db8::/32',
  OPSDESK_MAIL_AUTHSERV_IDS: 'mx.corp.example',
  OPSDESK_SMTP_RELAYS: `mx1:${createHash('sha256').update('s3cret-s3cret').digest('hex')}`,
});
const viaRelay = { source: 'smtp' as const, envelopeFrom: null, clientAddress: '10.1.2.3', smtpRelay: null };

describe('who a mail is from', () => {
  it('mail settings have safe defaults: only the help desk domain gets accounts, staff must be verified', () => {
    const c = loadConfig({ OPSDESK_MAIL_FROM: 'helpdesk@corp.example' });
    expect(c).toMatchObject({
      mailAllowedDomains: ['corp.example'],
      mailUnknownDomains: 'hold',
      mailVerifySenders: 'staff',
      mailTrustedRelays: [],
      mailAuthservIds: [],
      smtpRelays: [],
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain(config.smtpRelays[0].secretSha256);
  });

  it.each([
    ['OPSDESK_MAIL_TRUSTED_RELAYS', '10.0.0.0/40'],
    ['OPSDESK_MAIL_TRUSTED_RELAYS', 'mx.corp.example'],
    ['OPSDESK_SMTP_RELAYS', 'mx1:plaintext-secret'],
    ['OPSDESK_MAIL_UNKNOWN_DOMAINS', 'drop'],
    ['OPSDESK_MAIL_VERIFY_SENDERS', 'nobody'],
    ['OPSDESK_MAIL_ALLOWED_DOMAINS', 'corp.example, *@x'],
  ])('%s=%s is refused at start', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('a trusted relay with an aligned dkim, spf or dmarc pass verifies; a parent domain aligns', () => {
    for (const ar of [
      'mx.corp.example; dkim=pass header.d=corp.example header.s=sel',
      'mx.corp.example 1; spf=pass (sender IP is 10.1.2.3) smtp.mailfrom=tom@corp.example',
      'mx.corp.example; dmarc=pass header.from=eu.corp.example',
      'mx.corp.example; dkim=pass header.d="corp.example"',
    ]) {
      expect(judgeSender(config, viaRelay, 'tom@eu.corp.example', [ar]).verified, ar).toBe(true);
    }
  });

  it('another authserv-id, an unaligned pass, a fail, or an untrusted client do not verify', () => {
    const cases: [typeof viaRelay, string][] = [
      [viaRelay, 'mx.evil.example; dkim=pass header.d=corp.example'],
      [viaRelay, 'mx.corp.example; dkim=pass header.d=evil.example'],
      [viaRelay, 'mx.corp.example; dkim=pass header.d=xcorp.example'],
      [viaRelay, 'mx.corp.example; dmarc=pass header.from=evil.example'],
      [viaRelay, 'mx.corp.example; dkim=fail header.d=corp.example'],
      [{ ...viaRelay, clientAddress: '10.2.0.1' }, 'mx.corp.example; dkim=pass header.d=corp.example'],
    ];
    for (const [arrival, ar] of cases)
      expect(judgeSender(config, arrival, 'tom@corp.example', [ar]).verified, ar).toBe(false);
    expect(
      judgeSender(config, viaRelay, 'tom@corp.example', [
        'mx.corp.example; dmarc=fail header.from=corp.example',
      ]).failed,
    ).toBe(true);
  });

  it('only the first header of the trusted authserv-id counts (the MTA strips forged ones above its own)', () => {
    const own = 'mx.corp.example; dkim=none';
    const forgedBelow = 'mx.corp.example; dkim=pass header.d=corp.example';
    expect(judgeSender(config, viaRelay, 'tom@corp.example', [own, forgedBelow]).verified).toBe(false);
  });

  it('IPv4-mapped IPv6 clients and IPv6 ranges match; IMAP mail trusts the configured authserv-id', () => {
    const ar = ['mx.corp.example; spf=pass smtp.mailfrom=corp.example'];
    expect(
      judgeSender(config, { ...viaRelay, clientAddress: '::ffff:192.0.2.7' }, 'a@corp.example', ar).verified,
    ).toBe(true);
    expect(
      judgeSender(config, { ...viaRelay, clientAddress: '2001:db8::5' }, 'a@corp.example', ar).verified,
    ).toBe(true);
    const imap = { source: 'imap' as const, envelopeFrom: null, clientAddress: null, smtpRelay: null };
    expect(judgeSender(config, imap, 'a@corp.example', ar).verified).toBe(true);
    expect(judgeSender(config, imap, 'a@corp.example', []).verified).toBe(false);
  });

  it('relay credentials are checked against their SHA-256; SMTP AUTH as a relay verifies', () => {
    expect(relayForCredential(config, 'mx1', 's3cret-s3cret')).toBe('mx1');
    expect(relayForCredential(config, 'mx1', 's3cret-s3creT')).toBeNull();
    expect(relayForCredential(config, 'mx2', 's3cret-s3cret')).toBeNull();
    expect(
      judgeSender(config, { ...viaRelay, clientAddress: '203.0.113.9', smtpRelay: 'mx1' }, 'a@x.example', []),
    ).toMatchObject({ verified: true });
  });

  it('unknown senders get accounts on allowed domains only; * allows any', () => {
    expect(domainAllowed(config, 'new@corp.example')).toBe(true);
    expect(domainAllowed(config, 'new@sub.corp.example')).toBe(false);
    expect(domainAllowed({ mailAllowedDomains: ['*'] }, 'new@any.example')).toBe(true);
  });
});
