/**
 * The client certificate behind a request, read from its TLS socket once per connection (a keep-alive
 * connection carries many calls). Requests served in memory or over plain HTTP have none.
 */
import type { Context } from 'hono';
import { TLSSocket } from 'node:tls';
import { presentedCertificate, type PresentedCertificate } from './identity.ts';

export function createCertificateReader(requireTrusted: boolean): (c: Context) => PresentedCertificate | undefined {
  const seen = new WeakMap<TLSSocket, PresentedCertificate | null>();
  return function certificateOf(c) {
    const socket = (c.env as { incoming?: { socket?: unknown } } | undefined)?.incoming?.socket;
    if (!(socket instanceof TLSSocket)) return undefined;
    let cert = seen.get(socket);
    if (cert === undefined) {
      const authError = socket.authorizationError as unknown;
      const reason = authError === null || authError === undefined ? undefined : String(authError);
      cert = presentedCertificate(socket.getPeerCertificate(), socket.authorized, reason, requireTrusted) ?? null;
      seen.set(socket, cert);
    }
    return cert ?? undefined;
  };
}
