// A real OpenLDAP server for tests and benchmarks: Debian's slapd on free loopback ports (ldap:// with StartTLS,
// and ldaps://) with a config file, a database and a self-signed certificate (openssl) in a temp folder. The
// directory is loaded with slapadd before slapd starts, so twenty thousand entries load in seconds.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';

export const ldapSuffix = 'dc=example,dc=org';
export const ldapRootDn = `cn=admin,${ldapSuffix}`;
export const ldapRootPassword = 'root secret';

export interface TestSlapd {
  /** ldap://127.0.0.1:port (StartTLS offered) */
  url: string;
  /** ldaps://127.0.0.1:port */
  secureUrl: string;
  /** The PEM certificate slapd presents (self-signed: it is its own CA). */
  caCert: string;
  /** Add, change or delete entries while it runs (ldapmodify's LDIF, as the root DN). */
  modify(ldif: string): void;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(dir: string): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
TLSCertificateFile ${dir}/cert.pem
TLSCertificateKeyFile ${dir}/key.pem
TLSCACertificateFile ${dir}/cert.pem
sizelimit unlimited
database mdb
maxsize 2147483648
suffix "${ldapSuffix}"
rootdn "${ldapRootDn}"
rootpw "${ldapRootPassword}"
directory ${dir}/db
index objectClass eq
index uid,mail,cn eq
index member eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
`;
}

/** The base entries every directory here starts with. */
export function baseLdif(): string {
  return `dn: ${ldapSuffix}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,${ldapSuffix}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${ldapSuffix}
objectClass: organizationalUnit
ou: groups

dn: ou=services,${ldapSuffix}
objectClass: organizationalUnit
ou: services

dn: cn=opsdesk,ou=services,${ldapSuffix}
objectClass: inetOrgPerson
cn: opsdesk
sn: opsdesk
userPassword: service secret

`;
}

/** Start slapd with `ldif` (after the base entries) loaded. */
export async function startSlapd(ldif: string): Promise<TestSlapd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-slapd-'));
  fs.mkdirSync(path.join(dir, 'db'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(conf, config(dir));
  const data = path.join(dir, 'data.ldif');
  fs.writeFileSync(data, baseLdif() + ldif);
  // -q: a fast load, no consistency checks beyond the schema's (the LDIF is ours).
  execFileSync('slapadd', ['-q', '-f', conf, '-l', data], { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.rmSync(data);
  const port = await freePort();
  const securePort = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const secureUrl = `ldaps://127.0.0.1:${securePort}`;
  // -d 0: stay in the foreground (the test owns the process), log nothing.
  const child = spawn('slapd', ['-f', conf, '-h', `${url}/ ${secureUrl}/`, '-d', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited: ${stderr}`);
    const client = new Client({ url, connectTimeout: 1000 });
    try {
      await client.bind(ldapRootDn, ldapRootPassword);
      await client.unbind();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`slapd did not answer: ${(error as Error).message} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    secureUrl,
    caCert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    modify(changes: string) {
      execFileSync('ldapmodify', ['-x', '-H', url, '-D', ldapRootDn, '-w', ldapRootPassword], {
        input: changes,
        stdio: ['pipe', 'ignore', 'pipe'],
      });
    },
    async close() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An inetOrgPerson in ou=people; `disabled` marks it as the tests' disabled filter finds it (employeeType). */
export function personLdif(p: {
  uid: string;
  name: string;
  mail?: string;
  password?: string;
  disabled?: boolean;
}): string {
  const [given, ...rest] = p.name.split(' ');
  return [
    `dn: uid=${p.uid},ou=people,${ldapSuffix}`,
    'objectClass: inetOrgPerson',
    `uid: ${p.uid}`,
    `cn: ${p.name}`,
    `givenName: ${given}`,
    `sn: ${rest.join(' ') || given}`,
    ...(p.mail ? [`mail: ${p.mail}`] : []),
    ...(p.password ? [`userPassword: ${p.password}`] : []),
    ...(p.disabled ? ['employeeType: disabled'] : []),
    '',
    '',
  ].join('\n');
}

/** A groupOfNames in ou=groups; members are full DNs (people or other groups). */
export function groupLdif(cn: string, members: string[]): string {
  return [
    `dn: cn=${cn},ou=groups,${ldapSuffix}`,
    'objectClass: groupOfNames',
    `cn: ${cn}`,
    // groupOfNames needs one member at least: an empty group names itself, as admins do.
    ...(members.length > 0 ? members : [`cn=${cn},ou=groups,${ldapSuffix}`]).map((m) => `member: ${m}`),
    '',
    '',
  ].join('\n');
}

export const personDn = (uid: string) => `uid=${uid},ou=people,${ldapSuffix}`;
export const groupDn = (cn: string) => `cn=${cn},ou=groups,${ldapSuffix}`;
