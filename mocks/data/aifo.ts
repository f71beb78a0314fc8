/**
 * AIFOs and the ORG-like translation between them. Every person has a different AIFO in every agenda:
 * 17 bytes of HMAC-SHA-256 over (agenda, person) under a secret only this module holds, written in
 * base64 (24 characters). Nobody can tell from two AIFOs that they name one person; only the
 * translation function, which keeps the reverse index, can map an AIFO of one agenda to the person or
 * to the AIFO of another agenda, as ORG does for the basic registers.
 */
import { createHmac } from 'node:crypto';

export const AIFO_PATTERN = /^[A-Za-z0-9+/]{22}[A-Za-z0-9+/=]{2}$/;

export interface Org {
  /** The AIFO of a person (population index) in an agenda. */
  aifoOf(person: number, agenda: string): string;
  /** The person an agenda's AIFO names, or undefined for an AIFO unknown in that agenda. */
  personOf(agenda: string, aifo: string): number | undefined;
  /** The AIFO, in agenda `to`, of the person that `aifo` names in agenda `from`. */
  translate(aifo: string, from: string, to: string): string | undefined;
  /** Builds the reverse index of an agenda ahead of the first read (it is built lazily otherwise). */
  warm(agenda: string): void;
}

/** Reverse indexes kept at once; the least recently built goes first (callers may name any agenda). */
const MAX_INDEXES = 32;

export function createOrg(secret: string, persons: number): Org {
  const indexes = new Map<string, Map<string, number>>();
  const aifoOf = (person: number, agenda: string): string => {
    if (!Number.isInteger(person) || person < 0 || person >= persons) throw new RangeError(`no person ${person}`);
    return createHmac('sha256', secret).update(`${agenda}\u0000${person}`).digest().subarray(0, 17).toString('base64');
  };
  const indexOf = (agenda: string): Map<string, number> => {
    let index = indexes.get(agenda);
    if (index === undefined) {
      index = new Map();
      for (let person = 0; person < persons; person++) {
        const aifo = aifoOf(person, agenda);
        if (index.has(aifo)) throw new Error(`AIFO collision in agenda ${agenda}; choose another secret`);
        index.set(aifo, person);
      }
      if (indexes.size >= MAX_INDEXES) indexes.delete(indexes.keys().next().value as string);
      indexes.set(agenda, index);
    }
    return index;
  };
  const personOf = (agenda: string, aifo: string): number | undefined => (AIFO_PATTERN.test(aifo) ? indexOf(agenda).get(aifo) : undefined);
  return {
    aifoOf,
    personOf,
    translate(aifo, from, to) {
      const person = personOf(from, aifo);
      return person === undefined ? undefined : aifoOf(person, to);
    },
    warm: (agenda) => void indexOf(agenda),
  };
}
