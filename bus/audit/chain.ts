/**
 * The audit's hash chain and its verification. Each record's hash is SHA-256 over its predecessor's
 * hash and its canonical content (every recorded column in a fixed order, as JSON); a checkpoint is
 * an Ed25519 signature over a chain's head. Verification needs nothing but the evidence: records,
 * checkpoints and public keys, as `GET /admin/audit/evidence` streams them and `egsb audit verify`
 * reads them, online or from a file.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** The recorded columns, in the order their values enter the hash. Never reorder: old chains use it. */
export const CHAINED_COLUMNS = [
  'id',
  'time',
  'request_id',
  'ais_id',
  'ovm',
  'agenda',
  'role',
  'audit_user_id',
  'purpose',
  'service',
  'service_major',
  'operation',
  'protocol',
  'mode',
  'decision',
  'legal_basis',
  'authorisations',
  'data_items',
  'refused_items',
  'subjects',
  'provider_ais',
  'endpoint',
  'status',
  'code',
  'request_bytes',
  'response_bytes',
  'latency_ms',
  'cause',
] as const;

/** The first record of a chain follows this. */
export const GENESIS = '0'.repeat(64);

export type RecordRow = Readonly<Record<(typeof CHAINED_COLUMNS)[number], unknown>>;

/** A record's content as the chain hashes it: times as ISO 8601 in UTC, absent values as null. */
export function canonicalRecord(row: RecordRow): string {
  return JSON.stringify(
    CHAINED_COLUMNS.map((column) => {
      const value = row[column];
      if (column === 'time') return new Date(value as string | Date).toISOString();
      return value === undefined ? null : value;
    }),
  );
}

export function linkHash(prevHash: string, row: RecordRow): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalRecord(row)).digest('hex');
}

/** What a checkpoint signs. */
export function checkpointText(c: { chain: string; seq: number; hash: string; at: string }): string {
  return `egsb-audit-checkpoint:v1\n${c.chain}\n${c.seq}\n${c.hash}\n${new Date(c.at).toISOString()}`;
}

export interface SigningKey {
  readonly id: string;
  /** SPKI, PEM. */
  readonly publicKey: string;
  sign(text: string): string;
}

/** An Ed25519 key from PKCS#8 PEM, or a new one when none is given. */
export function signingKey(pem?: string): SigningKey & { readonly privatePem: string } {
  const privateKey: KeyObject = pem ? createPrivateKey(pem) : generateKeyPairSync('ed25519').privateKey;
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    id: keyId(publicKey),
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    sign: (text) => sign(null, Buffer.from(text), privateKey).toString('base64'),
  };
}

export function keyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

// --- verification ---

export type EvidenceLine =
  | { readonly kind: 'key'; readonly id: string; readonly publicKey: string }
  | { readonly kind: 'chain'; readonly id: string; readonly startedAt: string; readonly writer: string }
  | {
      readonly kind: 'checkpoint';
      readonly chain: string;
      readonly seq: number;
      readonly hash: string;
      readonly at: string;
      readonly keyId: string;
      readonly signature: string;
    }
  /** Retention dropped a chain's records up to here: the chain goes on from the next place. */
  | { readonly kind: 'cut'; readonly chain: string; readonly seq: number; readonly hash: string }
  | {
      readonly kind: 'record';
      readonly chain: string | null;
      readonly seq: number | null;
      readonly prevHash: string | null;
      readonly hash: string | null;
      readonly row: RecordRow;
    };

export interface Problem {
  readonly kind:
    'modified' | 'broken-link' | 'missing' | 'checkpoint-forged' | 'checkpoint-mismatch' | 'checkpoint-unknown-key' | 'untrusted-key';
  readonly chain: string;
  readonly seq?: number;
  readonly record?: string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  /** Records from before the chain began (written by a bus without it). */
  readonly unchained: number;
  readonly chains: number;
  readonly checkpoints: { readonly verified: number; readonly outsideRange: number };
  readonly problems: readonly Problem[];
}

export interface VerifierOptions {
  /** Public keys (PEM) to trust; when given, a checkpoint signed by any other key is a problem. */
  readonly trustedKeys?: readonly string[];
  /**
   * Whether the evidence starts at a chain's first record. Over a time range it does not: each
   * chain's first record in range is taken as the start, its predecessor being outside.
   */
  readonly fromStart?: boolean;
}

/**
 * Checks evidence line by line, keeping one record per chain and the checkpoints: a month of records
 * verifies in constant memory but for its checkpoints. Lines come as the bus streams them: keys,
 * chains and checkpoints first, then records by chain and place.
 */
export function createVerifier({ trustedKeys, fromStart = false }: VerifierOptions = {}): {
  add(line: EvidenceLine): void;
  finish(): VerifyReport;
} {
  const keys = new Map<string, KeyObject>();
  const trusted = trustedKeys ? new Set(trustedKeys.map(keyId)) : undefined;
  const checkpoints = new Map<string, Extract<EvidenceLine, { kind: 'checkpoint' }>>();
  const seen = new Set<string>();
  const last = new Map<string, { seq: number; hash: string }>();
  const chains = new Set<string>();
  const listed = new Set<string>();
  const cuts = new Map<string, { seq: number; hash: string }>();
  const problems: Problem[] = [];
  let records = 0;
  let unchained = 0;
  let verified = 0;
  const problem = (p: Problem): void => void (problems.length < 1000 && problems.push(p));

  return {
    add(line) {
      switch (line.kind) {
        case 'key':
          keys.set(line.id, createPublicKey(line.publicKey));
          return;
        case 'cut': {
          const known = cuts.get(line.chain);
          if (known === undefined || known.seq < line.seq) cuts.set(line.chain, { seq: line.seq, hash: line.hash });
          return;
        }
        case 'chain':
          listed.add(line.id);
          chains.add(line.id);
          return;
        case 'checkpoint': {
          const key = keys.get(line.keyId);
          if (key === undefined) {
            problem({
              kind: 'checkpoint-unknown-key',
              chain: line.chain,
              seq: line.seq,
              detail: `signed by key ${line.keyId}, which the evidence does not hold`,
            });
            return;
          }
          if (trusted !== undefined && !trusted.has(line.keyId)) {
            problem({
              kind: 'untrusted-key',
              chain: line.chain,
              seq: line.seq,
              detail: `signed by key ${line.keyId}, which is not among the trusted keys`,
            });
            return;
          }
          const valid = verify(null, Buffer.from(checkpointText(line)), key, Buffer.from(line.signature, 'base64'));
          if (!valid) {
            problem({ kind: 'checkpoint-forged', chain: line.chain, seq: line.seq, detail: 'the signature does not match the checkpoint' });
            return;
          }
          checkpoints.set(`${line.chain}#${line.seq}`, line);
          return;
        }
        case 'record': {
          records++;
          if (line.chain === null || line.seq === null || line.hash === null || line.prevHash === null) {
            unchained++;
            return;
          }
          chains.add(line.chain);
          const id = String(line.row.id);
          const recomputed = linkHash(line.prevHash, line.row);
          if (recomputed !== line.hash)
            problem({
              kind: 'modified',
              chain: line.chain,
              seq: line.seq,
              record: id,
              detail: 'the record does not match its hash: its content was changed',
            });
          const before = last.get(line.chain);
          if (before === undefined) {
            const cut = cuts.get(line.chain);
            const startsClean = line.seq === 1 && line.prevHash === GENESIS;
            const followsCut = cut !== undefined && line.seq === cut.seq + 1 && line.prevHash === cut.hash;
            if (fromStart && !startsClean && !followsCut)
              problem({
                kind: 'missing',
                chain: line.chain,
                seq: line.seq,
                record: id,
                detail:
                  cut === undefined
                    ? `the chain starts at ${line.seq}, not 1: records before it are gone`
                    : `the chain goes on at ${line.seq}, but retention cut it at ${cut.seq}: records between are gone`,
              });
          } else if (line.seq !== before.seq + 1) {
            problem({
              kind: line.seq <= before.seq ? 'broken-link' : 'missing',
              chain: line.chain,
              seq: line.seq,
              record: id,
              detail:
                line.seq <= before.seq ? `place ${line.seq} follows ${before.seq}` : `records ${before.seq + 1}…${line.seq - 1} are gone`,
            });
          } else if (line.prevHash !== before.hash) {
            problem({
              kind: 'broken-link',
              chain: line.chain,
              seq: line.seq,
              record: id,
              detail: 'the record does not follow its predecessor: one was replaced, inserted or moved',
            });
          }
          last.set(line.chain, { seq: line.seq, hash: line.hash });
          const key = `${line.chain}#${line.seq}`;
          const checkpoint = checkpoints.get(key);
          if (checkpoint !== undefined) {
            seen.add(key);
            if (checkpoint.hash !== line.hash || recomputed !== checkpoint.hash)
              problem({
                kind: 'checkpoint-mismatch',
                chain: line.chain,
                seq: line.seq,
                record: id,
                detail: 'the signed checkpoint names another hash for this place',
              });
            else verified++;
          }
          return;
        }
      }
    },
    finish() {
      // A signed checkpoint beyond a chain's last record in the evidence: its records are gone.
      let outsideRange = 0;
      for (const [key, checkpoint] of checkpoints) {
        if (seen.has(key)) continue;
        const tail = last.get(checkpoint.chain);
        const cut = cuts.get(checkpoint.chain);
        if (cut !== undefined && checkpoint.seq <= cut.seq) outsideRange++;
        else if (fromStart && (tail === undefined || tail.seq < checkpoint.seq)) {
          problem({
            kind: 'missing',
            chain: checkpoint.chain,
            seq: checkpoint.seq,
            detail: `a signed checkpoint names place ${checkpoint.seq}, but the chain ends at ${tail?.seq ?? 0}`,
          });
        } else outsideRange++;
      }
      // A chain is made with its first record, so a chain on record without any is one whose records are gone.
      if (fromStart) {
        for (const chain of listed) {
          if (!last.has(chain) && !cuts.has(chain))
            problem({ kind: 'missing', chain, detail: 'the chain is on record but none of its records is' });
        }
      }
      problems.sort((a, b) => (a.chain === b.chain ? (a.seq ?? 0) - (b.seq ?? 0) : a.chain < b.chain ? -1 : 1));
      return { ok: problems.length === 0, records, unchained, chains: chains.size, checkpoints: { verified, outsideRange }, problems };
    },
  };
}
