/**
 * Who is calling: the operator (admin token), an AIS (a TLS client certificate registered to it, or,
 * where the operator allows, its API key), or nobody. Lookups go to the in-memory registry view, so
 * identifying a call costs one SHA-256 and a map lookup.
 */
import { timingSafeEqual } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import { digestSecret } from './registry.ts';
import { AisState } from './schemas.ts';
import type { RegistryView } from './view.ts';

export const CredentialKind = { API_KEY: 'api-key', CERTIFICATE: 'certificate' } as const;
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

/** What an operator account may do (the bootstrap token acts as an administrator). */
export type OperatorRoleName = 'administrator' | 'registration' | 'security' | 'observer';

export type Caller =
  /** `actor` names who, for the record: an account's login, or `bootstrap-token`. */
  | { readonly kind: 'operator'; readonly role: OperatorRoleName; readonly actor: string }
  | { readonly kind: 'ais'; readonly aisId: number; readonly via: CredentialKind | 'session'; readonly actor?: string }
  | { readonly kind: 'anonymous' };

/** The bootstrap token's caller. */
export const BOOTSTRAP_OPERATOR: Caller = { kind: 'operator', role: 'administrator', actor: 'bootstrap-token' };

/** What the TLS layer saw of the client: its certificate and whether it chains to the configured CA. */
export interface PresentedCertificate {
  readonly fingerprint256: string;
  readonly validFrom: number;
  readonly validTo: number;
  /** False when a client CA is configured and the certificate does not chain to it. */
  readonly trusted: boolean;
  readonly trustError?: string;
}

export interface Identity {
  /** Resolves the credentials; refuses unknown or expired ones and inactive AIS. */
  identify(authorization: string | undefined, certificate?: PresentedCertificate): Caller;
}

export interface IdentityOptions {
  readonly view: RegistryView;
  readonly adminToken: string;
  /** Whether an AIS may authenticate with an API key; certificates always work. */
  readonly allowApiKeys?: boolean;
  readonly now?: () => number;
  /** True once the operator switched the bootstrap token off (an administrator account exists). */
  readonly bootstrapDisabled?: () => boolean;
}

export function createIdentity({
  view,
  adminToken,
  allowApiKeys = true,
  now = Date.now,
  bootstrapDisabled = () => false,
}: IdentityOptions): Identity {
  const admin = Buffer.from(digestSecret(adminToken), 'hex');

  function byDigest(digest: string, kind: CredentialKind, what: string): Caller {
    const credential = view.current().credentials.get(digest);
    const at = now();
    if (credential === undefined || credential.kind !== kind || at < credential.validFrom || at >= credential.validTo) {
      throw new EgsbError(ErrorCode.AUTH_INVALID, `the ${what} is not registered to any AIS, or not valid now`);
    }
    const ais = view.current().ais.get(credential.aisId);
    if (ais === undefined) throw new EgsbError(ErrorCode.AUTH_INVALID, `the ${what} belongs to no registered AIS`);
    if (ais.state !== AisState.ACTIVE) throw new EgsbError(ErrorCode.AIS_INACTIVE, `AIS ${ais.id} is ${ais.state}`);
    return { kind: 'ais', aisId: ais.id, via: kind };
  }

  return {
    identify(authorization, certificate) {
      if (authorization !== undefined && authorization !== '') {
        const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
        if (match === null) throw new EgsbError(ErrorCode.AUTH_INVALID, 'Authorization must be "Bearer <API key>"');
        const digest = digestSecret(match[1] ?? '');
        if (timingSafeEqual(Buffer.from(digest, 'hex'), admin)) {
          if (bootstrapDisabled())
            throw new EgsbError(ErrorCode.AUTH_INVALID, 'the bootstrap token is switched off; log in with an account');
          return BOOTSTRAP_OPERATOR;
        }
        if (!allowApiKeys) throw new EgsbError(ErrorCode.AUTH_INVALID, 'this bus accepts TLS client certificates only, not API keys');
        return byDigest(digest, CredentialKind.API_KEY, 'API key');
      }
      if (certificate !== undefined) {
        const at = now();
        if (at < certificate.validFrom || at >= certificate.validTo)
          throw new EgsbError(ErrorCode.AUTH_INVALID, 'the client certificate is expired or not yet valid');
        if (!certificate.trusted)
          throw new EgsbError(
            ErrorCode.AUTH_INVALID,
            `the client certificate is not trusted: ${certificate.trustError ?? 'unknown issuer'}`,
          );
        return byDigest(fingerprintDigest(certificate.fingerprint256), CredentialKind.CERTIFICATE, 'client certificate');
      }
      return { kind: 'anonymous' };
    },
  };
}

/** `AB:CD:…` as Node prints it → the lower-case hex the registry stores. */
export function fingerprintDigest(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** Reads what the TLS socket holds about the client's certificate, if it sent one. */
export function presentedCertificate(
  peer: PeerCertificate | undefined,
  authorized: boolean,
  authorizationError: string | undefined,
  requireTrust: boolean,
): PresentedCertificate | undefined {
  if (peer === undefined || peer.fingerprint256 === undefined || peer.fingerprint256 === '') return undefined;
  return {
    fingerprint256: peer.fingerprint256,
    validFrom: Date.parse(peer.valid_from),
    validTo: Date.parse(peer.valid_to),
    trusted: !requireTrust || authorized,
    ...(authorizationError ? { trustError: authorizationError } : {}),
  };
}

export function requireOperator(caller: Caller): void {
  if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'the operator API needs the operator token');
  if (caller.kind !== 'operator') throw new EgsbError(ErrorCode.FORBIDDEN, 'the operator API is for the operator only');
}
