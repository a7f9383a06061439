// A SAML 2.0 identity provider made in the test: an RSA key and a self-signed certificate made with openssl, the
// AuthnRequest read from the redirect URL as a provider reads it (base64, raw deflate), and Responses built and
// their assertions signed with xml-crypto — correctly, or forged in one way each (unsigned, replayed, for another
// audience or recipient, expired, from a skewed clock) for the refusals.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { SignedXml } from 'xml-crypto';

export interface TestSamlKey {
  key: string;
  cert: string;
}

/** A 2048-bit RSA key and a self-signed certificate for it, valid for a year. */
export function makeSigningKey(name = 'Test IdP'): TestSamlKey {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-saml-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'idp.key'),
        '-out',
        join(dir, 'idp.pem'),
        '-days',
        '365',
        '-subj',
        `/CN=${name}`,
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'idp.key'), 'utf8'),
      cert: readFileSync(join(dir, 'idp.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the service asked for, read from the redirect URL. */
export interface AuthnRequest {
  id: string;
  issuer: string;
  acsUrl: string;
  destination: string;
  relayState: string;
}

export function readAuthnRequest(redirectUrl: string): AuthnRequest {
  const url = new URL(redirectUrl);
  const encoded = url.searchParams.get('SAMLRequest');
  if (!encoded) throw new Error(`No SAMLRequest in ${redirectUrl}`);
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true }).parse(
    xml,
  );
  const request = doc.AuthnRequest;
  return {
    id: request.ID,
    issuer: typeof request.Issuer === 'string' ? request.Issuer : request.Issuer['#text'],
    acsUrl: request.AssertionConsumerServiceURL,
    destination: request.Destination,
    relayState: url.searchParams.get('RelayState') ?? '',
  };
}

export interface Person {
  nameId: string;
  attributes: Record<string, string | string[]>;
}

/** How one Response is made; each field defaults to what an honest provider sends for the request. */
export interface ResponseOptions {
  /** The provider's clock (milliseconds): the service's clock, unless the test skews it. */
  now: number;
  inResponseTo?: string;
  recipient?: string;
  destination?: string;
  audience?: string;
  issuer?: string;
  assertionId?: string;
  /** Seconds the assertion stays valid from `now`. */
  validSeconds?: number;
  /** false: the assertion is not signed at all. */
  sign?: boolean;
  /** Sign with this key instead of the provider's own (a forger's). */
  signingKey?: TestSamlKey;
}

const xmlText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const newId = () => `_${randomBytes(16).toString('hex')}`;

export class TestSamlIdp {
  readonly entityId: string;
  readonly ssoUrl: string;
  readonly key: TestSamlKey;

  constructor(entityId = 'https://idp.test/saml', ssoUrl = 'https://idp.test/saml/sso') {
    this.entityId = entityId;
    this.ssoUrl = ssoUrl;
    this.key = makeSigningKey();
  }

  /** The base64 SAMLResponse answering `request` for `person`, made as `options` say. */
  response(request: AuthnRequest, person: Person, options: ResponseOptions): string {
    const now = options.now;
    const until = now + (options.validSeconds ?? 300) * 1000;
    const issuer = xmlText(options.issuer ?? this.entityId);
    const inResponseTo = xmlText(options.inResponseTo ?? request.id);
    const recipient = xmlText(options.recipient ?? request.acsUrl);
    const destination = xmlText(options.destination ?? request.acsUrl);
    const audience = xmlText(options.audience ?? request.issuer);
    const assertionId = options.assertionId ?? newId();
    const attributes = Object.entries(person.attributes)
      .map(
        ([name, value]) =>
          `<saml:Attribute Name="${xmlText(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${(Array.isArray(value) ? value : [value]).map((v) => `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${xmlText(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
      )
      .join('');
    let assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${xmlText(person.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${inResponseTo}" NotOnOrAfter="${iso(until)}" Recipient="${recipient}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(now - 5000)}" NotOnOrAfter="${iso(until)}"><saml:AudienceRestriction><saml:Audience>${audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
      '</saml:Assertion>';
    if (options.sign !== false) assertion = this.sign(assertion, options.signingKey ?? this.key);
    const xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${newId()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${destination}" InResponseTo="${inResponseTo}">` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
      assertion +
      '</samlp:Response>';
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  /** The assertion with an enveloped RSA-SHA256 signature after its Issuer, as providers place it. */
  private sign(assertion: string, key: TestSamlKey): string {
    const signer = new SignedXml({
      privateKey: key.key,
      publicCert: key.cert,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signer.addReference({
      xpath: "/*[local-name(.)='Assertion']",
      transforms: [
        'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
        'http://www.w3.org/2001/10/xml-exc-c14n#',
      ],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    signer.computeSignature(assertion, {
      location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    });
    return signer.getSignedXml();
  }
}
