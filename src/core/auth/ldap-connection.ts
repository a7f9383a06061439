// One conversation with a directory (ldapts): connect over ldaps:// or ldap:// upgraded with StartTLS, with
// timeouts, trusting the directory's own CA when one is configured; bind, search in pages, close. A directory that
// cannot be reached, refuses TLS or refuses the service account is "unreachable" to the caller (503), with the
// reason; a person's wrong password is not (it is their sign-in failing).
import { isIP } from 'node:net';
import { Client, InvalidCredentialsError } from 'ldapts';
import { Unavailable } from '../errors.js';
import type { LdapDirectory } from './ldap-directories.js';

/** How long a TCP connection, and then each operation, may take. */
export const ldapConnectTimeoutMs = 10_000;
export const ldapOperationTimeoutMs = 30_000;
/** Entries per page of a search (AD answers at most 1000 a page by default). */
export const ldapPageSize = 500;

export type LdapEntry = Record<string, string | string[] | Buffer | Buffer[]> & { dn: string };

export class LdapConnection {
  private constructor(
    private readonly client: Client,
    readonly directory: LdapDirectory,
  ) {}

  /** Connect (and StartTLS when configured); nothing is bound yet. */
  static async open(directory: LdapDirectory): Promise<LdapConnection> {
    const host = new URL(directory.url).hostname.replace(/^\[|\]$/g, '');
    const tlsOptions = {
      ...(directory.tlsCa ? { ca: [directory.tlsCa] } : {}),
      // The certificate is checked against the host in the URL, as a browser would (SNI takes names, not addresses).
      ...(isIP(host) ? {} : { servername: host }),
    };
    // The TLS options go to the connection that uses them: ldaps:// at connect, ldap:// at StartTLS (ldapts applies
    // a client's options to the plain socket too, which then breaks StartTLS's handshake).
    const client = new Client({
      url: directory.url,
      connectTimeout: ldapConnectTimeoutMs,
      timeout: ldapOperationTimeoutMs,
      ...(directory.startTls ? {} : { tlsOptions }),
    });
    if (directory.startTls) {
      try {
        await client.startTLS(tlsOptions);
      } catch (error) {
        await client.unbind().catch(() => {});
        throw unreachable(directory, `StartTLS failed: ${(error as Error).message}`);
      }
    }
    return new LdapConnection(client, directory);
  }

  /** Bind as the service account (search mode), or anonymously when none is set. */
  async bindService(password: string | null): Promise<void> {
    if (!this.directory.bindDn) return;
    try {
      await this.client.bind(this.directory.bindDn, password ?? '');
    } catch (error) {
      throw unreachable(
        this.directory,
        `the service account's bind was refused: ${(error as Error).message}`,
      );
    }
  }

  /** Bind as a person: false when the directory says the credentials are wrong. */
  async bindAs(dn: string, password: string): Promise<boolean> {
    // An empty password is an unauthenticated bind (RFC 4513 5.1.2), which many servers accept: never a sign-in.
    if (password.length === 0) return false;
    try {
      await this.client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      throw unreachable(this.directory, `a bind failed: ${(error as Error).message}`);
    }
  }

  /** Every entry under `base` matching `filter`, page by page (the server's size limit does not cut it short). */
  async *searchPages(
    base: string,
    filter: string,
    attributes: string[],
    scope: 'sub' | 'base' = 'sub',
  ): AsyncGenerator<LdapEntry[]> {
    try {
      for await (const page of this.client.searchPaginated(base, {
        scope,
        filter,
        attributes,
        paged: { pageSize: ldapPageSize },
        explicitBufferAttributes: ['objectGUID'],
      }))
        yield page.searchEntries as LdapEntry[];
    } catch (error) {
      throw unreachable(this.directory, `a search under ${base} failed: ${(error as Error).message}`);
    }
  }

  /** Every entry of a search, in one array. */
  async search(base: string, filter: string, attributes: string[]): Promise<LdapEntry[]> {
    const out: LdapEntry[] = [];
    for await (const page of this.searchPages(base, filter, attributes)) out.push(...page);
    return out;
  }

  /** The root DSE: what the server says it supports (AD lists its capabilities there). */
  async rootDse(): Promise<LdapEntry | null> {
    try {
      const r = await this.client.search('', {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['supportedCapabilities', 'supportedControl', 'vendorName'],
      });
      return (r.searchEntries[0] as LdapEntry | undefined) ?? null;
    } catch {
      // Some servers hide the root DSE from anonymous or restricted accounts: then nothing is known of it.
      return null;
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => {});
  }
}

export function unreachable(directory: LdapDirectory, reason: string): Unavailable {
  return new Unavailable(
    'ldap_directory_unreachable',
    `The directory ${directory.name} (${directory.url}) could not be used: ${reason}`.slice(0, 500),
  );
}

/** Open, bind as the service account, run `work`, close. */
export async function withServiceConnection<T>(
  directory: LdapDirectory,
  bindPassword: string | null,
  work: (conn: LdapConnection) => Promise<T>,
): Promise<T> {
  let conn: LdapConnection;
  try {
    conn = await LdapConnection.open(directory);
  } catch (error) {
    if (error instanceof Unavailable) throw error;
    throw unreachable(directory, (error as Error).message);
  }
  try {
    await conn.bindService(bindPassword);
    return await work(conn);
  } finally {
    await conn.close();
  }
}

/** The first value of an attribute as text (a binary id such as AD's objectGUID as hex), or null. */
export function firstValue(entry: LdapEntry, attribute: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (key === undefined) return null;
  const v = entry[key];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return null;
  if (Buffer.isBuffer(first)) return first.length > 0 ? first.toString('hex') : null;
  return first === '' ? null : first;
}

/** Every value of an attribute as text. */
export function allValues(entry: LdapEntry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (key === undefined) return [];
  const v = entry[key];
  const list = (Array.isArray(v) ? v : [v]) as (string | Buffer)[];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('hex') : x)).filter((x) => x !== '');
}

/** DNs compare case-insensitively and without the spaces after commas that some servers and admins write. */
export function normaliseDn(dn: string): string {
  return dn.replace(/,\s+/g, ',').toLowerCase();
}

/** RFC 4514 escaping of a value put into a DN (a login put into a DN template). */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=#]/g, (c) => `\\${c}`)
    .replace(/^ /, '\\ ')
    .replace(/ $/, '\\ ');
}
