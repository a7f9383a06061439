// The IMAP tests' own prerequisite: without dovecot they stop with how to install it, not "spawn ENOENT".
import { describe, expect, it } from 'vitest';
import { dovecotInstallHint, findDovecot } from './dovecot.js';

describe('finding dovecot', () => {
  it('names the package to install when dovecot is on neither PATH nor the sbin folders', () => {
    expect(() => findDovecot({ PATH: '/nonexistent/bin' }, ['/nonexistent/sbin'])).toThrow(
      dovecotInstallHint,
    );
    expect(dovecotInstallHint).toContain('apt-get install -y dovecot-imapd');
    expect(() => findDovecot({ OPSDESK_DOVECOT: '/nonexistent/dovecot' })).toThrow(dovecotInstallHint);
  });

  it("finds Debian's dovecot in /usr/sbin even when PATH lacks it", () => {
    expect(findDovecot({ PATH: '/usr/bin:/bin' })).toBe('/usr/sbin/dovecot');
  });
});
