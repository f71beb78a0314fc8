/**
 * The client certificate behind a request, read from its TLS socket once per connection (a keep-alive
 * connection carries many calls). Requests served in memory or over plain HTTP have none. Whether the
 * certificate must also chain to a client CA is the listening server's setting, which it marks on
 * each connection it accepts.
 */
import type { Context } from 'hono';
import { TLSSocket } from 'node:tls';
import { presentedCertificate, type PresentedCertificate } from '../registry/index.ts';

const requiresTrustedIssuer = Symbol('egsb.requiresTrustedIssuer');
const certificateOfSocket = Symbol('egsb.certificate');

type MarkedSocket = TLSSocket & { [requiresTrustedIssuer]?: boolean; [certificateOfSocket]?: PresentedCertificate | null };

/** Called by a TLS server configured with a client CA for every connection it accepts. */
export function requireTrustedIssuer(socket: TLSSocket): void {
  (socket as MarkedSocket)[requiresTrustedIssuer] = true;
}

export function certificateOf(c: Context): PresentedCertificate | undefined {
  const socket = (c.env as { incoming?: { socket?: unknown } } | undefined)?.incoming?.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const marked = socket as MarkedSocket;
  let cert = marked[certificateOfSocket];
  if (cert === undefined) {
    const authError = socket.authorizationError as unknown;
    const reason = authError === null || authError === undefined ? undefined : String(authError);
    cert = presentedCertificate(socket.getPeerCertificate(), socket.authorized, reason, marked[requiresTrustedIssuer] === true) ?? null;
    marked[certificateOfSocket] = cert;
  }
  return cert ?? undefined;
}
