/**
 * Who is calling: the operator (admin token), an AIS (its API key), or nobody. Certificates join in
 * with the call path; here bearer tokens only.
 */
import { timingSafeEqual } from 'node:crypto';
import { EgsbError, ErrorCode } from '../contracts/index.ts';
import { digestSecret, type Registry } from './registry.ts';
import { AisState } from './registry-schemas.ts';

export type Caller = { readonly kind: 'operator' } | { readonly kind: 'ais'; readonly aisId: number } | { readonly kind: 'anonymous' };

export interface Identity {
  /** Resolves the Authorization header; refuses unknown credentials and inactive AIS. */
  identify(authorization: string | undefined): Promise<Caller>;
}

export function createIdentity({ registry, adminToken, now = () => new Date() }: { registry: Registry; adminToken: string; now?: () => Date }): Identity {
  const admin = Buffer.from(digestSecret(adminToken), 'hex');
  return {
    async identify(authorization) {
      if (authorization === undefined || authorization === '') return { kind: 'anonymous' };
      const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
      if (match === null) throw new EgsbError(ErrorCode.AUTH_INVALID, 'Authorization must be "Bearer <API key>"');
      const digest = digestSecret(match[1] ?? '');
      if (timingSafeEqual(Buffer.from(digest, 'hex'), admin)) return { kind: 'operator' };
      const owner = await registry.findCredential(digest, now());
      if (owner === undefined) throw new EgsbError(ErrorCode.AUTH_INVALID, 'the API key is not registered, or not valid now');
      if (owner.state !== AisState.ACTIVE) throw new EgsbError(ErrorCode.AIS_INACTIVE, `AIS ${owner.aisId} is ${owner.state}`);
      return { kind: 'ais', aisId: owner.aisId };
    },
  };
}

export function requireOperator(caller: Caller): void {
  if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'the operator API needs the operator token');
  if (caller.kind !== 'operator') throw new EgsbError(ErrorCode.FORBIDDEN, 'the operator API is for the operator only');
}
