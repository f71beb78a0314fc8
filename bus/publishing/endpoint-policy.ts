/**
 * Where a publishing AIS may point the bus: only at origins the operator approved for it, written as
 * `http(s)://host[:port]` (scheme, host and port must all match) or `nats:<subject prefix>` (the
 * endpoint's subject is the prefix or lies beneath it). Nothing else is reachable by publishing, so
 * loopback, link-local addresses and the bus's own listeners need an explicit listing like any other
 * origin, and no listing opens the bus's own NATS subjects (its work queue) to a provider endpoint.
 */
import { EgsbError, ErrorCode, type ErrorEntry } from '../../contracts/index.ts';

export type Origin =
  | { readonly kind: 'http'; readonly scheme: 'http:' | 'https:'; readonly host: string; readonly port: string }
  | { readonly kind: 'nats'; readonly prefix: string };

const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** An origin as the operator lists it, or undefined when it is not one. */
export function parseOrigin(raw: string): Origin | undefined {
  if (raw.startsWith('nats:')) {
    const prefix = raw.slice(5);
    return SUBJECT.test(prefix) ? { kind: 'nats', prefix } : undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  if (url.pathname !== '/' || url.search || url.hash || raw.endsWith('/')) return undefined;
  return { kind: 'http', scheme: url.protocol, host: url.hostname, port: url.port || (url.protocol === 'https:' ? '443' : '80') };
}

function allows(origin: Origin, endpoint: string): boolean {
  if (origin.kind === 'nats') {
    if (!endpoint.startsWith('nats:')) return false;
    const subject = endpoint.slice(5);
    return subject === origin.prefix || subject.startsWith(`${origin.prefix}.`);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return url.protocol === origin.scheme && url.hostname === origin.host && port === origin.port;
}

export interface EndpointPolicy {
  /** Throws EGSB_ENDPOINT_NOT_APPROVED naming every endpoint outside the AIS's approved origins. */
  check(aisId: number, endpoints: readonly { readonly url: string }[], origins: readonly string[]): void;
}

/** `busSubjects`: the prefix of the bus's own NATS subjects, never a provider's endpoint. */
export function createEndpointPolicy({ busSubjects }: { busSubjects?: string }): EndpointPolicy {
  return {
    check(aisId, endpoints, listed) {
      const origins = listed.map(parseOrigin).filter((o): o is Origin => o !== undefined);
      const errors: ErrorEntry[] = [];
      endpoints.forEach(({ url }, i) => {
        const location = `manifest/endpoints/${i}/url`;
        if (url.startsWith('nats:')) {
          const subject = url.slice(5);
          if (!SUBJECT.test(subject)) {
            errors.push({ location, rule: 'nats-subject', message: 'a provider subject is dot-separated tokens without wildcards' });
            return;
          }
          if (busSubjects !== undefined && (subject === busSubjects || subject.startsWith(`${busSubjects}.`))) {
            errors.push({ location, rule: 'bus-subject', message: `subjects under ${busSubjects} belong to the bus itself` });
            return;
          }
        }
        if (!origins.some((o) => allows(o, url))) {
          errors.push({ location, rule: 'approved-origin', message: `${url} lies outside the origins approved for AIS ${aisId}` });
        }
      });
      const first = errors[0];
      if (first !== undefined) {
        const approved = listed.length > 0 ? listed.join(', ') : 'none';
        throw new EgsbError(
          ErrorCode.ENDPOINT_NOT_APPROVED,
          `${first.message} (approved: ${approved}); the operator approves origins with PUT /admin/ais/${aisId}/publishing`,
          { errors },
        );
      }
    },
  };
}
