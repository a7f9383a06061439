// One line for people from a failed socket, TLS or DNS operation: the error codes Node reports, in words an
// operator reads on a status board ("connection refused", "certificate has expired").

const byCode: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed temporarily',
  EPIPE: 'connection closed while sending',
  EPROTO: 'TLS protocol error',
  HPE_INVALID_CONSTANT: 'malformed HTTP response',
  HPE_INVALID_STATUS: 'malformed HTTP status line',
  HPE_HEADER_OVERFLOW: 'HTTP response headers too large',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: certificate does not match the host name',
  CERT_HAS_EXPIRED: 'TLS: certificate has expired',
  CERT_NOT_YET_VALID: 'TLS: certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: unable to verify the certificate (missing intermediate?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: issuer certificate not trusted',
  CERT_REVOKED: 'TLS: certificate revoked',
};

/** A one-line description of an error thrown by node:net, node:tls, node:http(s) or node:dns. */
export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).split('\n')[0] as string;
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && byCode[code] !== undefined) return byCode[code];
  const line = err.message.split('\n')[0] ?? 'failed';
  return code !== undefined && !line.includes(code) ? `${line} (${code})` : line;
}

/** OpenSSL's verification code (socket.authorizationError) in words: "self-signed certificate". */
export function describeCertificateError(code: string): string {
  const known = byCode[code];
  if (known?.startsWith('TLS: ')) return known.slice(5);
  return code.toLowerCase().replace(/_/g, ' ');
}
